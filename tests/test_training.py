"""Mini-batch SGD: reproducible, symmetric under constant init, and Nielsen's chapter-1 recipe learns."""

import time

import numpy as np
import pytest

from downhill.data import load_digits
from downhill.network import init_network
from downhill.training import BATCH_SIZE, EPOCHS, ETA, History, train, train_digits


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def small_run(digits, seed, **options):
    rng = np.random.default_rng(seed)
    net = init_network((784, 8, 10), rng=rng)
    history = train(
        net,
        digits.x_train[:600],
        digits.y_train[:600],
        rng=rng,
        epochs=2,
        x_test=digits.x_test[:200],
        y_test=digits.y_test[:200],
        **options,
    )
    return net, history


def test_same_seed_same_history_bit_for_bit(digits):
    net_a, a = small_run(digits, seed=5, snapshot_every=25)
    net_b, b = small_run(digits, seed=5, snapshot_every=25)
    _, c = small_run(digits, seed=6)
    assert a.train_cost == b.train_cost and a.test_cost == b.test_cost
    assert a.train_accuracy == b.train_accuracy and a.test_accuracy == b.test_accuracy
    assert np.array_equal(net_a.parameters(), net_b.parameters())
    assert all(np.array_equal(p, q) for p, q in zip(a.snapshots, b.snapshots))
    assert a.train_cost != c.train_cost


def test_history_records_every_epoch_and_snapshots(digits):
    calls, epochs = [], []
    net, history = small_run(
        digits,
        seed=0,
        snapshot_every=25,
        progress=lambda step, total: calls.append((step, total)),
        on_epoch=lambda epoch, h: epochs.append((epoch, h.epochs)),
    )
    assert isinstance(history, History) and history.epochs == 2
    assert (
        len(history.train_accuracy)
        == len(history.test_cost)
        == len(history.test_accuracy)
        == 2
    )
    assert calls[0] == (1, 120) and calls[-1] == (120, 120) and len(calls) == 120
    assert epochs == [(1, 1), (2, 2)]
    assert history.snapshot_steps == [0, 25, 50, 75, 100]
    # snapshots are copies taken when they say: the first is the untrained network
    # (drawn again from the same seed), the last (step 100 of 120) is not the final one
    assert np.array_equal(
        history.snapshots[0],
        init_network((784, 8, 10), rng=np.random.default_rng(0)).parameters(),
    )
    assert not np.array_equal(history.snapshots[-1], net.parameters())
    assert all(s.shape == (784 * 8 + 8 + 8 * 10 + 10,) for s in history.snapshots)
    assert not np.array_equal(history.snapshots[0], net.parameters())
    assert history.train_cost[1] < history.train_cost[0]


def test_constant_init_keeps_hidden_neurons_identical(digits):
    rng = np.random.default_rng(0)
    net = init_network(rng=rng, init="constant")
    train(net, digits.x_train[:1000], digits.y_train[:1000], rng=rng, epochs=2)
    W1, W2, W3 = net.W
    assert np.ptp(W1).max() > 0  # the weights did move...
    # ...but every neuron of a hidden layer has the same incoming weights,
    assert np.allclose(W1, W1[0], rtol=0, atol=1e-12) and np.allclose(
        W2, W2[0], rtol=0, atol=1e-12
    )
    assert np.ptp(net.b[0]) < 1e-12 and np.ptp(net.b[1]) < 1e-12
    # and the same outgoing weights: the symmetry never breaks
    assert np.allclose(W2, W2[:, :1], rtol=0, atol=1e-12) and np.allclose(
        W3, W3[:, :1], rtol=0, atol=1e-12
    )

    rng = np.random.default_rng(0)
    net = init_network(rng=rng, init="normal")
    train(net, digits.x_train[:1000], digits.y_train[:1000], rng=rng, epochs=2)
    assert np.abs(net.W[0] - net.W[0][0]).max() > 0.1


@pytest.mark.slow
def test_nielsen_recipe_learns_the_digits(digits):
    assert (EPOCHS, BATCH_SIZE, ETA) == (30, 10, 1.5)
    started = time.perf_counter()
    net, history = train_digits(
        digits, hidden=(16, 16), init="normal", cost="quadratic", seed=0
    )
    seconds = time.perf_counter() - started
    print(
        f"\nchapter-1 recipe on the 4,000-digit split: test accuracy {history.test_accuracy[-1]:.4f} "
        f"(best {max(history.test_accuracy):.4f}), train accuracy {history.train_accuracy[-1]:.4f}, "
        f"{seconds:.1f} s for 30 epochs"
    )
    assert history.epochs == 30
    assert history.test_accuracy[-1] >= 0.85
    assert history.train_cost[-1] < history.train_cost[0] / 5


def test_bench_times_an_epoch(digits):
    from downhill.bench import seconds_per_epoch
    from downhill.data import one_hot
    from downhill.training import sgd_step_fused

    net = init_network(rng=np.random.default_rng(0))
    kept = net.parameters()
    x, y = digits.x_train, one_hot(digits.y_train)
    # no bound on the time itself (machines differ): the bench runs, and trains a copy
    assert np.isfinite(
        seconds_per_epoch(sgd_step_fused, net, x, y, 10, fraction=0.05, seed=0)
    )
    assert np.array_equal(net.parameters(), kept)


def test_bench_times_the_three_gradients(digits):
    from downhill.bench import gradient_seconds
    from downhill.data import one_hot

    net = init_network(rng=np.random.default_rng(0))
    times = gradient_seconds(
        net, digits.x_train[:10], one_hot(digits.y_train[:10]), sample=5
    )
    assert list(times) == ["one forward pass", "backpropagation", "finite differences"]
    assert all(np.isfinite(list(times.values())))
