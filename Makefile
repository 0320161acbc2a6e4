# Two commands matter: `make run` and `make test`. Everything else is what they need.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
NL_PO := locale/nl/LC_MESSAGES/django.po
EN_PO := locale/en/LC_MESSAGES/django.po
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
CHROMIUM ?= /usr/bin/chromium
# Empty when that Chromium is absent: the tests then use Playwright's own build.
export ROLPOOL_CHROMIUM := $(if $(wildcard $(CHROMIUM)),$(CHROMIUM),)

.PHONY: run test setup browser lint messages clean loadtest

run: setup
	$(BIN)/python -m config.devstack run

test: setup browser
	$(BIN)/python -m config.devstack test $(PYTEST_ARGS)

setup: $(PY_STAMP) $(NODE_STAMP) $(MO_FILES)

$(PY_STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 not found)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "$(PYTHON) is older than 3.12; install Python 3.12+."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

%.mo: %.po $(PY_STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# Browser tests use the system Chromium where there is one, else Playwright's own build.
browser: $(PY_STAMP)
	@if [ -x "$(CHROMIUM)" ]; then echo "Browser tests use $(CHROMIUM)"; \
	else $(BIN)/python -m playwright install chromium; fi

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the message catalogues after changing user-facing strings (needs GNU gettext).
messages: $(PY_STAMP)
	DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused DJANGO_DEBUG=1 \
	$(BIN)/python manage.py makemessages --locale nl --locale en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*'
	# Dutch is the source language: every Dutch msgstr is its msgid, nothing fuzzy or obsolete.
	msgattrib --clear-fuzzy --clear-previous --no-obsolete -o $(NL_PO) $(NL_PO)
	msgfilter --keep-header -i $(NL_PO) -o $(NL_PO) sed -e d
	msgen --force-po -o $(NL_PO) $(NL_PO)
	msgattrib --no-obsolete -o $(EN_PO) $(EN_PO)

# The load test of issue 7 (see docs/performance.md); not part of `make test`.
loadtest: setup
	bench/loadtest/run.sh

clean:
	rm -rf $(VENV) node_modules var
