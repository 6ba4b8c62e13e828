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

    monkeypatch.setattr(quality, "_suites", lambda vars_: [])  # the gate's own suites need a full warehouse
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
    monkeypatch.setattr(quality, "_suites", lambda vars_: [])
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
    assert (" where amount > 0 " in grain.sql) == (where is not None)
