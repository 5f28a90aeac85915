# Peel: the two quick-start commands are `make demo` and `make test`; both are safe to run twice.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PEEL := $(VENV)/bin/peel
STAMP := $(VENV)/.installed
APT_PACKAGES := chromium postgresql redis-server fonts-dejavu-core
PYTEST_WORKERS ?= 2

.PHONY: demo test lint bench install system-packages web-assets serve clean

install: $(STAMP) web-assets

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

# System packages: Chromium for browser tests, PostgreSQL and Redis binaries for throwaway test servers.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

web-assets: node_modules/leaflet/dist/leaflet.js

node_modules/leaflet/dist/leaflet.js: package.json
	npm install --silent --no-audit --no-fund
	@touch $@

demo: install
	$(PEEL) db upgrade
	$(PEEL) demo load --seed 42
	$(PEEL) demo logins
	$(PEEL) serve --demo

lint: $(STAMP)
	$(VENV)/bin/ruff check peel tests bench
	$(VENV)/bin/ruff format --check peel tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

test: system-packages install lint
	$(VENV)/bin/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); \
	status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$status

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
