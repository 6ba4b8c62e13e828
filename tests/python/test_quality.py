"""The quality gate derives what dbt states from the project's metadata (no list in quality.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from ar_warehouse import quality
from ar_warehouse.build import dbt_executable
from ar_warehouse.paths import project_dir


def _model(name: str, schema: str = "marts") -> dict:
    return {"resource_type": "model", "name": name, "schema": schema, "alias": name, "columns": {},
            "constraints": []}


def _test(name: str, attached: str, test: str, kwargs: dict) -> dict:
    return {"resource_type": "test", "name": name, "attached_node": attached, "config": {"enabled": True},
            "test_metadata": {"name": test, "kwargs": kwargs}}


def _manifest_with_a_new_mart() -> dict:
    """A manifest as dbt writes it once a mart fct_ar_probe with a grain test and a customer
    relationship is added (only the fields the gate reads)."""
    return {"nodes": {
        "model.ar_warehouse.fct_ar_probe": _model("fct_ar_probe"),
        "model.ar_warehouse.dim_customers": _model("dim_customers"),
        "test.ar_warehouse.probe_grain": _test(
            "ar_unique_combination_fct_ar_probe", "model.ar_warehouse.fct_ar_probe", "ar_unique_combination",
            {"columns": ["company_code", "customer_code", "probe_bucket"]}),
        "test.ar_warehouse.probe_customers": _test(
            "ar_relationships_combination_fct_ar_probe", "model.ar_warehouse.fct_ar_probe",
            "ar_relationships_combination", {"columns": ["company_code", "customer_code"],
                                             "to": "ref('dim_customers')"}),
        "test.ar_warehouse.assert_probe_ties": {"resource_type": "test", "name": "assert_probe_ties",
                                                "config": {"enabled": True}, "description": "ties"},
    }}


PROBE_GRAIN = "grain_fct_ar_probe__company_code__customer_code__probe_bucket"
PROBE_CUSTOMERS = "relationship_fct_ar_probe__company_code__customer_code__dim_customers"


def _probe_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.dim_customers as select 'FR01' as company_code, 'C1' as customer_code")
    con.execute("""create table marts.fct_ar_probe as
        select * from (values ('FR01', 'C1', 'a'), ('FR01', 'C1', 'a'), ('FR01', 'C1', 'b'), ('FR02', 'C1', 'a'))
        as t(company_code, customer_code, probe_bucket)""")
    con.close()
    return path


def test_a_new_mart_with_a_grain_test_is_checked_by_the_gate(tmp_path, monkeypatch):
    checks = {c.name: c for c in quality.stated_checks(_manifest_with_a_new_mart())}
    assert checks[PROBE_GRAIN].kind == "grain" and checks[PROBE_GRAIN].relation == "marts.fct_ar_probe"
    assert checks[PROBE_CUSTOMERS].requires == ("marts.fct_ar_probe", "marts.dim_customers")
    assert checks["assert_probe_ties"].sql is None, "singular tests are dbt's SQL"

    monkeypatch.setattr(quality, "_suites", lambda vars_, landed=None: [])  # the gate's own suites need a full warehouse
    warehouse = _probe_warehouse(tmp_path / "probe.duckdb")
    report = quality.validate(warehouse, manifest=_manifest_with_a_new_mart())
    outcomes = {o.suite: o for o in report.outcomes}
    # no dbt run to read: the gate runs the grain and the relationship itself, and they fail
    assert (outcomes[PROBE_GRAIN].success, outcomes[PROBE_GRAIN].observed) == (False, "observed 1")
    assert (outcomes[PROBE_CUSTOMERS].success, outcomes[PROBE_CUSTOMERS].observed) == (False, "observed 1")
    assert {o.suite for o in report.critical_failures} == {PROBE_GRAIN, PROBE_CUSTOMERS}
    assert report.not_run == ["assert_probe_ties"]

    # dbt ran them in this build: their outcomes are dbt's, nothing is queried again
    run_results = {"results": [{"unique_id": "test.ar_warehouse.probe_grain", "status": "fail"},
                               {"unique_id": "test.ar_warehouse.probe_customers", "status": "pass"},
                               {"unique_id": "test.ar_warehouse.assert_probe_ties", "status": "pass"}]}
    report = quality.validate(warehouse, manifest=_manifest_with_a_new_mart(), run_results=run_results)
    assert report.row_counts == {}, "GX ran nothing dbt had run"
    assert sorted((o.suite, o.success, o.observed) for o in report.outcomes) == [
        ("assert_probe_ties", True, "dbt pass"), (PROBE_GRAIN, False, "dbt fail"),
        (PROBE_CUSTOMERS, True, "dbt pass")]
    assert [o.suite for o in report.critical_failures] == [PROBE_GRAIN]


def test_a_failing_stated_check_fails_and_a_passing_one_passes(tmp_path, monkeypatch):
    """GX on DuckDB must see real rows: the same check passes once the duplicate is gone."""
    monkeypatch.setattr(quality, "_suites", lambda vars_, landed=None: [])
    warehouse = _probe_warehouse(tmp_path / "probe.duckdb")
    con = duckdb.connect(str(warehouse))
    con.execute("create or replace table marts.fct_ar_probe as "
                "select distinct * from marts.fct_ar_probe where company_code = 'FR01'")
    con.close()
    report = quality.validate(warehouse, manifest=_manifest_with_a_new_mart())
    assert report.critical_failures == [] and report.passed == 2
    assert report.row_counts[PROBE_GRAIN] == 0


def test_a_project_with_a_new_mart_yml_gets_its_grain_checked(tmp_path):
    """The whole path: a model and its yml written into a copy of the project, dbt parses it, the
    gate's checks include the new grain and relationship (quality.py untouched)."""
    root = project_dir()
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(root / name, copy / name)
    for folder in ("models", "macros", "seeds", "tests", "analyses"):
        shutil.copytree(root / folder, copy / folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    probe = copy / "models" / "marts" / "probe"
    probe.mkdir()
    (probe / "fct_ar_probe.sql").write_text(
        "select company_code, customer_code, 'a' as probe_bucket from {{ ref('dim_customers') }}\n")
    (probe / "_probe__models.yml").write_text("""version: 2
models:
  - name: fct_ar_probe
    config: {contract: {enforced: false}}
    data_tests:
      - ar_unique_combination:
          arguments:
            columns: [company_code, customer_code, probe_bucket]
      - ar_relationships_combination:
          arguments:
            columns: [company_code, customer_code]
            to: ref('dim_customers')
""")
    env = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "AR_DUCKDB_PATH": str(tmp_path / "parse.duckdb"),
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([dbt_executable(), "parse", "--project-dir", str(copy), "--profiles-dir", str(copy)],
                            cwd=copy, env=env, text=True, capture_output=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    manifest = json.loads((copy / "target" / "manifest.json").read_text())
    checks = {c.name: c for c in quality.stated_checks(manifest)}
    assert checks[PROBE_GRAIN].sql.startswith(
        "select company_code, customer_code, probe_bucket, count(*) as row_count from marts.fct_ar_probe")
    assert checks[PROBE_CUSTOMERS].requires == ("marts.fct_ar_probe", "marts.dim_customers")
    # and every mart of the project has its grain in the gate
    marts = {n["name"] for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["schema"] == "marts"}
    grained = {c.relation.split(".")[1] for c in checks.values() if c.kind in ("grain", "no_overlap")}
    assert marts - grained <= {"fct_ar_open_items_weekly"}, marts - grained


@pytest.mark.parametrize("where", [None, "amount > 0"])
def test_a_test_where_config_is_kept(where):
    manifest = _manifest_with_a_new_mart()
    manifest["nodes"]["test.ar_warehouse.probe_grain"]["config"]["where"] = where
    grain = next(c for c in quality.stated_checks(manifest) if c.name == PROBE_GRAIN)
    assert (" where (amount > 0) " in grain.sql) == (where is not None)


def _incremental_probe(tmp_path: Path) -> tuple[Path, dict]:
    """A weekly mart and an item-grain intermediate as an incremental run leaves them: the run
    restated the snapshots from 2025-02-01 and the item FR01/E2 only. Each holds one duplicate
    in what the run wrote and one in what it kept."""
    manifest = {"nodes": {
        "model.ar_warehouse.fct_ar_probe_weekly": {**_model("fct_ar_probe_weekly"),
                                                   "config": {"meta": {"restated_by": "snapshots"}}},
        "model.ar_warehouse.int_probe__items": {**_model("int_probe__items", "intermediate"),
                                                "config": {"meta": {"restated_by": "items"}}},
        "model.ar_warehouse.stg_probe__rows": {**_model("stg_probe__rows", "staging"),
                                               "config": {"meta": {"restated_by": "source_files"}}},
        "model.ar_warehouse.stg_probe__states": {**_model("stg_probe__states", "staging"),
                                                 "config": {"meta": {"restated_by": "extracts"}}},
        "model.ar_warehouse.int_weekly__restatement": _model("int_weekly__restatement", "intermediate"),
        "model.ar_warehouse.int_weekly__restated_items": _model("int_weekly__restated_items", "intermediate"),
        "test.ar_warehouse.probe_rows_grain": _test(
            "ar_unique_combination_stg_probe__rows", "model.ar_warehouse.stg_probe__rows",
            "ar_unique_combination", {"columns": ["source_file", "source_row_number"]}),
        "test.ar_warehouse.probe_states_grain": _test(
            "ar_unique_combination_stg_probe__states", "model.ar_warehouse.stg_probe__states",
            "ar_unique_combination", {"columns": ["extracted_at", "document_number"]}),
        "test.ar_warehouse.probe_weekly_grain": _test(
            "ar_unique_combination_fct_ar_probe_weekly", "model.ar_warehouse.fct_ar_probe_weekly",
            "ar_unique_combination", {"columns": ["snapshot_date", "customer_code"]}),
        "test.ar_warehouse.probe_items_grain": _test(
            "ar_unique_combination_int_probe__items", "model.ar_warehouse.int_probe__items",
            "ar_unique_combination", {"columns": ["company_code", "entry_id", "valid_from"]}),
    }}
    warehouse = tmp_path / "incremental.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema marts")
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_weekly__restatement as "
                "select date '2025-02-01' as restate_from_date, date '2025-02-01' as dunning_restate_from_date")
    con.execute("create table intermediate.int_weekly__restated_items as "
                "select 'FR01' as company_code, 'E2' as entry_id, 'C1' as customer_code, 'F2' as document_number")
    con.execute("""create table marts.fct_ar_probe_weekly as select * from (values
        (date '2025-01-25', 'C1'), (date '2025-01-25', 'C1'), (date '2025-02-01', 'C1'), (date '2025-02-01', 'C2'))
        as t(snapshot_date, customer_code)""")
    con.execute("""create table intermediate.int_probe__items as select * from (values
        ('FR01', 'E1', date '2025-01-01'), ('FR01', 'E1', date '2025-01-01'), ('FR01', 'E2', date '2025-01-03'))
        as t(company_code, entry_id, valid_from)""")
    # typed staging: the rows typed by an earlier run (one duplicate) and by this one; the
    # dunning pictures computed by an earlier run (one duplicate) and by this one
    con.execute("create schema staging")
    con.execute("""create table staging.stg_probe__rows as select * from (values
        ('old.csv', 2, timestamp '2025-01-26 06:00'), ('old.csv', 2, timestamp '2025-01-26 06:00'),
        ('new.csv', 2, timestamp '2025-02-02 06:00')) as t(source_file, source_row_number, staged_at)""")
    con.execute("""create table staging.stg_probe__states as select * from (values
        (date '2025-01-26', 'F1', timestamp '2025-01-26 06:00'), (date '2025-01-26', 'F1', timestamp '2025-01-26 06:00'),
        (date '2025-02-02', 'F1', timestamp '2025-02-02 06:00')) as t(extracted_at, document_number, staged_through)""")
    con.close()
    return warehouse, manifest


