"""Incremental weekly runs give exactly the marts and intermediates of a full rebuild.

A generated history is replayed as weekly deliveries (ledger lines posted by each run's as-of
date, lettering arriving late, one more dunning extract a week). Each week is built
incrementally from the published warehouse of the week before, and every delivery also hits
one of the cases that invalidate what the incremental chain kept (docs/weekly-runs.md):

- a corrected re-delivery of an invoice line posted months earlier (restated from its posting);
- an old dunning extract re-delivered with one row changed (the dunning state intervals
  restated from that extract on), and another with only a row's last action changed (the
  dunning rows restated from it on);
- a lettering code added to an old open invoice, with the payment that settles it;
- an old line moved to another document (its old document is recomputed too);
- a run on a mid-week as-of date (a snapshot that the next run must drop);
- a vanished file (an old dunning extract no longer delivered), and a customer new to the books
  (a master row and a first invoice: restated from that invoice, not from the start);
- a customer moved to another group (every snapshot shows the group: everything restated);
- a changed var (everything restated).

At the checkpoints, the checksum of every mart, of every intermediate model (the
restatement's own bookkeeping aside) and of every staging model (but for when its rows were
landed and typed) equals a full rebuild's from the same landing folder.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from ar_warehouse import build as build_module
from ar_warehouse.build import build, code_digest
from ar_warehouse.paths import project_dir
from ar_warehouse.checksums import mart_checksums
from ar_warehouse.deliveries import landing_as_of
from ar_warehouse.devtools.generator import main as generate
from conftest import query


def _build(landing: Path, warehouse: Path, as_of: date, *, full_refresh: bool = False,
           vars_: dict | None = None) -> dict:
    # dbt's tests skipped: the gate runs the grain, overlap and relationship checks itself, on
    # what each run changed (docs/quality-gate.md), and must pass on every run
    result = build(landing, warehouse, vars_={"as_of_date": as_of.isoformat(), **(vars_ or {})},
                   run_tests=False, quiet=True, full_refresh=full_refresh, log=lambda *_: None)
    gate = json.loads(result.reports["json"].read_text(encoding="utf-8"))
    assert gate["status"] == "PASSED", gate
    (restate_from, is_full, changes, dunning_from, items, entries, dunning_states), = query(warehouse, """
        select restate_from_date, is_full_restatement, change_count, dunning_restate_from_date,
            (select count(*) from intermediate.int_weekly__restated_items),
            (select count(*) from staging.stg_ledger__entries),
            (select count(*) from staging.stg_dunning__document_states)
        from intermediate.int_weekly__restatement""")
    # the typed staging: the rows typed in this run (the latest stamp) and the extracts recomputed
    (lines, typed_lines, extract_rows, typed_extract_rows, computed_states, landed_lines), = query(warehouse, """
        select
            (select count(*) from staging.stg_ledger__lines),
            (select count(*) from staging.stg_ledger__lines
             where staged_at = (select max(staged_at) from staging.stg_ledger__lines)),
            (select count(*) from staging.stg_dunning__extract_rows),
            (select count(*) from staging.stg_dunning__extract_rows
             where staged_at = (select max(staged_at) from staging.stg_dunning__extract_rows)),
            (select count(*) from staging.stg_dunning__document_states
             where staged_through = (select max(staged_through) from staging.stg_dunning__document_states)),
            (select sum(row_count) from landing.landed_files
             where source_name in ('ledger', 'fec')
                and loaded_at = (select max(loaded_at) from landing.landed_files))""")
    return {"restate_from": restate_from, "is_full": is_full, "changes": changes, "dunning_from": dunning_from,
            "items": items, "entries": entries, "dunning_states": dunning_states, "gate_scope": gate["scope"],
            "gate_rows": gate["row_counts"], "lines": lines, "typed_lines": typed_lines,
            "extract_rows": extract_rows, "typed_extract_rows": typed_extract_rows,
            "computed_states": computed_states, "landed_lines": landed_lines}


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


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    return [h.strip().lower() for h in rows[0]], rows


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def _open_old_invoice(landing: Path, posted_before: date, skip: set[str]) -> tuple[list[str], list[str]]:
    """An invoice line posted before the date and still unlettered in this delivery."""
    for path in sorted((landing / "ledger").glob("ledger_*.csv")):
        names, rows = _read(path)
        for row in rows[1:]:
            get = {n: v.strip() for n, v in zip(names, row)}
            if (get["entry_id"] not in skip and get["debit"] and not get["lettering_code"]
                    and date.fromisoformat(get["posting_date"]) < posted_before):
                return names, row
    raise AssertionError("no open old invoice")


def _letter_an_old_invoice(landing: Path, as_of: date, skip: set[str]) -> str:
    """A payment received this week settles an invoice posted months ago: the invoice's line is
    re-delivered with a lettering code, beside the new payment line with the same code."""
    names, row = _open_old_invoice(landing, date(2024, 12, 1), skip)
    invoice = list(row)
    invoice[names.index("lettering_code")] = "ZZLATE"
    invoice[names.index("lettering_date")] = as_of.isoformat()
    payment = list(row)
    for column, value in {"entry_id": "ZZPAY-0001", "document_type": "RG", "posting_date": as_of.isoformat(),
                          "document_date": as_of.isoformat(), "due_date": "", "credit": row[names.index("debit")],
                          "debit": "", "lettering_code": "ZZLATE", "lettering_date": as_of.isoformat(),
                          "reference": "VIR-ZZ"}.items():
        if column in names:
            payment[names.index(column)] = value
    _write(landing / "ledger" / "zz_lettering.csv", [names, invoice, payment])
    return invoice[names.index("entry_id")].strip()


def _move_an_old_line_to_another_document(landing: Path, skip: set[str]) -> date:
    """An invoice line re-delivered under another document number (a mis-keyed number fixed)."""
    names, row = _open_old_invoice(landing, date(2025, 2, 1), skip)
    moved = list(row)
    moved[names.index("document_number")] = row[names.index("document_number")].strip() + "-BIS"
    _write(landing / "ledger" / "zz_renumbered.csv", [names, moved])
    return date.fromisoformat(moved[names.index("posting_date")].strip())


def _redeliver_an_old_extract_changed(landing: Path, extract: str) -> None:
    """An old dunning extract delivered again with one document's collector changed."""
    path = landing / "dunning" / extract
    names, rows = _read(path)
    rows[1][names.index("collector")] = "Collecteur Remplacant"
    _write(path, rows)


