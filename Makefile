# Receivables warehouse: every target installs what it needs into .venv from
# the pinned requirements.lock, so a fresh machine needs only python3. The
# Spark targets add .venv-spark (requirements.lock + requirements-spark.lock,
# Java 17+); the PostgreSQL targets start a local server from the Debian
# `postgresql` package (scripts/local_postgres.sh, installs it when missing).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
TEST_DIR := build/test
SPARK_VENV := .venv-spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_STAMP := $(SPARK_VENV)/.installed-$(shell cat requirements.lock requirements-spark.lock pyproject.toml | cksum | cut -d' ' -f1)
LOCAL_PG := scripts/local_postgres.sh
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help install install-spark demo build summary test lint dbt-test pytest test-engines docs generate \
	clean lock lock-spark postgres postgres-stop spark report metrics

help:
	@echo "make demo     build the warehouse from the bundled demo data and print the summary"
	@echo "make build    the same on \$$AR_LANDING_DIR into \$$AR_DUCKDB_PATH"
	@echo "make test     lint + dbt build with every data and unit test + Python tests"
	@echo "make docs     dbt docs (target/index.html)"
	@echo "make report   the weekly tableau de bord as an Excel workbook (reports/tableau-de-bord.xlsx)"
	@echo "make metrics  the semantic layer's metrics on the published warehouse (mf query)"
	@echo "make postgres the same models on a local PostgreSQL (left running; make postgres-stop)"
	@echo "make spark    the same models on Spark, in process (local pyspark)"

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

