"""The fence cache reruns a fence when its code, the package modules it imports,
its data or its dependencies change, and only then; it never serves a damaged entry."""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from markdown_exec import ExecutionError

from site_build import fence_cache
from site_build.bench import build, copy_project, edit_sentence
from site_build.fence_cache import FenceCache
from site_build.prefetch import missing_fences, prefetch

FENCES = {
    "descent": "import numpy as np\nfrom downhill.descent import get_function\nprint(get_function('parabola').value(np.array([3.0])))",
    "data": "from downhill import experiments\nprint('experiments')",
    "plain": "print(2 + 2)",
    "numpy": "import numpy as np\nprint(np.arange(3))",
}


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of the package whose files the tests may edit; a fresh cache."""
    copy = tmp_path / "downhill"
    shutil.copytree(
        fence_cache.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(fence_cache, "PACKAGE_DIR", copy)
    return copy


def run_all(cache: FenceCache, fences=FENCES) -> set[str]:
    """Run every fence as one build does; return the names of those that ran."""
    cache.new_build()
    for name, code in fences.items():
        cache.run(code, id=f"docs/page.md:{name}")
    return {record.fence.split(":")[1] for record in cache.records if not record.cached}


def test_unchanged_fences_come_from_the_cache(package, tmp_path):
    cache = FenceCache(tmp_path / "fences")
    assert run_all(cache) == set(FENCES)
    assert run_all(cache) == set()
    assert [r.cached for r in cache.records] == [True] * len(FENCES)


def test_a_fence_reruns_when_its_own_code_changes(package, tmp_path):
    cache = FenceCache(tmp_path / "fences")
    run_all(cache)
    assert run_all(cache, {**FENCES, "plain": "print(2 + 3)"}) == {"plain"}


def test_editing_a_module_reruns_the_fences_that_import_it(package, tmp_path):
    cache = FenceCache(tmp_path / "fences")
    run_all(cache)
    with (package / "descent.py").open("a") as module:
        module.write("\n# an edit\n")
    assert run_all(cache) == {"descent"}
    # experiments imports training, which imports it
    with (package / "network.py").open("a") as module:
        module.write("\n# an edit\n")
    assert run_all(cache) == {"data"}


def test_new_data_reruns_the_fences_that_read_it(package, tmp_path, monkeypatch):
    cache = FenceCache(tmp_path / "fences")
    folder = tmp_path / "mnist"
    folder.mkdir()
    digits = {
        "x_train": np.zeros((2, 28, 28), np.uint8),
        "y_train": np.zeros(2, np.uint8),
        "x_test": np.zeros((1, 28, 28), np.uint8),
        "y_test": np.zeros(1, np.uint8),
    }
    np.savez(folder / "mnist.npz", **digits)
    monkeypatch.setenv("DOWNHILL_MNIST_DIR", str(folder))
    run_all(cache)
    assert run_all(cache) == set()
    digits["y_test"] = np.ones(1, np.uint8)
    np.savez(folder / "mnist.npz", **digits)
    assert run_all(cache) == {"data"}


def test_a_new_dependency_version_reruns_the_fences_that_import_it(
    package, tmp_path, monkeypatch
):
    cache = FenceCache(tmp_path / "fences")
    run_all(cache)
    real = fence_cache.distribution.__wrapped__

    def upgraded(name):
        found = real(name)
        return (
            (found[0], found[1] + ".post1", found[2])
            if found and found[0] == "numpy"
            else found
        )

    monkeypatch.setattr(fence_cache, "distribution", fence_cache.cache(upgraded))
    # all but the fence with no import
    assert run_all(cache) == {"descent", "data", "numpy"}


def test_a_damaged_entry_is_rebuilt_not_served(package, tmp_path):
    cache = FenceCache(tmp_path / "fences")
    run_all(cache)
    tampered = cache.path(fence_cache.fence_key(FENCES["plain"]))
    tampered.write_text(
        tampered.read_text().replace('"output": "4\\n"', '"output": "5\\n"')
    )
    truncated = cache.path(fence_cache.fence_key(FENCES["numpy"]))
    truncated.write_text(truncated.read_text()[:20])
    assert run_all(cache) == {"plain", "numpy"}
    assert [r for r in cache.records if r.fence.endswith("plain")][0].output_bytes == 2
    cache.new_build()
    assert cache.run(FENCES["plain"], id="docs/page.md:plain") == "4\n"
    assert cache.records[-1].cached


def test_a_fence_that_raises_stores_nothing_and_names_its_line(package, tmp_path):
    cache = FenceCache(tmp_path / "fences")
    with pytest.raises(
        ExecutionError, match=r'File "<code block: id docs/page.md:7>", line 2'
    ):
        cache.run("x = 1\n1 / 0", id="docs/page.md:7")
    assert not list((tmp_path / "fences").rglob("*.json"))


def test_builds_without_execution_run_nothing(package, tmp_path):
    cache = FenceCache(tmp_path / "fences", execute=False)
    assert cache.run("raise SystemExit('never')", id="docs/page.md:1") == ""


PAGE = """# A page

```python exec="on"
print(2 + 2)
```

!!! note "Nested"

    ```python exec="on"
    print(3 + 3)
    ```

