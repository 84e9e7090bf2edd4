"""The course outline is written once: the order of the lessons in mkdocs.yml's nav.

A lesson's number is its place there, its title its page's H1, the question it answers
its front matter's ``question:`` (site_build.outline). From these the build makes the
sidebar's numbered titles, the previous/next footer, the lesson tables of the home page
and the lessons index, the quick reference's summaries and the notebooks. Here: no
source types a lesson number, and the README's list matches the nav.
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT
from site_build.outline import course, lesson_table

TYPED_NUMBER = re.compile(r"\b[Ll]essons? \d+")
HOW_TO_REFER = (
    "refer to a lesson by a link with its title, e.g. "
    "[Gradient descent](gradient-descent.md): lesson numbers come from the nav in "
    "mkdocs.yml and change when a lesson is inserted"
)


def sources() -> list[Path]:
    """Every file a reader or a contributor reads as prose about the course."""
    docs = (ROOT / "docs").rglob("*")
    docs = sorted(p for p in docs if p.suffix in (".md", ".ipynb"))
    return [*docs, ROOT / "snippets" / "glossary.yml", ROOT / "README.md"]


def test_no_source_types_a_lesson_number():
    found = []
    for path in sources():
        lines = path.read_text(encoding="utf8").split("\n")
        for number, line in enumerate(lines, 1):
            for match in TYPED_NUMBER.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match[0]!r}")
    assert not found, f"{HOW_TO_REFER}:\n" + "\n".join(found)


def test_the_typed_number_check_sees_what_it_should():
    assert TYPED_NUMBER.search("see lesson 4")
    assert TYPED_NUMBER.search("Lessons 2 and 6")
    assert not TYPED_NUMBER.search("the landscape lesson, 924 KB")
    assert not TYPED_NUMBER.search("[Gradient descent](gradient-descent.md)")


def test_the_readme_lists_the_lessons_of_the_nav():
    readme = (ROOT / "README.md").read_text(encoding="utf8")
    after = readme[readme.index("The lessons, in course order") :]
    listed = re.search(r"^\d+\. .+(?:\n\d+\. .+)*", after, re.M)
    wanted = "\n".join(f"{lesson.number}. {lesson.title}" for lesson in course())
    assert listed and listed[0] == wanted, (
        "README.md's list of lessons differs from the nav in mkdocs.yml and the "
        f"lessons' titles; write it as:\n\n{wanted}\n"
    )


def test_a_lesson_table_links_each_lesson_with_its_question():
    table = lesson_table("lessons/index.md").split("\n")
    assert table[0] == "| # | Lesson | The question it answers |"
    rows = table[2:-1]
    assert len(rows) == len(course())
    for lesson, row in zip(course(), rows):
        link = Path(lesson.page).name
        title = f"[{lesson.title}]({link})"
        assert row == f"| {lesson.number} | {title} | {lesson.question} |"
    assert "](lessons/network.md)" in lesson_table("index.md")