def _redeliver_an_old_extract_with_another_last_action(landing: Path, extract: str) -> None:
    """An old dunning extract delivered again with only one row's last action date changed."""
    path = landing / "dunning" / extract
    names, rows = _read(path)
    column = names.index("last_action_date")
    row = next(r for r in rows[1:] if r[column].strip())
    row[column] = (date.fromisoformat(row[column].strip()) - timedelta(days=1)).isoformat()
    _write(path, rows)


def _add_a_new_customer(landing: Path, posted: date) -> None:
    """A customer new to the books: a master row and a first invoice, posted this week."""
    names, row = _open_old_invoice(landing, date(2025, 6, 1), set())
    invoice = list(row)
    for column, value in {"entry_id": "ZZNEW-0001", "customer_code": "ZZNEW", "customer_name": "Nouveau Client SA",
                          "document_number": "FZZNEW-1", "posting_date": posted.isoformat(),
                          "document_date": posted.isoformat(), "due_date": (posted + timedelta(days=30)).isoformat(),
                          "lettering_code": "", "lettering_date": ""}.items():
        if column in names:
            invoice[names.index(column)] = value
    _write(landing / "ledger" / "zz_new_customer.csv", [names, invoice])
    path = landing / "customers" / "customers.csv"
    header, rows = _read(path)
    master = list(rows[1])
    master[header.index("customer_code")] = "ZZNEW"
    master[header.index("customer_name")] = "Nouveau Client SA"
    _write(path, [*rows, master])


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


def _checksums(warehouse: Path) -> dict:
    sums = mart_checksums(warehouse)
    sums.update({f"intermediate.{table}": value for table, value in mart_checksums(warehouse, "intermediate").items()
                 if not table.startswith("int_weekly__")})
    # the typed staging too, but for when its rows were landed and typed
    sums.update({f"staging.{table}": value for table, value in mart_checksums(
        warehouse, "staging", exclude_columns=("loaded_at", "staged_at", "staged_through")).items()})
    return sums


