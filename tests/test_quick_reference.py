"""The quick reference, a cheat sheet; the summaries are in tests/test_summaries.py."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from conftest import ROOT, read_page
from downhill.descent import descend
from downhill.figures import PALETTE
from downhill.network import parameter_breakdown, parameter_count

LESSON_FILES = sorted(
    p.relative_to(ROOT / "docs").as_posix()
    for p in (ROOT / "docs/lessons").glob("*.md")
)


def text_of(fragment: str) -> str:
    """Visible text, whitespace collapsed (hover terms and links are tags: gone)."""
    fragment = re.sub(r"</?(?:li|p|ul|ol|div|h\d|td|th|tr|br)\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


@pytest.fixture(scope="module")
def quick_reference(site) -> str:
    return read_page(site, "quick-reference/index.html")


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
        quick_reference.index('id="cheat-sheet"') : len(quick_reference)
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
