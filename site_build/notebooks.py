"""Each lesson as a Jupyter notebook, built from the lesson's own page.

The notebook is the page in order: its prose as Markdown cells and its Python
fences as code cells, with ``--8<--`` includes expanded so that every cell
runs; each question shows its choices, and its answer and explanations in a
collapsed <details> (``site_build.questions.for_notebook``). Three cells come
first: where the notebook comes from (and the course package's version), the
install cell (it follows the marked setting of site_build.public: installs
exactly this version once the course is published, nothing before), and the
import of
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
from site_build.public import Package, Public, package, public_of
from site_build.questions import for_notebook

SNIPPETS = ROOT / "snippets"
COMMITTED = ROOT / "notebooks"  # the copies Colab opens from GitHub
HIDE = re.compile(r"\s*# markdown-exec: hide\s*$")
ATTRIBUTES = re.compile(r"\{\s*[:.#][^}\n]*\}")
# an embedded widget (site_build.pages.WIDGETS) becomes a link to its page on the site
WIDGET = re.compile(r'^<div class="dh-(playground|explorer)"[^>]*></div>\s*$', re.M)
WIDGET_PAGES = {"playground": "playground", "explorer": "network explorer"}


@dataclass(frozen=True)
class Site:
    """What a notebook needs to know about where the course is published.

    ``public`` is the marked setting of mkdocs.yml (site_build.public), None until
    a person confirms the addresses: then notebooks install nothing and link to no
    website, and no page offers Colab."""

    public: Public | None
    package: Package

    def page_url(self, page: str) -> str | None:
        """The published address of a docs/ page (directory URLs); None while unset."""
        if self.public is None:
            return None
        path = page[: -len(".md")]
        path = (
            path[: -len("index")]
            if path == "index" or path.endswith("/index")
            else path + "/"
        )
        return self.public.site_url + path

    def colab_url(self, repo_path: str) -> str | None:
        if self.public is None:
            return None
        return (
            "https://colab.research.google.com/github/"
            f"{self.public.repository}/blob/{self.public.branch}/{repo_path}"
        )


def has_notebooks(config) -> bool:
    """Whether a MkDocs config is the course's own site (its lessons)."""
    return Path(config["docs_dir"]).resolve() == DOCS.resolve()


def site_of(config) -> Site:
    """Site facts from the MkDocs config's marked setting and the project's package."""
    root = Path(config["config_file_path"]).parent
    return Site(public_of(config, root), package(root))


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
    url = site.page_url(page)
    named = f"[{title}]({url})" if url else title
    return (
        f"*Downhill, {lesson}: {named}. "
        "This notebook is generated from the lesson's page: the same text and the same code, in order, "
        f"made with the course package {site.package.name} {site.package.version}. "
        "Run the cells from top to bottom, then change anything and run again.*"
    )


def install_cell(site: Site) -> str:
    """The first code cell of every notebook, lessons and labs alike.

    Published (the marked setting is set): install exactly this version of the
    course package from the package index, unless it is installed already.
    Unpublished: install nothing, say how to install it from the course's
    source, and stop with that message if it is missing."""
    name, version = site.package.name, site.package.version
    if site.public is not None:
        return (
            f"# Installs the course package {name} {version} (imported as `downhill`), the\n"
            "# version this notebook was made with, unless it is installed already.\n"
            "import subprocess\n"
            "import sys\n"
            "from importlib.metadata import PackageNotFoundError, version\n"
            "\n"
            "try:\n"
            f'    installed = version("{name}")\n'
            "except PackageNotFoundError:\n"
            "    installed = None\n"
            f'if installed != "{version}":\n'
            '    pip = [sys.executable, "-m", "pip", "install", "--quiet"]\n'
            f'    subprocess.run([*pip, "{name}=={version}"], check=True)'
        )
    wheel = f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    return (
        f"# Needs the course package {name} {version} (imported as `downhill`). It is\n"
        "# not on the package index yet, so this cell installs nothing. Install it from\n"
        "# the course's source (a copy of its repository), or from a wheel built there\n"
        "# with `pip wheel --no-deps .`:\n"
        "#   %pip install /path/to/the/course\n"
        f"#   %pip install {wheel}\n"
        "from importlib.metadata import version\n"
        "\n"
        f'version("{name}")  # the version installed; PackageNotFoundError if none'
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
    markdown = WIDGET.sub(lambda match: widget_note(match[1], site), markdown)
    if site.public is None:
        return local_links(markdown, page)
    return absolute_links(markdown, page, site)


def widget_note(widget: str, site: Site) -> str:
    """What a notebook says where the page embeds a widget: it lives on the site."""
    url = site.page_url(widget + ".md")
    where = f"[the website]({url})" if url else "the course's website"
    return f"*(The interactive {WIDGET_PAGES[widget]} is on {where}.)*"


def absolute_links(markdown: str, page: str, site: Site) -> str:
    """Relative links between pages become links to the published site."""
    return rewrite_links(
        markdown,
        page,
        lambda path: (
            site.page_url(path) if path.endswith(".md") else site.public.site_url + path
        ),
    )


FULL_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


def local_links(markdown: str, page: str) -> str:
    """With no public site: a link to another lesson opens that lesson's notebook,
    which lies beside this one (notebooks/ in the repository and on the site); any
    other relative link keeps its words only. Absolute links stay."""
    lessons = set(lesson_pages())

    def fix(match: re.Match) -> str:
        target = match["target"]
        if re.match(r"^([a-z]+:|/|#)", target):
            return match[0]
        path, _, anchor = target.partition("#")
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if path in lessons:
            return f"[{match['text']}]({notebook_name(path)}{'#' + anchor if anchor else ''})"
        return match["text"]

    return FULL_LINK.sub(fix, markdown)


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
    for lab in LABS.glob("*.ipynb"):
        text = lab.read_text(encoding="utf8")
        if lab_with_install_cell(text, site) != text:
            lab.write_text(lab_with_install_cell(text, site), encoding="utf8")
            print(f"{lab.relative_to(ROOT)}: install cell")


LABS = DOCS / "labs"


def lab_with_install_cell(text: str, site: Site) -> str:
    """A lab (.ipynb text) whose first code cell is the notebooks' install cell."""
    nb = nbformat.reads(text, as_version=4)
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    first.source = install_cell(site)
    return nbformat.writes(nb) + "\n"


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
) -> tuple[str, str | None] | None:
    """(site path of the .ipynb, Colab address or None while the course has no public
    address) for a page that has a notebook, else None."""
    if is_notebook_page:
        return src_uri, site.colab_url(f"docs/{src_uri}")
    if src_uri in lesson_pages():
        name = notebook_name(src_uri)
        return f"{SERVED}/{name}", site.colab_url(f"notebooks/{name}")
    return None


def actions_html(download: str, colab: str | None) -> str:
    name = html.escape(posixpath.basename(download))
    colab_button = (
        f' <a class="md-button" href="{html.escape(colab)}" rel="noopener" '
        'title="Run this notebook in Google Colab (opens the copy on GitHub)">Open in Colab</a>'
        if colab
        else ""
    )
    return (
        '<p class="dh-notebook-actions">'
        f'<a class="md-button md-button--primary" href="{html.escape(download)}" download="{name}" '
        f'title="The code of this page as a Jupyter notebook">Download notebook</a>'
        f"{colab_button}</p>"
    )


def add_actions(page_html: str, download: str, colab: str | None) -> str:
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
