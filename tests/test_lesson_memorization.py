"""The lesson "Learning or memorization?": the page states what its code computed."""

import math
import re

import numpy as np
import pytest

import recorded
from downhill import experiments
from downhill.data import load_digits
from downhill.network import predict
from downhill.published import result
from lesson import near

pytestmark = pytest.mark.slow


SLUG = "memorization"
FIGURES = 4  # figures the lesson draws (tests/test_lesson_skeleton.py)


def test_shuffled_labels_stall_at_the_shrug(page):
    true_run = recorded.run("nielsen_recipe").history
    shuffled = recorded.run("random_labels").history
    one, thirty, s_one, shrug, s_thirty, fit, last, true_test = page.numbers(
        r"With true labels the training cost is ([\d.]+) after one epoch and ([\d.]+) "
        r"after 30\. With shuffled labels it is ([\d.]+) after one epoch, a hair above "
        r"the shrug's ([\d.]+), and ([\d.]+) after 30\. By then the network gives "
        r"([\d.]+)% of its training digits their shuffled label, where chance is 10%, "
        r"and scores ([\d.]+)% on the test digits; with true labels it ends at ([\d.]+)%"
    )
    assert near(one, true_run.train_cost[0]) and near(thirty, true_run.train_cost[-1])
    assert near(s_one, shuffled.train_cost[0]) and near(
        s_thirty, shuffled.train_cost[-1]
    )
    # a hair above, as it says
    assert shrug == 0.90 and s_one > shrug
    assert near(fit, 100 * shuffled.train_accuracy[-1])
    assert near(last, 100 * shuffled.test_accuracy[-1]) and 5 < last < 15  # chance
    assert near(true_test, 100 * true_run.test_accuracy[-1]) and true_test > 80
    slope, lowest, highest = page.numbers(
        r"A straight line through the shuffled run's 30 training costs falls by only "
        r"([\d.]+) an epoch\. On the test digits that run scores between ([\d.]+)% "
        r"and ([\d.]+)% over the 30 epochs"
    )
    assert near(slope, -np.polyfit(np.arange(1, 31), shuffled.train_cost, 1)[0])
    assert 0 < slope < 0.005  # "falls slowly"
    assert near(lowest, 100 * min(shuffled.test_accuracy))
    assert near(highest, 100 * max(shuffled.test_accuracy))


def test_the_wide_network_memorises_and_ours_lags(page):
    true_h = recorded.run("small_training_set", labels="true", epochs=30).history
    wide_h = recorded.run("small_training_set").history
    ours_h = recorded.run("small_training_set", hidden=(16, 16)).history
    wide, ours, epochs, fit, test, our_fit, true_test = page.numbers(
        r"The wide network has ([\d,]+) weights and biases; ours has ([\d,]+)\. After "
        r"(\d+) epochs the wide network answers ([\d.]+)% of its training digits with "
        r"their shuffled label, and scores ([\d.]+)% on the test digits\. Ours reaches "
        r"([\d.]+)% of its training digits\. Trained on the true labels, the wide "
        r"network scores ([\d.]+)% on the test digits"
    )
    assert wide == 784 * 100 + 100 + 100 * 10 + 10 and ours == 13_002
    assert epochs == len(wide_h.train_accuracy) == len(ours_h.train_accuracy)
    assert fit == 100.0 == 100 * wide_h.train_accuracy[-1]  # "every single one"
    assert near(test, 100 * wide_h.test_accuracy[-1]) and test < 15
    assert near(our_fit, 100 * ours_h.train_accuracy[-1]) and our_fit < 90
    assert near(true_test, 100 * true_h.test_accuracy[-1])
    true_99, shuffled_99, our_test = page.numbers(
        r"With true labels the wide network gets 99% of its training digits right "
        r"after (\d+) epochs; with shuffled labels after (\d+)\. Our network, on the "
        r"shuffled task, scores ([\d.]+)% on the test digits"
    )
    assert true_99 == 1 + np.argmax(np.array(true_h.train_accuracy) >= 0.99)
    assert shuffled_99 == 1 + np.argmax(np.array(wide_h.train_accuracy) >= 0.99)
    assert true_99 < shuffled_99 < 10 * true_99  # "a few times more slowly"
    assert near(our_test, 100 * ours_h.test_accuracy[-1])


def test_nielsens_overfitting_run_comes_from_the_published_table(page):
    nielsen = result("nielsen_overfit")
    images, epochs, train, test = page.numbers(
        r"His 784-30-10 network, trained on MNIST, ([\d,]+) training images "
        r"\(chapter 3: cross-entropy, (\d+) epochs, reaching (\d+)% training "
        r"accuracy\), scores ([\d.]+)% on MNIST's 10,000 test images"
    )
    assert test == nielsen.value == 82.27
    assert (images, epochs, train) == (1000, 400, 100)
    assert f"{images:,.0f} training images" in nielsen.data
    assert f"{epochs:.0f} epochs" in nielsen.recipe and "100%" in nielsen.recipe


