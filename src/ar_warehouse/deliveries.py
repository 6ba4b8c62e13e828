"""Replay history as weekly deliveries: the landing folder as it stood on a given date.

`landing_as_of(source, target, as_of)` writes into `target` what the exports would have held
on `as_of`: ledger lines posted on or before it, with their lettering blanked while it is
still in the future (lettering an old invoice arrives in a later delivery, as it does in the
books), and the dunning extracts taken on or before it. Customer files are copied as they are.

Used by the incremental test (a sequence of weekly runs must give exactly the marts of a full
rebuild) and by the benchmark (the weekly run: one more week of exports). It reads the
generator's comma dialect (ISO dates); other dialects are refused with the file's name.
"""
from __future__ import annotations

import csv
import re
import shutil
from datetime import date
from pathlib import Path

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATED_FILE = re.compile(r"_(\d{4}-\d{2}-\d{2})\.csv$", re.I)


class DeliveryError(ValueError):
    pass


def _column(header: list[str], name: str, path: Path, required: bool = True) -> int | None:
    names = [h.strip().lower() for h in header]
    if name in names:
        return names.index(name)
    if required:
        raise DeliveryError(f"{path}: no column {name!r} in the header")
    return None


def _day(value: str, path: Path, row: int, column: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    if not _ISO.match(value):
        raise DeliveryError(f"{path}, row {row}, column {column}: {value!r} is not a YYYY-MM-DD date")
    return date.fromisoformat(value)


def _cut_ledger(path: Path, out: Path, as_of: date) -> int:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    posting = _column(header, "posting_date", path)
    code = _column(header, "lettering_code", path, required=False)
    lettered = _column(header, "lettering_date", path, required=False)
    kept = []
    for number, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if _day(row[posting], path, number, "posting_date") > as_of:
            continue
        if lettered is not None:
            when = _day(row[lettered], path, number, "lettering_date")
            if when is not None and when > as_of:
                row = list(row)
                row[lettered] = ""
                if code is not None:
                    row[code] = ""
        kept.append(row)
    if kept:
        with out.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([header, *kept])
    return len(kept)


def _extract_date(path: Path) -> date | None:
    named = _DATED_FILE.search(path.name)
    if named:
        return date.fromisoformat(named.group(1))
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        column = _column(header, "extracted_at", path)
        first = next(reader, None)
    return _day(first[column], path, 2, "extracted_at") if first else None


def landing_as_of(source: Path, target: Path, as_of: date) -> dict[str, int]:
    """Write the landing folder as delivered on `as_of`; returns counts per folder."""
    if target.exists():
        shutil.rmtree(target)
    counts = {"ledger_lines": 0, "dunning_files": 0, "customer_files": 0}
    for folder in ("ledger", "dunning", "customers"):
        (target / folder).mkdir(parents=True)
    for path in sorted((source / "ledger").glob("*.csv")):
        counts["ledger_lines"] += _cut_ledger(path, target / "ledger" / path.name, as_of)
    for path in sorted((source / "dunning").glob("*.csv")):
        taken = _extract_date(path)
        if taken is not None and taken <= as_of:
            shutil.copy2(path, target / "dunning" / path.name)
            counts["dunning_files"] += 1
    for path in sorted((source / "customers").glob("*.csv")):
        shutil.copy2(path, target / "customers" / path.name)
        counts["customer_files"] += 1
    return counts
