"""The 784-16-16-10 network: its parameter count, activations and forward pass."""

import numpy as np
import pytest

from downhill.network import (
    SIZES,
    Network,
    accuracy,
    feedforward,
    forward,
    init_network,
    parameter_breakdown,
    parameter_count,
    predict,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
)


def test_parameter_count_is_13002():
    assert SIZES == (784, 16, 16, 10)
    assert parameter_breakdown() == [12_560, 272, 170]
    assert parameter_count() == 13_002
    assert parameter_count((784, 30, 10)) == 23_860
    net = init_network(rng=np.random.default_rng(0))
    assert net.parameters().size == 13_002 and net.sizes == SIZES


def test_forward_shapes_batch_and_single():
    net = init_network(rng=np.random.default_rng(0))
    x = np.random.default_rng(1).random((7, 784))
    activations, zs = forward(net, x)
    assert [a.shape for a in activations] == [(7, 784), (7, 16), (7, 16), (7, 10)]
    assert [z.shape for z in zs] == [(7, 16), (7, 16), (7, 10)]
    assert activations[0] is x
    assert np.allclose(activations[1], sigmoid(x @ net.W[0].T + net.b[0]))
    assert feedforward(net, x[0]).shape == (10,)
    assert np.allclose(feedforward(net, x[0]), feedforward(net, x)[0])
    assert predict(net, x).shape == (7,) and predict(net, x[0]).ndim == 0
    assert np.array_equal(predict(net, x), np.argmax(activations[-1], axis=1))
    labels = predict(net, x).copy()
    labels[[1, 4]] = (labels[[1, 4]] + 1) % 10  # two of the seven answers made wrong
    assert accuracy(net, x, labels) == pytest.approx(5 / 7)


def test_output_layer_is_sigmoid_even_with_relu_hidden():
    net = init_network((5, 4, 3), rng=np.random.default_rng(0), activation="relu")
    activations, zs = forward(net, np.random.default_rng(1).normal(size=(6, 5)))
    assert np.array_equal(activations[1], np.maximum(zs[0], 0))
    assert np.array_equal(activations[2], sigmoid(zs[1]))


def test_sigmoid_and_relu():
    assert sigmoid(0.0) == 0.5 and sigmoid_prime(0.0) == 0.25
    assert sigmoid(40.0) == pytest.approx(1.0) and sigmoid(-40.0) == pytest.approx(
        0.0, abs=1e-17
    )
    z = np.linspace(-5, 5, 11)
    assert np.allclose(sigmoid(z) + sigmoid(-z), 1)
    assert np.allclose(sigmoid_prime(z), (sigmoid(z + 1e-6) - sigmoid(z - 1e-6)) / 2e-6)
    assert relu(np.array([-2.0, 0.0, 3.0])).tolist() == [0, 0, 3]
    assert relu_prime(np.array([-2.0, 0.0, 3.0])).tolist() == [0, 0, 1]


def test_initialisations():
    rng = np.random.default_rng(0)
    normal = init_network(rng=rng, init="normal")
    scaled = init_network(rng=rng, init="scaled")
    constant = init_network(rng=rng, init="constant", constant=0.02)
    assert [W.shape for W in normal.W] == [(16, 784), (16, 16), (10, 16)]
    assert [b.shape for b in normal.b] == [(16,), (16,), (10,)]
    assert abs(normal.W[0].std() - 1) < 0.03
    assert abs(scaled.W[0].std() * np.sqrt(784) - 1) < 0.03
    assert all(np.all(W == 0.02) for W in constant.W) and all(
        np.all(b == 0) for b in constant.b
    )
    with pytest.raises(ValueError, match="unknown init"):
        init_network(rng=rng, init="xavier")


def test_same_seed_same_network():
    a = init_network(rng=np.random.default_rng(3))
    b = init_network(rng=np.random.default_rng(3))
    c = init_network(rng=np.random.default_rng(4))
    assert np.array_equal(a.parameters(), b.parameters())
    assert not np.array_equal(a.parameters(), c.parameters())


def test_parameters_round_trip():
    net = init_network((6, 5, 3), rng=np.random.default_rng(0))
    copy = net.copy()
    vector = np.arange(parameter_count((6, 5, 3)), dtype=float)
    copy.set_parameters(vector)
    assert np.array_equal(copy.parameters(), vector)
    assert copy.W[0][0, :3].tolist() == [0, 1, 2] and copy.b[0][0] == 30
    assert not np.array_equal(net.parameters(), vector)  # the copy shares nothing
    assert isinstance(copy, Network)
