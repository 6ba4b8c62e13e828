"""Landing: dialects detected per file, lineage kept, bad files refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ar_warehouse.landing import LandingError, land
from conftest import query, write_csv

LEDGER_HEADER = ["entry_id", "customer_code", "document_number", "document_type", "posting_date", "debit",
                 "credit", "due_date"]


def _land(tmp_path: Path, **kwargs) -> Path:
    warehouse = tmp_path / "landed.duckdb"
    land(tmp_path / "landing", warehouse, **kwargs)
    return warehouse


@pytest.mark.parametrize("dialect", [
    dict(delimiter=",", encoding="utf-8", bom=False, decimal=".", date="2025-01-31"),
    dict(delimiter=";", encoding="cp1252", bom=False, decimal=",", date="31/01/2025"),
    dict(delimiter="\t", encoding="utf-8", bom=True, decimal=",", date="20250131"),
    dict(delimiter=";", encoding="utf-8", bom=True, decimal=",", date="31/01/2025"),
    dict(delimiter="|", encoding="utf-8", bom=False, decimal=".", date="2025-01-31"),
], ids=["utf8-comma", "cp1252-semicolon", "utf8bom-tab", "utf8bom-semicolon", "pipe"])
def test_each_dialect_is_detected_and_landed_as_text(tmp_path, dialect):
    amount = f"1234{dialect['decimal']}56"
    write_csv(tmp_path / "landing/ledger/export.csv", LEDGER_HEADER,
              [["E1", "C1", "F1", "FA", dialect["date"], amount, "", ""],
               ["E2", "C2", "Société Générale; « ça »", "AV", dialect["date"], "", amount, ""]],
              delimiter=dialect["delimiter"], encoding=dialect["encoding"], bom=dialect["bom"])
    warehouse = _land(tmp_path)
    rows = query(warehouse, "select entry_id, document_number, posting_date, debit, credit, source_file, "
                            "source_row_number from landing.ledger_lines order by source_row_number")
    assert rows == [
        ("E1", "F1", dialect["date"], amount, None, "export.csv", 2),
        ("E2", "Société Générale; « ça »", dialect["date"], None, amount, "export.csv", 3),
    ]
    files = query(warehouse, "select delimiter, encoding, has_bom, parser, row_count from landing.landed_files")
    expected_encoding = "windows-1252" if dialect["encoding"] == "cp1252" else (
        "utf-8-sig" if dialect["bom"] else "utf-8")
    assert files == [(dialect["delimiter"], expected_encoding, dialect["bom"], "duckdb", 2)]


def test_headers_any_case_order_extra_and_missing_optional_columns(tmp_path):
    write_csv(tmp_path / "landing/ledger/a.csv",
              ["  Posting_Date ", "DEBIT", "Journal", "ENTRY_ID", "Customer_Code", "document_number",
               "Document_Type"],
              [["2025-01-31", "10.00", "VE", "E1", "C1", "F1", "FA"]])
    warehouse = _land(tmp_path)
    row = query(warehouse, "select entry_id, customer_code, posting_date, debit, credit, lettering_code "
                           "from landing.ledger_lines")
    assert row == [("E1", "C1", "2025-01-31", "10.00", None, None)]
    ignored, missing = query(warehouse, "select ignored_columns, missing_optional_columns from landing.landed_files")[0]
    assert ignored == "journal"
    assert "credit" in missing and "lettering_code" in missing


def test_missing_required_column_names_the_file_and_the_column(tmp_path):
    write_csv(tmp_path / "landing/ledger/good.csv", LEDGER_HEADER, [["E1", "C1", "F1", "FA", "2025-01-31", "1", "", ""]])
    write_csv(tmp_path / "landing/ledger/bad.csv", ["entry_id", "customer_code", "document_type", "debit"],
              [["E2", "C1", "FA", "1"]], delimiter=";")
    with pytest.raises(LandingError) as err:
        _land(tmp_path)
    message = str(err.value)
    assert "ledger/bad.csv: required column 'document_number' is missing" in message
    assert "ledger/bad.csv: required column 'posting_date' is missing" in message
    assert "good.csv" not in message
    assert not (tmp_path / "landed.duckdb").exists(), "nothing may be written when a file is refused"


def test_debit_or_credit_column_required(tmp_path):
    write_csv(tmp_path / "landing/ledger/x.csv", LEDGER_HEADER[:5], [["E1", "C1", "F1", "FA", "2025-01-31"]])
    with pytest.raises(LandingError, match=r"ledger/x.csv: needs at least one of the columns 'debit' / 'credit'"):
        _land(tmp_path)


def test_empty_file_is_refused(tmp_path):
    write_csv(tmp_path / "landing/ledger/ok.csv", LEDGER_HEADER, [["E1", "C1", "F1", "FA", "2025-01-31", "1", "", ""]])
    (tmp_path / "landing/ledger/empty.csv").write_bytes(b"")
    with pytest.raises(LandingError, match=r"ledger/empty.csv: the file is empty"):
        _land(tmp_path)


def test_dunning_extract_date_from_file_name_else_refused(tmp_path):
    write_csv(tmp_path / "landing/ledger/l.csv", LEDGER_HEADER, [["E1", "C1", "F1", "FA", "2025-01-31", "1", "", ""]])
    header = ["customer_code", "document_number", "dunning_status"]
    write_csv(tmp_path / "landing/dunning/relances_2025-02-28.csv", header, [["C1", "F1", "litige"]])
    warehouse = _land(tmp_path)
    assert query(warehouse, "select extracted_at, file_name_date from landing.dunning_rows") == [(None, "2025-02-28")]
    write_csv(tmp_path / "landing/dunning/relances.csv", header, [["C1", "F1", "litige"]])
    with pytest.raises(LandingError, match=r"dunning/relances.csv: required column 'extracted_at' is missing "
                                           r"\(or a date in the file name"):
        _land(tmp_path)


def test_malformed_rows_take_the_exact_parser_and_keep_their_row_numbers(tmp_path):
    path = tmp_path / "landing/ledger/broken.csv"
    path.parent.mkdir(parents=True)
    path.write_text(
        "entry_id,customer_code,document_number,document_type,posting_date,debit\n"
        "E1,C1,F1,FA,2025-01-31,10.00\n"
        "E2,C1,\"F2\nsecond line\",FA,2025-01-31,20.00\n"
        "E3,C1,F3,FA,2025-01-31,30.00,extra\n"
        "E4,C1,F4,FA\n", encoding="utf-8")
    warehouse = _land(tmp_path)
    rows = query(warehouse, "select entry_id, document_number, source_row_number, structure_error "
                            "from landing.ledger_lines order by source_row_number")
    assert rows == [
        ("E1", "F1", 2, None),
        ("E2", "F2\nsecond line", 3, None),
        ("E3", "F3", 4, "row has 7 fields, the header has 6"),
        ("E4", "F4", 5, "row has 4 fields, the header has 6"),
    ]
    assert query(warehouse, "select parser from landing.landed_files") == [("python",)]


def test_both_parsers_land_identical_rows(tmp_path):
    write_csv(tmp_path / "landing/ledger/l.csv", LEDGER_HEADER,
              [["E1", "C1", 'F "1"; x', "FA", "31/01/2025", "1,50", "", ""],
               ["E2", "C1", "multi\nline", "RG", "31/01/2025", "", "1,50", ""]], delimiter=";", encoding="cp1252")
    fast = tmp_path / "fast.duckdb"
    exact = tmp_path / "exact.duckdb"
    land(tmp_path / "landing", fast, parser="duckdb")
    land(tmp_path / "landing", exact, parser="python")
    sql = "select * exclude (loaded_at) from landing.ledger_lines order by source_row_number"
    assert query(fast, sql) == query(exact, sql)


def test_invalid_utf8_byte_in_a_utf8_file_is_flagged_not_guessed(tmp_path):
    path = tmp_path / "landing/ledger/l.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes("entry_id,customer_code,customer_name,document_number,document_type,posting_date,debit\n"
                     "E1,C1,Crème brûlée SA,F1,FA,2025-01-31,1\n".encode("utf-8")
                     + b"E2,C1,Bad \xff byte,F2,FA,2025-01-31,1\n")
    warehouse = _land(tmp_path)
    rows = query(warehouse, "select entry_id, customer_name, encoding_error_column from landing.ledger_lines "
                            "order by entry_id")
    assert rows[0] == ("E1", "Crème brûlée SA", None)
    assert rows[1][0] == "E2" and rows[1][2] == "customer_name"


def test_land_on_missing_folder_fails(tmp_path):
    with pytest.raises(LandingError, match="does not exist"):
        land(tmp_path / "nope", tmp_path / "x.duckdb")


def test_no_ledger_file_fails(tmp_path):
    write_csv(tmp_path / "landing/customers/c.csv", ["customer_code"], [["C1"]])
    with pytest.raises(LandingError, match="no ledger file"):
        _land(tmp_path)


def test_landed_tables_have_every_contract_column(tmp_path):
    write_csv(tmp_path / "landing/ledger/l.csv", LEDGER_HEADER, [["E1", "C1", "F1", "FA", "2025-01-31", "1", "", ""]])
    warehouse = _land(tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    cols = {r[0] for r in con.execute("select column_name from information_schema.columns "
                                      "where table_name = 'dunning_rows'").fetchall()}
    con.close()
    assert {"extracted_at", "dunning_status", "blocking_cause", "promised_amount", "source_file",
            "source_row_number", "loaded_at"} <= cols


def test_weekly_landing_keeps_unchanged_files_and_lands_the_rest(tmp_path, monkeypatch):
    """Updating a landing: unchanged files keep their rows, changed, new and vanished files do
    not; the result is what landing the folder from scratch gives."""
    import os
    from datetime import datetime

    from ar_warehouse import landing as landing_module

    folder = tmp_path / "landing"
    dunning_header = ["customer_code", "document_number", "dunning_status"]
    write_csv(folder / "ledger/a.csv", LEDGER_HEADER, [["E1", "C1", "F1", "FA", "2025-01-31", "10.00", "", ""],
                                                       ["E2", "C1", "F2", "FA", "2025-01-31", "20.00", "", ""]])
    write_csv(folder / "ledger/b.csv", LEDGER_HEADER, [["E3", "C2", "F3", "FA", "2025-02-28", "30.00", "", ""]])
    write_csv(folder / "ledger/d.csv", LEDGER_HEADER, [["E9", "C9", "F9", "FA", "2025-02-28", "90.00", "", ""]])
    write_csv(folder / "dunning/relances_2025-02-28.csv", dunning_header, [["C1", "F1", "litige"]])
    warehouse = tmp_path / "wh.duckdb"
    week_1, week_2 = datetime(2025, 3, 2), datetime(2025, 3, 9)
    land(folder, warehouse, loaded_at=week_1)

    # a week later: b.csv re-exported with a lettering, c.csv new, d.csv gone, the dunning
    # extract delivered again unchanged (new modification time, same bytes)
    write_csv(folder / "ledger/b.csv", LEDGER_HEADER, [["E3", "C2", "F3", "FA", "2025-02-28", "30.00", "", "AA"]])
    write_csv(folder / "ledger/c.csv", LEDGER_HEADER, [["E4", "C3", "F4", "AV", "2025-03-05", "", "5.00", ""]])
    (folder / "ledger/d.csv").unlink()
    extract = folder / "dunning/relances_2025-02-28.csv"
    os.utime(extract, (extract.stat().st_atime, extract.stat().st_mtime + 3600))
    report = land(folder, warehouse, loaded_at=week_2, incremental=True)
    assert sorted(f.source_file for f in report.files if f.kept) == ["a.csv", "relances_2025-02-28.csv"]

    scratch = tmp_path / "scratch.duckdb"
    land(folder, scratch, loaded_at=week_2)
    for table in ("ledger_lines", "dunning_rows"):
        sql = f"select * exclude (loaded_at) from landing.{table} order by source_file, source_row_number"
        assert query(warehouse, sql) == query(scratch, sql), table
    files = "select source_file, loaded_at, file_modified_at, row_count from landing.landed_files order by 1"
    assert [(name, loaded, rows) for name, loaded, _, rows in query(warehouse, files)] == [
        ("a.csv", week_1, 2), ("b.csv", week_2, 1), ("c.csv", week_2, 1), ("relances_2025-02-28.csv", week_1, 1)]
    assert [modified for *_, modified, _ in query(warehouse, files)] == \
           [modified for *_, modified, _ in query(scratch, files)], "a file delivered again gets its new time"

    # other landing code: everything is landed again
    monkeypatch.setattr(landing_module, "LANDING_VERSION", "another")
    report = land(folder, warehouse, loaded_at=datetime(2025, 3, 16), incremental=True)
    assert not any(f.kept for f in report.files)
    assert {loaded for _, loaded, _, _ in query(warehouse, files)} == {datetime(2025, 3, 16)}
