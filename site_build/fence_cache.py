"""Run the lessons' python fences for markdown-exec, and keep what they printed.

markdown-exec re-runs every fence of every page on every build. Downhill gives
markdown-exec its own python runner (through ``markdown_exec.formatters``, the
library's table of formatters) that stores each fence's printed output in
``.cache/fences/`` under a key made of everything the output depends on:

* the fence's code, includes already expanded;
* the source of every module of the ``downhill`` package the fence imports,
  directly or through other package modules, and the package's resource files
  (its matplotlib style);
* the digits it trains on (their files' bytes), when it imports ``downhill.data``
  directly or through another module;
* the versions of Python and of the distributions the fence and those modules
  import, with everything these require.

So a fence reruns when one of these changes, and only then. An unreadable or
tampered entry is deleted and the fence reruns; a fence that raises stores
nothing. ``DOWNHILL_EXEC=off`` builds the pages without running any fence (the
floor that the build benchmark compares against).
"""

from __future__ import annotations

import ast
import hashlib
import json
import linecache
import os
import sys
import time
import traceback
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from io import StringIO
from pathlib import Path

from markdown_exec import ExecutionError, base_format, code_block
from packaging.requirements import InvalidRequirement, Requirement

PACKAGE = "downhill"
# the course package
PACKAGE_DIR = Path(__file__).resolve().parents[1] / "snippets" / PACKAGE
FORMAT = 1  # bump when the key or the entry layout changes


@dataclass
class Record:
    """One fence of this build: where it is, whether it ran, what it cost."""

    page: str
    fence: str  # "docs/page.md:LINE"
    cached: bool
    seconds: float  # spent in this build
    run_seconds: float  # what running it took, when it last ran
    output_bytes: int


@dataclass
class FenceCache:
    directory: Path
    execute: bool = True
    page: str = ""
    records: list[Record] = field(default_factory=list)
    # keys the prefetch pool ran for this build
    ran_ahead: set[str] = field(default_factory=set)
    # build errors of the fences that raised
    failures: list[str] = field(default_factory=list)

    def take_failures(self) -> list[str]:
        """The failures since the last call: "docs/page.md:LINE: Error..." each."""
        failures, self.failures = self.failures, []
        return failures

    def new_build(self) -> None:
        """Forget what the previous build (of `mkdocs serve`) read from disk."""
        self.records = []
        self.ran_ahead = set()
        self.failures = []
        for memo in (
            distribution_versions,
            distribution,
            installed_providers,
            module_imports,
        ):
            memo.cache_clear()

    # markdown-exec's formatter signature, with our runner
    def format(self, **options) -> str:
        return base_format(language="python", run=self.run, **options)

    def run(self, code: str, returncode=None, session=None, id=None, **extra) -> str:  # noqa: A002
        fence = id or f"{self.page}:?"
        if session:
            message = f"{fence}: session= is not used in Downhill: each fence stands alone (import what it needs)"
            self.failures.append(message)
            raise ExecutionError(code_block("python", message))
        started = time.perf_counter()
        if not self.execute:
            self.records.append(Record(self.page, fence, False, 0.0, 0.0, 0))
            return ""
        key = fence_key(code)
        entry = self.load(key)
        if entry is None:
            try:
                output = run_fence(code, fence)
            except FenceFailed as failed:
                self.failures.append(failed.report)
                raise
            seconds = time.perf_counter() - started
            self.store(key, output, seconds)
            self.records.append(
                Record(self.page, fence, False, seconds, seconds, len(output))
            )
            return output
        output = entry["output"]
        if key in self.ran_ahead:  # ran in this build, by the pool: report it as run
            self.records.append(
                Record(
                    self.page,
                    fence,
                    False,
                    entry["seconds"],
                    entry["seconds"],
                    len(output),
                )
            )
        else:
            self.records.append(
                Record(
                    self.page,
                    fence,
                    True,
                    time.perf_counter() - started,
                    entry["seconds"],
                    len(output),
                )
            )
        return output

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def load(self, key: str) -> dict | None:
        path = self.path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf8"))
            if entry["key"] == key and entry["sha256"] == sha256(entry["output"]):
                return entry
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            pass
        path.unlink(missing_ok=True)  # corrupt: never published, rebuilt below
        return None

    def store(self, key: str, output: str, seconds: float) -> str:
        from downhill.cache import write_atomically

        entry = {
            "key": key,
            "seconds": round(seconds, 4),
            "sha256": sha256(output),
            "output": output,
        }
        write_atomically(self.path(key), json.dumps(entry).encode("utf8"))
        return key


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf8")).hexdigest()


# --- running one fence ------------------------------------------------------


class FenceFailed(ExecutionError):
    """A fence raised. markdown-exec shows the traceback in its warning; ``report`` is
    the build's error: the page line that raised, the error, the traceback, what to do."""

    def __init__(self, traceback_text: str, report: str) -> None:
        super().__init__(code_block("python", traceback_text))
        self.report = report