def test_patterns_first_noise_later(page):
    noisy = experiments.label_noise()
    test = np.array(noisy["history"].test_accuracy)
    best = int(np.argmax(test))
    (
        n,
        wrong,
        peak_epoch,
        peak,
        last_epoch,
        last,
        clean_peak,
        wrong_peak,
        wrong_last,
        clean_last,
        wrong_first,
    ) = page.numbers(
        r"Of the ([\d,]+) training digits, ([\d,]+) carry a wrong label\. The test "
        r"accuracy peaks at epoch (\d+) with ([\d.]+)%, and ends at epoch (\d+) with "
        r"([\d.]+)%\. At the peak the network gives ([\d.]+)% of the clean training "
        r"digits their label but only ([\d.]+)% of the mislabelled ones their wrong "
        r"label; by the end it has learned ([\d.]+)% of the wrong labels too \(and "
        r"([\d.]+)% of the right ones\)\. After the first epoch it agreed with only "
        r"([\d.]+)% of the wrong labels"
    )
    assert n == 2000 and wrong == 800 == noisy["corrupted"].sum()
    assert np.all(
        noisy["given labels"][noisy["corrupted"]]
        != noisy["true labels"][noisy["corrupted"]]
    )
    assert np.all(
        noisy["given labels"][~noisy["corrupted"]]
        == noisy["true labels"][~noisy["corrupted"]]
    )
    assert peak_epoch == best + 1 and near(peak, 100 * test[best])
    assert last_epoch == len(test) and near(last, 100 * test[-1])
    assert peak - last > 10  # the fall is clear
    assert near(clean_peak, 100 * noisy["clean fit"][best])
    assert near(wrong_peak, 100 * noisy["corrupted fit"][best])
    assert near(wrong_last, 100 * noisy["corrupted fit"][-1])
    assert near(clean_last, 100 * noisy["clean fit"][-1])
    assert near(wrong_first, 100 * noisy["corrupted fit"][0]) and wrong_first < 10


def test_four_starts_end_alike(page):
    runs = [recorded.run("nielsen_recipe", seed=seed) for seed in range(4)]
    costs = [run.history.train_cost[-1] for run in runs]
    tests = [100 * run.history.test_accuracy[-1] for run in runs]
    low, high, test_low, test_high = page.numbers(
        r"training costs between ([\d.]+) and ([\d.]+), and test accuracies between "
        r"([\d.]+)% and ([\d.]+)%\."
    )
    assert near(low, min(costs)) and near(high, max(costs))
    assert near(test_low, min(tests)) and near(test_high, max(tests))
    for seed, run in enumerate(runs):  # the table
        h = run.history
        row = page.numbers(rf" {seed} ([\d.]+) ([\d.]+)% ([\d.]+)% ")
        assert near(row[0], h.train_cost[-1]) and near(
            row[1], 100 * h.train_accuracy[-1]
        )
        assert near(row[2], 100 * h.test_accuracy[-1])


