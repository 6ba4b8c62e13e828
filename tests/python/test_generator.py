"""Tests of the synthetic landing generator.

The generated files are read back with the ``csv`` module, detecting each
file's dialect the way the landing contract describes it (encoding from the
BOM / UTF-8 validity, delimiter from the header line, decimal comma with
``;`` and tab), and the accounting invariants are checked on what was read.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ar_warehouse.devtools.generator import GenerationStats, generate_landing, main

SMALL = dict(customers=45, start=date(2025, 1, 1), end=date(2025, 9, 30))
DATE_RE = {
    "comma": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "semicolon": re.compile(r"^\d{2}/\d{2}/\d{4}$"),
    "tab": re.compile(r"^\d{8}$"),
}
AMOUNT_RE = {
    "comma": re.compile(r"^-?\d+\.\d{2}$"),
    "semicolon": re.compile(r"^-?\d+,\d{2}$"),
    "tab": re.compile(r"^-?\d+,\d{2}$"),
}
DATE_COLUMNS = {
    "ledger": ("posting_date", "document_date", "due_date", "lettering_date"),
    "dunning": ("extracted_at", "promised_date", "last_action_date"),
    "customers": (),
}
AMOUNT_COLUMNS = {
    "ledger": ("debit", "credit", "amount_currency"),
    "dunning": ("promised_amount",),
    "customers": ("credit_limit", "insured_limit"),
}


# --------------------------------------------------------------------------
# A small reader that detects the dialect of each file
# --------------------------------------------------------------------------


class Landed:
    def __init__(self, path: Path):
        raw = path.read_bytes()
        self.path = path
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        if self.bom:
            text, self.encoding = raw[3:].decode("utf-8"), "utf-8"
        else:
            try:
                text, self.encoding = raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, self.encoding = raw.decode("cp1252"), "cp1252"
        self.crlf = b"\r\n" in raw
        first = text.split("\n", 1)[0]
        self.delimiter = "\t" if "\t" in first else (";" if ";" in first else ",")
        self.dialect = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        self.decimal = "." if self.delimiter == "," else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter))
        self.raw_header = rows[0]
        self.header = [h.strip().lower() for h in rows[0]]
        self.rows = [dict(zip(self.header, r)) for r in rows[1:]]
        for r in rows[1:]:
            assert len(r) == len(self.header), f"{path.name}: ragged row {r}"

    def date(self, value: str) -> date | None:
        v = value.strip()
        if not v:
            return None
        fmt = {"comma": "%Y-%m-%d", "semicolon": "%d/%m/%Y", "tab": "%Y%m%d"}[self.dialect]
        return datetime.strptime(v, fmt).date()

    def amount(self, value: str) -> Decimal:
        v = value.strip()
        return Decimal(v.replace(",", ".")) if v else Decimal(0)


def load(root: Path, folder: str) -> list[Landed]:
    return [Landed(p) for p in sorted((root / folder).glob("*.csv"))]


def ledger_latest(root: Path) -> dict[tuple[str, str], dict]:
    """Ledger lines after re-delivery: the file latest in name order wins."""
    out: dict[tuple[str, str], dict] = {}
    for f in load(root, "ledger"):
        for r in f.rows:
            comp = r.get("company_code", "").strip() or "FR01"
            out[(comp, r["entry_id"])] = dict(
                company=comp,
                customer=r["customer_code"],
                document=r["document_number"],
                type=r["document_type"],
                posting=f.date(r["posting_date"]),
                due=f.date(r["due_date"]),
                amount=f.amount(r["debit"]) - f.amount(r["credit"]),
                debit=f.amount(r["debit"]),
                credit=f.amount(r["credit"]),
                code=r.get("lettering_code", "").strip(),
                lettered=f.date(r.get("lettering_date", "")),
                file=f.path.name,
            )
    return out


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationStats]:
    root = tmp_path_factory.mktemp("mixed")
    stats = generate_landing(root, seed=7, customers=70, start=date(2025, 1, 1),
                             end=date(2025, 12, 31))
    return root, stats


# --------------------------------------------------------------------------
# Determinism and dialects
# --------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate_landing(a, seed=11, **SMALL)
    generate_landing(b, seed=11, **SMALL)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.csv"))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*.csv"))
    assert files_a == files_b and len(files_a) > 10
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    c = tmp_path / "c"
    generate_landing(c, seed=12, **SMALL)
    assert any((a / rel).read_bytes() != (c / rel).read_bytes()
               for rel in files_a if (c / rel).exists())


@pytest.mark.parametrize("dialect", ["comma", "semicolon", "tab"])
def test_forced_dialect(tmp_path: Path, dialect: str) -> None:
    generate_landing(tmp_path, seed=3, dialects=dialect, **SMALL)
    saw_non_ascii = False
    for folder in ("ledger", "dunning", "customers"):
        for f in load(tmp_path, folder):
            raw = f.path.read_bytes()
            assert f.dialect == dialect, f.path.name
            if dialect == "comma":
                assert not f.bom and f.encoding == "utf-8"
            elif dialect == "semicolon":
                assert not f.bom and not raw.startswith(b"\xef\xbb\xbf")
                raw.decode("cp1252")  # every byte is Windows-1252
                if any(b >= 0x80 for b in raw):
                    saw_non_ascii = True
                    with pytest.raises(UnicodeDecodeError):
                        raw.decode("utf-8")
            else:
                assert f.bom and f.encoding == "utf-8"
            for row in f.rows:
                for col in DATE_COLUMNS[folder]:
                    v = row.get(col, "").strip()
                    assert not v or DATE_RE[dialect].match(v), (f.path.name, col, v)
                for col in AMOUNT_COLUMNS[folder]:
                    v = row.get(col, "").strip()
                    assert not v or AMOUNT_RE[dialect].match(v), (f.path.name, col, v)
    if dialect == "semicolon":
        assert saw_non_ascii  # accents really are encoded as cp1252


def test_mixed_uses_all_dialects_and_header_variants(mixed) -> None:
    root, _ = mixed
    seen = defaultdict(set)
    crlf = set()
    for folder in ("ledger", "dunning"):
        for f in load(root, folder):
            seen[folder].add(f.dialect)
            crlf.add(f.crlf)
            assert "customer_code" in f.header and "document_number" in f.header
    assert seen["ledger"] == seen["dunning"] == {"comma", "semicolon", "tab"}
    assert crlf == {True, False}
    headers = {h for f in load(root, "ledger") for h in f.raw_header}
    assert any(h != h.strip() for h in headers)  # spaces around names
    assert any(h.isupper() for h in headers)  # DEBIT
    orders = {tuple(f.header) for f in load(root, "ledger")}
    assert len(orders) > 3  # shuffled column order
    dunning = load(root, "dunning")
    with_col = [f for f in dunning if "extracted_at" in f.header]
    assert 0 < len(with_col) < len(dunning)


# --------------------------------------------------------------------------
# Accounting invariants, read back from the files
# --------------------------------------------------------------------------


def test_ledger_lines(mixed) -> None:
    root, stats = mixed
    end = date(2025, 12, 31)
    files = load(root, "ledger")
    ids: dict[str, set[str]] = defaultdict(set)
    n_original = 0
    types = set()
    for f in files:
        for r in f.rows:
            d, c = f.amount(r["debit"]), f.amount(r["credit"])
            assert d >= 0 and c >= 0 and not (d and c), (f.path.name, r["entry_id"])
            assert d or c
            assert f.date(r["posting_date"]) <= end
            let = f.date(r.get("lettering_date", ""))
            assert let is None or let <= end
            assert bool(r.get("lettering_code", "").strip()) == (let is not None)
            types.add(r["document_type"])
            if "redelivery" in f.path.name:
                continue
            n_original += 1
            comp = r.get("company_code", "").strip() or "FR01"
            assert r["entry_id"] not in ids[comp], r["entry_id"]
            ids[comp].add(r["entry_id"])
    assert n_original == stats.ledger_lines
    assert {"FR01", "FR02"} <= set(ids)
    assert any(t.lower() != t and t.upper() != t for t in types)  # "Fac"-like spellings
    assert any("redelivery" in f.path.name for f in files)
    assert any("company_code" not in f.header for f in files)


def test_redelivery_replaces_lines(mixed) -> None:
    root, _ = mixed
    files = load(root, "ledger")
    for red in (f for f in files if "redelivery" in f.path.name):
        orig = next(f for f in files if f.path.name == red.path.name.replace("_redelivery", ""))
        assert red.path.name > orig.path.name
        o = {r["entry_id"]: r for r in orig.rows}
        rr = {r["entry_id"]: r for r in red.rows}
        assert set(o) == set(rr)
        changed_amounts = sum(orig.amount(o[k]["debit"]) != red.amount(rr[k]["debit"]) for k in o)
        changed_refs = sum(o[k]["reference"] != rr[k]["reference"] for k in o)
        assert 1 <= changed_amounts <= 2 and changed_refs >= 1


def test_lettering_groups_balance(mixed) -> None:
    root, _ = mixed
    lines = ledger_latest(root)
    groups: dict[tuple, list] = defaultdict(list)
    for ln in lines.values():
        if ln["code"]:
            groups[(ln["company"], ln["customer"], ln["code"])].append(ln)
    assert len(groups) > 200
    balanced = sum(sum(x["amount"] for x in g) == 0 for g in groups.values())
    assert balanced / len(groups) >= 0.95
    assert balanced < len(groups)  # a few deliberate unbalanced ones
    for g in groups.values():
        assert len({x["lettered"] for x in g}) == 1  # one lettering per group
        assert max(x["posting"] for x in g) <= g[0]["lettered"]
        assert any(x["amount"] > 0 for x in g) and any(x["amount"] < 0 for x in g)
    # payments left unlettered at the export date exist, most are lettered
    pays = [x for x in lines.values() if x["type"].upper() in {"RG", "REG", "PAY", "PAYMENT"}]
    unlettered = sum(not x["code"] for x in pays)
    assert 0 < unlettered < 0.15 * len(pays)
    # some invoices have an empty due date, credits never have one
    assert any(x["due"] is None and x["amount"] > 0 for x in lines.values())
    assert all(x["due"] is None for x in lines.values() if x["amount"] < 0)


def test_dunning_consistent_with_ledger(mixed) -> None:
    root, stats = mixed
    lines = ledger_latest(root)
    docs: dict[tuple[str, str, str], list] = defaultdict(list)
    for ln in lines.values():
        docs[(ln["company"], ln["customer"], ln["document"])].append(ln)
    statuses, causes = set(), set()
    n = 0
    for f in load(root, "dunning"):
        m = re.search(r"_(\d{4}-\d{2}-\d{2})\.csv$", f.path.name)
        assert m, f.path.name
        extract = date.fromisoformat(m.group(1))
        assert extract.weekday() == 0
        for r in f.rows:
            n += 1
            if "extracted_at" in f.header:
                assert f.date(r["extracted_at"]) == extract
            key = (r["company_code"].strip(), r["customer_code"], r["document_number"])
            items = docs.get(key)
            assert items, key
            inv = [x for x in items if x["amount"] > 0]
            assert inv and min(x["posting"] for x in inv) <= extract, (key, extract)
            # not lettered yet as of the extract
            assert all(x["lettered"] is None or x["lettered"] > extract for x in inv)
            act = f.date(r.get("last_action_date", ""))
            assert act is None or act <= extract
            statuses.add(r["dunning_status"].strip().lower())
            causes.add(r["blocking_cause"].strip().lower())
    assert n == stats.dunning_rows
    assert {"payment_received", "paiement reçu"} & statuses
    assert {"dispute", "litige"} & causes
    assert {"payment_promised", "paiement promis"} & statuses


def test_customer_master(mixed) -> None:
    root, stats = mixed
    files = {f.path.name: f for f in load(root, "customers")}
    main_file = files["customers.csv"]
    assert "company_code" not in main_file.header
    assert len(main_file.rows) == stats.customers
    codes = [r["customer_code"] for r in main_file.rows]
    assert len(set(codes)) == len(codes) and all(re.match(r"^C\d{5,}$", c) for c in codes)
    for r in main_file.rows:
        limit = main_file.amount(r["credit_limit"])
        insured = r["insured_limit"].strip()
        assert not insured or main_file.amount(insured) <= limit
        assert r["payment_terms_days"] in {"30", "45", "60"}
    overrides = [f for name, f in files.items() if name != "customers.csv"]
    assert overrides and all(r["company_code"] == "FR02" for r in overrides[0].rows)
    ledger_customers = {x["customer"] for x in ledger_latest(root).values()}
    assert ledger_customers <= set(codes)


def test_target_lines(tmp_path: Path) -> None:
    stats = generate_landing(tmp_path, seed=5, target_lines=8000, start=date(2025, 1, 1),
                             end=date(2025, 12, 31))
    assert abs(stats.ledger_lines - 8000) <= 800
    assert stats.seconds >= 0


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["--out", str(tmp_path), "--customers", "20", "--start", "2025-01-01",
               "--end", "2025-04-30", "--dialects", "tab"])
    assert rc == 0
    assert "ledger:" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["customers", "dunning", "ledger"]
