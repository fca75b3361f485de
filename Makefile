# Two commands: `make run` sets up and starts Rugwijzer; `make test` sets up and runs every test.
# Both create a local virtual environment in .venv on first use (Python 3.11+ needed), installed from
# requirements.lock: every dependency pinned and checked by its hash. `make lock` renews the lock
# after a change to the dependencies in pyproject.toml; `make audit` checks it for known vulnerabilities.
VENV ?= .venv
TOOLS ?= .venv-tools
PY := $(VENV)/bin/python
PYTHON ?= python3
LOCK := requirements.lock
ARGS ?=

.PHONY: run test test-fast bench clean i18n lock audit

# The self-check web app on http://127.0.0.1:8000/ (this machine only; Ctrl+C stops it). It prints a
# one-time login link to your diary. `make run PORT=8001` uses another port; `make run ARGS="--lang en"`
# passes options on to `rugwijzer serve`.
run: $(VENV)/.installed
	$(VENV)/bin/rugwijzer serve $(if $(PORT),--port $(PORT)) $(ARGS)

test: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PYTHON) tools/audit.py $(LOCK) $(TOOLS)
	$(VENV)/bin/pytest

# The inner loop: the unit tier only (no server, database, browser or PDF; fewer hypothesis examples).
test-fast: $(VENV)/.installed
	RUGWIJZER_FAST_TESTS=1 $(VENV)/bin/pytest -q -m unit -p no:cacheprovider

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Renew requirements.lock from pyproject.toml (the project, its test extra and its build backend), with
# the hash of every file, against PyPI. Commit the result; `make run`/`make test` then install it.
lock:
	test -x $(TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet pip-tools pip-audit; }
	$(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --all-build-deps --extra test \
		--strip-extras --no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

# Known vulnerabilities in the locked versions (pip-audit). Says "audit NOT done" where the advisory
# database cannot be reached, and does not fail for that reason.
audit:
	$(PYTHON) tools/audit.py $(LOCK) $(TOOLS)

bench: $(VENV)/.installed
	$(PY) bench/bench_assess.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Interface strings (gettext): extract every domain of rugwijzer.i18n.DOMAINS, merge it into the
# catalogue of every language of the registry (knowledge/data/languages.yaml; a new language gets new
# catalogues), compile. Translate the new entries in src/rugwijzer/locale/<lang>/LC_MESSAGES/<domain>.po,
# then run it again. See docs/languages.md.
i18n: $(VENV)/.installed
	$(PY) tools/i18n.py
