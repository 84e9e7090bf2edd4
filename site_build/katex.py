"""Math typeset at build time: KaTeX (vendor/katex) run in QuickJS.

pymdownx.arithmatex marks the TeX of a page as ``<span class="arithmatex">\\(...\\)</span>``
and ``<div class="arithmatex">\\[...\\]</div>`` (lab pages get the same marks from
site_build.notebooks). ``typeset`` replaces the TeX inside each with KaTeX's
output, visual HTML plus hidden MathML (what screen readers read), so readers' browsers
run no math script. What it guarantees:

* TeX that KaTeX rejects (or accepts only as non-LaTeX) raises MathError with
  KaTeX's message; nothing half-typeset is ever published;
* a page with math starts with a link to KaTeX's stylesheet (``link_stylesheet``,
  inside the content, so it also applies after Material's instant navigation swaps
  the page in); a page without math links nothing;
* the hooks typeset the finished page (on_post_page), after Material's search has
  indexed the content: the index keeps each formula's TeX, as before, and none of
  KaTeX's glyphs. (Marking KaTeX's HTML ``data-search-exclude`` does not work: the
  search plugin compares elements by tag name, so an exclusion on a <span> ends at
  the first nested </span>.)
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

KATEX_VERSION = "0.19.1"
KATEX = Path(__file__).resolve().parents[1] / "vendor" / "katex"
# where the site serves KaTeX's CSS; fonts beside it
STYLESHEET = "assets/katex/katex.min.css"

INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>', re.S)
DISPLAY = re.compile(
    r'<div class="arithmatex">(?:\\\[(?P<tex>.*?)\\\]|(?P<env>\\begin\{(?P<name>[a-z]+\*?)\}.*?\\end\{(?P=name)\}))</div>',
    re.S,
)
LEFT_OVER = re.compile(r'<(?:span|div) class="arithmatex">(?!<span class="katex)')
FALLBACK_FONTS = re.compile(r',url\([^)]*\) format\("(?:woff|truetype)"\)')
TYPESET = """
function typeset(tex, display) {
  return katex.renderToString(tex, {displayMode: display, output: "htmlAndMathml", throwOnError: true, strict: "error"});
}
"""


WHAT_TO_DO = f"fix the formula (KaTeX {KATEX_VERSION} typesets the site's math at build time; vendor/katex)"


class MathError(ValueError):
    """A formula KaTeX cannot typeset: ``tex`` is its source, the message KaTeX's."""

    def __init__(self, tex: str, message: str) -> None:
        super().__init__(message)
        self.tex = tex


def has_math(html_text: str) -> bool:
    return (
        '<span class="arithmatex">' in html_text
        or '<div class="arithmatex">' in html_text
    )


def link_stylesheet(content: str, stylesheet_url: str) -> str:
    """A page's content, led by a link to KaTeX's stylesheet if it has math."""
    return (
        f'<link rel="stylesheet" href="{stylesheet_url}">\n{content}'
        if has_math(content)
        else content
    )


def typeset(html_text: str) -> str:
    """Every arithmatex formula of a page's HTML typeset by KaTeX."""
    if not has_math(html_text):
        return html_text
    html_text = DISPLAY.sub(
        lambda m: (
            f'<div class="arithmatex">{formula(html.unescape(m["tex"] or m["env"]), True)}</div>'
        ),
        html_text,
    )
    html_text = INLINE.sub(
        lambda m: (
            f'<span class="arithmatex">{formula(html.unescape(m["tex"]), False)}</span>'
        ),
        html_text,
    )
    left = LEFT_OVER.search(html_text)
    if left:
        raise MathError(
            "",
            f"math in a shape site_build.katex does not know: {html_text[left.start() : left.start() + 80]}",
        )
    return html_text


@functools.cache
def formula(tex: str, display: bool) -> str:
    """One formula as KaTeX's HTML (what the eye reads) and MathML (what a screen reader reads)."""
    import quickjs

    try:
        return _katex()(tex, display)
    except quickjs.JSException as error:
        raise MathError(tex, str(error).split("\n", 1)[0]) from None


@functools.cache
def _katex():
    """One QuickJS context per process, with katex.min.js loaded (about 50 ms)."""
    import quickjs

    context = quickjs.Context()
    context.eval((KATEX / "katex.min.js").read_text(encoding="utf8"))
    context.eval(TYPESET)
    return context.get("typeset")


def stylesheet() -> str:
    """KaTeX's CSS as the site serves it: woff2 fonts only (every browser that runs
    the site reads woff2; the .woff/.ttf fallbacks are not shipped)."""
    css = (KATEX / "katex.min.css").read_text(encoding="utf8")
    css = FALLBACK_FONTS.sub("", css)
    missing = [
        name
        for name in re.findall(r"url\(([^)]*)\)", css)
        if not (KATEX / name).is_file()
    ]
    if missing:
        raise FileNotFoundError(
            f"{KATEX / 'katex.min.css'} refers to files not in vendor/katex: {missing}"
        )
    return css


def fonts() -> list[Path]:
    return sorted((KATEX / "fonts").glob("*.woff2"))


def source_line(source: str, tex: str) -> int | None:
    """The first line of a page's source (markdown, or a notebook's JSON) holding the formula."""
    for candidate in (tex, tex.replace("\\", "\\\\")):
        first = candidate.strip().split("\n", 1)[0]
        at = source.find(first) if first else -1
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return None
