"""Incremental weekly runs give exactly the marts of a full rebuild.

A generated history is replayed as weekly deliveries (ledger lines posted by each run's as-of
date, lettering arriving late, one more dunning extract a week). Each week is built
incrementally from the published warehouse of the week before; on the way: a corrected
re-delivery of a line posted months earlier, a run on a mid-week as-of date (a snapshot that
the next run must drop), and a customer moved to another group (every snapshot shows the
group: everything is restated). At the checkpoints, every mart's checksum equals a full
rebuild's from the same landing folder.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from ar_warehouse import build as build_module
from ar_warehouse.build import build, code_digest
from ar_warehouse.paths import project_dir
from ar_warehouse.checksums import mart_checksums
from ar_warehouse.deliveries import landing_as_of
from ar_warehouse.devtools.generator import main as generate
from conftest import query


def _build(landing: Path, warehouse: Path, as_of: date, *, full_refresh: bool = False) -> dict:
    build(landing, warehouse, vars_={"as_of_date": as_of.isoformat()}, run_tests=False, validate_data=False,
          quiet=True, full_refresh=full_refresh, log=lambda *_: None)
    (restate_from, is_full, changes), = query(
        warehouse, "select restate_from_date, is_full_restatement, change_count from intermediate.int_weekly__restatement")
    return {"restate_from": restate_from, "is_full": is_full, "changes": changes}


def _correct_an_old_line(landing: Path, posted_before: date) -> tuple[str, date]:
    """Re-deliver one invoice line posted long ago with another amount (a later file wins)."""
    for path in sorted((landing / "ledger").glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        names = [h.strip().lower() for h in rows[0]]
        for row in rows[1:]:
            posted = date.fromisoformat(row[names.index("posting_date")])
            if posted < posted_before and row[names.index("debit")].strip() and not row[names.index("lettering_code")].strip():
                row[names.index("debit")] = f"{float(row[names.index('debit')]) + 100:.2f}"
                with (landing / "ledger" / "zz_correction.csv").open("w", newline="", encoding="utf-8") as fh:
                    csv.writer(fh).writerows([rows[0], row])
                return row[names.index("entry_id")].strip(), posted
    raise AssertionError("no unlettered invoice to correct")


def _move_a_customer_to_another_group(landing: Path) -> None:
    path = landing / "customers" / "customers.csv"
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    group = [h.strip().lower() for h in rows[0]].index("customer_group")
    rows[1][group] = "GROUPE RESTRUCTURE"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("incremental")
    generate(["--out", str(root / "history"), "--lines", "20000", "--start", "2024-01-01", "--end", "2025-06-30",
              "--dialects", "comma"])
    return root


def test_weekly_incremental_runs_equal_a_full_rebuild(history):
    source, published = history / "history", history / "published" / "ar.duckdb"
    weeks = [date(2025, 5, 25), date(2025, 6, 1), date(2025, 6, 8), date(2025, 6, 11), date(2025, 6, 15),
             date(2025, 6, 22)]
    runs = []
    for week, as_of in enumerate(weeks):
        landing = history / f"landing_{week}"
        landing_as_of(source, landing, as_of)
        if week >= 2:  # the correction stays in every later delivery
            corrected_entry, corrected_posting = _correct_an_old_line(landing, date(2024, 11, 1))
        if week >= 5:
            _move_a_customer_to_another_group(landing)
        runs.append(_build(landing, published, as_of))

        if week in (2, 4, 5):
            rebuilt = history / f"full_{week}" / "ar.duckdb"
            _build(landing, rebuilt, as_of, full_refresh=True)
            incremental, full = mart_checksums(published), mart_checksums(rebuilt)
            assert incremental == full, {m: (incremental.get(m), full.get(m)) for m in full
                                         if incremental.get(m) != full.get(m)}

    # the first build is full; a plain week recomputes from the previous latest snapshot only
    assert runs[0]["is_full"]
    assert runs[1] == {"restate_from": weeks[0], "is_full": False, "changes": runs[1]["changes"]}
    # a corrected line posted months ago: from that line's posting date, not from the start
    assert not runs[2]["is_full"] and runs[2]["restate_from"] == corrected_posting, corrected_entry
    # the mid-week as-of snapshot is recomputed (and dropped) by the next run
    assert runs[4]["restate_from"] == weeks[3]
    snapshots = [d for (d,) in query(published, "select distinct snapshot_date from marts.fct_ar_outstanding_weekly")]
    assert weeks[3] not in snapshots and weeks[4] in snapshots
    # a customer's group shows on every snapshot: everything restated
    assert runs[5]["is_full"]


def test_a_run_with_nothing_new_restates_nothing(history):
    landing = history / "landing_same"
    as_of = date(2025, 6, 1)
    landing_as_of(history / "history", landing, as_of)
    warehouse = history / "same" / "ar.duckdb"
    _build(landing, warehouse, as_of)
    before = mart_checksums(warehouse)
    again = _build(landing, warehouse, as_of)
    assert again["changes"] == 0 and again["restate_from"] > as_of
    assert mart_checksums(warehouse) == before


def test_a_macro_change_changes_the_code_digest(tmp_path, monkeypatch):
    """Macros are not in dbt's node checksums: the digest arw passes to dbt covers them."""
    import shutil

    for folder in ("models", "macros", "seeds"):
        shutil.copytree(project_dir() / folder, tmp_path / folder)
    shutil.copy(project_dir() / "dbt_project.yml", tmp_path / "dbt_project.yml")
    monkeypatch.setattr(build_module, "project_dir", lambda: tmp_path)
    before = code_digest()
    assert code_digest() == before
    macro = tmp_path / "macros" / "ageing" / "age_buckets.sql"
    macro.write_text(macro.read_text().replace("<= 0 then", "<= 1 then", 1))
    assert code_digest() != before
