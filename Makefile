# emu4412: `make run` sets up a virtualenv and runs the seed LED demo; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint fuzz bench firmware clean

$(BIN)/.installed: pyproject.toml setup.py emulator/native/hooks.c
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

# The fuzz suite at length: FUZZ_CASES cases for each of its 4 targets (10,000 in all), with a
# printed seed (SEED=N make fuzz repeats a run); a failure is shrunk and saved under
# tests/fuzz/reproducers/.
FUZZ_CASES ?= 2500
fuzz: $(BIN)/.installed
	@seed=$${SEED:-$$(date +%s)}; echo "fuzz: hypothesis seed $$seed"; \
	HYPOTHESIS_PROFILE=fuzz FUZZ_CASES=$(FUZZ_CASES) $(BIN)/python -m pytest tests/fuzz \
		--hypothesis-seed=$$seed

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench.py

# Rebuild the committed images (needs Debian's gcc-arm-linux-gnueabi).
firmware:
	$(MAKE) -C firmware prebuilt

clean:
	rm -rf $(VENV) .pytest_cache
