"""Give MkDocs' link warnings the page line they come from, and what to do.

MkDocs (validation: in mkdocs.yml, strict) finds links to missing pages or anchors but
names only the page: "Doc file 'x.md' contains a link 'y.md', but ...". `LinkLocations`
is a logging filter that rewrites each such warning as "docs/x.md:LINE: ..." with a fix.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

WARNING = re.compile(r"^Doc file '(?P<page>[^']+)' contains an? (?:absolute |unrecognized relative )?link "
                     r"(?:to )?'(?P<href>[^']+)'")
WHAT_TO_DO = ("Point the link at a page under docs/ (its relative .md path) and, after #, at an anchor "
              "that page has (a heading's id), or remove the link.")


class LinkLocations(logging.Filter):
    def __init__(self, docs_dir: Path, root: Path) -> None:
        super().__init__()
        self.docs_dir, self.root = docs_dir, root

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        found = WARNING.match(message)
        if found and record.levelno >= logging.WARNING:
            record.msg, record.args = f"{self.where(found['page'], found['href'])}: {message}\n  {WHAT_TO_DO}", ()
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
        line = next((n for n, text in enumerate(lines, start=1) if f"({href}" in text or f'"{href}"' in text),
                    None) or next((n for n, text in enumerate(lines, start=1) if href in text), None)
        return f"{shown}:{line}" if line else shown


def install(docs_dir: Path, root: Path) -> None:
    """Attach one LinkLocations filter to MkDocs' page logger (again on each `serve` rebuild).

    Both loggers are set to WARNING: `mkdocs build -q` raises MkDocs' level to ERROR, so
    link and nav warnings would not even be logged, and --strict would not fail on them."""
    logging.getLogger("mkdocs.structure.nav").setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs.structure.pages")
    logger.setLevel(logging.WARNING)
    for old in [f for f in logger.filters if isinstance(f, LinkLocations)]:
        logger.removeFilter(old)
    logger.addFilter(LinkLocations(docs_dir, root))
