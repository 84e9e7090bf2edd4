"""Build benchmark: ``python -m site_build.bench`` (part of ``make bench``).

Works on a copy of the project in a temporary folder (the copy's package is the
one imported, through PYTHONPATH, so editing it is safe) and times full
``mkdocs build`` runs, with one BLAS thread:

* cold: no fence cache and no experiment cache;
* floor: the same pages with no fence run at all (``DOWNHILL_EXEC=off``);
* warm: after a one-sentence edit of one lesson, with the caches;
* package edit: after a comment is added to ``downhill/figures.py``, which
  every figure imports (so every figure reruns, and nothing else).

Floor and warm runs take turns, so a machine that slows down slows both. Each
figure is the median over the runs; "built in" is MkDocs' own build time (what
a contributor waits for under ``make serve``), "wall" adds the process start.
Ends with every page's HTML weight and its heaviest fence output.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from site_build import build_report

ROOT = Path(__file__).resolve().parents[1]
COPIED = (
    "docs",
    "snippets",
    "site_build",
    "overrides",
    "vendor",
    "mkdocs.yml",
    "pyproject.toml",
)
EDITED_PAGE = "docs/lessons/cost.md"
EDITED_MODULE = "snippets/downhill/figures.py"
BUILT_IN = re.compile(r"Documentation built in ([\d.]+) seconds")


def copy_project(destination: Path) -> Path:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / name)
    return destination


def build(project: Path, **env: str) -> dict:
    """One `mkdocs build` of the copy: its times and its execution report."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(project / "snippets"),
        "NO_MKDOCS_2_WARNING": "1",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "SOURCE_DATE_EPOCH": "0",
        **env,
    }
    environment.pop("DOWNHILL_CACHE_DIR", None)
    environment.pop("DOWNHILL_FENCE_CACHE_DIR", None)
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-d",
            str(project / "site"),
        ],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"build failed:\n{result.stderr[-3000:]}")
    rows = build_report.load(project / ".cache" / "build-report.json")
    ran = (
        0
        if env.get("DOWNHILL_EXEC") == "off"
        else sum(r.fences - r.cached for r in rows)
    )
    return {
        "wall": wall,
        "built": float(BUILT_IN.search(result.stderr)[1]),
        "rows": rows,
        "ran": ran,
        "fences": sum(r.fences for r in rows),
    }


def edit_sentence(project: Path, run: int, page: str = EDITED_PAGE) -> None:
    """Add one sentence under the page's title."""
    page = project / page
    text = page.read_text(encoding="utf8")
    heading_end = text.index("\n\n", text.index("\n# ")) + 2
    page.write_text(
        f"{text[:heading_end]}Benchmark edit number {run}.\n\n{text[heading_end:]}",
        encoding="utf8",
    )


def edit_module(project: Path, run: int) -> None:
    with (project / EDITED_MODULE).open("a", encoding="utf8") as module:
        module.write(f"\n# benchmark edit number {run}\n")


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def line(name: str, runs: list[dict]) -> str:
    return (
        f"  {name:<34} built in {median(runs, 'built'):6.2f} s   wall {median(runs, 'wall'):6.2f} s"
        f"   fences run {runs[-1]['ran']:>3} of {runs[-1]['fences']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="runs of each warm measurement (default 5)"
    )
    parser.add_argument(
        "--cold-runs", type=int, default=3, help="cold builds (default 3)"
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="downhill-bench-") as folder:
        project = copy_project(Path(folder))
        print(
            f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, one BLAS thread"
        )
        cold = []
        for _ in range(arguments.cold_runs):
            shutil.rmtree(project / ".cache", ignore_errors=True)
            cold.append(build(project))
        floor, warm, package = [], [], []
        for run in range(arguments.runs):
            floor.append(build(project, DOWNHILL_EXEC="off"))
            edit_sentence(project, run)
            warm.append(build(project))
        for run in range(max(2, arguments.runs // 2)):
            edit_module(project, run)
            package.append(build(project))
        print("\nfull site builds (medians):")
        print(line(f"cold, no cache ({len(cold)} runs)", cold))
        print(line(f"floor, no fence run ({len(floor)} runs)", floor))
        print(line(f"warm, one sentence edited ({len(warm)})", warm))
        print(line(f"after editing figures.py ({len(package)})", package))
        for key, what in (("built", "built in"), ("wall", "wall")):
            print(
                f"  warm / floor ({what}): {median(warm, key) / median(floor, key):.2f}x;"
                f"  warm / cold: {median(warm, key) / median(cold, key):.2f}x"
            )
        print("\npage weights (last warm build):")
        for row in warm[-1]["rows"]:
            heaviest = (
                f"  heaviest: {row.largest} ({row.largest_bytes / 1024:,.0f} KB)"
                if row.largest
                else ""
            )
            print(f"  {row.page:<36} {row.html_bytes / 1024:7,.0f} KB{heaviest}")


if __name__ == "__main__":
    main()
