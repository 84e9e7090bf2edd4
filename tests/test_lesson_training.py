"""Lesson 6, "Training: how it learns": the page states what its code computed.

Each test recomputes a number from the cached experiments, finds the number the
page states, and compares the two with a tolerance (half a unit of the last
digit printed). A few tests also pin the qualitative claims the prose makes
(more data helps, eta = 50 freezes, the scaled start saturates less, ...).
"""

import html as entities
import re

import numpy as np
import pytest

from conftest import read_page
from downhill import experiments
from downhill.data import load_digits
from downhill.network import accuracy, feedforward, forward
from downhill.training import evaluate

pytestmark = pytest.mark.slow

NIELSEN_SIZES = {500: 85.3, 1000: 88.9, 2000: 91.3}  # science.md: 784-30-10 on MNIST


@pytest.fixture(scope="module")
def html(site):
    return read_page(site, "lessons/training/index.html")


@pytest.fixture(scope="module")
def page(html):
    text = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", entities.unescape(text))


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(scope="module")
def recipe():
    return experiments.video_recipe()


def stated(page, pattern):
    """The numbers captured by pattern (a regex with groups) on the page, as floats."""
    match = re.search(pattern, page)
    assert match, f"the page does not state: {pattern}"
    return [float(g.replace(",", "")) for g in match.groups()]


def close(stated_value, computed, decimals):
    """stated_value was printed with `decimals` decimals; computed must round to it."""
    return abs(stated_value - computed) <= 0.5 * 10 ** -decimals + 1e-9


def table_row(html, first_cell):
    """The cells of the printed table row that starts with first_cell."""
    match = re.search(rf"<tr><td>{re.escape(first_cell)}</td>(.*?)</tr>", html)
    assert match, f"no table row for {first_cell}"
    return re.findall(r"<td>(.*?)</td>", match.group(1))


def percent(cell):
    return float(cell.rstrip("%"))


def test_the_skeleton_is_there(page, html):
    for part in ("Scan it in five minutes", "What changes for you", "Check yourself"):
        assert part in page
    assert html.count('<details class="question"') >= 2
    labels = re.findall(r'<svg role="img" aria-label="([^"]*)"', html)
    assert len(labels) == 6 and all(len(label) > 40 for label in labels)
    assert "5. Backpropagation" in page and "7. What did it learn?" in page


def test_the_loop_shown_is_the_loop_run(page, digits, recipe):
    before, after, gap = stated(page, r"One epoch of the loop takes the test accuracy from "
                                      r"([\d.]+)% to ([\d.]+)%\. .*? to within ([\d.e+-]+):")
    assert close(before, 100 * accuracy(recipe.initial, digits.x_test, digits.y_test), 1)
    assert close(after, 100 * recipe.history.test_accuracy[0], 1)
    assert gap < 1e-9
    assert 'def train_epoch(' in page and 'def sgd_step(' in page  # the included package code


def test_thirty_epochs(page, digits, recipe):
    h = recipe.history
    epochs, steps, test, train, start, end_train, end_test = stated(
        page, r"after (\d+) epochs \(([\d,]+) steps\) it reads ([\d.]+)% of the test digits "
              r"correctly and ([\d.]+)% of its training digits\. The cost fell from ([\d.]+) to "
              r"([\d.]+) on the training digits and to ([\d.]+) on the test digits")
    assert (epochs, steps) == (30, 12_000)
    assert close(test, 100 * h.test_accuracy[-1], 1)
    assert close(train, 100 * h.train_accuracy[-1], 1)
    assert close(start, evaluate(recipe.initial, digits.x_train, digits.y_train)[0], 2)
    assert close(end_train, h.train_cost[-1], 3) and close(end_test, h.test_cost[-1], 3)
    assert 0.85 < h.test_accuracy[-1] < 0.96  # "most unseen digits", "several points short of 96%"
    (wobble,) = stated(page, r"uncertain by about ±([\d.]+) percentage points")
    p = h.test_accuracy[-1]
    assert close(wobble, 100 * np.sqrt(p * (1 - p) / 1000), 1)


