# Terroir storefront. `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/terroir

.PHONY: install run test test-sqlite test-postgres lint format check chromium axe lock messages bench bench-search lighthouse loadtest faults wrk clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)
	@mkdir -p var

## Set up everything and serve the demo storefront on http://127.0.0.1:8000
run: install
	$(PY) manage.py demo_server

## Run the whole suite: SQLite, then the PostgreSQL-only concurrency tests.
test: install chromium axe
	$(MAKE) test-sqlite
	$(MAKE) test-postgres TEST_ARGS="-m postgres"

test-sqlite: install
	$(PY) -m pytest -m "not postgres" $(TEST_ARGS)

test-postgres: install
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(TEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## axe-core (accessibility checks in the browser tests), pinned, from the npm registry.
AXE_VERSION := 4.14.1
axe:
	@test -f var/npm/node_modules/axe-core/axe.min.js || \
	  npm install --prefix var/npm --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION)

## Browser tests use Debian's chromium; never a downloaded browser.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## Load-test the storefront like production (10,000 products, gunicorn, wrk):
## tests/bench/bench_storefront.py. BENCH_DURATION=5 for a quick run.
bench: install wrk
	$(PY) -m tests.bench.bench_storefront

## Lighthouse (npm, pinned) with Debian's chromium, mobile preset, on the demo
## served like production: tests/bench/lighthouse.py, reports in var/lighthouse/.
LIGHTHOUSE_VERSION := 12.2.3
lighthouse: install chromium
	@test -f var/npm/node_modules/lighthouse/cli/index.js || \
	  npm install --prefix var/npm --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)
	$(PY) -m tests.bench.lighthouse

## Search engine benchmark: 100,000 synthetic products, reindex rate, query p50/p95.
## BENCH_SEARCH_DOCS / BENCH_SEARCH_QUERIES shrink it for a quick run.
bench-search: install
	$(PY) -m tests.bench.search_bench

## 50 shoppers for 5 minutes (browse, search, basket, cash on delivery, card and
## 3-D Secure via localstripe) against gunicorn + PostgreSQL + Redis, then
## check_orders_consistency: tests/bench/loadtest.py. LOADTEST_SECONDS=60
## LOADTEST_USERS=20 for a quick run; exits 1 on any error or inconsistency.
loadtest: install
	$(PY) -m tests.bench.loadtest

## The fault tests alone (tests/faults/, also part of `make test`): Redis, the
## search engine and Stripe broken on SQLite, then the database connection
## dropped mid-checkout on PostgreSQL ($(PG_TEST_URL)).
faults: install
	$(PY) -m pytest tests/faults -m "not postgres" $(TEST_ARGS)
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest tests/faults -m postgres $(TEST_ARGS)

wrk:
	@command -v wrk >/dev/null || { \
	  echo "Installing Debian's wrk for the benchmark…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

messages: install
	$(PY) manage.py makemessages -l fr -l ar -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

lock:
	$(PY) -m pip install --quiet -e ".[dev]"
	{ echo "# Pinned dependencies installed by \`make install\` (pip install -r requirements.lock)."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  $(PY) -m pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock

clean:
	rm -rf var/
