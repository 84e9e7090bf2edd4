"""Keep the figures' SVG bodies away from the HTML parsers of the build.

After the fences run, MkDocs parses every page's HTML again: Material's search
plugin indexes it and our alt-text check reads it. Inline figures hold tens of
thousands of SVG elements that neither needs (figures carry no searchable text
and their accessible name is on the <svg> tag itself), and parsing them took most
of a warm rebuild. `stash` swaps each large SVG body for a short comment marker,
keeping the <svg ...> tag; `unstash` puts the bodies back into the finished page,
byte for byte.
"""

from __future__ import annotations

import re

SVG = re.compile(r"(<svg\b[^>]*>)(.*?)(</svg>)", re.S)
MARKER = "<!--downhill-svg-{}-->"
LARGE = 2048  # characters: Material's small icons stay as they are


def stash(html: str) -> tuple[str, list[str]]:
    bodies: list[str] = []

    def swap(match: re.Match) -> str:
        opening, body, closing = match.groups()
        if len(body) < LARGE:
            return match[0]
        bodies.append(body)
        return opening + MARKER.format(len(bodies) - 1) + closing

    return SVG.sub(swap, html), bodies


def unstash(html: str, bodies: list[str]) -> str:
    for index, body in enumerate(bodies):
        marker = MARKER.format(index)
        if html.count(marker) != 1:
            raise ValueError(f"figure {index}: expected its marker once in the page")
        html = html.replace(marker, body)
    return html
