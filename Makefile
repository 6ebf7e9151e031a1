# Two commands on a fresh clone with only python3 and make:
#   make demo   set up .venv and build + summarise the Ningxia example registry (ningxia.db)
#   make test   set up .venv, lint, type-check and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= ningxia.db

.PHONY: demo test pytest lint typecheck clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,pandas,excel,plot]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/supervise demo --db $(DB)
	$(BIN)/supervise progress --db $(DB) --cohort nx-2024-b2 --as-of 2024-10-15
	$(BIN)/supervise import examples/exchange/anhui-sanqu-2024 --db $(DB)

test: lint typecheck pytest

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache $(DB) $(DB)-wal $(DB)-shm
