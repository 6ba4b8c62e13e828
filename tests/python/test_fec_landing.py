"""Landing FEC files (fec/): dialects of the legal export, lineage, company and closing date from the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ar_warehouse.landing import LandingError, land
from conftest import query, write_csv

FEC_HEADER = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
              "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
              "ValidDate", "Montantdevise", "Idevise"]
SALE = ["VE", "Ventes", "1", "20230109", "411000", "Clients", "C1", "Alpha", "F1", "20230109", "Vente F1",
        "120,00", "0,00", "AA", "20230209", "20230131", "", ""]
PAYMENT = ["BQ", "Banque", "2", "20230209", "411000", "Clients", "C1", "Alpha", "RG1", "20230209", "VIR ALPHA",
           "0,00", "120,00", "AA", "20230209", "20230228", "", ""]


def _land(tmp_path: Path, **kwargs) -> Path:
    warehouse = tmp_path / "landed.duckdb"
    land(tmp_path / "landing", warehouse, **kwargs)
    return warehouse


def test_fec_only_landing_folder_is_accepted_with_company_and_closing_date_from_the_name(tmp_path):
    write_csv(tmp_path / "landing/fec/123456789FEC20231231.txt", FEC_HEADER, [SALE, PAYMENT], delimiter="\t",
              bom=True)
    warehouse = _land(tmp_path)
    rows = query(warehouse, "select journalcode, comptenum, compauxnum, debit, ecriturelet, source_file, "
                            "source_row_number, file_name_company_code, file_name_date from landing.fec_lines "
                            "order by source_row_number")
    assert rows == [
        ("VE", "411000", "C1", "120,00", "AA", "123456789FEC20231231.txt", 2, "123456789", "2023-12-31"),
        ("BQ", "411000", "C1", "0,00", "AA", "123456789FEC20231231.txt", 3, "123456789", "2023-12-31"),
    ]
    assert query(warehouse, "select source_name, delimiter, has_bom, row_count from landing.landed_files") == [
        ("fec", "\t", True, 2)]
    assert query(warehouse, "select count(*) from landing.ledger_lines") == [(0,)]


def test_pipe_padded_fields_extra_columns_and_aliases(tmp_path):
    header = [h.ljust(12) for h in FEC_HEADER] + ["DateRglt", "ModeRglt", "NatOp", "IdClient", "Echeance",
                                                 "Siren", ""]
    padded = [v.ljust(10) for v in SALE] + ["20230115", "VIR", "", "", "20230215", "999888777", ""]
    write_csv(tmp_path / "landing/fec/export.txt", header, [padded], delimiter="|")
    warehouse = _land(tmp_path)
    row = query(warehouse, "select journalcode, dateecheance, company_code, moderglt, file_name_company_code "
                           "from landing.fec_lines")
    assert row == [("VE        ", "20230215", "999888777", "VIR", None)]  # trimmed in staging, not here
    ignored, = query(warehouse, "select ignored_columns from landing.landed_files")[0]
    assert ignored == ""  # the empty name after a trailing delimiter


def test_quotes_are_characters_and_cr_cr_lf_line_ends_are_one_line_end(tmp_path):
    path = tmp_path / "landing/fec/111111111FEC20221231.txt"
    path.parent.mkdir(parents=True)
    lines = ["\t".join(FEC_HEADER), "\t".join(SALE[:10] + ['PNEU 17" "HIVER'] + SALE[11:]), "\t".join(PAYMENT)]
    path.write_bytes(("\r\r\n".join(lines) + "\r\r\n").encode("utf-8"))
    warehouse = _land(tmp_path)
    rows = query(warehouse, "select ecriturelib, idevise, source_row_number, structure_error from landing.fec_lines "
                            "order by source_row_number")
    assert rows == [('PNEU 17" "HIVER', None, 2, None), ("VIR ALPHA", None, 3, None)]


def test_missing_required_fec_column_names_the_file_and_the_column(tmp_path):
    write_csv(tmp_path / "landing/fec/123456789FEC20231231.txt", [h for h in FEC_HEADER if h != "EcritureLet"],
              [SALE[:13] + SALE[14:]], delimiter="\t")
    with pytest.raises(LandingError, match=r"fec/123456789FEC20231231.txt: required column 'ecriturelet' is missing"):
        _land(tmp_path)
    assert not (tmp_path / "landed.duckdb").exists()


def test_two_fiscal_years_of_one_company_are_refused(tmp_path):
    write_csv(tmp_path / "landing/fec/123456789FEC20221231.txt", FEC_HEADER, [SALE], delimiter="\t")
    write_csv(tmp_path / "landing/fec/123456789FEC20231231.txt", FEC_HEADER, [PAYMENT], delimiter="\t")
    # another company, and a re-export of the same fiscal year under another name: both fine
    write_csv(tmp_path / "landing/fec/987654321FEC20231231.txt", FEC_HEADER, [SALE], delimiter="\t")
    write_csv(tmp_path / "landing/fec/987654321FEC20231231 (1).txt", FEC_HEADER, [SALE], delimiter="\t")
    with pytest.raises(LandingError) as err:
        _land(tmp_path)
    message = str(err.value)
    assert "company 123456789 has FEC files of several fiscal years" in message
    assert "987654321" not in message
    (tmp_path / "landing/fec/123456789FEC20221231.txt").unlink()
    warehouse = _land(tmp_path)
    assert query(warehouse, "select count(*) from landing.fec_lines") == [(3,)]


def test_both_parsers_land_identical_fec_rows(tmp_path):
    write_csv(tmp_path / "landing/fec/123456789FEC20231231.txt", FEC_HEADER, [SALE, PAYMENT], delimiter="|",
              encoding="cp1252")
    fast, exact = tmp_path / "fast.duckdb", tmp_path / "exact.duckdb"
    land(tmp_path / "landing", fast, parser="duckdb")
    land(tmp_path / "landing", exact, parser="python")
    sql = "select * exclude (loaded_at) from landing.fec_lines order by source_row_number"
    assert query(fast, sql) == query(exact, sql)