```python exec="on"
raise ValueError("broken")
```

```python
print("shown, never run")
```
"""


def test_uncached_fences_run_ahead_in_a_pool_and_failures_store_nothing(tmp_path):
    cache = FenceCache(tmp_path / "fences")
    pages = {"docs/page.md": PAGE}
    assert [fence for fence, _ in missing_fences(pages, cache, tmp_path)] == [
        "docs/page.md:3",
        "docs/page.md:9",
        "docs/page.md:13",
    ]
    assert prefetch(pages, cache, tmp_path, workers=2) == 3
    assert [fence for fence, _ in missing_fences(pages, cache, tmp_path)] == [
        "docs/page.md:13"
    ]
    assert cache.run("print(3 + 3)\n", id="docs/page.md:9") == "6\n"
    # the pool ran it for this build: reported as run
    assert not cache.records[-1].cached
    cache.new_build()
    cache.run("print(3 + 3)\n", id="docs/page.md:9")
    assert cache.records[-1].cached


@pytest.mark.slow
def test_a_site_rebuild_reruns_only_what_an_edit_affects(tmp_path):
    project = copy_project(tmp_path)
    page = {"DOWNHILL_PAGE": "docs/index.md"}
    first = build(project, **page)
    assert first["fences"] >= 1 and first["ran"] == first["fences"]
    edit_sentence(project, 0, page="docs/index.md")
    assert build(project, **page)["ran"] == 0
    with (project / "snippets/downhill/figures.py").open("a") as module:
        module.write("\n# an edit\n")
    # the home page's fence draws a figure
    assert build(project, **page)["ran"] == first["fences"]


def test_labs_rerun_for_code_edits_not_for_prose_edits(tmp_path, monkeypatch):
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    from site_build import patches
    from site_build.lab_cache import cached_preprocess

    # restored after
    monkeypatch.setattr(
        ExecutePreprocessor, "preprocess", ExecutePreprocessor.preprocess
    )
    cache = FenceCache(tmp_path / "fences")
    patches.execute_labs_with(cached_preprocess(cache))

    def execute(prose: str, code: str):
        notebook = nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_markdown_cell(prose),
                nbformat.v4.new_code_cell(code),
            ]
        )
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        ExecutePreprocessor(allow_errors=False).preprocess(
            notebook, {"metadata": {"path": str(tmp_path)}}
        )
        return notebook.cells[1].outputs[0]["text"], cache.records[-1].cached

    assert execute("# A lab", "print(6 * 7)") == ("42\n", False)
    assert execute("# A lab, reworded", "print(6 * 7)") == ("42\n", True)
    assert execute("# A lab, reworded", "print(6 * 8)") == ("48\n", False)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_pool_shows_its_progress_on_a_terminal_and_in_a_log(caplog):
    from site_build.prefetch import Progress

    terminal = Terminal()
    live = Progress(2, 2, stream=terminal)
    live.show(["docs/a.md:3", "docs/b.md:7"])
    live.done = 1
    live.show(["docs/b.md:7"])
    live.done = 2
    live.show([])
    assert terminal.getvalue().split("\r\033[K")[1:] == [
        "fences and labs run: 0/2 · running a.md:3, b.md:7",
        "fences and labs run: 1/2 · running b.md:7",
        "fences and labs run: 2/2\n",
    ]
    caplog.set_level(logging.INFO, logger="mkdocs.hooks.downhill")
    logged = Progress(20, 2, stream=io.StringIO())
    for done in range(21):
        logged.done = done
        logged.show([f"docs/page.md:{done}"])
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0] == "Running 20 uncached fences and labs on 2 processes"
    assert lines[1:] == [
        f"fences and labs run: {n}/20 · running page.md:{n}" for n in range(2, 21, 2)
    ]


KERNEL_RUNS = """
import sys
import nbformat
from nbconvert.preprocessors import ExecutePreprocessor
from site_build import patches
from site_build.fence_cache import FenceCache
from site_build.lab_cache import cached_preprocess, run_notebook

from pathlib import Path
lab, cache = sys.argv[1], FenceCache(Path(sys.argv[2]))
assert run_notebook(cache.directory, lab)  # as in the prefetch pool
patches.execute_labs_with(cached_preprocess(FenceCache(Path(sys.argv[3]))))  # as in mkdocs-jupyter
ExecutePreprocessor().preprocess(nbformat.read(lab, as_version=4), {"metadata": {"path": "."}})
"""


def test_lab_kernels_run_without_the_tcp_warning(tmp_path):
    """ipykernel warns that TCP traffic "is susceptible to eavesdropping": the labs'
    kernels use a local socket instead, so a build prints no such alarm."""
    import nbformat

    lab = tmp_path / "labs" / "lab.ipynb"
    lab.parent.mkdir()
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print(6 * 7)")]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, lab)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            KERNEL_RUNS,
            str(lab),
            str(tmp_path / "a"),
            str(tmp_path / "b"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(fence_cache.PACKAGE_DIR.parents[1])},
    )
    assert result.returncode == 0, result.stderr
    assert "Kernel is running over TCP" not in result.stderr
    # no socket files left
    assert sorted(path.name for path in lab.parent.iterdir()) == ["lab.ipynb"]
