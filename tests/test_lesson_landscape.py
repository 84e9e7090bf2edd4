"""The lesson "The cost landscape": the page states what its code computed.

Each number the page prints is recomputed here another way (analytic formulas,
a dense grid search, the cost evaluated directly through Network.set_parameters)
and compared with the built page, with a tolerance that matches the printed digits.
"""

import functools
import math
import re

import numpy as np
import pytest

import recorded
from downhill.costs import quadratic_cost
from downhill.data import load_digits, one_hot
from downhill.descent import descend, get_function
from downhill.network import Network, feedforward
from lesson import near

pytestmark = pytest.mark.slow
SLUG = "landscape"
FIGURES = 9  # figures the lesson draws (tests/test_lesson_skeleton.py)

NUMBER = r"(-?\d+(?:\.\d+)?)"


@functools.cache
def training():
    digits = load_digits()
    return digits.x_train, one_hot(digits.y_train)


def cost_of(net, theta, x, y):
    net = net.copy()
    net.set_parameters(theta)
    return quadratic_cost(feedforward(net, x), y)


# --- the skeleton ---------------------------------------------------------------------


def test_the_playground_is_embedded_once_and_ends_in_the_shallow_dip(page):
    divs = re.findall(r'<div class="dh-playground"[^>]*>', page.html)
    assert len(divs) == 1
    attributes = dict(re.findall(r'data-([a-z]+)="([^"]*)"', divs[0]))
    assert attributes["function"] == "bumpy2d"
    start = [float(v) for v in attributes["start"].split(",")]
    eta = float(attributes["eta"])
    end = descend("bumpy2d", start, eta=eta, steps=500)[-1]
    assert end[0] < 0 and end[1] < 0, "the preset should settle in the shallow dip"
    # and the page's promise about momentum 0.8 from the same start holds
    rolled = descend("bumpy2d", start, eta=eta, steps=500, momentum=0.8)[-1]
    assert rolled[0] > 0 and rolled[1] > 0


# --- cost as terrain ------------------------------------------------------------------


def test_the_marked_point_and_its_height(page):
    x, y = page.numbers(rf"\(w_1, w_2\) = \({NUMBER}, {NUMBER}\)")
    w1, w2 = x, y
    expected = (
        0.1 * (w1**2 + w2**2)
        - math.exp(-((w1 - 2) ** 2 + (w2 - 1) ** 2))
        - 0.5 * math.exp(-((w1 + 2) ** 2 + (w2 + 1) ** 2))
    )
    assert page.number(rf"stands at height {NUMBER} above it") == pytest.approx(
        expected, abs=5e-4
    )


# --- slopes and the gradient ----------------------------------------------------------


def test_the_one_knob_slope(page):
    assert r"\(w = 3\) the cost is \(C = 9\) and the slope is \(C'(3) = 6\)" in page


def test_rise_over_run_closes_in_on_the_slope(page):
    """The on-ramp's table: steps of 1, 0.1, 0.01, 0.001 to the right of w = 3 on w².
    Recomputed by the algebra the page then shows: the rise is 6h + h², the rate 6 + h."""
    found = page.numbers(
        r"the cost rises by rise over run "
        + " ".join([rf"{NUMBER} {NUMBER} {NUMBER}"] * 4)
    )
    rows = [found[i : i + 3] for i in range(0, 12, 3)]
    for (step, rise, rate), h in zip(rows, [1, 0.1, 0.01, 0.001]):
        assert step == h
        assert near(rise, 6 * h + h * h) and near(rate, 6 + h)
    assert abs(rows[-1][2] - 6) < abs(rows[0][2] - 6)  # closing in on the slope, 6


def test_the_partial_derivatives_of_the_bowl(page):
    """Nudging one knob of w1² + w2² at (3, 4): forward steps of 1e-6 give 2w + 1e-6."""
    along_w1, along_w2 = page.numbers(
        rf"Nudging w₁ alone from \(3, 4\), the cost changes at rate {NUMBER}; "
        rf"nudging w₂ alone, at rate {NUMBER}"
    )
    assert near(along_w1, 2 * 3 + 1e-6) and near(along_w2, 2 * 4 + 1e-6)


