"""The lesson "Backpropagation": the page states what its code computed.

Every number is recomputed here another way: slopes by finite differences where the
page uses the chain rule, the finite-difference gradient by a separate loop over the
knobs, the work by counting the multiply-adds numpy really performs."""

import functools

import numpy as np
import pytest

import recorded
from downhill import backprop as backprop_module
from downhill.backprop import backprop, backprop_one_at_a_time, numerical_gradient
from downhill.costs import quadratic_cost
from downhill.data import load_digits, one_hot
from downhill.network import forward
from downhill.training import EPOCHS
from lesson import near

pytestmark = pytest.mark.slow
SLUG = "backpropagation"
FIGURES = 4  # figures the lesson draws (tests/test_lesson_skeleton.py)
NUMBER = r"([\d,]+(?:\.\d+)?)"


@functools.cache
def batch(size=10):
    digits = load_digits()
    return (
        digits.x_train[:size],
        one_hot(digits.y_train[:size]),
        recorded.run("nielsen_recipe", seed=0).initial,
    )


@functools.cache
def forward_passes_per_gradient() -> int:
    """Calls of forward() that numerical_gradient makes, counted (on one digit: same count)."""
    calls = 0
    real = backprop_module.forward

    def counting(net, x):
        nonlocal calls
        calls += 1
        return real(net, x)

    x, y, net = batch()
    backprop_module.forward = counting
    try:
        numerical_gradient(net.copy(), x[:1], y[:1])
    finally:
        backprop_module.forward = real
    return calls


class Counted(np.ndarray):
    """An array that counts the multiply-adds of every matrix product it takes part in."""

    multiply_adds = 0

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(i) for i in inputs]
        if ufunc is np.matmul:
            a, b = plain
            Counted.multiply_adds += int(np.prod(a.shape)) * (
                b.shape[-1] if b.ndim > 1 else 1
            )
        result = getattr(ufunc, method)(*plain, **kwargs)
        return result.view(Counted) if isinstance(result, np.ndarray) else result


def counted(work) -> int:
    """Multiply-adds numpy performs in work(net, x, y) on one digit."""
    x, y, net = batch()
    net = net.copy()
    net.W = [W.view(Counted) for W in net.W]
    net.b = [b.view(Counted) for b in net.b]
    Counted.multiply_adds = 0
    work(net, x[:1].view(Counted), y[:1])
    return Counted.multiply_adds


@functools.cache
def slopes_by_a_separate_loop(indices):
    """Central differences (h = 1e-5) for the given (layer, kind, index) knobs, written again."""
    x, y, net = batch()
    net = net.copy()
    slopes = []
    for layer, kind, index in indices:
        p = (net.W if kind == "W" else net.b)[layer]
        kept = p[index]
        p[index] = kept + 1e-5
        up = quadratic_cost(forward(net, x)[0][-1], y)
        p[index] = kept - 1e-5
        down = quadratic_cost(forward(net, x)[0][-1], y)
        p[index] = kept
        slopes.append((up - down) / 2e-5)
    return slopes


@functools.cache
def whole_gradient_by_a_separate_loop():
    x, y, net = batch()
    theta = net.parameters()
    probe = net.copy()
    slopes = np.empty_like(theta)
    for i in range(theta.size):
        nudged = theta.copy()
        nudged[i] = theta[i] + 1e-5
        probe.set_parameters(nudged)
        up = quadratic_cost(forward(probe, x)[0][-1], y)
        nudged[i] = theta[i] - 1e-5
        probe.set_parameters(nudged)
        down = quadratic_cost(forward(probe, x)[0][-1], y)
        slopes[i] = (up - down) / 2e-5
    return slopes


def test_the_count_of_forward_passes(page):
    knobs, extra, central = page.numbers(
        r"With (\S+) knobs, one gradient by one-sided differences takes (\S+) extra forward passes "
        r"after the first, and by central differences (\S+) forward passes"
    )
    x, y, net = batch()
    assert knobs == sum(W.size + b.size for W, b in zip(net.W, net.b)) == 13_002
    assert extra == knobs  # one nudge per knob
    assert central == forward_passes_per_gradient()  # counted, not computed


