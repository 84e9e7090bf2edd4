"""The course's training runs, each computed once and cached on disk.

Several lessons look at the same trained network; the site build, `mkdocs
serve` and the tests all call these functions, and only the first call trains
(see downhill.cache). Every run is seeded: the seed is an argument you can see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from downhill.cache import cached
from downhill.costs import quadratic_cost
from downhill.data import Digits, load_digits
from downhill.network import Network, feedforward, init_network, sigmoid
from downhill.training import BATCH_SIZE, EPOCHS, ETA, History, evaluate, train

STEPS_PER_EPOCH = 4000 // BATCH_SIZE  # on the default 4,000-digit training split


@dataclass
class Run:
    """A network before and after training, and what training recorded."""

    initial: Network
    trained: Network
    history: History


def run(
    digits: Digits,
    *,
    seed: int,
    epochs: int = EPOCHS,
    init: str = "normal",
    hidden=(16, 16),
    **options,
) -> Run:
    """Train a fresh 784-hidden-10 network on digits with Nielsen's chapter-1 recipe by default."""
    rng = np.random.default_rng(seed)
    net = init_network((784, *hidden, 10), rng=rng, init=init)
    initial = net.copy()
    history = train(
        net,
        digits.x_train,
        digits.y_train,
        rng=rng,
        epochs=epochs,
        x_test=digits.x_test,
        y_test=digits.y_test,
        **options,
    )
    return Run(initial, net, history)


# --8<-- [start:nielsen_recipe]
@cached
def nielsen_recipe(*, seed: int = 0) -> Run:
    """Nielsen's chapter-1 recipe on our 4,000 training digits: N(0, 1) start, quadratic
    cost, 30 epochs of mini-batches of 10, eta = 1.5. Keeps the parameters after
    every epoch, for the landscape lessons."""
    return run(
        load_digits(),
        seed=seed,
        eta=ETA,
        batch_size=BATCH_SIZE,
        snapshot_every=STEPS_PER_EPOCH,
    )


# --8<-- [end:nielsen_recipe]


@cached
# --8<-- [start:without_digit]
def without_digit(*, digit: int, seed: int = 0) -> Run:
    """The same recipe, with every training example of one digit removed.
    The test set still has all ten digits."""
    digits = load_digits()
    keep = digits.y_train != digit  # True for every training digit but `digit`
    blind = replace(digits, x_train=digits.x_train[keep], y_train=digits.y_train[keep])
    return run(blind, seed=seed)


# --8<-- [end:without_digit]


# --8<-- [start:symmetry]
@cached
def symmetry(*, init: str, epochs: int = 5, seed: int = 0) -> Run:
    """A short run from a "constant" start (every weight equal) or a random one."""
    return run(load_digits(), seed=seed, init=init, epochs=epochs)


# --8<-- [end:symmetry]


@cached
# --8<-- [start:batch_comparison]
def batch_comparison(
    *, seed: int = 0, larger_eta: float = 6.0, first_steps: int = 100
) -> dict:
    """Full-batch against mini-batch gradient descent, 30 epochs each, one shared start.

    "mini-batch" is nielsen_recipe(): mini-batches of 10, eta = 1.5, 400 steps an epoch.
    "full batch" steps once an epoch on the gradient of all 4,000 training digits,
    with the same eta; "full batch, larger eta" does the same with larger_eta.
    "first steps" holds the training cost (all 4,000 digits) at the start and after
    each of the mini-batch run's first `first_steps` steps: the same run, replayed
    with every step kept."""

    digits = load_digits()
    everything = len(digits.x_train)
    full = run(digits, seed=seed, eta=ETA, batch_size=everything)
    full_larger = run(digits, seed=seed, eta=larger_eta, batch_size=everything)
    mini = nielsen_recipe(seed=seed)
    replay = run(digits, seed=seed, epochs=1, snapshot_every=1)
    assert np.array_equal(replay.history.snapshots[-1], mini.history.snapshots[1])
    net = replay.initial.copy()
    first_steps_cost = []
    for parameters in replay.history.snapshots[: first_steps + 1]:
        net.set_parameters(parameters)
        first_steps_cost.append(evaluate(net, digits.x_train, digits.y_train)[0])
    return {
        "mini-batch": mini,
        "full batch": full,
        "full batch, larger eta": full_larger,
        "larger eta": larger_eta,
        "first steps": np.array(first_steps_cost),
    }


# --8<-- [end:batch_comparison]


# The training lesson (docs/lessons/training.md): Nielsen's chapter-1 recipe
# with one thing changed at a time. Each run starts from the same seed as nielsen_recipe().


