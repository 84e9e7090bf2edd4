"""The build's execution report: per page, its fences, what came from the cache,
what they cost, the slowest one, and the page's weight with its largest figure;
then what the network explorer weighs (``explorer_weights``).

Printed at the end of every build, written to ``.cache/build-report.json`` (the
benchmark and the tests read it) and shown on the contributors' page
``docs/build-report.md``, whose placeholder comment is replaced by the table.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import posixpath
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from site_build.fence_cache import Record

PLACEHOLDER = "<!-- build-report -->"
KB = 1024


@dataclass
class PageRow:
    page: str
    fences: int
    cached: int
    seconds: float
    slowest: str  # "docs/x.md:LINE" of the fence that takes longest to run
    slowest_seconds: float
    html_bytes: int
    largest: str  # the fence that printed the most
    largest_bytes: int


def page_rows(records: list[Record], html_sizes: dict[str, int]) -> list[PageRow]:
    rows = []
    for page in sorted(set(html_sizes) | {r.page for r in records}):
        mine = [r for r in records if r.page == page]
        slowest = max(mine, key=lambda r: r.run_seconds, default=None)
        largest = max(mine, key=lambda r: r.output_bytes, default=None)
        rows.append(
            PageRow(
                page=page,
                fences=len(mine),
                cached=sum(r.cached for r in mine),
                seconds=sum(r.seconds for r in mine),
                slowest=slowest.fence if slowest else "",
                slowest_seconds=slowest.run_seconds if slowest else 0.0,
                html_bytes=html_sizes.get(page, 0),
                largest=largest.fence if largest and largest.output_bytes else "",
                largest_bytes=largest.output_bytes if largest else 0,
            )
        )
    return rows


HEADER = (
    "page",
    "fences",
    "cached",
    "time",
    "slowest fence (when it ran)",
    "HTML",
    "largest output",
)


def cells(row: PageRow) -> tuple[str, ...]:
    return (
        row.page,
        str(row.fences),
        str(row.cached),
        f"{row.seconds:.2f} s",
        f"{row.slowest} ({row.slowest_seconds:.2f} s)" if row.slowest else "",
        f"{row.html_bytes / KB:,.0f} KB",
        f"{row.largest} ({row.largest_bytes / KB:,.0f} KB)" if row.largest else "",
    )


def totals(rows: list[PageRow]) -> tuple[str, ...]:
    return (
        "all pages",
        str(sum(r.fences for r in rows)),
        str(sum(r.cached for r in rows)),
        f"{sum(r.seconds for r in rows):.2f} s",
        "",
        f"{sum(r.html_bytes for r in rows) / KB:,.0f} KB",
        "",
    )


def as_text(rows: list[PageRow]) -> str:
    table = [HEADER, *map(cells, rows), totals(rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    right = {1, 2, 3, 5}
    lines = [
        "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(line, widths))
        )
        for line in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def as_html(rows: list[PageRow]) -> str:
    def row(values, tag="td"):
        return (
            "<tr>"
            + "".join(f"<{tag}>{html.escape(v)}</{tag}>" for v in values)
            + "</tr>"
        )

    # the page is named in the first column: "docs/" and its name once only
    def short(values):
        page = values[0]
        return [
            value.replace(page + ":", "line ").replace(page, "the notebook")
            if i
            else value.removeprefix("docs/")
            for i, value in enumerate(values)
        ]

    body = "".join(row(short(cells(r))) for r in rows) + row(totals(rows))
    # no class on the table: Material styles plain tables only. The wrapper scrolls
    # sideways on narrow screens, so it takes keyboard focus and has a name.
    return (
        '<div class="md-typeset__scrollwrap" tabindex="0" role="region" aria-label="Build report table">'
        '<div class="md-typeset__table"><table>'
        f"<thead>{row(HEADER, 'th')}</thead><tbody>{body}</tbody></table></div></div>"
    )


def save(rows: list[PageRow], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf8")


def load(path: Path) -> list[PageRow]:
    return [PageRow(**row) for row in json.loads(path.read_text(encoding="utf8"))]


# --- What the network explorer weighs -----------------------------------------------
# Counted as tests/test_pages_on_a_phone.py counts the lessons' byte budgets: the built
# files, compressed as a static host sends them (gzip -6). tests/test_explorer.py checks
# in Chromium that a first visit to the explorer's page loads exactly these files.

EXPLORER_PAGE = "explorer/index.html"
EXPLORER_FILES = ("explorer/network.bin", "explorer/digits.bin")
LINKED = re.compile(
    r'<link rel="(?:stylesheet|icon)" href="([^"]+)"|<script src="([^"]+)"'
    r'|"search": "([^"]+)"'  # Material's search worker, named in its __config
)


def gzipped(data: bytes) -> int:
    """Bytes a static host sends for these bytes: gzip level 6, as `gzip -6`."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def first_visit(site: Path, page: str) -> list[str]:
    """The site's files a first visit to a built page loads before the reader does
    anything: the page, its stylesheets, icon and scripts, the search worker and its
    index, the sitemap; on a page with an explorer in view, the explorer's two files."""
    text = (site / page).read_text(encoding="utf8")
    folder = posixpath.dirname(page)
    files = [page]
    for match in LINKED.finditer(text):
        url = next(group for group in match.groups() if group)
        if "://" not in url:
            files.append(posixpath.normpath(posixpath.join(folder, url)))
    # Material's search index, and the sitemap its instant navigation reads
    files += [
        f for f in ("search/search_index.json", "sitemap.xml") if (site / f).exists()
    ]
    if '<div class="dh-explorer"' in text:
        files += EXPLORER_FILES
    return list(dict.fromkeys(files))