def test_the_chain_of_two_neurons(page):
    """The chain rule's slopes, checked by nudging each knob (the page's own check, redone)."""
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    knobs = {"w1": 0.8, "b1": -0.2, "w2": 1.5, "b2": -0.5}

    def cost(w1, b1, w2, b2, z1=None, z2=None):
        z1 = w1 * 1.0 + b1 if z1 is None else z1
        z2 = w2 * sigma(z1) + b2 if z2 is None else z2
        return (sigma(z2) - 1.0) ** 2

    def slope(f, at, h=1e-6):
        return (f(at + h) - f(at - h)) / (2 * h)

    z1 = knobs["w1"] + knobs["b1"]
    for name in ("w2", "b2", "w1", "b1"):
        chain, nudged = page.numbers(
            rf"\\partial C/\\partial {name[0]}_{name[1]}\\\) (-?\d\.\d{{6}}) (-?\d\.\d{{6}})"
        )
        expected = slope(lambda v: cost(**{**knobs, name: v}), knobs[name])
        assert near(chain, expected) and near(nudged, expected)
    c, delta2, delta1 = page.numbers(
        r"The cost is \\\(C = (\d\.\d{4})\\\), the errors are \\\(\\delta_2 = "
        r"(-?\d\.\d{4})\\\) and \\\(\\delta_1 = (-?\d\.\d{4})\\\)"
    )
    assert near(c, cost(**knobs))
    z2 = knobs["w2"] * sigma(z1) + knobs["b2"]
    # delta = dC/dz, nudged
    assert near(delta2, slope(lambda z: cost(**knobs, z1=z1, z2=z), z2))
    assert near(delta1, slope(lambda z: cost(**knobs, z1=z), z1))


SIGNED = r"([−-]?\d+(?:\.\d+)?)"


def test_the_chain_drawn_as_a_graph(page):
    """The computation graph's numbers (its alt text, written from the values the figure
    draws): the inputs as the page states them, the forward values by plain formulas,
    every slope by nudging the quantity it belongs to."""
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    stated = page.numbers(
        r"Forward: x = {0}, w1 = {0}, b1 = {0} give z1 = {0} and a1 = {0}; "
        r"w2 = {0}, b2 = {0} give z2 = {0} and a2 = {0}; with the target y = {0} the "
        r"cost is C = {0}\. Backward, the slopes of the cost: dC/da2 = {0}, "
        r"dC/dz2 = {0}, dC/da1 = {0}, dC/dz1 = {0}; dC/dw2 = {0}, dC/db2 = {0}, "
        r"dC/dw1 = {0}, dC/db1 = {0}".replace("{0}", SIGNED),
        source="html",
    )
    x, w1, b1, z1, a1, w2, b2, z2, a2, y, c = stated[:11]
    assert (x, w1, b1, w2, b2, y) == (1, 0.8, -0.2, 1.5, -0.5, 1)  # the chain's inputs
    assert near(z1, 0.8 * 1 + -0.2) and near(a1, sigma(0.6))
    assert near(z2, 1.5 * sigma(0.6) - 0.5) and near(a2, sigma(1.5 * sigma(0.6) - 0.5))
    assert near(c, (sigma(1.5 * sigma(0.6) - 0.5) - 1) ** 2)

    def cost_from(a2=None, z2=None, a1=None, z1=None, w1=0.8, b1=-0.2, w2=1.5, b2=-0.5):
        z1 = w1 * 1.0 + b1 if z1 is None else z1
        a1 = sigma(z1) if a1 is None else a1
        z2 = w2 * a1 + b2 if z2 is None else z2
        a2 = sigma(z2) if a2 is None else a2
        return (a2 - 1.0) ** 2

    at = {"a2": sigma(1.5 * sigma(0.6) - 0.5), "z2": 1.5 * sigma(0.6) - 0.5}
    at |= {"a1": sigma(0.6), "z1": 0.6, "w2": 1.5, "b2": -0.5, "w1": 0.8, "b1": -0.2}
    names = ("a2", "z2", "a1", "z1", "w2", "b2", "w1", "b1")
    for name, printed in zip(names, stated[11:]):
        h = 1e-6
        up = cost_from(**{name: at[name] + h})
        down = cost_from(**{name: at[name] - h})
        assert near(printed, (up - down) / (2 * h)), name
    # "Two of the slopes are equal ... Here the input is x = 1, so the two agree."
    assert stated[-2] == stated[-1]
    assert page.number(r"Here the input is \\\(x = (\d+)\\\), so the two agree") == x


