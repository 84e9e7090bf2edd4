"""Lesson 7, "What did it learn?": the page states what its code computed.

Each test recomputes a number from the cached training run and compares it with
the number read back from the built page, so a stale or hand-typed number fails.
"""

import html
import re

import numpy as np
import pytest

from downhill import experiments
from downhill.data import load_digits
from downhill.network import feedforward, forward, predict

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def raw(site):
    return (site / "lessons/what-it-learned/index.html").read_text(encoding="utf8")


@pytest.fixture(scope="module")
def page(raw):
    # Text only, without the figures' inline SVG or the code tabs' source.
    text = re.sub(r"<svg.*?</svg>", " ", raw, flags=re.S)
    text = re.sub(r"<code>.*?</code>|<pre.*?</pre>", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text)))


@pytest.fixture(scope="module")
def run():
    return experiments.video_recipe()


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def number(page, pattern):
    """The numbers captured by pattern's groups (percent signs and commas dropped)."""
    found = re.search(pattern, page)
    assert found, f"not on the page: {pattern}"
    return [float(g.replace(",", "")) for g in found.groups()]


def slide(images, by, axis):
    moved = np.roll(images, by, axis=axis)
    index = [slice(None)] * moved.ndim
    index[axis] = slice(0, by)
    moved[tuple(index)] = 0
    return moved


def test_the_skeleton_is_there(page, raw):
    assert "Scan it in five minutes" in page
    assert page.count("Scan it in five minutes") == 1
    for heading in ("What changes for you", "Check yourself", "Our numbers beside the published ones"):
        assert heading in page
    assert len(re.findall(r'class="admonition question"|<details class="question"', raw)) >= 2
    assert 'href="../training/"' in raw and 'href="../memorization/"' in raw


def test_every_figure_has_alt_text(raw):
    svgs = re.findall(r"<svg[^>]*>", raw)
    figures = [s for s in svgs if "dh-figure__svg" in s and 'role="img"' in s]  # a figure's first panel
    assert len(figures) == 8
    for svg in figures:
        label = re.search(r'aria-label="([^"]*)"', svg)
        assert label and len(label[1]) > 30
    assert raw.count("<figcaption>") >= 8


def test_the_test_accuracy(page, run, digits):
    right = int((predict(run.trained, digits.x_test) == digits.y_test).sum())
    stated = number(page, r"names (\d+(?:\.\d+)?) correctly \((\d+(?:\.\d+)?)%\) and gets (\d+(?:\.\d+)?) wrong")
    assert stated == [right, pytest.approx(right / 10, abs=0.05), 1000 - right]
    # The prose says "about nine in ten", "a little below" Nielsen's 91.3% for 2,000
    # images, and "several points below 96%": keep those true.
    assert 850 <= right < 913
    assert 960 - right >= 30
    assert "about nine test digits in ten" in page
    # Beside the published number, with the reason for the gap.
    assert "96%" in page and "50,000" in page and "4,000" in page


def test_trained_weights_resemble_their_start(page, run, digits):
    start, end = run.initial.W[0], run.trained.W[0]
    inked = np.count_nonzero(digits.x_train, axis=0) > 0
    similarity = [np.corrcoef(start[j, inked], end[j, inked])[0, 1] for j in range(16)]
    low, high, moved, spread = number(
        page, r"random start at (\d+(?:\.\d+)?) to (\d+(?:\.\d+)?) \(1 would.*?moved a weight by (\d+(?:\.\d+)?) on average"
              r".*?standard deviation\) of (\d+(?:\.\d+)?)")
    assert low == pytest.approx(min(similarity), abs=0.006)
    assert high == pytest.approx(max(similarity), abs=0.006)
    assert moved == pytest.approx(np.abs(end - start)[:, inked].mean(), abs=0.006)
    assert spread == pytest.approx(start.std(), abs=0.006)
    assert min(similarity) > 0.7  # "mostly the random numbers they started from"
    assert moved < spread / 2     # "a small nudge"


def test_blank_pixels_keep_their_random_start(page, run, digits):
    never_inked = np.count_nonzero(digits.x_train, axis=0) == 0
    start, end = run.initial.W[0], run.trained.W[0]
    assert np.array_equal(start[:, never_inked], end[:, never_inked])
    assert not np.array_equal(start, end)
    lit = np.count_nonzero(digits.x_test[:, never_inked].any(axis=1))
    blank, frozen, in_test = number(
        page, r"(\d+) of the 784 pixels are blank in every one of the 4,000 training digits\. "
              r"Their ([\d,]+\d) weights.*?(\d+) of the 1,000 test digits do put some ink")
    assert (blank, frozen, in_test) == (never_inked.sum(), 16 * never_inked.sum(), lit)
    assert f"all {16 * never_inked.sum():,} unchanged, bit for bit" in page
    inked_by = np.count_nonzero(digits.x_train, axis=0)
    rare = number(page, r"Another (\d+) pixels are inked by fewer than 10 training digits")[0]
    assert rare == np.count_nonzero((inked_by > 0) & (inked_by < 10))


