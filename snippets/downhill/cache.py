"""A disk cache for the course's expensive experiments (training runs).

The site build runs every lesson; several lessons reuse the same trained
network. ``@cached`` stores an experiment's result on disk under a key made of
its name, its arguments, the data it reads, the source code of the learning
modules, its own source and that of the plain helper functions beside it (not
of the other experiments), and the versions of Python and of the libraries the
learning code imports (``LIBRARIES``). So an unchanged experiment is computed
once and reused by every page, rebuild and test, while any change to the code
it runs, the data or those versions recomputes it, and adding a new experiment
recomputes nothing.

Results are pickled numpy objects: loading them gives exactly what was
computed, so a build from the cache is byte-identical to a build without it.
Every call returns a fresh copy, so one page cannot change what another sees.
The cache lives in ``.cache/downhill/`` at the repository root (or in
``$DOWNHILL_CACHE_DIR``); deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: experiments may then be computed twice, never wrongly
    fcntl = None

PACKAGE = Path(__file__).resolve().parent
# The modules whose code decides what an experiment computes. Figures and the
# site machinery are not among them: restyling a plot keeps the cache.
LEARNING_MODULES = ("data", "network", "costs", "backprop", "training", "descent")
# The libraries whose version can change an experiment's result (or how its
# pickle loads): the learning modules and the experiments import numpy and the
# standard library only, which Python's version covers.
LIBRARIES = ("numpy",)


def cache_dir() -> Path:
    if os.environ.get("DOWNHILL_CACHE_DIR"):
        return Path(os.environ["DOWNHILL_CACHE_DIR"])
    repo = PACKAGE.parents[1]
    if (repo / "mkdocs.yml").exists():
        return repo / ".cache" / "downhill"
    return Path.home() / ".cache" / "downhill"


def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in LEARNING_MODULES:
        path = PACKAGE / f"{name}.py"
        if path.exists():
            digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()


def experiment_source(experiment) -> str:
    """The experiment's source and that of the undecorated functions of its module."""
    module = sys.modules[experiment.__module__]
    helpers = [
        value
        for value in vars(module).values()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not hasattr(value, "__wrapped__")
    ]
    return "".join(inspect.getsource(function) for function in [experiment, *helpers])


def data_digest() -> str:
    """The digits' files, by content: new data recomputes every experiment."""
    from downhill.data import data_files

    digest = hashlib.sha256()
    for path in data_files():
        digest.update(path.name.encode() + file_digest(path).encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, computed again only when its size or time changes."""
    status = path.stat()
    return _digest(path, status.st_size, status.st_mtime_ns)


@functools.cache
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict[str, str]:
    """Python's version and those of ``LIBRARIES``: an upgrade recomputes every experiment."""
    return {"python": sys.version} | {
        name: metadata.version(name) for name in LIBRARIES
    }


def cache_key(experiment, arguments: dict) -> str:
    identity = {
        "experiment": experiment.__qualname__,
        "arguments": arguments,
        "code": code_fingerprint() + experiment_source(experiment),
        "data": data_digest(),
        "versions": versions(),
    }
    return hashlib.sha256(
        json.dumps(identity, sort_keys=True, default=repr).encode()
    ).hexdigest()[:20]


def cached(experiment):
    """Compute ``experiment(**arguments)`` once; afterwards load it from disk."""

    @functools.wraps(experiment)
    def run(**arguments):
        key = f"{experiment.__name__}-{cache_key(experiment, arguments)}"
        path = cache_dir() / f"{key}.pickle"
        if not path.exists():
            # parallel builds compute it once
            with exclusive(path.with_suffix(".lock")):
                if not path.exists():
                    result = experiment(**arguments)
                    write_atomically(
                        path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
                    )
        return pickle.loads(path.read_bytes())

    return run


@contextlib.contextmanager
def exclusive(lock: Path):
    """Hold an exclusive lock on a file (no-op where fcntl does not exist)."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        if fcntl:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=path.parent, delete=False, suffix=".tmp"
    ) as handle:
        handle.write(data)
    os.replace(handle.name, path)
