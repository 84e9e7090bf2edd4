"""A page built alone (DOWNHILL_PAGE, as `make check` and `make serve` for one page do)
equals the same page built with the rest: no page depends on what the build did before it.

One strict build per page: a module of its own, so pytest-xdist runs it beside the other
site checks rather than after them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, build_ok

pytestmark = pytest.mark.slow


def article_without_links(html: str) -> str:
    article = re.search(r"<article.*?</article>", html, re.S)[0]
    return re.sub(r'\s(href|src)="[^"]*"', "", article)


@pytest.mark.parametrize(
    "page",
    sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "docs").rglob("*.md")
        # it reports the build
        if p.name != "build-report.md"
    ),
)
def test_a_page_built_alone_equals_the_page_built_with_the_rest(site, tmp_path, page):
    alone = build_ok(tmp_path / "alone", env={"DOWNHILL_PAGE": page})
    html = Path(page).relative_to("docs").with_suffix("")
    html = (
        Path("index.html")
        if html.name == "index" and html.parent == Path(".")
        else (
            html.parent / "index.html" if html.name == "index" else html / "index.html"
        )
    )
    assert article_without_links(
        (alone / html).read_text(encoding="utf8")
    ) == article_without_links((site / html).read_text(encoding="utf8"))
