"""The glossary: one source (snippets/glossary.yml) for the Glossary page and the hover terms."""

from __future__ import annotations

import html
import re

import pytest

from downhill.data import load_digits
from downhill.network import SIZES
from downhill.training import BATCH_SIZE
from site_build.glossary import (
    Term,
    abbreviations,
    explains_on_hover,
    load_terms,
    tidy_hover_terms,
)

REQUIRED = [
    "cost function",
    "gradient",
    "gradient descent",
    "learning rate",
    "weight",
    "bias",
    "one-hot",
    "backpropagation",
    "epoch",
    "mini-batch",
    "local minimum",
    "overfitting",
]


def test_the_glossary_has_the_course_terms_in_order():
    terms = [t.term for t in load_terms()]
    assert sorted(terms, key=str.lower) == terms, (
        "keep snippets/glossary.yml in alphabetical order"
    )
    assert not [t for t in REQUIRED if t not in terms]
    assert len(set(terms)) == len(terms)


def test_numbers_in_definitions_are_the_code_s():
    digits = load_digits()
    means = {t.term: t.means for t in load_terms()}
    n_train, n_test = len(digits.x_train), len(digits.x_test)
    assert (
        f"With {n_train:,} digits and mini-batches of {BATCH_SIZE}, an epoch is {n_train // BATCH_SIZE} steps"
        in means["epoch"]
    )
    assert f"({BATCH_SIZE} in this course)" in means["mini-batch"]
    assert (
        f"trains on {n_train:,} real digits and tests on {n_test:,} others"
        in means["training set"]
    )
    assert (
        f"two hidden layers of {SIZES[1]} neurons" in means["hidden layer"]
        and SIZES[1] == SIZES[2]
    )


def test_hover_texts_are_plain_text():
    for term in load_terms():
        assert not re.search(r"[*_`$\[\]<>]", term.means), (
            f"{term.term}: hover text is shown raw, no Markdown"
        )


def test_every_spelling_gets_the_same_explanation():
    abbr = abbreviations(
        [Term("learning rate", "Step size.", "x.md", ("learning rates",))]
    )
    assert abbr == {
        "learning rate": "Step size.",
        "Learning rate": "Step size.",
        "learning rates": "Step size.",
        "Learning rates": "Step size.",
    }


def test_only_lessons_their_summaries_and_the_quick_reference_explain_on_hover():
    for page in ("docs/lessons/cost.md", "quick-reference.md", "docs/summaries.md"):
        assert explains_on_hover(page), page
    assert not explains_on_hover("docs/glossary.md") and not explains_on_hover(
        "lessons/index.md"
    )
    assert not explains_on_hover("docs/further-reading.md")


@pytest.mark.slow
def test_no_hover_outside_the_lessons(site):
    for page in ("glossary", "further-reading", "contributing", "labs"):
        assert "<abbr" not in (site / page / "index.html").read_text(encoding="utf8"), (
            page
        )


def test_tidy_keeps_one_hover_per_term_per_section_and_none_in_headings_or_links():
    a = '<abbr title="T">gradient</abbr>'
    page = f"<h2>The {a}</h2><p>{a} and {a}</p><p><a href='x'>{a}</a></p><h2>Next</h2><p>{a}</p>"
    assert tidy_hover_terms(page) == (
        f"<h2>The gradient</h2><p>{a} and gradient</p><p><a href='x'>gradient</a></p><h2>Next</h2><p>{a}</p>"
    )
    assert "<abbr" not in tidy_hover_terms(page, keep=False)


@pytest.mark.slow
def test_the_glossary_page_lists_every_term_with_its_lesson(site):
    page = (site / "glossary/index.html").read_text(encoding="utf8")
    assert "<abbr" not in page
    for term in load_terms():
        section = re.search(rf'id="{term.anchor}".*?(?=<h2|</article>)', page, re.S)
        assert section, f"the glossary page lacks {term.term!r}"
        assert term.means in " ".join(
            html.unescape(re.sub(r"<[^>]+>", " ", section[0])).split()
        )
        target, _, anchor = term.see.partition("#")
        href = "../" + target[: -len(".md")] + "/#" + anchor
        assert f'href="{href}"' in section[0], f"{term.term}: no link to {term.see}"
        lesson = (site / target[: -len(".md")] / "index.html").read_text(
            encoding="utf8"
        )
        assert f'id="{anchor}"' in lesson, (
            f"{term.term}: docs/{target} has no section #{anchor}"
        )


@pytest.mark.slow
def test_lessons_explain_terms_on_hover_where_it_helps(site):
    titles = {t.means for t in load_terms()}
    seen = set()
    for page in sorted((site / "lessons").glob("*/index.html")):
        text = page.read_text(encoding="utf8")
        article = re.search(r"<article.*?</article>", text, re.S)[0]
        for tag in ("h1", "h2", "h3", "h4", "a", "figcaption", "summary"):
            for element in re.findall(rf"<{tag}\b[^>]*>.*?</{tag}>", article, re.S):
                assert "<abbr" not in element, f"{page}: a hover term inside <{tag}>"
        for section in re.split(r"(?=<h2\b)", article):
            hovers = [
                html.unescape(h) for h in re.findall(r'<abbr title="([^"]*)">', section)
            ]
            assert len(hovers) == len(set(hovers)), (
                f"{page}: a term explained twice in one section"
            )
            seen.update(hovers)
    assert len(seen & titles) >= 12, (
        "the lessons should explain most glossary terms on hover"
    )
    assert seen <= titles, "every hover text comes from snippets/glossary.yml"
