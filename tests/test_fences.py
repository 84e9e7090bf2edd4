"""Finding python fences in lesson pages, wherever they are nested."""

from pathlib import Path

import pytest

from site_build.fences import (
    expand_includes,
    find_fences,
    front_matter_lines,
    tag_fences,
    unindent_containers,
)

PAGE = """# A page

```python exec="on"
print("top level")
```

!!! note "A note"

    Text in the note.

    ```python exec="on" html="1"
    print("in a note")
    ```

=== "Tab one"

    ```python
    print("in a tab")
    ```

=== "Tab two"

    ??? question "Nested"

        ```python exec="on"
        print("in a question in a tab")
        ```

````markdown
```python exec="on"
print("an example shown in a code block, never run")
```
````
"""


def test_unindent_keeps_every_line_in_place():
    flat = unindent_containers(PAGE)
    assert len(flat.split("\n")) == len(PAGE.split("\n"))
    # line 25: the fence two containers deep
    assert '```python exec="on"' in flat.split("\n")[24]


def test_nested_fences_are_found_on_their_page_lines():
    fences = [f for f in find_fences(PAGE) if f.is_python]
    assert [f.line for f in fences] == [3, 11, 17, 25]
    lines = PAGE.split("\n")
    for fence in fences:
        assert lines[fence.line - 1].lstrip().startswith("```python")
    assert [f.executes for f in fences] == [True, True, False, True]
    assert fences[3].code == 'print("in a question in a tab")\n'


def test_a_fence_inside_a_code_example_is_not_a_fence():
    example = [f for f in find_fences(PAGE) if f.language == "markdown"]
    assert len(example) == 1
    assert all("never run" not in f.code for f in find_fences(PAGE) if f.is_python)


def test_executed_fences_are_tagged_with_their_location():
    tagged = tag_fences(PAGE, "docs/page.md").split("\n")
    assert tagged[2] == '```python id="docs/page.md:3" exec="on"'
    assert tagged[24] == '        ```python id="docs/page.md:25" exec="on"'
    assert tagged[16] == "    ```python"  # not executed: left alone
    # the example in a code block: left alone
    assert "id=" not in "\n".join(tagged[27:])


def test_fence_locations_count_the_front_matter_lines():
    source = "---\ndescription: A page with front matter.\n---\n\n" + PAGE
    markdown = source.split("---\n", 2)[2]  # what MkDocs hands the hooks
    offset = front_matter_lines(source, markdown)
    assert offset == 3
    tagged = tag_fences(markdown, "docs/page.md", offset)
    assert 'id="docs/page.md:7"' in tagged and source.split("\n")[6].startswith(
        "```python"
    )


def test_includes_expand_to_the_named_section(tmp_path: Path):
    (tmp_path / "mod.py").write_text(
        "import x\n# --8<-- [start:part]\ny = 1\nz = 2\n# --8<-- [end:part]\n"
    )
    code = 'before\n--8<-- "mod.py:part"\nafter'
    assert expand_includes(code, tmp_path) == "before\ny = 1\nz = 2\nafter"
    assert expand_includes('--8<-- "mod.py"', tmp_path).startswith("import x")
    with pytest.raises(ValueError, match="no section 'missing'"):
        expand_includes('--8<-- "mod.py:missing"', tmp_path)


def test_included_package_code_runs_in_its_module_namespace():
    from site_build.pytest_plugin import module_context

    fence = '--8<-- "downhill/network.py:forward"\n'
    namespace = {}
    exec(
        module_context(fence)
        + expand_includes(fence, Path(__file__).parents[1] / "snippets"),
        namespace,
    )
    assert callable(namespace["forward"]) and "Network" in namespace
