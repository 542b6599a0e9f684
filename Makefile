# backqa: `make run` to install, index and serve; `make test` to install and run every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
BACKQA := $(VENV)/bin/backqa
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install install-test index run test lint chromium haproxy clean

install: $(STAMP)

# torch first, pinned, so pip takes the local CPU wheel instead of a CUDA build from PyPI.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) torch==2.13.0
	$(PIP) -e .
	@# ONNX export of the bundled model and its int8 quantisation by ONNX Runtime's own
	@# quantiser (both cached in the venv; ~20 s once; nothing downloaded). On failure searches
	@# still work: the encoder falls back to PyTorch and retries the export on first use.
	-$(PY) -m backqa.encoders.onnx_export
	touch $@

install-test: $(TEST_STAMP) chromium haproxy
	@# axe-core, which the browser tests inject into the pages (tests/web/package-lock.json)
	test -f tests/web/node_modules/axe-core/axe.min.js || (cd tests/web && npm ci --no-audit --no-fund)

$(TEST_STAMP): $(STAMP)
	$(PIP) -e '.[test]'
	touch $@

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# The replica test (tests/deploy/test_replicas.py) puts Debian's HAProxy in front of 3 servers.
haproxy:
	@test -x /usr/sbin/haproxy || { apt-get update -qq && apt-get install -y -qq haproxy; }

index: install
	@test -e index/current || $(BACKQA) ingest

run: install index
	$(BACKQA) serve

lint: install-test
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy

test: install-test lint
	$(VENV)/bin/pytest

clean:
	rm -rf index/current index/previous index/versions index/embed-cache.sqlite index/.lock
