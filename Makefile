# Two commands: `make run` sets up and starts Rugwijzer; `make test` sets up and runs every test.
# Both create a local virtual environment in .venv on first use (Python 3.11+ needed).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test lint bench clean

run: $(VENV)/.installed
	$(VENV)/bin/rugwijzer assess examples/intake-self-care.json --lang nl

test: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

bench: $(VENV)/.installed
	$(PY) bench/bench_assess.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