def test_accuracy_against_training_set_size(page, html, recipe):
    runs = {**experiments.training_set_sizes(), 4000: recipe}
    for size, run in runs.items():
        test, train, steps = table_row(html, f"{size:,}")
        assert close(percent(test), 100 * run.history.test_accuracy[-1], 1)
        assert close(percent(train), 100 * run.history.train_accuracy[-1], 1)
        assert int(steps.replace(",", "")) == 30 * size // 10
    ours = [runs[n].history.test_accuracy[-1] for n in sorted(runs)]
    assert all(b > a for a, b in zip(ours, ours[1:]))  # "climbs steadily"
    for size, published in NIELSEN_SIZES.items():  # "ours sits below Nielsen's at every size"
        assert 100 * runs[size].history.test_accuracy[-1] < published
    rise, per_doubling = stated(page, r"rises by (\d+) points, about ([\d.]+) points per doubling")
    assert close(rise, 100 * (ours[-1] - ours[0]), 0)
    assert close(per_doubling, 100 * (ours[-1] - ours[0]) / 4, 1)


def test_learning_rate_sweep(page, html, digits, recipe):
    runs = {**experiments.learning_rate_sweep(), 1.5: recipe}
    for eta, run in runs.items():
        nielsen_eta, cost, test = table_row(html, f"{eta:g}")
        assert float(nielsen_eta) == 2 * eta
        assert close(float(cost), run.history.train_cost[-1], 3)
        assert close(percent(test), 100 * run.history.test_accuracy[-1], 1)
    too_small, too_large = runs[0.0005], runs[50.0]
    assert too_small.history.test_accuracy[-1] < 0.15  # stays near chance ...
    assert too_small.history.train_cost[-1] < 0.5 * too_small.history.train_cost[0]  # ... while the cost falls
    assert abs(too_large.history.train_cost[0] - 1) < 1e-3  # "jumps to exactly 1 in the first epoch"
    assert np.ptp(too_large.history.train_cost) < 1e-3  # "and never moves again"
    assert runs[0.05].history.test_accuracy[-1] < recipe.history.test_accuracy[-1]
    start_cost, start_acc = stated(page, r"Every run starts at a training cost of ([\d.]+) and ([\d.]+)% test accuracy")
    assert close(start_cost, evaluate(recipe.initial, digits.x_train, digits.y_train)[0], 2)
    assert close(start_acc, 100 * accuracy(recipe.initial, digits.x_test, digits.y_test), 1)
    before, after = stated(page, r"the ten outputs average ([\d.]+), far too bright.*?they average ([\d.]+)\.")
    assert close(before, feedforward(too_small.initial, digits.x_test).mean(), 2)
    assert close(after, feedforward(too_small.trained, digits.x_test).mean(), 2)
    frozen = feedforward(too_large.trained, digits.x_test)
    assert frozen.max() < 0.01
    (largest,) = stated(page, r"\(the largest is ([\d.e+-]+)\)")
    assert largest == pytest.approx(frozen.max(), rel=0.5)


def test_quadratic_against_cross_entropy(html, recipe):
    cross_entropy = experiments.cross_entropy_recipe()
    for name, eta, run in (("quadratic", 1.5, recipe), ("cross-entropy", 0.5, cross_entropy)):
        cells = table_row(html, name)
        assert float(cells[0]) == eta
        for cell, epoch in zip(cells[1:], (0, 2, -1)):
            assert close(percent(cell), 100 * run.history.test_accuracy[epoch], 1)
    # "well ahead after the first epoch" (beyond the ~1-point noise), "within a few points" at the end
    assert cross_entropy.history.test_accuracy[0] - recipe.history.test_accuracy[0] > 0.03
    assert abs(cross_entropy.history.test_accuracy[-1] - recipe.history.test_accuracy[-1]) < 0.04


