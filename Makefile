# Receivables warehouse: every target installs what it needs into .venv from
# the pinned requirements.lock, so a fresh machine needs only python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
TEST_DIR := build/test
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help install demo build summary test lint dbt-test pytest docs generate clean lock

help:
	@echo "make demo     build the warehouse from the bundled demo data and print the summary"
	@echo "make build    the same on \$$AR_LANDING_DIR into \$$AR_DUCKDB_PATH"
	@echo "make test     lint + dbt build with every data and unit test + Python tests"
	@echo "make docs     dbt docs (target/index.html)"

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/arw demo

build: $(STAMP)
	$(BIN)/arw build

summary: $(STAMP)
	$(BIN)/arw summary

lint: $(STAMP)
	AR_DUCKDB_PATH=$(TEST_DIR)/lint.duckdb $(BIN)/sqlfluff lint models macros tests/dbt analyses

# The whole dbt project on the demo data: every model, seed, data test and
# unit test (write-audit-publish: nothing is published unless all pass), then
# the shared mart-contract check on the published file.
dbt-test: $(STAMP)
	mkdir -p $(TEST_DIR)
	$(BIN)/arw build --landing data/demo/landing --warehouse $(TEST_DIR)/demo.duckdb
	$(BIN)/python ../shared/tools/check_mart_contract.py $(TEST_DIR)/demo.duckdb

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint dbt-test pytest

docs: $(STAMP)
	mkdir -p $(TEST_DIR)
	$(BIN)/arw build --landing data/demo/landing --warehouse $(TEST_DIR)/docs.duckdb --skip-tests
	AR_DUCKDB_PATH=$(TEST_DIR)/docs.duckdb $(BIN)/dbt docs generate --project-dir . --profiles-dir .

generate: $(STAMP)
	$(BIN)/arw generate --out data/demo/landing

lock:
	$(PYTHON) -m venv /tmp/ar-lock-venv && /tmp/ar-lock-venv/bin/pip install -r requirements.in \
		&& /tmp/ar-lock-venv/bin/pip freeze > requirements.lock

clean:
	rm -rf build target logs warehouse/*.duckdb
