# The two commands of README: `make run` (the portal with demo data, a web server and a
# Celery worker, on SQLite and the filesystem broker) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= demo
DEMO_RECORDS ?= 20000
PYTEST_WORKERS ?= 2

.PHONY: run test setup setup-test system-deps browser-deps test-deps messages bench load-bench lint

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# WeasyPrint needs Pango; the translations need gettext's msgfmt.
system-deps:
	@scripts/apt-ensure.sh libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext

# Debian's Chromium for the browser tests (Playwright's own download does not work here),
# and poppler for looking at rendered PDFs.
browser-deps:
	@scripts/apt-ensure.sh chromium poppler-utils

messages: $(VENV)/.installed system-deps
	@if find . -path ./.venv -prune -o -name '*.po' -print | grep -q .; then \
	  $(PY) manage.py compilemessages -l nl --ignore=.venv -v0; fi

setup: $(VENV)/.installed system-deps messages

# Java 17 for the local Spark session that checks the generation SQL (tests/generation/test_spark.py).
test-deps:
	@scripts/apt-ensure.sh openjdk-17-jre-headless

setup-test: $(VENV)/.installed-dev system-deps browser-deps test-deps messages

run: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo --password $(DEMO_PASSWORD) --records $(DEMO_RECORDS)
	@echo "IOB portal on http://127.0.0.1:$(PORT)/ — sign in as policy_officer, reviewer, dpo, register_editor, auditor or admin with password '$(DEMO_PASSWORD)'"
	@echo "reviewer, reviewer2, dpo and admin also give a code: $(PY) manage.py demo_totp NAME prints the current one"
	@$(PY) -m celery -A iob_portal worker -B --loglevel=WARNING --concurrency=2 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup-test
	$(PY) -m ruff check --quiet .
	$(PY) -m ruff format --check --quiet .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m mypy
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS)

# The load test needs PostgreSQL and Redis and takes minutes: `make load-bench`.
bench: setup-test
	@for b in bench/*_bench.py; do [ "$$b" = bench/load_bench.py ] && continue; echo "== $$b"; $(PY) $$b || exit 1; done

load-bench: setup-test
	$(PY) bench/load_bench.py

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m mypy
