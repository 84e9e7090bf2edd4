"""downhill.export: the trained network and the test digits as the explorer's two files."""

import gzip
import struct

import numpy as np
import pytest

from downhill import experiments
from downhill.data import load_digits
from downhill.export import (
    ExportError,
    digits_bytes,
    explorer_files,
    read_digits,
    read_weights,
    weights_bytes,
)
from downhill.network import init_network

MAX_WEIGHTS_GZIPPED = 120_000  # bytes: the budget for the weights file


@pytest.fixture(scope="module")
def files():
    return explorer_files()


def test_the_weights_are_the_lessons_trained_network_bit_for_bit(files):
    trained = experiments.nielsen_recipe().trained
    net = read_weights(files["network.bin"])
    assert net.sizes == (784, 16, 16, 10)
    for ours, theirs in zip(net.W + net.b, trained.W + trained.b):
        assert np.array_equal(ours, theirs)


def test_the_layout_is_the_documented_one(files):
    blob = files["network.bin"]
    name, version, layers, *sizes, count, _ = struct.unpack_from("<8s8I", blob)
    assert (name, version, layers, sizes, count) == (
        b"DHWEIGHT",
        1,
        4,
        [784, 16, 16, 10],
        13_002,
    )
    values = np.frombuffer(blob[40:], dtype="<f8")
    assert np.array_equal(values, experiments.nielsen_recipe().trained.parameters())


def test_the_digits_are_the_lessons_test_digits(files):
    x, labels = read_digits(files["digits.bin"])
    digits = load_digits()
    assert np.array_equal(x, digits.x_test)
    assert np.array_equal(labels, digits.y_test)


def test_the_weights_file_is_small(files):
    packed = len(gzip.compress(files["network.bin"], compresslevel=6, mtime=0))
    assert packed <= MAX_WEIGHTS_GZIPPED


@pytest.mark.parametrize("name", ["network.bin", "digits.bin"])
@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda b: b[:-1], "truncated or padded"),
        (lambda b: b + b"\0", "truncated or padded"),
        (lambda b: b[:20], "short|truncated"),
        (lambda b: b[:-9] + bytes([b[-9] ^ 1]) + b[-8:], "checksum"),
        (lambda b: b"X" + b[1:], "not a version-1"),
    ],
)
def test_a_damaged_file_is_refused(files, name, damage, message):
    read = read_weights if name == "network.bin" else read_digits
    with pytest.raises(ExportError, match=message):
        read(damage(files[name]))


def test_only_bytes_over_255_and_sigmoid_networks_are_written():
    with pytest.raises(ExportError, match="byte / 255"):
        digits_bytes(np.full((1, 784), 0.3), np.array([1]))
    relu = init_network(rng=np.random.default_rng(0), activation="relu")
    with pytest.raises(ExportError, match="sigmoid"):
        weights_bytes(relu)
