"""How wrong is the network? The lessons' two costs, with the slopes backprop needs.

Outputs a and targets y have one example per row (or are single vectors of
10 values). Each cost sums over the outputs and averages over the examples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from downhill.network import sigmoid_prime


def examples(a: np.ndarray) -> int:
    """How many examples a holds: its rows, or 1 for a single output vector."""
    return 1 if np.ndim(a) == 1 else len(a)


# --8<-- [start:quadratic_cost]
def quadratic_cost(a, y):
    """Sum over outputs of (a_j - y_j)^2, averaged over examples (no factor 1/2)."""
    return np.sum((a - y) ** 2) / examples(a)


def quadratic_cost_derivative(a, y):
    """dC/da for one example: 2 (a - y)."""
    return 2 * (a - y)


def quadratic_delta(a, y, z):
    """Output-layer error delta^L = dC/da * sigma'(z^L)."""
    return quadratic_cost_derivative(a, y) * sigmoid_prime(z)


# --8<-- [end:quadratic_cost]


# --8<-- [start:cross_entropy_cost]
def cross_entropy_cost(a, y):
    """Sum over outputs of -[y ln a + (1 - y) ln(1 - a)], averaged over examples."""
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 * ln 0 counts as 0
        per_output = np.nan_to_num(-y * np.log(a) - (1 - y) * np.log(1 - a))
    return np.sum(per_output) / examples(a)


def cross_entropy_cost_derivative(a, y):
    """dC/da for one example: (a - y) / (a (1 - a))."""
    return (a - y) / (a * (1 - a))


def cross_entropy_delta(a, y, z):
    """Output-layer error: dC/da * sigma'(z^L) = a - y, since sigma'(z) = a (1 - a)."""
    return a - y


# --8<-- [end:cross_entropy_cost]


@dataclass(frozen=True)
class Cost:
    """A cost: its value, its slope dC/da per example, and the output-layer delta."""

    name: str
    value: Callable
    derivative: Callable
    delta: Callable


QUADRATIC = Cost(
    "quadratic", quadratic_cost, quadratic_cost_derivative, quadratic_delta
)
CROSS_ENTROPY = Cost(
    "cross-entropy",
    cross_entropy_cost,
    cross_entropy_cost_derivative,
    cross_entropy_delta,
)
COSTS = {cost.name: cost for cost in (QUADRATIC, CROSS_ENTROPY)}


def get_cost(cost: str | Cost) -> Cost:
    """A Cost from its name ("quadratic", "cross-entropy") or the Cost itself."""
    if isinstance(cost, Cost):
        return cost
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r}: choose from {tuple(COSTS)}")
    return COSTS[cost]
