"""The quick reference: a cheat sheet of two printed pages, every number on it computed.

Notation, the formulas a learner reaches for, our results beside the published ones
(read from downhill.published, never typed) and the signs of a bad learning rate.
The lessons' summaries have a page of their own (tests/test_summaries.py)."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from conftest import ROOT, read_page
from downhill import experiments
from downhill.data import load_digits
from downhill.figures import PALETTE
from downhill.network import SIZES, accuracy, feedforward
from downhill.published import result
from downhill.training import ETA, evaluate

SOURCE = ROOT / "docs/quick-reference.md"
A4_PAGES = 2


def text_of(fragment: str) -> str:
    """Visible text, whitespace collapsed (hover terms and links are tags: gone)."""
    fragment = re.sub(r"</?(?:li|p|ul|ol|div|h\d|td|th|tr|br)\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def typed_numbers(markdown: str) -> list[str]:
    """Digits in a page's prose: not in its front matter, fences, maths or link targets."""
    prose = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    prose = re.sub(r"^```.*?^```", "", prose, flags=re.S | re.M)
    prose = re.sub(r"\$[^$]*\$", "", prose)
    prose = re.sub(r"\]\([^)]*\)", "]", prose)
    return re.findall(r".{0,30}\d.{0,30}", prose)


def test_the_typed_number_check_sees_what_it_should():
    assert typed_numbers("ours reach 89.5% of them") == ["ours reach 89.5% of them"]
    page = (
        "---\nd: 1\n---\n\n$\\eta = 2$ [a](x.md#13002-knobs)\n\n```python\nx = 1\n```\n"
    )
    assert typed_numbers(page) == []


def test_no_number_is_typed_on_the_cheat_sheet():
    found = typed_numbers(SOURCE.read_text(encoding="utf8"))
    assert not found, (
        "docs/quick-reference.md: print every number from a fence (published ones from "
        f"downhill.published); typed here: {found}"
    )


@pytest.fixture(scope="module")
def quick_reference(site) -> str:
    return read_page(site, "quick-reference/index.html")


@pytest.fixture(scope="module")
def article(quick_reference) -> str:
    return text_of(quick_reference)


def section(quick_reference: str, anchor: str) -> str:
    start = quick_reference.index(f'id="{anchor}"')
    end = quick_reference.find("<h2", start)
    return quick_reference[start : end if end > 0 else None]


@pytest.mark.slow
def test_the_notation_legend_has_one_line_per_symbol(quick_reference):
    legend = section(quick_reference, "notation")
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", legend, re.S)
    symbols = [html.unescape(re.sub(r"<[^>]+>", "", row)).strip() for row in rows]
    wanted = ["\\theta", "\\eta", "a", "z", "\\delta", "L", "m", "n"]
    assert symbols == [f"\\({s}\\)" for s in wanted]


@pytest.mark.slow
def test_the_formulas_a_learner_reaches_for_are_there(quick_reference):
    formulas = html.unescape(section(quick_reference, "formulas"))
    for tex in (
        r"\sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr)",
        r"\delta^{(L)} = 2\bigl(a^{(L)} - y\bigr) \odot \sigma'(z^{(L)})",
        r"\delta^{(L)} = a^{(L)} - y",
        r"\theta \leftarrow \theta - \eta\, \nabla C(\theta)",
        r"v \leftarrow \beta v - \eta\, \nabla C(\theta)",
        r"w \sim N(0, 1/n_\text{in})",
        r"\frac{C(\theta + h e_i) - C(\theta - h e_i)}{2h}",
        r"\frac{\partial C}{\partial a} \cdot \frac{\partial a}{\partial z} \cdot "
        r"\frac{\partial z}{\partial w}",
    ):
        assert tex in formulas, tex


@pytest.mark.slow
def test_every_formula_row_links_to_its_explanation(quick_reference):
    formulas = section(quick_reference, "formulas")
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", formulas, re.S) if "<td" in r]
    assert len(rows) >= 12
    for row in rows:
        assert re.search(r'href="\.\./lessons/[\w-]+/#[\w-]+"', row), row[:200]


@pytest.mark.slow
def test_the_cheat_sheet_links_to_the_lesson_summaries(quick_reference):
    assert 'href="../summaries/"' in quick_reference


@pytest.mark.slow
def test_the_network_size_is_computed(article):
    layers = [n_in * n_out + n_out for n_in, n_out in zip(SIZES, SIZES[1:])]
    breakdown = " + ".join(f"{n:,}" for n in layers)
    assert f"holds {breakdown} = {sum(layers):,} numbers" in article


