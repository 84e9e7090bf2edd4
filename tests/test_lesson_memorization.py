"""Lesson 8, "Learning or memorization?": the page states what its code computed."""

import math
import re

import numpy as np
import pytest

from conftest import read_page
from downhill import experiments
from downhill.data import load_digits
from downhill.network import predict

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def html(site):
    return read_page(site, "lessons/memorization/index.html")


@pytest.fixture(scope="module")
def page(html):
    text = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)   # figures: checked separately
    text = re.sub(r"<pre.*?</pre>", " ", text, flags=re.S)   # code: not statements
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", text.replace("&amp;", "&").replace("&#39;", "'"))


def stated(page, pattern):
    """The numbers captured by pattern in the page's prose (a regex with groups)."""
    found = re.search(pattern, page)
    assert found, f"the page no longer says: {pattern}"
    return [float(group.replace(",", "")) for group in found.groups()]


def close(value, expected, tolerance):
    return abs(value - expected) <= tolerance


def test_the_skeleton_is_there(html, page):
    assert 'class="admonition scan"' in html and "Scan it in five minutes" in page
    for part in ("What changes for you", "Check yourself"):
        assert part in page
    assert len(re.findall(r'<details class="question"', html)) in range(2, 5)
    assert 'href="../what-it-learned/"' in html and 'href="../"' in html


def test_every_figure_has_alt_text(html):
    figures = re.findall(r'<svg role="img" aria-label="([^"]*)"', html)
    assert len(figures) == 4
    assert all(len(alt) > 40 for alt in figures)


def test_shuffled_labels_stall_at_the_shrug(page):
    true_run = experiments.video_recipe().history
    shuffled = experiments.random_labels().history
    one, thirty, s_one, shrug, s_thirty, slope = stated(
        page, r"With true labels the training cost is ([\d.]+) after one epoch and ([\d.]+) "
              r"after 30\. With shuffled labels it is ([\d.]+) after one epoch, a hair above "
              r"the shrug's ([\d.]+), and ([\d.]+) after 30: a straight line through its 30 "
              r"values falls by only ([\d.]+) an epoch")
    assert close(one, true_run.train_cost[0], 1e-3) and close(thirty, true_run.train_cost[-1], 1e-4)
    assert close(s_one, shuffled.train_cost[0], 1e-3) and close(s_thirty, shuffled.train_cost[-1], 1e-3)
    assert shrug == 0.90 and s_one > shrug                       # a hair above, as it says
    assert close(slope, -np.polyfit(np.arange(1, 31), shuffled.train_cost, 1)[0], 1e-4)
    assert 0 < slope < 0.005                                      # "falls slowly"
    fit, lowest, highest, last, true_test = stated(
        page, r"gives ([\d.]+)% of its training digits their shuffled label, where chance is "
              r"10%\. On the test digits it scores between ([\d.]+)% and ([\d.]+)% over the "
              r"run, ending at ([\d.]+)%; with true labels it ends at ([\d.]+)%")
    assert close(fit, 100 * shuffled.train_accuracy[-1], 0.05)
    assert close(lowest, 100 * min(shuffled.test_accuracy), 0.05)
    assert close(highest, 100 * max(shuffled.test_accuracy), 0.05)
    assert close(last, 100 * shuffled.test_accuracy[-1], 0.05) and 5 < last < 15   # chance
    assert close(true_test, 100 * true_run.test_accuracy[-1], 0.05) and true_test > 80


