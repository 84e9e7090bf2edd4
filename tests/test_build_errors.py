"""A broken lesson fails loudly and precisely, in the build and in the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, mkdocs_build

SMALL_SITE = f"""\
site_name: A small site
strict: true
validation:  # as in mkdocs.yml
  nav:
    omitted_files: warn
  links:
    not_found: warn
    anchors: warn
    absolute_links: warn
    unrecognized_links: warn
theme:
  name: material
  font: false
plugins:
  - markdown-exec:
      languages: [python]
hooks:
  - {ROOT / "site_build/hooks.py"}
markdown_extensions:
  - admonition
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.details
  - pymdownx.superfences:
      relaxed_headers: true
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [{ROOT / "snippets"}]
      check_paths: true
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


def build_small_site(
    tmp_path: Path, page: str, env: dict | None = None, **other_files: bytes
):
    (tmp_path / "docs").mkdir(parents=True)
    (tmp_path / "docs/page.md").write_text(page)
    for name, content in other_files.items():
        (tmp_path / "docs" / name.replace("_", ".")).write_bytes(content)
    (tmp_path / "mkdocs.yml").write_text(SMALL_SITE)
    # Its own fence cache, as in CI: a shared one (DOWNHILL_FENCE_CACHE_DIR) would hold
    # the output of a fence whose figure was never printed, and the build would pass.
    env = {"DOWNHILL_FENCE_CACHE_DIR": "", **(env or {})}
    return mkdocs_build(tmp_path / "site", config=tmp_path / "mkdocs.yml", env=env)


def fails_with(result, tmp_path: Path | None, *expected: str) -> None:
    """The build failed, said each expected thing, and (given tmp_path) published no page."""
    assert result.returncode != 0
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    if tmp_path:
        # no page with a traceback
        assert not (tmp_path / "site/page/index.html").exists()


FIX_THE_FENCE = "Fix the code or the data it reads, then rebuild; `pytest docs/page.md`"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (BROKEN_AT_TOP, "docs/page.md:5: ZeroDivisionError: division by zero"),
        (BROKEN_IN_A_TAB, "docs/page.md:17: IndexError: list index out of range"),
    ],
)
def test_a_broken_fence_fails_the_build_naming_page_and_line(tmp_path, page, expected):
    fails_with(build_small_site(tmp_path, page), tmp_path, expected, FIX_THE_FENCE)


def test_a_figure_drawn_and_never_printed_fails_the_build(tmp_path):
    fails_with(
        build_small_site(tmp_path, NEVER_PRINTED),
        tmp_path,
        "docs/page.md:3: a figure was drawn but never printed: print(fig)",
    )


MISSING_INCLUDES = """\
# Included code

```python exec="on"
--8<-- "downhill/no_such_module.py"
```

```python
--8<-- "downhill/figures.py:no_such_section"
```
"""


def test_a_missing_include_fails_naming_page_and_line(tmp_path):
    fails_with(
        build_small_site(tmp_path, MISSING_INCLUDES),
        tmp_path,
        "docs/page.md:4: the included file 'downhill/no_such_module.py' does not exist under",
        "fix the path or create the file",
        "docs/page.md:8: downhill/figures.py has no section 'no_such_section'",
        "add the markers to the file or fix the section name",
    )


MISSING_DATA = """\
# Real digits

```python exec="on"
from downhill.data import load_digits

digits = load_digits()
print(len(digits.x_train))
```
"""


def test_a_missing_data_file_fails_naming_page_and_line(tmp_path):
    empty = tmp_path / "mnist"
    empty.mkdir()
    result = build_small_site(
        tmp_path, MISSING_DATA, env={"DOWNHILL_MNIST_DIR": str(empty)}
    )
    fails_with(
        result,
        tmp_path,
        f"docs/page.md:6: downhill.data.DataError: {empty}: missing MNIST file(s) train-images-idx3-ubyte",
        "point DOWNHILL_MNIST_DIR at a folder that has them, or unset DOWNHILL_MNIST_DIR",
        FIX_THE_FENCE,
    )


BROKEN_LINKS = """\
# Links

The [next lesson](next.md) was never written.

A [section](#no-such-heading) that does not exist.
"""


