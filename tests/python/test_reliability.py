"""Reliability: idempotent builds, a validation gate that really fails, the run log, PII tags."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ar_warehouse import quality
from ar_warehouse.build import BuildError, build, read_run_log
from ar_warehouse.checksums import mart_checksums
from ar_warehouse.paths import dbt_target_dir
from ar_warehouse.quality import Expect, Suite, validate
from conftest import query, write_csv
from test_end_to_end import MIXED, write_hand_set


def _build(landing: Path, warehouse: Path) -> Path:
    build(landing, warehouse, quiet=True, log=lambda *_: None)
    return warehouse


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("idem")
    landing = write_hand_set(root / "landing", MIXED)
    warehouse = _build(landing, root / "wh" / "ar.duckdb")
    return root, landing, warehouse, mart_checksums(warehouse)


def test_building_twice_gives_identical_marts(first_build):
    root, landing, warehouse, checksums = first_build
    again = _build(landing, root / "again" / "ar.duckdb")
    assert mart_checksums(again) == checksums
    assert len(checksums) >= 17


def test_redelivering_a_file_gives_identical_marts(first_build, tmp_path):
    _, landing, _, checksums = first_build
    redelivered = tmp_path / "landing"
    shutil.copytree(landing, redelivered)
    shutil.copy(redelivered / "ledger/2025-01.csv", redelivered / "ledger/2025-01_sent_again.csv")
    shutil.copy(redelivered / "dunning/relances_2025-02-28.csv", redelivered / "dunning/relances_bis_2025-02-28.csv")
    assert mart_checksums(_build(redelivered, tmp_path / "ar.duckdb")) == checksums


def test_corrected_redelivery_changes_exactly_what_it_corrects(first_build, tmp_path):
    _, landing, original, _ = first_build
    corrected = tmp_path / "landing"
    shutil.copytree(landing, corrected)
    # the accountant corrects C3's invoice F300 from 300.00 to 330.00
    write_csv(corrected / "ledger/2025-03_correction.csv",
              ["entry_id", "customer_code", "document_number", "document_type", "posting_date", "due_date", "debit"],
              [["L7", "C3", "F300", "FA", "2025-01-15", "2025-01-15", "330.00"]])
    rebuilt = _build(corrected, tmp_path / "ar.duckdb")
    sql = "select * from marts.fct_ar_aged_balance_weekly order by all"
    before, after = set(query(original, sql)), set(query(rebuilt, sql))
    changed_before, changed_after = before - after, after - before
    assert changed_after and {r[2] for r in changed_after} == {"C3"}, "only C3's rows change"
    assert {r[2] for r in changed_before} == {"C3"}
    balances = query(rebuilt, "select snapshot_date::varchar, balance from marts.fct_ar_aged_balance_weekly "
                              "where customer_code = 'C3' order by 1")
    assert balances and all(b == Decimal("330.00") for _, b in balances)
    for mart in ("fct_ar_outstanding_weekly", "fct_ar_open_items_weekly", "fct_ar_due_schedule"):
        sql = f"select * from marts.{mart} where customer_code <> 'C3' order by all"
        assert query(original, sql) == query(rebuilt, sql), mart


def test_run_log_is_kept_in_the_published_warehouse(first_build):
    _, _, warehouse, _ = first_build
    log = read_run_log(warehouse)
    assert log[-1]["status"] == "published" and log[-1]["published"]
    assert log[-1]["rows_landed"] == 17 and log[-1]["rows_quarantined"] == 3
    assert log[-1]["expectations_failed"] == 0
    assert "ledger_exports: pass" in log[-1]["freshness"]
    rows = query(warehouse, "select status, published, rows_landed, rows_quarantined, as_of_date::varchar "
                            "from audit.build_runs order by started_at")
    assert rows[-1] == ("published", True, 17, 3, "2025-03-15")
    report = Path(log[-1]["report"])
    assert report.exists() and "PASSED" in report.read_text()


def _altered_copy(warehouse: Path, copy: Path, sql: str) -> Path:
    """A copy of the warehouse with one statement run on it."""
    shutil.copy(warehouse, copy)
    con = duckdb.connect(str(copy))
    con.execute(sql)
    con.close()
    return copy


AGED_BALANCE_GRAIN = "grain_fct_ar_aged_balance_weekly__snapshot_date__company_code__customer_code"


def _corrupt_copy(warehouse: Path, tmp_path: Path) -> Path:
    # a duplicated aged-balance row (the grain dbt states breaks) and a negative credit limit
    # (a range only the gate checks)
    return _altered_copy(warehouse, tmp_path / "corrupt.duckdb",
                         "insert into marts.fct_ar_aged_balance_weekly "
                         "select * from marts.fct_ar_aged_balance_weekly where customer_code = 'C1' limit 1; "
                         "update marts.fct_ar_credit_exposure set credit_limit = -1 where customer_code = 'C1'")


def test_a_failing_expectation_really_fails(first_build, tmp_path):
    """Run on a finished warehouse (no dbt run to read), the gate runs the grains the manifest
    states and its own expectations; GX on DuckDB must compute real metrics, not empty ones."""
    _, _, warehouse, _ = first_build
    clean = validate(warehouse)
    assert clean.failed == 0 and clean.passed > 40
    assert "assert_aged_balance_ties_to_ledger" in clean.not_run, "singular tests are dbt's: listed, not run"
    report = validate(_corrupt_copy(warehouse, tmp_path))
    failed = {(o.suite, o.expectation) for o in report.critical_failures}
    assert (AGED_BALANCE_GRAIN, "ExpectTableRowCountToEqual") in failed
    grain = next(o for o in report.outcomes if o.suite == AGED_BALANCE_GRAIN)
    assert grain.observed == "observed 1", "one key found twice"
    assert ("credit_exposure", "ExpectColumnValuesToBeBetween") in failed
    limit = next(o for o in report.outcomes if o.suite == "credit_exposure" and not o.success)
    assert limit.observed.startswith("1 unexpected"), "GX computed real metrics, not empty ones"
    assert len(failed) == 2, failed


def test_the_build_gate_reads_dbts_outcomes_instead_of_running_them_again(first_build):
    """In a build, the grains and relationships dbt tested come from its run results: GX does not
    query them again (no row count), and the report says dbt passed them."""
    _, _, warehouse, _ = first_build
    report = json.loads(Path(read_run_log(warehouse)[-1]["report"]).with_suffix(".json").read_text())
    by_suite = {o["suite"]: o for o in report["outcomes"]}
    grain = by_suite[AGED_BALANCE_GRAIN]
    assert (grain["expectation"], grain["observed"], grain["success"]) == ("dbt test", "dbt pass", True)
    stated = [o for o in report["outcomes"] if o["expectation"] == "dbt test"]
    assert any(o["suite"].startswith("relationship_fct_ar_due_schedule") for o in stated)
    assert any(o["suite"] == "assert_aged_balance_ties_to_ledger" for o in stated), "tie-out read from dbt"
    assert not set(report["row_counts"]) & {o["suite"] for o in stated}, "nothing dbt ran is run again"
    assert "ledger_entries" in report["row_counts"], "the gate's own checks still run"
    assert report["not_run"] == []


def test_expectations_see_the_rows(first_build, tmp_path):
    """Guard against GX's empty-metric failure mode: every column expectation saw every row."""
    _, _, warehouse, _ = first_build
    report = validate(warehouse)
    for o in report.outcomes:
        if "unexpected of" in o.observed and "row_condition" not in o.arguments:
            seen = int(o.observed.split(" of ")[1].split(";")[0])
            assert seen == report.row_counts[o.suite], (o.suite, o.expectation, o.observed)


