"""Gradient descent on small landscapes, for the lessons and the in-browser playground.

The playground reimplements exactly this contract, so keep the two in step:

* five named functions, each with its value and gradient (FUNCTIONS);
* the update, heavy-ball momentum, where beta = 0 is plain gradient descent:
      v <- beta * v - eta * grad C(w);   w <- w + v      (v starts at 0)
* descend() returns every iterate, the start included, and stops right after
  the first iterate that is not finite or has a coordinate beyond 1e6 in size
  (divergence), keeping that iterate. Only iterates after the start are checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DIVERGED = 1e6  # an iterate with any |coordinate| above this counts as divergence


@dataclass(frozen=True)
class Landscape:
    """A cost C(w) over 1 or 2 parameters, with its gradient."""

    name: str
    dims: int
    value: Callable[[np.ndarray], float]
    gradient: Callable[[np.ndarray], np.ndarray]


# --8<-- [start:functions]
def parabola(w):
    return (w[0] - 3) ** 2


def parabola_gradient(w):
    return np.array([2 * (w[0] - 3)])


def bumpy(w):
    return 0.1 * (w[0] - 1) ** 2 + np.sin(2 * w[0])


def bumpy_gradient(w):
    return np.array([0.2 * (w[0] - 1) + 2 * np.cos(2 * w[0])])


def bowl(w):
    return w[0] ** 2 + w[1] ** 2


def bowl_gradient(w):
    return np.array([2 * w[0], 2 * w[1]])


def valley(w):
    """An elongated bowl: curvature 2 along w1, 20 along w2."""
    return w[0] ** 2 + 10 * w[1] ** 2


def valley_gradient(w):
    return np.array([2 * w[0], 20 * w[1]])


def bumpy2d(w):
    """A gentle bowl with a deep dip near (2, 1) and a shallow one near (-2, -1)."""
    deep = np.exp(-((w[0] - 2) ** 2 + (w[1] - 1) ** 2))
    shallow = np.exp(-((w[0] + 2) ** 2 + (w[1] + 1) ** 2))
    return 0.1 * (w[0] ** 2 + w[1] ** 2) - deep - 0.5 * shallow


def bumpy2d_gradient(w):
    deep = np.exp(-((w[0] - 2) ** 2 + (w[1] - 1) ** 2))
    shallow = np.exp(-((w[0] + 2) ** 2 + (w[1] + 1) ** 2))
    return np.array(
        [
            0.2 * w[0] + 2 * (w[0] - 2) * deep + (w[0] + 2) * shallow,
            0.2 * w[1] + 2 * (w[1] - 1) * deep + (w[1] + 1) * shallow,
        ]
    )


# --8<-- [end:functions]


FUNCTIONS = {
    "parabola": Landscape("parabola", 1, parabola, parabola_gradient),
    "bumpy": Landscape("bumpy", 1, bumpy, bumpy_gradient),
    "bowl": Landscape("bowl", 2, bowl, bowl_gradient),
    "valley": Landscape("valley", 2, valley, valley_gradient),
    "bumpy2d": Landscape("bumpy2d", 2, bumpy2d, bumpy2d_gradient),
}


def get_function(function: str | Landscape) -> Landscape:
    """A Landscape from its name or the Landscape itself."""
    if isinstance(function, Landscape):
        return function
    if function not in FUNCTIONS:
        raise ValueError(
            f"unknown function {function!r}: choose from {tuple(FUNCTIONS)}"
        )
    return FUNCTIONS[function]


# --8<-- [start:descent_step]
def descent_step(gradient, w, v, eta, momentum=0.0):
    """One step of heavy-ball momentum; momentum = 0 is plain gradient descent."""
    v = momentum * v - eta * gradient(w)
    return w + v, v


# --8<-- [end:descent_step]


# --8<-- [start:descend]
def descend(function, start, eta, steps, momentum=0.0) -> np.ndarray:
    """Iterates of gradient descent from start: an array (k + 1, dims), start first.

    Stops early right after the first iterate that is not finite or has a
    coordinate beyond 1e6 in size: the descent has diverged."""
    gradient = get_function(function).gradient
    w = np.atleast_1d(np.asarray(start, dtype=float))
    v = np.zeros_like(w)
    path = [w]
    for _ in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            w, v = descent_step(gradient, w, v, eta, momentum)
        path.append(w)
        if not np.all(np.isfinite(w)) or np.any(np.abs(w) > DIVERGED):
            break
    return np.array(path)


# --8<-- [end:descend]