def test_the_wide_network_memorises_and_ours_lags(page):
    true_h = experiments.small_training_set(labels="true", epochs=30).history
    wide_h = experiments.small_training_set().history
    ours_h = experiments.small_training_set(hidden=(16, 16)).history
    wide, ours, true_99, shuffled_99, fit, test, our_fit, our_test, true_test = stated(
        page, r"The wide network has ([\d,]+) weights and biases; ours has ([\d,]+)\. With true "
              r"labels the wide network gets 99% of its training digits right after (\d+) "
              r"epochs; with shuffled labels after (\d+), and after 60 epochs it answers "
              r"([\d.]+)% of them with their shuffled label\. On the test digits it then "
              r"scores ([\d.]+)%\. Our network, on the same shuffled task, reaches ([\d.]+)% "
              r"of its training digits after 60 epochs, and ([\d.]+)% of the test digits\. "
              r"Trained on the true labels instead, the wide network scores ([\d.]+)%")
    assert wide == 784 * 100 + 100 + 100 * 10 + 10 and ours == 13_002
    assert true_99 == 1 + np.argmax(np.array(true_h.train_accuracy) >= 0.99)
    assert shuffled_99 == 1 + np.argmax(np.array(wide_h.train_accuracy) >= 0.99)
    assert true_99 < shuffled_99 < 10 * true_99                   # "a few times longer"
    assert fit == 100.0 == 100 * wide_h.train_accuracy[-1]        # "every single one"
    assert close(test, 100 * wide_h.test_accuracy[-1], 0.05) and test < 15
    assert close(our_fit, 100 * ours_h.train_accuracy[-1], 0.05) and our_fit < 90
    assert close(our_test, 100 * ours_h.test_accuracy[-1], 0.05)
    assert close(true_test, 100 * true_h.test_accuracy[-1], 0.05)


def test_patterns_first_noise_later(page):
    noisy = experiments.label_noise()
    test = np.array(noisy["history"].test_accuracy)
    best = int(np.argmax(test))
    n, wrong, peak_epoch, peak, last_epoch, last, clean_peak, wrong_peak, wrong_last, clean_last, wrong_first = stated(
        page, r"Of the ([\d,]+) training digits, ([\d,]+) carry a wrong label\. The test "
              r"accuracy peaks at epoch (\d+) with ([\d.]+)%, and ends at epoch (\d+) with "
              r"([\d.]+)%\. At the peak the network gives ([\d.]+)% of the clean training "
              r"digits their label but only ([\d.]+)% of the mislabelled ones their wrong "
              r"label; by the end it has learned ([\d.]+)% of the wrong labels too \(and "
              r"([\d.]+)% of the right ones\)\. After the first epoch it agreed with only "
              r"([\d.]+)% of the wrong labels")
    assert n == 2000 and wrong == 800 == noisy["corrupted"].sum()
    assert np.all(noisy["given labels"][noisy["corrupted"]] != noisy["true labels"][noisy["corrupted"]])
    assert np.all(noisy["given labels"][~noisy["corrupted"]] == noisy["true labels"][~noisy["corrupted"]])
    assert peak_epoch == best + 1 and close(peak, 100 * test[best], 0.05)
    assert last_epoch == len(test) and close(last, 100 * test[-1], 0.05)
    assert peak - last > 10                                       # the fall is clear
    assert close(clean_peak, 100 * noisy["clean fit"][best], 0.05)
    assert close(wrong_peak, 100 * noisy["corrupted fit"][best], 0.05)
    assert close(wrong_last, 100 * noisy["corrupted fit"][-1], 0.05)
    assert close(clean_last, 100 * noisy["clean fit"][-1], 0.05)
    assert close(wrong_first, 100 * noisy["corrupted fit"][0], 0.05) and wrong_first < 10


