"""MkDocs hooks of the Downhill site (loaded through `hooks:` in mkdocs.yml).

Thin glue: each hook calls plain functions of `downhill.site` and
`downhill.figures`. What they guarantee:

* a fence that raises stops the build with ``docs/<page>.md:<line>: <error>``,
  before any page is written, so no traceback is ever published;
* every page starts from clean matplotlib state and markdown-exec id numbering,
  and edited package modules
  are re-imported on each `mkdocs serve` rebuild;
* a figure without alt text, or drawn and never printed, fails the build;
* an include (``--8<--``) of a missing file or section, and a link to a missing
  page or anchor, fail the build naming page and line;
* the theme's search dialog gets an accessible name (on every page, 404 included);
* MathJax is served from the site itself (no CDN), and the figure colour
  variables come from the one palette in `downhill.figures`;
* builds are reproducible: SOURCE_DATE_EPOCH defaults to the last commit's time;
* ``DOWNHILL_PAGE=docs/lessons/x.md`` builds or serves that page alone (fast
  edits; the tests use it to prove a page builds the same alone as with the rest).
"""

from __future__ import annotations

import os

# Before numpy loads anywhere in the build: one BLAS thread (faster here for the
# course's small products, and results that do not depend on the thread count).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import importlib
import logging
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel

from downhill.site import links
from downhill.site.alt_text import WHAT_TO_DO as ALT_TEXT_HELP
from downhill.site.alt_text import missing_alt_text, source_line
from downhill.site.failures import FenceFailures, error_message
from downhill.site.fences import find_fences, missing_includes
from downhill.site.markup import name_search_dialog

MATHJAX_SRC = "assets/mathjax/tex-svg.js"
COLORS_SRC = "assets/stylesheets/figure-colors.css"

failures = FenceFailures()


def on_config(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("SOURCE_DATE_EPOCH", last_commit_time(Path(config.config_file_path).parent))
    # markdown-exec logs through "mkdocs.plugins.markdown_exec.<module>". Its
    # failure warnings must exist even under `mkdocs build -q`, which silences
    # warnings: a quiet build would otherwise publish a traceback.
    logger = logging.getLogger("mkdocs.plugins.markdown_exec")
    logger.setLevel(logging.WARNING)
    if failures not in logger.handlers:
        logger.addHandler(failures)
    root = Path(config.config_file_path).parent
    links.install(Path(config.docs_dir), root)
    return config


def last_commit_time(repo: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out = ""
    return out or "0"


def on_pre_build(config):
    # `mkdocs serve` keeps one Python process: drop the package's modules so an
    # edit under snippets/ is picked up by the next rebuild.
    for name in [n for n in sys.modules if n.startswith("downhill.") and not n.startswith("downhill.site")]:
        del sys.modules[name]
    failures.take()


def on_files(files, config):
    only = os.environ.get("DOWNHILL_PAGE")
    if only:
        for file in files.documentation_pages():
            if page_path_of(file, config) != only:
                file.inclusion = InclusionLevel.EXCLUDED
    import mathjax  # django-static-mathjax: MathJax 3.2.2 as a registry package

    tex_svg = Path(mathjax.__file__).parent / "static/mathjax/es5/tex-svg.js"
    files.append(File.generated(config, MATHJAX_SRC, abs_src_path=str(tex_svg)))
    figures = importlib.import_module("downhill.figures")
    files.append(File.generated(config, COLORS_SRC, content=figures.css_variables()))
    return files


def on_page_markdown(markdown, page, config, files):
    reset_matplotlib()
    reset_exec_ids()
    path = page_path(page, config)
    problems = [f"{path}:{line}: {problem}" for line, problem in missing_includes(markdown, snippet_bases(config))]
    if problems:
        raise PluginError("\n".join(problems))
    return tag_fences(markdown, path)


def snippet_bases(config) -> list[Path]:
    """pymdownx.snippets' base_path folders, from the repository root."""
    bases = (config.mdx_configs.get("pymdownx.snippets") or {}).get("base_path", ["."])
    root = Path(config.config_file_path).parent
    return [root / base for base in ([bases] if isinstance(bases, str) else bases)]


def reset_exec_ids() -> None:
    """Number markdown-exec's HTML ids per page, not per build: otherwise a page's
    ids (tabs, headings) depend on how many fences the pages before it had."""
    from markdown_exec import MarkdownConverter

    MarkdownConverter.counter = 0


def page_path(page, config) -> str:
    return page_path_of(page.file, config)


def page_path_of(file, config) -> str:
    """The page's path from the repository root, e.g. docs/lessons/cost.md."""
    if not file.abs_src_path:
        return file.src_uri
    return Path(file.abs_src_path).relative_to(Path(config.config_file_path).parent).as_posix()


def tag_fences(markdown: str, path: str) -> str:
    """Give every executed fence the id "docs/page.md:LINE" (its own id wins)."""
    lines = markdown.split("\n")
    for fence in find_fences(markdown):
        if fence.executes and "id=" not in fence.info:
            index = fence.line - 1
            language = fence.language
            head, sep, tail = lines[index].partition(language)
            lines[index] = f'{head}{sep} id="{path}:{fence.line}"{tail}'
    return "\n".join(lines)


def reset_matplotlib() -> None:
    import matplotlib
    import matplotlib.pyplot as plt

    plt.close("all")
    matplotlib.rcdefaults()


def on_page_content(html, page, config, files):
    problems = [error_message(report) for report in failures.take()]
    path = page_path(page, config)
    figures = importlib.import_module("downhill.figures")
    problems += [f"{path}: a figure was drawn but never printed: print(fig) (alt: {alt!r})" for alt in figures.take_unprinted()]
    for message in missing_alt_text(html):
        line = source_line(page.markdown, message)
        problems.append(f"{path}{f':{line}' if line else ''}: {message}: {ALT_TEXT_HELP}")
    if problems:
        raise PluginError("\n".join(problems))
    return html


def on_post_page(output, page, config):
    return name_search_dialog(output)


def on_post_template(output_content, template_name, config):
    return name_search_dialog(output_content)  # 404.html is a template, not a page