# --8<-- [start:learning_rate_sweep]
@cached
def learning_rate_sweep(*, etas=(0.0005, 0.05, 50.0), seed: int = 0) -> dict:
    """Nielsen's chapter-1 recipe at other learning rates: {eta: Run}, one 30-epoch run each,
    all from the same start. eta = 1.5 itself is nielsen_recipe()."""
    digits = load_digits()
    return {eta: run(digits, seed=seed, eta=eta) for eta in etas}


# --8<-- [end:learning_rate_sweep]


@cached
# --8<-- [start:cross_entropy_recipe]
def cross_entropy_recipe(*, eta: float = 0.5, seed: int = 0) -> Run:
    """The course's recipe with the cross-entropy cost instead of the quadratic one.
    eta = 0.5 is Nielsen's choice for cross-entropy (his cross-entropy is ours)."""
    return run(load_digits(), seed=seed, eta=eta, cost="cross-entropy")


# --8<-- [end:cross_entropy_recipe]


@cached
# --8<-- [start:scaled_init_recipe]
def scaled_init_recipe(*, seed: int = 0) -> Run:
    """The course's recipe from a "scaled" start: each weight drawn from N(0, 1/n_in)
    instead of N(0, 1); the same random draws, divided by sqrt(n_in)."""
    return run(load_digits(), seed=seed, init="scaled")


# --8<-- [end:scaled_init_recipe]


