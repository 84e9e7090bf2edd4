"""Every place the build reaches into a library's internals, and why.

Five things the site needs have no public interface in the libraries it uses, so
each is done here, in one small function, and nowhere else. tests/test_patches.py
checks each internal against the pinned versions (constraints.txt): if an upgrade
renames or changes one, those tests fail loudly, instead of the site quietly
building with stale fences, shifting ids, uncached labs or unlocated warnings.

1. ``run_fences_with``: markdown-exec runs python fences through the fence cache.
2. ``number_ids_per_page``: markdown-exec's HTML ids restart on every page.
3. ``execute_labs_with``: mkdocs-jupyter's lab execution goes through the fence cache.
4. ``locate_link_warnings``: MkDocs' link warnings name the page line.
5. ``count_only_page_warnings``: under ``mkdocs serve``, a browser's request does
   not fail a strict rebuild.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path


def run_fences_with(format_fence) -> None:
    """markdown-exec looks up the runner of each fence's language in its module-level
    table ``markdown_exec.formatters`` every time it renders a fence, and has no option
    for another runner: the python entries are replaced by the fence cache's."""
    import markdown_exec

    markdown_exec.formatters["python"] = markdown_exec.formatters["py"] = format_fence


def number_ids_per_page() -> None:
    """markdown-exec numbers the HTML ids of fence output (tabs, headings) with a class
    attribute, ``MarkdownConverter.counter``, that grows over the whole build: a page's
    ids would depend on how many fences the pages before it had, and a page built alone
    would differ from the same page in a full build. Called before each page."""
    from markdown_exec import MarkdownConverter

    MarkdownConverter.counter = 0


def execute_labs_with(wrap) -> None:
    """mkdocs-jupyter executes a lab by calling nbconvert's
    ``ExecutePreprocessor.preprocess`` and caches only by the notebook's bytes (a lab
    would keep outputs computed with old package code). The method is replaced by
    ``wrap(original)``, once per process: a rebuild under ``mkdocs serve`` wraps the
    original again, never its own wrapper."""
    from nbconvert.preprocessors import ExecutePreprocessor

    original = getattr(
        ExecutePreprocessor.preprocess, "uncached", ExecutePreprocessor.preprocess
    )
    replacement = wrap(original)
    replacement.uncached = original
    ExecutePreprocessor.preprocess = replacement


# 4. MkDocs (validation: in mkdocs.yml, strict) finds links to missing pages or anchors
# but names only the page: "Doc file 'x.md' contains a link 'y.md', but ...". The
# logging filter LinkLocations rewrites the text of each such log record as
# "docs/x.md:LINE: ..." with what to do: it relies on the wording of MkDocs' message.

LINK_WARNING = re.compile(
    r"^Doc file '(?P<page>[^']+)' contains an? (?:absolute |unrecognized relative )?link "
    r"(?:to )?'(?P<href>[^']+)'"
)
LINK_HELP = (
    "Point the link at a page under docs/ (its relative .md path) and, after #, at an anchor "
    "that page has (a heading's id), or remove the link."
)


class LinkLocations(logging.Filter):
    def __init__(self, docs_dir: Path, root: Path) -> None:
        super().__init__()
        self.docs_dir, self.root = docs_dir, root

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        found = LINK_WARNING.match(message)
        if found and record.levelno >= logging.WARNING:
            record.msg, record.args = (
                f"{self.where(found['page'], found['href'])}: {message}\n  {LINK_HELP}",
                (),
            )
        return True

    def where(self, page: str, href: str) -> str:
        source = self.docs_dir / page
        try:
            shown = source.relative_to(self.root).as_posix()
        except ValueError:
            shown = source.as_posix()
        try:
            lines = source.read_text(encoding="utf8").split("\n")
        except OSError:
            return shown
        line = next(
            (
                n
                for n, text in enumerate(lines, start=1)
                if f"({href}" in text or f'"{href}"' in text
            ),
            None,
        ) or next((n for n, text in enumerate(lines, start=1) if href in text), None)
        return f"{shown}:{line}" if line else shown


def locate_link_warnings(docs_dir: Path, root: Path) -> None:
    """Attach one LinkLocations filter to MkDocs' page logger (again on each `serve` rebuild).

    Both loggers are set to WARNING: `mkdocs build -q` raises MkDocs' level to ERROR, so
    link and nav warnings would not even be logged, and --strict would not fail on them."""
    logging.getLogger("mkdocs.structure.nav").setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs.structure.pages")
    logger.setLevel(logging.WARNING)
    for old in [f for f in logger.filters if isinstance(f, LinkLocations)]:
        logger.removeFilter(old)
    logger.addFilter(LinkLocations(docs_dir, root))


# 5. MkDocs' strict mode counts every WARNING logged under "mkdocs" while a build runs,
# from any thread. Under `mkdocs serve` the dev server's threads log each response
# other than 200 as a WARNING ("mkdocs.livereload": a 404 for /favicon.ico or Chrome
# DevTools' /.well-known/ probe, a 302 for /): a request that lands during a rebuild
# aborted it "with N warnings in strict mode!", none about a page (mkdocs#2557, open).
# the text of mkdocs.livereload's request lines
REQUEST = re.compile(r'"[^"]*" code \d+$')


class RequestLines(logging.Filter):
    """The dev server's request lines at INFO: still printed, no longer counted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and REQUEST.search(str(record.msg)):
            record.levelno, record.levelname = (
                logging.INFO,
                logging.getLevelName(logging.INFO),
            )
        return True


def count_only_page_warnings() -> None:
    logger = logging.getLogger("mkdocs.livereload")
    if not any(isinstance(f, RequestLines) for f in logger.filters):
        logger.addFilter(RequestLines())
