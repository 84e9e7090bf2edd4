"""Find images and inline figures that a screen reader could not name."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _AltTextCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.missing: list[str] = []
        self.icon_depth = 0  # inside a decorative span: Material's emoji icons, KaTeX's aria-hidden glyphs
        self.svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "span" and ("twemoji" in classes or attributes.get("aria-hidden") == "true"):
            self.icon_depth += 1
        elif tag == "span" and self.icon_depth:
            self.icon_depth += 1
        if tag == "img" and not (attributes.get("alt") or "").strip():
            self.missing.append(f"<img src=\"{attributes.get('src')}\"> has no alt text")
        if tag == "svg":
            # aria-hidden: a figure's second and later panels; its first names it
            if not self.icon_depth and not self.svg_depth and attributes.get("aria-hidden") != "true":
                named = (attributes.get("aria-label") or "").strip() or attributes.get("aria-labelledby")
                if attributes.get("role") != "img" or not named:
                    self.missing.append('an inline <svg> lacks role="img" and an aria-label')
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


def source_line(markdown: str, message: str) -> int | None:
    """The line of the page source an alt-text problem comes from, if it can be found:
    the first line that mentions the image's file."""
    src = re.search(r'src="([^"]+)"', message)
    name = src[1].rsplit("/", 1)[-1] if src else ""
    if not name or name == "None":
        return None
    return next((n for n, line in enumerate(markdown.split("\n"), start=1) if name in line), None)


WHAT_TO_DO = ("describe what it shows: ![a sentence](file.png) in markdown, alt=\"...\" in HTML, "
              "figure(alt=...) in a fence")
