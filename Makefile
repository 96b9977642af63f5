# jianyipai: `make run` captures a listing from the built-in demo shop; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_STORE ?= demo-store

.PHONY: install run test bench lint clean

install: $(STAMP)
	@scripts/ensure-browser
	@scripts/ensure-servers

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: install
	$(VENV)/bin/jianyipai demo --store $(DEMO_STORE)

test: install
	$(PY) -m pytest

bench: install
	$(PY) bench/run.py
	$(PY) bench/bench_extract.py
	$(PY) bench/bench_watch.py
	$(PY) bench/bench_web.py
	$(PY) bench/bench_bound.py
	$(PY) bench/bench_fuzz.py
	$(PY) bench/bench_queue.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

lint: install
	$(VENV)/bin/ruff check agent storage extractors tests bench