$(SPARK_STAMP): requirements.lock requirements-spark.lock pyproject.toml
	test -x $(SPARK_BIN)/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-spark.lock
	$(SPARK_BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(SPARK_VENV)/.installed-*
	touch $(SPARK_STAMP)

install-spark: $(SPARK_STAMP)

demo: $(STAMP)
	$(BIN)/arw demo

build: $(STAMP)
	$(BIN)/arw build

summary: $(STAMP)
	$(BIN)/arw summary

# With the dbt templater sqlfluff renders every file in its main process; a second process
# parses and applies the rules meanwhile (205 s -> 108 s for the whole project on 2 cores).
lint: $(STAMP)
	mkdir -p $(TEST_DIR)
	AR_DUCKDB_PATH=$(TEST_DIR)/lint.duckdb $(BIN)/sqlfluff lint --processes 2 models macros tests/dbt analyses

# The whole dbt project on the demo data: every model, seed, data test and
# unit test (write-audit-publish: nothing is published unless all pass), then
# the project's mart-contract check (docs/contract.md) on the published file,
# and the reference checker as well when its optional copy is beside the project.
REFERENCE_CHECKER := ../shared/tools/check_mart_contract.py
dbt-test: $(STAMP)
	mkdir -p $(TEST_DIR)
	$(BIN)/arw build --landing data/demo/landing --warehouse $(TEST_DIR)/demo.duckdb
	$(BIN)/python -m ar_warehouse.contract $(TEST_DIR)/demo.duckdb
	@if [ -f $(REFERENCE_CHECKER) ]; then \
		echo "$(BIN)/python $(REFERENCE_CHECKER) $(TEST_DIR)/demo.duckdb"; \
		$(BIN)/python $(REFERENCE_CHECKER) $(TEST_DIR)/demo.duckdb; \
	else \
		echo "*** SKIPPED: no reference mart-contract checker at $(REFERENCE_CHECKER) (optional);"; \
		echo "*** the project's own contract check (docs/contract.md) ran above."; \
	fi

# Two workers, a test file each at a time (module fixtures such as the incremental test's
# weekly history are built once): dbt runs one Python process per build and leaves the
# second core mostly idle. PYTEST_WORKERS=0 runs them in this process, one after another.
PYTEST_WORKERS ?= 2
pytest: $(STAMP)
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --durations=15

# The same landing data built on DuckDB, PostgreSQL (a throwaway local server,
# stopped and removed at the end) and Spark (in process): every mart equal row
# for row, every data and unit test green on each engine, the BI role's rights.
test-engines: $(STAMP) $(SPARK_STAMP)
	AR_REQUIRE_ENGINES=1 $(LOCAL_PG) scratch $(BIN)/python -m pytest -q tests/engines

test: lint dbt-test pytest test-engines

# $$AR_LANDING_DIR (else the demo data) on the local PostgreSQL, which stays up
# for BI tools (role bi_reader reads the marts) until `make postgres-stop`.
postgres: $(STAMP)
	$(LOCAL_PG) start >/dev/null
	$(BIN)/arw build --target postgres

postgres-stop:
	$(LOCAL_PG) stop

# $$AR_LANDING_DIR (else the demo data) on Spark in this process; tables and
# metastore in $$AR_SPARK_DIR (default warehouse/spark).
spark: $(SPARK_STAMP)
	$(SPARK_BIN)/arw build --target spark

docs: $(STAMP)
	mkdir -p $(TEST_DIR)
	$(BIN)/arw build --landing data/demo/landing --warehouse $(TEST_DIR)/docs.duckdb --skip-tests
	AR_DUCKDB_PATH=$(TEST_DIR)/docs.duckdb $(BIN)/dbt docs generate --project-dir . --profiles-dir .

# The weekly tableau de bord as an Excel workbook (docs/excel-report.md) from $$AR_DUCKDB_PATH
# (warehouse/ar.duckdb, built from the demo data when missing); REPORT_ARGS e.g. "--company FR01".
REPORT_OUT ?= reports/tableau-de-bord.xlsx
report: $(STAMP)
	@if [ -z "$$AR_DUCKDB_PATH" ] && [ ! -f warehouse/ar.duckdb ]; then $(MAKE) demo; fi
	$(BIN)/arw report --format xlsx --out $(REPORT_OUT) $(REPORT_ARGS)

# The semantic layer (docs/bi-tools.md): parse, validate, and the monthly KPIs per company with
# MetricFlow on $$AR_DUCKDB_PATH (warehouse/ar.duckdb); MetricFlow opens the file read-write.
metrics: $(STAMP)
	@if [ -z "$$AR_DUCKDB_PATH" ] && [ ! -f warehouse/ar.duckdb ]; then $(MAKE) demo; fi
	$(BIN)/dbt parse --profiles-dir . --quiet
	$(BIN)/mf validate-configs --skip-dw
	$(BIN)/mf query --metrics dso_standard,dso_average_balance,bpdso,add_days,cei,dso_countback \
		--group-by metric_time__month,company --order metric_time__month --limit 24

generate: $(STAMP)
	$(BIN)/arw generate --out data/demo/landing

lock:
	$(PYTHON) -m venv /tmp/ar-lock-venv && /tmp/ar-lock-venv/bin/pip install -r requirements.in \
		&& /tmp/ar-lock-venv/bin/pip freeze > requirements.lock

# what the Spark environment adds to requirements.lock
lock-spark:
	$(PYTHON) -m venv /tmp/ar-lock-spark-venv && /tmp/ar-lock-spark-venv/bin/pip install -r requirements.lock \
		-r requirements-spark.in && /tmp/ar-lock-spark-venv/bin/pip freeze \
		| grep -v -i -x -F -f requirements.lock > requirements-spark.lock

clean:
	rm -rf build target logs warehouse/*.duckdb warehouse/spark reports

# ---- Receivables dashboard in Apache Superset (dashboard/, dashboard/README.md) -------------
# Superset has its own pinned environment, .venv-superset, from dashboard/requirements.lock.
SS_VENV := .venv-superset
SS_BIN := $(SS_VENV)/bin
SS_STAMP := $(SS_VENV)/.installed-$(shell cat dashboard/requirements.lock | cksum | cut -d' ' -f1)

.PHONY: dashboard dashboard-stop dashboard-test dashboard-lock

$(SS_STAMP): dashboard/requirements.lock
	test -x $(SS_BIN)/python || $(PYTHON) -m venv $(SS_VENV)
	$(SS_BIN)/python -m pip install --quiet --disable-pip-version-check -r dashboard/requirements.lock
	rm -f $(SS_VENV)/.installed-*
	touch $(SS_STAMP)

# Superset on 127.0.0.1:$ARW_SUPERSET_PORT (8088) over $AR_DUCKDB_PATH (warehouse/ar.duckdb,
# built from the demo data when missing), read-only; imports the dashboard, prints URL and login.
dashboard: $(SS_STAMP)
	@if [ -z "$$AR_DUCKDB_PATH" ] && [ ! -f warehouse/ar.duckdb ]; then $(MAKE) demo; fi
	$(SS_BIN)/python dashboard/superset_ctl.py start

dashboard-stop:
	@if [ -x $(SS_BIN)/python ]; then $(SS_BIN)/python dashboard/superset_ctl.py stop; \
	else echo "Superset is not installed (make dashboard)"; fi

# Its own Superset on a free loopback port and a throw-away metadata DB, over the demo warehouse
# of `make dbt-test` (built when missing): every chart's data against the marts, then the
# dashboard in headless Chromium (apt-get installs it when missing); screenshot in build/test.
dashboard-test: $(STAMP) $(SS_STAMP)
	mkdir -p $(TEST_DIR)
	test -f $(TEST_DIR)/demo.duckdb || $(BIN)/arw build --landing data/demo/landing --warehouse $(TEST_DIR)/demo.duckdb
	AR_DUCKDB_PATH=$(TEST_DIR)/demo.duckdb $(SS_BIN)/python -m pytest -q -p no:cacheprovider tests/dashboard

dashboard-lock:
	$(PYTHON) -m venv build/superset-lock-venv && build/superset-lock-venv/bin/pip install -r dashboard/requirements.in \
		&& (echo "# Frozen from dashboard/requirements.in (make dashboard-lock); Python 3.11."; \
		build/superset-lock-venv/bin/pip freeze) > dashboard/requirements.lock
