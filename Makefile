# Downhill: every target sets itself up. `make serve` and `make test` work on a
# fresh machine that has Python >= 3.11 and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
# `make lock`'s resolver, installed into .venv by the target itself.
UV := uv==0.13.9

export NO_MKDOCS_2_WARNING := 1
export MPLBACKEND := Agg
# One BLAS thread: the course's small matrix products run 2-10x faster on two
# cores without OpenBLAS's threading, and results do not depend on thread count.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: serve test lint check build bench notebooks lock fresh-env clean

$(READY): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[site,test]"
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

# uv resolves pyproject.toml's dependencies with every extra; the pins already in
# constraints.txt are kept wherever they still satisfy them (`UPGRADE=--upgrade`
# moves everything to the newest allowed).
lock: $(READY)  ## re-resolve constraints.txt (exact pins of the site's build) with uv
	$(BIN)/python -m pip install --quiet "$(UV)"
	$(BIN)/uv pip compile pyproject.toml --all-extras --python $(BIN)/python \
		--no-header --no-annotate --quiet $(UPGRADE) --output-file constraints.txt

# Downloads packages: not part of the offline `make test` (.ci/run runs it after).
fresh-env: $(READY)  ## the wheel in new venvs, lowest and pinned numpy/matplotlib: every notebook and lab
	$(BIN)/python tests/fresh_env.py

clean:
	rm -rf site .cache
