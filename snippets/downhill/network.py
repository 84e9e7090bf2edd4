"""The network of the lessons: layers of neurons joined by weights and biases.

Layer l has a weight matrix W[l] of shape (n_out, n_in) and a bias vector b[l]
of length n_out (the lists count from 0, so W[0] is the lessons' W^1). A batch
of inputs has one example per row, so the lessons' a = sigma(W a' + b) for
every example at once reads ``sigma(a' @ W.T + b)``. A single image (784,)
works too. Hidden layers use sigmoid (or ReLU); the output layer is always a
sigmoid, so each output lies between 0 and 1 as the costs expect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZES = (784, 16, 16, 10)
INITS = ("normal", "scaled", "constant")


# --8<-- [start:parameter_count]
def parameter_breakdown(sizes=SIZES) -> list[int]:
    """Weights plus biases of each layer: n_in * n_out + n_out."""
    return [n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def parameter_count(sizes=SIZES) -> int:
    """Every weight and bias of the network: 13,002 for 784-16-16-10."""
    return sum(parameter_breakdown(sizes))


# --8<-- [end:parameter_count]


# --8<-- [start:activations]
def sigmoid(z):
    """Squash any number into (0, 1)."""
    return 1 / (1 + np.exp(-z))


def sigmoid_prime(z):
    """The slope of the sigmoid: sigma(z) * (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1 - s)


def relu(z):
    """The rectified linear unit: max(0, z)."""
    return np.maximum(z, 0)


def relu_prime(z):
    """The slope of ReLU: 1 where z > 0, else 0."""
    return np.heaviside(z, 0.0)


# --8<-- [end:activations]


ACTIVATIONS = {"sigmoid": (sigmoid, sigmoid_prime), "relu": (relu, relu_prime)}


@dataclass
class Network:
    """Weights W[l] (n_out, n_in) and biases b[l] (n_out,) of every layer."""

    W: list[np.ndarray]
    b: list[np.ndarray]
    activation: str = "sigmoid"  # of the hidden layers; the output layer is a sigmoid

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.W[0].shape[1], *(W.shape[0] for W in self.W))

    def copy(self) -> Network:
        return Network(
            [W.copy() for W in self.W], [b.copy() for b in self.b], self.activation
        )

    def parameters(self) -> np.ndarray:
        """All parameters in one vector: W[0], b[0], W[1], b[1], ..."""
        return np.concatenate(
            [p.ravel() for W, b in zip(self.W, self.b) for p in (W, b)]
        )

    def set_parameters(self, vector: np.ndarray) -> None:
        """Overwrite every parameter from a vector laid out as parameters() makes it."""
        start = 0
        for p in (p for W, b in zip(self.W, self.b) for p in (W, b)):
            p[...] = np.reshape(vector[start : start + p.size], p.shape)
            start += p.size
        if start != len(vector):
            raise ValueError(f"expected {start} parameters, got {len(vector)}")


# --8<-- [start:init]
def init_network(
    sizes=SIZES,
    *,
    rng: np.random.Generator,
    init: str = "normal",
    activation: str = "sigmoid",
    constant: float = 0.01,
    dtype=np.float64,
) -> Network:
    """A fresh network. init: "normal" draws every weight and bias from N(0, 1)
    (Nielsen's chapter-1 recipe); "scaled" draws weights from N(0, 1/n_in), i.e.
    std 1/sqrt(n_in), and biases from N(0, 1); "constant" sets every weight to
    `constant` and every bias to 0, so all neurons of a layer start out identical."""
    W, b = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        if init == "normal":
            W.append(rng.standard_normal((n_out, n_in)))
            b.append(rng.standard_normal(n_out))
        elif init == "scaled":
            W.append(rng.standard_normal((n_out, n_in)) / np.sqrt(n_in))
            b.append(rng.standard_normal(n_out))
        elif init == "constant":
            W.append(np.full((n_out, n_in), constant))
            b.append(np.zeros(n_out))
        else:
            raise ValueError(f"unknown init {init!r}: choose from {INITS}")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}: choose from {tuple(ACTIVATIONS)}"
        )
    return Network(
        [w.astype(dtype) for w in W], [v.astype(dtype) for v in b], activation
    )


# --8<-- [end:init]


def layer_activations(net: Network) -> list[tuple]:
    """(sigma, sigma') of each layer: net.activation for hidden layers, sigmoid at the output."""
    return [ACTIVATIONS[net.activation]] * (len(net.W) - 1) + [ACTIVATIONS["sigmoid"]]


# --8<-- [start:forward]
def forward(net: Network, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Feed inputs x (one example per row) through the network.

    Returns every layer's activations a (a[0] is x itself) and weighted inputs z,
    which backpropagation needs."""
    a, activations, zs = x, [x], []
    for W, b, (sigma, _) in zip(net.W, net.b, layer_activations(net)):
        z = a @ W.T + b  # z = W a + b, for every row at once
        a = sigma(z)
        zs.append(z)
        activations.append(a)
    return activations, zs


# --8<-- [end:forward]


def feedforward(net: Network, x: np.ndarray) -> np.ndarray:
    """The output layer's activations for inputs x: (n, 10), or (10,) for one image."""
    return forward(net, x)[0][-1]


# --8<-- [start:predict]
def predict(net: Network, x: np.ndarray) -> np.ndarray:
    """The network's answer: the digit whose output neuron is most active."""
    return np.argmax(feedforward(net, x), axis=-1)


# --8<-- [end:predict]


def accuracy(net: Network, x: np.ndarray, labels: np.ndarray) -> float:
    """The fraction of examples the network labels correctly."""
    return float(np.mean(predict(net, x) == labels))
