# Doorstep: two commands.
#   make run   set everything up on a fresh machine, load the demo data, serve on 127.0.0.1:8000
#   make test  lint, type-check, and run every test suite (SQLite, PostgreSQL, PWA, end to end)
# Other targets: lint, schema, test-e2e, clean, distclean.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules --no-print-directory

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
DEPS_STAMP := $(VENV)/.doorstep-deps

PWA := pwa
HAS_PWA := $(wildcard $(PWA)/package.json)
NPM_STAMP := $(PWA)/node_modules/.doorstep-npm
PWA_BUILT := $(PWA)/dist/index.html
# Everything the PWA build reads, so an unchanged app is not rebuilt.
PWA_SOURCES := $(if $(HAS_PWA),$(shell find $(PWA) -type f \
	-not -path '$(PWA)/node_modules/*' -not -path '$(PWA)/dist/*' \
	-not -path '$(PWA)/test-results/*' -not -path '$(PWA)/playwright-report/*' 2>/dev/null))

# The unit suites leave the browser tests to test-e2e.
PYTEST_ARGS ?= -q --ignore=tests/e2e

.PHONY: run test lint typecheck test-sqlite test-postgres test-pwa test-e2e schema deps pwa clean distclean

# --- set-up ----------------------------------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Doorstep needs Python 3.11 or newer (found: $$($(PYTHON) --version 2>&1))." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { scripts/ensure-system-deps.sh python && $(PYTHON) -m venv --clear $(VENV); }

# Reinstalled only when pyproject.toml changes.
$(DEPS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	@touch $@

deps: $(DEPS_STAMP)

ifneq ($(HAS_PWA),)
$(NPM_STAMP): $(PWA)/package.json $(wildcard $(PWA)/package-lock.json)
	cd $(PWA) && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

$(PWA_BUILT): $(NPM_STAMP) $(PWA_SOURCES)
	cd $(PWA) && npm run build
	@touch $@

pwa: $(PWA_BUILT)
else
pwa:
	@echo "No pwa/package.json: the web app is not built (the API still runs)."
endif

# --- the two commands ------------------------------------------------------------------------

run: deps
	scripts/ensure-system-deps.sh run
	@$(MAKE) pwa
	$(BIN)/doorstep migrate
	$(BIN)/doorstep seed-demo
	$(BIN)/doorstep serve --host $(HOST) --port $(PORT)

test: deps
	scripts/ensure-system-deps.sh test
	@$(MAKE) lint
	@$(MAKE) typecheck
	@$(MAKE) test-sqlite
	@$(MAKE) test-postgres
	@$(MAKE) test-pwa
	@$(MAKE) test-e2e

# --- pieces of `make test` -------------------------------------------------------------------

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: deps
	$(BIN)/mypy

test-sqlite: deps
	DOORSTEP_TEST_DB=sqlite $(BIN)/pytest $(PYTEST_ARGS)

# Needs PostgreSQL on 127.0.0.1:5432 (user postgres); the tests create and drop their own database.
test-postgres: deps
	DOORSTEP_TEST_DB=postgres $(BIN)/pytest $(PYTEST_ARGS) -m db

test-pwa:
ifneq ($(HAS_PWA),)
	@$(MAKE) $(NPM_STAMP)
	cd $(PWA) && CI=true npm test
else
	@echo "No pwa/package.json: PWA tests skipped."
endif

test-e2e: deps
	@if [ -d tests/e2e ]; then \
		$(MAKE) pwa && DOORSTEP_TEST_DB=sqlite $(BIN)/pytest -q tests/e2e; \
	else \
		echo "No tests/e2e: end-to-end tests skipped."; \
	fi

# --- other -----------------------------------------------------------------------------------

schema: deps
	$(BIN)/doorstep export-schema

# Build and cache output only; never the database in data/.
clean:
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info test-artifacts
	rm -rf $(PWA)/dist $(PWA)/test-results $(PWA)/playwright-report

distclean: clean
	rm -rf $(VENV) $(PWA)/node_modules
