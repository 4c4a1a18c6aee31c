# Two commands for a fresh machine: `make console` (set up, then chat with the bot in the terminal)
# and `make test` (set up, then run every test on SQLite and PostgreSQL). Needs python3.11; Node for e2e tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup console test test-fast bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

console: $(STAMP)
	$(BIN)/hrdbot console

# Two pytest-xdist workers (TEST_WORKERS=0: one process): each has its own databases, ports and emulator.
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -x -m "not e2e"

bench: $(STAMP)
	for b in search enrollment_rush reminders broadcast updates webhook dashboard; do \
	  [ -f bench/$$b.py ] && $(BIN)/python -m bench.$$b --quick; done; true

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