def test_weekly_incremental_runs_equal_a_full_rebuild(history):
    source, published = history / "history", history / "published" / "ar.duckdb"
    weeks = [date(2025, 5, 25), date(2025, 6, 1), date(2025, 6, 8), date(2025, 6, 11), date(2025, 6, 15),
             date(2025, 6, 22), date(2025, 6, 29)]
    changed_var = {"legal_max_terms_days": 45}
    runs = []
    for week, as_of in enumerate(weeks):
        landing = history / f"landing_{week}"
        landing_as_of(source, landing, as_of)
        if week >= 2:  # the corrections stay in every later delivery
            corrected_entry, corrected_posting = _correct_an_old_line(landing, date(2024, 11, 1))
            _redeliver_an_old_extract_changed(landing, "dunning_2025-04-07.csv")
        if week >= 3:
            lettered_entry = _letter_an_old_invoice(landing, weeks[3], {corrected_entry})
            moved_posting = _move_an_old_line_to_another_document(landing, {corrected_entry, lettered_entry})
            _redeliver_an_old_extract_with_another_last_action(landing, "dunning_2025-05-05.csv")
        if week >= 4:  # an old extract is no longer delivered; a new customer's first invoice
            (landing / "dunning" / "dunning_2025-03-03.csv").unlink()
            _add_a_new_customer(landing, weeks[4] - timedelta(days=2))
        if week >= 5:
            _move_a_customer_to_another_group(landing)
        vars_ = changed_var if week >= 6 else None
        runs.append(_build(landing, published, as_of, vars_=vars_))

        if week in (2, 4, 6):
            rebuilt = history / f"full_{week}" / "ar.duckdb"
            _build(landing, rebuilt, as_of, full_refresh=True, vars_=vars_)
            incremental, full = _checksums(published), _checksums(rebuilt)
            assert incremental == full, {m: (incremental.get(m), full.get(m)) for m in full
                                         if incremental.get(m) != full.get(m)}

    # the first build is full; a plain week recomputes from the previous latest snapshot only,
    # and the chain only the items open since the first of that month
    assert runs[0]["is_full"]
    assert runs[1]["restate_from"] == weeks[0] and not runs[1]["is_full"]
    assert runs[1]["items"] < runs[1]["entries"] / 4, runs[1]
    # a corrected line posted months ago: from that line's posting date, not from the start
    assert not runs[2]["is_full"] and runs[2]["restate_from"] == corrected_posting, corrected_entry
    # the re-delivered extract restates the dunning intervals from its date on
    assert runs[2]["dunning_from"] == date(2025, 4, 7)
    # a line moved to another document: from its posting date (its old document recomputed too)
    assert runs[3]["restate_from"] == moved_posting
    # an old extract re-delivered with only a last action changed: the dunning rows from it on
    assert runs[3]["dunning_from"] == date(2025, 5, 5)
    # the mid-week as-of snapshot is dropped by the next run
    snapshots = [d for (d,) in query(published, "select distinct snapshot_date from marts.fct_ar_outstanding_weekly")]
    assert weeks[3] not in snapshots and weeks[4] in snapshots
    # the vanished extract restates everything from its date on (before the mid-week snapshot)
    # (and the new customer, with no row in any earlier snapshot, restates nothing more)
    assert runs[4]["dunning_from"] == date(2025, 3, 3) and runs[4]["restate_from"] == date(2025, 3, 3)
    # a customer's group shows on every snapshot, a var may change any row: everything restated
    assert runs[5]["is_full"] and runs[6]["is_full"]
    # the gate checked what each run changed, everything when everything was restated
    assert [r["gate_scope"] == "every row" for r in runs] == [r["is_full"] for r in runs]
    # the typed staging of a plain week: the rows of the files it landed, the new extract's states
    assert runs[0]["typed_lines"] == runs[0]["lines"] and runs[0]["computed_states"] == runs[0]["dunning_states"]
    # (late lettering re-delivers the last months' files: their rows, not the older months')
    assert 0 < runs[1]["typed_lines"] == runs[1]["landed_lines"] < runs[1]["lines"], runs[1]
    assert 0 < runs[1]["typed_extract_rows"] < runs[1]["extract_rows"] / 10, runs[1]
    assert 0 < runs[1]["computed_states"] < runs[1]["dunning_states"] / 10, runs[1]
    # a changed var types everything again
    assert runs[6]["typed_lines"] == runs[6]["lines"] and runs[6]["typed_extract_rows"] == runs[6]["extract_rows"]
    # one new weekly extract among a year of them: its rows only
    assert 0 < runs[1]["gate_rows"]["dunning_states"] < runs[1]["dunning_states"] / 10, runs[1]["gate_rows"]
    assert runs[1]["gate_rows"]["ledger_entries"] <= runs[1]["entries"]
    assert (runs[0]["gate_rows"]["ledger_entries"], runs[0]["gate_rows"]["dunning_states"]) == (
        runs[0]["entries"], runs[0]["dunning_states"])


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
