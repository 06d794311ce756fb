# Every target sets up what it needs: `make test` on a fresh clone creates .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# make demo needs only the package and its cli extra: its own environment, no dev tools.
DEMO_VENV  := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed
DEMO_INSTALL := --quiet --disable-pip-version-check --editable '.[cli]'
# Prism serves Onedata's upstream API definition as an independent mock (npm, pinned by its lockfile).
PRISM  := tests/upstream_mock/node_modules/.bin/prism

.DEFAULT_GOAL := help
.PHONY: help venv generate check-generated lint typecheck spec pytest test bench demo

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	@touch $@

# When this Python's pip can install into another environment (--python), the demo's
# environment gets no pip of its own: creating it then takes no time instead of seconds.
$(DEMO_STAMP): pyproject.toml
	@if $(PYTHON) -m pip --help 2>/dev/null | grep -q -- '--python '; then \
		test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv --without-pip $(DEMO_VENV); \
		echo "installing the package and its cli extra into $(DEMO_VENV)"; \
		$(PYTHON) -m pip --python $(DEMO_VENV)/bin/python install $(DEMO_INSTALL); \
	else \
		test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv $(DEMO_VENV); \
		$(DEMO_VENV)/bin/python -m pip install $(DEMO_INSTALL); \
	fi
	@touch $@

$(PRISM): tests/upstream_mock/package-lock.json
	cd tests/upstream_mock && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

venv: $(STAMP) ## Create .venv and install the project with its pinned dev tools

generate: $(STAMP) ## Rewrite generated/ and the answer decoders from openapi.yaml, the sync client from the async one
	$(BIN)/python tools/codegen.py generate
	$(BIN)/python tools/wire.py generate
	$(BIN)/python tools/unasync.py generate

check-generated: $(STAMP) ## Fail if generated code differs from what its source produces
	$(BIN)/python tools/codegen.py check
	$(BIN)/python tools/wire.py check
	$(BIN)/python tools/unasync.py check

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP) ## mypy --strict on the handwritten package
	$(BIN)/mypy wrapper/

spec: $(STAMP) ## Validate openapi.yaml
	$(BIN)/openapi-spec-validator openapi.yaml

pytest: $(STAMP) $(PRISM) ## Run the test suite
	$(BIN)/pytest

test: lint typecheck spec check-generated pytest ## Every check: lint, types, spec, drift, tests

demo: $(DEMO_STAMP) ## The whole story against a simulated provider over HTTP on loopback
	$(DEMO_VENV)/bin/onedata-workflows demo

bench: $(STAMP) ## Every benchmark, each against a baseline in the same run; writes BENCHMARKS.md
	$(BIN)/python benchmarks/run.py