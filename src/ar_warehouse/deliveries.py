"""Replay history as weekly deliveries: the landing folder as it stood on a given date.

`landing_as_of(source, target, as_of)` writes into `target` what the exports would have held
on `as_of`: ledger lines posted on or before it, with their lettering blanked while it is
still in the future (lettering an old invoice arrives in a later delivery, as it does in the
books), and the dunning extracts taken on or before it. Customer files are copied as they are.

Used by the incremental test (a sequence of weekly runs must give exactly the marts of a full
rebuild) and by the benchmark (the weekly run: one more week of exports). Files are read as
landing reads them (landing.py: the same file listing, header sniffing, column aliases and
extract date from the file name); dates must be ISO (the generator's comma dialect), other
date formats are refused with the file's name.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import date
from pathlib import Path

from .landing import CUSTOMERS, DUNNING, LEDGER, LandedFile, LandingError, list_files, sniff_file

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DeliveryError(ValueError):
    pass


def _sniff(spec, path: Path) -> LandedFile:
    try:
        return sniff_file(spec, path)
    except LandingError as exc:
        raise DeliveryError(str(exc)) from exc


def _rows(landed: LandedFile) -> list[list[str]]:
    text = landed.text if landed.text is not None else landed.path.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=landed.delimiter))


def _day(value: str, path: Path, row: int, column: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    if not _ISO.match(value):
        raise DeliveryError(f"{path}, row {row}, column {column}: {value!r} is not a YYYY-MM-DD date")
    return date.fromisoformat(value)


def _cut_ledger(path: Path, out: Path, as_of: date) -> int:
    landed = _sniff(LEDGER, path)
    rows = _rows(landed)
    header, body = rows[0], rows[1:]
    positions = landed.column_positions
    posting, code, lettered = positions["posting_date"], positions.get("lettering_code"), positions.get(
        "lettering_date")
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
            csv.writer(fh, delimiter=landed.delimiter).writerows([header, *kept])
    return len(kept)


def _extract_date(path: Path) -> date | None:
    """The extract's date: from its name (`*_YYYY-MM-DD.csv`), else its first row's extracted_at."""
    landed = _sniff(DUNNING, path)
    if landed.file_name_date:
        return date.fromisoformat(landed.file_name_date)
    rows = _rows(landed)
    return _day(rows[1][landed.column_positions["extracted_at"]], path, 2, "extracted_at") if len(rows) > 1 else None


def landing_as_of(source: Path, target: Path, as_of: date) -> dict[str, int]:
    """Write the landing folder as delivered on `as_of`; returns counts per folder."""
    if target.exists():
        shutil.rmtree(target)
    counts = {"ledger_lines": 0, "dunning_files": 0, "customer_files": 0}
    for spec in (LEDGER, DUNNING, CUSTOMERS):
        (target / spec.folder).mkdir(parents=True)
    for path in list_files(source, LEDGER):
        counts["ledger_lines"] += _cut_ledger(path, target / LEDGER.folder / path.name, as_of)
    for path in list_files(source, DUNNING):
        taken = _extract_date(path)
        if taken is not None and taken <= as_of:
            shutil.copy2(path, target / DUNNING.folder / path.name)
            counts["dunning_files"] += 1
    for path in list_files(source, CUSTOMERS):
        shutil.copy2(path, target / CUSTOMERS.folder / path.name)
        counts["customer_files"] += 1
    return counts
