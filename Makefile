# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_WORKERS ?= 2
# Ledger sizes (journal entries) and runs per figure for `make bench`; 1M is opt-in:
# make bench SIZES="10000 100000 1000000"
SIZES ?= 10000 100000
RUNS ?= 3

.PHONY: run test test-slow lint typecheck audit bench bench-startup screenshots statement-pictures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/fundledger init
	$(BIN)/fundledger demo
	FUNDLEDGER_ENV=development $(BIN)/fundledger serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check fundledger tests migrations docs
	$(BIN)/bandit -q -c pyproject.toml -r fundledger
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# pip-audit fails the build on any known vulnerability in what is installed. Where the
# vulnerability service cannot answer for a package (this workplace's PyPI mirror serves no
# per-version data), pip-audit skips it: the build goes on, and says so loudly.
audit: $(VENV)/.installed-test
	$(BIN)/pip-audit --skip-editable --progress-spinner off > $(VENV)/audit.txt 2>&1 \
		|| { cat $(VENV)/audit.txt; exit 1; }
	@skipped=$$(grep -c 'could not be audited' $(VENV)/audit.txt || true); \
	if [ "$$skipped" -gt 0 ]; then \
		echo "WARNING: pip-audit could not audit $$skipped packages (no vulnerability data reachable); see $(VENV)/audit.txt" >&2; \
	else echo "pip-audit: no known vulnerabilities"; fi

# The hostile-input fuzz runs in make test-slow only, where it sweeps every value of every
# class (it ran a shorter sweep here too: three of make test's ten minutes, repeated there).
test: lint typecheck audit
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not heavy and not fuzz"

# The heavier tier CI runs after `make test`: every hostile value of a field kind's classes through
# every form field and command option, and the volume loads and kill -9 crash tests
# (docs/RELIABILITY.md). One pytest run, so CI's PostgreSQL count covers all of it.
test-slow: $(VENV)/.installed-test
	FUNDLEDGER_FUZZ=slow $(BIN)/pytest -n $(PYTEST_WORKERS) -m "fuzz or heavy"

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[production]'
	touch $@ $(VENV)/.installed

# Figures on SQLite and PostgreSQL (FUNDLEDGER_BENCH_POSTGRES_URL, a user who may create
# databases); writes bench/results/<time>.md and .json. See docs/PERFORMANCE.md.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run --sizes $(SIZES) --runs $(RUNS) \
	  --postgres "$${FUNDLEDGER_BENCH_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"

# The start-up figures alone, beside hledger's (seconds; no ledgers are built).
bench-startup: $(VENV)/.installed
	$(BIN)/python -m bench.run --startup-only

# The pictures in docs/screenshots/: each role's home page at 1,366 px over the demo.
screenshots: $(VENV)/.installed-test
	$(BIN)/python docs/screenshots.py

# The pictures in docs/statements/: page 1 of each kind of statement over the demo (pdftoppm).
statement-pictures: $(VENV)/.installed
	$(BIN)/python docs/statement_pictures.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
