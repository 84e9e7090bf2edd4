"""The built gradient-descent lesson: its structure, and every number it states.

Each number is read from the built page and checked against an independent
computation here (plain loops, the cached experiments read another way) or an
exact fact from the science notes, with a tolerance that matches the printed
precision. Training numbers come from the cached experiments, so this file is fast
once the site is built.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

import recorded
from lesson import near

pytestmark = pytest.mark.slow  # reads the built site
SLUG = "gradient-descent"
FIGURES = 8  # figures the lesson draws (tests/test_lesson_skeleton.py)


# --- structure -------------------------------------------------------------------------


def test_playgrounds_are_embedded_with_the_lesson_presets(page):
    divs = re.findall(r'<div class="dh-playground"[^>]*>', page.html)
    assert len(divs) >= 2
    assert any('data-function="parabola"' in d and 'data-eta="1.1"' in d for d in divs)
    assert any('data-function="valley"' in d for d in divs)


def test_package_code_is_shown(page):
    for shown in (
        "def descent_step(",
        "def descend(",
        "def sgd_step(",
        "def batch_comparison(",
    ):
        assert shown in page.code, shown


# --- one knob --------------------------------------------------------------------------


def plain_walk(eta, steps, w=0.0):
    """Gradient descent on (w - 3)^2 by hand: w <- w - eta * 2 (w - 3)."""
    path = [w]
    for _ in range(steps):
        w = w - eta * 2 * (w - 3)
        path.append(w)
    return path


def test_first_steps_table(page):
    path = plain_walk(0.1, 6)
    for step, (w, new) in enumerate(zip(path, path[1:]), start=1):
        slope = 2 * (w - 3)
        row = f"{step} {w:.4f} {slope:.4f} {-0.1 * slope:+.4f} {new:.4f}"
        assert row in page, row
    assert "1 0.0000 -6.0000 +0.6000 0.6000" in page  # the exact first step


def test_ball_figure_summary(page):
    path = plain_walk(0.1, 12)
    assert page.number(r"After 12 steps the knob is at w = ([\d.]+)") == pytest.approx(
        path[-1], abs=1e-4
    )
    assert page.number(r"the cost has fallen from 9 to ([\d.]+)") == pytest.approx(
        (path[-1] - 3) ** 2, abs=1e-4
    )


def test_steps_shrink_by_a_fixed_factor(page):
    assert page.number(
        r"Every step is exactly ([\d.]+) times the slope"
    ) == pytest.approx(0.1)
    assert page.number(
        r"each step is ([\d.]+) times the previous one"
    ) == pytest.approx(0.8, abs=0.005)
    assert page.number(r"step 1 moves the knob ([\d.]+)") == pytest.approx(
        0.6, abs=0.005
    )
    assert page.number(r"step 20 only ([\d.]+)") == pytest.approx(
        0.6 * 0.8**19, abs=5e-5
    )


def test_learning_rate_thresholds(page):
    assert "0.5 +0.00 0, 3, 3, 3, 3" in page  # lands in one step
    assert "1 -1.00 0, 6, 0, 6, 0" in page  # bounces forever
    w, steps = 0.0, 0
    while abs(w) <= 1e6:  # eta = 1.1 runs away
        w, steps = w - 1.1 * 2 * (w - 3), steps + 1
    assert page.number(r"ran away: beyond \\\(10\^6\\\) after (\d+) steps") == steps
    assert page.number(r"0\.02 \+0\.96 .*? \\\(w = ([\d.]+)\\\)") == pytest.approx(
        3 - 3 * 0.96**100, abs=1e-5
    )
    assert page.number(r"0\.9 -0\.80 .*? \\\(w = ([\d.]+)\\\)") == pytest.approx(
        3, abs=1e-5
    )


# --- two knobs -------------------------------------------------------------------------


def heavy_ball(eta, momentum, steps, w=(-3.5, 1.5), curvatures=(2.0, 20.0)):
    w, v, path = np.array(w, float), np.zeros(2), []
    for _ in range(steps + 1):
        path.append(w.copy())
        v = momentum * v - eta * np.array(curvatures) * w
        w = w + v
    return np.array(path)


def test_valley_numbers(page):
    assert "κ = 20 / 2 = 10" in page.text.replace("\\kappa", "κ")
    assert page.number(r"2 / \(2 \+ 20\) = ([\d.]+)") == pytest.approx(2 / 22, abs=5e-5)
    assert page.number(r"9/11 = ([\d.]+)") == pytest.approx(9 / 11, abs=5e-5)
    assert page.number(r"measured on the walk above: ([\d.]+)") == pytest.approx(
        9 / 11, abs=5e-5
    )

    def steps_to(path):
        return int(np.argmax(np.linalg.norm(path, axis=1) < 1e-3))

    plain, momentum = (
        steps_to(heavy_ball(2 / 22, 0.0, 500)),
        steps_to(heavy_ball(2 / 22, 0.5, 500)),
    )
    assert page.number(r"plain gradient descent (\d+)") == plain
    assert page.number(r"with momentum 0\.5 (\d+)") == momentum
    assert momentum < plain


@functools.cache
def basin_shares(n=121, eta=0.3, steps=800):
    """Shares of an n x n grid of starts on bumpy2d whose walks end nearer the deep floor,
    by a plain loop of w <- w - eta grad C(w) over all starts at once."""
    from downhill.descent import get_function

    land = get_function("bumpy2d")
    grid = np.linspace(-4, 4, n)
    w = np.array(np.meshgrid(grid, grid)).reshape(2, -1)
    for _ in range(steps):
        w = w - eta * land.gradient(w)
    floors = []
    for start in ((3.0, 3.0), (-3.0, -3.0)):
        f = np.array(start)
        for _ in range(steps):
            f = f - eta * land.gradient(f)
        floors.append(f)
    deep = np.hypot(*(w - floors[0][:, None])) < np.hypot(*(w - floors[1][:, None]))
    return deep.size, deep.mean(), 1 - deep.mean()


def test_basins(page):
    from downhill.descent import descend, get_function

    land = get_function("bumpy2d")
    starts, deep_share_now, shallow_share_now = basin_shares()
    assert page.number(r"Of the ([\d,]+) starts") == 121**2 == starts
    deep_share = page.number(r"starts on the map, (\d+)% end in the deep dip")
    shallow_share = page.number(r"and (\d+)% in the shallow one")
    assert near(deep_share, 100 * deep_share_now) and near(
        shallow_share, 100 * shallow_share_now
    )
    # the deep dip drains most of the map
    assert 50 < deep_share < 95
    deep = land.value(descend(land, (3, 3), 0.3, 2000)[-1])
    shallow = land.value(descend(land, (-3, -3), 0.3, 2000)[-1])
    assert page.number(r"deep dip \(cost (-?[\d.]+)\)") == pytest.approx(deep, abs=1e-3)
    assert page.number(r"shallow one \(cost (-?[\d.]+)\)") == pytest.approx(
        shallow, abs=1e-3
    )


# --- the real network ------------------------------------------------------------------


def test_symmetry(page):
    from downhill.data import load_digits
    from downhill.network import accuracy

    digits = load_digits()
    constant, normal = (
        recorded.run("symmetry", init="constant"),
        recorded.run("symmetry", init="normal"),
    )
    W = normal.trained.W[0]
    spread = max(np.abs(W[i] - W[j]).max() for i in range(16) for j in range(16))
    assert page.number(r"training: (\d+) from the constant start") == 0
    # truly identical rows
    assert np.all(constant.trained.W[0] == constant.trained.W[0][0])
    assert page.number(r"([\d.]+) from the random start") == pytest.approx(
        spread, abs=0.005
    )
    assert (
        page.number(r"After (\d+) passes, the constant")
        == normal.history.epochs
        == constant.history.epochs
    )
    moved = np.abs(constant.trained.W[0] - 0.01).max()
    assert page.number(r"did move, by up to ([\d.]+) from") == pytest.approx(
        moved, abs=0.005
    )
    for run, pattern in [
        (constant, r"the constant start reads ([\d.]+)%"),
        (normal, r"the random start ([\d.]+)%"),
    ]:
        assert page.number(pattern) == pytest.approx(
            100 * accuracy(run.trained, digits.x_test, digits.y_test), abs=0.05
        )


def test_batch_comparison(page):
    runs = recorded.run("batch_comparison")
    rows = {
        "full batch, \\(\\eta = 1.5\\)": ("full batch", 30),
        "full batch, \\(\\eta = 6\\)": ("full batch, larger eta", 30),
        "mini-batches of 10, \\(\\eta = 1.5\\)": ("mini-batch", 12000),
    }
    for label, (name, steps) in rows.items():
        history = runs[name].history
        count, cost, accuracy = page.numbers(
            re.escape(label) + r" ([\d,]+) ([\d.]+) ([\d.]+)%"
        )
        assert count == steps
        assert cost == pytest.approx(history.train_cost[-1], abs=5e-5)
        assert accuracy == pytest.approx(100 * history.test_accuracy[-1], abs=0.05)
    mini, full = runs["mini-batch"].history, runs["full batch"].history
    assert (
        mini.train_cost[-1]
        < runs["full batch, larger eta"].history.train_cost[-1]
        < full.train_cost[-1]
    )

    first = runs["first steps"]
    assert len(first) == 101
    assert page.number(r"All three start at training cost ([\d.]+)") == pytest.approx(
        first[0], abs=0.005
    )
    rises = sum(b > a for a, b in zip(first, first[1:]))
    assert page.number(r"made the cost go up (\d+) times") == rises
    # noisy, but mostly downhill
    assert 0 < rises < 100
    caught = next(i for i, c in enumerate(first) if c <= full.train_cost[-1])
    assert page.number(r"after only (\d+) steps") == caught
    assert page.number(r"having looked at ([\d,]+) digits") == 10 * caught


def test_the_training_run(page):
    from downhill.costs import quadratic_cost
    from downhill.data import load_digits, one_hot
    from downhill.network import accuracy, feedforward

    digits = load_digits()
    run = recorded.run("nielsen_recipe")
    start = quadratic_cost(
        feedforward(run.initial, digits.x_train), one_hot(digits.y_train)
    )
    end = quadratic_cost(
        feedforward(run.trained, digits.x_train), one_hot(digits.y_train)
    )
    final = 100 * accuracy(run.trained, digits.x_test, digits.y_test)
    assert page.number(r"Before training the cost is ([\d.]+)") == pytest.approx(
        start, abs=5e-4
    )
    assert page.number(r"the training cost is ([\d.]+) and it reads") == pytest.approx(
        end, abs=5e-5
    )
    assert page.number(
        r"and it reads ([\d.]+)% of the test digits correctly"
    ) == pytest.approx(final, abs=0.05)
    assert page.number(r"After 30 epochs \(([\d,]+) steps\)") == 30 * 4000 // 10
    # real learning, below the 50,000-image figures
    assert 80 < final < 96
    # review error 2: our test digits are held-out MNIST training images, said so
    assert "not MNIST's official test set" in page


def test_the_published_comparison_says_what_each_number_was_measured_on(page):
    """Review error 1: each accuracy in the table carries its network, recipe, data and
    what it was scored on; the published numbers are checked against the science
    notes (the sources), ours against the cached run."""
    from downhill.data import load_digits
    from downhill.network import accuracy

    digits = load_digits()
    run = recorded.run("nielsen_recipe")
    final = 100 * accuracy(run.trained, digits.x_test, digits.y_test)
    ours = page.number(
        r"Source ([\d.]+)% 784-16-16-10 Nielsen's chapter-1 recipe, eta 1\.5 on our "
        r"cost \(his 3\.0\) 4,000 MNIST training images 1,000 other MNIST training "
        r"images, held out this lesson"
    )
    assert near(ours, final)
    assert page.number(r"about (\d+)% 784-16-16-10 not stated") == 96
    chapter_1 = page.numbers(
        r"([\d.]+)% 784-30-10 chapter 1: N\(0, 1\) start, quadratic cost, 30 epochs, "
        r"mini-batch 10, eta 3\.0 on his halved cost MNIST, ([\d,]+) training images "
        r"MNIST's ([\d,]+) test images, best epoch"
    )
    assert chapter_1 == [95.42, 50_000, 10_000]
    more_data = page.rows(
        r"([\d.]+)% 784-30-10 fig/more_data\.py: cross-entropy, large-weight start, "
        r"eta 0\.5, L2 lambda 0\.0001 x size, 1,500,000 / size epochs MNIST, "
        r"([\d,]+) training images MNIST's ([\d,]+) validation images"
    )
    assert more_data == [[91.3, 2_000, 10_000], [93.2, 5_000, 10_000]]
    # the prose's claim: ours, on 4,000 images, is below every row trained on more
    assert final < min(95.42, 96)
    # the promise about the training lesson names what it really shows (review error 4)
    assert "what more data and a few tweaks would buy" not in page
