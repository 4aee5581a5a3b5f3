# The menu of commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py
STAMP := $(VENV)/.installed
PORT ?= 8000
BANKS := fixtures/question_banks/data-driven-government.yaml fixtures/question_banks/insight-driven-mobility.yaml

.PHONY: install lock run db-stop migrate seed test check lint fmt migrations-check bench screenshots browser messages

# Exact versions from requirements.lock (written by `make lock`), then this project itself.
$(STAMP): requirements.lock pyproject.toml package.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	npm install --no-audit --no-fund --silent
	touch $(STAMP)

# The interface's translations, compiled from locale/<language>/LC_MESSAGES/django.po (GNU gettext).
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	msgfmt --check-format -o $@ $<

# plotly.js with only the trace types our charts draw (scripts/plotly-bundle.js), from the npm
# package of the same version as the one the Python plotly package validates figures against.
PLOTLY_BUNDLE := build/plotly/plotly.min.js
$(PLOTLY_BUNDLE): $(STAMP) scripts/plotly-bundle.js
	npx --no-install esbuild scripts/plotly-bundle.js --bundle --minify --format=iife \
		--global-name=Plotly --define:global=window --loader:.css=empty --log-level=warning \
		--outfile=$@

install: $(STAMP) $(MESSAGES) $(PLOTLY_BUNDLE)  ## create .venv, install the locked Python and npm packages, compile the translations, bundle plotly.js (skipped when up to date)

# Keeps every pinned version that still satisfies pyproject.toml; UPGRADE=1 takes the newest.
lock:  ## write requirements.lock from pyproject.toml (after changing a dependency; UPGRADE=1 to upgrade all)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal \
		$(if $(UPGRADE),--upgrade) -o requirements.lock

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate  ## load the question banks, cities, rounds and demo accounts (idempotent)
	$(MANAGE) load_bank --publish --skip-existing $(BANKS)
	$(MANAGE) seed_demo
	@$(MANAGE) demo_accounts

run: seed  ## install, migrate, seed, and serve on http://127.0.0.1:$PORT (8000 unless PORT is set)
	$(MANAGE) runserver 127.0.0.1:$(PORT)

db-stop: install  ## stop the embedded PostgreSQL under var/ (the next command starts it again)
	$(MANAGE) stop_database

test: install  ## run the whole test suite (browser tests included when Chromium is present)
	$(PY) -m pytest -q -n 2  # both cores (pytest-xdist): each worker has its own test database

check: install lint migrations-check  ## lint, format check, types, migrations, tests
	DJANGO_DEBUG=true $(BIN)/mypy .
	$(PY) -m pytest -q -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install  ## collect new interface strings into locale/*/LC_MESSAGES/django.po, to translate
	$(MANAGE) makemessages -l nl -l fr --no-obsolete --ignore=.venv --ignore=node_modules \
		--ignore=var --ignore=tests --ignore=bench --ignore=docs

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

browser:  ## Debian's Chromium for the browser tests, poppler-utils for the PDF tests (needs root)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	command -v pdftoppm >/dev/null || (apt-get update -qq && apt-get install -y -qq poppler-utils)

.PHONY: backup restore

backup: install  ## pg_dump the app database into var/backups/polis-<time>.dump
	$(MANAGE) backup_db

restore: install  ## replace the app database with a backup: make restore BACKUP=var/backups/polis-....dump
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/polis-YYYYmmdd-HHMMSS.dump" >&2; exit 2; }
	$(MANAGE) restore_db "$(BACKUP)"

bench: install  ## time every page on 5/50/200-city data sets and check the budgets (docs/performance.md)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) -m bench.run

PEER_VENV := var/bench/peer/venv

.PHONY: bench-peer
bench-peer: install  ## django-survey-and-report (own venv, from PyPI) against our pages; after `make bench`
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install --quiet django-survey-and-report psycopg2-binary
	$(PY) -m bench.peer

screenshots: install  ## PNGs of the section page, results and dashboard for the README (docs/screenshots/)
	$(PY) scripts/screenshots.py
