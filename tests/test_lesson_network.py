"""Lesson 1, "The network": the page states what its code computed."""

import re

import numpy as np
import pytest

from conftest import read_page
from downhill import experiments
from downhill.data import load_digits
from downhill.network import accuracy, feedforward, init_network, parameter_count

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page(site):
    return re.sub(r"<[^>]+>", "", read_page(site, "lessons/network/index.html"))


def test_the_skeleton_is_there(page):
    for part in ("Scan it in five minutes", "What changes for you", "Check yourself"):
        assert part in page


def test_the_digit_and_its_pixels(page):
    image = load_digits().x_train[0]
    bright = np.count_nonzero(image)
    assert 100 < bright < 300
    assert f"lights up {bright} of its 784 pixels ({bright / 784:.0%})" in page


def test_the_parameter_count(page):
    assert parameter_count() == 13_002
    assert "That is 13,002 numbers, and 96.6% of them" in page
    for row in ("784 → 16", "12,544", "12,560", "272", "170"):
        assert row in page


def test_random_networks_score_near_chance(page):
    digits = load_digits()
    scores = [accuracy(init_network(rng=np.random.default_rng(s)), digits.x_test, digits.y_test) for s in range(5)]
    assert all(0.02 < s < 0.2 for s in scores)
    assert f"correctly {min(scores):.1%} to {max(scores):.1%} of the time" in page


def test_the_untrained_answer_and_the_trained_one(page):
    digits = load_digits()
    image, label = digits.x_train[0], digits.y_train[0]
    outputs = feedforward(init_network(rng=np.random.default_rng(0)), image)
    assert f"answers {int(np.argmax(outputs))} for this {label}" in page
    trained = feedforward(experiments.video_recipe().trained, image)
    assert int(np.argmax(trained)) == label and trained[label] > 0.8