def result_rows(quick_reference: str) -> list[str]:
    """The text of each row of the results table."""
    results = section(quick_reference, "results-and-their-recipes")
    table = re.search(r"<table>.*?</table>", results, re.S)[0]
    return [text_of(r) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


@pytest.mark.slow
def test_our_results_are_the_trained_networks_scores(quick_reference):
    digits = load_digits()
    sweep = experiments.learning_rate_sweep()
    runs = {
        "the recipe": experiments.nielsen_recipe(),
        "cross-entropy cost,": experiments.cross_entropy_recipe(),
        "weights from": experiments.scaled_init_recipe(),
        f"\\(\\eta = {min(sweep):g}\\),": sweep[min(sweep)],
        f"\\(\\eta = {max(sweep):g}\\),": sweep[max(sweep)],
    }
    rows = result_rows(quick_reference)
    for start, run in runs.items():
        row = next(text for text in rows if text.startswith(start))
        # scored again here, on the test digits, rather than read from the run's history
        score = accuracy(run.trained, digits.x_test, digits.y_test)
        assert f" {100 * score:.1f}% " in f"{row} ", (start, row)


@pytest.mark.slow
def test_published_results_are_read_from_the_table(quick_reference):
    results = section(quick_reference, "results-and-their-recipes")
    for key in (
        "video",
        "nielsen_ch1",
        "nielsen_ch3_xent",
        "nielsen_eta_small",
        "nielsen_eta_large",
    ):
        published = result(key)
        link = (
            f'<a href="{html.escape(published.url)}">{html.escape(published.shown)}</a>'
        )
        assert link in results, key
        assert html.escape(published.network) in results, key


@pytest.mark.slow
def test_the_signs_of_a_bad_learning_rate_are_computed(article):
    w, steps = 0.0, []
    for _ in range(4):  # the parabola (w - 3)^2, by hand
        w -= 1.1 * 2 * (w - 3)
        steps.append(f"{w:.3g}")
    assert f"goes to {', '.join(steps)}: farther from" in article
    assert all(abs(float(a) - 3) < abs(float(b) - 3) for a, b in zip(steps, steps[1:]))

    digits = load_digits()
    sweep = experiments.learning_rate_sweep()
    small, large = min(sweep), max(sweep)
    frozen = sweep[large].trained
    assert np.all(feedforward(frozen, digits.x_train) < 0.01)  # "outputs pinned near 0"
    cost, _ = evaluate(frozen, digits.x_train, digits.y_train)
    score = accuracy(frozen, digits.x_test, digits.y_test)
    stated = re.search(r"the cost drops to ([\d.]+) in the first epoch", article)
    assert abs(float(stated[1]) - cost) < 0.0005
    assert f"never moves again; test accuracy {100 * score:.1f}%" in article

    start = evaluate(sweep[small].initial, digits.x_train, digits.y_train)[0]
    one_epoch = {  # replayed: one epoch from the same start, with each rate
        eta: experiments.run(digits, seed=0, eta=eta, epochs=1).history.train_cost[0]
        for eta in (small, ETA)
    }
    score = accuracy(sweep[small].trained, digits.x_test, digits.y_test)
    assert (
        f"From {start:.2f}, one epoch at \\(\\eta = {small:g}\\) brings the cost to "
        f"{one_epoch[small]:.2f} (at \\(\\eta = {ETA:g}\\): {one_epoch[ETA]:.2f})"
    ) in article
    assert f"test accuracy is still {100 * score:.1f}%" in article


@pytest.mark.slow
@pytest.mark.browser
def test_the_cheat_sheet_prints_on_two_a4_pages(chromium, served):
    from browser import ARTIFACTS, wait_for_math

    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"{served}/quick-reference/", wait_until="load")
        wait_for_math(page)
        pdf = page.pdf(format="A4")
    finally:
        context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "quick-reference.pdf").write_bytes(pdf)  # to look at
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert 1 <= pages <= A4_PAGES, (
        f"the quick reference prints on {pages} A4 pages (at most {A4_PAGES}): "
        f"shorten it; see {ARTIFACTS / 'quick-reference.pdf'}"
    )


@pytest.mark.slow
def test_pages_print_light_and_without_navigation(site):
    css = (site / "stylesheets/downhill.css").read_text(encoding="utf8")
    printed = css[css.index("@media print") :]
    for chrome in (".md-header", ".md-sidebar", ".md-footer", ".dh-notebook-actions"):
        assert chrome in printed
    assert "--md-default-bg-color: #fff" in printed
    colors = (site / "assets/stylesheets/figure-colors.css").read_text(encoding="utf8")
    light_cost = PALETTE["cost"][0]
    assert re.search(
        r'@media print \{\s*\[data-md-color-scheme="slate"\] \{\s*--dh-cost: '
        + light_cost,
        colors,
    )
