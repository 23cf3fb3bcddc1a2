# Two commands: `make dev` runs the whole system on the embedded stack,
# `make test` runs every test. Both set up .venv first; nothing else is assumed.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: setup dev test classifier classifier-check browser bench-console test-unit test-integration test-faults proto proto-check proto-snapshot k8s-check bench bench-deadlines bench-lookups clean

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

test: setup proto-check classifier-check browser
	@$(PY) -m pytest -q -p no:cacheprovider --ignore=tests/faults

# Intake's category model: retrain from services/intake/classifier/corpus (reproducible; commit the
# model with the corpus), or print the shipped model's held-out accuracy and macro-F1 (fails below 0.9).
classifier: setup
	@$(PY) -m tools.train_classifier train

classifier-check: setup
	@$(PY) -m tools.train_classifier evaluate

test-unit: setup
	@$(PY) -m pytest -q -m "not integration" -p no:cacheprovider --ignore=tests/faults

test-integration: setup
	@$(PY) -m pytest -q -m integration -p no:cacheprovider --ignore=tests/faults

# kill -9 each service, restart the database and the broker while complaints flow, then check
# nothing was lost or done twice (about 10 minutes; FAULT_COMPLAINTS, FAULT_RATE, FAULT_SEED).
test-faults: setup
	@$(PY) -m pytest -q -p no:cacheprovider -m faults tests/faults

# The console's browser tests drive Debian's chromium through its chromedriver (never a browser
# downloaded at run time); installed with apt-get when missing, as root or through sudo.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; else \
	  echo ">> installing chromium and chromium-driver (the console's browser tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver fonts-noto-cjk >/dev/null; fi

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

# Measures the limits, the pipeline, gRPC lookups and intake alone (bench-results/bench.{json,png}),
# then breach lateness with 100k open deadlines (bench-results/deadlines.json).
# KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI run it against a real Kafka and MongoDB.
bench: setup
	@$(PY) -m tools.bench
	@$(PY) -m tools.bench_console
	@$(PY) -m tools.bench_deadlines

# Breach lateness with 100k open deadlines (BENCH_DEADLINES, BENCH_SPREAD_S); writes bench-results/deadlines.json.
bench-deadlines: setup
	@$(PY) -m tools.bench_deadlines

# gRPC lookup latency p50/p95/p99 at BENCH_LOOKUP_RATE (default 1,000/s, open loop); writes bench-results/lookups.json.
bench-lookups: setup
	@$(PY) -m tools.bench_lookups

# Console page loads with BENCH_CONSOLE_CASES (default 10,000) cases in the stack; writes bench-results/console.json.
bench-console: setup
	@$(PY) -m tools.bench_console
