"""Reading a built lesson as its tests do: the article's prose, and the numbers it states.

One way for every lesson test (tests/test_lesson_*.py):

* ``read(site, slug)`` gives the lesson's ``<article>`` only (no navigation, sidebar or
  footer), read once per session. ``Article.text`` is its prose: figures, code blocks
  and heading anchors dropped, inline tags removed, block tags turned into spaces,
  entities decoded, spaces collapsed. Math keeps its TeX source, written ``\\(...\\)``
  (MathJax's ``arithmatex`` spans as they are, KaTeX markup through its ``annotation``).
* ``page.number(pattern)``, ``page.numbers(pattern)``, ``page.rows(pattern)`` find the
  numbers a sentence states (regex groups, commas, ``%`` and the minus sign handled)
  as ``Stated`` floats that remember how they were printed; ``phrase in page`` and
  ``page.count(phrase)`` check exact wording.
* ``near(stated, value)`` compares with the tolerance the printed digits imply:
  "0.63" means 0.63 ± 0.005, "13,002" means 13,002 ± 0.5.
* Every number a check reads is recorded in ``page.reads``, so the mutation test
  (test_lesson_mutations.py) can alter each one in a copy of the text and require the
  check that read it to fail.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_build.outline import lesson_pages

ROOT = Path(__file__).resolve().parents[1]
# A number as lessons print it: sign, thousands commas, decimals, exponent.
NUMBER_TEXT = re.compile(r"[-+−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?|[-+−]?\.\d+")


# --- the lessons, in the order of the nav -------------------------------------------------


def lessons() -> list[str]:
    """The slug of every lesson, in the nav's order (site_build.outline reads it)."""
    return [Path(page).stem for page in lesson_pages()]


def published(key: str) -> dict:
    """A row of the published results, read straight from snippets/downhill/published.csv
    (not through downhill.published, which the lessons use: an independent reading)."""
    table = ROOT / "snippets" / "downhill" / "published.csv"
    with table.open(encoding="utf8", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["key"] == key)


# --- a number as printed ------------------------------------------------------------------


class Stated(float):
    """A number read off a page, which remembers how it was printed."""

    printed: str

    def __new__(cls, printed: str):
        value = float(printed.replace(",", "").replace("−", "-").rstrip("%"))
        number = super().__new__(cls, value)
        number.printed = printed
        return number

    @property
    def tolerance(self) -> float:
        """Half a unit of the last digit printed (of the mantissa, for 1.3e-09)."""
        mantissa, _, exponent = self.printed.lower().partition("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0))

    def __repr__(self) -> str:
        return f"{self.printed!r} (± {self.tolerance:g})"


def near(stated: Stated, value: float, slack: float = 0.0) -> bool:
    """Is value what the page printed, to the digits it printed?

    `slack` widens the tolerance for a value recomputed by a route that differs in
    rounding from the page's (say why where you use it)."""
    return abs(float(stated) - float(value)) <= stated.tolerance * (1 + 1e-9) + slack


def as_stated(printed: str) -> Stated:
    return Stated(printed.strip())


# --- the article's text -------------------------------------------------------------------

SKIPPED = {"svg", "pre", "script", "style", "noscript"}
INLINE = {
    "a",
    "abbr",
    "b",
    "code",
    "em",
    "i",
    "kbd",
    "mark",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "del",
    "ins",
    "label",
}
VOID = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "source",
    "wbr",
    "col",
    "area",
    "base",
    "embed",
    "param",
    "track",
}


class ProseParser(HTMLParser):
    """The visible prose of an article; math as its TeX source; code blocks apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.prose, self.code = [], []
        # (tag, what it does: "skip", "math", "tex", "code", "")
        self.stack: list[tuple[str, str]] = []

    def mode(self) -> str:
        for _, role in reversed(self.stack):
            if role in ("skip", "math", "tex", "code"):
                return role
        return ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        role = ""
        if self.mode() == "math":
            role = (
                "tex"
                if tag == "annotation"
                and attributes.get("encoding") == "application/x-tex"
                else ""
            )
        elif tag == "pre":
            role = "code"
        elif tag in SKIPPED or "headerlink" in classes or "katex-html" in classes:
            role = "skip"
        elif "katex" in classes or "katex-display" in classes:
            role = "math"
        if tag not in VOID:
            self.stack.append((tag, role))
        # no spaces around it: "costs \\(C = 0.15\\), so" reads as written
        if role == "tex":
            self.prose.append("\\(")
        if tag not in INLINE and self.mode() in ("", "code"):
            (self.code if self.mode() == "code" else self.prose).append(" ")

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, role = self.stack.pop()
            if role == "tex":
                self.prose.append("\\)")
            if open_tag == tag:
                break
        if tag not in INLINE and self.mode() == "":
            self.prose.append(" ")

    def handle_data(self, data):
        mode = self.mode()
        if mode == "":
            self.prose.append(data)
        elif mode == "code":
            self.code.append(data)
        elif mode == "tex":
            self.prose.append(data.strip())


def prose_of(article_html: str) -> tuple[str, str]:
    """(prose, code) of an article's HTML, each with spaces collapsed."""
    parser = ProseParser()
    parser.feed(article_html)
    parser.close()
    collapse = lambda parts: re.sub(r"\s+", " ", "".join(parts)).strip()  # noqa: E731
    return collapse(parser.prose), collapse(parser.code)


