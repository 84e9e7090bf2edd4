"""Run the fences a build will miss in the cache ahead of time, on every core.

MkDocs renders pages one after another in one process, so a cold build used one
core of the machine. Before the pages render, `prefetch` finds every executed
fence of the pages being built (as fences.py reads them, includes expanded),
keeps those the fence cache has no entry for, and runs them in a pool of
processes that store their outputs in the cache. The build then finds every
entry ready. Lab notebooks (site_build.lab_cache) run in the same pool. A fence that fails in the pool stores nothing: the build runs it
again itself and reports the error at its page line as usual.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from site_build.fence_cache import FenceCache, fence_key
from site_build.fences import expand_includes, find_fences
from site_build.lab_cache import notebook_code, run_notebook


def missing_fences(pages: dict[str, str], cache: FenceCache, snippets: Path) -> list[tuple[str, str]]:
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

    return [path for path in labs
            if not cache.path(fence_key(notebook_code(nbformat.read(path, as_version=4)))).exists()]


def prefetch(pages: dict[str, str], cache: FenceCache, snippets: Path, workers: int | None = None,
             labs: list[str] = ()) -> int:
    """Fill the cache for these pages and labs with a pool of processes; return how many ran.

    The keys of what it ran go to ``cache.ran_ahead``, so the build report
    counts them as run in this build, not as found in the cache."""
    fences, notebooks = missing_fences(pages, cache, snippets), missing_labs(list(labs), cache)
    workers = min(workers or os.cpu_count() or 1, len(fences) + len(notebooks))
    if workers < 2:
        return 0  # one process would be no faster than the build itself
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        jobs = [pool.submit(run_notebook, cache.directory, path) for path in notebooks]  # the longest first
        jobs += [pool.submit(store, cache.directory, fence, code) for fence, code in fences]
        cache.ran_ahead |= {job.result() for job in jobs} - {""}
    return len(jobs)


def store(directory: Path, fence: str, code: str) -> str:
    """In a worker: run one fence into the cache; its key, or "" if it failed."""
    cache = FenceCache(directory)
    try:
        cache.run(code, id=fence)
    except Exception:  # noqa: BLE001 - the build will run it and report it
        return ""
    return fence_key(code)
