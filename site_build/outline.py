"""The course outline: the lessons in the order of the nav, and what is made from it.

The nav in mkdocs.yml is the only place the lesson order is written. A lesson's
number is its position there, never typed; its title is its page's H1 and the
question it answers is its front matter's ``question:``. From these come the
numbered titles of the sidebar and of Material's previous/next footer
(``numbered_titles``, set by the site hooks), the lesson tables of the home page
and the lessons index (``lesson_table``), and the page of lesson summaries.

Every lesson opens with one ``!!! scan "Scan it in five minutes"`` block. The
summaries page (docs/summaries.md) does not copy them: ``summaries_markdown`` reads
each lesson's block from the lesson file, in the order of the nav in mkdocs.yml, so
a new lesson's summary appears there with no edit to that page.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from site_build.glossary import glossary_markdown

ROOT = Path(__file__).resolve().parents[1]  # the repository: mkdocs.yml, docs/
DOCS = ROOT / "docs"
SCAN = re.compile(r'^!!! scan "(?P<title>[^"]*)"\s*$')
WORD_BUDGET = 500  # "about five minutes" of reading, at roughly 100 words a minute
LINK = re.compile(r"(?P<open>\]\()(?P<target>[^)\s]+)(?P<close>[)\s])")


@dataclass(frozen=True)
class Summary:
    page: str  # docs/-relative path, e.g. lessons/network.md
    title: str  # the lesson's H1
    body: str  # the block's Markdown, unindented

    @property
    def words(self) -> int:
        return word_count(self.body)


def scan_blocks(text: str) -> list[str]:
    """The unindented bodies of every ``!!! scan`` block in a page."""
    lines = text.split("\n")
    blocks = []
    for i, line in enumerate(lines):
        if SCAN.match(line):
            body = []
            for next_line in lines[i + 1 :]:
                if next_line.strip() and not next_line.startswith("    "):
                    break
                body.append(next_line[4:])
            blocks.append("\n".join(body).strip("\n"))
    return blocks


def word_count(markdown: str) -> int:
    """Words a reader reads: maths and Markdown marks are not words."""
    text = re.sub(r"\$[^$]*\$", " formula ", markdown)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(re.findall(r"[\w][\w'’,.\-]*", text))


class _NavLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's plain structure; its !!python tags are not needed here."""


_NavLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: None
)
_NavLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def nav_pages(config: Path = ROOT / "mkdocs.yml") -> list[str]:
    """Every page of the nav, in order, as docs/-relative paths."""
    nav = yaml.load(config.read_text(encoding="utf8"), Loader=_NavLoader).get("nav", [])
    pages: list[str] = []

    def walk(item):
        if isinstance(item, str):
            pages.append(item)
        elif isinstance(item, list):
            for child in item:
                walk(child)
        elif isinstance(item, dict):
            for child in item.values():
                walk(child)

    walk(nav)
    return pages


def lesson_pages(config: Path = ROOT / "mkdocs.yml") -> list[str]:
    """The lessons in course order: the nav's pages under lessons/, but its index."""
    return [
        p
        for p in nav_pages(config)
        if p.startswith("lessons/") and p != "lessons/index.md"
    ]


FRONT_MATTER = re.compile(r"\A---\n(.*?\n)?---\n", re.S)


def title_of(text: str) -> str:
    heading = re.search(r"^# (.+)$", FRONT_MATTER.sub("", text), re.M)
    return heading[1].strip() if heading else ""


def front_matter(text: str) -> dict:
    """The YAML between the page's opening ``---`` lines ({} if none)."""
    found = FRONT_MATTER.match(text)
    return (yaml.safe_load(found[1] or "") or {}) if found else {}


@dataclass(frozen=True)
class Lesson:
    number: int  # its position among the lessons of the nav, from 1
    page: str  # docs/-relative path, e.g. lessons/network.md
    title: str  # the page's H1
    question: str  # the question it answers: ``question:`` in its front matter


def course(config: Path = ROOT / "mkdocs.yml") -> list[Lesson]:
    """The lessons in the order of the nav, numbered, with titles and questions."""
    out = []
    for number, page in enumerate(lesson_pages(config), 1):
        text = (config.parent / "docs" / page).read_text(encoding="utf8")
        question, title = front_matter(text).get("question"), title_of(text)
        if not title or not question:
            raise ValueError(
                f"docs/{page}: a lesson needs a title (its `# ` heading) and, in its "
                'front matter, the question it answers: `question: "How ...?"` '
                "(see docs/contributing.md)"
            )
        out.append(Lesson(number, page, title, str(question)))
    return out


