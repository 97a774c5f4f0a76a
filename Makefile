# Two commands for a fresh machine: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-stamp

.PHONY: run test bench lint clean install browser

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ibb_facilitator needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Opens a working copy of the bundled example negotiation (out/spring-contract/, kept between
# runs): session 3, in full, with session 4 carried over from it beside it (Ctrl+N: the board).
run: $(STAMP)
	@mkdir -p out/spring-contract
	@test -f out/spring-contract/spring-contract.toml || cp examples/spring-contract.toml examples/spring-contract-next.toml out/spring-contract/
	$(VENV)/bin/ibb open out/spring-contract/spring-contract.toml

test: $(STAMP) browser lint
	$(PY) -m pytest -q -n 2

# ruff (style, likely bugs, formatting), mypy (types), then the import contracts in pyproject.toml
# ([tool.importlinter]): no circle, no upward import. Each tool's settings are in pyproject.toml.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# Debian's chromium, for the tests that open exported HTML and the served room view.
# Where it cannot be installed (no root, no apt), those tests are skipped and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } >/dev/null 2>&1 || echo "chromium could not be installed: browser tests will be skipped"

# The benchmarks also need the `bench` extra (pyte, for terminal_bench); `make test` does not.
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $(BENCH_STAMP)

# compileall first: a user's Python keeps its bytecode; where PYTHONDONTWRITEBYTECODE is set, every
# fresh process would otherwise compile what changed and the start-up figures would measure that.
bench: $(BENCH_STAMP)
	$(PY) -m compileall -q ibb_facilitator bench
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache
