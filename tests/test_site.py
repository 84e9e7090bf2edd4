"""The built site: strict, offline, accessible, reproducible."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, build_ok
from site_build.pages import missing_alt_text

pytestmark = pytest.mark.slow

REFERENCING = {
    "script": "src",
    "img": "src",
    "source": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
}


class References(HTMLParser):
    """Every resource a page loads: scripts, stylesheets, icons, images, frames."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in REFERENCING and attributes.get(REFERENCING[tag]):
            self.urls.append(attributes[REFERENCING[tag]])
        if (
            tag == "link"
            and attributes.get("rel") != "canonical"
            and attributes.get("href")
        ):
            self.urls.append(attributes["href"])
        for value in (attributes.get("srcset"), attributes.get("style")):
            if value:
                self.urls += re.findall(r"url\(([^)]+)\)", value)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def external(url: str) -> bool:
    return bool(re.match(r"""^\s*["']?(https?:)?//""", url))


def test_every_page_is_built(site):
    built = {p.relative_to(site).as_posix() for p in pages(site)}
    assert {
        "index.html",
        "contributing/index.html",
        "lessons/index.html",
        "404.html",
    } <= built


def test_pages_reference_nothing_outside_the_site(site):
    for page in pages(site):
        refs = References()
        refs.feed(page.read_text(encoding="utf8"))
        assert refs.urls, page
        outside = [url for url in refs.urls if external(url)]
        assert not outside, f"{page.relative_to(site)} loads {outside}"
    for css in site.rglob("*.css"):
        urls = re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf8"))
        assert not [u for u in urls if external(u)], css


def test_math_is_typeset_at_build_time_and_loads_no_script(site):
    """Every formula, labs included, is KaTeX markup (HTML + MathML) in the built page; no
    page loads a math script; exactly the pages with math link KaTeX's stylesheet."""
    with_math = set()
    for page in pages(site):
        html = page.read_text(encoding="utf8")
        name = page.relative_to(site).as_posix()
        refs = References()
        refs.feed(html)
        assert not [
            url
            for url in refs.urls
            if re.search(r"mathjax|katex[^/]*\.js|tex-\w+\.js", url, re.I)
        ], name
        assert not re.search(r'class="arithmatex">(?!<span class="katex)', html), (
            f"{name}: a formula left untypeset"
        )
        assert html.count('<span class="katex">') == html.count(
            '<span class="katex-mathml"><math'
        ), name
        typeset = '<span class="katex">' in html
        assert typeset == ("katex.min.css" in html), (
            f"{name}: links KaTeX's CSS {'without' if not typeset else 'but no'} math"
        )
        if typeset:
            with_math.add(name)
    assert {
        "index.html",
        "lessons/gradient-descent/index.html",
        "quick-reference/index.html",
        "labs/learning-rate/index.html",
    } <= with_math
    assert "glossary/index.html" not in with_math


def test_katex_s_stylesheet_and_fonts_are_served_by_the_site(site):
    css = site / "assets/katex/katex.min.css"
    fonts = re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf8"))
    assert fonts and all(
        font.endswith(".woff2") and (css.parent / font).is_file() for font in fonts
    )
    assert {f.name for f in (css.parent / "fonts").iterdir()} == {
        Path(font).name for font in fonts
    }


@pytest.mark.parametrize(
    "widget, embedding",
    [
        (
            "playground",
            {
                "playground/index.html",
                "lessons/gradient-descent/index.html",
                "lessons/landscape/index.html",
            },
        ),
        (
            "explorer",
            {
                "explorer/index.html",
                "lessons/network/index.html",
                "lessons/what-it-learned/index.html",
            },
        ),
    ],
)
def test_only_pages_with_a_widget_load_its_script_and_css(site, widget, embedding):
    loading = set()
    for page in pages(site):
        html = page.read_text(encoding="utf8")
        loads = bool(re.search(rf'<script src="[^"]*{widget}\.js">', html))
        assert (
            loads == (f"{widget}.css" in html) == (f'<div class="dh-{widget}"' in html)
        ), page
        if loads:
            loading.add(page.relative_to(site).as_posix())
    assert loading == embedding


