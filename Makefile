# Two commands do all set-up on a fresh clone:
#   make run    creates .venv, runs the shipped scenarios (20 posterior draws each) and writes figures
#   make test   creates .venv, runs ruff, the import contracts, mypy on model/ and the test suite
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
OUT ?= results/shipped

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ is needed (pyenv: see .python-version)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[viz,test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/alliance batch experiments/shipped_scenarios.yaml --out $(OUT) --resume
	$(BIN)/alliance plot $(OUT) --kind all --out $(OUT)/figures

test: $(STAMP)
	$(BIN)/ruff check model experiments tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy model
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_kernel.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_landscape.py

clean:
	rm -rf $(VENV) results