def test_four_starts_end_alike_but_apart(page):
    runs = [experiments.video_recipe(seed=seed) for seed in range(4)]
    costs = [run.history.train_cost[-1] for run in runs]
    tests = [100 * run.history.test_accuracy[-1] for run in runs]
    low, high, test_low, test_high, travelled, apart, ratio = stated(
        page, r"training costs between ([\d.]+) and ([\d.]+), and test accuracies between "
              r"([\d.]+)% and ([\d.]+)%\. Yet they are far apart: seed 0's walk covered a "
              r"straight-line distance of (\d+) from its start to its end, and the other three "
              r"trained networks lie on average (\d+) from where it ended, ([\d.]+) times")
    assert close(low, min(costs), 1e-4) and close(high, max(costs), 1e-4)
    assert close(test_low, min(tests), 0.05) and close(test_high, max(tests), 0.05)
    end = runs[0].trained.parameters()
    assert close(travelled, np.linalg.norm(end - runs[0].initial.parameters()), 0.5)
    distances = [np.linalg.norm(run.trained.parameters() - end) for run in runs[1:]]
    assert close(apart, np.mean(distances), 0.5) and close(ratio, apart / travelled, 0.06)
    for seed, (run, distance) in enumerate(zip(runs, [0.0, *distances])):   # the table
        h = run.history
        row = stated(page, rf" {seed} ([\d.]+) ([\d.]+)% ([\d.]+)% (\d+) ")
        assert close(row[0], h.train_cost[-1], 1e-4) and close(row[1], 100 * h.train_accuracy[-1], 0.05)
        assert close(row[2], 100 * h.test_accuracy[-1], 0.05) and close(row[3], distance, 0.5)
    assert math.factorial(16) ** 2 == pytest.approx(4.4e26, rel=0.01)


def test_pca_explains_a_random_walk_too(page):
    path = np.array(experiments.video_recipe().history.snapshots)
    def shares(points):
        s = np.linalg.svd(points[:-1] - points[-1], compute_uv=False)
        return s ** 2 / np.sum(s ** 2)
    ours = shares(path)
    walk = np.cumsum(np.random.default_rng(0).standard_normal(path.shape), axis=0)
    both, first, second, steps, walk_two, off, distance, low, high = stated(
        page, r"The first two principal directions explain ([\d.]+)% of the spread of our "
              r"training path \(([\d.]+)% and ([\d.]+)%\)\. For a random walk of (\d+) Gaussian "
              r"steps in 13,002 dimensions they explain ([\d.]+)%\. The path is not exactly on "
              r"the plane: the random start lies ([\d.]+) off it, out of a distance of "
              r"([\d.]+) from the trained network\. On the plane the cost ranges from "
              r"(\d+\.\d+) to (\d+\.\d+)")
    assert close(both, 100 * ours[:2].sum(), 0.05)
    assert close(first, 100 * ours[0], 0.05) and close(second, 100 * ours[1], 0.05)
    assert steps == 30 and close(walk_two, 100 * shares(walk)[:2].sum(), 0.05)
    assert walk_two > 75                                          # the caveat: a walk looks flat too
    start = path[0] - path[-1]
    assert close(distance, np.linalg.norm(start), 0.05) and 0 < off < distance
    plane = experiments.cost_on_principal_plane()
    assert close(low, plane["cost"].min(), 1e-4) and close(high, plane["cost"].max(), 0.005)
    assert plane["cost"].min() <= experiments.video_recipe().history.train_cost[-1] + 0.01


def test_the_report_card(page):
    digits = load_digits()
    blind = experiments.without_digit(digit=4)
    fours = digits.y_test == 4
    rows = {
        "the video's recipe 4,000 digits, true labels": experiments.video_recipe().history,
        "wide network 1,000 digits, shuffled labels": experiments.small_training_set().history,
        "wide network 2,000 digits, 40% wrong labels": experiments.label_noise()["history"],
    }
    for label, h in rows.items():
        train, test = stated(page, re.escape(label) + r" ([\d.]+)% ([\d.]+)%")
        assert close(train, 100 * h.train_accuracy[-1], 0.05), label
        assert close(test, 100 * h.test_accuracy[-1], 0.05), label
    n, train, test = stated(page, r"lesson 2: no 4s ([\d,]+) digits, no 4 among them ([\d.]+)% ([\d.]+)%")
    assert n == np.sum(digits.y_train != 4)
    assert close(train, 100 * blind.history.train_accuracy[-1], 0.05)
    assert test == 0.0 == 100 * np.mean(predict(blind.trained, digits.x_test[fours]) == 4)
