"""A lesson a learner can finish: a short core path, depth under "Going further",
every term defined before the core path uses it, shown code that fits its block.

The core path is counted on the built page by site_build.pages.core_words: every
word of the article but code, figures and captions, tables, maths, the scan block,
the questions with feedback and the "Going further" parts.
"""

from __future__ import annotations

import html
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lesson import lessons
from site_build import pages
from site_build.fences import expand_includes, find_fences
from site_build.glossary import load_terms

ROOT = Path(__file__).resolve().parents[1]
CORE_WORDS = 1500
SHOWN_COLUMNS = 88
VIDEO = re.compile(r"https://www\.youtube\.com/watch\?v=[\w-]+")


def article(site: Path, slug: str) -> str:
    built = (site / "lessons" / slug / "index.html").read_text(encoding="utf8")
    return built[built.index("<article") : built.index("</article>")]


def test_the_counter_counts_the_core_path_only():
    sample = (
        "<h1>Cost</h1><p>One two three.</p>"
        "<pre><code>x = 1 + 2</code></pre>"
        "<figure><svg><text>12</text></svg><figcaption>A cap</figcaption></figure>"
        "<table><tr><td>4 5</td></tr></table>"
        '<p>Four <span class="arithmatex">\\(w_1\\)</span> five.</p>'
        '<div class="admonition scan"><p>Scan words</p></div>'
        '<details class="question"><summary>Q?</summary><p>Answer</p></details>'
        '<details class="further"><summary>Going further: x</summary><p>Deep</p>'
        "<p>Deeper</p></details><p>Six.</p>"
    )
    assert pages.core_text(sample).split() == [
        "Cost", "One", "two", "three.", "Four", "five.", "Six.",
    ]  # fmt: skip
    assert pages.core_words(sample) == 7


@pytest.mark.parametrize("slug", lessons())
def test_the_core_path_is_short_and_its_reading_time_shown(site, slug):
    text = article(site, slug)
    words = pages.core_words(text)
    assert words <= CORE_WORDS, (
        f"lessons/{slug}.md: {words} words on the core path (at most {CORE_WORDS}): "
        'move depth into a ??? further "Going further: ..." block'
    )
    shown = re.search(
        r'class="dh-reading-time">About (\d+) minutes? .*?\(([\d,]+) words', text
    )
    assert shown, f"lessons/{slug}.md: no reading time under the title"
    assert int(shown[2].replace(",", "")) == words
    assert int(shown[1]) == max(1, round(words / pages.WORDS_PER_MINUTE))


@pytest.mark.parametrize("slug", lessons())
def test_going_further_looks_the_same_in_every_lesson(site, slug):
    text = article(site, slug)
    blocks = re.findall(
        r'<details class="further"[^>]*>\s*<summary>(.*?)</summary>', text, re.S
    )
    assert blocks, f"lessons/{slug}.md: no Going further part"
    for summary in blocks:
        assert html.unescape(re.sub("<[^>]+>", "", summary)).startswith(
            "Going further: "
        )
    assert 'class="further open"' not in text  # collapsed: a reader can skip them


@pytest.mark.parametrize("slug", lessons())
def test_every_lesson_links_the_video_chapter_it_follows(slug):
    source = (ROOT / "docs/lessons" / f"{slug}.md").read_text(encoding="utf8")
    assert VIDEO.search(source), (
        f"lessons/{slug}.md: link the 3Blue1Brown chapter it follows"
    )


@pytest.mark.parametrize("slug", lessons())
def test_shown_code_fits_the_code_block(slug):
    """Fences a reader sees (with source=, or not executed) and the package sections
    they include: every line at most 88 columns, so nothing is cut off."""
    page = ROOT / "docs/lessons" / f"{slug}.md"
    long = []
    for fence in find_fences(page.read_text(encoding="utf8")):
        if fence.executes and "source=" not in fence.info:
            continue  # its code is not on the page (the lesson's notebook has it)
        if fence.language == "question":
            continue  # a question with feedback, not code (site_build.questions)
        for offset, line in enumerate(
            expand_includes(fence.code, ROOT / "snippets").split("\n")
        ):
            if len(line) > SHOWN_COLUMNS and "markdown-exec: hide" not in line:
                long.append(
                    f"{fence.line + 1 + offset}: {len(line)} columns: {line.strip()[:60]}"
                )
    assert not long, (
        f"lessons/{slug}.md: shown code wider than {SHOWN_COLUMNS} columns:\n"
        + "\n".join(long)
    )