def test_the_gradient_check(page):
    x, y, net = batch()
    nudged = whole_gradient_by_a_separate_loop()
    grad_W, grad_b = backprop(net, x, y)
    exact = np.concatenate([g.ravel() for W, b in zip(grad_W, grad_b) for g in (W, b)])
    assert np.abs(exact - nudged).max() < 1e-6
    relative = np.linalg.norm(exact - nudged) / (
        np.linalg.norm(exact) + np.linalg.norm(nudged)
    )
    mantissa, exponent = page.numbers(r"relative error of (\d\.\d) × 10 ?(-\d+)")
    assert near(mantissa, relative / 10.0**exponent)
    assert 0 < relative < 1e-7  # agreement to rounding error, not just roughly
    gap_m, gap_e, largest = page.numbers(
        r"largest disagreement on any single slope is (\d\.\d) × 10 ?(-\d+), "
        r"while the largest slope is (\d\.\d+)"
    )
    assert near(gap_m, np.abs(exact - nudged).max() / 10.0**gap_e)
    assert gap_m * 10**gap_e < 1e-6
    # the package's backprop, called directly
    assert near(largest, np.abs(exact).max())
    # the nudged slopes, off by rounding only
    assert near(largest, np.abs(nudged).max(), slack=1e-8)
    # the table: the largest weight slope of each layer, and its neuron's bias slope
    rows = page.rows(r"([+-]\d\.\d{8}) ([+-]\d\.\d{8}) (\de-\d+)")
    assert len(rows) == 6
    knobs = []
    for layer in range(3):
        j, k = np.unravel_index(np.abs(grad_W[layer]).argmax(), grad_W[layer].shape)
        knobs += [(layer, "W", (int(j), int(k))), (layer, "b", (int(j),))]
    for (exact_printed, nudged_printed, error), (layer, kind, index) in zip(
        rows, knobs
    ):
        again = slopes_by_a_separate_loop(tuple(knobs))[
            knobs.index((layer, kind, index))
        ]
        assert near(nudged_printed, again)
        # backprop: exact, up to the nudging's error
        assert near(exact_printed, again, slack=2e-8)
        assert exact_printed == pytest.approx(nudged_printed, abs=2e-8)
        truth = (grad_W if kind == "W" else grad_b)[layer][index]
        # the package's backprop, called directly
        assert near(exact_printed, truth)
        assert near(error, abs(truth - again) / (abs(truth) + abs(again)))
        assert error < 1e-6


def test_the_two_errors_of_the_nudging(page):
    """Rounding (machine precision x cost / h) and truncation (from central differences
    at a larger step, scaled by h^2), recomputed with this module's own loop."""
    x, y, net = batch()
    net = net.copy()
    grad_W, _ = backprop(net, x, y)
    cost = quadratic_cost(forward(net, x)[0][-1], y)

    def central(W, index, h):
        kept = W[index]
        W[index] = kept + h
        up = quadratic_cost(forward(net, x)[0][-1], y)
        W[index] = kept - h
        down = quadratic_cost(forward(net, x)[0][-1], y)
        W[index] = kept
        return (up - down) / (2 * h)

    rows = page.rows(r"W\^\{\(\d\)\}_\{\d+,\d+\}\\\) (\de-\d+) (\de-\d+)")
    assert len(rows) == 3
    truncations = []
    for layer, (gap, truncation) in enumerate(rows):
        j, k = np.unravel_index(np.abs(grad_W[layer]).argmax(), grad_W[layer].shape)
        W = net.W[layer]
        assert near(gap, abs(central(W, (j, k), 1e-5) - grad_W[layer][j, k]))
        at_H = abs(central(W, (j, k), 2e-3) - central(W, (j, k), 1e-3)) / 3
        truncations.append(at_H * 1e-4)
        assert near(truncation, truncations[-1])
    c, rounding, low, high = page.numbers(
        r"With the cost at ([\d.]+), rounding alone can move a nudged slope by about "
        r"(\de-\d+), while the truncation error of these slopes is between (\de-\d+) "
        r"and (\de-\d+)\. So at"
    )
    assert near(c, cost) and near(rounding, np.finfo(float).eps * cost / 1e-5)
    assert near(low, min(truncations)) and near(high, max(truncations))
    assert high < rounding  # "rounding is most of the gap"


