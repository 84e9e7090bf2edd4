"""Lesson 5, "Backpropagation": the page states what its code computed."""

import re

import numpy as np
import pytest

from downhill import experiments
from downhill.backprop import backprop
from downhill.data import load_digits, one_hot
from downhill.network import forward, parameter_count

pytestmark = pytest.mark.slow

NUMBER = r"([\d,]+(?:\.\d+)?)"


@pytest.fixture(scope="module")
def html(site):
    return (site / "lessons/backpropagation/index.html").read_text(encoding="utf8")


@pytest.fixture(scope="module")
def page(html):
    text = re.sub(r"<[^>]+>", "", html)
    return re.sub(r"\s+", " ", text)


def number(pattern, page):
    match = re.search(pattern, page)
    assert match, f"not on the page: {pattern}"
    return [float(g.replace(",", "")) for g in match.groups()]


@pytest.fixture(scope="module")
def batch():
    digits = load_digits()
    net = experiments.video_recipe(seed=0).initial
    return digits, net


def test_the_skeleton_is_there(html, page):
    assert 'class="admonition scan"' in html
    assert "Scan it in five minutes" in page
    assert page.count("Check yourself") >= 1 and "What changes for you" in page
    assert 2 <= html.count('<details class="question"') <= 4
    assert 'href="../gradient-descent/"' in html and 'href="../training/"' in html


def test_every_figure_has_alt_text(html):
    figures = re.findall(r"<svg [^>]*>", html)
    figures = [f for f in figures if "dh-figure__svg" in f and 'role="img"' in f]  # a figure's first panel
    assert len(figures) == 3
    for svg in figures:
        label = re.search(r'aria-label="([^"]+)"', svg)
        assert label and len(label[1]) > 30


def test_the_count_of_forward_passes(page):
    assert parameter_count() == 13_002
    assert ("one-sided differences takes 13,002 extra forward passes after the first, "
            "and by central differences 26,004 forward passes") in page


def test_the_chain_of_two_neurons(page):
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    w1, b1, w2, b2, x, y = 0.8, -0.2, 1.5, -0.5, 1.0, 1.0
    z1 = w1 * x + b1
    a1 = sigma(z1)
    z2 = w2 * a1 + b2
    a2 = sigma(z2)
    delta2 = 2 * (a2 - y) * a2 * (1 - a2)
    delta1 = delta2 * w2 * a1 * (1 - a1)
    for slope in (delta2 * a1, delta2, delta1 * x):
        assert page.count(f"{slope:.6f}") >= 2  # backprop column and nudging column
    assert f"C = {(a2 - y) ** 2:.4f}" in page
    assert f"\\delta_2 = {delta2:.4f}" in page and f"\\delta_1 = {delta1:.4f}" in page


def test_the_gradient_check(page, batch):
    digits, net = batch
    x, y = digits.x_train[:10], one_hot(digits.y_train[:10])
    grad_W, grad_b = backprop(net, x, y)
    mantissa, exponent = number(r"relative error of (\d\.\d) × 10(-\d+)", page)
    relative = mantissa * 10 ** exponent
    assert 0 < relative < 1e-7  # agreement to rounding error, not just roughly
    gap_m, gap_e, largest = number(r"largest disagreement on any single slope is (\d\.\d) × 10(-\d+), "
                                   r"while the largest slope is (\d\.\d+)", page)
    assert gap_m * 10 ** gap_e < 1e-6
    biggest = max(np.abs(g).max() for g in grad_W + grad_b)
    assert largest == pytest.approx(biggest, abs=1e-3)
    # the table: the largest weight slope of each layer, and its neuron's bias slope
    rows = re.findall(r"([+-]\d\.\d{8}) ([+-]\d\.\d{8}) (\d e-\d+|\de-\d+)", page)
    assert len(rows) == 6
    for layer in range(3):
        j, k = np.unravel_index(np.abs(grad_W[layer]).argmax(), grad_W[layer].shape)
        assert f"{grad_W[layer][j, k]:+.8f}" in page
        assert f"{grad_b[layer][j]:+.8f}" in page
    for exact, nudged, error in rows:
        assert float(exact) == pytest.approx(float(nudged), abs=2e-8)
        assert float(error.replace(" ", "")) < 1e-6


def test_backprop_is_thousands_of_times_faster(page):
    t_backprop, per_forward, t_sample_ms, t_all, ratio = number(
        rf"one backpropagation took {NUMBER} ms \(about {NUMBER} forward passes' worth\), "
        rf"and nudging 400 weights took {NUMBER} ms, so all 13,002 would take about {NUMBER} s\. "
        rf"Backpropagation was {NUMBER} times faster", page)
    # timings differ from machine to machine: check the claims, not the exact times
    assert ratio > 1000, "the page says backprop is thousands of times faster"
    assert 1 < per_forward < 20  # a backward pass costs a few forward passes
    assert t_all == pytest.approx(t_sample_ms / 1000 / 400 * 13_002, rel=0.02)
    assert ratio == pytest.approx(t_all / (t_backprop / 1000), rel=0.02)
    measured = experiments.gradient_timings(sample=400)  # the cached measurement the page prints
    assert t_backprop == pytest.approx(measured["backprop"] * 1000, rel=0.01)
    assert ratio == pytest.approx(measured["finite_differences"] / measured["backprop"], rel=0.01)
    steps, by_backprop, hours = number(
        rf"recipe takes {NUMBER} steps\. At these speeds their gradients cost about {NUMBER} s "
        rf"by backpropagation, and about {NUMBER} hours", page)
    assert steps == 12_000
    assert by_backprop == pytest.approx(steps * t_backprop / 1000, rel=0.05, abs=0.06)
    assert hours == pytest.approx(steps * t_all / 3600, rel=0.05, abs=0.06)


def test_what_the_first_layer_gradient_says(page, batch):
    digits, net = batch
    x, y = digits.x_train[:100], one_hot(digits.y_train[:100])
    grad_W, grad_b = backprop(net, x, y)
    blank = np.all(x == 0, axis=0)
    assert np.all(grad_W[0][:, blank] == 0)
    assert 100 < blank.sum() < 500
    assert (f"In this batch {blank.sum()} of the 784 pixels are blank in all 100 digits, "
            f"so {np.mean(grad_W[0] == 0):.0%} of the 12,544") in page
    never = int(np.sum(np.all(digits.x_train == 0, axis=0)))
    assert f"Across all 4,000 training digits, {never} pixels are blank every time" in page
    everything = np.concatenate([g.ravel() for g in grad_W + grad_b])
    squares = np.sort(everything ** 2)[::-1]
    share = squares[:130].sum() / squares.sum()
    assert share > 0.5
    assert f"The largest 1% of the 13,002 components hold {share:.0%}" in page
    quiet = int(np.argmin(np.linalg.norm(grad_W[0], axis=1)))
    median_z = np.median(forward(net, x)[1][0][:, quiet])
    assert median_z < -5  # far out on the sigmoid's flat tail, as the page says
    assert f"The quiet neuron {quiet} has weighted inputs with a median of {median_z:.1f}" in page
    assert f"neuron {quiet}" in page
