"""The bad-input corpus: every way an export goes wrong that we have met, with its outcome.

Row-level problems are landed together in one folder (one file per case) and built once;
each case asserts its outcome and that every landed row of its file is either staged or
quarantined. File-level problems refuse the whole delivery before anything is written.

| case                          | outcome                                                        |
|-------------------------------|----------------------------------------------------------------|
| bad date                      | row quarantined: posting_date, not a valid date                 |
| bad number                    | row quarantined: debit, not a number                            |
| unknown document type         | row quarantined: document_type, unknown document type           |
| unknown dunning status        | row quarantined: dunning_status, unknown dunning status         |
| missing customer_code         | row quarantined: customer_code, missing required value          |
| duplicate entry_id in a file  | accepted: the last row of the file wins, counted once           |
| same file delivered twice     | accepted: identical lines counted once                          |
| Windows-1252 file             | accepted, accents decoded                                       |
| ; with decimal comma          | accepted, amounts exact                                         |
| UTF-8 BOM                     | accepted                                                        |
| missing required column       | whole delivery refused, message names file and column           |
| empty file                    | whole delivery refused, message names the file                  |
| header-only file              | accepted, no rows                                               |
| truncated last line           | row quarantined: row, malformed CSV row                         |
| lettering date before posting | accepted (the group takes effect at its latest date); warning   |
| negative debit                | row quarantined: debit, negative debit                          |
| non-UTF-8 byte in UTF-8 file  | row quarantined: the column holding the byte; other rows intact |
| 10 MB single field            | row quarantined: reference, longer than max_text_length          |
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ar_warehouse.build import BuildError, build, read_run_log
from ar_warehouse.landing import LandingError, land
from conftest import query, write_csv

HEADER = ["entry_id", "customer_code", "customer_name", "document_number", "document_type", "posting_date",
          "due_date", "debit", "credit", "lettering_code", "lettering_date", "reference"]


def row(entry_id, **over):
    base = {"entry_id": entry_id, "customer_code": "C1", "customer_name": "Client Un", "document_number": entry_id,
            "document_type": "FA", "posting_date": "2025-03-03", "due_date": "2025-04-02", "debit": "100.00",
            "credit": "", "lettering_code": "", "lettering_date": "", "reference": ""}
    base.update(over)
    return [base[c] for c in HEADER]


# file -> (rows written, {entry_id: (column, reason prefix)} of the rows expected in quarantine)
ROW_CASES = {
    "bad_date.csv": ([row("BD1", posting_date="2025-13-45"), row("BD2")],
                     {2: ("posting_date", "not a valid date")}),
    "bad_number.csv": ([row("BN1", debit="12.34.5"), row("BN2")], {2: ("debit", "not a number")}),
    "unknown_document_type.csv": ([row("UT1", document_type="XYZ"), row("UT2")],
                                  {2: ("document_type", "unknown document type")}),
    "missing_customer_code.csv": ([row("MC1", customer_code=""), row("MC2")],
                                  {2: ("customer_code", "missing required value")}),
    "duplicate_entry_id.csv": ([row("DUP1", debit="10.00"), row("DUP1", debit="20.00")], {}),
    "delivered_once.csv": ([row("SAME1"), row("SAME2", debit="35.50")], {}),
    "delivered_twice.csv": ([row("SAME1"), row("SAME2", debit="35.50")], {}),
    "header_only.csv": ([], {}),
    "lettering_before_posting.csv": ([row("LB1", lettering_code="ZZ", lettering_date="2025-03-01"),
                                      row("LB2", document_type="RG", debit="", credit="100.00",
                                          lettering_code="ZZ", lettering_date="2025-03-01")], {}),
    "negative_debit.csv": ([row("ND1", debit="-50.00"), row("ND2")], {2: ("debit", "negative debit")}),
    "big_field.csv": ([row("BF1", reference="x" * 10_000_000), row("BF2")],
                      {2: ("reference", "value longer than 1000 characters")}),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    landing = root / "landing"
    for name, (rows, _) in ROW_CASES.items():
        write_csv(landing / "ledger" / name, HEADER, rows)
    # dialect cases
    write_csv(landing / "ledger/windows_1252.csv", HEADER,
              [row("W1", customer_name="Société Générale – Œuvres", debit="10.00")], delimiter=";",
              encoding="cp1252")
    write_csv(landing / "ledger/semicolon_decimal_comma.csv", HEADER,
              [row("SC1", posting_date="03/03/2025", due_date="02/04/2025", debit="1234,56")], delimiter=";")
    write_csv(landing / "ledger/bom.csv", HEADER, [row("BOM1", debit="7.00")], bom=True)
    # a truncated export: the last record is cut in the middle, no final newline
    truncated = landing / "ledger/truncated_last_line.csv"
    write_csv(truncated, HEADER, [row("TR1")])
    truncated.write_bytes(truncated.read_bytes() + b"TR2,C1,Client Un,TR2,FA,2025-03")
    # a UTF-8 file with one stray byte
    stray = landing / "ledger/non_utf8_byte.csv"
    write_csv(stray, HEADER, [row("NU1", customer_name="Crème Brûlée SA")])
    stray.write_bytes(stray.read_bytes() + b"NU2,C1,Bad \xff Byte,NU2,FA,2025-03-03,2025-04-02,5.00,,,,\n")
    # dunning: an unknown status
    write_csv(landing / "dunning/relances_2025-03-31.csv", ["customer_code", "document_number", "dunning_status"],
              [["C1", "BD2", "relance en cours"], ["C1", "BN2", "en pause"]])
    warehouse = root / "ar.duckdb"
    build(landing, warehouse, quiet=True, log=lambda *_: None)
    return warehouse


def quarantined(warehouse: Path, source_file: str) -> dict[int, tuple[str, str]]:
    return {r[0]: (r[1], r[2]) for r in query(
        warehouse, "select source_row_number, column_name, reason from staging.stg_landing__quarantined_rows "
                   "where source_file = ?", [source_file])}


@pytest.mark.parametrize("source_file", [*ROW_CASES, "windows_1252.csv", "semicolon_decimal_comma.csv", "bom.csv",
                                         "truncated_last_line.csv", "non_utf8_byte.csv"])
def test_every_landed_row_is_staged_or_quarantined(corpus, source_file):
    landed = query(corpus, "select count(*) from landing.ledger_lines where source_file = ?", [source_file])[0][0]
    staged = query(corpus, "select count(*) from staging.stg_ledger__lines where source_file = ? "
                           "and problem_count = 0", [source_file])[0][0]
    assert landed == staged + len(quarantined(corpus, source_file))
    expected_rows = len(ROW_CASES[source_file][0]) if source_file in ROW_CASES else None
    if expected_rows is not None:
        assert landed == expected_rows


@pytest.mark.parametrize("source_file", [f for f, (_, q) in ROW_CASES.items() if q])
def test_bad_rows_are_quarantined_with_their_reason(corpus, source_file):
    found = quarantined(corpus, source_file)
    expected = ROW_CASES[source_file][1]
    assert set(found) == set(expected)
    for row_number, (column, reason) in expected.items():
        assert found[row_number][0] == column
        assert found[row_number][1].startswith(reason), found[row_number][1]


def test_unknown_dunning_status_is_quarantined(corpus):
    assert quarantined(corpus, "relances_2025-03-31.csv") == {
        3: ("dunning_status", "unknown dunning status (map it in seeds/ar_dunning_status_codes.csv)")}
    assert query(corpus, "select document_number, dunning_status from staging.stg_dunning__document_states") == [
        ("BD2", "dunning_in_progress")]


def entry(corpus, entry_id):
    return query(corpus, "select amount, customer_name, delivery_count, source_file from staging.stg_ledger__entries "
                         "where entry_id = ?", [entry_id])


def test_duplicate_entry_id_in_one_file_last_row_wins(corpus):
    assert entry(corpus, "DUP1") == [(Decimal("20.00"), "Client Un", 2, "duplicate_entry_id.csv")]


def test_same_file_delivered_twice_is_counted_once(corpus):
    assert [e[:3] for e in entry(corpus, "SAME2")] == [(Decimal("35.50"), "Client Un", 2)]
    assert entry(corpus, "SAME2")[0][3] == "delivered_twice.csv"


def test_dialects_are_accepted(corpus):
    assert entry(corpus, "W1")[0][:2] == (Decimal("10.00"), "Société Générale – Œuvres")
    assert entry(corpus, "SC1")[0][0] == Decimal("1234.56")
    assert entry(corpus, "BOM1")[0][0] == Decimal("7.00")


def test_header_only_file_lands_no_row(corpus):
    assert query(corpus, "select row_count from landing.landed_files where source_file = 'header_only.csv'") == [(0,)]


def test_truncated_last_line_is_quarantined_as_malformed(corpus):
    assert quarantined(corpus, "truncated_last_line.csv") == {3: ("row", "malformed CSV row (wrong number of "
                                                                          "fields or broken quoting)")}
    assert entry(corpus, "TR1")[0][0] == Decimal("100.00")


def test_stray_byte_quarantines_its_row_only(corpus):
    assert quarantined(corpus, "non_utf8_byte.csv") == {
        3: ("customer_name", "invalid byte for the file encoding (shown as U+FFFD)")}
    assert entry(corpus, "NU1")[0][1] == "Crème Brûlée SA"


def test_lettering_date_before_posting_is_accepted_and_flagged(corpus):
    assert query(corpus, "select effective_date::varchar, is_balanced from intermediate.int_lettering__groups "
                         "where lettering_code = 'ZZ'") == [("2025-03-03", True)]
    run = read_run_log(corpus)[-1]
    assert run["status"] == "published" and run["critical_failures"] == 0
    assert run["expectations_failed"] >= 1, "the lettering-before-posting warning is reported"


def test_big_field_is_landed_then_quarantined(corpus):
    assert query(corpus, "select length(reference) from landing.ledger_lines where entry_id = 'BF1'") == [(10_000_000,)]


@pytest.mark.parametrize("case, content, message", [
    ("missing_required_column", b"entry_id,customer_code,document_type,posting_date,debit\nE1,C1,FA,2025-03-03,1\n",
     "ledger/case.csv: required column 'document_number' is missing"),
    ("empty_file", b"", "ledger/case.csv: the file is empty (no header line)"),
])
def test_file_level_problems_refuse_the_delivery(tmp_path, case, content, message):
    write_csv(tmp_path / "landing/ledger/good.csv", HEADER, [row("G1")])
    (tmp_path / "landing/ledger/case.csv").write_bytes(content)
    with pytest.raises(LandingError) as err:
        land(tmp_path / "landing", tmp_path / "x.duckdb")
    assert message in str(err.value)
    # through a build: refused, logged, nothing published
    with pytest.raises(BuildError, match="landing refused"):
        build(tmp_path / "landing", tmp_path / "wh" / "ar.duckdb", quiet=True, log=lambda *_: None)
    assert not (tmp_path / "wh" / "ar.duckdb").exists()
    assert read_run_log(tmp_path / "wh" / "ar.duckdb")[-1]["status"] == "refused_landing"
