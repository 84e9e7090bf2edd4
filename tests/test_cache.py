"""The experiment cache: computed once, reused, recomputed when code changes."""

import ast
import sys
from importlib import metadata

import numpy as np
import pytest

from downhill import cache


@pytest.fixture
def calls(tmp_path, monkeypatch):
    monkeypatch.setenv("DOWNHILL_CACHE_DIR", str(tmp_path))
    made = []

    @cache.cached
    def experiment(*, seed):
        made.append(seed)
        return {"weights": np.random.default_rng(seed).normal(size=5)}

    return experiment, made


def test_an_experiment_runs_once_per_arguments(calls):
    experiment, made = calls
    first = experiment(seed=1)
    again = experiment(seed=1)
    other = experiment(seed=2)
    assert made == [1, 2]
    np.testing.assert_array_equal(first["weights"], again["weights"])
    assert not np.array_equal(first["weights"], other["weights"])


def test_each_call_gets_its_own_copy(calls):
    experiment, _ = calls
    experiment(seed=1)["weights"][:] = 0
    assert experiment(seed=1)["weights"].any()


def test_a_code_change_recomputes(calls, monkeypatch):
    experiment, made = calls
    experiment(seed=1)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "edited")
    experiment(seed=1)
    assert made == [1, 1]


def test_the_data_source_is_part_of_the_key(calls, monkeypatch, tmp_path):
    experiment, made = calls
    experiment(seed=1)
    monkeypatch.setenv("DOWNHILL_MNIST_DIR", str(tmp_path / "mnist"))
    experiment(seed=1)
    assert made == [1, 1]


@pytest.mark.parametrize("upgraded", ["python", *cache.LIBRARIES])
def test_a_python_or_library_upgrade_recomputes(calls, monkeypatch, upgraded):
    experiment, made = calls
    experiment(seed=1)
    if upgraded == "python":
        monkeypatch.setattr(sys, "version", "3.99.0 (upgraded)")
    else:
        version = metadata.version
        monkeypatch.setattr(
            metadata,
            "version",
            lambda name: "0.0" if name == upgraded else version(name),
        )
    experiment(seed=1)
    assert made == [1, 1]


def test_every_library_the_experiments_import_is_in_the_key():
    imported = set()
    for name in [*cache.LEARNING_MODULES, "experiments"]:
        for node in ast.walk(
            ast.parse((cache.PACKAGE / f"{name}.py").read_text(encoding="utf8"))
        ):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    libraries = imported - set(sys.stdlib_module_names) - {"downhill"}
    assert "numpy" in libraries  # (their modules are named like their distributions)
    assert libraries <= set(cache.LIBRARIES)


def test_the_key_covers_the_experiment_and_its_helpers_only():
    from downhill import experiments

    source = cache.experiment_source(experiments.nielsen_recipe.__wrapped__)
    assert (
        "def nielsen_recipe" in source and "def run(" in source
    )  # the helper it calls
    # another experiment: editing it changes nothing here
    assert "def without_digit" not in source
