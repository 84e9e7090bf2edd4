"""A broken lesson fails loudly and precisely, in the build and in the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, mkdocs_build

SMALL_SITE = f"""\
site_name: A small site
strict: true
theme:
  name: material
  font: false
plugins:
  - markdown-exec:
      languages: [python]
hooks:
  - {ROOT / "snippets/downhill/site/hooks.py"}
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences:
      relaxed_headers: true
  - pymdownx.tabbed:
      alternate_style: true
"""

BROKEN_AT_TOP = """\
# Broken

```python exec="on"
x = 1
y = x / 0
```
"""

BROKEN_IN_A_TAB = """\
# Broken deep down

!!! note "Fine so far"

    ```python exec="on"
    print("this one works")
    ```

=== "First tab"

    Nothing here.

=== "Second tab"

    ```python exec="on"
    values = [1, 2, 3]
    print(values[7])
    ```
"""

NO_ALT_TEXT = """\
# A figure nobody can name

```python exec="on" html="1"
from downhill.figures import figure

with figure(alt="") as fig:
    fig.subplots().plot([0, 1], [0, 1])
print(fig)
```
"""

NEVER_PRINTED = """\
# A figure drawn and forgotten

```python exec="on" html="1"
from downhill.figures import figure

with figure(alt="A line that never reaches the page") as fig:
    fig.subplots().plot([0, 1], [0, 1])
```
"""


def build_small_site(tmp_path: Path, page: str):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/page.md").write_text(page)
    (tmp_path / "mkdocs.yml").write_text(SMALL_SITE)
    return mkdocs_build(tmp_path / "site", config=tmp_path / "mkdocs.yml")


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (BROKEN_AT_TOP, "docs/page.md:5: ZeroDivisionError: division by zero"),
        (BROKEN_IN_A_TAB, "docs/page.md:17: IndexError: list index out of range"),
        (NO_ALT_TEXT, "docs/page.md:6: ValueError: every figure needs alt text"),
        (NEVER_PRINTED, "docs/page.md: a figure was drawn but never printed"),
    ],
)
def test_a_broken_fence_fails_the_build_naming_page_and_line(tmp_path, page, expected):
    result = build_small_site(tmp_path, page)
    assert result.returncode != 0
    assert expected in result.stderr
    assert not (tmp_path / "site/page/index.html").exists()  # no page with a traceback


def test_a_working_small_site_builds(tmp_path):
    result = build_small_site(tmp_path, BROKEN_IN_A_TAB.replace("values[7]", "values[2]"))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site/page/index.html").read_text()
    assert "this one works" in html and "<p>3</p>" in html


def run_markdown_tests(tmp_path: Path, page: str) -> subprocess.CompletedProcess:
    (tmp_path / "page.md").write_text(page)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--markdown-docs", "-p", "downhill.site.pytest_plugin",
         "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(tmp_path), str(tmp_path / "page.md")],
        capture_output=True, text=True, cwd=tmp_path,
    )


def test_a_fence_nested_in_a_tab_is_collected_and_fails_when_broken(tmp_path):
    result = run_markdown_tests(tmp_path, BROKEN_IN_A_TAB)
    assert "1 failed, 1 passed" in result.stdout, result.stdout
    assert "[line:15]" in result.stdout  # pytest-markdown-docs names the code's first line
    assert "IndexError" in result.stdout


def test_a_healthy_nested_fence_passes(tmp_path):
    result = run_markdown_tests(tmp_path, BROKEN_IN_A_TAB.replace("values[7]", "values[2]"))
    assert "2 passed" in result.stdout, result.stdout


def test_printed_figures_do_not_flood_the_test_log(tmp_path):
    page = NO_ALT_TEXT.replace('alt=""', 'alt="A short rising line"')
    result = run_markdown_tests(tmp_path, page)
    assert "1 passed" in result.stdout
    assert "<svg" not in result.stdout and len(result.stdout) < 2_000
