"""The lesson summaries page: every lesson's summary, written once in the lesson."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import ROOT, read_page
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
        f"add {missing} to nav: in mkdocs.yml, or its summary never reaches the "
        "lesson summaries"
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


def test_links_inside_a_summary_are_rewritten_for_the_summaries_page():
    body = "see [Training](training.md), [this](#the-loop), [book](http://x.org/a.md)"
    assert relink(body, "lessons/network.md", "summaries.md") == (
        "see [Training](lessons/training.md), [this](lessons/network.md#the-loop), "
        "[book](http://x.org/a.md)"
    )


def test_summaries_come_in_course_order():
    assert [s.page for s in summaries()] == lesson_pages()
    assert set(lesson_pages()) == set(LESSON_FILES) - {"lessons/index.md"}


@pytest.mark.slow
def test_the_summaries_page_holds_every_summary_in_order_with_a_link(site):
    page = read_page(site, "summaries/index.html")
    article = text_of(page)
    positions = []
    for number, lesson_page in enumerate(lesson_pages(), 1):
        slug = Path(lesson_page).stem
        assert f'href="../lessons/{slug}/"' in page, f"no link to docs/{lesson_page}"
        assert f"Read lesson {number}:" in article
        built = site / "lessons" / slug / "index.html"
        if not built.exists():
            continue  # the site was built with one page alone (make check)
        lesson = read_page(site, f"lessons/{slug}/index.html")
        block = re.search(
            r'<div class="admonition scan">.*?<ul>(.*?)</ul>', lesson, re.S
        )[1]
        summary = text_of(block)
        assert summary in article, (
            f"the summaries page lacks that of docs/{lesson_page}"
        )
        positions.append(article.index(summary))
    assert positions == sorted(positions)