# --- define before use ---------------------------------------------------------------

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _Uses(HTMLParser):
    """The core path's text in order, each piece with the link it sits in (if any), and
    where the lesson's first section (after its introduction) and the section with a
    given id start. Headings are left out: a title may name what its section defines."""

    def __init__(self, anchor: str) -> None:
        super().__init__(convert_charrefs=True)
        self.anchor, self.anchor_at, self.intro_end = anchor, None, None
        self.skipped: list[bool] = []
        self.links: list[str] = []
        self.pieces: list[tuple[str, str]] = []  # (text, href of the link around it)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "h2" and self.intro_end is None:
            self.intro_end = len(self.pieces)
        if (
            self.anchor
            and attributes.get("id") == self.anchor
            and self.anchor_at is None
        ):
            self.anchor_at = len(self.pieces)
        if tag in _CORE_VOID:
            return
        classes = set((attributes.get("class") or "").split())
        skip = tag in pages.SKIPPED_TAGS | HEADINGS or bool(
            classes & pages.SKIPPED_CLASSES
        )
        self.skipped.append(skip or (self.skipped[-1] if self.skipped else False))
        href = (attributes.get("href") or "") if tag == "a" else ""
        self.links.append(href or (self.links[-1] if self.links else ""))

    def handle_endtag(self, tag):
        if tag not in _CORE_VOID and self.skipped:
            self.skipped.pop()
            self.links.pop()

    def handle_data(self, data):
        href = self.links[-1] if self.links else ""
        if href.startswith(("http://", "https://")):
            return  # an outside page's name (a video's title), not a use of a term
        if not (self.skipped and self.skipped[-1]):
            self.pieces.append((" ".join(data.split()), href))


_CORE_VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "path"}


def spellings(term) -> re.Pattern:
    names = sorted((term.term, *term.forms), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.I)


def uses_before_definition(
    site: Path, slug: str, term, terms, anchor=None
) -> list[str]:
    """Text of a lesson's core path that uses the term, other than in a link to its
    definition: anywhere (anchor None: a lesson before the defining one), or, in the
    defining lesson, after its introduction and before the section `anchor`."""
    parser = _Uses(anchor or "")
    parser.feed(article(site, slug))
    pieces = parser.pieces
    if anchor is not None:
        pieces = pieces[parser.intro_end or 0 : parser.anchor_at]
    defined = posixpath.splitext(posixpath.basename(term.see.split("#")[0]))[0]
    # a longer term that contains this one ("gradient descent", "gradient") is its own
    longer = [
        spellings(t) for t in terms if t is not term and spellings(term).search(t.term)
    ]
    found = []
    for text, href in pieces:
        for other in longer:
            text = other.sub(" ", text)
        if spellings(term).search(text) and defined not in href:
            found.append(f"lessons/{slug}: {text.strip()[:80]!r}")
    return found


def test_no_core_path_uses_a_term_before_the_course_defines_it(site):
    order, terms = lessons(), load_terms()
    problems = []
    for term in terms:
        page, _, anchor = term.see.partition("#")
        defining = Path(page).stem
        if not page.startswith("lessons/") or defining not in order:
            continue
        for slug in order[: order.index(defining)]:
            problems += [
                f"{term.term}: {use}"
                for use in uses_before_definition(site, slug, term, terms)
            ]
        if anchor:
            problems += [
                f"{term.term}: {use}"
                for use in uses_before_definition(site, defining, term, terms, anchor)
            ]
    assert not problems, (
        "terms used on the core path before the course defines them (explain them in plain "
        "words there, link to the definition, or move the use into Going further):\n"
        + "\n".join(problems)
    )
