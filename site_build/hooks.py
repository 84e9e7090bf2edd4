"""MkDocs hooks of the Downhill site (loaded through `hooks:` in mkdocs.yml).

Thin glue: each hook calls plain functions of the modules beside it (the
package site_build, see its __init__) and of `downhill.figures`. What they guarantee:

* a fence that raises stops the build with ``docs/<page>.md:<line>: <error>``,
  before any page is written, so no traceback is ever published;
* every page starts from clean matplotlib state and markdown-exec id numbering,
  and edited package modules
  are re-imported on each `mkdocs serve` rebuild;
* a figure without alt text, or drawn and never printed, fails the build;
* an include (``--8<--``) of a missing file or section, and a link to a missing
  page or anchor, fail the build naming page and line;
* the theme's search dialog gets an accessible name (on every page, 404 included),
  and the search index holds prose, not code blocks (it loads on every first visit);
* math is typeset at build time (`site_build.katex`, KaTeX): pages load no
  math script, only pages with math link KaTeX's CSS and fonts (served by the
  site itself, no CDN), and a formula KaTeX rejects fails the build at its line;
* the playground's and the explorer's script and CSS load only on pages that embed
  one (`site_build.pages`); the explorer's files (the trained network, the test
  digits) are written into the site from the cached training run (`downhill.export`);
* ```question fences become questions with feedback (`site_build.questions`); a
  question without id or explanation, a duplicate id or an answer that fails
  stops the build at its line;
* every place the build reaches into a library's internals is in `site_build.patches`;
* the figure colour variables come from the one palette in `downhill.figures`;
* builds are reproducible: SOURCE_DATE_EPOCH defaults to the last commit's time;
* under `mkdocs serve`, a strict rebuild fails on the pages' problems only (not on
  the dev server's request log), and a strict build that fails ends with the list
  of its warnings, page and line first (`build_report.Reasons`);
* while uncached fences and labs run, the build shows its progress (`site_build.prefetch`);
* ``DOWNHILL_PAGE=docs/lessons/x.md`` builds or serves that page alone (fast
  edits; the tests use it to prove a page builds the same alone as with the rest);
* fences run through `site_build.fence_cache`: a fence whose code, package
  modules, data and dependencies are unchanged is not run again, and every build
  ends with the execution report of `site_build.build_report`
  (``DOWNHILL_EXEC=off`` builds without running any fence);
* parts written once elsewhere fill their pages: the glossary (``snippets/glossary.yml``,
  also the hover explanations in the lessons), the lessons' summaries on their
  own page and the lesson tables (``site_build.outline``);
* lessons are numbered from their place in the nav: each lesson's title, in the
  sidebar, the page title and the previous/next footer, is "N. <its H1>";
* addresses (site, repository, edit links) come from the one marked setting
  ``extra.public`` (`site_build.public`), and none while it is unset; the footer
  states the course package's name and version;
* every lesson is served as a notebook built from its page, lessons and labs get
  Download / Open in Colab buttons (Colab only once the address is set), and lab pages (mkdocs-jupyter) lose
  JupyterLab's CSS and CDN scripts; labs run through the fence cache too.
"""

from __future__ import annotations

import os

# Before numpy loads anywhere in the build: one BLAS thread (faster here for the
# course's small products, and results that do not depend on the thread count).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import importlib
import logging
import posixpath
import subprocess
import sys
from pathlib import Path

# MkDocs loads this file by its path (hooks: in mkdocs.yml). Its sibling modules are
# the package site_build, at the repository root, which is not installed anywhere.
# MkDocs restores sys.path once this file is loaded, so on_config adds the root again
# (for the modules imported later, and for the prefetch pool's processes).
ROOT = str(Path(__file__).resolve().parents[1])
sys.path.insert(0, ROOT)

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_relative_url

from site_build import build_report, katex, pages, patches, public, questions
from site_build.fence_cache import FenceCache, cache_directory
from site_build.fences import front_matter_lines, missing_includes, tag_fences
from site_build.glossary import abbreviations, explains_on_hover, tidy_hover_terms
from site_build.lab_cache import cached_preprocess
from site_build.notebooks import (
    SERVED,
    add_actions,
    has_notebooks,
    lean,
    lesson_notebooks,
    notebook_targets,
    site_of,
)
from site_build.outline import fill_generated, lesson_pages, numbered_titles
from site_build.prefetch import prefetch