def test_the_steepest_direction_is_the_gradient(page):
    steepest, slope = page.numbers(rf"climbs fastest at {NUMBER}°, with slope {NUMBER}")
    gradient_angle = math.degrees(math.atan2(8, 6))  # 53.13°
    assert steepest == pytest.approx(gradient_angle, abs=0.5)
    assert slope == pytest.approx(10, abs=1e-3)  # |(6, 8)| = 10
    # the page measures 720 slopes by nudging; here they are derived: slope along u = (6, 8) . u
    angles = [k / 2 for k in range(720)]
    derived = [
        6 * math.cos(math.radians(t)) + 8 * math.sin(math.radians(t)) for t in angles
    ]
    best = max(range(720), key=derived.__getitem__)
    assert near(steepest, angles[best]) and near(slope, derived[best])
    assert page.number(rf"points at {NUMBER}° and has length") == pytest.approx(
        gradient_angle, abs=0.005
    )
    assert r"\nabla C(3, 4) = (6, 8)" in page and r"\|\nabla C\| = 10" in page
    assert "Of the 720 directions" in page


def test_the_bowl_worked_example(page):
    assert r"C = 3^2 + 4^2 = 25" in page
    assert r"\nabla C = (2 \cdot 3,\ 2 \cdot 4) = (6, 8)" in page
    # -(6, 8)/10, toward (0, 0)
    assert r"(-0.6, -0.8)" in page


def test_the_valley_arrow_misses_the_bottom(page):
    down, home = np.array([-6.0, -20.0]), np.array([-3.0, -1.0])
    angle = math.degrees(
        math.acos(down @ home / (np.linalg.norm(down) * np.linalg.norm(home)))
    )
    assert r"-\nabla C = (-6, -20)" in page
    assert page.number(
        rf"misses the direction to the bottom by {NUMBER}°"
    ) == pytest.approx(angle, abs=0.05)


# --- local and global minima ----------------------------------------------------------


def grid_minima_1d(f, lo, hi, n=700_001):
    w = np.linspace(lo, hi, n)
    c = f(w)
    inner = (c[1:-1] < c[:-2]) & (c[1:-1] < c[2:])
    return w[1:-1][inner], c[1:-1][inner]


def test_the_bumpy_curve_minima(page):
    where, costs = grid_minima_1d(lambda w: 0.1 * (w - 1) ** 2 + np.sin(2 * w), -2, 3.5)
    assert len(where) == 2
    (w_local, w_best), (c_local, c_best) = where, costs
    assert c_local > c_best
    found = page.numbers(
        rf"local minimum at w = {NUMBER} with cost {NUMBER}, and the "
        rf"global minimum at w = {NUMBER} with cost {NUMBER}"
    )
    assert found == pytest.approx([w_local, c_local, w_best, c_best], abs=6e-4)
    assert "The 12 walkers end in just 2 places" in page


