"""The lesson "The network": the page states what its code computed.

Counts are recomputed from the shapes of a freshly made network, scores by a plain
argmax over its outputs, never from the functions the page printed them with."""

import math

import numpy as np
import pytest

import recorded
from downhill.data import load_digits
from downhill.network import feedforward, init_network
from lesson import near, published

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
    assert near(page.number(r"Together .*?All ([\d,]+)"), total)
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
    trained = feedforward(recorded.run("nielsen_recipe").trained, image)
    assert int(np.argmax(trained)) == label and trained[label] > 0.8


def test_the_sigmoid_saturates(page):
    def slope(z, h=1e-5):  # central finite difference of 1 / (1 + e^-z)
        s = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
        return (s(z + h) - s(z - h)) / (2 * h)

    at0, at5, at10 = page.numbers(
        r"The sigmoid's slope is ([\d.]+) at z = 0, ([\d.]+) at z = 5 "
        r"and ([\d.]+) at z = 10"
    )
    assert near(at0, slope(0.0)) and near(at5, slope(5.0)) and near(at10, slope(10.0))
    assert at10 < 0.001 * at0  # saturated: nearly flat
    assert "is saturated: its activation is stuck near 0 or near 1" in page
    assert "This total is the neuron's weighted input" in page


def test_the_recipe_is_nielsens(page):
    """The recipe as the run recorded it, and Nielsen's learning rate as published."""
    history = recorded.run("nielsen_recipe").history
    epochs = len(history.train_cost)
    steps_per_epoch = history.snapshot_steps[1] - history.snapshot_steps[0]
    batch = len(load_digits().x_train) / steps_per_epoch
    stated_batch, stated_epochs = page.numbers(
        r"mini-batches of (\d+) training digits, for (\d+) epochs"
    )
    assert near(stated_batch, batch) and near(stated_epochs, epochs)
    his, ours = page.numbers(
        r"Learning rate: ([\d.]+) in Nielsen's book, ([\d.]+) here"
    )
    assert f"eta {his.printed} on his halved cost" in published("nielsen_ch1")["recipe"]
    # his cost is half ours, so the same steps need twice our learning rate
    assert near(ours, float(his) / 2)
    assert "the recipe the video uses" not in page.text


def test_our_accuracy_beside_the_videos(page):
    digits = load_digits()
    trained = recorded.run("nielsen_recipe").trained
    answers = feedforward(trained, digits.x_test).argmax(axis=1)
    correct = np.count_nonzero(answers == digits.y_test)
    ours, n_test, n_train, video = page.numbers(
        r"Ours names ([\d.]+)% of our ([\d,]+) test digits correctly, after learning "
        r"from ([\d,]+) training digits\. The video reports about (\d+)% on new images"
    )
    assert near(ours, 100 * correct / len(answers)) and near(n_test, len(answers))
    assert near(n_train, len(digits.y_train))
    assert near(video, float(published("video")["value"]))
    assert float(ours) < float(video)  # the gap the page explains