COLORS_SRC = "assets/stylesheets/figure-colors.css"
FIGURES_JS = "javascripts/figures.js"  # the full-screen figure viewer
EXPLORER_FILES = "explorer"  # network.bin and digits.bin, beside the explorer's page

fences = FenceCache(Path())
written: dict[str, str] = {}  # page path -> its HTML file in the site
question_ids: dict[str, str] = {}  # question id -> "page:line" asking it, this build
stashed: dict[str, list[str]] = {}  # page path -> its figures' SVG bodies
# this build's warnings and errors, listed last under strict
reasons = build_report.Reasons()
log = logging.getLogger("mkdocs.hooks.downhill")


def on_config(config):
    reasons.start()
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    public.apply(config, repo_root(config))  # addresses from the marked setting only
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("SOURCE_DATE_EPOCH", last_commit_time(repo_root(config)))
    fences.directory = cache_directory(repo_root(config))
    fences.execute = os.environ.get("DOWNHILL_EXEC", "on") != "off"
    patches.run_fences_with(fences.format)
    add_glossary(config)
    cache_lab_runs(config)
    patches.locate_link_warnings(Path(config.docs_dir), repo_root(config))
    return config


def on_serve(server, config, builder):
    patches.count_only_page_warnings()  # a 404 for /favicon.ico must not fail a rebuild
    return server


def repo_root(config) -> Path:
    return Path(config.config_file_path).parent


def cache_lab_runs(config) -> None:
    """Labs execute through the fence cache (site_build.lab_cache), not
    mkdocs-jupyter's own, which would keep a lab whose package code changed."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        jupyter.config["cache"] = False
        if fences.execute:
            patches.execute_labs_with(cached_preprocess(fences))
        else:
            jupyter.config["execute"] = False


def add_glossary(config) -> None:
    """Hover explanations for the glossary's terms on every page (abbr's glossary)."""
    config.mdx_configs.setdefault("abbr", {})["glossary"] = abbreviations()


def last_commit_time(repo: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out = ""
    return out or "0"


def on_pre_build(config):
    # `mkdocs serve` keeps one Python process: drop the package's modules so an
    # edit under snippets/ is picked up by the next rebuild.
    for name in [
        n for n in sys.modules if n == "downhill" or n.startswith("downhill.")
    ]:
        del sys.modules[name]
    fences.new_build()
    written.clear()
    question_ids.clear()


def on_files(files, config):
    only = os.environ.get("DOWNHILL_PAGE")
    if only:
        for file in files.documentation_pages():
            if page_path_of(file, config) != only:
                file.inclusion = InclusionLevel.EXCLUDED
    add_katex(files, config)
    add_explorer_files(files, config)
    figures = importlib.import_module("downhill.figures")
    files.append(File.generated(config, COLORS_SRC, content=figures.css_variables()))
    if fences.execute and os.environ.get("DOWNHILL_PREFETCH", "on") != "off":
        pages = {
            page_path_of(file, config): read_source(file)
            for file in files.documentation_pages()
            if file.src_uri.endswith(".md")
        }
        labs = [
            file.abs_src_path
            for file in files.documentation_pages()
            if file.src_uri.endswith(".ipynb")
        ]
        prefetch(pages, fences, repo_root(config) / "snippets", labs=labs)
    add_lesson_notebooks(files, config)
    return files


def add_katex(files, config) -> None:
    """KaTeX's stylesheet and woff2 fonts, served by the site (vendor/katex)."""
    files.append(File.generated(config, katex.STYLESHEET, content=katex.stylesheet()))
    folder = posixpath.dirname(katex.STYLESHEET)
    for font in katex.fonts():
        files.append(
            File.generated(
                config, f"{folder}/fonts/{font.name}", abs_src_path=str(font)
            )
        )