@functools.cache
def bumpy_surface_minima():
    """Every local minimum of bumpy2d on a fine grid (spacing 0.002), found without descent."""
    g = np.linspace(-4, 4, 4001)
    w1, w2 = np.meshgrid(g, g)
    c = get_function("bumpy2d").value(np.array([w1, w2]))
    core = c[1:-1, 1:-1]
    lowest = np.ones_like(core, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                lowest &= (
                    core < c[1 + di : c.shape[0] - 1 + di, 1 + dj : c.shape[1] - 1 + dj]
                )
    i, j = np.nonzero(lowest)
    return sorted(zip(core[i, j], w1[1:-1, 1:-1][i, j], w2[1:-1, 1:-1][i, j]))


def test_the_bumpy_surface_minima(page):
    minima = bumpy_surface_minima()
    assert len(minima) == 2
    stated = page.rows(
        rf"a valley floor at \\\(\({NUMBER}, {NUMBER}\)\\\), cost {NUMBER}"
    )
    assert len(stated) == 2
    for (cost, m1, m2), (s1, s2, sc) in zip(minima, stated):
        assert float(s1) == pytest.approx(m1, abs=0.006) and float(s2) == pytest.approx(
            m2, abs=0.006
        )
        assert float(sc) == pytest.approx(cost, abs=6e-4)
    # the core's author: the floors are near (1.81, 0.91) and (-1.61, -0.81), not (2, 1), (-2, -1)
    assert (minima[0][1], minima[0][2]) == pytest.approx((1.81, 0.91), abs=0.01)
    assert (minima[1][1], minima[1][2]) == pytest.approx((-1.61, -0.81), abs=0.01)
    assert "All 64 walkers end at one of these two points" in page


def test_two_close_starts_end_in_different_dips(page):
    shallow, gap, deep = page.numbers(
        rf"the walk ends at cost {NUMBER}, in the shallow dip; starting {NUMBER} to the "
        rf"right, at \(-0.2, -2.5\), it ends at cost {NUMBER}, in the deep one"
    )
    land = get_function("bumpy2d")
    assert shallow == pytest.approx(
        land.value(descend(land, (-0.5, -2.5), 0.3, 300)[-1]), abs=6e-4
    )
    assert deep == pytest.approx(
        land.value(descend(land, (-0.2, -2.5), 0.3, 300)[-1]), abs=6e-4
    )
    assert gap == pytest.approx(0.3)
    assert deep < shallow


# --- the real landscape ---------------------------------------------------------------


def li_direction(net, rng):
    """Li et al. 2018, written out again: row norms of the trained weights, zero biases."""
    W = []
    for weights in net.W:
        d = rng.standard_normal(weights.shape)
        for row in range(len(d)):
            d[row] *= np.linalg.norm(weights[row]) / np.linalg.norm(d[row])
        W.append(d)
    return Network(W, [np.zeros_like(b) for b in net.b])


@functools.cache
def the_slice():
    """Costs on the 21 x 21 slice, by linearity of the first layer (written again here),
    and, directly through set_parameters, on the slice's 80 edge points."""
    x, y = training()
    trained = recorded.run("nielsen_recipe").trained
    rng = np.random.default_rng(1)
    u, v = li_direction(trained, rng), li_direction(trained, rng)
    theta, du, dv = trained.parameters(), u.parameters(), v.parameters()
    grid = np.linspace(-1, 1, 21)
    first = [x @ net.W[0].T for net in (trained, u, v)]
    costs = {}
    for a in grid:
        for b in grid:
            z = first[0] + trained.b[0] + a * first[1] + b * first[2]
            rest = Network(
                [W + a * U + b * V for W, U, V in zip(trained.W[1:], u.W[1:], v.W[1:])],
                trained.b[1:],
            )
            costs[a, b] = quadratic_cost(feedforward(rest, 1 / (1 + np.exp(-z))), y)
    edge = {
        (a, b): cost_of(trained, theta + a * du + b * dv, x, y)
        for a in grid
        for b in grid
        if abs(a) == 1 or abs(b) == 1
    }
    return costs, edge


def test_the_slice_around_the_trained_network(page):
    x, y = training()
    trained = recorded.run("nielsen_recipe").trained
    centre = quadratic_cost(feedforward(trained, x), y)
    assert page.number(
        rf"At the centre, the trained network, the cost is {NUMBER}"
    ) == pytest.approx(centre, abs=6e-5)
    assert "the lowest of all 441 points of the grid" in page
    highest, mean = page.numbers(
        rf"The highest, at the edge of the slice, is {NUMBER}, "
        rf"and the average of the 441 points is {NUMBER}"
    )
    costs, edge = the_slice()
    # the centre is the lowest
    assert len(costs) == 441 and min(costs, key=costs.get) == (0.0, 0.0)
    for point, direct in edge.items():  # the linear route agrees with the direct cost
        assert costs[point] == pytest.approx(direct, abs=1e-9)
    assert highest == pytest.approx(max(edge.values()), abs=6e-3)
    assert near(highest, max(costs.values())) and near(
        mean, np.mean(list(costs.values()))
    )
    assert centre < mean < highest


def test_the_straight_line_from_start_to_trained(page):
    x, y = training()
    run = recorded.run("nielsen_recipe")
    start, end = run.initial.parameters(), run.trained.parameters()

    def line(alpha):
        return cost_of(run.trained, (1 - alpha) * start + alpha * end, x, y)

    at_start, at_end = page.numbers(
        rf"At the random start the cost is {NUMBER}; at the "
        rf"trained knobs, {NUMBER}\."
    )
    assert at_start == pytest.approx(line(0.0), abs=6e-4)
    assert at_end == pytest.approx(line(1.0), abs=6e-5)
    between = [line(a) for a in np.linspace(0, 1, 21)]
    assert all(later < earlier for earlier, later in zip(between, between[1:]))
    assert "across the 21 points we measured, the cost falls at every step" in page
    alpha, lowest = page.numbers(
        rf"the lowest point we measured on the line is at "
        rf"α = {NUMBER}, with cost {NUMBER}"
    )
    assert (
        alpha > 1 and lowest == pytest.approx(line(alpha), abs=6e-5) and lowest < at_end
    )
    beyond = page.number(
        rf"Beyond the start, at α = -0.25, the cost is higher still: {NUMBER}"
    )
    assert beyond == pytest.approx(line(-0.25), abs=6e-4) and beyond > at_start