WEEKLY_GRAIN = "grain_fct_ar_probe_weekly__snapshot_date__customer_code"
ITEMS_GRAIN = "grain_int_probe__items__company_code__entry_id__valid_from"
ROWS_GRAIN = "grain_stg_probe__rows__source_file__source_row_number"
STATES_GRAIN = "grain_stg_probe__states__extracted_at__document_number"


def test_an_incremental_run_checks_only_the_rows_it_wrote(tmp_path, monkeypatch):
    """Part of the gate on what changed: the kept rows were checked by the run that wrote them
    (same code and settings), so an incremental run's grain checks read only its own rows."""
    monkeypatch.setattr(quality, "_suites", lambda vars_, landed=None: [])
    warehouse, manifest = _incremental_probe(tmp_path)

    # a full build (or a finished warehouse): every row, and the kept duplicates are found
    report = quality.validate(warehouse, manifest=manifest)
    assert report.scope == "every row"
    assert {o.suite: o.success for o in report.outcomes} == {WEEKLY_GRAIN: False, ITEMS_GRAIN: False,
                                                             ROWS_GRAIN: False, STATES_GRAIN: False}

    # an incremental run: only the snapshots from the restatement date and the restated items
    report = quality.validate(warehouse, manifest=manifest, landed={"ledger": {"new.csv"}})
    assert report.scope.startswith("what this incremental run changed")
    assert {o.suite: o.success for o in report.outcomes} == {WEEKLY_GRAIN: True, ITEMS_GRAIN: True,
                                                             ROWS_GRAIN: True, STATES_GRAIN: True}

    # a duplicate in what the run wrote is found
    con = duckdb.connect(str(warehouse))
    con.execute("insert into marts.fct_ar_probe_weekly values (date '2025-02-01', 'C2')")
    con.execute("insert into intermediate.int_probe__items values ('FR01', 'E2', date '2025-01-03')")
    con.execute("insert into staging.stg_probe__rows values ('new.csv', 2, timestamp '2025-02-02 06:00')")
    con.execute("insert into staging.stg_probe__states values (date '2025-02-02', 'F1', timestamp '2025-02-02 06:00')")
    con.close()
    report = quality.validate(warehouse, manifest=manifest, landed={"ledger": {"new.csv"}})
    assert {o.suite: (o.success, o.observed) for o in report.outcomes} == {
        WEEKLY_GRAIN: (False, "observed 1"), ITEMS_GRAIN: (False, "observed 1"),
        ROWS_GRAIN: (False, "observed 1"), STATES_GRAIN: (False, "observed 1")}


