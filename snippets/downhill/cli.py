"""The command line: ``python -m downhill train ...`` trains a digit network and reports.

    python -m downhill train --hidden 16 16 --epochs 30 --eta 1.5 --batch 10 \\
        --cost quadratic --init normal --seed 0 [--mnist-dir DIR]
    python -m downhill --version      # the course package's version
    python -m downhill --help         # what the command line can do

Prints one line per epoch (training cost, training and test accuracy) on
stdout, and a progress bar on stderr when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
import time

from downhill import __version__
from downhill.costs import COSTS
from downhill.data import load_digits
from downhill.network import ACTIVATIONS, INITS, parameter_count
from downhill.training import BATCH_SIZE, EPOCHS, ETA, train_digits


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m downhill",
        description="Downhill's course package: train the lessons' digit network\n"
        "(784 pixels in, 10 digits out) on the 5,000 digits it ships, or on full\n"
        "MNIST, and watch its cost and accuracy epoch by epoch.",
        epilog="Examples:\n"
        "  python -m downhill train                       "
        "the lessons' 784-16-16-10 network, Nielsen's recipe\n"
        "  python -m downhill train --cost cross-entropy --init scaled --eta 0.5\n"
        "  python -m downhill train --help                every option of train\n"
        "  python -m downhill.bench                       "
        "time the trainer on this machine",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cli.add_argument("--version", action="version", version=f"downhill {__version__}")
    commands = cli.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train",
        help="train a network on the digits and print its cost and accuracy "
        "after every epoch",
        description="Train a network on the digits; one line per epoch.",
    )
    train.add_argument(
        "--hidden",
        type=int,
        nargs="*",
        default=[16, 16],
        help="sizes of the hidden layers (default: 16 16)",
    )
    train.add_argument("--epochs", type=int, default=EPOCHS, help=f"default {EPOCHS}")
    train.add_argument(
        "--eta", type=float, default=ETA, help=f"learning rate (default {ETA})"
    )
    train.add_argument(
        "--batch",
        type=int,
        default=BATCH_SIZE,
        help=f"mini-batch size (default {BATCH_SIZE})",
    )
    train.add_argument("--cost", choices=tuple(COSTS), default="quadratic")
    train.add_argument("--init", choices=INITS, default="normal")
    train.add_argument(
        "--activation",
        choices=tuple(ACTIVATIONS),
        default="sigmoid",
        help="of the hidden layers (the output layer is always a sigmoid)",
    )
    train.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds the split, the init and the shuffling",
    )
    train.add_argument(
        "--mnist-dir",
        help="folder with full MNIST (IDX files or mnist.npz); "
        "default: $DOWNHILL_MNIST_DIR, else the 5,000 digits the package ships",
    )
    return cli


class ProgressBar:
    """A one-line progress bar redrawn in place with carriage returns."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width = stream, width

    def __call__(self, step: int, total: int) -> None:
        if step % 20 and step != total:  # redraw every 20 steps: cheap enough
            return
        done = self.width * step // total
        self.stream.write(
            f"\r[{'#' * done}{'.' * (self.width - done)}] {100 * step // total:3d}%"
        )
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r" + " " * (self.width + 7) + "\r")
        self.stream.flush()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    digits = load_digits(args.mnist_dir, seed=args.seed)
    sizes = (784, *args.hidden, 10)
    print(
        f"data: {digits.source}: {len(digits.x_train)} training, {len(digits.x_test)} test digits"
    )
    print(
        f"network: {'-'.join(map(str, sizes))} ({parameter_count(sizes):,} weights and biases), "
        f"{args.activation}, init {args.init}, cost {args.cost}, "
        f"eta {args.eta}, mini-batch {args.batch}, seed {args.seed}"
    )
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    started = time.perf_counter()

    def report(epoch, history):
        if bar:
            bar.clear()
        print(
            f"epoch {epoch:{len(str(args.epochs))}d}/{args.epochs}  "
            f"train cost {history.train_cost[-1]:.4f}  "
            f"train accuracy {100 * history.train_accuracy[-1]:.2f}%  "
            f"test accuracy {100 * history.test_accuracy[-1]:.2f}%  "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )

    train_digits(
        digits,
        hidden=tuple(args.hidden),
        epochs=args.epochs,
        batch_size=args.batch,
        eta=args.eta,
        cost=args.cost,
        init=args.init,
        activation=args.activation,
        seed=args.seed,
        progress=bar,
        on_epoch=report,
    )
    return 0
