# chainlead: `make demo` and `make test` work on a fresh machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SIZE ?= 1.0
PYTEST_WORKERS ?= 2
# Tests open a connection per live-server request thread; persistent connections would pile up
# on PostgreSQL until it refuses new ones. Production and benchmarks keep them (600 s).
TEST_ENV := CHAINLEAD_FAST_HASHER=1 DATABASE_CONN_MAX_AGE=0
# Outside DEBUG the settings refuse the development key (docs/security.md): the local commands
# run with DEBUG, the checks with the test settings. The local demo skips two-factor log-in,
# which production enforces for administrators.
DEV_ENV := DJANGO_DEBUG=1
DEMO_ENV := DJANGO_DEBUG=1 CHAINLEAD_2FA_ENFORCED=0
CHECK_ENV := DJANGO_SETTINGS_MODULE=config.settings_test

.PHONY: setup system-deps demo test test-fast test-browser lint typecheck bench lock messages clean

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || PYTHON=python3
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Debian packages: chromium for browser tests, a CJK font for Chinese text in chromium and PDFs,
# gettext for translations, faketime for CI's run with the clock moved past the holiday calendar.
# Installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v faketime >/dev/null || missing="$$missing faketime"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-wqy-zenhei"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

setup: $(STAMP) system-deps
	if [ -d chainlead/locale ]; then cd chainlead && $(DEV_ENV) ../$(BIN)/chainlead compilemessages -v 0; fi
	$(DEV_ENV) $(BIN)/chainlead collectstatic --noinput -v 0

demo: setup  # make demo PORT=8001 serves on another port
	$(DEMO_ENV) $(BIN)/chainlead migrate --noinput -v 0
	$(DEMO_ENV) $(BIN)/chainlead load-demo
	@echo
	@echo "chainlead is running at http://127.0.0.1:$(or $(PORT),8000)  (Ctrl-C to stop)"
	$(DEMO_ENV) $(BIN)/chainlead runserver 127.0.0.1:$(or $(PORT),8000) --insecure

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(CHECK_ENV) $(BIN)/mypy
	$(CHECK_ENV) $(BIN)/chainlead makemigrations --check --dry-run -v 0
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-fast: $(STAMP)
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) -q -m "not browser"

test-browser: setup
	$(TEST_ENV) $(BIN)/pytest -q -m browser

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(CHECK_ENV) $(BIN)/mypy

bench: setup
	@command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -qq wrk; }
	BENCH_SCALE=$(SIZE) $(BIN)/python benchmarks/run_all.py

# Re-resolve the pinned dependencies after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --output-file requirements.lock pyproject.toml

messages: $(STAMP)
	$(DEV_ENV) $(BIN)/chainlead makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=benchmarks
	$(DEV_ENV) $(BIN)/chainlead compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
