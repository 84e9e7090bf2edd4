"""Cached training runs, checked against their own networks before a lesson test uses them.

A lesson prints numbers from a run's recorded history (cost and accuracy after each
epoch). Comparing the page with that same record alone would be circular, so a lesson
test takes its runs through `checked`, which recomputes with plain numpy what the
trained network scores on the test digits (and, where the run kept a snapshot per
epoch, what every epoch's network scores on the training and test digits) and
requires the record to agree."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from downhill import experiments
from downhill.data import load_digits


def scores(
    parameters, template, x, labels, cost: str = "quadratic"
) -> tuple[float, float]:
    """(cost, accuracy) of the network with these parameters, by a plain forward loop."""
    net = template.copy()
    net.set_parameters(parameters)
    a = x
    for W, b in zip(net.W, net.b):
        a = 1 / (1 + np.exp(-(a @ W.T + b)))
    target = np.eye(10)[labels]
    if cost == "quadratic":
        cost_value = np.mean(np.sum((a - target) ** 2, axis=1))
    else:  # cross-entropy
        cost_value = np.mean(
            -np.sum(target * np.log(a) + (1 - target) * np.log(1 - a), axis=1)
        )
    return float(cost_value), float(np.mean(a.argmax(axis=1) == labels))


def checked(run, cost: str = "quadratic"):
    """The run, once its record is shown to be what its networks score."""
    digits = load_digits()
    h = run.history
    test_cost, test_accuracy = scores(
        run.trained.parameters(), run.trained, digits.x_test, digits.y_test, cost
    )
    assert h.test_accuracy[-1] == pytest.approx(test_accuracy, abs=1e-12), (
        "the record's last test accuracy"
    )
    assert h.test_cost[-1] == pytest.approx(test_cost, rel=1e-6), (
        "the record's last test cost"
    )
    if len(h.snapshots) == h.epochs + 1:  # one snapshot per epoch: check every epoch
        for epoch, parameters in enumerate(h.snapshots[1:]):
            train = scores(
                parameters, run.trained, digits.x_train, digits.y_train, cost
            )
            test = scores(parameters, run.trained, digits.x_test, digits.y_test, cost)
            assert (h.train_cost[epoch], h.train_accuracy[epoch]) == pytest.approx(
                train, rel=1e-6
            )
            assert (h.test_cost[epoch], h.test_accuracy[epoch]) == pytest.approx(
                test, rel=1e-6
            )
    return run


CROSS_ENTROPY = {"cross_entropy_recipe", "small_training_set"}


@functools.cache
def run(name: str, **options):
    """experiments.<name>(**options), its runs checked (once per session)."""
    result = getattr(experiments, name)(**options)
    cost = "cross-entropy" if name in CROSS_ENTROPY else "quadratic"
    if isinstance(result, dict):
        for value in result.values():
            if hasattr(value, "history"):
                checked(value, cost)
        return result
    return checked(result, cost)