def test_validation_in_chunks_counts_every_row(first_build, tmp_path, monkeypatch):
    """Large tables are validated a chunk at a time: the outcomes and counts are those of one pass."""
    _, _, warehouse, _ = first_build
    copy = _corrupt_copy(warehouse, tmp_path)
    whole = validate(copy)
    monkeypatch.setattr(quality, "CHUNK_ROWS", 7)
    chunked = validate(copy)
    assert [(o.suite, o.expectation, o.success) for o in chunked.outcomes] == \
           [(o.suite, o.expectation, o.success) for o in whole.outcomes]
    assert chunked.row_counts == whole.row_counts
    for a, b in zip(whole.outcomes, chunked.outcomes):
        if "unexpected of" in a.observed:
            assert a.observed.split(";")[0] == b.observed.split(";")[0], (a.suite, a.expectation)


def test_chunks_gather_small_batches(tmp_path, monkeypatch):
    """DuckDB yields ~120 k-row vectors: they are gathered into chunks of CHUNK_ROWS rows or more."""
    con = duckdb.connect(str(tmp_path / "chunks.duckdb"))
    monkeypatch.setattr(quality, "CHUNK_ROWS", 300_000)
    sizes = [len(frame) for frame in quality._chunks(con, "select range as n from range(700000) order by n desc")]
    assert sum(sizes) == 700_000
    assert len(sizes) >= 2 and all(size >= 300_000 for size in sizes[:-1]) and sizes[-1] > 0
    empty = list(quality._chunks(con, "select range as n from range(0)"))
    assert len(empty) == 1 and len(empty[0]) == 0 and list(empty[0].columns) == ["n"]
    con.close()


