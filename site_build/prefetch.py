"""Run the fences a build will miss in the cache ahead of time, on every core.

MkDocs renders pages one after another in one process, so a cold build used one
core of the machine. Before the pages render, `prefetch` finds every executed
fence of the pages being built (as fences.py reads them, includes expanded),
keeps those the fence cache has no entry for, and runs them in a pool of
processes that store their outputs in the cache. The build then finds every
entry ready. Lab notebooks (site_build.lab_cache) run in the same pool. A fence
that fails in the pool stores nothing: the build runs it again itself and
reports the error at its page line as usual.

While the pool runs, `Progress` shows how far it is (done / total, and what is
running): a line rewritten in place on a terminal, a plain log line at every
tenth of the work in a log (CI, or output piped to a file).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from site_build.fence_cache import FenceCache, fence_key
from site_build.fences import expand_includes, find_fences
from site_build.lab_cache import notebook_code, run_notebook


def missing_fences(
    pages: dict[str, str], cache: FenceCache, snippets: Path
) -> list[tuple[str, str]]:
    """(fence id, code) of the executed fences of these pages that are not cached."""
    missing = []
    for path, text in pages.items():
        for fence in find_fences(text):
            if fence.executes and "session=" not in fence.info:
                try:
                    code = expand_includes(fence.code, snippets)
                except (OSError, ValueError):
                    continue  # a broken include: the build reports it
                if not cache.path(fence_key(code)).exists():
                    missing.append((f"{path}:{fence.line}", code))
    return missing


def missing_labs(labs: list[str], cache: FenceCache) -> list[str]:
    """The lab notebooks (paths) whose execution is not cached."""
    import nbformat

    return [
        path
        for path in labs
        if not cache.path(
            fence_key(notebook_code(nbformat.read(path, as_version=4)))
        ).exists()
    ]


def prefetch(
    pages: dict[str, str],
    cache: FenceCache,
    snippets: Path,
    workers: int | None = None,
    labs: list[str] = (),
) -> int:
    """Fill the cache for these pages and labs with a pool of processes; return how many ran.

    The keys of what it ran go to ``cache.ran_ahead``, so the build report
    counts them as run in this build, not as found in the cache."""
    fences, notebooks = (
        missing_fences(pages, cache, snippets),
        missing_labs(list(labs), cache),
    )
    # labs first
    names = [os.path.relpath(path) for path in notebooks] + [
        fence for fence, _ in fences
    ]
    if not names:
        return 0
    workers = min(workers or os.cpu_count() or 1, len(names))
    progress = Progress(len(names), workers)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        jobs = {
            pool.submit(run_notebook, cache.directory, path): os.path.relpath(path)
            for path in notebooks
        }
        jobs |= {
            pool.submit(store, cache.directory, fence, code): fence
            for fence, code in fences
        }
        progress.show(names[:workers])
        for job in as_completed(jobs):
            cache.ran_ahead.add(job.result())
            progress.done += 1
            progress.show([jobs[other] for other in jobs if not other.done()][:workers])
    cache.ran_ahead.discard("")
    return len(names)


class Progress:
    """How far the pool is: done / total and what is running."""

    def __init__(self, total: int, workers: int, stream=None) -> None:
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.log = logging.getLogger("mkdocs.hooks.downhill")
        self.log.info(
            "Running %d uncached fences and labs on %d processes", total, workers
        )

    def show(self, running: list[str]) -> None:
        line = f"fences and labs run: {self.done}/{self.total}"
        if running:
            line += " · running " + ", ".join(
                name.removeprefix("docs/") for name in running
            )
        if self.live:  # one line, rewritten; the last one stays
            width = shutil.get_terminal_size().columns - 1
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r\033[K{line[:width]}{end}")
            self.stream.flush()
        elif (
            self.done
            and self.done * 10 // self.total != (self.done - 1) * 10 // self.total
        ):
            self.log.info(line)  # in a log: at every tenth of the work


def store(directory: Path, fence: str, code: str) -> str:
    """In a worker: run one fence into the cache; its key, or "" if it failed."""
    cache = FenceCache(directory)
    try:
        cache.run(code, id=fence)
    except Exception:  # noqa: BLE001 - the build will run it and report it
        return ""
    return fence_key(code)
