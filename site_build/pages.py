"""The built pages' HTML: what the hooks do to every page after its fences ran.

In the order a page meets them (hooks.on_page_content, then on_post_page):

* ``stash``: the figures' large SVG bodies are set aside while MkDocs and the
  checks parse the page again; ``unstash`` puts them back byte for byte;
* ``missing_alt_text``: a figure or image without an accessible name fails the build;
* ``keep_code_out_of_search``: the search index holds prose, not code;
* ``link_assets``: a widget's script and CSS (the playground, the explorer), on
  pages that embed one;
* ``name_search_dialog``: the theme's search dialog gets an accessible name.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# --- Figures kept away from the build's HTML parsers ---------------------------------
# Keep the figures' SVG bodies away from the HTML parsers of the build.
#
# After the fences run, MkDocs parses every page's HTML again: Material's search
# plugin indexes it and our alt-text check reads it. Inline figures hold tens of
# thousands of SVG elements that neither needs (figures carry no searchable text
# and their accessible name is on the <svg> tag itself), and parsing them took most
# of a warm rebuild. `stash` swaps each large SVG body for a short comment marker,
# keeping the <svg ...> tag; `unstash` puts the bodies back into the finished page,
# byte for byte.

SVG = re.compile(r"(<svg\b[^>]*>)(.*?)(</svg>)", re.S)
SVG_MARKER = "<!--downhill-svg-{}-->"
LARGE = 2048  # characters: Material's small icons stay as they are


def stash(html: str) -> tuple[str, list[str]]:
    bodies: list[str] = []

    def swap(match: re.Match) -> str:
        opening, body, closing = match.groups()
        if len(body) < LARGE:
            return match[0]
        bodies.append(body)
        return opening + SVG_MARKER.format(len(bodies) - 1) + closing

    return SVG.sub(swap, html), bodies


def unstash(html: str, bodies: list[str]) -> str:
    for index, body in enumerate(bodies):
        marker = SVG_MARKER.format(index)
        if html.count(marker) != 1:
            raise ValueError(f"figure {index}: expected its marker once in the page")
        html = html.replace(marker, body)
    return html


# --- Figures and images a screen reader could not name -------------------------------
# Find images and inline figures that a screen reader could not name.


class _AltTextCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.missing: list[str] = []
        # inside a decorative span: Material's emoji icons, KaTeX's aria-hidden glyphs
        self.icon_depth = 0
        self.svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "span" and (
            "twemoji" in classes or attributes.get("aria-hidden") == "true"
        ):
            self.icon_depth += 1
        elif tag == "span" and self.icon_depth:
            self.icon_depth += 1
        if tag == "img" and not (attributes.get("alt") or "").strip():
            self.missing.append(f'<img src="{attributes.get("src")}"> has no alt text')
        if tag == "svg":
            # aria-hidden: a figure's second and later panels; its first names it
            if (
                not self.icon_depth
                and not self.svg_depth
                and attributes.get("aria-hidden") != "true"
            ):
                named = (attributes.get("aria-label") or "").strip() or attributes.get(
                    "aria-labelledby"
                )
                if attributes.get("role") != "img" or not named:
                    self.missing.append(
                        'an inline <svg> lacks role="img" and an aria-label'
                    )
            self.svg_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.icon_depth:
            self.icon_depth -= 1
        if tag == "svg" and self.svg_depth:
            self.svg_depth -= 1


def missing_alt_text(html: str) -> list[str]:
    """One message per image or inline SVG figure without an accessible name."""
    check = _AltTextCheck()
    check.feed(html)
    return check.missing


def alt_text_line(markdown: str, message: str) -> int | None:
    """The line of the page source an alt-text problem comes from, if it can be found:
    the first line that mentions the image's file."""
    src = re.search(r'src="([^"]+)"', message)
    name = src[1].rsplit("/", 1)[-1] if src else ""
    if not name or name == "None":
        return None
    return next(
        (n for n, line in enumerate(markdown.split("\n"), start=1) if name in line),
        None,
    )


ALT_TEXT_HELP = (
    'describe what it shows: ![a sentence](file.png) in markdown, alt="..." in HTML, '
    "figure(alt=...) in a fence"
)


# --- Corrections to the HTML the theme writes ----------------------------------------
# Small corrections to the HTML the theme writes, applied to every built page.

# Material's search overlay is a dialog without a name (axe-core: aria-dialog-name,
# serious): a screen reader announces "dialog" and nothing else when it opens.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'