# --- reading numbers, and recording what was read -----------------------------------------


@dataclass(frozen=True)
class Read:
    """One number a check read: where in which of the article's texts, as printed."""

    source: str  # "text" or "html"
    start: int
    end: int
    printed: str


@dataclass
class Article:
    """A built lesson's article. Every number a check reads through it is recorded."""

    slug: str
    html: str
    text: str = ""
    code: str = ""
    reads: list[Read] = field(default_factory=list)

    def __post_init__(self):
        if not self.text:
            self.text, self.code = prose_of(self.html)

    # finding
    def _search(self, pattern: str, source: str) -> re.Match:
        match = re.search(pattern, getattr(self, source), flags=re.S)
        assert match, f"lessons/{self.slug}: the page no longer says {pattern!r}"
        return match

    def _record(self, match: re.Match, source: str) -> list[Stated]:
        values = []
        for group in range(1, (match.re.groups or 0) + 1):
            printed, end = match[group], match.end(group)
            assert printed is not None, (
                f"lessons/{self.slug}: group {group} of {match.re.pattern!r} is empty"
            )
            while printed.endswith("."):  # a sentence's full stop caught by ([\d.]+)
                printed, end = printed[:-1], end - 1
            self.reads.append(Read(source, match.start(group), end, printed))
            values.append(as_stated(printed))
        return values

    def numbers(self, pattern: str, *, source: str = "text") -> list[Stated]:
        """The numbers captured by the groups of pattern's first match."""
        return self._record(self._search(pattern, source), source)

    def number(self, pattern: str, *, source: str = "text") -> Stated:
        """The one number captured by pattern (a regex with one group)."""
        (value,) = self.numbers(pattern, source=source)
        return value

    def rows(self, pattern: str, *, source: str = "text") -> list[list[Stated]]:
        """The numbers captured by every match of pattern (a table's rows, say)."""
        return [
            self._record(match, source)
            for match in re.finditer(pattern, getattr(self, source), flags=re.S)
        ]

    def __contains__(self, phrase: str) -> bool:
        """Does the prose say exactly this? (Its numbers count as read.)"""
        at = self.text.find(phrase)
        if at >= 0:
            self.record_numbers(phrase, at)
        return at >= 0

    def count(self, phrase: str) -> int:
        """How often the prose says exactly this (every occurrence's numbers count as read)."""
        found = [m.start() for m in re.finditer(re.escape(phrase), self.text)]
        for at in found:
            self.record_numbers(phrase, at)
        return len(found)

    def record_numbers(self, phrase: str, at: int) -> None:
        for number in NUMBER_TEXT.finditer(phrase):
            self.reads.append(
                Read("text", at + number.start(), at + number.end(), number[0])
            )

    # copies for the mutation test
    def fresh(self) -> Article:
        """The same article with nothing recorded yet."""
        return Article(self.slug, self.html, self.text, self.code)

    def altered(self, read: Read, printed: str) -> Article:
        """A copy in which the number `read` found is printed differently."""
        source = getattr(self, read.source)
        assert source[read.start : read.end] == read.printed
        changed = source[: read.start] + printed + source[read.end :]
        if read.source == "html":
            return Article(self.slug, changed)
        return Article(self.slug, self.html, changed, self.code)


@functools.cache
def _read(path: Path, slug: str) -> Article:
    built = path.read_text(encoding="utf8")
    start, end = built.find("<article"), built.find("</article>")
    assert start >= 0 and end > start, f"{path}: no <article> in the built lesson"
    return Article(slug, built[start : end + len("</article>")])


def read(site: Path, slug: str) -> Article:
    """The built lesson lessons/<slug>/ (read once per session; a fresh record each call).
    In a site built one page alone (DOWNHILL_PAGE, as `make check` does), the other
    lessons are skipped."""
    built = site / "lessons" / slug / "index.html"
    alone = os.environ.get("DOWNHILL_PAGE")
    if alone and not built.exists():
        pytest.skip(f"the site was built with {alone} alone")
    return _read(built, slug).fresh()


def mutation(printed: str) -> str:
    """The printed number with its last digit changed by 5 (3 -> 8, 7 -> 2): a clear
    error of five units in the last place, of the kind a stale page or a typo makes."""
    digits = [i for i, c in enumerate(printed) if c.isdigit()]
    mantissa_end = printed.lower().find("e")
    if mantissa_end >= 0:
        digits = [i for i in digits if i < mantissa_end]
    i = digits[-1]
    return printed[:i] + str((int(printed[i]) + 5) % 10) + printed[i + 1 :]
