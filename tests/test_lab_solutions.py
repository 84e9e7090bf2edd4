"""Every lab exercise has a worked solution: in the notebook, a "## Solutions" section
after everything else (so running the notebook top to bottom cannot change what the
exercises see before it), one "### N. Title" per exercise; on the site, run at build
time and collapsed, so a reader opens it on purpose."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "docs/labs").glob("*.ipynb"))
EXERCISE = re.compile(r"^\d+\. \*\*(?P<title>[^*]+?)\.?\*\*", re.M)
SOLUTION = re.compile(r"^### (?P<number>\d+)\. (?P<title>.+)$", re.M)


def sections(path: Path) -> tuple[list[str], list[tuple[int, str]], list, int]:
    """(exercise titles, (number, title) of each solution, the cells, index of the
    Solutions heading's cell)."""
    cells = nbformat.read(path, as_version=4).cells
    exercises, solutions, start = [], [], None
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        if cell.source.startswith("## Exercises"):
            exercises = EXERCISE.findall(cell.source)
        if cell.source.startswith("## Solutions"):
            start = index
        if start is not None:
            solutions += [(int(n), t.strip()) for n, t in SOLUTION.findall(cell.source)]
    return exercises, solutions, cells, start


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_every_exercise_has_a_solution_at_the_end(lab):
    exercises, solutions, cells, start = sections(lab)
    assert len(exercises) >= 3, f"{lab.name}: exercises not found"
    assert start is not None, f"{lab.name}: no '## Solutions' section"
    assert solutions == [(n, t) for n, t in enumerate(exercises, 1)], (
        f"{lab.name}: {len(exercises)} exercises, solutions {solutions}"
    )
    headings = [
        i
        for i, c in enumerate(cells)
        if c.cell_type == "markdown" and re.match(r"^## ", c.source)
    ]
    assert headings[-1] == start, f"{lab.name}: Solutions must be the last section"
    assert all(
        c.cell_type == "markdown" and "## Solutions" not in c.source
        for c in cells[:start]
        if c.cell_type == "markdown"
    )


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_solutions_run_at_build_time_and_open_on_purpose(site, lab):
    _, solutions, cells, start = sections(lab)
    built = (site / "labs" / lab.stem / "index.html").read_text(encoding="utf8")
    assert built.count('<details class="dh-solutions">') == 1, lab.name
    assert '<details class="dh-solutions" open' not in built
    folded = built[built.index('<details class="dh-solutions">') :]
    folded = folded[: folded.index("</details>\n</div> <!-- jp-Notebook -->")]
    assert 'id="solutions"' in folded
    exercises = built[: built.index('<details class="dh-solutions">')]
    assert 'id="exercises"' in exercises
    code = [c for c in cells[start:] if c.cell_type == "code"]
    assert code, f"{lab.name}: no solution runs any code"
    outputs = folded.count('class="jp-OutputArea-child"')
    printing = sum("print(" in c.source for c in code)
    assert outputs >= printing, f"{lab.name}: {outputs} outputs for {printing} cells"