def name_search_dialog(html: str) -> str:
    """Give the search dialog an accessible name. (If a theme update changes its markup,
    this does nothing and the browser tests' accessibility audit says so.)"""
    return html.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)


# Code blocks: the lessons' fences and the labs' code cells.
CODE_BLOCK = re.compile(
    r'<div class="((?:[^"]*\s)?(?:highlight|jp-CodeCell)(?:\s[^"]*)?)"'
)


def keep_code_out_of_search(html: str) -> str:
    """Index prose, not code: code blocks were almost half of the search index that every
    first visit downloads, and a reader searches for ideas, not for lines of numpy.
    (Material's search plugin skips elements marked data-search-exclude.)"""
    return CODE_BLOCK.sub(r'<div class="\1" data-search-exclude', html)


# --- The widgets' assets, on the pages that embed one -------------------------------
# Each interactive widget's script and stylesheet, linked only by the pages that embed it.
#
# A page embeds a widget with one line of HTML, ``<div class="dh-playground" ...>`` or
# ``<div class="dh-explorer" ...>`` (docs/contributing.md). ``link_assets`` puts the
# stylesheet link before the page's content and the script after it, inside the part
# of the page that Material's instant navigation swaps in (it runs the scripts it
# finds there), so a widget also starts when a reader navigates into its page from
# one without it.

WIDGETS = ("playground", "explorer")  # javascripts/<name>.js, stylesheets/<name>.css


def embedded_widgets(html: str) -> list[str]:
    return [name for name in WIDGETS if f'<div class="dh-{name}"' in html]


def link_assets(html: str, url_of) -> str:
    """The page's content with the stylesheet and script of each widget it embeds;
    ``url_of`` turns a path of the site into a URL relative to the page."""
    for name in embedded_widgets(html):
        css, script = (
            url_of(f"stylesheets/{name}.css"),
            url_of(f"javascripts/{name}.js"),
        )
        html = f'<link rel="stylesheet" href="{css}">\n{html}\n<script src="{script}"></script>'
    return html


# --- A lesson's core path: its words and its reading time -------------------------
# The core path is what a reader reads top to bottom: every word of the article but
# code, figures and their captions, tables, maths, the "Scan it in five minutes"
# block, the questions (site_build.questions), the "Mark this lesson done" button
# and the "Going further" parts.
SKIPPED_TAGS = {"pre", "code", "figure", "svg", "table", "script", "style"}
SKIPPED_CLASSES = {
    "arithmatex",
    "katex",
    "scan",
    "question",
    "further",
    "dh-question",
    "dh-done",
    "dh-notebook-actions",
    "dh-reading-time",
    "dh-explorer",  # the network explorer's controls and labels
    "headerlink",
}
WORD = re.compile(r"\w[\w'’,.\-]*")
WORDS_PER_MINUTE = 200


# Tags that break a line of text; inline tags (a, abbr, em...) join their words.
BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th"}
BLOCKS |= {"br", "hr", "details", "summary", "blockquote", "dt", "dd", "section"}


class _CorePath(HTMLParser):
    VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "path"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it (inside) a skipped part?
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in BLOCKS:
            self.text.append(" ")
        if tag in self.VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        skipped = tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)
        self.stack.append(skipped or (self.stack[-1] if self.stack else False))

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in BLOCKS:
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.text.append(" ")
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


def core_text(html: str) -> str:
    """The text of a lesson's core path, from its article's HTML."""
    parser = _CorePath()
    parser.feed(html)
    return " ".join("".join(parser.text).split())


def core_words(html: str) -> int:
    return len(WORD.findall(core_text(html)))


def add_reading_time(html: str) -> str:
    """A line under the lesson's title: how long its core path takes to read."""
    words = core_words(html)
    minutes = max(1, round(words / WORDS_PER_MINUTE))
    line = (
        f'<p class="dh-reading-time">About {minutes} minutes of reading '
        f"({words:,} words), code and figures aside. The "
        "<em>Going further</em> parts are optional.</p>"
    )
    head, sep, tail = html.partition("</h1>")
    return head + sep + "\n" + line + tail if sep else html


# The end of every lesson: a button that marks it done in the reader's browser
# (docs/javascripts/questions.js shows it; without that script it stays hidden).
DONE_BUTTON = (
    '<div class="dh-done" hidden><button type="button" class="md-button">'
    'Mark this lesson done</button> <span class="dh-done-status" role="status">'
    "</span></div>"
)


def add_done_button(html: str) -> str:
    return html + "\n" + DONE_BUTTON
