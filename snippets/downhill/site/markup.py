"""Small corrections to the HTML the theme writes, applied to every built page."""

from __future__ import annotations

import re

# Material's search overlay is a dialog without a name (axe-core: aria-dialog-name,
# serious): a screen reader announces "dialog" and nothing else when it opens.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'


def name_search_dialog(html: str) -> str:
    """Give the search dialog an accessible name. (If a theme update changes its markup,
    this does nothing and the browser tests' accessibility audit says so.)"""
    return html.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)


# Code blocks: the lessons' fences and the labs' code cells.
CODE_BLOCK = re.compile(r'<div class="((?:[^"]*\s)?(?:highlight|jp-CodeCell)(?:\s[^"]*)?)"')


def keep_code_out_of_search(html: str) -> str:
    """Index prose, not code: code blocks were almost half of the search index that every
    first visit downloads, and a reader searches for ideas, not for lines of numpy.
    (Material's search plugin skips elements marked data-search-exclude.)"""
    return CODE_BLOCK.sub(r'<div class="\1" data-search-exclude', html)
