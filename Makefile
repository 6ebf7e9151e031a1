# Two commands on a fresh clone with only python3 and make:
#   make demo   set up .venv and build + summarise the Ningxia example registry (ningxia.db)
#   make test   set up .venv, lint, type-check and run the test suite
#   make report-png   write the cohort, program and province reports into build/report and
#                     render each in headless Chromium to a PNG
#                     (needs: apt-get install chromium fonts-wqy-microhei)
#   make cli-docs     regenerate the command reference in docs/cli.md from the --help texts
#   make docs-chart   redraw docs/img/chart-without-system-fonts.png with system fonts hidden
#   make docs-img     redraw the report pictures in docs/img with headless Chromium
#   make docs         build the documentation site into site/ (mkdocs build --strict)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= ningxia.db

.PHONY: demo test pytest lint typecheck bench clean report-png cli-docs docs docs-chart docs-img

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,pandas,excel,plot,credentials,protect]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/supervise demo --db $(DB)
	$(BIN)/supervise progress --db $(DB) --cohort nx-2024-b2 --as-of 2024-10-15
	$(BIN)/supervise eligible --db $(DB) --policy nx-expert-pool --as-of 2024-12-06 --cohort nx-2024-b2
	$(BIN)/supervise confirm --db $(DB) --by m2024-2 --all-pending --dry-run --on 2024-10-16
	$(BIN)/supervise ce --db $(DB) --as-of 2024-12-06 --within 180
	$(BIN)/supervise outcomes --db $(DB) --as-of 2024-12-06
	$(BIN)/supervise tiers --db $(DB) --as-of 2024-12-06
	$(BIN)/supervise targets --db $(DB) --targets examples/ningxia-targets.toml --as-of 2024-12-06
	$(BIN)/supervise import examples/exchange/anhui-sanqu-2024 --db $(DB)

test: lint typecheck pytest

cli-docs: $(STAMP)
	$(BIN)/python scripts/cli_docs.py

docs-chart: $(STAMP)
	$(BIN)/python scripts/chart_without_fonts.py docs/img/chart-without-system-fonts.png

docs-img: $(STAMP)
	$(BIN)/python scripts/report_screenshots.py docs/img

# NO_MKDOCS_2_WARNING silences Material's notice about its successor; warnings still fail.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

report-png: $(STAMP)
	$(BIN)/python examples/report_png.py build/report

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests examples benchmarks scripts
	$(BIN)/ruff format --check src tests examples benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build site *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache $(DB) $(DB)-wal $(DB)-shm $(DB)-columns

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python benchmarks/run.py
