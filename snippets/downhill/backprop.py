"""Backpropagation: the gradient of the cost with respect to every weight and bias.

The chain rule, one layer at a time from the output back to the input:

    delta^L   = dC/da^L * sigma'(z^L)                   (output layer)
    delta^l   = (W^{l+1}^T delta^{l+1}) * sigma'(z^l)   (each layer before)
    dC/dW^l   = delta^l a^{l-1}^T                        (averaged over the batch)
    dC/db^l   = delta^l                                  (averaged over the batch)

The lists count layers from 0: W[l] takes activations[l] to activations[l + 1].
"""

from __future__ import annotations

import numpy as np

from downhill.costs import QUADRATIC, Cost, get_cost
from downhill.network import Network, forward, layer_activations


# --8<-- [start:backprop]
def backprop(net: Network, x: np.ndarray, y: np.ndarray, cost: Cost = QUADRATIC):
    """Gradients (grad_W, grad_b) of the batch's average cost.

    x, y: one example per row."""
    activations, zs = forward(net, x)
    sigma_primes = [prime for _, prime in layer_activations(net)]
    m = len(x)
    grad_W, grad_b = [None] * len(net.W), [None] * len(net.b)
    delta = cost.delta(activations[-1], y, zs[-1])  # delta^L = dC/da * sigma'(z^L)
    for l in reversed(range(len(net.W))):
        grad_W[l] = delta.T @ activations[l] / m  # dC/dW = delta a^T, averaged
        grad_b[l] = delta.sum(axis=0) / m  # dC/db = delta, averaged
        if l > 0:
            # (W^T delta) * sigma'(z)
            delta = (delta @ net.W[l]) * sigma_primes[l - 1](zs[l - 1])
    return grad_W, grad_b


# --8<-- [end:backprop]


# --8<-- [start:backprop_one_example]
def backprop_one_example(
    net: Network, x: np.ndarray, y: np.ndarray, cost: Cost = QUADRATIC
):
    """The same gradients for a single example x (784,), y (10,), written as outer products."""
    activations, zs = forward(net, x)
    sigma_primes = [prime for _, prime in layer_activations(net)]
    grad_W, grad_b = [None] * len(net.W), [None] * len(net.b)
    delta = cost.delta(activations[-1], y, zs[-1])  # delta^L = dC/da * sigma'(z^L)
    for l in reversed(range(len(net.W))):
        grad_W[l] = np.outer(delta, activations[l])  # dC/dW = delta a^T
        grad_b[l] = delta  # dC/db = delta
        if l > 0:
            # (W^T delta) * sigma'(z)
            delta = (net.W[l].T @ delta) * sigma_primes[l - 1](zs[l - 1])
    return grad_W, grad_b


# --8<-- [end:backprop_one_example]


# --8<-- [start:backprop_one_at_a_time]
def backprop_one_at_a_time(
    net: Network, x: np.ndarray, y: np.ndarray, cost: Cost = QUADRATIC
):
    """The batch gradient the slow way: one example at a time, then the average."""
    grad_W = [np.zeros_like(W) for W in net.W]
    grad_b = [np.zeros_like(b) for b in net.b]
    for x_one, y_one in zip(x, y):
        g_W, g_b = backprop_one_example(net, x_one, y_one, cost)
        for l in range(len(net.W)):
            grad_W[l] += g_W[l]
            grad_b[l] += g_b[l]
    m = len(x)
    return [g / m for g in grad_W], [g / m for g in grad_b]


# --8<-- [end:backprop_one_at_a_time]


# --8<-- [start:numerical_gradient]
def numerical_gradient(
    net: Network, x: np.ndarray, y: np.ndarray, cost: Cost = QUADRATIC, h: float = 1e-5
):
    """The same gradients by central finite differences: nudge each parameter by +-h.

    Slow (two forward passes per parameter) and only as precise as float64
    allows: a check on backprop for small networks, never a way to train."""
    cost = get_cost(cost)
    grad_W = [np.zeros_like(W) for W in net.W]
    grad_b = [np.zeros_like(b) for b in net.b]
    for params, grads in ((net.W, grad_W), (net.b, grad_b)):
        for p, g in zip(params, grads):
            for i in np.ndindex(p.shape):
                kept = p[i]
                p[i] = kept + h
                up = cost.value(forward(net, x)[0][-1], y)
                p[i] = kept - h
                down = cost.value(forward(net, x)[0][-1], y)
                p[i] = kept
                g[i] = (up - down) / (2 * h)
    return grad_W, grad_b


# --8<-- [end:numerical_gradient]


# --8<-- [start:gradient_work]
def forward_multiply_adds(net: Network) -> int:
    """Multiply-adds in one forward pass of one example.

    z = W a + b uses each weight once."""
    return sum(W.size for W in net.W)


def backprop_multiply_adds(net: Network) -> int:
    """Multiply-adds in one backpropagation of one example: the forward pass, then
    delta a^T (each weight once, for its slope) and W^T delta (each weight of the
    layers after the first once, to carry delta back)."""
    return (
        forward_multiply_adds(net)
        + sum(W.size for W in net.W)
        + sum(W.size for W in net.W[1:])
    )


def finite_difference_multiply_adds(net: Network) -> int:
    """Multiply-adds in one central-difference gradient of one example: two forward
    passes for every weight and bias."""
    knobs = sum(W.size + b.size for W, b in zip(net.W, net.b))
    return 2 * knobs * forward_multiply_adds(net)


# --8<-- [end:gradient_work]
