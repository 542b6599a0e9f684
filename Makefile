# backqa: `make run` to install, index and serve; `make test` to install and run every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
BACKQA := $(VENV)/bin/backqa
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install install-test index run test lint chromium clean

install: $(STAMP)

# torch first, pinned, so pip takes the local CPU wheel instead of a CUDA build from PyPI.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) torch==2.13.0
	$(PIP) -e .
	touch $@

install-test: $(TEST_STAMP) chromium

$(TEST_STAMP): $(STAMP)
	$(PIP) -e '.[test]'
	touch $@

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

index: install
	@test -e index/current || $(BACKQA) ingest

run: install index
	$(BACKQA) search "why does my back hurt after hills" -k 3
	@echo
	@echo 'Ask your own: $(BACKQA) search "your question"   (add --json for JSON)'

lint: install-test
	$(VENV)/bin/ruff check src tests

test: install-test lint
	$(VENV)/bin/pytest

clean:
	rm -rf index/current index/previous index/versions index/embed-cache.sqlite index/.lock
