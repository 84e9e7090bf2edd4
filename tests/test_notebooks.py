"""Take the code home: lesson notebooks built from the pages, and the labs.

The lesson notebooks are generated from the lesson pages (site_build.notebooks);
the labs are stored notebooks rendered by mkdocs-jupyter. Every one of them is
executed here, top to bottom, in a fresh Jupyter kernel.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from mkdocs.config import load_config
from nbclient import NotebookClient

from conftest import ROOT
from downhill.data import load_digits
from site_build.fences import expand_includes, find_fences
from site_build.notebooks import (
    COMMITTED,
    SNIPPETS,
    install_cell,
    lab_with_install_cell,
    lesson_notebook,
    lesson_notebooks,
    notebook_name,
    site_of,
)
from site_build.outline import lesson_pages, nav_pages

SITE = site_of(load_config(str(ROOT / "mkdocs.yml")))
LESSONS = lesson_pages()
LABS = sorted(
    p.relative_to(ROOT / "docs").as_posix()
    for p in (ROOT / "docs/labs").glob("*.ipynb")
)
LAB_TITLES = {
    "Tune the learning rate",
    "Train your own digit network",
    "Break it: random labels",
}


def execute(nb: nbformat.NotebookNode, tmp_path: Path) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel of this Python (the one with the package installed)."""
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return nb


def outputs(nb, mime: str) -> list[str]:
    return [
        "".join(o["data"][mime])
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if mime in o.get("data", {})
    ]


# Lesson notebooks ----------------------------------------------------------------


def test_the_committed_notebooks_are_the_lessons_of_today():
    wanted = lesson_notebooks(SITE)
    committed = {
        p.name: p.read_text(encoding="utf8") for p in COMMITTED.glob("*.ipynb")
    }
    stale = sorted(
        name
        for name in wanted.keys() | committed.keys()
        if wanted.get(name) != committed.get(name)
    )
    assert not stale, (
        f"notebooks/{stale} differ from their lessons: run `make notebooks` and commit the result"
    )


@pytest.mark.parametrize("page", LESSONS)
def test_a_lesson_notebook_is_the_page_in_order(page):
    nb = nbformat.reads(lesson_notebook(page, SITE), as_version=4)
    nbformat.validate(nb)
    text = (ROOT / "docs" / page).read_text(encoding="utf8")
    fences = [f for f in find_fences(text) if f.is_python]
    # after the install and print cells
    code = [c.source for c in nb.cells if c.cell_type == "code"][2:]
    assert len(code) == len(fences)
    for cell, fence in zip(code, fences):
        expected = (
            expand_includes(fence.code, SNIPPETS)
            .replace("  # markdown-exec: hide", "")
            .strip("\n")
        )
        assert cell.endswith(expected.rstrip()), (
            f"docs/{page}:{fence.line}: the notebook's cell differs"
        )
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    headings = re.findall(
        r"^#{1,3} .+$", re.sub(r"```.*?```", "", text, flags=re.S), re.M
    )
    assert [h for h in headings if h in prose] == headings
    assert "](lessons/" not in prose and ".md)" not in prose, (
        "links must point to the published pages, or the notebooks beside this one"
    )
    ids = [c.id for c in nb.cells]
    assert (
        len(set(ids)) == len(ids)
        and lesson_notebook(page, SITE) == nbformat.writes(nb) + "\n"
    )


def test_every_notebook_starts_with_the_install_cell():
    """Lessons and labs alike (tests/test_public.py tests what the cell does)."""
    nb = nbformat.reads(lesson_notebook(LESSONS[0], SITE), as_version=4)
    assert nb.cells[1].source == install_cell(SITE)
    for lab in LABS:
        text = (ROOT / "docs" / lab).read_text(encoding="utf8")
        assert lab_with_install_cell(text, SITE) == text, (
            f"docs/{lab}: its install cell is not the notebooks' one: run `make notebooks`"
        )