def test_trained_networks_are_apart_mostly_because_their_starts_were(page):
    """Review: two N(0, 1) starts of 13,002 parameters are already about
    sqrt(2 x 13,002) = 161 apart, so the distance between trained networks mostly
    measures their different starts."""
    runs = [recorded.run("nielsen_recipe", seed=seed) for seed in range(4)]
    first_start = runs[0].initial.parameters()
    first_end = runs[0].trained.parameters()
    starts = [np.linalg.norm(r.initial.parameters() - first_start) for r in runs[1:]]
    ends = [np.linalg.norm(r.trained.parameters() - first_end) for r in runs[1:]]
    table = page.numbers(
        r"its end, from seed 0's end 1 ([\d.]+) ([\d.]+) 2 ([\d.]+) ([\d.]+) "
        r"3 ([\d.]+) ([\d.]+) Two random starts"
    )
    for k in range(3):
        assert near(table[2 * k], starts[k]) and near(table[2 * k + 1], ends[k])
    n, n_again, expected, apart_start, apart_end, ratio, walked = page.numbers(
        r"Two random starts of ([\d,]+) knobs should lie about "
        r"\\\(\\sqrt\{2 \\times ([\d,]+)\} \\approx ([\d.]+)\\\) apart, and ours lie "
        r"([\d.]+) apart on average\. After training they lie ([\d.]+) apart, only "
        r"([\d.]+) times as far, while seed 0's own walk covered a straight-line "
        r"distance of ([\d.]+)\."
    )
    parameters = first_start.size
    assert n == n_again == parameters == 13_002
    # E|a - b|^2 = 2n for a, b with independent N(0, 1) entries
    assert near(expected, math.sqrt(2 * 13_002))
    assert near(apart_start, np.mean(starts)) and near(apart_end, np.mean(ends))
    assert near(ratio, np.mean(ends) / np.mean(starts))
    assert near(walked, np.linalg.norm(first_end - first_start))
    # the argument: starts are sqrt(2n) apart, training adds little, walks are short
    assert abs(np.mean(starts) / math.sqrt(2 * parameters) - 1) < 0.01
    assert ratio < 1.2 and walked < apart_start / 2
    mantissa, power, bits, flips_mantissa, flips_power = page.numbers(
        r"\\\(16! \\times 16! \\approx (\d\.\d) \\times 10\^\{(\d+)\}\\\) identical "
        r"copies\. That count is only a lower bound: the sign flips multiply it by "
        r"\\\(2\^\{(\d+)\} \\approx (\d\.\d) \\times 10\^\{(\d+)\}\\\)"
    )
    relabellings = 1
    # orderings of 16 neurons, for each of the two hidden layers
    for k in range(1, 17):
        relabellings *= k * k
    assert power == math.floor(math.log10(relabellings)) and near(
        mantissa, relabellings / 10**power
    )
    assert bits == 16 + 16  # one sign flip per hidden neuron
    flips = 2 ** int(bits)
    assert flips_power == math.floor(math.log10(flips)) and near(
        flips_mantissa, flips / 10**flips_power
    )


def test_pca_explains_a_random_walk_too(page):
    path = np.array(recorded.run("nielsen_recipe").history.snapshots)

    def shares(points):
        s = np.linalg.svd(points[:-1] - points[-1], compute_uv=False)
        return s**2 / np.sum(s**2)

    ours = shares(path)
    walk = np.cumsum(np.random.default_rng(0).standard_normal(path.shape), axis=0)
    both, first, second, steps, walk_two, off, distance, low, high = page.numbers(
        r"The first two principal directions explain ([\d.]+)% of the spread of our "
        r"training path \(([\d.]+)% and ([\d.]+)%\)\. For a random walk of (\d+) Gaussian "
        r"steps in 13,002 dimensions they explain ([\d.]+)%\. The path is not exactly on "
        r"the plane: the random start lies ([\d.]+) off it, out of a distance of "
        r"([\d.]+) from the trained network\. On the plane the cost ranges from "
        r"(\d+\.\d+) to (\d+\.\d+)"
    )
    assert near(both, 100 * ours[:2].sum())
    assert near(first, 100 * ours[0]) and near(second, 100 * ours[1])
    assert steps == 30 and near(walk_two, 100 * shares(walk)[:2].sum())
    # the caveat: a walk looks flat too
    assert walk_two > 75
    start = path[0] - path[-1]
    assert near(distance, np.linalg.norm(start)) and 0 < off < distance
    # off the plane: what least squares on the first two principal directions leaves over
    directions = np.linalg.svd(path[:-1] - path[-1], full_matrices=False)[2][:2]
    on_plane = directions.T @ np.linalg.lstsq(directions.T, start, rcond=None)[0]
    assert near(off, np.linalg.norm(start - on_plane))
    plane = experiments.cost_on_principal_plane()
    assert near(low, plane["cost"].min()) and near(high, plane["cost"].max())
    assert (
        plane["cost"].min()
        <= recorded.run("nielsen_recipe").history.train_cost[-1] + 0.01
    )


def test_the_report_card(page):
    digits = load_digits()
    blind = recorded.run("without_digit", digit=4)
    fours = digits.y_test == 4
    rows = {
        "our network 4,000 digits, true labels": recorded.run("nielsen_recipe").history,
        "wide network 1,000 digits, shuffled labels": recorded.run(
            "small_training_set"
        ).history,
        "wide network 2,000 digits, 40% wrong labels": experiments.label_noise()[
            "history"
        ],
    }
    for label, h in rows.items():
        train, test = page.numbers(re.escape(label) + r" ([\d.]+)% ([\d.]+)%")
        assert near(train, 100 * h.train_accuracy[-1]), label
        assert near(test, 100 * h.test_accuracy[-1]), label
    n, train, test = page.numbers(
        r"without 4s ([\d,]+) digits, no 4 among them ([\d.]+)% ([\d.]+)%"
    )
    assert n == np.sum(digits.y_train != 4)
    assert near(train, 100 * blind.history.train_accuracy[-1])
    assert (
        test == 0.0 == 100 * np.mean(predict(blind.trained, digits.x_test[fours]) == 4)
    )
