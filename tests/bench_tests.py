"""Test-suite benchmark: `make test` on a fresh clone, then `make check` after small edits.

    python tests/bench_tests.py [--runs N]     (part of `make bench`)

1. Clones the repository's committed HEAD into a temporary folder (uncommitted changes
   are not measured) and times its set-up (`make .venv/.ready`: venv and installs).
2. Runs `CI=true make test` there once, cold caches, as CI does: prints the wall time
   and pytest's own time (the "in N s" of its last line).
3. Then, caches warm, N times each (default 3): a one-sentence edit of
   docs/lessons/cost.md and a one-fence edit (a comment added to one of its fences),
   each followed by `make check PAGE=docs/lessons/cost.md`; prints the median.

Times depend on the machine and its load: they are figures for the README, never test
assertions.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = "docs/lessons/cost.md"


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed in {cwd}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return elapsed, result.stdout


def pytest_seconds(output: str) -> float:
    return float(re.findall(r" in ([\d.]+)s", output)[-1])


def edit_sentence(clone: Path, n: int) -> None:
    """Append a sentence to the page's first paragraph of prose."""
    page = clone / PAGE
    text = page.read_text(encoding="utf8")
    lines = text.split("\n")
    # after the front matter
    start = lines.index("---", 1) + 1 if lines[0] == "---" else 0
    fenced = False
    for i in range(start, len(lines)):
        fenced ^= lines[i].lstrip().startswith("```")
        if not fenced and lines[i][:1].isalpha():
            break
    lines[i] += f" This sentence was added by the benchmark ({n})."
    page.write_text("\n".join(lines), encoding="utf8")


def edit_fence(clone: Path, n: int) -> None:
    """Add a comment line to the page's first executed fence (it reruns, nothing else)."""
    page = clone / PAGE
    text = page.read_text(encoding="utf8")
    opening = re.search(r'^```python[^\n]*exec="on"[^\n]*\n', text, flags=re.M)
    page.write_text(
        text[: opening.end()]
        + f"# edited by the benchmark ({n})\n"
        + text[opening.end() :],
        encoding="utf8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "downhill"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        setup, _ = timed(["make", ".venv/.ready"], clone)
        wall, output = timed(["make", "test"], clone, {"CI": "true"})
        print(
            f"fresh clone at {subprocess.run(['git', '-C', str(clone), 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}"
        )
        print(f"  set-up (venv, installs):     {setup:6.0f} s")
        print(f"  CI=true make test, wall:     {wall:6.0f} s  ({wall / 60:.1f} min)")
        print(
            f"  make test, pytest's time:    {pytest_seconds(output):6.0f} s  ({pytest_seconds(output) / 60:.1f} min)"
        )
        print(f"  {output.strip().splitlines()[-1]}")
        for name, edit in (
            ("one-sentence edit", edit_sentence),
            ("one-fence edit", edit_fence),
        ):
            times = []
            for n in range(args.runs):
                subprocess.run(
                    ["git", "-C", str(clone), "checkout", "--quiet", "--", PAGE],
                    check=True,
                )
                edit(clone, n)
                times.append(timed(["make", "check", f"PAGE={PAGE}"], clone)[0])
            print(
                f"  make check PAGE={PAGE} after a {name}: median {statistics.median(times):.0f} s "
                f"of {args.runs} ({', '.join(f'{t:.0f}' for t in times)})"
            )


if __name__ == "__main__":
    main()
