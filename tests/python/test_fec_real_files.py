"""Real FEC exports, landed together by `make build` from a folder with only fec/.

Two sets of the same four files (four layouts: BOM + tab, tab with extra columns, pipe with fixed-width
padding, CRLF), each set landed into its own warehouse:
  - `vendored`: the cuts of tests/fixtures/fec (whole entries, byte-exact; see its README), always;
  - `full`: the complete files, read in place from ../shared/real-data/fec when that folder is beside
    the project; when it is absent these cases are skipped with the reason (`pytest -ra` lists it).
The landing folder holds symlinks to the files. What the warehouse says is checked against an
independent reading of each file here (its own split, its own decimal parsing):
  - every line lands, and every line on a receivable account (411...) is staged or quarantined;
  - each customer's balance as of the file's last posting date is the sum of Debit - Credit of its
    receivable lines in the file, to the cent (the opening entries included);
  - a lettering group that balances in the file has no open item left.
The four files have different SIRENs in their names, so they are four companies of one warehouse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SHARED, query
from test_end_to_end import make_build

LEGAL_NAME = re.compile(r"^(\w+?)FEC(\d{8})", re.IGNORECASE)
VENDORED = Path(__file__).resolve().parents[1] / "fixtures" / "fec"
# optional extra data: the complete files, when a copy of them is beside the project
FULL = SHARED / "real-data" / "fec"
SOURCES = {"vendored": VENDORED, "full": FULL}
RECEIVABLE_PREFIX = "411"


def fec_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if LEGAL_NAME.match(p.name)) if folder.is_dir() else []


# the vendored cuts are part of the repository: never skipped
FILES = fec_files(VENDORED)


@pytest.fixture(scope="module", params=list(SOURCES))
def source(request) -> Path:
    folder = SOURCES[request.param]
    if not fec_files(folder):
        pytest.skip(f"OPTIONAL DATA ABSENT: no full real FEC files in {folder}; "
                    f"only the vendored cuts of {VENDORED} are checked")
    return folder


def test_the_four_real_files_are_there(source):
    assert fec_files(source) == FILES, f"expected the four real FEC files {FILES} in {source}"


def test_the_vendored_cuts_are_byte_exact_lines_of_the_full_files():
    if not fec_files(FULL):
        pytest.skip(f"OPTIONAL DATA ABSENT: {FULL} is not there to compare the vendored cuts with")
    for name in FILES:
        full = iter(re.split(rb"(?<=\n)", (FULL / name).read_bytes()))
        cut = [line for line in re.split(rb"(?<=\n)", (VENDORED / name).read_bytes()) if line]
        assert all(any(line == other for other in full) for line in cut), name


def read_fec(path: Path) -> list[dict[str, str]]:
    """The file's lines as dicts of trimmed values, keyed by lower-case FEC column name."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    lines = [line for line in re.split(r"\r*\n", text) if line.strip()]
    delimiter = "|" if lines[0].count("|") > lines[0].count("\t") else "\t"
    header = [h.strip().lower() for h in lines[0].split(delimiter)]
    return [dict(zip(header, (v.strip() for v in line.split(delimiter)))) for line in lines[1:]]


def amount(line: dict[str, str]) -> Decimal:
    def number(text: str) -> Decimal:
        return Decimal(text.replace(",", ".")) if text else Decimal(0)
    return number(line["debit"]) - number(line["credit"])


def customer(line: dict[str, str]) -> str:
    return line["compauxnum"] or line["comptenum"]


class Fec:
    """What one file says, read independently of the warehouse."""

    def __init__(self, folder: Path, name: str):
        self.name = name
        self.company = LEGAL_NAME.match(name).group(1)
        self.lines = read_fec(folder / name)
        self.receivable = [line for line in self.lines if line["comptenum"].startswith(RECEIVABLE_PREFIX)]
        self.last_posting_date = max(line["ecrituredate"] for line in self.lines)
        balances: dict[str, Decimal] = defaultdict(Decimal)
        groups: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for line in self.receivable:
            balances[customer(line)] += amount(line)
            if line["ecriturelet"]:
                groups[(customer(line), line["ecriturelet"])] += amount(line)
        self.balances = {c: b for c, b in balances.items() if b != 0}
        self.balanced_groups = sorted(g for g, total in groups.items() if total == 0)


