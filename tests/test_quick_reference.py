"""The quick reference: every lesson's summary, written once in the lesson, and a cheat sheet."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, read_page
from downhill.descent import descend
from downhill.figures import PALETTE
from downhill.network import parameter_breakdown, parameter_count
from site_build.outline import (
    WORD_BUDGET,
    lesson_pages,
    relink,
    scan_blocks,
    summaries,
    word_count,
)

LESSON_FILES = sorted(
    p.relative_to(ROOT / "docs").as_posix()
    for p in (ROOT / "docs/lessons").glob("*.md")
)


def text_of(fragment: str) -> str:
    """Visible text, whitespace collapsed (hover terms and links are tags: gone)."""
    fragment = re.sub(r"</?(?:li|p|ul|ol|div|h\d|td|th|tr|br)\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def test_every_lesson_file_is_a_lesson_of_the_nav():
    lessons = [page for page in LESSON_FILES if page != "lessons/index.md"]
    missing = sorted(set(lessons) - set(lesson_pages()))
    assert not missing, (
        f"add {missing} to nav: in mkdocs.yml, or its summary never reaches the quick reference"
    )


@pytest.mark.parametrize("page", [p for p in LESSON_FILES if p != "lessons/index.md"])
def test_every_lesson_has_exactly_one_summary_within_budget(page):
    blocks = scan_blocks((ROOT / "docs" / page).read_text(encoding="utf8"))
    assert len(blocks) == 1, (
        f'docs/{page}: open the lesson with one `!!! scan "Scan it in five minutes"` block'
    )
    words = word_count(blocks[0])
    assert 50 < words <= WORD_BUDGET, (
        f"docs/{page}: the summary has {words} words; keep it under {WORD_BUDGET}"
    )


def test_scan_blocks_and_word_count_see_what_a_reader_sees():
    page = '# T\n\n!!! scan "Scan it in five minutes"\n\n    - **One.** Two $x^2$ three.\n\n## Next\n\n!!! scan "Again"\n\n    - x\n'
    assert scan_blocks(page) == ["- **One.** Two $x^2$ three.", "- x"]
    assert word_count("- **One.** Two $x^2 + y$ [three](x.md#a).") == 4
    assert word_count("word " * (WORD_BUDGET + 1)) > WORD_BUDGET


def test_links_inside_a_summary_are_rewritten_for_the_quick_reference():
    body = "see [Training](training.md), [this](#the-loop), [book](http://x.org/a.md)"
    assert relink(body, "lessons/network.md", "quick-reference.md") == (
        "see [Training](lessons/training.md), [this](lessons/network.md#the-loop), "
        "[book](http://x.org/a.md)"
    )


def test_summaries_come_in_course_order():
    assert [s.page for s in summaries()] == lesson_pages()
    assert set(lesson_pages()) == set(LESSON_FILES) - {"lessons/index.md"}


@pytest.fixture(scope="module")
def quick_reference(site) -> str:
    return read_page(site, "quick-reference/index.html")


@pytest.mark.slow
def test_the_quick_reference_holds_every_summary_in_order_with_a_link(
    site, quick_reference
):
    article = text_of(quick_reference)
    positions = []
    for number, page in enumerate(lesson_pages(), 1):
        lesson = read_page(site, f"{Path(page).with_suffix('')}/index.html")
        block = re.search(
            r'<div class="admonition scan">.*?<ul>(.*?)</ul>', lesson, re.S
        )[1]
        summary = text_of(block)
        assert summary in article, (
            f"the quick reference lacks the summary of docs/{page}"
        )
        positions.append(article.index(summary))
        slug = Path(page).stem
        assert f'href="../lessons/{slug}/"' in quick_reference, (
            f"no link to docs/{page}"
        )
        assert f"Read lesson {number}:" in article
    assert positions == sorted(positions)


@pytest.mark.slow
def test_the_cheat_sheet_numbers_are_computed(quick_reference):
    article = text_of(quick_reference)
    breakdown = " + ".join(f"{n:,}" for n in parameter_breakdown())
    assert f"{breakdown} = {parameter_count():,} weights and biases" in article
    assert "costs 0.90 for a 3" in article
    for eta, expected in {1.0: "6, 0, 6, 0", 0.5: "3, 3, 3, 3"}.items():
        w = descend("parabola", 0.0, eta=eta, steps=4)[1:, 0]
        assert ", ".join(f"{x:.3g}" for x in w) == expected
        # rendered as a table, not left as text
        assert f"| {eta:g} | {expected} |" not in article
        assert f"{eta:g} {expected}" in article
    assert np.all(np.abs(descend("parabola", 0.0, eta=1.1, steps=4)[1:, 0] - 3) > 3)


@pytest.mark.slow
def test_every_cheat_sheet_row_links_to_its_explanation(quick_reference):
    cheat_sheet = quick_reference[
        quick_reference.index('id="cheat-sheet"') : quick_reference.index(
            'id="the-lessons-in-five-minutes"'
        )
    ]
    tables = [
        t
        for t in re.findall(r"<table>.*?</table>", cheat_sheet, re.S)
        if "Explained in" in t
    ]
    body_rows = [
        row
        for t in tables
        for row in re.findall(r"<tr>(.*?)</tr>", t, re.S)
        if "<td" in row
    ]
    assert len(body_rows) >= 12
    for row in body_rows:
        assert re.search(r'href="\.\./lessons/[\w-]+/#[\w-]+"', row), row[:200]


@pytest.mark.slow
def test_pages_print_light_and_without_navigation(site):
    css = (site / "stylesheets/downhill.css").read_text(encoding="utf8")
    printed = css[css.index("@media print") :]
    for chrome in (".md-header", ".md-sidebar", ".md-footer", ".dh-notebook-actions"):
        assert chrome in printed
    assert "--md-default-bg-color: #fff" in printed
    colors = (site / "assets/stylesheets/figure-colors.css").read_text(encoding="utf8")
    light_cost = PALETTE["cost"][0]
    assert re.search(
        r'@media print \{\s*\[data-md-color-scheme="slate"\] \{\s*--dh-cost: '
        + light_cost,
        colors,
    )
