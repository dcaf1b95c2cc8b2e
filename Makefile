# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
# The site's own address, for links in emails and feeds: where `make run` serves, unless SITE_URL is given.
SITE_URL ?= http://$(HOST):$(PORT)
PYTEST_ARGS ?=
# The task worker `make run` starts beside the web server: the database queue's unless TASKS_BACKEND/REDIS_URL
# choose RQ (mssite/settings/base.py).
TASKS_WORKER_BACKEND := $(or $(TASKS_BACKEND),$(if $(REDIS_URL),rq,database))
ifeq ($(TASKS_WORKER_BACKEND),rq)
WORKER ?= rqworker --with-scheduler --job-class django_tasks_rq.Job $(or $(TASKS_QUEUE),default)
else
WORKER ?= db_worker --no-reload --interval 0.5 --queue-name $(or $(TASKS_QUEUE),default)
endif

.DEFAULT_GOAL := help
.PHONY: help run serve cluster test test-fast screenshots typecheck lint format install install-dev chromium nginx node-tools admin-password migrate clean bench

help:
	@echo "make run      set up everything and serve http://$(HOST):$(PORT)/ (PORT=8061 make run for another port)"
	@echo "make test     install test tools and run the whole suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make cluster  two app servers, a worker, PostgreSQL, Redis and local S3 on this machine"
	@echo "make test-fast  everything but the browser tests (no Chromium needed)"
	@echo "make screenshots  run the browser tests that take the README's screenshots, saving them in docs/screenshots/"
	@echo "make lint     ruff, django-upgrade, djhtml and mypy, as pre-commit runs them"
	@echo "make format   ruff fix and format, templates reindented"
	@echo "make bench    load-test a production-mode site on PostgreSQL (REDIS_URL=redis://... to use Redis)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mssite needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) requirements.txt
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

# The web server and the task worker together; Ctrl-C (or the server ending) stops both.
# The web server and the worker (which sends the email) both take SITE_URL from here.
run: export SITE_URL := $(SITE_URL)
run: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_demo_admin --url $(SITE_URL)/admin/
	@$(PY) manage.py $(WORKER) & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Two gunicorn app servers, one RQ worker, PostgreSQL and Redis (the machine's) and a local S3 endpoint.
cluster: install-dev
	$(PY) -m tests.cluster

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Chromium at $(CHROMIUM)."; \
			echo "Install it with: sudo apt-get install chromium (or set CHROMIUM=/path/to/chromium)"; \
			exit 1; \
		fi; \
	fi

# axe-core (pinned in package.json/package-lock.json) for the accessibility checks in the browser tests.
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's nodejs and npm for the browser tests' axe-core…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else \
			echo "The browser tests need npm to install axe-core (package-lock.json)."; \
			echo "Install it with: sudo apt-get install nodejs npm"; \
			exit 1; \
		fi; \
	fi
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

node-tools: node_modules/.installed

# The deployment tests run `nginx -t` on docs/deploy/mssite.nginx.
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's nginx for the deployment tests…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
		else \
			echo "The deployment tests need nginx (they run nginx -t on docs/deploy/mssite.nginx)."; \
			echo "Install it with: sudo apt-get install nginx"; \
			exit 1; \
		fi; \
	fi

test: install-dev chromium node-tools nginx
	$(PY) -m pytest $(PYTEST_ARGS)

# For a newcomer on a laptop: the whole suite except the browser tests, so no Chromium and no npm tools.
test-fast: install-dev
	$(PY) -m pytest -m "not browser and not bench" $(PYTEST_ARGS)

# The browser tests save their screenshots in the ignored test-artifacts/ folder; this refreshes the tracked
# ones the README shows, on purpose (review and commit the PNGs it changes).
screenshots: install-dev chromium node-tools
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -m screenshots tests/browser $(PYTEST_ARGS)

typecheck: install-dev
	$(VENV)/bin/mypy

lint: install-dev
	$(VENV)/bin/pre-commit run --all-files

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	git ls-files '*.html' | xargs $(VENV)/bin/djhtml

# Not part of `make test` or CI: numbers, not timed tests (see docs/performance.md).
bench: install-dev
	$(PY) -m bench.run

admin-password: migrate
	$(PY) manage.py ensure_demo_admin --reset-password --url http://$(HOST):$(PORT)/admin/

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles node_modules
