# Set-up and everyday commands. `make run` serves the site; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install install-test browser virtuoso node run test test-js test-fast lint bench vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Debian's Chromium for the end-to-end tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Node.js runs the editor's JavaScript unit tests (node --test); Debian's package when missing.
node:
	@command -v node >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; }

# A random secret key for log-in sessions, made once and kept in instance/ (git ignores it).
instance/secret_key:
	mkdir -p instance && umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

run: install instance/secret_key
	AIGRAPH_SECRET_KEY=$$(cat instance/secret_key) $(BIN)/aigraph serve --host $(HOST) --port $(PORT)

# Debian's OpenLink Virtuoso for the remote-store tests (they start their own server on free
# loopback ports, with a temporary database; nothing runs as a service).
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; }

test: install-test browser virtuoso test-js
	$(BIN)/python -m pytest -q

test-js: node
	node --test tests/js/

test-fast: install-test
	$(BIN)/python -m pytest -q -m "not e2e"

lint: install-test
	$(BIN)/ruff check src tests bench

# SIZES=shipped,100k,1m,5m for the largest graph; QUICK=1 for a short smoke run.
bench: install-test
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run_all.py $(if $(QUICK),--quick) $(if $(SIZES),--sizes $(SIZES))

vendor:
	bash web/vendor.sh

clean:
	rm -rf $(VENV) build *.egg-info tests/artifacts bench/out
