# Two commands on a fresh machine with Python 3.11, pip and make:
#   make data   set up, build and validate the data package
#   make test   set up and run the tests
# Each bootstraps .venv from uv.lock by itself.

PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: data test env lint schema bench fuzz draft-eval clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-extras --python $(PYTHON) --quiet
	@touch $@

env: $(VENV)/.synced

data: env
	$(BIN)/pak-afghan-diplomacy build
	$(BIN)/pak-afghan-diplomacy validate --path datasets
	$(BIN)/python -m pak_afghan_diplomacy.docs schema .

test: env
	$(BIN)/python -m pytest

# A longer hunt than CI's, outside CI: 1,000 cases of each fuzz test (2,000 in all), about 2 minutes.
FUZZ_EXAMPLES ?= 1000

fuzz: env
	PAD_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/test_properties.py -k fuzz

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the derived schema/ files (Table Schemas and data dictionary) from the models.
schema: env
	$(BIN)/python -m pak_afghan_diplomacy.docs schema

# The benchmark runs in its own environment with only what `pip install pak-afghan-diplomacy[build]`
# gives (no pandas, no hypothesis: pandera imports them when present) plus frictionless to compare with,
# compiled to bytecode as pip compiles an install.
BENCH_VENV := .venv-bench
BENCH_ARGS ?=

$(BENCH_VENV)/.synced: $(UV) uv.lock pyproject.toml Makefile
	UV_PROJECT_ENVIRONMENT=$(BENCH_VENV) $(UV) sync --frozen --extra build --no-default-groups --group bench --compile-bytecode --python $(PYTHON) --quiet
	@touch $@

bench: $(BENCH_VENV)/.synced
	$(BENCH_VENV)/bin/python benchmarks/bench.py $(BENCH_ARGS)

# How good the drafting pass is: each curated seed and held-out report drafted as new-article drafts it
# (realistic mode; --mode curated for the easier in-sample run); writes benchmarks/DRAFTS.md.
draft-eval: env
	$(BIN)/python benchmarks/draft_eval.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(TOOLS) dist .pytest_cache .ruff_cache
