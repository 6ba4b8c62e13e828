"""A small hand-made FEC story, exported twice, built with a customer master and a CSV ledger of another company.

Company 123456789, fiscal year closing 31 Dec 2023 (amounts in euros; master terms: C1 45 days,
C2 60 days):
  C1  opening item 500 (à nouveaux, 1 Jan) paid by RG1 on 5 Feb, lettered AA (balanced);
      F1 1,200 on 10 Jan, RG2 700 on 10 Feb: lettered AB only in the second export (unbalanced,
      500 stays open on F1); the second export also gives F1 a DateEcheance of 28 Feb, which
      wins over C1's terms.
  C2  F2 300 on 15 Jan, credit note AV1 50 on 20 Jan, RG3 250 on 1 Mar (second export only), all
      three lettered AC there (balanced).
  --  OD1 10 on 15 Feb on account 411000 without auxiliary account: the account is the customer.
  A sale line dated 30 Feb is quarantined (in both exports); a supplier line with the same bad
  date is out of the AR scope and is only counted.
The second export (`..._2.txt`, later in byte order) re-orders the lines, pads them, adds lettering
and a column: it replaces the first one line by line, nothing is counted twice.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import query, write_csv
from test_end_to_end import make_build

D = Decimal
HEADER = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
          "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
          "ValidDate", "Montantdevise", "Idevise"]


def line(journal, number, date, account, aux, piece, label, debit, credit, letter="", letter_date="",
         due=None) -> list[str]:
    names = {"411000": "Clients", "706000": "Ventes", "512000": "Banque", "401000": "Fournisseurs"}
    aux_names = {"C1": "Alpha SA", "C2": "Bêta SARL"}
    row = [journal, {"ANO": "A nouveaux", "VE": "Ventes", "BQ": "Banque", "OD": "OD", "AC": "Achats"}[journal],
           number, date, account, names[account], aux, aux_names.get(aux, ""), piece, date, label, debit, credit,
           letter, letter_date, "20240115", "", ""]
    return row if due is None else row + [due]


def first_export() -> list[list[str]]:
    return [
        line("ANO", "1", "20230101", "411000", "C1", "RAN", "Report à nouveau", "500,00", "0,00", "AA", "20230205"),
        line("VE", "2", "20230110", "411000", "C1", "F1", "Vente F1", "1200,00", "0,00"),
        line("VE", "2", "20230110", "706000", "", "F1", "Vente F1", "0,00", "1200,00"),
        line("VE", "3", "20230115", "411000", "C2", "F2", "Vente F2", "300,00", "0,00"),
        line("VE", "4", "20230120", "411000", "C2", "AV1", "Avoir F2", "0,00", "50,00"),
        line("BQ", "5", "20230205", "411000", "C1", "RG1", "VIR ALPHA RAN", "0,00", "500,00", "AA", "20230205"),
        line("BQ", "6", "20230210", "411000", "C1", "RG2", "VIR ALPHA F1", "0,00", "700,00"),
        line("OD", "7", "20230215", "411000", "", "OD1", "Frais", "10,00", "0,00"),
        line("VE", "8", "20230230", "411000", "C2", "F3", "Vente F3", "50,00", "0,00"),
        line("AC", "9", "20230230", "401000", "F9", "A1", "Achat", "0,00", "80,00"),
    ]


def second_export() -> list[list[str]]:
    lettered = {"F1": ("AB", "20230210"), "RG2": ("AB", "20230210"), "F2": ("AC", "20230301"),
                "AV1": ("AC", "20230301")}
    rows = []
    for row in first_export():
        if row[4] == "411000" and row[8] in lettered:
            row[13], row[14] = lettered[row[8]]
        rows.append(row + ["20230228" if row[8] == "F1" and row[4] == "411000" else ""])
    rows.append(line("BQ", "10", "20230301", "411000", "C2", "RG3", "VIR BETA", "0,00", "250,00", "AC", "20230301",
                     due=""))
    rows.reverse()
    return [[v.ljust(8) if i not in (11, 12) else v.rjust(13, "0") for i, v in enumerate(r)] for r in rows]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("fec_e2e")
    landing = root / "landing"
    write_csv(landing / "fec/123456789FEC20231231.txt", HEADER, first_export(), delimiter="\t", bom=True)
    write_csv(landing / "fec/123456789FEC20231231_2.txt", HEADER + ["DateEcheance"], second_export(),
              delimiter="|", encoding="cp1252", newline="\r\n")
    write_csv(landing / "customers/customers.csv", ["customer_code", "payment_terms_days"], [["C1", "45"], ["C2", "60"]])
    write_csv(landing / "ledger/ledger.csv", ["company_code", "entry_id", "customer_code", "document_number",
                                              "document_type", "posting_date", "debit"],
              [["FR01", "E1", "K1", "FA1", "FA", "2023-02-01", "99.00"]])
    warehouse = root / "ar.duckdb"
    result = make_build(landing, warehouse)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return warehouse


def test_the_re_export_replaces_the_first_export_line_by_line(built):
    rows = query(built, """
        select document_number, customer_code, document_type_raw, document_type, amount, lettering_code,
               delivery_count, source_file
        from staging.stg_ledger__entries where company_code = '123456789' order by posting_date, document_number""")
    second = "123456789FEC20231231_2.txt"
    assert rows == [
        ("RAN", "C1", "opening", "adjustment", D("500.00"), "AA", 2, second),
        ("F1", "C1", "invoice", "invoice", D("1200.00"), "AB", 2, second),
        ("F2", "C2", "invoice", "invoice", D("300.00"), "AC", 2, second),
        ("AV1", "C2", "credit_note", "credit_note", D("-50.00"), "AC", 2, second),
        ("RG1", "C1", "payment", "payment", D("-500.00"), "AA", 2, second),
        ("RG2", "C1", "payment", "payment", D("-700.00"), "AB", 2, second),
        ("OD1", "411000", "adjustment", "adjustment", D("10.00"), None, 2, second),
        ("RG3", "C2", "payment", "payment", D("-250.00"), "AC", 1, second),
    ]


def test_due_dates_from_the_due_date_column_else_the_master_terms_else_the_default(built):
    rows = query(built, """
        select document_number, due_date::varchar, due_date_source from staging.stg_ledger__entries
        where company_code = '123456789' and amount > 0 order by document_number""")
    assert rows == [
        ("F1", "2023-02-28", "export"),           # DateEcheance wins over C1's 45 days
        ("F2", "2023-03-16", "customer_terms"),   # 15 Jan + 60 days (customer master)
        ("OD1", "2023-03-17", "default_terms"),   # 15 Feb + 30 days (account 411000 is in no master)
        ("RAN", "2023-02-15", "customer_terms"),  # opening item: its piece date 1 Jan + 45 days
    ]


def test_bad_fec_line_is_quarantined_with_its_folder_file_line_and_reason(built):
    rows = query(built, """
        select source_name, source_file, source_row_number, column_name, raw_value, reason
        from staging.stg_landing__quarantined_rows order by source_file, source_row_number""")
    assert [r[:5] for r in rows] == [
        ("fec", "123456789FEC20231231.txt", 10, "posting_date", "20230230"),
        ("fec", "123456789FEC20231231_2.txt", 4, "posting_date", "20230230"),
    ]
    assert all(r[5].startswith("not a valid date") for r in rows)
    files = query(built, """
        select source_file, landed_lines, receivable_lines, out_of_scope_lines, staged_lines, quarantined_lines,
               customer_count, receivable_balance
        from intermediate.int_fec__files order by source_file""")
    assert files == [
        ("123456789FEC20231231.txt", 10, 8, 2, 7, 1, 3, D("760.00")),
        ("123456789FEC20231231_2.txt", 11, 9, 2, 8, 1, 3, D("510.00")),
    ]


def test_aged_balance_lettering_and_the_csv_company_side_by_side(built):
    rows = query(built, """
        select company_code, customer_code, balance, unapplied from marts.fct_ar_aged_balance_weekly
        where is_latest and balance <> 0 order by company_code, customer_code""")
    # C1: 500 - 500 (AA closed) + 1,200 - 700 (AB: 500 left on F1); C2: AC balanced, closed
    assert rows == [
        ("123456789", "411000", D("10.00"), D("0.00")),
        ("123456789", "C1", D("500.00"), D("0.00")),
        ("FR01", "K1", D("99.00"), D("0.00")),
    ]
    open_items = query(built, """
        select document_number, open_amount from marts.fct_ar_open_items_weekly
        where is_latest and company_code = '123456789' order by document_number""")
    assert open_items == [("F1", D("500.00")), ("OD1", D("10.00"))]