def test_no_traceback_is_published(site):
    for page in pages(site):
        assert "Traceback (most recent call last)" not in page.read_text(
            encoding="utf8"
        ), page


def test_every_figure_has_alt_text(site):
    for page in pages(site):
        article = re.search(
            r"<article.*?</article>", page.read_text(encoding="utf8"), re.S
        )
        if article:  # Material's own icon buttons (edit this page) are not figures
            content = re.sub(
                r'<a [^>]*class="md-content__button[^"]*".*?</a>',
                "",
                article[0],
                flags=re.S,
            )
            assert missing_alt_text(content) == [], page


def test_the_home_page_shows_a_figure_drawn_at_build_time(site):
    home = (site / "index.html").read_text(encoding="utf8")
    assert home.count('<figure class="dh-figure">') >= 1
    assert re.search(r"bring the knob to <em>w</em> = 2\.887", home)
    assert "figure-colors.css" in home


def test_the_figure_viewer_loads_only_on_pages_with_figures(site):
    lesson = (site / "lessons/landscape/index.html").read_text(encoding="utf8")
    glossary = (site / "glossary/index.html").read_text(encoding="utf8")
    assert lesson.count('<script src="../../javascripts/figures.js"></script>') == 1
    assert (
        lesson.count('class="dh-figure__open"')
        == lesson.count('<figure class="dh-figure">')
        >= 5
    )
    assert "figures.js" not in glossary and 'class="dh-figure"' not in glossary
    assert "document.addEventListener" in (site / "javascripts/figures.js").read_text(
        encoding="utf8"
    )


def test_no_request_for_google_fonts_or_github_statistics(site):
    home = (site / "index.html").read_text(encoding="utf8")
    assert "fonts.googleapis" not in home and "fonts.gstatic" not in home
    assert 'data-md-component="source"' not in home


# The build report reports the build that made it (its times): the one page
# allowed to differ between builds.
BUILD_REPORT = "build-report/index.html"


def tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.relative_to(site).as_posix() != BUILD_REPORT
    }


def test_builds_with_and_without_the_fence_cache_are_byte_identical(site, tmp_path):
    fresh = {"DOWNHILL_FENCE_CACHE_DIR": str(tmp_path / "fences")}
    # every fence run in page order by the build itself (no pool running them ahead)
    uncached = tree(
        build_ok(tmp_path / "uncached", env={**fresh, "DOWNHILL_PREFETCH": "off"})
    )
    cached = tree(build_ok(tmp_path / "cached", env=fresh))
    for other in (uncached, cached):
        assert other.keys() == tree(site).keys()
        assert [name for name, data in tree(site).items() if other[name] != data] == []


def test_the_build_report_lists_every_page_and_its_fences(site):
    report = (site / BUILD_REPORT).read_text(encoding="utf8")
    rows = re.findall(
        r"<tr><td>([^<]+\.(?:md|ipynb))</td><td>(\d+)</td><td>(\d+)</td>", report
    )
    pages = {page for page, _, _ in rows}
    docs = ROOT / "docs"
    assert pages == {
        p.relative_to(docs).as_posix()
        for p in docs.rglob("*")
        if p.suffix in (".md", ".ipynb")
    }
    assert sum(int(fences) for _, fences, _ in rows) > 50
    assert re.search(r"<td>line \d+ \(\d+\.\d\d s\)</td>", report)  # a slowest fence


def test_no_lesson_page_weighs_more_than_a_megabyte(site):
    heavy = {
        p.relative_to(site).as_posix(): p.stat().st_size
        for p in pages(site)
        if p.stat().st_size > 1024**2
    }
    assert heavy == {}
