"""The lessons' costs: quadratic without 1/2, cross-entropy, and their slopes."""

import numpy as np
import pytest

from downhill.costs import (
    COSTS,
    CROSS_ENTROPY,
    QUADRATIC,
    cross_entropy_cost,
    cross_entropy_cost_derivative,
    cross_entropy_delta,
    get_cost,
    quadratic_cost,
    quadratic_cost_derivative,
    quadratic_delta,
)
from downhill.data import one_hot
from downhill.network import sigmoid, sigmoid_prime


def test_all_point_one_for_a_three_costs_0_90():
    a, y = np.full(10, 0.1), one_hot(3)
    assert abs(quadratic_cost(a, y) - 0.90) < 1e-12
    assert abs((9 * 0.01 + 0.81) - quadratic_cost(a, y)) < 1e-12


def test_quadratic_cost_averages_over_examples():
    a = np.array([np.full(10, 0.1), one_hot(7)])
    y = one_hot(np.array([3, 7]))
    assert quadratic_cost(a, y) == pytest.approx(0.45, abs=1e-12)
    assert quadratic_cost(y, y) == 0


def test_cross_entropy_values():
    a, y = np.full(10, 0.1), one_hot(3)
    expected = -np.log(0.1) - 9 * np.log(0.9)
    assert cross_entropy_cost(a, y) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(3.250830, abs=1e-6)
    batch = np.array([a, np.full(10, 0.5)])
    assert cross_entropy_cost(batch, one_hot(np.array([3, 3]))) == pytest.approx(
        (expected + 10 * np.log(2)) / 2, rel=1e-12
    )
    # a perfectly confident, correct output costs 0 (0 * ln 0 counts as 0)
    assert cross_entropy_cost(one_hot(3), one_hot(3)) == 0


@pytest.mark.parametrize("cost", [quadratic_cost, cross_entropy_cost])
def test_derivatives_match_finite_differences(cost):
    derivative = {
        quadratic_cost: quadratic_cost_derivative,
        cross_entropy_cost: cross_entropy_cost_derivative,
    }[cost]
    a, y, h = np.random.default_rng(0).uniform(0.05, 0.95, 10), one_hot(4), 1e-6
    numeric = [(cost(a + h * e, y) - cost(a - h * e, y)) / (2 * h) for e in np.eye(10)]
    assert np.allclose(derivative(a, y), numeric, rtol=1e-7, atol=1e-9)


def test_output_deltas_are_dc_da_times_sigma_prime():
    z = np.random.default_rng(0).normal(size=(4, 10))
    a, y = sigmoid(z), one_hot(np.array([0, 3, 3, 9]))
    assert np.allclose(
        quadratic_delta(a, y, z), quadratic_cost_derivative(a, y) * sigmoid_prime(z)
    )
    assert np.allclose(
        cross_entropy_delta(a, y, z),
        cross_entropy_cost_derivative(a, y) * sigmoid_prime(z),
    )


def test_cost_lookup():
    assert (
        get_cost("quadratic") is QUADRATIC and get_cost(CROSS_ENTROPY) is CROSS_ENTROPY
    )
    assert set(COSTS) == {"quadratic", "cross-entropy"}
    with pytest.raises(ValueError, match="unknown cost"):
        get_cost("hinge")