def test_the_work_is_counted(page):
    x, y, net = batch()
    by_forward = counted(lambda net, x, y: forward(net, x))
    by_backprop = counted(backprop)
    by_nudging = forward_passes_per_gradient() * by_forward
    one, back, ratio, nudges, nudging, less = page.numbers(
        rf"For one digit, a forward pass takes {NUMBER} multiply-adds and backpropagation {NUMBER}, "
        rf"about {NUMBER} forward passes' worth\. Nudging all 13,002 knobs takes {NUMBER} forward passes: "
        rf"{NUMBER} multiply-adds\. Backpropagation does {NUMBER} times less work"
    )
    assert (
        near(one, by_forward)
        and near(back, by_backprop)
        and near(ratio, by_backprop / by_forward)
    )
    assert near(nudges, forward_passes_per_gradient()) and near(nudging, by_nudging)
    assert near(less, by_nudging / by_backprop) and less > 1000  # "thousands of times"
    # "about two forward passes"
    assert 1.5 < by_backprop / by_forward < 3
    seen, billions, trillions = page.numbers(
        rf"Training with the course's recipe computes gradients for {NUMBER} digits\. That is about "
        rf"{NUMBER} billion multiply-adds by backpropagation, and {NUMBER} trillion by finite differences"
    )
    assert near(seen, EPOCHS * len(load_digits().x_train))
    assert near(billions, seen * by_backprop / 1e9) and near(
        trillions, seen * by_nudging / 1e12
    )


def test_what_the_first_layer_gradient_says(page):
    """Checked against the gradient computed one digit at a time (a separate loop)."""
    digits = load_digits()
    x, y, net = batch(100)
    grad_W, grad_b = backprop_one_at_a_time(net, x, y)
    blank = np.all(x == 0, axis=0)
    assert np.all(grad_W[0][:, blank] == 0) and np.all(
        backprop(net, x, y)[0][0][:, blank] == 0
    )
    assert 100 < blank.sum() < 500
    blanks, share = page.numbers(
        r"In this batch (\d+) of the 784 pixels are blank in all 100 digits, "
        r"so (\d+)% of the 12,544"
    )
    assert near(blanks, blank.sum())
    # 16 weights per blank pixel, out of 16 x 784
    assert near(share, 100 * blank.sum() / 784)
    never = page.number(
        r"Across all 4,000 training digits, (\d+) pixels are blank every time"
    )
    assert near(never, sum(1 for pixel in digits.x_train.T if not pixel.any()))
    everything = np.concatenate([g.ravel() for g in grad_W + grad_b])
    squares = np.sort(everything**2)[::-1]
    top = squares[:130].sum() / squares.sum()
    assert top > 0.5
    assert near(
        page.number(r"The largest 1% of the 13,002 components hold (\d+)%"), 100 * top
    )
    quiet = int(np.argmin(np.linalg.norm(grad_W[0], axis=1)))
    median_z = np.median(forward(net, x)[1][0][:, quiet])
    assert median_z < -5  # far out on the sigmoid's flat tail, as the page says
    neuron, median = page.numbers(
        r"The quiet neuron (\d+) has weighted inputs with a median of (-?\d+\.\d)"
    )
    assert near(neuron, quiet) and near(median, median_z)
