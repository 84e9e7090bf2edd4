"""The "Download notebook" and "Open in Colab" buttons under a page's title.

Lessons link to the notebook generated from them (served at
notebooks/<lesson>.ipynb; Colab opens the committed copy under notebooks/ on
GitHub). Labs are notebooks already: mkdocs-jupyter copies each beside its page
(``include_source``) and Colab opens it from docs/ on GitHub.
"""

from __future__ import annotations

import html
import posixpath

from downhill.site.notebooks import Site, notebook_name
from downhill.site.summaries import lesson_pages

SERVED = "notebooks"  # folder of the generated lesson notebooks in the built site


def notebook_targets(src_uri: str, is_notebook_page: bool, site: Site) -> tuple[str, str] | None:
    """(site path of the .ipynb, Colab address) for a page that has a notebook, else None."""
    if is_notebook_page:
        return src_uri, site.colab_url(f"docs/{src_uri}")
    if src_uri in lesson_pages():
        name = notebook_name(src_uri)
        return f"{SERVED}/{name}", site.colab_url(f"notebooks/{name}")
    return None


def actions_html(download: str, colab: str) -> str:
    name = html.escape(posixpath.basename(download))
    return (
        '<p class="dh-notebook-actions">'
        f'<a class="md-button md-button--primary" href="{html.escape(download)}" download="{name}" '
        f'title="The code of this page as a Jupyter notebook">Download notebook</a> '
        f'<a class="md-button" href="{html.escape(colab)}" rel="noopener" '
        'title="Run this notebook in Google Colab (opens the copy on GitHub)">Open in Colab</a>'
        "</p>"
    )


def add_actions(page_html: str, download: str, colab: str) -> str:
    """Insert the buttons right after the page's first </h1>."""
    head, sep, tail = page_html.partition("</h1>")
    if not sep:
        return page_html
    return head + sep + "\n" + actions_html(download, colab) + tail