@pytest.mark.slow
@pytest.mark.parametrize("page", LESSONS)
def test_every_lesson_notebook_runs_and_shows_the_page_s_figures(site, page, tmp_path):
    nb = execute(nbformat.reads(lesson_notebook(page, SITE), as_version=4), tmp_path)
    figures = [
        html
        for html in outputs(nb, "text/html")
        if html.startswith('<figure class="dh-figure">')
    ]
    built = (site / Path(page).with_suffix("") / "index.html").read_text(
        encoding="utf8"
    )
    assert len(figures) == built.count('<figure class="dh-figure">')
    assert all('role="img" aria-label="' in f for f in figures)
    # an error stops execute(); a warning does not, and would show in the learner's notebook
    warnings = [
        "".join(o["text"])
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    assert not warnings, f"{page}: the notebook prints to stderr: {warnings}"


@pytest.mark.slow
@pytest.mark.parametrize("page", LESSONS)
def test_a_lesson_page_offers_its_notebook(site, page):
    built = (site / Path(page).with_suffix("") / "index.html").read_text(
        encoding="utf8"
    )
    name = notebook_name(page)
    assert f'href="../../notebooks/{name}" download="{name}"' in built
    # Colab opens the notebook from the public repository: none while it is unset
    colab = SITE.colab_url(f"notebooks/{name}")
    assert (f'href="{colab}"' in built) if colab else "Open in Colab" not in built
    assert (site / "notebooks" / name).read_bytes() == (COMMITTED / name).read_bytes()


# Labs ----------------------------------------------------------------------------


def test_the_labs_are_in_the_nav():
    assert set(LABS) <= set(nav_pages())
    titles = {
        nbformat.read(ROOT / "docs" / lab, as_version=4)
        .cells[0]
        .source.split("\n")[0][2:]
        for lab in LABS
    }
    assert LAB_TITLES <= titles


@pytest.mark.parametrize("lab", LABS)
def test_a_lab_is_stored_reproducibly_with_exercises(lab):
    raw = (ROOT / "docs" / lab).read_text(encoding="utf8")
    nb = nbformat.reads(raw, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat_minor >= 5 and all(cell.get("id") for cell in nb.cells), (
        "cell ids are stored, not made up per build"
    )
    assert not [
        c
        for c in nb.cells
        if c.cell_type == "code" and (c.outputs or c.execution_count)
    ], f"docs/{lab}: clear the outputs before committing (the build runs the lab)"
    assert json.loads(raw)["metadata"]["kernelspec"]["name"] == "python3"
    exercises = [
        c.source
        for c in nb.cells
        if c.cell_type == "markdown" and c.source.startswith("## Exercises")
    ]
    assert exercises and len(re.findall(r"^\d+\. ", exercises[0], re.M)) >= 3
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0] == install_cell(SITE)
    assert "from downhill.notebook import print" in code[1]


@pytest.mark.parametrize("lab", LABS)
def test_lab_prose_states_no_result_by_hand(lab):
    """Results (accuracies, costs) appear only in what the cells print; sizes quoted match the data."""
    nb = nbformat.read(ROOT / "docs" / lab, as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not re.search(r"\d\s*%", prose), (
        f"docs/{lab}: a percentage in the prose; print it from a cell"
    )
    digits = load_digits()
    allowed = {
        f"{len(digits.x_train):,}",
        f"{len(digits.x_test):,}",
        f"{len(digits.x_train) + len(digits.x_test):,}",
    }
    quoted = set(re.findall(r"(\d,\d{3}) (?:training |test |real )?digits", prose))
    assert quoted <= allowed, (
        f"docs/{lab}: {quoted - allowed} digits? the data has {sorted(allowed)}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_a_lab_page_ran_and_is_lean(site, lab):
    page = site / lab[: -len(".ipynb")] / "index.html"
    built = page.read_text(encoding="utf8")
    name = Path(lab).name
    assert (
        f'href="{name}" download="{name}"' in built and (page.parent / name).is_file()
    )
    colab = SITE.colab_url(f"docs/{lab}")
    assert (colab in built) if colab else "Open in Colab" not in built
    assert built.count('<figure class="dh-figure">') >= 1 and 'role="img"' in built
    assert "Traceback" not in built
    assert page.stat().st_size < 1_000_000, (
        f"{page.relative_to(site)}: {page.stat().st_size:,} bytes"
    )
    assert (
        "jp-RenderedHTMLCommon {" not in built
        and "clipboard-copy-txt" not in built
        and "<style" not in built
    )
    assert (
        '<div class="language-python highlight" data-search-exclude><pre><code>'
        in built
    )
    markdown = "".join(
        c.source
        for c in nbformat.read(ROOT / "docs" / lab, as_version=4).cells
        if c.cell_type == "markdown"
    )
    if "$" in markdown:  # maths is typeset at build time by KaTeX, like on every page
        assert '<span class="arithmatex"><span class="katex">' in built
        assert "$" not in re.sub(
            r"<(pre|svg|code|annotation)\b.*?</\1>", "", built, flags=re.S
        )


def test_lean_keeps_the_notebook_and_drops_jupyterlab_s_baggage():
    from site_build.notebooks import lean

    page = (
        '<script src="https://cdn.example/mermaid.js"></script><style type="text/css">.jp-X{}</style>'
        '<div class="jp-Cell" tabindex="0"><div class="zeroclipboard-container"><clipboard-copy for="cell-1">'
        '<svg aria-hidden="true"></svg></clipboard-copy></div>'
        '<div class="highlight-ipynb hl-python"><pre><span></span><span class="n">x</span> = 1</pre></div>'
        '<div class="clipboard-copy-txt" id="cell-1">x = 1</div>'
        "<p>With $\\eta = 1$ and</p>\n<p>$$C = w^2$$</p><pre>cost $5 and $6</pre></div>"
    )
    lean_page = lean(page)
    for gone in ("<script", "<style", "clipboard", "tabindex", "aria-hidden"):
        assert gone not in lean_page
    assert (
        '<div class="language-python highlight"><pre><code><span class="n">x</span> = 1</code></pre>'
        in lean_page
    )
    assert '<span class="arithmatex">\\(\\eta = 1\\)</span>' in lean_page
    assert '<div class="arithmatex">\\[C = w^2\\]</div>' in lean_page
    assert "<pre>cost $5 and $6</pre>" in lean_page
