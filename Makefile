# newslake: `make help` lists the targets.
SHELL  := bash
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup run test test-fast test-cluster lint docs bench bench-cluster bench-entities bench-quotes bench-views bench-clusters bench-archive bench-noop bench-maintain bench-raw bench-load bench-validation eval eval-check lock lock-check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@# mypy cannot follow the editable install's import hook: it reads newslake.* through these links.
	@mkdir -p $(VENV)/typecheck/newslake
	@for d in flows tasks warehouse expectations; do ln -sfn ../../../$$d $(VENV)/typecheck/newslake/$$d; done
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv from the committed lock file

run: setup ## Ingest seeds/ with the embedded defaults, then show a sample query
	$(BIN)/newslake run seeds

# The suite spreads over the cores (pytest-xdist), up to 4 processes, which share one Prefect server.
PARALLEL ?= -n auto --maxprocesses 4
# The suite writes bytecode caches even where PYTHONDONTWRITEBYTECODE is set: without them every test
# process, and every `newslake` process a test starts, compiles the package and the tests anew.
TEST_ENV = PYTHONDONTWRITEBYTECODE=

# Idle processes take queued tests from busy ones (work stealing): the `slow` tests last a minute or
# two each, and with the default distribution one process could be left with them while the other sat idle.
test: setup ## Run the whole test suite (the shared-warehouse tests are `make test-cluster`)
	$(TEST_ENV) $(BIN)/pytest $(PARALLEL) --dist worksteal -m "not cluster"

# Whole files to each process: a module's shared warehouse is then built once, not once per process.
test-fast: setup ## Run the suite without the tests marked slow (those that start processes)
	$(TEST_ENV) $(BIN)/pytest $(PARALLEL) --dist loadfile -m "not slow and not cluster"

test-cluster: setup ## Shared warehouse on real PostgreSQL, S3 (moto) and Dask servers on loopback
	$(TEST_ENV) $(BIN)/pytest -m cluster

bench: setup ## Pipeline speed on a 2,000-page corpus from ../shared/eval: newslake vs the bare-library limit
	$(BIN)/python -m tests.bench.bench_pipeline

bench-cluster: setup ## The bench corpus on PostgreSQL + S3 with 1 and 2 Dask workers, against the default
	$(BIN)/python -m tests.bench.bench_cluster

bench-entities: setup ## Entity quality and speed on ../shared/eval/ner, raw model vs newslake; coverage and top-list junk
	$(BIN)/python -m tests.bench.bench_entities
	$(BIN)/python -m tests.bench.bench_top_entities

bench-clusters: setup ## Story clusters: precision and recall on a labelled sample, threshold sweep, cost per 1,000
	$(BIN)/python -m tests.bench.bench_clusters

bench-archive: setup ## A WARC against a folder of the same pages: pages/s, reading cost, memory on a 1 GB archive
	$(BIN)/python -m tests.bench.bench_archive

bench-noop: setup ## A no-op run of the seeds and a run of one new file, against `newslake sql "select 1"`
	$(BIN)/python -m tests.bench.bench_noop

bench-maintain: setup ## A query over many small files against the same after `newslake maintain`
	$(BIN)/python -m tests.bench.bench_maintain

bench-raw: setup ## What lake.keep_raw_days costs a run, against a query that reads the raw bytes; disk given back
	$(BIN)/python -m tests.bench.bench_raw

bench-load: setup ## The warehouse's fixed cost per small batch, against the same batches loaded the plain way
	$(BIN)/python -m tests.bench.bench_load

bench-validation: setup ## Great Expectations' fixed cost per run: a pooled context against one built anew
	$(BIN)/python -m tests.bench.bench_validation

bench-views: setup ## What resolving people costs the entity views at two warehouse sizes, against plain counting
	$(BIN)/python -m tests.bench.bench_views

bench-quotes: setup ## Quote attribution on ../shared/eval/quotes (PolNeAR dev): speaker precision and recall
	$(BIN)/python -m tests.bench.bench_quotes

eval: setup ## Extraction quality and speed on ../shared/eval: newslake vs plain trafilatura and htmldate
	$(BIN)/python -m tests.bench.eval_extraction
	$(BIN)/python -m tests.bench.page_types

eval-check: setup ## Fail when extraction, entities or quotes fall below tests/bench/*_floor.json
	$(BIN)/python -m tests.bench.eval_extraction --check tests/bench/extraction_floor.json
	$(BIN)/python -m tests.bench.page_types --check tests/bench/extraction_floor.json
	$(BIN)/python -m tests.bench.bench_entities --check tests/bench/quality_floor.json
	$(BIN)/python -m tests.bench.bench_quotes --check tests/bench/quality_floor.json
	$(BIN)/python -m tests.bench.bench_top_entities --check tests/bench/quality_floor.json

docs: setup ## Regenerate docs/data-dictionary.md, docs/cli.md and docs/config.md from the code
	$(BIN)/python -m newslake.warehouse.dictionary docs/data-dictionary.md
	$(BIN)/python -m newslake.flows.reference docs

lint: setup ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lock: ## Re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

lock-check: setup ## Fail when requirements.lock is not current with pyproject.toml
	@cp requirements.lock /tmp/newslake-lock-check.txt
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o /tmp/newslake-lock-check.txt
	@diff -q <(grep -v '^#' requirements.lock) <(grep -v '^#' /tmp/newslake-lock-check.txt) >/dev/null \
		|| (echo "requirements.lock is stale: run 'make lock' and commit it"; exit 1)

clean: ## Remove the environment, caches and the local lake
	rm -rf $(VENV) lake .pytest_cache .mypy_cache .ruff_cache