def run_fence(code: str, fence: str) -> str:
    """Execute the fence in a fresh module; return what it printed."""
    reset_matplotlib()
    filename = f"<code block: id {fence}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    module = types.ModuleType(f"fence_{hashlib.sha1(fence.encode()).hexdigest()[:10]}")
    sys.modules[module.__name__] = module  # dataclasses and pickle look a module up
    buffer = StringIO()

    def fence_print(*values, sep=" ", end="\n", file=None, flush=False):
        print(
            *values,
            sep=sep,
            end=end,
            file=buffer if file is None else file,
            flush=flush,
        )

    module.print = fence_print
    unprinted_figures()  # none left over from an earlier fence
    try:
        exec(compile(code, filename, "exec"), module.__dict__)
        forgotten = unprinted_figures()
        if forgotten:
            report = f"{fence}: a figure was drawn but never printed: print(fig) (alt: {forgotten[0]!r})"
            raise FenceFailed(report, report)
    except FenceFailed:
        raise
    except Exception as error:
        trace = traceback.TracebackException.from_exception(error)
        trace.stack = traceback.StackSummary.from_list(
            [
                frame
                for frame in trace.stack
                if not frame.filename.endswith("fence_cache.py")
            ]
        )
        lines = [frame.lineno for frame in trace.stack if frame.filename == filename]
        text = "".join(trace.format())
        raise FenceFailed(
            text, failure_report(fence, lines[-1] if lines else None, trace, text)
        ) from error
    finally:
        del sys.modules[module.__name__]
    return buffer.getvalue()


def failure_report(fence: str, line: int | None, trace, text: str) -> str:
    """'docs/x.md:45: ZeroDivisionError: ...', the traceback and what to do.
    fence is "docs/x.md:LINE" (the fence's opening line); line counts inside the fence."""
    page, _, start = fence.rpartition(":")
    where = (
        f"{page}:{int(start) + line}" if page and start.isdigit() and line else fence
    )
    error = "".join(trace.format_exception_only()).strip().splitlines()[-1]
    shown = "\n".join(f"    {row}" for row in text.rstrip("\n").split("\n"))
    return (
        f"{where}: {error}\n  in the python fence that starts at {fence}:\n{shown}\n"
        f"  Fix the code or the data it reads, then rebuild; `pytest {page or 'docs/'}` "
        "runs the page's fences alone, faster."
    )


def unprinted_figures() -> list[str]:
    """Alt texts of the course figures drawn since the last call and never printed."""
    figures = sys.modules.get(f"{PACKAGE}.figures")
    return figures.take_unprinted() if figures else []


def reset_matplotlib() -> None:
    """Each fence starts from matplotlib's defaults, with no figure open."""
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        matplotlib.rcdefaults()


# --- the key ----------------------------------------------------------------


def fence_key(code: str) -> str:
    from downhill.cache import data_digest, file_digest

    names = imports(code)
    modules = package_closure(names)
    outside = top_level(names)
    for module in modules:
        outside |= set(top_level(module_imports(module)))
    identity = {
        "format": FORMAT,
        "code": code.strip("\n"),
        "modules": {
            module: file_digest(module_file(module)) for module in sorted(modules)
        },
        "resources": {p.name: file_digest(p) for p in resource_files()}
        if modules
        else {},
        "data": data_digest() if f"{PACKAGE}.data" in modules else "",
        "python": sys.version,
        "distributions": distribution_versions(tuple(sorted(outside - {PACKAGE}))),
    }
    return sha256(json.dumps(identity, sort_keys=True))


def imports(code: str, module: str = "") -> set[str]:
    """Dotted names the code imports (relative imports resolved against module)."""
    names = set()
    python = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line
        for line in code.split("\n")
    )
    # (IPython's %magic and !shell lines left out)
    for node in ast.walk(ast.parse(python)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and module:
                package = relative_base(module, node.level)
                base = f"{package}.{base}" if base else package
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def relative_base(module: str, level: int) -> str:
    """The package that `from .` (level 1), `from ..` (level 2)... mean inside module."""
    package = (
        module
        if module_file(module).name == "__init__.py"
        else module.rpartition(".")[0]
    )
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return package


def top_level(names: Iterable[str]) -> set[str]:
    return {name.split(".")[0] for name in names if name}


def package_closure(names: set[str]) -> set[str]:
    """The package modules these names load, and those they load in turn."""
    todo = [name for name in names if name == PACKAGE or name.startswith(PACKAGE + ".")]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for end in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
            module = ".".join(parts[:end])
            if module in seen or not module_file(module).exists():
                continue
            seen.add(module)
            todo += [n for n in module_imports(module) if n.startswith(PACKAGE)]
    return seen


@cache
def module_imports(module: str) -> frozenset[str]:
    return frozenset(imports(module_file(module).read_text(encoding="utf8"), module))


def module_file(module: str) -> Path:
    path = PACKAGE_DIR.joinpath(*module.split(".")[1:])
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def resource_files() -> list[Path]:
    """The package's files that are not code (its matplotlib style)."""
    return sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"}
    )


@cache
def distribution_versions(top_level_modules: tuple[str, ...]) -> dict[str, str]:
    """Versions of the distributions providing these modules, and their requirements."""
    todo = [dist for name in top_level_modules for dist in providers(name)]
    versions: dict[str, str] = {}
    while todo:
        found = distribution(todo.pop())
        if found and found[0] not in versions:
            name, version, requires = found
            versions[name] = version
            todo += requires
    return dict(sorted(versions.items()))


@cache
def distribution(name: str) -> tuple[str, str, list[str]] | None:
    """(name, version, names of what it requires) of an installed distribution."""
    try:
        found = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    requires = []
    for line in found.requires or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            requires.append(requirement.name)
    return found.metadata["Name"].lower().replace("_", "-"), found.version, requires


def providers(module: str) -> list[str]:
    """The installed distributions that provide a top-level module (none for the stdlib)."""
    if module in sys.stdlib_module_names:
        return []
    if distribution(module):  # numpy, matplotlib...: named like their module
        return [module]
    return installed_providers().get(module, [])  # PIL is pillow's; slower to find


@cache
def installed_providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def cache_directory(root: Path) -> Path:
    return Path(
        os.environ.get("DOWNHILL_FENCE_CACHE_DIR") or root / ".cache" / "fences"
    )
