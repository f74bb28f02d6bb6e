# One target per job. `make serve` and `make test` do all the set-up they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install browser fmt lint validate build serve test bench load clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian's chromium for the browser tests; the tests fail (never skip) without it.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

fmt: install
	$(BIN)/pjgj fmt
	$(BIN)/ruff format src tests

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

validate: install
	$(BIN)/pjgj validate

# `pjgj build` runs every check of `pjgj validate` itself and publishes nothing on a problem
build: install
	$(BIN)/pjgj build

serve: build
	$(BIN)/pjgj serve

test: install browser lint validate
	$(BIN)/pytest

# the service against Oxigraph server on loopback; BENCH_ARGS="--dataset synth-1m" for 1M triples
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# 16 and 64 clients for 60 s each, a hostile client, a killed HTTP worker and query worker (loopback only)
load: install
	$(BIN)/python -m bench.load_faults

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
