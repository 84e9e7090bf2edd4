"""Find the Python fences of a lesson page, wherever they are nested.

MkDocs (through pymdownx) and pytest-markdown-docs (through CommonMark) read the
same pages differently: a fence indented inside an admonition (`!!!`, `???`) or a
content tab (`===`) is a fence for MkDocs but an indented code block for
CommonMark. `unindent_containers` removes the containers' indentation while
keeping every line where it was, so both tools agree on which fences exist and
on the line each one starts at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

CONTAINER = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?|===\+?) ")
FENCE_OPEN = re.compile(r"^(?P<indent> *)(?P<marks>`{3,}|~{3,})")
PYTHON_LANGS = {"py", "python", "python3"}
EXEC_ON = re.compile(r"""\bexec=["']?(?:on|1|true|yes)["']?""", re.IGNORECASE)


@dataclass(frozen=True)
class Fence:
    line: int  # 1-based line of the opening ``` in the page
    info: str  # everything after the backticks: language and options
    code: str

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info.split() else ""

    @property
    def is_python(self) -> bool:
        return self.language in PYTHON_LANGS

    @property
    def executes(self) -> bool:
        return self.is_python and bool(EXEC_ON.search(self.info))


def unindent_containers(text: str) -> str:
    """Strip admonition and tab indentation, keeping the line count unchanged.

    A container's opening line becomes blank; its body loses the container's
    four spaces (nested containers lose theirs too). Fenced code is copied
    verbatim apart from that indentation, so a `!!!` inside a code example is
    not mistaken for a container.
    """
    out: list[str] = []
    bodies: list[int] = []  # indentation of each open container's body
    fence: tuple[str, int] | None = None  # (marks, indent) of the open fence
    for line in text.split("\n"):
        width = len(line) - len(line.lstrip(" "))
        if line.strip() and fence is None:
            while bodies and width < bodies[-1]:
                bodies.pop()
        strip = bodies[-1] if bodies else 0
        body = line[min(strip, width) :]
        if fence is not None:
            marks, _ = fence
            if body.strip().startswith(marks) and set(body.strip()) == {marks[0]}:
                fence = None
            out.append(body)
            continue
        container = CONTAINER.match(line)
        if container:
            bodies.append(len(container["indent"]) + 4)
            out.append("")
            continue
        opened = FENCE_OPEN.match(body)
        if opened:
            fence = (opened["marks"], len(opened["indent"]))
        out.append(body)
    return "\n".join(out)


def find_fences(text: str) -> list[Fence]:
    """Every fenced code block of a page, with the page line it opens on."""
    tokens = MarkdownIt("commonmark").parse(unindent_containers(text))
    return [
        Fence(line=token.map[0] + 1, info=token.info.strip(), code=token.content)
        for token in tokens
        if token.type == "fence" and token.map
    ]


INCLUDE = re.compile(r"""^(?P<indent>\s*)--8<--\s+["'](?P<target>[^"']+)["']\s*$""")


def expand_includes(code: str, base: Path) -> str:
    """Inline pymdownx.snippets lines (``--8<-- "file.py:section"``) as MkDocs does.

    pytest-markdown-docs does not know the include syntax; expanding it here
    lets the tests run the very code the page shows.
    """
    out = []
    for line in code.split("\n"):
        include = INCLUDE.match(line)
        out.append(include_text(base, include["target"]) if include else line)
    return "\n".join(out)


def include_text(base: Path, target: str) -> str:
    name, _, section = target.partition(":")
    text = (base / name).read_text(encoding="utf8")
    if not section:
        return text.rstrip("\n")
    start, end = f"# --8<-- [start:{section}]", f"# --8<-- [end:{section}]"
    lines = text.split("\n")
    try:
        first = next(i for i, line in enumerate(lines) if line.strip() == start)
        last = next(i for i, line in enumerate(lines) if line.strip() == end)
    except StopIteration:
        raise ValueError(
            f"{name} has no section {section!r} (markers {start!r} ... {end!r})"
        ) from None
    return "\n".join(lines[first + 1 : last])


def missing_includes(text: str, bases: list[Path]) -> list[tuple[int, str]]:
    """(page line, problem) for each ``--8<--`` include whose file or section is missing.

    pymdownx.snippets (with check_paths) stops the build on a missing file too, but its
    message names neither the page nor the line; a missing section it skips silently.
    """
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        include = INCLUDE.match(line)
        if not include:
            continue
        name = include["target"].partition(":")[0]
        base = next((b for b in bases if (b / name).is_file()), None)
        if base is None:
            where = ", ".join(str(b) for b in bases)
            problems.append(
                (
                    number,
                    f"the included file {name!r} does not exist under {where} "
                    "(pymdownx.snippets' base_path): fix the path or create the file",
                )
            )
            continue
        try:
            include_text(base, include["target"])
        except ValueError as error:
            problems.append(
                (
                    number,
                    f"{error}: add the markers to the file or fix the section name",
                )
            )
    return problems


def front_matter_lines(source: str, markdown: str) -> int:
    """How many lines MkDocs cut from the top of the page (its YAML front matter)."""
    return (
        source[: len(source) - len(markdown)].count("\n")
        if source.endswith(markdown)
        else 0
    )


def tag_fences(markdown: str, path: str, offset: int = 0) -> str:
    """Give every executed fence the id "docs/page.md:LINE" (its own id wins);
    offset is the number of page lines above the markdown (front matter)."""
    lines = markdown.split("\n")
    for fence in find_fences(markdown):
        if fence.executes and "id=" not in fence.info:
            index = fence.line - 1
            language = fence.language
            head, sep, tail = lines[index].partition(language)
            lines[index] = f'{head}{sep} id="{path}:{fence.line + offset}"{tail}'
    return "\n".join(lines)
