# emu4412: `make run` sets up a virtualenv and runs the seed LED demo; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench firmware clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/emu4412 run

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check emulator tests benchmarks setup.py

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench.py

# Rebuild the committed images (needs Debian's gcc-arm-linux-gnueabi).
firmware:
	$(MAKE) -C firmware prebuilt

clean:
	rm -rf $(VENV) .pytest_cache