def add_explorer_files(files, config) -> None:
    """The trained network and the test digits the explorer loads (downhill.export),
    from the lessons' cached training run: the explorer changes when the lessons do.

    Only for a build that has a page embedding an explorer and runs code (a
    DOWNHILL_EXEC=off build runs none: its explorer says its files are missing)."""
    if not fences.execute or not any(
        "explorer" in pages.embedded_widgets(read_source(file))
        for file in files.documentation_pages()
        if file.inclusion.is_included()
    ):
        return
    export = importlib.import_module("downhill.export")
    try:
        blobs = export.explorer_files()
    except ValueError as error:  # downhill.data.DataError, downhill.export.ExportError
        raise PluginError(
            f"The network explorer's files (downhill.export.explorer_files): {error}"
        ) from None
    for name, blob in blobs.items():
        files.append(File.generated(config, f"{EXPLORER_FILES}/{name}", content=blob))


def read_source(file) -> str:
    return Path(file.abs_src_path).read_text(encoding="utf8")


def add_lesson_notebooks(files, config) -> None:
    """Every lesson as a notebook, served at notebooks/<lesson>.ipynb."""
    if not has_notebooks(config):
        return
    for name, text in lesson_notebooks(site_of(config)).items():
        files.append(File.generated(config, f"{SERVED}/{name}", content=text))


def on_nav(nav, config, files):
    """Number the lessons by their place in the nav (site_build.outline): the sidebar
    and Material's previous/next footer show "3. The cost landscape"."""
    titles = numbered_titles(Path(config.config_file_path))
    for page in nav.pages:
        if page.file.src_uri in titles:
            page.title = titles[page.file.src_uri]
    return nav


def on_pre_page(page, config, files):
    fences.page = page_path(page, config)  # labs (notebooks) have no markdown step
    return page


def on_page_markdown(markdown, page, config, files):
    patches.number_ids_per_page()
    fences.page = page_path(page, config)
    source = page.file.content_string
    problems = [
        f"{fences.page}:{line}: {problem}"
        for line, problem in missing_includes(source, snippet_bases(config))
    ]
    if problems:
        raise PluginError("\n".join(problems))
    offset = front_matter_lines(source, markdown)
    markdown = tag_fences(markdown, fences.page, offset)
    return generated_parts(ask_questions(markdown, fences.page, offset), page)


def ask_questions(markdown: str, path: str, offset: int) -> str:
    """The page's ```question fences as questions with feedback
    (site_build.questions); a question the build cannot use, or an id another
    page already uses, fails the build at its line."""
    try:
        markdown, found = questions.render(markdown, path, offset)
        for question in found:
            other = question_ids.setdefault(question.id, f"{path}:{question.line}")
            if other != f"{path}:{question.line}":
                raise questions.QuestionError(
                    f"{path}:{question.line}: the question id {question.id!r} is "
                    f"already used at {other}: ids must be unique in the site"
                )
        return markdown
    except questions.QuestionError as error:
        raise PluginError(str(error)) from None


def generated_parts(markdown: str, page) -> str:
    """Glossary and lesson summaries, written once elsewhere (site_build.outline).
    After tag_fences: the page's own fences keep the line numbers of its source."""
    return fill_generated(markdown, page.file.src_uri)


def snippet_bases(config) -> list[Path]:
    """pymdownx.snippets' base_path folders, from the repository root."""
    bases = (config.mdx_configs.get("pymdownx.snippets") or {}).get("base_path", ["."])
    return [
        repo_root(config) / base
        for base in ([bases] if isinstance(bases, str) else bases)
    ]


def page_path(page, config) -> str:
    return page_path_of(page.file, config)


def page_path_of(file, config) -> str:
    """The page's path from the repository root, e.g. docs/lessons/cost.md."""
    if not file.abs_src_path:
        return file.src_uri
    return Path(file.abs_src_path).relative_to(repo_root(config)).as_posix()


