"""site_build.katex: the build's KaTeX, without building a site."""

from __future__ import annotations

import json
import re

import pytest

from site_build import katex as math

INLINE = '<p>The rate <span class="arithmatex">\\(\\eta &lt; 1\\)</span> is small.</p>'
DISPLAY = '<div class="arithmatex">\\[\n\\frac{\\partial C}{\\partial w}\n\\]</div>'
ALIGNED = '<div class="arithmatex">\\begin{aligned} a &amp;= b \\\\ c &amp;= d \\end{aligned}</div>'


def test_inline_and_display_math_become_katex_html_and_mathml():
    html = math.typeset(INLINE + DISPLAY + ALIGNED)
    assert "\\(" not in html and "\\[" not in html
    assert html.count('<span class="katex">') == 3 and html.count("<math ") == 3
    assert (
        html.count('<span class="katex-display">') == 2
        and html.count('display="block"') == 2
    )
    # the page's HTML escapes were undone before KaTeX read the TeX
    assert "<mo>&lt;</mo>" in html
    assert '<annotation encoding="application/x-tex">\\eta &lt; 1</annotation>' in html
    assert html.startswith("<p>The rate ") and html.count("<p>") == 1


def test_a_page_without_math_is_left_alone_and_links_nothing():
    page = "<p>No maths, only $5 and a backslash \\( in prose.</p>"
    assert math.typeset(page) == page
    assert math.link_stylesheet(page, "../katex.css") == page
    assert math.link_stylesheet(INLINE, "../katex.css").startswith(
        '<link rel="stylesheet" href="../katex.css">\n<p>'
    )


@pytest.mark.parametrize(
    ("tex", "message"),
    [
        ("\\frac{a", "Unexpected end of input"),
        ("\\eta \\cdott x", "Undefined control sequence: \\cdott"),
        ("é", "strict mode"),  # LaTeX would not accept it either
    ],
)
def test_tex_katex_rejects_raises_with_katex_s_message(tex, message):
    with pytest.raises(math.MathError, match=re.escape(message)) as raised:
        math.typeset(f'<span class="arithmatex">\\({tex}\\)</span>')
    assert raised.value.tex == tex and str(raised.value).startswith(
        "ParseError: KaTeX parse error:"
    )


def test_math_of_an_unknown_shape_is_refused():
    with pytest.raises(math.MathError, match="does not know"):
        math.typeset('<div class="arithmatex">$$x$$</div>')


def test_the_line_of_a_formula_in_markdown_and_in_a_notebook():
    markdown = "# Page\n\nText $a$.\n\n$$\n\\frac{\\partial C}{\\partial w\n$$\n"
    assert math.source_line(markdown, "\n\\frac{\\partial C}{\\partial w\n") == 6
    notebook = json.dumps({"cells": [{"source": ["Rate $\\eta < 1$\n"]}]}, indent=1)
    # {, "cells", {, "source", then the line
    assert math.source_line(notebook, "\\eta < 1") == 5
    assert math.source_line(markdown, "\\nowhere") is None


def test_the_stylesheet_lists_only_woff2_fonts_that_are_vendored():
    css = math.stylesheet()
    fonts = re.findall(r"url\(([^)]*)\)", css)
    assert fonts and all(font.endswith(".woff2") for font in fonts)
    assert sorted(f"fonts/{path.name}" for path in math.fonts()) == sorted(set(fonts))
    assert 'format("woff")' not in css and "truetype" not in css


def test_katex_s_glyph_drawings_are_hidden_from_screen_readers():
    """A square root is an SVG inside KaTeX's aria-hidden HTML: not a figure needing alt text."""
    from site_build.pages import missing_alt_text

    html = math.typeset('<div class="arithmatex">\\[\\sqrt{x}\\]</div>')
    assert "<svg" in html and missing_alt_text(html) == []
