# Two commands: `make dev` runs the whole system on the embedded stack,
# `make test` runs every test. Both set up .venv first; nothing else is assumed.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: setup dev test test-unit test-integration proto proto-check proto-snapshot k8s-check bench bench-deadlines clean

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml requirements/lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %d.%d); set PYTHON=/path/to/python3.11" % sys.version_info[:2])'
	@echo ">> creating $(VENV) and installing pinned dependencies (first run takes a few minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet --progress-bar off -r requirements/lock.txt
	@$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@
	@echo ">> environment ready"

dev: setup
	@$(PY) -m tools.dev

test: setup proto-check
	@$(PY) -m pytest -q -p no:cacheprovider

test-unit: setup
	@$(PY) -m pytest -q -m "not integration" -p no:cacheprovider

test-integration: setup
	@$(PY) -m pytest -q -m integration -p no:cacheprovider

proto: setup
	@$(PY) -m tools.gen_protos

# Stale generated code, lint findings or a breaking change against the released contract fail the build.
proto-check: setup
	@$(PY) -m tools.gen_protos --check
	@$(VENV)/bin/buf lint
	@$(VENV)/bin/buf breaking --against contracts/complaints.v1.binpb
	@echo "protos: lint clean, no breaking change against contracts/complaints.v1.binpb"

# Run deliberately when a new contract is released (a breaking change needs complaints.v2).
proto-snapshot: setup
	@$(VENV)/bin/buf build -o contracts/complaints.v1.binpb

k8s-check: setup
	@$(PY) -m tools.k8s_check


clean:
	rm -rf $(VENV) .dev build *.egg-info

# Measures the embedded stack's limits and the pipeline; writes bench-results/bench.{json,png}.
bench: setup
	@$(PY) -m tools.bench

# Breach lateness with 100k open deadlines (BENCH_DEADLINES, BENCH_SPREAD_S); writes bench-results/deadlines.json.
bench-deadlines: setup
	@$(PY) -m tools.bench_deadlines
