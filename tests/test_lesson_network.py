"""The lesson "The network": the page states what its code computed.

Counts are recomputed from the shapes of a freshly made network, scores by a plain
argmax over its outputs, never from the functions the page printed them with."""

import numpy as np
import pytest

import recorded
from downhill.data import load_digits
from downhill.network import feedforward, init_network
from lesson import near

pytestmark = pytest.mark.slow
SLUG = "network"
FIGURES = 5  # figures the lesson draws (tests/test_lesson_skeleton.py)


def test_the_digit_and_its_pixels(page):
    image = load_digits().x_train[0]
    bright = sum(1 for pixel in image if pixel > 0)
    assert 100 < bright < 300
    lit, share = page.numbers(r"lights up (\d+) of its 784 pixels \((\d+)%\)")
    assert near(lit, bright) and near(share, 100 * bright / 784)


def test_the_parameter_count(page):
    net = init_network(rng=np.random.default_rng(0))
    layers = [(W.shape[1], W.shape[0], W.size, b.size) for W, b in zip(net.W, net.b)]
    total = sum(weights + biases for _, _, weights, biases in layers)
    assert total == 13_002
    rows = page.rows(r"(\d+) → (\d+) ([\d,]+) (\d+) ([\d,]+)")
    assert len(rows) == 3
    for row, (n_in, n_out, weights, biases) in zip(rows, layers):
        assert [
            near(v, w)
            for v, w in zip(row, (n_in, n_out, weights, biases, weights + biases))
        ] == [True] * 5
    assert near(page.number(r"All ([\d,]+)"), total)
    stated_total, share = page.numbers(
        r"That is ([\d,]+) numbers, and ([\d.]+)% of them"
    )
    assert near(stated_total, total) and near(
        share, 100 * (layers[0][2] + layers[0][3]) / total
    )
    summary = page.numbers(
        r"There are ([\d,]+) knobs\. ([\d,]+) \+ (\d+) \+ (\d+) weights and biases"
    )
    assert [
        near(v, w) for v, w in zip(summary, (total, *(w + b for _, _, w, b in layers)))
    ] == [True] * 4


def test_random_networks_score_near_chance(page):
    digits = load_digits()
    scores = []
    for seed in range(5):
        answers = feedforward(
            init_network(rng=np.random.default_rng(seed)), digits.x_test
        ).argmax(axis=1)
        scores.append(np.count_nonzero(answers == digits.y_test) / len(answers))
    assert all(0.02 < s < 0.2 for s in scores)
    low, high = page.numbers(r"correctly ([\d.]+)% to ([\d.]+)% of the time")
    assert near(low, 100 * min(scores)) and near(high, 100 * max(scores))


def test_the_untrained_answer_and_the_trained_one(page):
    digits = load_digits()
    image, label = digits.x_train[0], digits.y_train[0]
    outputs = feedforward(init_network(rng=np.random.default_rng(0)), image)
    answer = max(range(10), key=lambda d: outputs[d])
    said, this, output, right, shows = page.numbers(
        r"The untrained network answers (\d) for this (\d), with output (\d\.\d\d); the right neuron, (\d), shows (\d\.\d\d)"
    )
    assert near(said, answer) and near(this, label) and near(right, label)
    assert near(output, outputs[answer]) and near(shows, outputs[label])
    trained = feedforward(recorded.run("video_recipe").trained, image)
    assert int(np.argmax(trained)) == label and trained[label] > 0.8
