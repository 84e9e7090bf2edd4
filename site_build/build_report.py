"""The build's execution report: per page, its fences, what came from the cache,
what they cost, the slowest one, and the page's weight with its largest figure.

Printed at the end of every build, written to ``.cache/build-report.json`` (the
benchmark and the tests read it) and shown on the contributors' page
``docs/build-report.md``, whose placeholder comment is replaced by the table.
"""

from __future__ import annotations

import html
import json
import logging
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