def on_page_content(html, page, config, files):
    html = lean_lab(html, page)
    problems = fences.take_failures()
    path = page_path(page, config)
    html, stashed[path] = pages.stash(html)
    for message in pages.missing_alt_text(html):
        line = pages.alt_text_line(page.file.content_string, message)
        problems.append(
            f"{path}{f':{line}' if line else ''}: {message}: {pages.ALT_TEXT_HELP}"
        )
    if problems:
        raise PluginError("\n".join(problems))
    if page.file.src_uri in lesson_pages():
        html = pages.add_done_button(pages.add_reading_time(html))
    html = pages.keep_code_out_of_search(hover_terms(html, path))
    # now, memoised: bad TeX stops the build before any page is written
    typeset_math(html, page, path)
    html = katex.link_stylesheet(
        html, get_relative_url(katex.STYLESHEET, page.url or ".")
    )
    html = pages.link_assets(html, lambda url: get_relative_url(url, page.url or "."))
    return figure_script(html, page)


def figure_script(html: str, page) -> str:
    """The full-screen figure viewer, on the pages that have figures only. Inside the
    content, so Material's instant navigation runs it on pages reached later too."""
    if 'class="dh-figure"' not in html:
        return html
    return (
        html
        + f'\n<script src="{get_relative_url(FIGURES_JS, page.url or ".")}"></script>\n'
    )


def hover_terms(html: str, path: str) -> str:
    """Hover explanations where they help: lessons, summaries, the quick reference."""
    return tidy_hover_terms(html, keep=explains_on_hover(path))


def lean_lab(html: str, page) -> str:
    """Lab pages without JupyterLab's 600 KB of CSS and its CDN scripts (site_build.notebooks)."""
    return lean(html) if hasattr(page, "nb_url") else html


def on_post_page(output, page, config):
    path = page_path(page, config)
    written[path] = page.file.abs_dest_path
    output = notebook_buttons(
        pages.unstash(output, stashed.pop(path, [])), page, config
    )
    return pages.name_search_dialog(typeset_math(output, page, path))


def typeset_math(output: str, page, path: str) -> str:
    """Every formula typeset by KaTeX (site_build.katex), once search has indexed
    the page's TeX; TeX that KaTeX rejects fails the build naming the page's line."""
    try:
        return katex.typeset(output)
    except katex.MathError as error:
        line = katex.source_line(page.file.content_string, error.tex)
        raise PluginError(
            f"{path}{f':{line}' if line else ''}: {error}: {katex.WHAT_TO_DO}"
        ) from None


def on_post_template(output_content, template_name, config):
    # 404.html is a template, not a page
    return pages.name_search_dialog(output_content)


def notebook_buttons(output: str, page, config) -> str:
    """Download and Colab buttons on every page that has a notebook (lessons, labs)."""
    if not has_notebooks(config):
        return output
    targets = notebook_targets(
        page.file.src_uri, hasattr(page, "nb_url"), site_of(config)
    )
    if targets is None:
        return output
    path, colab = targets
    # mkdocs-jupyter copies a lab's notebook beside its page
    if hasattr(page, "nb_url"):
        path = posixpath.join(
            posixpath.dirname(page.file.dest_uri), posixpath.basename(path)
        )
    return add_actions(output, get_relative_url(path, page.url or "."), colab)


def on_post_build(config):
    """Report each page's fences and weight; fill in the contributors' report page."""
    sizes = {page: Path(dest).stat().st_size for page, dest in written.items()}
    rows = build_report.page_rows(fences.records, sizes)
    build_report.save(rows, fences.directory.parent / "build-report.json")
    log.info("Fences run and cached, per page:\n%s", build_report.as_text(rows))
    explorer = build_report.explorer_weights(Path(config.site_dir))
    if explorer:
        log.info("The network explorer:\n%s", build_report.explorer_text(explorer))
    for page, dest in written.items():
        html = Path(dest).read_text(encoding="utf8")
        if build_report.PLACEHOLDER in html:
            report = build_report.as_html(rows) + build_report.explorer_html(explorer)
            Path(dest).write_text(
                html.replace(build_report.PLACEHOLDER, report), encoding="utf8"
            )
    # MkDocs aborts next: end with why, not with the report
    if config.strict and reasons.messages:
        log.info(reasons.summary())