def test_the_confusion_matrix_sentence(page, run, digits):
    answers = predict(run.trained, digits.x_test)
    counts = np.zeros((10, 10), dtype=int)
    np.add.at(counts, (digits.y_test, answers), 1)
    off = np.where(np.eye(10, dtype=bool), 0, counts)
    true, said = np.unravel_index(off.argmax(), off.shape)
    best, worst = counts.diagonal().argmax(), counts.diagonal().argmin()
    stated = number(page, r"most common mistake: an? (\d) read as an? (\d), in (\d+) of the 100 test \d+s\. "
                          r"The easiest digit was (\d) \((\d+) of 100 right\), the hardest (\d) \((\d+) of 100\)")
    assert stated == [true, said, off.max(), best, counts[best, best], worst, counts[worst, worst]]


def test_the_mistakes_and_their_confidence(page, run, digits):
    outputs = feedforward(run.trained, digits.x_test)
    answers, confidence = outputs.argmax(axis=1), outputs.max(axis=1)
    wrong = answers != digits.y_test
    mistakes, sure, median_wrong, median_right = number(
        page, r"Of its (\d+) mistakes, (\d+)% came with an output above 0\.9.*?"
              r"confidence of a wrong answer was (\d+(?:\.\d+)?), against (\d+(?:\.\d+)?) for a right one")
    assert mistakes == wrong.sum()
    assert sure == pytest.approx(100 * np.mean(confidence[wrong] > 0.9), abs=0.5)
    assert median_wrong == pytest.approx(np.median(confidence[wrong]), abs=0.006)
    assert median_right == pytest.approx(np.median(confidence[~wrong]), abs=0.006)
    # The gallery's alt text promises sixteen mistakes above 0.9.
    assert np.sort(confidence[wrong])[-16] > 0.9


def test_confident_on_noise(page, run, digits):
    noise = np.random.default_rng(7).uniform(0, 1, size=(1000, 784))
    outputs = feedforward(run.trained, noise)
    top, named = outputs.max(axis=1), outputs.argmax(axis=1)
    counts = np.bincount(named[top > 0.9], minlength=10)
    above_09, above_05, favourite, times, of = number(
        page, r"On (\d+)% of the 1,000 noise images the network gives one digit an output above 0\.9, "
              r"and above 0\.5 on (\d+)%\. When it is that sure, it most often says (\d) \((\d+) of (\d+) times\)")
    assert above_09 == pytest.approx(100 * np.mean(top > 0.9), abs=0.5)
    assert above_05 == pytest.approx(100 * np.mean(top > 0.5), abs=0.5)
    assert (favourite, times, of) == (counts.argmax(), counts.max(), counts.sum())
    assert f"{np.mean(top > 0.9):.0%} of noise images get an output above 0.9" in page
    assert np.mean(top > 0.9) > 0.1  # "often": the claim the lesson makes


def test_hidden_activations_pinned_on_noise_and_digits(page, run, digits):
    noise = np.random.default_rng(7).uniform(0, 1, size=(1000, 784))

    def pinned(x):
        hidden = forward(run.trained, x)[0][1]
        return 100 * np.mean((hidden < 0.01) | (hidden > 0.99))

    on_noise, on_digits = number(page, r"In the first hidden layer, (\d+)% of the activations for noise "
                                       r"sit within 0\.01 of 0 or 1, and (\d+)% for real digits")
    assert on_noise == pytest.approx(pinned(noise), abs=0.5)
    assert on_digits == pytest.approx(pinned(digits.x_test), abs=0.5)


def test_accuracy_against_shift(page, run, digits):
    images = digits.x_test.reshape(-1, 28, 28)

    def score(by, axis):
        moved = slide(images, by, axis).reshape(-1, 784)
        return 100 * np.mean(predict(run.trained, moved) == digits.y_test)

    pct = r"(\d+(?:\.\d+)?)%, " * 4 + r"(\d+(?:\.\d+)?)%"
    right = number(page, r"Accuracy moved right by 0, 1, 2, 3, 4 pixels: " + pct)
    down = number(page, r"Moved down: " + pct)
    assert right == pytest.approx([score(s, 2) for s in range(5)], abs=0.051)
    assert down == pytest.approx([score(s, 1) for s in range(5)], abs=0.051)
    assert right[3] < right[0] / 2 and down[3] < down[0] / 2  # "accuracy falls steeply"
    lost = number(page, r"at four pixels down, (\d+(?:\.\d+)?)% of all the ink is lost")[0]
    assert lost == pytest.approx(100 * (1 - slide(images, 4, 1).sum() / images.sum()), abs=0.051)
    assert lost < 5  # "but little"


def test_the_shifted_example(page, run, digits):
    images = digits.x_test.reshape(-1, 28, 28)
    in_place = predict(run.trained, digits.x_test) == digits.y_test
    one_over = predict(run.trained, slide(images, 1, 2).reshape(-1, 784)) == digits.y_test
    i = int(np.flatnonzero(in_place & ~one_over)[0])
    answers = [int(predict(run.trained, slide(images[i], s, 1).ravel())) for s in range(5)]
    assert answers[0] == digits.y_test[i] != answers[1]
    assert (f"For this {digits.y_test[i]} the network's answers at shifts 0 to 4 are "
            f"{', '.join(map(str, answers))}.") in page