def test_orphan_customer_of_the_open_items_is_caught(first_build, tmp_path):
    """The open-items view is checked through its state runs: a customer missing from the
    dimension is still found."""
    _, _, warehouse, _ = first_build
    copy = _altered_copy(warehouse, tmp_path / "orphan.duckdb",
                         "update intermediate.int_ageing__item_state_runs set customer_code = 'NOT-IN-DIM' "
                         "where entry_id = (select min(entry_id) from intermediate.int_ageing__item_state_runs)")
    check = next(c for c in quality.stated_checks(quality.load_json(quality.manifest_path()))
                 if c.kind == "relationship" and c.relation == "intermediate.int_ageing__item_state_runs"
                 and c.name.endswith("__company_code__customer_code__dim_customers"))
    report = validate(copy, suites=[quality.check_suite(check)])
    assert [(o.success, o.observed) for o in report.outcomes] == [(False, "observed 1")]


def test_failed_critical_expectation_blocks_publication(first_build, tmp_path, monkeypatch):
    _, landing, _, _ = first_build
    published = _build(landing, tmp_path / "wh" / "ar.duckdb")
    before = mart_checksums(published)
    impossible = Suite("impossible", "marts", "select balance from marts.fct_ar_aged_balance_weekly",
                       [Expect("ExpectColumnValuesToBeBetween", {"column": "balance", "min_value": 1e12},
                               why="deliberately impossible")])
    real_suites = quality._suites
    monkeypatch.setattr(quality, "_suites", lambda vars_, landed=None: [*real_suites(vars_, landed), impossible])
    with pytest.raises(BuildError, match="critical expectations failed") as err:
        build(landing, published, quiet=True, log=lambda *_: None)
    assert "report:" in str(err.value)
    assert mart_checksums(published) == before, "the published warehouse is exactly as it was"
    assert read_run_log(published)[-1]["status"] == "failed_validation"
    assert not list(published.parent.glob(".ar.duckdb.build-*")), "no staged file left behind"


def test_pii_columns_are_tagged_for_masking(first_build):
    manifest = json.loads((dbt_target_dir() / "manifest.json").read_text())
    pii_names = {"customer_name", "registration_id", "collector"}

    def is_pii(column: str) -> bool:
        # any collector column (collector, document_collector, ...) names a person
        return column in pii_names or column.endswith("_collector") or column.endswith("_customer_name")

    untagged = [f"{node['name']}.{col}" for node in manifest["nodes"].values()
                if node["resource_type"] == "model"
                for col, spec in node["columns"].items()
                if is_pii(col) and not spec.get("meta", {}).get("pii")]
    assert not untagged, f"PII columns without meta.pii: {untagged}"
    tagged = {(node["name"], col) for node in manifest["nodes"].values() if node["resource_type"] == "model"
              for col, spec in node["columns"].items() if spec.get("meta", {}).get("pii")}
    assert ("int_ageing__item_state_runs", "document_collector") in tagged


def test_quality_gate_uses_the_projects_due_date_tolerance():
    """The GX suite's tolerance is the dbt var: --vars first, else dbt_project.yml's default (0 days)."""
    assert quality.project_var("due_date_tolerance_days", None) == 0
    assert quality.project_var("due_date_tolerance_days", {"due_date_tolerance_days": 5}) == 5
    assert quality.project_var("snapshot_weekday", {"as_of_date": "2026-01-01"}) == 7
