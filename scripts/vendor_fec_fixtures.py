#!/usr/bin/env python3
"""Cut the small real-FEC fixtures of tests/fixtures/fec/ out of full FEC files (a development tool).

usage: scripts/vendor_fec_fixtures.py SOURCE_DIR [--out tests/fixtures/fec] [--max-lines 400]

For each `<SIREN>FEC<YYYYMMDD>` file of SOURCE_DIR, keeps the header and a set of whole entries,
byte for byte (BOM, delimiter, padding, line ends and encoding untouched), in the file's order:
customers (the auxiliary account of a receivable line, else its account) are taken from the
fewest lines up while the cut stays under --max-lines; every entry with a receivable line of a kept
customer is kept whole, and a customer met in a kept entry is kept with all its entries, so each
kept customer's balance and lettering groups are those of the full file. An entry is
(JournalCode, EcritureNum); a file that numbers every line of a journal alike (EcritureNum = 0)
has its entries taken as (JournalCode, EcritureNum, EcritureDate, PieceRef).
"""
from __future__ import annotations

import argparse
import re
import shutil
from collections import defaultdict
from pathlib import Path

LEGAL_NAME = re.compile(r"^(\w+?)FEC(\d{8})", re.IGNORECASE)
RECEIVABLE_PREFIX = "411"


def raw_lines(data: bytes) -> list[bytes]:
    """The file's lines with their own terminators (the last one may have none)."""
    return [piece for piece in re.split(rb"(?<=\n)", data) if piece]


def decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252")


def parse(lines: list[bytes]) -> tuple[list[str], list[dict[str, str] | None]]:
    header_text = decode(lines[0].removeprefix(b"\xef\xbb\xbf")).rstrip("\r\n")
    delimiter = "|" if header_text.count("|") > header_text.count("\t") else "\t"
    header = [h.strip().lower() for h in header_text.split(delimiter)]
    rows = []
    for line in lines[1:]:
        text = decode(line).rstrip("\r\n")
        rows.append(dict(zip(header, (v.strip() for v in text.split(delimiter)))) if text.strip() else None)
    return header, rows


def cut(rows: list[dict[str, str] | None], max_lines: int) -> set[int]:
    """Indexes of the rows kept: whole entries of a closed set of customers."""
    by_number = defaultdict(set)
    for i, row in enumerate(rows):
        if row:
            by_number[(row["journalcode"], row["ecriturenum"])].add(i)
    # EcritureNum 0 on a whole journal: entries are told apart by date and piece
    numbered = max(len(v) for v in by_number.values()) <= 300

    def entry(row: dict[str, str]) -> tuple:
        base = (row["journalcode"], row["ecriturenum"])
        return base if numbered else base + (row["ecrituredate"], row["pieceref"])

    entries, customer_entries = defaultdict(set), defaultdict(set)
    entry_customers = defaultdict(set)
    for i, row in enumerate(rows):
        if not row:
            continue
        entries[entry(row)].add(i)
        if row["comptenum"].startswith(RECEIVABLE_PREFIX):
            customer = row["compauxnum"] or row["comptenum"]
            customer_entries[customer].add(entry(row))
            entry_customers[entry(row)].add(customer)

    def closure(customers: set[str]) -> tuple[set[str], set[tuple]]:
        customers, kept, todo = set(customers), set(), list(customers)
        while todo:
            for key in customer_entries[todo.pop()] - kept:
                kept.add(key)
                for other in entry_customers[key] - customers:
                    customers.add(other)
                    todo.append(other)
        return customers, kept

    chosen: set[str] = set()
    chosen_entries: set[tuple] = set()
    for customer in sorted(customer_entries, key=lambda c: (len(customer_entries[c]), c)):
        if customer in chosen:
            continue
        customers, kept = closure(chosen | {customer})
        if sum(len(entries[k]) for k in kept) > max_lines:
            continue
        chosen, chosen_entries = customers, kept
    return {i for key in chosen_entries for i in entries[key]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path)
    ap.add_argument("--out", type=Path, default=Path("tests/fixtures/fec"))
    ap.add_argument("--max-lines", type=int, default=400)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sorted(args.source.iterdir()):
        if not LEGAL_NAME.match(path.name):
            continue
        lines = raw_lines(path.read_bytes())
        _, rows = parse(lines)
        keep = cut(rows, args.max_lines)
        (args.out / path.name).write_bytes(lines[0] + b"".join(line for i, line in enumerate(lines[1:]) if i in keep))
        print(f"{path.name}: {len(keep)} of {len(rows)} lines")
    shutil.copyfile(args.source / "LICENSE", args.out / "LICENSE")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
