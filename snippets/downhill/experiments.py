"""The course's training runs, each computed once and cached on disk.

Several lessons look at the same trained network; the site build, `mkdocs
serve` and the tests all call these functions, and only the first call trains
(see downhill.cache). Every run is seeded: the seed is an argument you can see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from downhill.cache import cached
from downhill.data import Digits, load_digits
from downhill.network import Network, init_network
from downhill.training import BATCH_SIZE, EPOCHS, ETA, History, train

STEPS_PER_EPOCH = 4000 // BATCH_SIZE  # on the default 4,000-digit training split


@dataclass
class Run:
    """A network before and after training, and what training recorded."""

    initial: Network
    trained: Network
    history: History


def run(digits: Digits, *, seed: int, epochs: int = EPOCHS, init: str = "normal",
        hidden=(16, 16), **options) -> Run:
    """Train a fresh 784-hidden-10 network on digits with the video's recipe by default."""
    rng = np.random.default_rng(seed)
    net = init_network((784, *hidden, 10), rng=rng, init=init)
    initial = net.copy()
    history = train(net, digits.x_train, digits.y_train, rng=rng, epochs=epochs,
                    x_test=digits.x_test, y_test=digits.y_test, **options)
    return Run(initial, net, history)


# --8<-- [start:video_recipe]
@cached
def video_recipe(*, seed: int = 0) -> Run:
    """The video's recipe on our 4,000 training digits: N(0, 1) start, quadratic
    cost, 30 epochs of mini-batches of 10, eta = 1.5. Keeps the parameters after
    every epoch, for the landscape lessons."""
    return run(load_digits(), seed=seed, eta=ETA, batch_size=BATCH_SIZE,
               snapshot_every=STEPS_PER_EPOCH)
# --8<-- [end:video_recipe]


# --8<-- [start:without_digit]
@cached
def without_digit(*, digit: int, seed: int = 0) -> Run:
    """The same recipe, with every training example of one digit removed.
    The test set still has all ten digits."""
    digits = load_digits()
    keep = digits.y_train != digit
    blind = Digits(digits.x_train[keep], digits.y_train[keep], digits.x_test, digits.y_test,
                   source=f"{digits.source}, without any {digit} in training")
    return run(blind, seed=seed)
# --8<-- [end:without_digit]


# --8<-- [start:symmetry]
@cached
def symmetry(*, init: str, epochs: int = 5, seed: int = 0) -> Run:
    """A short run from a "constant" start (every weight equal) or a random one."""
    return run(load_digits(), seed=seed, init=init, epochs=epochs)
# --8<-- [end:symmetry]
