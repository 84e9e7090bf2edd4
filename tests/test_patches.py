"""The library internals site_build.patches relies on, pinned: each test fails loudly
when an upgrade of markdown-exec, MkDocs, mkdocs-jupyter or nbconvert changes one."""

from __future__ import annotations

import inspect
import logging

import markdown
import markdown_exec
import pytest
from markdown_exec import MarkdownConverter

from site_build import patches

FENCE = '```python exec="on"\n{code}\n```\n'


def render(text: str) -> str:
    """Markdown as markdown-exec's MkDocs plugin sets it up: superfences with its fence."""
    fence = {
        "name": "python",
        "class": "python",
        "validator": markdown_exec.validator,
        "format": markdown_exec.formatter,
    }
    return markdown.markdown(
        text,
        extensions=["toc", "pymdownx.superfences"],
        extension_configs={"pymdownx.superfences": {"custom_fences": [fence]}},
    )


def test_markdown_exec_runs_python_fences_with_the_formatter_in_its_table(monkeypatch):
    for language in ("python", "py"):  # restored after the test
        monkeypatch.setitem(
            markdown_exec.formatters, language, markdown_exec.formatters[language]
        )
    ran = []

    def runner(**options):
        ran.append(options["code"])
        return "<p>from the fence cache</p>"

    patches.run_fences_with(runner)
    assert "from the fence cache" in render(FENCE.format(code="print(6 * 7)"))
    assert ran == ["print(6 * 7)"]
    # FenceCache.format passes run=
    assert "run" in inspect.signature(markdown_exec.base_format).parameters


def test_markdown_exec_numbers_ids_with_a_class_counter_that_can_be_reset(monkeypatch):
    monkeypatch.setattr(MarkdownConverter, "counter", MarkdownConverter.counter)
    # printed Markdown, converted with the page's extensions
    fence = FENCE.format(code='print("## A heading")')
    render(fence)
    patches.number_ids_per_page()
    assert 'id="exec-1--a-heading"' in render(fence)
    assert 'id="exec-2--a-heading"' in render(fence)


def test_mkdocs_jupyter_executes_labs_through_nbconvert_execute_preprocessor(
    tmp_path, monkeypatch
):
    import mkdocs_jupyter.nbconvert2
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import ExecutePreprocessor
    from traitlets.config import Config

    # mkdocs-jupyter turns nbconvert's ExecutePreprocessor on in its exporter's config
    assert '"ExecutePreprocessor"' in inspect.getsource(mkdocs_jupyter.nbconvert2)
    assert list(inspect.signature(ExecutePreprocessor.preprocess).parameters) == [
        "self",
        "nb",
        "resources",
        "km",
    ]
    # restored after
    monkeypatch.setattr(
        ExecutePreprocessor, "preprocess", ExecutePreprocessor.preprocess
    )
    calls = []

    def wrap(original):
        def preprocess(self, notebook, resources=None, km=None):
            calls.append(len(notebook.cells))
            return original(self, notebook, resources, km)

        return preprocess

    patches.execute_labs_with(wrap)
    # a second build in the same process wraps the original once
    patches.execute_labs_with(wrap)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print(6 * 7)")]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    config = Config({"ExecutePreprocessor": {"enabled": True}})
    body, _ = HTMLExporter(config=config).from_notebook_node(
        notebook, {"metadata": {"path": str(tmp_path)}}
    )
    assert calls == [1] and "42" in body


@pytest.mark.parametrize(
    ("message", "href"),
    [
        (
            "Doc file 'page.md' contains a link 'missing.md', but the target is not found among documentation files.",
            "missing.md",
        ),
        (
            "Doc file 'page.md' contains a link 'other.md#nowhere', but the doc 'other.md' does not contain an "
            "anchor '#nowhere'.",
            "other.md#nowhere",
        ),
        (
            "Doc file 'page.md' contains an absolute link '/x/', it was left as is.",
            "/x/",
        ),
        (
            "Doc file 'page.md' contains an unrecognized relative link 'x/', it was left as is.",
            "x/",
        ),
    ],
)
def test_mkdocs_link_warnings_are_worded_as_link_locations_expects(
    tmp_path, message, href
):
    import mkdocs.structure.pages

    source = inspect.getsource(mkdocs.structure.pages)
    # e.g. "contains a link"
    wording = message.split("'page.md' ", 1)[1].split(" '", 1)[0]
    assert f"Doc file '{{self.file.src_uri}}' {wording} '" in source
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/page.md").write_text(f"# Page\n\nSee [there]({href}).\n")
    record = logging.LogRecord(
        "mkdocs.structure.pages", logging.WARNING, "", 0, message, (), None
    )
    patches.LinkLocations(tmp_path / "docs", tmp_path).filter(record)
    assert record.getMessage().startswith("docs/page.md:3: Doc file")


def test_mkdocs_serve_request_lines_are_not_counted_by_strict_mode(monkeypatch):
    import mkdocs.livereload
    from mkdocs.utils import CountHandler

    # the dev server logs each non-200 response as a WARNING, with this wording
    source = inspect.getsource(mkdocs.livereload)
    assert 'level = logging.DEBUG if str(code) == "200" else logging.WARNING' in source
    assert "log.log(level, f'\"{self.requestline}\" code {code}')" in source
    server_log = logging.getLogger("mkdocs.livereload")
    # restored after
    monkeypatch.setattr(server_log, "filters", list(server_log.filters))
    counter = CountHandler()  # what `mkdocs build --strict` counts with, on "mkdocs"
    counter.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        patches.count_only_page_warnings()
        server_log.warning('"GET /favicon.ico HTTP/1.1" code 404')
        logging.getLogger("mkdocs.structure.pages").warning(
            "docs/page.md:3: a page's own problem"
        )
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)
    assert counter.get_counts() == [("WARNING", 1)]
