# Documented entry points. `make run` and `make test` are the README's two commands.
SHELL := /bin/bash
PYTHON ?= $(shell scripts/find-python)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run serve worker beat up test test-faults test-chaos test-browser lint format bench install install-dev clean

$(VENV)/.base-installed: requirements/base.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.base-installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed node_modules/axe-core/axe.min.js examples/frontend/node_modules/.installed

# Test-only JavaScript (axe-core for the accessibility tests), pinned by package-lock.json.
# Without npm the install goes on; the browser tests that need axe-core then say so.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility browser tests need axe-core (npm ci)."; fi

# The TypeScript example's tools (tsc, openapi-typescript, openapi-fetch, redocly), pinned by its
# package-lock.json; the `node` tests type-check it against the generated schema.
examples/frontend/node_modules/.installed: examples/frontend/package.json examples/frontend/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix examples/frontend --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the TypeScript example's tests (marker node) need it."; fi

run: install ## the site with demo content on SQLite, a worker on an embedded broker, mail to var/mail
	PORT=$(PORT) PY=$(PY) scripts/run-dev

# The production processes; their command lines live in scripts/proc (also used by deploy/).
serve: install ## production server: gunicorn + whitenoise (needs the production environment)
	$(PY) manage.py collectstatic --noinput -v0
	VENV=$(VENV) PORT=$(PORT) scripts/proc web

worker: install
	VENV=$(VENV) scripts/proc worker

beat: install
	VENV=$(VENV) scripts/proc beat

up: install ## web, worker and beat on one host; any that exits is started again (scripts/supervise.py)
	$(PY) manage.py collectstatic --noinput -v0
	VENV=$(VENV) PORT=$(PORT) $(PY) scripts/supervise.py

test: install-dev ## the whole suite; PostgreSQL/Redis groups run when DATABASE_URL/REDIS_URL are set
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-faults: install-dev
	$(VENV)/bin/pytest -m faults $(PYTEST_ARGS)

# A few minutes of random faults (Redis, worker, SMTP, PostgreSQL) under steady traffic; prints
# its figures. Private PostgreSQL, Redis and SMTP of its own; never part of `make test`.
test-chaos: install-dev
	$(VENV)/bin/pytest -m chaos -p no:randomly $(PYTEST_ARGS)

test-browser: install-dev
	$(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Content and API throughput (three runs: req/s against a bare Django ceiling and /api/v2/ping/,
# server CPU per request), then lead intake with an instant vs a slow SMTP server. Both start
# their own servers; they need PostgreSQL (DATABASE_URL, default: the local server) and Redis.
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
bench: install-dev
	$(PY) scripts/bench.py --runs 3 --duration 5
	$(PY) scripts/bench_leads.py

clean:
	rm -rf var static artifacts
