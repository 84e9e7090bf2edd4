"""The trained network and the test digits as two small binary files, for the site's
network explorer (docs/javascripts/explorer.js reads them in the browser).

Both files start with the same kind of header: an 8-byte name, then little-endian
unsigned 32-bit integers, the last of them a CRC-32 (zlib's) of everything after the
header. A reader checks the name, the sizes against the file's length and the
CRC-32, so a truncated, padded or corrupt file is refused, never half-read.

``network.bin``, the weights and biases:

    DHWEIGHT                      8 bytes
    version = 1, layers = L       2 x uint32
    sizes[0 .. L-1]               L x uint32   (784, 16, 16, 10)
    count, crc32                  2 x uint32   (count = 13,002 parameters)
    parameters                    count x float64, little-endian, in the order of
                                  Network.parameters(): W[0] row by row, b[0], W[1], ...

``digits.bin``, the test digits exactly as the lessons score them:

    DHDIGITS                      8 bytes
    version = 1, count = n        2 x uint32
    rows, columns = 28, 28        2 x uint32
    crc32                         uint32
    labels                        n x uint8 (0-9)
    pixels                        n x 784 uint8 (0-255, row by row); a pixel's
                                  value for the network is byte / 255
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from downhill.network import Network

WEIGHTS_NAME, DIGITS_NAME = b"DHWEIGHT", b"DHDIGITS"
VERSION = 1
SIDE = 28


class ExportError(ValueError):
    """A network or digits file that is not what its header promises."""


def weights_bytes(net: Network) -> bytes:
    """Every weight and bias of a sigmoid network, in full float64 precision."""
    if net.activation != "sigmoid":
        raise ExportError(f"only sigmoid networks are exported, not {net.activation}")
    sizes = net.sizes
    data = net.parameters().astype("<f8").tobytes()
    header = struct.pack(
        f"<8s2I{len(sizes)}I", WEIGHTS_NAME, VERSION, len(sizes), *sizes
    )
    return header + struct.pack("<2I", len(data) // 8, zlib.crc32(data)) + data


def read_weights(blob: bytes) -> Network:
    """The network written by weights_bytes(); ExportError if the file is damaged."""
    name, version, layers = _unpack("<8s2I", blob, 0, "network file")
    if name != WEIGHTS_NAME or version != VERSION:
        raise ExportError(f"not a version-{VERSION} network file (starts {blob[:8]!r})")
    sizes = _unpack(f"<{layers}I", blob, 16, "network file")
    count, crc = _unpack("<2I", blob, 16 + 4 * layers, "network file")
    start = 24 + 4 * layers
    expected = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes, sizes[1:]))
    if count != expected:
        raise ExportError(
            f"header: {count} parameters, but sizes {sizes} need {expected}"
        )
    data = _payload(blob, start, 8 * count, crc, "network file")
    W = [np.zeros((n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    net = Network(W, [np.zeros(len(w)) for w in W])
    net.set_parameters(np.frombuffer(data, dtype="<f8").astype(np.float64))
    return net


def digits_bytes(x: np.ndarray, labels: np.ndarray) -> bytes:
    """Digits x (n, 784) in [0, 1] that are whole multiples of 1/255, and their labels."""
    pixels = np.rint(np.asarray(x) * 255).astype(np.uint8)
    if not np.array_equal(pixels / 255.0, x):
        raise ExportError(
            "pixels must be byte / 255 exactly, as the data loader makes them"
        )
    data = np.asarray(labels, dtype=np.uint8).tobytes() + pixels.tobytes()
    header = struct.pack("<8s3I", DIGITS_NAME, VERSION, len(pixels), SIDE)
    return header + struct.pack("<2I", SIDE, zlib.crc32(data)) + data


def read_digits(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(x, labels) as written by digits_bytes(): x (n, 784) floats in [0, 1]."""
    name, version, count, rows, columns, crc = _unpack("<8s5I", blob, 0, "digits file")
    if name != DIGITS_NAME or version != VERSION or (rows, columns) != (SIDE, SIDE):
        raise ExportError(f"not a version-{VERSION} 28x28 digits file")
    data = _payload(blob, 28, count * (1 + SIDE * SIDE), crc, "digits file")
    labels = np.frombuffer(data[:count], dtype=np.uint8).astype(np.int64)
    pixels = np.frombuffer(data[count:], dtype=np.uint8).reshape(count, SIDE * SIDE)
    return pixels / 255.0, labels


def explorer_files() -> dict[str, bytes]:
    """The files the explorer loads: the lessons' trained network (Nielsen's chapter-1
    recipe, the cached run) and the 1,000 test digits it is scored on."""
    from downhill.data import load_digits
    from downhill.experiments import nielsen_recipe

    digits = load_digits()
    return {
        "network.bin": weights_bytes(nielsen_recipe().trained),
        "digits.bin": digits_bytes(digits.x_test, digits.y_test),
    }


def _unpack(layout: str, blob: bytes, offset: int, what: str) -> tuple:
    if len(blob) < offset + struct.calcsize(layout):
        raise ExportError(f"{what}: {len(blob)} bytes, too short for its header")
    return struct.unpack_from(layout, blob, offset)


def _payload(blob: bytes, start: int, size: int, crc: int, what: str) -> bytes:
    if len(blob) != start + size:
        raise ExportError(
            f"{what}: header promises {start + size} bytes, file has {len(blob)}: "
            "truncated or padded"
        )
    data = blob[start:]
    if zlib.crc32(data) != crc:
        raise ExportError(f"{what}: checksum mismatch, the data is corrupt")
    return data
