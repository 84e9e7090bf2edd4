"""The course outline is written once: the order of the lessons in mkdocs.yml's nav.

A lesson's number is its place there, its title its page's H1, the question it answers
its front matter's ``question:`` (site_build.outline). From these the build makes the
sidebar's numbered titles, the previous/next footer, the lesson tables of the home page
and the lessons index, the lesson summaries page and the notebooks. Here: no
source types a lesson number, the README's list matches the nav, the built site follows
the nav, and a lesson added to a copy of the project with one nav line shows up in all
of these places, its neighbours renumbered.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, build_ok
from site_build.bench import copy_project
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
    assert table[0] == "| Lesson | The question it answers |"
    rows = table[2:-1]
    assert len(rows) == len(course())
    for lesson, row in zip(course(), rows):
        link = Path(lesson.page).name
        title = f"[{lesson.title}]({link})"
        assert row == f"| {lesson.number}. {title} | {lesson.question} |"
    assert "](lessons/network.md)" in lesson_table("index.md")


# --- the built site ---------------------------------------------------------------

FOOTER_LINK = re.compile(
    r'<a href="([^"]*)" class="md-footer__link md-footer__link--(prev|next)" '
    r'aria-label="(?:Previous|Next): ([^"]*)"'
)
TABLE_ROW = re.compile(
    r'<tr>\s*<td>(\d+)\. <a href="([^"]*)">(.*?)</a></td>\s*'
    r"<td>(.*?)</td>\s*</tr>",
    re.S,
)


def slug(lesson) -> str:
    return Path(lesson.page).stem


def built(site: Path, lesson) -> str:
    return (site / "lessons" / slug(lesson) / "index.html").read_text(encoding="utf8")


def footer(site: Path, lesson) -> dict[str, tuple[str, str]]:
    """{"prev" / "next": (href, title)} of the lesson's built page."""
    links = FOOTER_LINK.findall(built(site, lesson))
    return {side: (href, html.unescape(title)) for href, side, title in links}


def table_rows(site: Path, page: str) -> list[tuple[int, str, str, str]]:
    """(number, href, title, question) of each row of a built page's lesson table."""
    rows = TABLE_ROW.findall((site / page).read_text(encoding="utf8"))
    return [
        (int(n), href, html.unescape(title), html.unescape(question))
        for n, href, title, question in rows
    ]


def numbered(lesson) -> str:
    return f"{lesson.number}. {lesson.title}"


def check_outline(site: Path, config: Path) -> None:
    """The built site follows the nav of config: page titles, both lesson tables,
    the previous/next footers, the lesson summaries page, the notebooks."""
    lessons = course(config)
    for page, prefix in (("index.html", "lessons/"), ("lessons/index.html", "")):
        wanted = [
            (lesson.number, f"{prefix}{slug(lesson)}/", lesson.title, lesson.question)
            for lesson in lessons
        ]
        assert table_rows(site, page) == wanted, f"{page}: the table is not the nav's"
    summaries = (site / "summaries/index.html").read_text(encoding="utf8")
    summaries = html.unescape(re.sub(r'<a class="headerlink".*?</a>', "", summaries))
    for index, lesson in enumerate(lessons):
        title = html.escape(numbered(lesson), quote=False)
        assert f"<title>{title} - " in built(site, lesson), lesson.page
        links = footer(site, lesson)
        if index > 0:
            before = lessons[index - 1]
            wanted = (f"../{slug(before)}/", numbered(before))
            assert links["prev"] == wanted, lesson.page
        if index + 1 < len(lessons):
            after = lessons[index + 1]
            wanted = (f"../{slug(after)}/", numbered(after))
            assert links["next"] == wanted, lesson.page
        assert f"{numbered(lesson)}</h2>" in summaries, f"no summary of {lesson.page}"
        assert f"Read lesson {lesson.number}: <em>{lesson.title}</em>" in summaries
        notebook = site / "notebooks" / f"{slug(lesson)}.ipynb"
        cells = json.loads(notebook.read_text(encoding="utf8"))["cells"]
        intro = "".join(cells[0]["source"])
        # the title links to the published page once there is one (site_build.public)
        assert re.search(
            rf"lesson {lesson.number}: \[?{re.escape(lesson.title)}[\]. ]", intro
        ), notebook
    first, last = footer(site, lessons[0]), footer(site, lessons[-1])
    assert first["prev"] == ("../", "Lessons"), "before the first lesson: the map"
    assert last["next"][0] == "../../labs/", "after the last lesson: the labs"


@pytest.mark.slow
def test_the_built_site_follows_the_nav(site):
    if os.environ.get("DOWNHILL_PAGE"):
        pytest.skip("the site was built with one page alone")
    check_outline(site, ROOT / "mkdocs.yml")


THROWAWAY = """---
description: A lesson added by a test, to show that one nav line is enough.
question: "Does one line in the nav add a lesson?"
---

# A throwaway lesson

!!! scan "Scan it in five minutes"

    - **A lesson is a page.** It has a title, a question and this summary.
    - **The nav places it.** One line in mkdocs.yml, and the build numbers it.

## What changes for you

Nothing: this lesson exists only in a copy of the project.
"""


@pytest.mark.slow
def test_a_new_lesson_needs_only_its_page_and_its_nav_line(tmp_path):
    """Insert a lesson mid-course in a copy of the project, with its page and one nav
    line, and build the copy without running any fence."""
    project = copy_project(tmp_path / "project")
    (project / "docs/lessons/throwaway.md").write_text(THROWAWAY, encoding="utf8")
    config = project / "mkdocs.yml"
    nav, line = config.read_text(encoding="utf8"), "      - lessons/cost.md\n"
    assert nav.count(line) == 1
    new_line = "      - lessons/throwaway.md\n"
    config.write_text(nav.replace(line, line + new_line), encoding="utf8")
    env = {
        "PYTHONPATH": str(project / "snippets"),
        "DOWNHILL_EXEC": "off",
        "DOWNHILL_FENCE_CACHE_DIR": "",  # the copy's own .cache
        "DOWNHILL_PAGE": "",
    }  # every page
    site = build_ok(tmp_path / "site", config=config, env=env)

    check_outline(site, config)  # every lesson; and for the new one, spelled out:
    row = ("A throwaway lesson", "Does one line in the nav add a lesson?")
    assert (3, "throwaway/", *row) in table_rows(site, "lessons/index.html")
    assert (3, "lessons/throwaway/", *row) in table_rows(site, "index.html")
    cost, throwaway, landscape = course(config)[1:4]
    assert throwaway.page == "lessons/throwaway.md"
    assert footer(site, cost)["next"] == ("../throwaway/", "3. A throwaway lesson")
    assert footer(site, landscape)["prev"] == ("../throwaway/", "3. A throwaway lesson")
    assert "<title>4. The cost landscape - " in built(site, landscape)
    summaries = (site / "summaries/index.html").read_text(encoding="utf8")
    assert "The nav places it." in summaries
    assert (site / "notebooks/throwaway.ipynb").is_file()