def explorer_weights(site: Path) -> list[tuple[str, int, int]]:
    """(what, raw bytes, gzipped bytes): each explorer file and the explorer page's
    first visit; empty when the site has no explorer page or a build that ran no code
    (DOWNHILL_EXEC=off) wrote no explorer files."""
    if not all((site / path).exists() for path in (EXPLORER_PAGE, *EXPLORER_FILES)):
        return []
    rows = []
    for file in EXPLORER_FILES:
        data = (site / file).read_bytes()
        rows.append((file, len(data), gzipped(data)))
    files = first_visit(site, EXPLORER_PAGE)
    data = [(site / file).read_bytes() for file in files]
    rows.append(
        (
            f"first visit to {EXPLORER_PAGE} ({len(files)} files)",
            sum(map(len, data)),
            sum(map(gzipped, data)),
        )
    )
    return rows


def explorer_text(rows: list[tuple[str, int, int]]) -> str:
    return "\n".join(
        f"{what}: {raw / 1000:,.0f} KB, {packed / 1000:,.0f} KB gzipped"
        for what, raw, packed in rows
    )


def explorer_html(rows: list[tuple[str, int, int]]) -> str:
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{html.escape(what)}</td><td>{raw / 1000:,.0f} KB</td>"
        f"<td>{packed / 1000:,.0f} KB</td></tr>"
        for what, raw, packed in rows
    )
    return (
        '<p id="explorer-weights">The network explorer: its two files (the trained '
        "network and the test digits) and everything a first visit to its page loads "
        "with the explorer in view, in kilobytes (1,000 bytes), as built and as a "
        "static host sends them (gzip -6).</p>"
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>'
        "<thead><tr><th>file</th><th>raw</th><th>gzipped</th></tr></thead>"
        f"<tbody>{body}</tbody></table></div></div>"
    )


class Reasons(logging.Handler):
    """On the "mkdocs" logger: the first line of each warning and error of one build,
    listed again at its end (``summary``), right above MkDocs' "Aborted with N
    warnings in strict mode!" instead of above the execution report."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def start(self) -> None:
        """Forget the previous build's (under `mkdocs serve`) and listen from now on."""
        self.messages = []
        logger = logging.getLogger("mkdocs")
        if self not in logger.handlers:
            logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        first = (record.getMessage().strip().splitlines() or [""])[0]
        self.messages.append(f"{record.levelname}: {first}")

    def summary(self) -> str:
        return (
            "Strict mode fails this build on what it logged (each printed in full above):\n"
            + "\n".join(f"  {message}" for message in self.messages)
        )
