"""The glossary: one file, two uses.

``snippets/glossary.yml`` lists the course's terms. From it come

* the Glossary page (``glossary_markdown``, printed by a fence in docs/glossary.md);
* the hover explanations in the lessons: ``abbreviations`` feeds Python-Markdown's
  ``abbr`` extension (its ``glossary`` option, set by the site hooks), which wraps
  each occurrence in ``<abbr title="...">``, and ``tidy_hover_terms`` then keeps
  only the helpful ones: not in headings or links, and once per term per section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SOURCE = Path(__file__).resolve().parents[1] / "snippets" / "glossary.yml"


@dataclass(frozen=True)
class Term:
    term: str
    means: str
    see: str
    forms: tuple[str, ...] = ()

    @property
    def spellings(self) -> list[str]:
        """Every spelling that gets the hover text, capitalised first letters included."""
        spellings = []
        for form in (self.term, *self.forms):
            spellings += [form, form[0].upper() + form[1:]]
        return list(dict.fromkeys(spellings))

    @property
    def anchor(self) -> str:
        return "term-" + re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")


def load_terms(source: Path = SOURCE) -> list[Term]:
    entries = yaml.safe_load(source.read_text(encoding="utf8"))
    terms = []
    for entry in entries:
        unknown = set(entry) - {"term", "means", "see", "forms"}
        if unknown or not {"term", "means", "see"} <= set(entry):
            raise ValueError(
                f"{source.name}: entry {entry.get('term')!r} needs term, means, see (got {sorted(entry)})"
            )
        terms.append(
            Term(
                entry["term"],
                " ".join(entry["means"].split()),
                entry["see"],
                tuple(entry.get("forms", ())),
            )
        )
    return terms


def abbreviations(terms: list[Term] | None = None) -> dict[str, str]:
    """Spelling -> hover text, for the abbr extension's ``glossary`` option."""
    return {
        spelling: term.means
        for term in terms or load_terms()
        for spelling in term.spellings
    }


def glossary_markdown(
    terms: list[Term] | None = None, page: str = "glossary.md"
) -> str:
    """The Glossary page's body: every term as a section, linked to its lesson."""
    out = []
    for term in terms or load_terms():
        target = relative_link(term.see, page)
        out.append(
            f"## {term.term} {{#{term.anchor}}}\n\n"
            f"{term.means} [Explained in {lesson_title(term.see)}.]({target})\n"
        )
    return "\n".join(out)


def relative_link(target: str, page: str) -> str:
    """A docs/-relative target ("lessons/x.md#a") as written in another docs/ page."""
    return "../" * page.count("/") + target


def lesson_title(target: str) -> str:
    """ "the lesson's H1 title", read from the page the target points to."""
    page = SOURCE.parents[1] / "docs" / target.split("#")[0]
    heading = re.search(r"^# (.+)$", page.read_text(encoding="utf8"), re.M)
    return f"*{heading[1].split(':')[0]}*" if heading else target


def explains_on_hover(page: str) -> bool:
    """Pages whose terms are explained on hover: the lessons, the lesson summaries and
    the quick reference (docs/-relative or repository paths). Elsewhere a dotted
    underline is noise."""
    page = page.removeprefix("docs/")
    return (page.startswith("lessons/") and page != "lessons/index.md") or page in (
        "quick-reference.md",
        "summaries.md",
    )


ABBR = re.compile(r'<abbr title="(?P<title>[^"]*)">(?P<text>.*?)</abbr>', re.S)
NO_HOVER = re.compile(
    r"<(?P<tag>h[1-6]|a|figcaption|summary|th)\b[^>]*>.*?</(?P=tag)>", re.S
)
SECTION = re.compile(r"(?=<h2\b)")


def tidy_hover_terms(html_text: str, *, keep: bool = True) -> str:
    """Keep each hover explanation where it helps, unwrap the rest.

    No ``<abbr>`` inside headings, links, captions, summaries or table headers
    (a dotted underline there reads as noise); in each section (from one <h2> to
    the next) only a term's first occurrence keeps it. ``keep=False`` unwraps
    every one (the glossary page itself).
    """
    if not keep:
        return ABBR.sub(r"\g<text>", html_text)
    html_text = NO_HOVER.sub(lambda m: ABBR.sub(r"\g<text>", m[0]), html_text)
    sections = []
    for section in SECTION.split(html_text):
        seen: set[str] = set()

        def first_only(match: re.Match) -> str:
            if match["title"] in seen:
                return match["text"]
            seen.add(match["title"])
            return match[0]

        sections.append(ABBR.sub(first_only, section))
    return "".join(sections)