def test_an_incremental_run_checks_the_staged_rows_of_the_files_it_landed(tmp_path):
    """A kept file's rows were checked when they were landed: the gate's row-wise checks read the
    rows of the files landed in this run, and fail on theirs."""
    warehouse = tmp_path / "staged.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema staging")
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_calendar__as_of as select date '2025-03-31' as as_of_date")
    con.execute("""create table staging.stg_ledger__entries as select * from (values
        ('old.csv', null, 'invoice', 10.00, date '2025-01-05'),
        ('new.csv', 'F2', 'invoice', 20.00, date '2025-03-05'),
        ('bad.csv', 'F3', null, 30.00, date '2025-03-06'))
        as t(source_file, document_number, document_type, amount, posting_date)""")
    con.execute("alter table staging.stg_ledger__entries add column due_date date")
    con.execute("alter table staging.stg_ledger__entries add column document_date date")
    con.execute("alter table staging.stg_ledger__entries add column lettering_date date")
    con.execute("create table staging.stg_dunning__document_states (source_file varchar, customer_code varchar, "
                "document_number varchar, dunning_level integer)")
    con.execute("create table staging.stg_customers__customers (source_file varchar, credit_limit decimal(18, 2), "
                "payment_terms_days integer)")
    con.close()
    empty = {"nodes": {}}

    def ledger(report):
        return {o.expectation + ":" + str(o.arguments.get("column")): o.success for o in report.outcomes
                if o.suite == "ledger_entries" and o.expectation == "ExpectColumnValuesToNotBeNull"}

    every = quality.validate(warehouse, manifest=empty)
    assert every.row_counts["ledger_entries"] == 3
    assert ledger(every) == {"ExpectColumnValuesToNotBeNull:document_number": False,
                             "ExpectColumnValuesToNotBeNull:document_type": False,
                             "ExpectColumnValuesToNotBeNull:amount": True}
    new_only = quality.validate(warehouse, manifest=empty, landed={"ledger": {"new.csv"}, "dunning": set()})
    assert (new_only.row_counts["ledger_entries"], new_only.row_counts["dunning_states"]) == (1, 0)
    assert all(ledger(new_only).values())
    bad = quality.validate(warehouse, manifest=empty, landed={"ledger": {"new.csv", "bad.csv"}})
    assert bad.row_counts["ledger_entries"] == 2
    assert ledger(bad)["ExpectColumnValuesToNotBeNull:document_type"] is False
    assert ledger(bad)["ExpectColumnValuesToNotBeNull:document_number"] is True
