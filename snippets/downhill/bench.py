"""Speed figures: ``python -m downhill.bench`` (``make bench``).

Times one training epoch on the 4,000-digit split with mini-batches of 10, side
by side in one run, with single-threaded BLAS (the thread variables are set to 1
before numpy is imported; if numpy was already imported, the module re-runs
itself in a fresh interpreter):

* the vectorised trainer train() uses (sgd_step_fused): median of 7 epochs;
* the lessons' vectorised sgd_step (backprop, then the update): median of 5 epochs;
* the one-example-at-a-time implementation: median of 5 runs over a quarter of
  an epoch (1,000 digits, 100 steps), multiplied by 4.

The runs take turns, so a machine that slows down meanwhile slows all three.
Each run starts from the same freshly initialised network (N(0, 1), seed 0).
A second block repeats the comparison with mini-batches of 100.

A last block times one gradient of a mini-batch of 10 digits, the comparison
the backpropagation lesson makes in counted multiply-adds: one forward pass, one
backprop, and central differences on 400 first-layer weights scaled up to all
13,002 knobs (every knob costs the same two forward passes). Medians of repeated runs.
"""

from __future__ import annotations

import os
import sys

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

if __name__ == "__main__" and any(
    os.environ.get(name) != "1" for name in THREAD_VARIABLES
):
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    # too late for the variables to take effect: start afresh
    if "numpy" in sys.modules:
        os.execv(
            sys.executable, [sys.executable, "-m", "downhill.bench", *sys.argv[1:]]
        )

import time

import numpy as np

from downhill.backprop import backprop
from downhill.costs import quadratic_cost
from downhill.data import load_digits, one_hot
from downhill.network import feedforward, forward, init_network, parameter_count
from downhill.training import (
    sgd_step,
    sgd_step_fused,
    sgd_step_one_at_a_time,
    train_epoch,
)

ETA = 1.5


def seconds_per_epoch(
    step, net, x, y, batch_size: int, fraction: float, seed: int
) -> float:
    """Time train_epoch on the first `fraction` of the data, scaled to a whole epoch."""
    n = round(len(x) * fraction)
    net = net.copy()
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    with np.errstate(over="ignore"):
        train_epoch(net, x[:n], y[:n], ETA, batch_size, rng, step=step)
    return (time.perf_counter() - started) / fraction


def compare(batch_size: int, x, y, net) -> dict[str, float]:
    plans = {  # name: (step, fraction of an epoch per run, runs)
        "vectorised (train's sgd_step_fused)": (sgd_step_fused, 1.0, 7),
        "vectorised (lessons' sgd_step)": (sgd_step, 1.0, 5),
        "one example at a time": (sgd_step_one_at_a_time, 0.25, 5),
    }
    times = {name: [] for name in plans}
    for run in range(max(runs for _, _, runs in plans.values())):
        for name, (step, fraction, runs) in plans.items():
            if run < runs:
                times[name].append(
                    seconds_per_epoch(step, net, x, y, batch_size, fraction, run)
                )
    return {name: float(np.median(t)) for name, t in times.items()}


def median_seconds(work, runs: int) -> float:
    """The median wall-clock time of `runs` calls of work()."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def gradient_seconds(net, x, y, sample: int = 400) -> dict[str, float]:
    """Seconds for one forward pass, one backprop and one finite-difference gradient."""
    net = net.copy()

    def nudge_first_weights(h=1e-5):
        flat = net.W[0].reshape(-1)  # a view: writing to it moves the knobs
        for i in range(sample):
            kept = flat[i]
            flat[i] = kept + h
            quadratic_cost(feedforward(net, x), y)
            flat[i] = kept - h
            quadratic_cost(feedforward(net, x), y)
            flat[i] = kept

    return {
        "one forward pass": median_seconds(lambda: forward(net, x), runs=51),
        "backpropagation": median_seconds(lambda: backprop(net, x, y), runs=51),
        "finite differences": median_seconds(nudge_first_weights, runs=5)
        / sample
        * parameter_count(net.sizes),
    }


def main() -> None:
    digits = load_digits()
    x, y = digits.x_train, one_hot(digits.y_train)
    net = init_network(rng=np.random.default_rng(0))
    threads = ", ".join(
        f"{name}={os.environ.get(name, 'unset')}" for name in THREAD_VARIABLES
    )
    print(
        f"data: {digits.source}, {len(x)} training digits; network 784-16-16-10, float64"
    )
    print(f"threads: {threads}")
    for batch_size in (10, 100):
        medians = compare(batch_size, x, y, net)
        print(f"\nmini-batch {batch_size}: seconds per epoch of {len(x)} digits")
        for name, seconds in medians.items():
            print(f"  {name:<38} {seconds:8.4f} s/epoch")
        slow = medians["one example at a time"]
        for name in list(medians)[:2]:
            print(
                f"  speedup, {name[len('vectorised ') :]:<29} {slow / medians[name]:8.1f}x over one at a time"
            )
    print(
        "\n(one at a time: median of 5 quarter-epochs, times 4; vectorised: medians of whole epochs)"
    )
    times = gradient_seconds(net, x[:10], y[:10])
    print(
        "\none gradient of a mini-batch of 10 digits"
        " (the backpropagation lesson counts the same work in multiply-adds)"
    )
    for name, seconds in times.items():
        print(f"  {name:<38} {seconds * 1000:10.3f} ms")
    print(
        f"  backpropagation is {times['finite differences'] / times['backpropagation']:,.0f}x faster than finite differences"
    )


if __name__ == "__main__":
    main()