@cached
# --8<-- [start:training_set_sizes]
def training_set_sizes(*, sizes=(250, 500, 1000, 2000), seed: int = 0) -> dict:
    """The course's recipe, 30 epochs, on smaller training sets: {size: Run}. Each set
    is the first size/10 training digits of every class; the test set stays all
    1,000 test digits. The full 4,000 is nielsen_recipe()."""
    digits = load_digits()
    runs = {}
    for size in sizes:
        per_class = [
            np.flatnonzero(digits.y_train == d)[: size // 10] for d in range(10)
        ]
        keep = np.sort(np.concatenate(per_class))
        fewer = replace(
            digits, x_train=digits.x_train[keep], y_train=digits.y_train[keep]
        )
        runs[size] = run(fewer, seed=seed)
    return runs


# --8<-- [end:training_set_sizes]


# The memorization lesson (docs/lessons/memorization.md): random labels, capacity, label noise, the path's plane.
# --8<-- [start:random_labels]
def shuffle_labels(digits: Digits, seed: int) -> Digits:
    """The same digits, each training image given the label of another: a seeded
    permutation of y_train, so each label still appears as often, but no longer on
    its own image. The test digits keep their true labels."""
    labels = np.random.default_rng(seed).permutation(digits.y_train)
    return replace(digits, y_train=labels)


def train_on_shuffled_labels(*, seed: int = 0, label_seed: int = 1) -> Run:
    """Nielsen's chapter-1 recipe, as in nielsen_recipe(), from the same start, on the
    same 4,000 training digits with their labels shuffled."""
    shuffled = shuffle_labels(load_digits(), label_seed)
    return run(shuffled, seed=seed, eta=ETA, batch_size=BATCH_SIZE)


# --8<-- [end:random_labels]


@cached
def random_labels(*, seed: int = 0, label_seed: int = 1) -> Run:
    """train_on_shuffled_labels(), computed once."""
    return train_on_shuffled_labels(seed=seed, label_seed=label_seed)


# --8<-- [start:small_training_set]
# one hidden layer of 100 neurons: 79,510 parameters, against our network's 13,002
WIDE = (100,)


def train_on_few_digits(
    *,
    hidden=WIDE,
    labels: str = "shuffled",
    n_train: int = 1000,
    epochs: int = 60,
    eta: float = 0.5,
    seed: int = 0,
    label_seed: int = 1,
) -> Run:
    """n_train training digits picked at random, with their true labels (labels="true")
    or with those labels shuffled among them (labels="shuffled"). Cross-entropy cost,
    weights drawn from N(0, 1/n_in) ("scaled"), mini-batches of 10. The test digits
    keep their true labels."""
    digits = load_digits()
    rng = np.random.default_rng(label_seed)
    pick = rng.permutation(len(digits.x_train))[:n_train]
    y = {
        "true": digits.y_train[pick],
        "shuffled": rng.permutation(digits.y_train[pick]),
    }[labels]
    few = replace(digits, x_train=digits.x_train[pick], y_train=y)
    return run(
        few,
        seed=seed,
        hidden=hidden,
        init="scaled",
        cost="cross-entropy",
        eta=eta,
        epochs=epochs,
    )


# --8<-- [end:small_training_set]


@cached
def small_training_set(**arguments) -> Run:
    """train_on_few_digits(**arguments), computed once."""
    return train_on_few_digits(**arguments)


# --8<-- [start:label_noise]
def train_with_wrong_labels(
    *,
    fraction: float = 0.4,
    hidden=WIDE,
    n_train: int = 2000,
    epochs: int = 40,
    eta: float = 0.5,
    seed: int = 0,
    label_seed: int = 2,
) -> dict:
    """Patterns first, noise later? n_train training digits picked at random; a
    `fraction` of them get a wrong label (one of the nine others, at random). The
    network trains on them as in train_on_few_digits(). After every epoch we also
    record which share of the clean and of the corrupted training digits it answers
    with the label it was given."""

    digits = load_digits()
    rng = np.random.default_rng(label_seed)
    pick = rng.permutation(len(digits.x_train))[:n_train]
    x, labels = digits.x_train[pick], digits.y_train[pick].copy()
    corrupted = np.zeros(n_train, dtype=bool)
    corrupted[rng.permutation(n_train)[: round(fraction * n_train)]] = True
    # never the true digit
    labels[corrupted] = (labels[corrupted] + rng.integers(1, 10, corrupted.sum())) % 10

    fits = {"clean": [], "corrupted": []}

    def record_fits(epoch, history):
        says_given_label = np.argmax(feedforward(net, x), axis=1) == labels
        fits["clean"].append(says_given_label[~corrupted].mean())
        fits["corrupted"].append(says_given_label[corrupted].mean())

    net_rng = np.random.default_rng(seed)
    net = init_network((784, *hidden, 10), rng=net_rng, init="scaled")
    history = train(
        net,
        x,
        labels,
        rng=net_rng,
        epochs=epochs,
        eta=eta,
        cost="cross-entropy",
        x_test=digits.x_test,
        y_test=digits.y_test,
        on_epoch=record_fits,
    )
    return {
        "history": history,
        "corrupted": corrupted,
        "given labels": labels,
        "true labels": digits.y_train[pick],
        "clean fit": np.array(fits["clean"]),
        "corrupted fit": np.array(fits["corrupted"]),
    }


# --8<-- [end:label_noise]


@cached
def label_noise(**arguments) -> dict:
    """train_with_wrong_labels(**arguments), computed once."""
    return train_with_wrong_labels(**arguments)


# --8<-- [start:principal_plane]
def principal_plane(path: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PCA of a path of parameter vectors (one per row), as Li et al. (2018) draw
    training paths: the principal directions of theta_i - theta_final, from numpy's SVD.
    Returns the first two directions, as unit rows of a (2, n) array, and the share of
    the path's spread that each principal direction explains (they add up to 1)."""
    offsets = path[:-1] - path[-1]  # every point, measured from where the path ends
    _, spread, directions = np.linalg.svd(offsets, full_matrices=False)
    return directions[:2], spread**2 / np.sum(spread**2)


# --8<-- [end:principal_plane]


@cached
def cost_on_principal_plane(
    *, seed: int = 0, points: tuple = (31, 25), margin: float = 6.0
) -> dict:
    """The training cost of nielsen_recipe(seed=seed) on the plane through its trained
    parameters spanned by its path's first two principal directions: a grid of
    points[0] x points[1] costs, reaching `margin` beyond the projected path on every side.
    The first layer's weighted sums are linear in the plane's coordinates (a, b), so
    three products with the 4,000 digits serve the whole grid."""

    digits = load_digits()
    x, y = digits.x_train, np.eye(10)[digits.y_train]
    trained = nielsen_recipe(seed=seed).trained
    path = np.array(nielsen_recipe(seed=seed).history.snapshots)
    directions, _ = principal_plane(path)
    # the path's coordinates (a, b) on the plane
    along = (path - path[-1]) @ directions.T
    u, v = trained.copy(), trained.copy()
    u.set_parameters(directions[0])
    v.set_parameters(directions[1])
    z, z_u, z_v = (x @ net.W[0].T + net.b[0] for net in (trained, u, v))

    def cost_at(a, b):  # C(theta_final + a u + b v) on the training digits
        rest = Network(
            [W + a * U + b * V for W, U, V in zip(trained.W[1:], u.W[1:], v.W[1:])],
            [c + a * cu + b * cv for c, cu, cv in zip(trained.b[1:], u.b[1:], v.b[1:])],
        )
        return quadratic_cost(feedforward(rest, sigmoid(z + a * z_u + b * z_v)), y)

    a_grid = np.linspace(
        along[:, 0].min() - margin, along[:, 0].max() + margin, points[0]
    )
    b_grid = np.linspace(
        along[:, 1].min() - margin, along[:, 1].max() + margin, points[1]
    )
    costs = np.array([[cost_at(a, b) for a in a_grid] for b in b_grid])
    return {"a": a_grid, "b": b_grid, "cost": costs, "path": along}
