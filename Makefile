# Two commands set everything up: `make demo` and `make test`.
# `make demo` installs chainrule with its runtime dependencies only; `make test` adds the
# test, dev and notebook extras to the same .venv. One stamp each, so that either order works.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
RUNTIME := $(VENV)/.installed-runtime
TESTENV := $(VENV)/.installed-test

.PHONY: demo test lint bench wheel clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $(RUNTIME)

# The test environment holds the runtime one: it stamps both.
$(TESTENV): pyproject.toml | $(BIN)/python
	$(PIP) -e ".[test,dev,notebook]"
	touch $(RUNTIME) $(TESTENV)

demo: $(RUNTIME)
	$(BIN)/chainrule demo

test: $(TESTENV)
	$(BIN)/python -m pytest -q -n 2

lint: $(TESTENV)
	$(BIN)/python scripts/layers.py
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

# bench unsets the OpenBLAS kernel overrides some machines export, so the kernel measured is
# the one OpenBLAS picks for this CPU (the report names it).
bench: $(TESTENV)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/derive_bench.py
	$(BIN)/python benchmarks/sklearn_bench.py

wheel: $(TESTENV)
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
