"""The playground's script and stylesheet, linked only by the pages that embed one.

A page embeds a playground with ``<div class="dh-playground" ...>`` (docs/contributing.md).
``link_assets`` puts the stylesheet link before the page's content and the script after
it, inside the part of the page that Material's instant navigation swaps in (it runs
the scripts it finds there), so the playground also starts when a reader navigates
into the page from one without it.
"""

from __future__ import annotations

MARKUP = '<div class="dh-playground"'
SCRIPT = "javascripts/playground.js"
STYLESHEET = "stylesheets/playground.css"


def embeds_playground(html: str) -> bool:
    return MARKUP in html


def link_assets(html: str, url_of) -> str:
    """The page's content with the playground's stylesheet and script, if it embeds one;
    ``url_of`` turns a path of the site into a URL relative to the page."""
    if not embeds_playground(html):
        return html
    return f'<link rel="stylesheet" href="{url_of(STYLESHEET)}">\n{html}\n<script src="{url_of(SCRIPT)}"></script>'
