"""pytest glue that lets pytest-markdown-docs test lesson pages as MkDocs builds them.

Loaded by the root conftest.py. Every ```python fence of docs/**/*.md runs as a
test, with three adjustments so the tests see what MkDocs builds:

* fences nested in admonitions and content tabs are collected (CommonMark alone
  reads them as indented text and skips them silently);
* ``--8<--`` include lines are expanded, so included package code runs, in the
  namespace of the module it comes from (a section uses its module's imports);
* ``print`` renders its arguments (figures included) without flooding the log.
"""

from __future__ import annotations

import io
import os

# before numpy loads: see hooks.py
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from site_build.fences import INCLUDE, expand_includes, unindent_containers

# the snippets/ folder, pymdownx.snippets' base_path
SNIPPETS = Path(__file__).resolve().parents[1] / "snippets"
os.environ.setdefault("MPLBACKEND", "Agg")


class LessonMarkdown(MarkdownIt):
    """CommonMark as MkDocs sees a lesson: containers opened, includes inlined."""

    def parse(self, src, env=None):
        tokens = super().parse(unindent_containers(src), env)
        for token in tokens:
            if token.type == "fence":
                token.content = module_context(token.content) + expand_includes(
                    token.content, SNIPPETS
                )
        return tokens


def module_context(code: str) -> str:
    """`from downhill.x import *` for each package module the fence includes from."""
    modules = []
    for line in code.split("\n"):
        include = INCLUDE.match(line)
        name = include["target"].split(":")[0] if include else ""
        if name.startswith("downhill/") and name.endswith(".py"):
            modules.append(name[:-3].replace("/", "."))
    return "".join(f"from {module} import *\n" for module in modules)


@pytest.hookimpl(tryfirst=True)
def pytest_markdown_docs_markdown_it():
    return LessonMarkdown("commonmark")


def quiet_print(*args, sep=" ", end="\n", file=None, flush=False):
    """print that renders every argument as the page would, into nowhere."""
    print(
        *args,
        sep=sep,
        end=end,
        file=io.StringIO() if file is None else file,
        flush=flush,
    )


def pytest_markdown_docs_globals():
    return {"print": quiet_print}


@pytest.fixture(autouse=True)
def _fresh_matplotlib():
    """Each test, like each page, starts from matplotlib's defaults."""
    import matplotlib

    matplotlib.rcdefaults()
    yield