def numbered_titles(config: Path = ROOT / "mkdocs.yml") -> dict[str, str]:
    """docs/-relative path -> "3. The cost landscape", for every lesson of the nav."""
    return {
        lesson.page: f"{lesson.number}. {lesson.title}" for lesson in course(config)
    }


def lesson_table(page: str = "index.md") -> str:
    """The lessons as a Markdown table: numbered linked title, question answered.
    (The number leads the title's cell: a column of its own is too wide on a phone.)"""
    rows = ["| Lesson | The question it answers |", "|---|---|"]
    for lesson in course():
        link = posixpath.relpath(lesson.page, posixpath.dirname(page) or ".")
        question = lesson.question.replace("|", "\\|")
        rows.append(f"| {lesson.number}. [{lesson.title}]({link}) | {question} |")
    return "\n".join(rows) + "\n"


def summaries(config: Path = ROOT / "mkdocs.yml") -> list[Summary]:
    """Each lesson's summary, in course order; a lesson without exactly one fails."""
    out = []
    for page in lesson_pages(config):
        text = (config.parent / "docs" / page).read_text(encoding="utf8")
        blocks = scan_blocks(text)
        if len(blocks) != 1:
            raise ValueError(
                f"docs/{page} has {len(blocks)} summary blocks; every lesson opens with exactly one "
                '`!!! scan "Scan it in five minutes"` block (see docs/contributing.md)'
            )
        out.append(Summary(page, title_of(text), blocks[0]))
    return out


def relink(markdown: str, source: str, page: str) -> str:
    """Rewrite the relative links of Markdown from docs/<source> to work in docs/<page>."""
    return rewrite_links(
        markdown,
        source,
        lambda path: posixpath.relpath(path, posixpath.dirname(page) or "."),
    )


def rewrite_links(markdown: str, source: str, target_of) -> str:
    """Give each relative link of Markdown written in docs/<source> the address
    target_of(its docs path); absolute links and anchors stay as they are."""

    def fix(match: re.Match) -> str:
        target = match["target"]
        if re.match(r"^([a-z]+:|/)", target):
            return match[0]
        path, _, anchor = target.partition("#")
        path = (
            posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
            if path
            else source
        )
        return f"{match['open']}{target_of(path)}{'#' + anchor if anchor else ''}{match['close']}"

    return LINK.sub(fix, markdown)


def summaries_markdown(page: str = "summaries.md", level: int = 2) -> str:
    """Every lesson's summary in course order, each under a heading linking to its lesson."""
    out = []
    for number, summary in enumerate(summaries(), 1):
        link = posixpath.relpath(summary.page, posixpath.dirname(page) or ".")
        out.append(
            f"{'#' * level} {number}. {summary.title}\n\n"
            f"{relink(summary.body, summary.page, page)}\n\n"
            f"[Read lesson {number}: *{summary.title}*]({link}){{ .dh-lesson-link }}\n"
        )
    return "\n".join(out)


# --- Parts of pages generated from one source ------------------------------------
# Parts of pages that are generated from one source elsewhere.
#
# A page asks for one with a marker line, e.g.::
#
#     <!-- generated: glossary (from snippets/glossary.yml) -->
#
# and the site hooks replace that line with the Markdown before MkDocs converts
# the page, so its links are checked and rewritten like any hand-written link.

MARKER = re.compile(r"^<!-- generated: (?P<name>[\w-]+)\b[^\n]*-->[ \t]*$", re.M)

GENERATORS = {
    "glossary": glossary_markdown,
    "summaries": summaries_markdown,
    "lessons": lesson_table,
}


def fill_generated(markdown: str, page: str) -> str:
    """Replace every marker of a page (page: its docs/-relative path)."""

    def generate(match: re.Match) -> str:
        name = match["name"]
        if name not in GENERATORS:
            raise ValueError(
                f"docs/{page}: unknown generated part {name!r} (known: {', '.join(GENERATORS)})"
            )
        return GENERATORS[name](page=page)

    return MARKER.sub(generate, markdown)
