"""The lesson "What learning really means": the page states what its code computed.

Each test reads a number off the built page and recomputes it independently,
so a stale page, a changed experiment or a typo in a printed sentence fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import recorded
from downhill.data import load_digits, one_hot
from downhill.network import SIZES, feedforward, init_network, parameter_count
from lesson import near, published

pytestmark = pytest.mark.slow

SLUG = "cost"
FIGURES = 6  # figures the lesson draws (tests/test_lesson_skeleton.py)
NUMBER = r"(-?[\d,]*\.?\d+)"


def test_the_summary_states_two_exact_facts(page):
    """The scan block's two numbers: the shrug's cost and the number of knobs."""
    shrug = page.number(r"a shrug of 0\.1 everywhere scores (\d\.\d+)")
    assert near(
        shrug, sum((0.1 - (1.0 if digit == 3 else 0.0)) ** 2 for digit in range(10))
    )
    net = init_network(rng=np.random.default_rng(0))
    knobs = page.number(r"the ([\d,]+) weights and biases can move the score")
    assert near(knobs, sum(W.size + b.size for W, b in zip(net.W, net.b)))
    assert page.html.count('<div class="admonition scan">') == 1


def test_the_one_hot_target_of_a_three(page):
    vector = page.numbers(
        r"The target for a 3: \\\(y = \(" + ", ".join([r"(\d)"] * 10) + r"\)"
    )
    assert vector == [1 if digit == 3 else 0 for digit in range(10)]


def test_the_worked_example_adds_up(page):
    digits = page.rows(r"(\d) (\d) (\d\.\d+) (\d\.\d+) (\d\.\d+) (\d\.\d+)")
    assert len(digits) == 10
    total = page.numbers(r"sum (\d\.\d+) (\d\.\d+)")
    target = one_hot(np.array([3]))[0]
    confident = np.array([row[2] for row in digits])
    shrug = np.array([row[4] for row in digits])
    assert [int(row[0]) for row in digits] == list(range(10))
    assert [float(row[1]) for row in digits] == list(target)
    assert int(np.argmax(confident)) == 3 and confident[3] > 0.9  # confident and right
    for row, a, b, y in zip(digits, confident, shrug, target):
        assert near(row[3], (a - y) ** 2) and near(row[5], (b - y) ** 2)
    c_confident = np.sum((confident - target) ** 2)
    c_shrug = np.sum((shrug - target) ** 2)
    assert abs(c_shrug - 0.90) < 1e-12
    assert near(total[0], c_confident) and near(total[1], c_shrug)
    low, high, ratio = page.numbers(
        rf"The confident answer costs {NUMBER}; the shrug costs {NUMBER}, about {NUMBER} times"
    )
    assert (
        near(low, c_confident)
        and near(high, c_shrug)
        and near(ratio, c_shrug / c_confident)
    )


def test_why_square(page):
    plain, squared = page.numbers(
        rf"plain differences add up to {NUMBER}:.*?squared misses add up to {NUMBER}"
    )
    assert near(plain, 0.0) and near(squared, 0.90)
    absolute, square = page.numbers(
        rf"A miss of 0\.9 counts {NUMBER} times a miss of 0\.1 as an absolute value, but {NUMBER} times"
    )
    assert near(absolute, 9) and near(square, 81)


def test_the_cost_is_a_function_of_the_knobs(page):
    assert parameter_count() == 13_002
    assert "a whole network: 13,002 weights and biases" in page
    assert (
        f"the {len(load_digits().x_train):,} training digits and their labels" in page
    )


def test_untrained_and_trained_costs(page):
    digits = load_digits()
    run = recorded.run("nielsen_recipe")
    targets = one_hot(digits.y_train)
    untrained, trained = (
        np.mean(np.sum((feedforward(net, digits.x_train) - targets) ** 2, axis=1))
        for net in (run.initial, run.trained)
    )
    assert untrained > 1 and trained < 0.1  # training lowered the cost a lot
    before, after, ratio = page.numbers(
        rf"The untrained network's cost is {NUMBER}; the trained network's is {NUMBER}, about {NUMBER} times smaller"
    )
    assert (
        near(before, untrained)
        and near(after, trained)
        and near(ratio, untrained / trained)
    )


def test_brute_force_is_hopeless(page):
    knobs = parameter_count()
    weights = sum(n_in * n_out for n_in, n_out in zip(SIZES, SIZES[1:]))
    operations = len(load_digits().x_train) * weights
    rate = 1e18 / operations
    log_years = knobs - math.log10(rate * 365.25 * 24 * 3600)
    settings, million, w, n, per_second, years, lifetimes, binary = page.numbers(
        rf"make \\\(10\^\{{{NUMBER}\}}\\\) settings.*?about {NUMBER} million multiply-adds \({NUMBER} weights times "
        rf"{NUMBER} digits\).*?about {NUMBER} × \\\(10\^\{{10\}}\\\) evaluations a second.*?about "
        rf"\\\(10\^\{{{NUMBER}\}}\\\) years: \\\(10\^\{{{NUMBER}\}}\\\) times the age.*?still be \\\(10\^\{{{NUMBER}\}}\\\) settings"
    )
    assert near(settings, knobs) and near(million, operations / 1e6)
    assert near(w, weights) and near(n, len(load_digits().x_train))
    assert near(per_second, rate / 1e10)
    assert near(years, log_years) and near(lifetimes, log_years - math.log10(1.38e10))
    assert near(binary, knobs * math.log10(2))


def test_a_network_never_graded_on_a_four(page):
    digits = load_digits()
    outputs = feedforward(recorded.run("without_digit", digit=4).trained, digits.x_test)
    answers = outputs.argmax(axis=1)
    fours = digits.y_test == 4
    says = np.bincount(answers[fours], minlength=10)
    count, never, most, favourite, top, ceiling, others = page.numbers(
        rf"The test set holds {NUMBER} images of a 4\. The network calls {NUMBER} of the 1,000 test images a 4; "
        rf"it calls {NUMBER} of the 4s a (\d)\. Its top output on the 4s averages {NUMBER}, and output 4 "
        rf"never rises above {NUMBER} on any test image\. On the other nine digits it is right {NUMBER}%"
    )
    assert near(count, fours.sum()) and near(never, (answers == 4).sum()) and never == 0
    assert near(most, says.max()) and int(favourite) == says.argmax()
    # confidently wrong
    assert near(top, outputs[fours].max(axis=1).mean()) and float(top) > 0.5
    assert near(ceiling, outputs[:, 4].max())
    assert near(others, 100 * np.mean(answers[~fours] == digits.y_test[~fours]))


def test_squared_error_beside_cross_entropy(page):
    rows = page.rows(r"(?<= )(0\.\d+) (\d\.\d{3}) (\d\.\d\d)(?= )")
    assert len(rows) == 5
    for a, squared, cross_entropy in rows:
        assert near(squared, (1 - a) ** 2) and near(cross_entropy, -math.log(a))
        assert squared <= 1  # the squared error is capped ...
    assert rows[-1][2] > 5  # ... the cross-entropy is not


def test_the_published_costs_beside_ours(page):
    """Nielsen's two results as the table of published results holds them, and ours
    scored again by a plain argmax over the trained networks' outputs."""
    quadratic, xent = published("nielsen_ch1"), published("nielsen_ch3_xent")
    rows = page.rows(r"([\d.]+)% 784-30-10 chapter (\d)")
    assert len(rows) == 2
    assert near(rows[0][0], float(quadratic["value"])) and near(rows[0][1], 1)
    assert near(rows[1][0], float(xent["value"])) and near(rows[1][1], 3)
    his_squared, his_xent, gap = page.numbers(
        r"His two results, ([\d.]+)% and ([\d.]+)%, are ([\d.]+) points apart"
    )
    assert near(his_squared, float(quadratic["value"]))
    assert near(his_xent, float(xent["value"]))
    assert near(gap, float(xent["value"]) - float(quadratic["value"]))

    digits = load_digits()

    def accuracy(name):
        net = recorded.run(name).trained
        answers = feedforward(net, digits.x_test).argmax(axis=1)
        return 100 * np.count_nonzero(answers == digits.y_test) / len(answers)

    n_train, n_test, squared, cross_entropy = page.numbers(
        r"trained on our ([\d,]+) training digits and scored on our ([\d,]+) test "
        r"digits .*? reaches ([\d.]+)% with squared error and ([\d.]+)% with "
        r"cross-entropy"
    )
    assert near(n_train, len(digits.y_train)) and near(n_test, len(digits.y_test))
    ours_squared, ours_xent = (
        accuracy("nielsen_recipe"),
        accuracy("cross_entropy_recipe"),
    )
    assert near(squared, ours_squared) and near(cross_entropy, ours_xent)
    verdict = "does not win" if ours_xent <= ours_squared else "wins"
    assert f"on our digits, cross-entropy {verdict}." in page
    assert "most modern classifiers are trained on it" not in page.text
    assert "softmax with cross-entropy" in page.text
