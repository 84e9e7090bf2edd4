"""Backpropagation agrees with finite differences and with the one-at-a-time version."""

import numpy as np
import pytest

from downhill.backprop import backprop, backprop_one_at_a_time, numerical_gradient
from downhill.costs import CROSS_ENTROPY, QUADRATIC
from downhill.data import one_hot
from downhill.network import init_network
from downhill.training import sgd_step, sgd_step_fused, sgd_step_one_at_a_time


def small_problem(activation="sigmoid", seed=0):
    rng = np.random.default_rng(seed)
    net = init_network((6, 5, 4, 3), rng=rng, init="normal", activation=activation)
    x = rng.normal(size=(8, 6))
    y = one_hot(rng.integers(0, 3, 8), 3)
    return net, x, y


def gradients(activation, cost):
    """Backprop's and finite differences' gradients, each flattened into one vector."""
    net, x, y = small_problem(activation)
    assert net.W[0].dtype == np.float64
    grad_W, grad_b = backprop(net, x, y, cost)
    num_W, num_b = numerical_gradient(net, x, y, cost)
    exact = np.concatenate([g.ravel() for g in grad_W + grad_b])
    numeric = np.concatenate([g.ravel() for g in num_W + num_b])
    assert exact.size == 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3 == 74
    return exact, numeric


@pytest.mark.parametrize("cost", [QUADRATIC, CROSS_ENTROPY], ids=lambda c: c.name)
def test_backprop_matches_finite_differences_on_every_parameter(cost):
    exact, numeric = gradients("sigmoid", cost)
    # no parameter escapes the check with a zero gradient
    assert np.abs(exact).min() > 1e-6
    relative = np.abs(exact - numeric) / (np.abs(exact) + np.abs(numeric))
    print(
        f"sigmoid, {cost.name}: worst relative error over 74 parameters {relative.max():.1e}"
    )
    assert relative.max() < 1e-6, relative.max()


@pytest.mark.parametrize("cost", [QUADRATIC, CROSS_ENTROPY], ids=lambda c: c.name)
def test_backprop_with_relu_matches_finite_differences(cost):
    # ReLU has a kink at 0: a nudge of +-h can cross it, so compare the whole vector
    exact, numeric = gradients("relu", cost)
    assert np.linalg.norm(exact - numeric) < 1e-6 * np.linalg.norm(exact)


@pytest.mark.parametrize("cost", [QUADRATIC, CROSS_ENTROPY], ids=lambda c: c.name)
def test_batch_gradient_equals_one_at_a_time(cost):
    net, x, y = small_problem()
    fast, slow = backprop(net, x, y, cost), backprop_one_at_a_time(net, x, y, cost)
    for a, b in zip(fast[0] + fast[1], slow[0] + slow[1]):
        assert a.shape == b.shape
        assert np.allclose(a, b, rtol=1e-12, atol=1e-15)


def test_batch_gradient_equals_one_at_a_time_on_digits():
    from downhill.data import load_digits

    digits = load_digits()
    net = init_network(rng=np.random.default_rng(0))
    x, y = digits.x_train[:10], one_hot(digits.y_train[:10])
    fast, slow = backprop(net, x, y), backprop_one_at_a_time(net, x, y)
    for a, b in zip(fast[0] + fast[1], slow[0] + slow[1]):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cost", [QUADRATIC, CROSS_ENTROPY], ids=lambda c: c.name)
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_all_three_sgd_steps_take_the_same_step(cost, activation):
    net, x, y = small_problem(activation)
    after = []
    for step in (sgd_step, sgd_step_fused, sgd_step_one_at_a_time):
        moved = net.copy()
        step(moved, x, y, 0.7, cost)
        after.append(moved.parameters())
    assert not np.allclose(after[0], net.parameters())
    assert np.allclose(after[1], after[0], rtol=1e-12, atol=1e-14)
    assert np.allclose(after[2], after[0], rtol=1e-12, atol=1e-14)