def test_a_broken_link_fails_naming_page_and_line(tmp_path):
    # (strict MkDocs fails at the end of the build, on its link warnings, after writing pages)
    fails_with(
        build_small_site(tmp_path, BROKEN_LINKS),
        None,
        "docs/page.md:3: Doc file 'page.md' contains a link 'next.md'",
        "docs/page.md:5: Doc file 'page.md' contains a link '#no-such-heading'",
        "Point the link at a page under docs/",
    )


def test_a_page_missing_from_the_nav_fails_the_build(tmp_path):
    result = build_small_site(tmp_path, "# Page\n", orphan_md=b"# Nobody links here\n")
    (tmp_path / "mkdocs.yml").write_text(SMALL_SITE + "nav:\n  - page.md\n")
    result = mkdocs_build(tmp_path / "site", config=tmp_path / "mkdocs.yml")
    assert result.returncode != 0
    assert (
        'not included in the "nav" configuration' in result.stderr
        and "orphan.md" in result.stderr
    )


BAD_TEX = """\
# Bad TeX

The rule $w \\leftarrow w - \\eta\\, C'(w)$ is fine.

$$
\\frac{\\partial C}{\\partial w
$$
"""


def test_bad_tex_fails_the_build_naming_page_and_line(tmp_path):
    fails_with(
        build_small_site(tmp_path, BAD_TEX),
        tmp_path,
        "docs/page.md:6: ParseError: KaTeX parse error: Unexpected end of input in a macro argument",
        "fix the formula (KaTeX",
    )
    result = build_small_site(
        tmp_path / "fixed", BAD_TEX.replace("partial w\n", "partial w}\n")
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "fixed/site/page/index.html").read_text()
    assert html.count('class="katex"') == 2 and "katex.min.css" in html


NO_ALT_IMAGE = """\
# A picture nobody can name

Some text.

![](picture.png)
"""
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8"
    "ffff3f0005fe02fea7d6a4ea0000000049454e44ae426082"
)


def test_a_figure_without_alt_text_fails_naming_page_and_line(tmp_path):
    fails_with(
        build_small_site(tmp_path / "fence", NO_ALT_TEXT),
        tmp_path / "fence",
        "docs/page.md:6: ValueError: every figure needs alt text: a sentence saying what it shows (alt=...)",
    )
    fails_with(
        build_small_site(tmp_path / "image", NO_ALT_IMAGE, picture_png=PNG),
        tmp_path / "image",
        'docs/page.md:5: <img src="../picture.png"> has no alt text: describe what it shows',
    )


def test_a_working_small_site_builds(tmp_path):
    result = build_small_site(
        tmp_path, BROKEN_IN_A_TAB.replace("values[7]", "values[2]")
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site/page/index.html").read_text()
    assert "this one works" in html and "<p>3</p>" in html


def run_markdown_tests(tmp_path: Path, page: str) -> subprocess.CompletedProcess:
    (tmp_path / "page.md").write_text(page)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--markdown-docs",
            "-p",
            "site_build.pytest_plugin",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "page.md"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        # site_build/ is not installed: it lives in the repository
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_fence_nested_in_a_tab_is_collected_and_fails_when_broken(tmp_path):
    result = run_markdown_tests(tmp_path, BROKEN_IN_A_TAB)
    assert "1 failed, 1 passed" in result.stdout, result.stdout
    # pytest-markdown-docs names the code's first line
    assert "[line:15]" in result.stdout
    assert "IndexError" in result.stdout


def test_a_healthy_nested_fence_passes(tmp_path):
    result = run_markdown_tests(
        tmp_path, BROKEN_IN_A_TAB.replace("values[7]", "values[2]")
    )
    assert "2 passed" in result.stdout, result.stdout


def test_printed_figures_do_not_flood_the_test_log(tmp_path):
    page = NO_ALT_TEXT.replace('alt=""', 'alt="A short rising line"')
    result = run_markdown_tests(tmp_path, page)
    assert "1 passed" in result.stdout
    assert "<svg" not in result.stdout and len(result.stdout) < 2_000