# one warehouse per source: pytest orders the (source, file) parameters of the module's two
# parametrised fixtures as it likes and would set `built` up again at each change of source
_BUILT: dict[Path, Path] = {}


@pytest.fixture(scope="module")
def built(tmp_path_factory, source):
    if source in _BUILT:
        return _BUILT[source]
    root = tmp_path_factory.mktemp("real_fec")
    folder = root / "landing" / "fec"
    folder.mkdir(parents=True)
    for name in FILES:
        (folder / name).symlink_to(source / name)
    warehouse = root / "ar.duckdb"
    result = make_build(root / "landing", warehouse)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    _BUILT[source] = warehouse
    return warehouse


@pytest.fixture(scope="module", params=FILES)
def fec(request, source) -> Fec:
    return Fec(source, request.param)


def test_every_line_lands_and_every_receivable_line_is_staged_or_quarantined(built, fec):
    landed, = query(built, "select count(*) from landing.fec_lines where source_file = ?", [fec.name])[0]
    assert landed == len(fec.lines)
    receivable, unreadable, out_of_scope, staged, quarantined = query(built, """
        select receivable_lines, unreadable_lines, out_of_scope_lines, staged_lines, quarantined_lines
        from intermediate.int_fec__files where source_file = ?""", [fec.name])[0]
    assert receivable == len(fec.receivable)
    assert out_of_scope == len(fec.lines) - len(fec.receivable)
    assert staged + quarantined == receivable + unreadable
    # these files are clean: nothing to quarantine, so every receivable line is in the books
    assert query(built, "select column_name, reason from staging.stg_landing__quarantined_rows "
                        "where source_file = ?", [fec.name]) == []
    assert (unreadable, quarantined) == (0, 0)
    entries, = query(built, "select count(*) from staging.stg_ledger__entries where source_file = ?", [fec.name])[0]
    assert entries == len(fec.receivable), "no line may collapse into another one (entry_id unique per line)"


def test_each_customer_balance_ties_to_the_file_to_the_cent(built, fec):
    as_of, = query(built, "select as_of_date::varchar from intermediate.int_calendar__as_of")[0]
    last = f"{fec.last_posting_date[:4]}-{fec.last_posting_date[4:6]}-{fec.last_posting_date[6:]}"
    # the first snapshot on or after the file's last posting date (the latest one when the file's last
    # postings, off receivable accounts, are after the warehouse's as-of date)
    snapshot, = query(built, "select min(snapshot_date)::varchar from intermediate.int_calendar__snapshot_dates "
                             "where snapshot_date >= least(?::date, ?::date)", [last, as_of])[0]
    for label, where in (("at the file's last posting date", f"snapshot_date = '{snapshot}'"),
                         ("latest", "is_latest")):
        rows = query(built, f"select customer_code, balance from marts.fct_ar_aged_balance_weekly "
                            f"where company_code = ? and {where} and balance <> 0", [fec.company])
        assert dict(rows) == fec.balances, label


def test_balanced_lettering_groups_are_closed(built, fec):
    still_open = query(built, """
        select distinct customer_code, lettering_code from marts.fct_ar_open_items_weekly
        where company_code = ? and is_latest and lettering_code is not null""", [fec.company])
    assert set(still_open) & set(fec.balanced_groups) == set()
    lettered, = query(built, "select lettered_lines from intermediate.int_fec__files where source_file = ?",
                      [fec.name])[0]
    assert lettered == sum(1 for line in fec.receivable if line["ecriturelet"])


def test_the_warehouse_is_complete_from_fec_files_alone(built, source):
    companies = {Fec(source, name).company for name in FILES}
    for mart in ("fct_ar_aged_balance_weekly", "fct_ar_outstanding_weekly", "fct_ar_open_items_weekly",
                 "fct_ar_kpis_monthly", "dim_customers"):
        found = {r[0] for r in query(built, f"select distinct company_code from marts.{mart}")}
        assert found == companies, mart
    # sales and payments are told apart by journal and side: there is something in each
    invoices, payments = query(built, """
        select sum(invoices_issued), sum(payments_received) from marts.fct_ar_cash_receipts_weekly""")[0]
    assert invoices > 0 and payments > 0
