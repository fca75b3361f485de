# Two commands: `make run` sets up and starts Rugwijzer; `make test` sets up and runs every test.
# Both create a local virtual environment in .venv on first use (Python 3.11+ needed).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test bench clean i18n

# The self-check web app on http://127.0.0.1:8000/ (this machine only; Ctrl+C stops it).
run: $(VENV)/.installed
	$(VENV)/bin/rugwijzer serve

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

# Interface strings of the command line: extract, merge into the nl/fr/en catalogues, compile.
# Translate the new entries in src/rugwijzer/locale/<lang>/LC_MESSAGES/cli.po, then run it again.
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -k N_ --no-location --omit-header --sort-output \
		-o src/rugwijzer/locale/cli.pot src/rugwijzer/cli/app.py src/rugwijzer/cli/render.py src/rugwijzer/services
	$(VENV)/bin/pybabel update -D cli -i src/rugwijzer/locale/cli.pot -d src/rugwijzer/locale --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -D cli -d src/rugwijzer/locale