def test_normal_against_scaled_start(page, digits, recipe):
    scaled = experiments.scaled_init_recipe()

    def saturated(net):
        a = forward(net, digits.x_train)[0][1]
        return np.mean((a < 0.01) | (a > 0.99))

    spread_normal, spread_scaled, sat_normal, sat_scaled = stated(
        page, r"the spread of \\\(z\\\) is about ([\d.]+) on average with N\(0, 1\) weights and ([\d.]+) "
              r"with scaled ones\. At the start, (\d+)% .*?with scaled weights, (\d+)%")
    norms = (digits.x_train ** 2).sum(axis=1)
    assert close(spread_normal, np.sqrt(norms + 1).mean(), 1)
    assert close(spread_scaled, np.sqrt(norms / 784 + 1).mean(), 2)
    assert close(sat_normal, 100 * saturated(recipe.initial), 0)
    assert close(sat_scaled, 100 * saturated(scaled.initial), 0)
    # the stated spread really is the spread of z at the normal start
    z = forward(recipe.initial, digits.x_train)[1][0]
    assert spread_normal == pytest.approx(z.std(), rel=0.15)

    s, n = scaled.history.test_accuracy, recipe.history.test_accuracy
    values = stated(page, r"After one epoch the scaled start reads ([\d.]+)% of the test digits, the "
                          r"N\(0, 1\) start ([\d.]+)%; after three, ([\d.]+)% against ([\d.]+)%\. The "
                          r"scaled start first reaches 85% in epoch (\d+), the N\(0, 1\) start in epoch "
                          r"(\d+)\. After 30 epochs: ([\d.]+)% against ([\d.]+)%")
    for value, computed in zip(values[:4], (s[0], n[0], s[2], n[2])):
        assert close(value, 100 * computed, 1)
    assert values[4] == next(e for e, a in enumerate(s, 1) if a >= 0.85)
    assert values[5] == next(e for e, a in enumerate(n, 1) if a >= 0.85)
    assert values[4] < values[5]  # "climbs faster at first"
    assert close(values[6], 100 * s[-1], 1) and close(values[7], 100 * n[-1], 1)


def test_what_converged_looks_like(page, digits, recipe):
    h = recipe.history
    cost = np.array([evaluate(recipe.initial, digits.x_train, digits.y_train)[0], *h.train_cost])
    change = np.abs(np.diff(cost))
    test = np.array(h.test_accuracy)
    settled_cost = next(e for e in range(1, 31) if np.all(change[e - 1:] < 0.01))
    level = test[-5:].mean()
    band = 2 * np.sqrt(level * (1 - level) / 1000)
    settled_accuracy = next(e for e in range(1, 31) if np.all(np.abs(test[e - 1:] - level) <= band))
    values = stated(page, r"From epoch (\d+) on, the training cost never changes by more than 0\.01 in "
                          r"an epoch\. From epoch (\d+) on, the test accuracy stays within ±([\d.]+) points "
                          r"of its final level of ([\d.]+)%\. Yet between epoch \d+ and epoch 30 the "
                          r"training cost still falls by (\d+)%, from ([\d.]+) to ([\d.]+), while the test "
                          r"cost is lowest in epoch (\d+) and barely moves \(([\d.]+) at best, ([\d.]+) at the end\)")
    assert values[:2] == [settled_cost, settled_accuracy]
    assert close(values[2], 100 * band, 1) and close(values[3], 100 * level, 1)
    assert close(values[4], 100 * (1 - cost[-1] / cost[settled_accuracy]), 0)
    assert close(values[5], cost[settled_accuracy], 3) and close(values[6], cost[-1], 3)
    assert values[7] == int(np.argmin(h.test_cost)) + 1
    assert close(values[8], min(h.test_cost), 3) and close(values[9], h.test_cost[-1], 3)
    assert 10 <= settled_accuracy <= 20  # "after roughly half the run"
    assert values[4] > 20  # "the training cost is still creeping down"
