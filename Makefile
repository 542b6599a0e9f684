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
	@# ONNX export of the bundled model (cached in the venv; ~10 s once). On failure searches
	@# still work: the encoder falls back to PyTorch and retries the export on first use.
	-$(BACKQA) export-onnx
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
	$(BACKQA) serve

lint: install-test
	$(VENV)/bin/ruff check src tests

test: install-test lint
	$(VENV)/bin/pytest

clean:
	rm -rf index/current index/previous index/versions index/embed-cache.sqlite index/.lock
