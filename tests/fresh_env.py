"""`make fresh-env`: the course package as a learner installs it, far from this repository.

Builds the wheel from a copy of the package's sources, then prepares two new
virtual environments in a temporary folder (outside the repository):

* lowest: the lowest numpy and matplotlib that pyproject.toml declares;
* pinned: the versions constraints.txt pins for the site's own build.

Each gets the wheel and the notebook runner (ipykernel, nbclient) and nothing
else: no editable install, no repository on sys.path, the temporary folder as
working directory, and an experiment cache of its own inside it (a learner's
machine starts with none). In each, every lesson notebook (notebooks/) and every
lab (docs/labs/) runs top to bottom in a fresh kernel. A cell that raises, or
that prints to stderr (a warning the learner would see), fails the run. The two
environments run side by side, one per core.

It downloads packages, so it is not part of the offline `make test`; .ci/run
runs it after the README's test command. Prints each step's time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "docs/labs").glob("*.ipynb")
)
FLOORED = ("numpy", "matplotlib")

# Run by each environment's own Python: checks that the package comes from the
# wheel, then executes each notebook given and reports what went wrong.
RUNNER = """
import importlib.metadata, sys, time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import downhill

name, version, repo = sys.argv[1], sys.argv[2], sys.argv[3]
assert importlib.metadata.version(name) == version, importlib.metadata.version(name)
assert not downhill.__file__.startswith(repo), f"downhill from the repository: {downhill.__file__}"
assert not any(p.startswith(repo) for p in sys.path), "the repository is on sys.path"
print(f"  downhill {downhill.__version__} from {downhill.__file__}", flush=True)
failed = 0
for path in sys.argv[4:]:
    started = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    try:
        NotebookClient(nb, timeout=1200, kernel_name="python3").execute()
        errors = [
            "".join(output.get("text", ""))
            for cell in nb.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if output.get("name") == "stderr"
        ]
    except Exception as error:  # noqa: BLE001 - any failure is reported, then the next runs
        errors = [f"{type(error).__name__}: {str(error)[-2000:]}"]
    failed += bool(errors)
    mark = "FAILED" if errors else "ok"
    print(f"  {mark:6} {Path(path).name} ({time.perf_counter() - started:.0f} s)", flush=True)
    for error in errors:
        print("    " + error.strip().replace("\\n", "\\n    "), flush=True)
sys.exit(1 if failed else 0)
"""


def floors() -> dict[str, str]:
    """The lowest versions pyproject.toml declares: {'numpy': '1.23.2', ...}."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf8")
    found = dict(re.findall(r'^\s*"(numpy|matplotlib)>=([\d.]+)",?$', text, re.M))
    assert set(found) == set(FLOORED), f"pyproject.toml: floors of {FLOORED}? {found}"
    return found


def package() -> tuple[str, str]:
    sys.path.insert(0, str(ROOT))
    from site_build.public import package

    found = package(ROOT)
    return found.name, found.version


def build_wheel(work: Path) -> Path:
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "snippets/downhill",
        source / "snippets/downhill",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
        + ["--no-build-isolation", "--wheel-dir", str(work / "wheel"), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "wheel").glob("*.whl")
    return wheel


def environment(work: Path, label: str, wheel: Path, versions: list[str]) -> str:
    """Make the venv, install, run every notebook; the log (raises on failure)."""
    started = time.perf_counter()
    home = work / label
    home.mkdir()
    venv = home / "venv"
    log = [f"== {label}: {' '.join(versions)}"]
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin/python")
    install = [python, "-m", "pip", "install", "--quiet", str(wheel), *versions]
    result = subprocess.run(
        [*install, "ipykernel", "nbclient"], cwd=home, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError("\n".join(log + [result.stdout, result.stderr]))
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    got = dict(line.split("==") for line in listed.split() if "==" in line)
    log.append(
        "  installed: "
        + ", ".join(f"{n} {got.get(n)}" for n in (*FLOORED, "ipykernel", "nbclient"))
        + f" ({time.perf_counter() - started:.0f} s)"
    )
    (home / "run.py").write_text(RUNNER, encoding="utf8")
    name, version = package()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "DOWNHILL_CACHE_DIR": str(home / "cache"),
        "OPENBLAS_NUM_THREADS": "1",  # one core per environment: they run side by side
        "OMP_NUM_THREADS": "1",
    }
    ran = subprocess.run(
        [python, "run.py", name, version, str(ROOT), *map(str, NOTEBOOKS)],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
    )
    # the kernels' own notice about their local TCP connection is not the notebooks'
    stderr = [line for line in ran.stderr.splitlines() if "IPKernelApp" not in line]
    log += [ran.stdout.rstrip(), *stderr]
    log.append(f"  {label}: {time.perf_counter() - started:.0f} s in all")
    if ran.returncode:
        raise RuntimeError("\n".join(line for line in log if line))
    return "\n".join(line for line in log if line)


def main() -> int:
    started = time.perf_counter()
    low = floors()
    with tempfile.TemporaryDirectory(prefix="downhill-fresh-") as folder:
        work = Path(folder)
        shutil.copy(ROOT / "constraints.txt", work / "constraints.txt")
        plans = {
            "lowest": [f"{n}=={low[n]}" for n in FLOORED],
            "pinned": ["-c", str(work / "constraints.txt")],
        }
        wheel = build_wheel(work)
        print(
            f"{wheel.name}: built ({time.perf_counter() - started:.0f} s)", flush=True
        )
        print(f"{len(NOTEBOOKS)} notebooks in each of {', '.join(plans)}", flush=True)
        with ThreadPoolExecutor(len(plans)) as pool:
            runs = {
                label: pool.submit(environment, work, label, wheel, versions)
                for label, versions in plans.items()
            }
            failures, logs = 0, []
            for label, run in runs.items():
                try:
                    logs.append(run.result())
                except (RuntimeError, subprocess.CalledProcessError) as error:
                    failures += 1
                    logs.append(f"{label} FAILED:\n{error}")
                print(logs[-1], flush=True)
    text = "\n".join(logs)
    passed = len(re.findall(r"^  ok ", text, re.M))
    failed = len(re.findall(r"^  FAILED ", text, re.M)) + failures
    print(f"fresh environments: {time.perf_counter() - started:.0f} s in all")
    # the closing line CI reads: notebook runs (each notebook in each environment)
    print(f"fresh-env: {passed} passed, {failed} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
