"""Every lesson has the course's skeleton, read from its built article (tests/lesson.py).

The lessons and their order come from the nav in mkdocs.yml, so a new lesson is
checked as soon as it is listed there. Its figure count is FIGURES in its own test
module, tests/test_lesson_<slug>.py."""

from __future__ import annotations

import importlib
import re

import pytest

import lesson

pytestmark = pytest.mark.slow

SLUGS = lesson.lessons()


def figure_count(slug: str) -> int:
    """How many figures the lesson draws: FIGURES in its test module (a figure lost in
    an edit fails here)."""
    name = f"test_lesson_{slug.replace('-', '_')}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError:
        pytest.fail(
            f"lessons/{slug} has no tests: write tests/{name}.py (docs/contributing.md)"
        )
    assert isinstance(getattr(module, "FIGURES", None), int), (
        f"tests/{name}.py: set FIGURES to the number of figures the lesson draws"
    )
    return module.FIGURES


@pytest.mark.parametrize("slug", SLUGS)
def test_the_skeleton(site, slug):
    page = lesson.read(site, slug)
    html = page.html
    assert html.count("<h1") == 1, f"lessons/{slug}: one title"
    scans = re.findall(r'<div class="admonition scan">.*?</div>', html, flags=re.S)
    assert len(scans) == 1 and "Scan it in five minutes" in scans[0], (
        f"lessons/{slug}: one scan block"
    )
    assert 5 <= scans[0].count("<li>") <= 7, (
        f"lessons/{slug}: the scan block has 5 to 7 points"
    )
    headings = [
        lesson.prose_of(h)[0]
        for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    ]
    assert headings[-1] == "What changes for you", (slug, headings)
    assert html.index("admonition scan") < html.index('id="what-changes-for-you"')
    # the questions with feedback replaced the reveal-only self-check
    # (tests/test_questions.py counts them)
    assert '<details class="question"' not in html, f"lessons/{slug}: a ??? question"


@pytest.mark.parametrize("slug", SLUGS)
def test_figures_have_alt_text_and_captions(site, slug):
    html = lesson.read(site, slug).html
    figures = re.findall(r'<figure class="dh-figure">(.*?)</figure>', html, flags=re.S)
    assert len(figures) == figure_count(slug), f"lessons/{slug}: {len(figures)} figures"
    for figure in figures:
        label = re.search(r'<svg role="img" aria-label="([^"]*)"', figure)
        assert label and len(label[1].strip()) > 40, (
            f"lessons/{slug}: a figure without alt text"
        )
        assert "<figcaption>" in figure, f"lessons/{slug}: a figure without caption"


def test_near_is_strict():
    assert lesson.near(lesson.Stated("0.0129"), 0.01290000001) and lesson.near(
        lesson.Stated("13,002"), 13002
    )
    assert not lesson.near(lesson.Stated("0.0129"), 0.0131) and not lesson.near(
        lesson.Stated("70"), 71
    )
    assert (
        lesson.Stated("1.3e-9").tolerance == pytest.approx(0.5e-10)
        and lesson.Stated("96%").tolerance == 0.5
    )


def test_prose_drops_figures_code_and_navigation_and_keeps_math_as_tex():
    article = (
        '<article><h2 id="x">Cost<a class="headerlink" href="#x">¶</a></h2>'
        '<p>It costs <strong>0.63</strong>; <span class="arithmatex">\\(C = 1\\)</span> and '
        '<span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>w</mi></mrow>'
        '<annotation encoding="application/x-tex">w = 3</annotation></semantics></math></span>'
        '<span class="katex-html" aria-hidden="true"><span class="mord">w=3</span></span></span>.</p>'
        "<svg><text>12</text></svg><pre><code>x = 1</code></pre><table><tr><td>1</td><td>2</td></tr></table></article>"
    )
    text, code = lesson.prose_of(article)
    assert text == "Cost It costs 0.63; \\(C = 1\\) and \\(w = 3\\). 1 2"
    assert code == "x = 1"
