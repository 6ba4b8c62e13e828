"""End to end on a small hand-made landing set whose weekly figures were computed by hand.

The story (FR01, payment terms: C1 30 days, C2 60 days, C3 not in the master):
  C1  F100 1,000 due 5 Feb, paid by P100 on 10 Feb, lettered AA on 12 Feb (balanced).
      F101 500 posted 20 Jan without due date (-> 19 Feb), re-delivered later as 550.
      P101 200 paid on 3 Mar, never lettered (unapplied).
  C2  F200 2,400 due 11 Mar; P200 2,000 paid 15 Mar, lettered AB on 20 Mar, after the as-of
      date, so both are still fully open on 15 Mar. AV200 credit note 150, unlettered.
  C3  F300 300 due 15 Jan; dunned "arbitration / dispute" on 28 Feb, "payment promised" on 14 Mar.
Bad rows: a debit "12,3,4", a document type "ZZ", a dunning status "xyz".
The as-of date is the last posting, Saturday 15 March 2025; snapshots are Sundays.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from ar_warehouse.paths import project_dir
from conftest import query, write_csv

D = Decimal

DIALECTS = {
    "comma": dict(delimiter=",", encoding="utf-8", bom=False, decimal=".", date="%Y-%m-%d"),
    "semicolon": dict(delimiter=";", encoding="cp1252", bom=False, decimal=",", date="%d/%m/%Y"),
    "tab": dict(delimiter="\t", encoding="utf-8", bom=True, decimal=",", date="%Y%m%d"),
}
DATE_COLUMNS = {"posting_date", "document_date", "due_date", "lettering_date", "promised_date"}
AMOUNT_COLUMNS = {"debit", "credit", "promised_amount", "credit_limit"}

LEDGER = ["entry_id", "customer_code", "customer_name", "document_number", "document_type", "posting_date",
          "document_date", "due_date", "debit", "credit", "lettering_code", "lettering_date", "reference"]
FILES = {
    "ledger/2025-01.csv": (LEDGER, [
        ["L1", "C1", "Alpha SA", "F100", "FA", "2025-01-06", "2025-01-06", "2025-02-05", "1000.00", "", "AA",
         "2025-02-12", "CMD-1"],
        ["L2", "C1", "Alpha SA", "P100", "RG", "2025-02-10", "", "", "", "1000.00", "AA", "2025-02-12", "VIR F100"],
        ["L3", "C1", "Alpha SA", "F101", "FA", "2025-01-20", "2025-01-20", "", "500.00", "", "", "", ""],
        ["L4", "C2", "Bêta SARL", "F200", "INV", "2025-01-10", "2025-01-10", "2025-03-11", "2400.00", "", "AB",
         "2025-03-20", ""],
        ["L5", "C2", "Bêta SARL", "P200", "PAY", "2025-03-15", "", "", "", "2000.00", "AB", "2025-03-20", ""],
        ["L6", "C2", "Bêta SARL", "AV200", "AV", "2025-02-03", "", "", "", "150.00", "", "", ""],
        ["L7", "C3", "Gamma", "F300", "FA", "2025-01-15", "2025-01-15", "2025-01-15", "300.00", "", "", "", ""],
    ]),
    "ledger/2025-02.csv": (["entry_id", "customer_code", "document_number", "document_type", "posting_date",
                            "debit", "credit"], [
        ["L8", "C1", "P101", "RG", "2025-03-03", "", "200.00"],
        ["L9", "C1", "F102", "FA", "2025-03-04", "12,3,4", ""],
        ["L10", "C1", "F103", "ZZ", "2025-03-05", "10.00", ""],
    ]),
    "ledger/2025-02_redelivery.csv": (LEDGER[:10], [
        ["L3", "C1", "Alpha SA", "F101", "FA", "2025-01-20", "2025-01-20", "", "550.00", ""],
    ]),
    "dunning/relances_2025-02-28.csv": (["customer_code", "document_number", "dunning_status", "dunning_level",
                                         "blocking_cause", "collector"], [
        ["C1", "F101", "Relance en cours", "1", "", "Alice"],
        ["C3", "F300", "décision d'arbitrage", "2", "Litige", "Bob"],
    ]),
    "dunning/relances_2025-03-14.csv": (["customer_code", "document_number", "dunning_status", "blocking_cause",
                                         "collector", "promised_date", "promised_amount"], [
        ["C3", "F300", "paiement promis", "", "Bob", "2025-03-31", "300.00"],
        ["C1", "F999", "xyz", "", "Alice", "", ""],
    ]),
    "customers/customers.csv": (["customer_code", "customer_name", "customer_group", "collector",
                                 "payment_terms_days", "credit_limit"], [
        ["C1", "Alpha SA", "G1", "Chloé", "30", "5000.00"],
        ["C2", "Bêta SARL", "G1", "Chloé", "60", "2000.00"],
    ]),
}


def write_hand_set(root: Path, dialect_of: dict[str, str]) -> Path:
    """Write FILES, each in the dialect named for it (dates and decimals converted)."""
    from datetime import date
    for name, (header, rows) in FILES.items():
        d = DIALECTS[dialect_of[name]]
        out_rows = []
        for row in rows:
            out = []
            for col, value in zip(header, row):
                if col in DATE_COLUMNS and value:
                    value = date.fromisoformat(value).strftime(d["date"])
                elif col in AMOUNT_COLUMNS and value and value.replace(".", "").isdigit():
                    value = value.replace(".", d["decimal"])
                out.append(value)
            out_rows.append(out)
        write_csv(root / name, header, out_rows, delimiter=d["delimiter"], encoding=d["encoding"], bom=d["bom"])
    return root


MIXED = {"ledger/2025-01.csv": "comma", "ledger/2025-02.csv": "semicolon", "ledger/2025-02_redelivery.csv": "tab",
         "dunning/relances_2025-02-28.csv": "comma", "dunning/relances_2025-03-14.csv": "semicolon",
         "customers/customers.csv": "comma"}
ROTATED = {"ledger/2025-01.csv": "tab", "ledger/2025-02.csv": "semicolon", "ledger/2025-02_redelivery.csv": "comma",
           "dunning/relances_2025-02-28.csv": "semicolon", "dunning/relances_2025-03-14.csv": "tab",
           "customers/customers.csv": "tab"}


def make_build(landing: Path, warehouse: Path) -> subprocess.CompletedProcess:
    """`make build` exactly as the README says, through the environment variables."""
    env = dict(os.environ, AR_LANDING_DIR=str(landing), AR_DUCKDB_PATH=str(warehouse))
    return subprocess.run(["make", "--no-print-directory", "build"], cwd=project_dir(), env=env, text=True,
                          capture_output=True, check=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    landing = write_hand_set(root / "landing", MIXED)
    warehouse = root / "first" / "ar.duckdb"
    result = make_build(landing, warehouse)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root, warehouse


def outstanding(warehouse: Path, snapshot: str) -> dict:
    rows = query(warehouse, """
        select customer_code, age_bucket, dunning_status, blocking_cause, outstanding_amount
        from marts.fct_ar_outstanding_weekly where snapshot_date = ?""", [snapshot])
    return {tuple(r[:4]): r[4] for r in rows}


def test_weekly_outstanding_matches_the_hand_computation(built):
    _, warehouse = built
    assert outstanding(warehouse, "2025-02-09") == {
        ("C1", "overdue_1_30", "not_dunned", "none"): D("1000.00"),   # F100, 4 days late, not lettered yet
        ("C1", "not_due", "not_dunned", "none"): D("550.00"),         # F101 as re-delivered, due 19 Feb
        ("C2", "not_due", "not_dunned", "none"): D("2400.00"),
        ("C2", "unapplied", "not_dunned", "none"): D("-150.00"),      # AV200
        ("C3", "overdue_1_30", "not_dunned", "none"): D("300.00"),    # no dunning extract yet
    }
    assert outstanding(warehouse, "2025-03-09") == {
        ("C1", "overdue_1_30", "dunning_in_progress", "none"): D("550.00"),
        ("C1", "unapplied", "not_dunned", "none"): D("-200.00"),
        ("C2", "not_due", "not_dunned", "none"): D("2400.00"),
        ("C2", "unapplied", "not_dunned", "none"): D("-150.00"),
        ("C3", "overdue_31_60", "arbitration_required", "dispute"): D("300.00"),
    }
    # as-of date: C1's F101 left the 14 Mar extract; AB is lettered after the as-of date
    assert outstanding(warehouse, "2025-03-15") == {
        ("C1", "overdue_1_30", "not_dunned", "none"): D("550.00"),
        ("C1", "unapplied", "not_dunned", "none"): D("-200.00"),
        ("C2", "overdue_1_30", "not_dunned", "none"): D("2400.00"),
        ("C2", "unapplied", "not_dunned", "none"): D("-2150.00"),
        ("C3", "overdue_31_60", "payment_promised", "none"): D("300.00"),
    }


def test_aged_balance_and_its_evolution(built):
    _, warehouse = built
    rows = query(warehouse, """
        select customer_code, not_due, overdue_1_30, overdue_31_60, unapplied, balance, previous_balance,
               balance_change, collector, is_latest
        from marts.fct_ar_aged_balance_weekly where snapshot_date = '2025-03-15' order by customer_code""")
    assert rows == [
        ("C1", D("0.00"), D("550.00"), D("0.00"), D("-200.00"), D("350.00"), D("350.00"), D("0.00"), "Chloé", True),
        ("C2", D("0.00"), D("2400.00"), D("0.00"), D("-2150.00"), D("250.00"), D("2250.00"), D("-2000.00"),
         "Chloé", True),
        ("C3", D("0.00"), D("0.00"), D("300.00"), D("0.00"), D("300.00"), D("300.00"), D("0.00"), "Bob", True),
    ]
    # F100 and P100 left the books on 12 Feb: C1 only has F101 on 16 Feb
    assert query(warehouse, "select balance, not_due from marts.fct_ar_aged_balance_weekly "
                            "where snapshot_date = '2025-02-16' and customer_code = 'C1'") == [(D("550.00"), D("550.00"))]


def test_cash_receipts_split_lettered_and_unlettered(built):
    _, warehouse = built
    rows = query(warehouse, """
        select snapshot_date::varchar, customer_code, invoices_issued, credit_notes_issued, payments_received,
               payments_lettered, payments_unlettered
        from marts.fct_ar_cash_receipts_weekly where payments_received <> 0 order by 1, 2""")
    assert rows == [
        ("2025-02-16", "C1", D("0.00"), D("0.00"), D("1000.00"), D("1000.00"), D("0.00")),
        ("2025-03-09", "C1", D("0.00"), D("0.00"), D("200.00"), D("0.00"), D("200.00")),
        ("2025-03-15", "C2", D("0.00"), D("0.00"), D("2000.00"), D("0.00"), D("2000.00")),
    ]


def test_bad_rows_are_quarantined_with_file_row_column_and_reason(built):
    _, warehouse = built
    rows = query(warehouse, "select source_name, source_file, source_row_number, column_name, raw_value, reason "
                            "from staging.stg_landing__quarantined_rows order by source_name, source_file, 3")
    assert [r[:5] for r in rows] == [
        ("dunning", "relances_2025-03-14.csv", 3, "dunning_status", "xyz"),
        ("ledger", "2025-02.csv", 3, "debit", "12,3,4"),
        ("ledger", "2025-02.csv", 4, "document_type", "ZZ"),
    ]
    assert rows[0][5].startswith("unknown dunning status")
    assert rows[1][5].startswith("not a number")
    assert rows[2][5].startswith("unknown document type")


def test_quarantined_rows_carry_their_key_values(built):
    """A controller hands a refused row to the accounting team by its keys, without the file."""
    _, warehouse = built
    rows = query(warehouse, "select source_name, source_row_number, company_code, customer_code, document_number, "
                            "entry_id from staging.stg_landing__quarantined_rows order by source_name, source_file, 2")
    assert rows == [
        ("dunning", 3, "FR01", "C1", "F999", None),
        ("ledger", 3, "FR01", "C1", "F102", "L9"),
        ("ledger", 4, "FR01", "C1", "F103", "L10"),
    ]


def test_rows_are_conserved_and_redelivery_not_double_counted(built):
    _, warehouse = built
    landed = query(warehouse, "select count(*) from landing.ledger_lines")[0][0]
    staged = query(warehouse, "select count(*) from staging.stg_ledger__lines where problem_count = 0")[0][0]
    quarantined = query(warehouse, "select count(*) from staging.stg_landing__quarantined_rows "
                                   "where source_name = 'ledger'")[0][0]
    assert (landed, staged, quarantined) == (11, 9, 2)
    assert query(warehouse, "select amount, source_file, delivery_count from staging.stg_ledger__entries "
                            "where entry_id = 'L3'") == [(D("550.00"), "2025-02_redelivery.csv", 2)]
    assert query(warehouse, "select sum(amount) from staging.stg_ledger__entries")[0][0] == D("900.00")


def test_same_data_in_other_dialects_builds_a_second_identical_warehouse(built):
    root, first = built
    before = sha256(first)
    landing = write_hand_set(root / "landing_rotated", ROTATED)
    second = root / "second" / "ar.duckdb"
    result = make_build(landing, second)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sha256(first) == before, "building another warehouse must not touch the first"
    for mart in ("fct_ar_outstanding_weekly", "fct_ar_aged_balance_weekly", "fct_ar_cash_receipts_weekly",
                 "fct_ar_open_items_weekly", "fct_ar_kpis_monthly"):
        sql = f"select * from marts.{mart} order by all"
        assert query(first, sql) == query(second, sql), mart
    encodings = query(second, "select source_file, encoding, delimiter from landing.landed_files order by 1")
    assert ("2025-01.csv", "utf-8-sig", "\t") in encodings


def test_refused_file_fails_loudly_and_leaves_the_published_warehouse_intact(built):
    root, first = built
    before = sha256(first)
    snapshot = query(first, "select * from marts.fct_ar_aged_balance_weekly order by all")
    landing = write_hand_set(root / "landing_broken", MIXED)
    write_csv(landing / "ledger/2025-03.csv", ["entry_id", "customer_code", "document_type", "posting_date", "debit"],
              [["L11", "C1", "FA", "2025-03-10", "5.00"]])
    result = make_build(landing, first)
    assert result.returncode != 0
    assert "ledger/2025-03.csv: required column 'document_number' is missing" in result.stderr
    assert sha256(first) == before
    assert query(first, "select * from marts.fct_ar_aged_balance_weekly order by all") == snapshot
