"""Gradient descent on the small landscapes: the facts the lessons state."""

import numpy as np
import pytest

from downhill.descent import DIVERGED, FUNCTIONS, descend, descent_step


def test_parabola_half_step_lands_on_3():
    path = descend("parabola", 0.0, eta=0.5, steps=5)
    assert path.shape == (6, 1) and path[1, 0] == 3.0 and np.all(path[1:] == 3.0)
    assert descend("parabola", [-7.5], eta=0.5, steps=1)[-1, 0] == 3.0


def test_parabola_eta_1_bounces_forever():
    path = descend("parabola", 0.0, eta=1.0, steps=100)
    assert path[:4, 0].tolist() == [0.0, 6.0, 0.0, 6.0]
    assert len(path) == 101 and set(path[:, 0].tolist()) == {0.0, 6.0}


def test_parabola_eta_above_1_diverges_and_stops_early():
    path = descend("parabola", 0.0, eta=1.1, steps=10_000)
    assert len(path) < 10_001
    assert np.abs(path[-1, 0]) > DIVERGED and np.all(np.abs(path[:-1, 0]) <= DIVERGED)
    # each step multiplies the distance to 3 by 1 - 2 eta = -1.2
    assert np.allclose(path[1:6, 0] - 3, (path[:5, 0] - 3) * -1.2)


def test_divergence_to_infinity_is_kept_and_stops():
    # the gradient overflows to inf
    path = descend("parabola", 1e308, eta=1.1, steps=50)
    assert len(path) == 2 and path[0, 0] == 1e308 and path[-1, 0] == -np.inf
    # the start itself is not checked
    path = descend("bowl", (1e7, 0.0), eta=0.1, steps=50)
    assert len(path) == 2 and path[-1, 0] == 8e6


@pytest.mark.parametrize("eta", [0.05, 0.3, 0.5, 0.7, 0.95])
def test_parabola_converges_for_eta_below_1(eta):
    path = descend("parabola", 0.0, eta=eta, steps=2000)
    assert abs(path[-1, 0] - 3) < 1e-6


def test_valley_converges_iff_eta_below_0_1():
    for eta in (0.02, 0.05, 0.09, 0.099):
        assert np.abs(descend("valley", (1.0, 1.0), eta, 5000)[-1]).max() < 1e-6, eta
    # eta * 20 = 2: w2 bounces 1, -1, 1...
    stuck = descend("valley", (1.0, 1.0), 0.1, 5000)
    assert abs(stuck[-1, 1]) == 1.0
    for eta in (0.101, 0.15):
        assert np.abs(descend("valley", (1.0, 1.0), eta, 10_000)[-1]).max() > DIVERGED


def test_valley_zigzags_across_and_crawls_along():
    path = descend("valley", (1.0, 1.0), 0.09, 10)
    assert np.all(np.diff(np.sign(path[:, 1])) != 0)  # w2 flips sign every step
    # w1 creeps towards 0
    assert np.all(np.diff(path[:, 0]) < 0) and np.all(path[:, 0] > 0)


def test_momentum_zero_is_plain_gradient_descent():
    for name, start in (
        ("bumpy", 2.5),
        ("bumpy2d", (0.5, -1.5)),
        ("valley", (1.0, 1.0)),
    ):
        plain = [np.atleast_1d(np.asarray(start, float))]
        for _ in range(30):
            w = plain[-1]
            plain.append(w - 0.05 * FUNCTIONS[name].gradient(w))
        assert np.array_equal(
            descend(name, start, 0.05, 30, momentum=0.0), np.array(plain)
        )


def test_momentum_widens_the_stable_range():
    # stable iff eta * 20 < 2 + 2 beta: eta = 0.12 diverges plainly, converges with beta = 0.5
    assert np.abs(descend("valley", (1.0, 1.0), 0.12, 10_000)[-1]).max() > DIVERGED
    assert (
        np.abs(descend("valley", (1.0, 1.0), 0.12, 3000, momentum=0.5)[-1]).max() < 1e-6
    )


def test_descent_step_is_heavy_ball():
    w, v = descent_step(
        FUNCTIONS["bowl"].gradient, np.array([3.0, 4.0]), np.array([1.0, 0.0]), 0.1, 0.9
    )
    assert np.allclose(v, 0.9 * np.array([1.0, 0.0]) - 0.1 * np.array([6.0, 8.0]))
    assert np.allclose(w, np.array([3.0, 4.0]) + v)


def test_bowl_facts():
    bowl = FUNCTIONS["bowl"]
    assert bowl.value(np.array([3.0, 4.0])) == 25 and bowl.gradient(
        np.array([3.0, 4.0])
    ).tolist() == [6, 8]


def test_bumpy2d_has_deep_and_shallow_valleys():
    deep = descend("bumpy2d", (1.5, 1.5), 0.1, 2000)[-1]
    shallow = descend("bumpy2d", (-1.5, -1.5), 0.1, 2000)[-1]
    # the gentle bowl pulls both minima a little towards the origin
    assert (
        np.linalg.norm(deep - (2, 1)) < 0.5 and np.linalg.norm(shallow - (-2, -1)) < 0.5
    )
    assert FUNCTIONS["bumpy2d"].value(deep) < FUNCTIONS["bumpy2d"].value(shallow) < 0


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_gradients_match_finite_differences(name):
    landscape = FUNCTIONS[name]
    rng, h = np.random.default_rng(0), 1e-6
    for w in rng.uniform(-3, 3, size=(20, landscape.dims)):
        numeric = [
            (landscape.value(w + h * e) - landscape.value(w - h * e)) / (2 * h)
            for e in np.eye(landscape.dims)
        ]
        assert np.allclose(landscape.gradient(w), numeric, rtol=1e-6, atol=1e-8)
        assert landscape.gradient(w).shape == (landscape.dims,)


def test_descend_accepts_scalars_and_arrays():
    assert descend("bumpy", 0.0, 0.1, 3).shape == (4, 1)
    assert descend("bumpy", np.array([0.0]), 0.1, 3).shape == (4, 1)
    assert descend(FUNCTIONS["bowl"], (3, 4), 0.1, 3).shape == (4, 2)
    with pytest.raises(ValueError, match="unknown function"):
        descend("rosenbrock", (0, 0), 0.1, 3)
