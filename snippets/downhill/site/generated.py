"""Parts of pages that are generated from one source elsewhere.

A page asks for one with a marker line, e.g.::

    <!-- generated: glossary (from snippets/glossary.yml) -->

and the site hooks replace that line with the Markdown before MkDocs converts
the page, so its links are checked and rewritten like any hand-written link.
"""

from __future__ import annotations

import re

from downhill.site.glossary import glossary_markdown
from downhill.site.summaries import quick_reference_markdown

MARKER = re.compile(r"^<!-- generated: (?P<name>[\w-]+)\b[^\n]*-->[ \t]*$", re.M)

GENERATORS = {
    "glossary": glossary_markdown,
    "summaries": quick_reference_markdown,
}


def fill_generated(markdown: str, page: str) -> str:
    """Replace every marker of a page (page: its docs/-relative path)."""

    def generate(match: re.Match) -> str:
        name = match["name"]
        if name not in GENERATORS:
            raise ValueError(f"docs/{page}: unknown generated part {name!r} (known: {', '.join(GENERATORS)})")
        return GENERATORS[name](page=page)

    return MARKER.sub(generate, markdown)
