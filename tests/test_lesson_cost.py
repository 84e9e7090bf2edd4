"""Lesson 2, "What learning really means": the page states what its code computed.

Each test reads a number off the built page and recomputes it independently,
so a stale page, a changed experiment or a typo in a printed sentence fails.
"""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pytest

from conftest import read_page
from downhill import experiments
from downhill.data import load_digits, one_hot
from downhill.network import SIZES, feedforward, parameter_count

pytestmark = pytest.mark.slow

NUMBER = r"(-?[\d,]*\.?\d+)"


@pytest.fixture(scope="module")
def raw(site):
    built = read_page(site, "lessons/cost/index.html")
    article = re.search(r"<article.*?</article>", built, re.S)[0]
    return re.sub(r"</?abbr\b[^>]*>", "", article)  # hover explanations of glossary terms are not text


@pytest.fixture(scope="module")
def page(raw):
    """The lesson's visible prose: code listings removed, tags stripped, spaces collapsed."""
    text = re.sub(r"<pre.*?</pre>", " ", raw, flags=re.S)
    text = re.sub(r"<svg.*?</svg>", " ", text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text)


def stated(page: str, pattern: str) -> list[str]:
    """The numbers a sentence of the page states, as printed."""
    match = re.search(pattern, page)
    assert match, f"the page no longer says: {pattern}"
    return list(match.groups())


def near(printed: str, value: float) -> bool:
    """Is `printed` the value rounded to as many decimals as it shows?"""
    printed = printed.replace(",", "")
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10 ** -decimals + 1e-9


def test_near_is_strict():
    assert near("0.0129", 0.01290000001) and near("13,002", 13002)
    assert not near("0.0129", 0.0131) and not near("70", 71)


def test_the_skeleton_is_there(raw, page):
    assert '<div class="admonition scan">' in raw and "Scan it in five minutes" in page
    scan = re.search(r'<div class="admonition scan">.*?</div>', raw, re.S)[0]
    assert 5 <= scan.count("<li>") <= 7
    # the two numbers the summary states are exact facts the fences assert
    assert "scores 0.90" in scan and abs(np.sum((np.full(10, 0.1) - one_hot(np.array([3]))[0]) ** 2) - 0.90) < 1e-12
    assert "13,002 weights and biases" in scan and parameter_count() == 13_002
    for heading in ("What changes for you", "Check yourself"):
        assert re.search(rf"<h2[^>]*>{heading}", raw)
    assert 2 <= raw.count('<details class="question">') <= 4
    assert 'href="../network/"' in raw and 'href="../landscape/"' in raw


def test_every_figure_has_alt_text(raw):
    figures = re.findall(r'<figure class="dh-figure">.*?</figure>', raw, re.S)
    assert len(figures) == 6
    for figure in figures:
        label = re.search(r'<svg [^>]*aria-label="([^"]+)"', figure)
        assert label and len(label[1]) > 30
        assert "<figcaption>" in figure


def test_the_one_hot_target_of_a_three(page):
    vector = ", ".join(f"{v:g}" for v in one_hot(np.array([3]))[0])
    assert f"y = ({vector})" in page


def cost_table(raw: str) -> list[list[str]]:
    """The rows of the worked example's table (the one whose header says 'confident')."""
    table = next(t for t in re.findall(r"<table>.*?</table>", raw, re.S) if "confident" in t)
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>.*?</tr>", table, re.S)]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in rows if row]


def test_the_worked_example_adds_up(raw, page):
    rows = cost_table(raw)
    digits, total = rows[:10], rows[10]
    target = one_hot(np.array([3]))[0]
    confident = np.array([float(row[2]) for row in digits])
    shrug = np.array([float(row[4]) for row in digits])
    assert [int(row[0]) for row in digits] == list(range(10))
    assert [float(row[1]) for row in digits] == list(target)
    assert int(np.argmax(confident)) == 3 and confident[3] > 0.9  # confident and right
    for row, a, b, y in zip(digits, confident, shrug, target):
        assert near(row[3], (a - y) ** 2) and near(row[5], (b - y) ** 2)
    c_confident = np.sum((confident - target) ** 2)
    c_shrug = np.sum((shrug - target) ** 2)
    assert abs(c_shrug - 0.90) < 1e-12
    assert near(total[3], c_confident) and near(total[5], c_shrug)
    low, high, ratio = stated(page, rf"The confident answer costs {NUMBER} ; the shrug costs {NUMBER} , about {NUMBER} times")
    assert near(low, c_confident) and near(high, c_shrug) and near(ratio, c_shrug / c_confident)
    assert "0.0129" not in page or near("0.0129", c_confident)


