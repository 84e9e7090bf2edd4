"""The labs' executed outputs, kept by the fence cache.

mkdocs-jupyter runs a lab through nbconvert's ExecutePreprocessor and caches
the rendered page keyed on the notebook's bytes only: editing a sentence of a
lab re-executes it, and editing the package does not. Here its own cache is
switched off and the preprocessor's ``preprocess`` goes through the fence
cache instead (site_build.patches.execute_labs_with), keyed like a fence on the lab's code cells (taken together): the
package modules they import, the data and the dependency versions. Prose edits
re-render without running anything; a code or package edit reruns the lab.
``run_notebook`` executes a lab the same way outside MkDocs (the prefetch pool).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from site_build.fence_cache import FenceCache, Record, fence_key


def notebook_code(notebook) -> str:
    """The lab's code cells as one program (marked, so it never shares a fence's key)."""
    return "# a lab's code cells\n" + "\n\n".join(
        cell.source for cell in notebook.cells if cell.cell_type == "code"
    )


def outputs_of(notebook) -> str:
    return json.dumps(
        [
            [cell.get("execution_count"), cell.outputs]
            for cell in notebook.cells
            if cell.cell_type == "code"
        ],
        sort_keys=True,
    )


def fill(notebook, outputs: str) -> None:
    import nbformat

    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell, (count, cell_outputs) in zip(code_cells, json.loads(outputs)):
        cell.execution_count = count
        cell.outputs = [nbformat.from_dict(output) for output in cell_outputs]


def kernel_config():
    """The labs' kernels talk to the build over a local socket file (IPC), not TCP.
    Over TCP without encryption, ipykernel prints a three-line warning that its
    traffic "is susceptible to eavesdropping" for every lab: alarming noise for a
    build on one machine, and silenced here at its source. (Windows has no IPC
    transport: there the kernel keeps TCP, and its warning.)"""
    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    # The sockets' path prefix: absolute (the kernel runs in the lab's folder, the
    # build elsewhere) and one per process (builds and pool workers run side by side).
    sockets = Path(tempfile.gettempdir()) / f"downhill-kernel-{os.getpid()}"
    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets)}})


def cached_preprocess(cache: FenceCache):
    """A wrapper of nbconvert's ExecutePreprocessor.preprocess that goes through the
    cache (installed by patches.execute_labs_with)."""

    def wrap(original):
        def preprocess(self, notebook, resources=None, km=None):
            started = time.perf_counter()
            key = fence_key(notebook_code(notebook))
            entry = cache.load(key)
            if entry is None:
                self.config.merge(kernel_config())
                notebook, resources = original(self, notebook, resources, km)
                seconds = time.perf_counter() - started
                cache.store(key, outputs_of(notebook), seconds)
                cache.records.append(
                    Record(cache.page, cache.page, False, seconds, seconds, 0)
                )
            else:
                fill(notebook, entry["output"])
                ran = key in cache.ran_ahead
                cache.records.append(
                    Record(
                        cache.page,
                        cache.page,
                        not ran,
                        entry["seconds"] if ran else time.perf_counter() - started,
                        entry["seconds"],
                        0,
                    )
                )
            return notebook, resources

        return preprocess

    return wrap


def run_notebook(directory: Path, path: str) -> str:
    """In a pool worker: execute the lab at path into the cache; its key, or ""."""
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    cache = FenceCache(directory)
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    try:
        ExecutePreprocessor(
            allow_errors=False, store_widget_state=True, config=kernel_config()
        ).preprocess(notebook, {"metadata": {"path": str(Path(path).parent)}})
    except Exception:  # noqa: BLE001 - the build runs it again and reports it
        return ""
    key = fence_key(notebook_code(notebook))
    cache.store(key, outputs_of(notebook), time.perf_counter() - started)
    return key