def test_why_square(page):
    plain, squared = stated(page, rf"plain differences add up to {NUMBER} :.*?squared misses add up to {NUMBER}")
    assert near(plain, 0.0) and near(squared, 0.90)
    absolute, square = stated(page, rf"A miss of 0\.9 counts {NUMBER} times a miss of 0\.1 as an absolute value, but {NUMBER} times")
    assert near(absolute, 9) and near(square, 81)


def test_the_cost_is_a_function_of_the_knobs(page):
    assert parameter_count() == 13_002
    assert "a whole network: 13,002 weights and biases" in page
    assert f"the {len(load_digits().x_train):,} training digits and their labels" in page


def test_untrained_and_trained_costs(page):
    digits = load_digits()
    run = experiments.video_recipe()
    targets = one_hot(digits.y_train)
    untrained, trained = (np.mean(np.sum((feedforward(net, digits.x_train) - targets) ** 2, axis=1))
                          for net in (run.initial, run.trained))
    assert untrained > 1 and trained < 0.1  # training lowered the cost a lot
    before, after, ratio = stated(page, rf"The untrained network's cost is {NUMBER} ; the trained network's is {NUMBER} , about {NUMBER} times smaller")
    assert near(before, untrained) and near(after, trained) and near(ratio, untrained / trained)


def test_brute_force_is_hopeless(page):
    knobs = parameter_count()
    weights = sum(n_in * n_out for n_in, n_out in zip(SIZES, SIZES[1:]))
    operations = len(load_digits().x_train) * weights
    rate = 1e18 / operations
    log_years = knobs - math.log10(rate * 365.25 * 24 * 3600)
    settings, million, w, n, per_second, years, lifetimes, binary = stated(
        page,
        rf"make \\\(10\^\{{{NUMBER}\}}\\\) settings.*?about {NUMBER} million multiply-adds \({NUMBER} weights times "
        rf"{NUMBER} digits\).*?about {NUMBER} × \\\(10\^\{{10\}}\\\) evaluations a second.*?about "
        rf"\\\(10\^\{{{NUMBER}\}}\\\) years: \\\(10\^\{{{NUMBER}\}}\\\) times the age.*?still be \\\(10\^\{{{NUMBER}\}}\\\) settings")
    assert near(settings, knobs) and near(million, operations / 1e6)
    assert near(w, weights) and near(n, len(load_digits().x_train))
    assert near(per_second, rate / 1e10)
    assert near(years, log_years) and near(lifetimes, log_years - math.log10(1.38e10))
    assert near(binary, knobs * math.log10(2))


def test_a_network_never_graded_on_a_four(page):
    digits = load_digits()
    outputs = feedforward(experiments.without_digit(digit=4).trained, digits.x_test)
    answers = outputs.argmax(axis=1)
    fours = digits.y_test == 4
    says = np.bincount(answers[fours], minlength=10)
    count, never, most, favourite, top, ceiling, others = stated(
        page,
        rf"The test set holds {NUMBER} images of a 4\. The network calls {NUMBER} of the 1,000 test images a 4; "
        rf"it calls {NUMBER} of the 4s a (\d)\. Its top output on the 4s averages {NUMBER} , and output 4 "
        rf"never rises above {NUMBER} on any test image\. On the other nine digits it is right {NUMBER}%")
    assert near(count, fours.sum()) and near(never, (answers == 4).sum()) and never == "0"
    assert near(most, says.max()) and int(favourite) == says.argmax()
    assert near(top, outputs[fours].max(axis=1).mean()) and float(top) > 0.5  # confidently wrong
    assert near(ceiling, outputs[:, 4].max())
    assert near(others, 100 * np.mean(answers[~fours] == digits.y_test[~fours]))


def test_squared_error_beside_cross_entropy(raw):
    table = next(t for t in re.findall(r"<table>.*?</table>", raw, re.S) if "cross-entropy" in t)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    assert len(rows) == 5
    for a, squared, cross_entropy in rows:
        a = float(a)
        assert near(squared, (1 - a) ** 2) and near(cross_entropy, -math.log(a))
        assert float(squared) <= 1  # the squared error is capped ...
    assert float(rows[-1][2]) > 5   # ... the cross-entropy is not
