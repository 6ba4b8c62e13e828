"""Land exported files into raw, all-text tables, exactly as the landing contract says.

Every file of `<landing>/ledger`, `<landing>/dunning`, `<landing>/customers`
and `<landing>/fec` is read. The dialect is detected per file, never asked for:

* encoding: UTF-8 (with or without BOM) or Windows-1252. A file that is not
  valid UTF-8 but contains valid UTF-8 multi-byte sequences is UTF-8 with a
  few broken bytes: it is decoded with U+FFFD in their place and the rows that
  contain one are flagged (staging quarantines them);
* delimiter: `,`, `;`, tab or `|`, from the header line;
* header names: case-insensitive, surrounding spaces ignored, any order;
  unknown columns are ignored (and recorded in `landing.landed_files`).

`fec/` holds French legal ledger exports (FEC, article A47 A-1 of the LPF):
tab- or pipe-separated, no quoting (a `"` in a label is a character, not a
quote), the standard column names (`JournalCode`, `CompteNum`, ...) plus the
extra columns some software adds. The company and the fiscal year's closing
date come from the legal file name `<SIREN>FEC<YYYYMMDD>.txt`; mapping the
lines to ledger lines is the staging models' job (models/staging/fec/).

Typing (dates, decimals, codes) is NOT done here: it belongs to the staging
models, so that every bad value ends up in quarantine with its reason instead
of stopping the run. What stops the run here is a file that cannot be landed
at all: a missing required column, an empty file, a duplicated header. All of
them are checked before anything is written, and the message names the file
and the column.

Each landed row keeps its lineage: `source_file` (name inside its folder),
`source_row_number` (the spreadsheet row: the header is row 1, the first
record row 2; blank lines are not counted) and `loaded_at`.

A weekly build updates a copy of the published warehouse: a file that this same landing
code landed before (`landing.landed_files`: same name and size, and the same modification
time or else the same SHA-256) keeps its rows (and their `loaded_at`); the rows of changed
and vanished files are deleted and the changed and new files landed. Three years of weekly
dunning extracts are not parsed again every week for the one that is new.

Two parsers produce identical rows: DuckDB's CSV reader (fast path) and
Python's `csv` module (exact path), used when DuckDB refuses a file as
structurally broken (a row with too many or too few fields, an unterminated
quote). The exact path lands such rows with a `structure_error` so that staging
quarantines them with their row number.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

LANDING_SCHEMA = "landing"
# Rows landed by other landing code are landed again (a new alias, a fixed parser...)
LANDING_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
MAX_FIELD_BYTES = 128 * 1024 * 1024
REPLACEMENT_CHAR = "\ufffd"


@dataclass(frozen=True)
class SourceSpec:
    """What one landing folder must contain (docs/contract.md)."""

    name: str
    folder: str
    table: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    # groups of columns of which at least one must be present
    one_of: tuple[tuple[str, ...], ...] = ()
    # a required column that may instead come from the file name (`*_YYYY-MM-DD.csv`)
    file_name_date_column: str | None = None
    # other header names (normalised) accepted for a column
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # whether `"` quotes fields (CSV) or is an ordinary character (FEC)
    quoting: bool = True
    # the legal FEC file name gives the company (SIREN) and the closing date
    fec_file_name: bool = False

    def column_for(self, header_name: str) -> str | None:
        """The landing column a (normalised) header name feeds, if any."""
        if header_name in self.columns:
            return header_name
        for column, names in self.aliases:
            if header_name in names:
                return column
        return None


LEDGER = SourceSpec(
    name="ledger",
    folder="ledger",
    table="ledger_lines",
    columns=(
        "company_code", "entry_id", "customer_code", "customer_name", "document_number",
        "document_type", "posting_date", "document_date", "due_date", "debit", "credit",
        "currency", "amount_currency", "lettering_code", "lettering_date", "reference",
    ),
    required=("entry_id", "customer_code", "document_number", "document_type", "posting_date"),
    one_of=(("debit", "credit"),),
)

DUNNING = SourceSpec(
    name="dunning",
    folder="dunning",
    table="dunning_rows",
    columns=(
        "extracted_at", "company_code", "customer_code", "document_number", "dunning_status",
        "dunning_level", "blocking_cause", "collector", "promised_date", "promised_amount",
        "last_action_date", "last_action_type",
    ),
    required=("extracted_at", "customer_code", "document_number", "dunning_status"),
    file_name_date_column="extracted_at",
)

CUSTOMERS = SourceSpec(
    name="customers",
    folder="customers",
    table="customer_rows",
    columns=(
        "customer_code", "company_code", "customer_name", "customer_group", "segment", "country",
        "collector", "credit_limit", "insured_limit", "payment_terms_days", "registration_id",
    ),
    required=("customer_code",),
)

# The French legal ledger export: the 18 standard columns, the 4 extra ones of
# the cash-basis variant (DateRglt, ModeRglt, NatOp, IdClient), a due date and a
# company column when the software adds them. Required: what the mapping to
# ledger lines needs (models/staging/fec/); a file without CompAuxNum is still
# a FEC (the customer is then the account number).
FEC = SourceSpec(
    name="fec",
    folder="fec",
    table="fec_lines",
    columns=(
        "journalcode", "journallib", "ecriturenum", "ecrituredate", "comptenum", "comptelib",
        "compauxnum", "compauxlib", "pieceref", "piecedate", "ecriturelib", "debit", "credit",
        "ecriturelet", "datelet", "validdate", "montantdevise", "idevise",
        "daterglt", "moderglt", "natop", "idclient", "dateecheance", "company_code",
    ),
    required=("journalcode", "ecriturenum", "ecrituredate", "comptenum", "pieceref", "debit", "credit",
              "ecriturelet"),
    aliases=(
        ("dateecheance", ("date_echeance", "dateech", "echeance", "dateecheancereglement")),
        ("company_code", ("siren", "codesociete")),
    ),
    quoting=False,
    fec_file_name=True,
)

SOURCES: tuple[SourceSpec, ...] = (LEDGER, DUNNING, CUSTOMERS, FEC)

LINEAGE_COLUMNS = (
    ("source_file", "varchar"),
    ("source_row_number", "bigint"),
    ("file_name_date", "varchar"),
    ("encoding_error_column", "varchar"),
    ("structure_error", "varchar"),
    ("loaded_at", "timestamp"),
)
# FEC only: the company (SIREN) read from the legal file name
FEC_LINEAGE_COLUMNS = (("file_name_company_code", "varchar"),)

FILE_NAME_DATE = re.compile(r"_(\d{4}-\d{2}-\d{2})\.[^.]+$")
# `<SIREN>FEC<YYYYMMDD>.txt`: the company is what comes before FEC (nine digits
# by law, but any letters and digits are taken), the date is the closing date
# of the fiscal year; whatever follows it (` (1)`, `_v2`, the extension) is free
FEC_FILE_NAME = re.compile(r"^([0-9A-Za-z]+)FEC(\d{4})(\d{2})(\d{2})(?!\d)", re.IGNORECASE)
VALID_UTF8_MULTIBYTE = re.compile(
    rb"[\xC2-\xDF][\x80-\xBF]|[\xE0-\xEF][\x80-\xBF]{2}|[\xF0-\xF4][\x80-\xBF]{3}"
)
DELIMITERS = (";", "\t", ",", "|")


class LandingError(Exception):
    """A file that cannot be landed. The message names the file and the column."""


@dataclass
class LandedFile:
    source: str
    path: Path
    source_file: str
    size_bytes: int
    modified_at: datetime
    sha256: str
    encoding: str
    has_bom: bool
    delimiter: str
    decimal_separator: str
    header: list[str]
    column_positions: dict[str, int]
    ignored_columns: list[str]
    missing_optional_columns: list[str]
    file_name_date: str | None
    has_replacement_chars: bool
    file_name_company_code: str | None = None
    text: str | None = field(default=None, repr=False)  # decoded text when not plain UTF-8
    parser: str = ""
    row_count: int = 0
    kept: bool = False  # unchanged since the warehouse being updated landed it: its rows stay


@dataclass
class LandingReport:
    landing_dir: Path
    files: list[LandedFile]
    loaded_at: datetime

    def rows(self, source: str) -> int:
        return sum(f.row_count for f in self.files if f.source == source)

    def summary(self) -> str:
        parts = []
        for spec in SOURCES:
            n_files = sum(1 for f in self.files if f.source == spec.name)
            if spec is FEC and not n_files:
                continue
            parts.append(f"{spec.name}: {self.rows(spec.name)} rows from {n_files} files")
        kept = [f for f in self.files if f.kept]
        if kept:
            parts.append(f"{len(kept)} unchanged files kept as landed before "
                         f"({sum(f.row_count for f in kept)} rows)")
        return "; ".join(parts)


# --------------------------------------------------------------------------- sniffing


def _decode(data: bytes) -> tuple[str, str, bool]:
    """Return (text, encoding label, has_bom)."""
    has_bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if has_bom else data
    try:
        return body.decode("utf-8"), ("utf-8-sig" if has_bom else "utf-8"), has_bom
    except UnicodeDecodeError:
        pass
    valid = len(VALID_UTF8_MULTIBYTE.findall(body))
    high = sum(1 for b in body if b >= 0x80)
    invalid = high - sum(len(m) for m in VALID_UTF8_MULTIBYTE.findall(body))
    if has_bom or valid > invalid:
        # UTF-8 with a few broken bytes: keep the good text, flag the bad rows.
        return body.decode("utf-8", errors="replace"), "utf-8 (invalid bytes replaced)", has_bom
    return body.decode("cp1252", errors="replace"), "windows-1252", has_bom


def _split_header(first_line: str) -> tuple[str, list[str]]:
    counts = {}
    for delim in DELIMITERS:
        # count delimiters outside double quotes
        outside = re.sub(r'"[^"]*"', "", first_line)
        counts[delim] = outside.count(delim)
    delimiter = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    if counts[delimiter] == 0:
        delimiter = ","
    header = next(csv.reader([first_line], delimiter=delimiter, quotechar='"'), [])
    return delimiter, header


def normalise_header(name: str) -> str:
    return name.replace("\ufeff", "").strip().strip('"').strip().lower()


def _file_name_fields(spec: SourceSpec, name: str) -> tuple[str | None, str | None]:
    """(date, company) a file's name gives: `*_YYYY-MM-DD.csv`, or a FEC's legal name."""
    file_name_date = file_name_company_code = None
    if spec.file_name_date_column:
        m = FILE_NAME_DATE.search(name)
        file_name_date = m.group(1) if m else None
    if spec.fec_file_name:
        m = FEC_FILE_NAME.match(name)
        if m:
            file_name_company_code = m.group(1)
            file_name_date = f"{m.group(2)}-{m.group(3)}-{m.group(4)}"
    return file_name_date, file_name_company_code


def _modified_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(tzinfo=None, microsecond=0)


def sniff_file(spec: SourceSpec, path: Path) -> LandedFile:
    data = path.read_bytes()
    rel = path.name
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise LandingError(f"{spec.folder}/{rel}: the file is empty (no header line); expected columns "
                           f"{', '.join(spec.required)}")
    text, encoding, has_bom = _decode(data)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    delimiter, raw_header = _split_header(first_line)
    header = [normalise_header(h) for h in raw_header]

    problems = []
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        column = spec.column_for(name)
        if column is not None:
            if column in positions:
                twice = (f"'{name}'" if name == column
                         else f"'{column}' (as '{header[positions[column]]}' and '{name}')")
                problems.append(f"{spec.folder}/{rel}: column {twice} appears twice in the header")
            positions.setdefault(column, i)
    file_name_date, file_name_company_code = _file_name_fields(spec, rel)
    for col in spec.required:
        if col in positions:
            continue
        if col == spec.file_name_date_column and file_name_date:
            continue
        hint = " (or a date in the file name as *_YYYY-MM-DD.csv)" if col == spec.file_name_date_column else ""
        problems.append(f"{spec.folder}/{rel}: required column '{col}' is missing{hint}; "
                        f"header read with delimiter {delimiter!r}: {', '.join(header)}")
    for group in spec.one_of:
        if not any(c in positions for c in group):
            problems.append(f"{spec.folder}/{rel}: needs at least one of the columns "
                            f"{' / '.join(repr(c) for c in group)}; header: {', '.join(header)}")
    if problems:
        raise LandingError("\n".join(problems))

    plain_utf8 = encoding in ("utf-8", "utf-8-sig")
    return LandedFile(
        source=spec.name,
        path=path,
        source_file=rel,
        size_bytes=len(data),
        modified_at=_modified_at(path),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        has_bom=has_bom,
        delimiter=delimiter,
        decimal_separator="." if delimiter == "," else ",",
        header=header,
        column_positions=positions,
        ignored_columns=[h for h in header if spec.column_for(h) is None],
        missing_optional_columns=[c for c in spec.columns if c not in positions],
        file_name_date=file_name_date,
        has_replacement_chars=REPLACEMENT_CHAR in text,
        file_name_company_code=file_name_company_code,
        text=None if plain_utf8 else text,
    )


def list_files(landing_dir: Path, spec: SourceSpec) -> list[Path]:
    folder = landing_dir / spec.folder
    if not folder.is_dir():
        return []
    # byte order of names, as docs/definitions/00-conventions.md says text is compared
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: p.name.encode("utf-8"))


def sniff_landing(landing_dir: Path, previous: dict[tuple[str, str], tuple] | None = None) -> list[LandedFile]:
    """Check every file before anything is written: all problems in one message.

    `previous`: the files the warehouse being updated landed (`_previous_files`); one of them
    found unchanged is not read again but kept as it was landed.
    """
    if not landing_dir.is_dir():
        raise LandingError(f"landing folder {landing_dir} does not exist")
    sniffed, problems = [], []
    for spec in SOURCES:
        for path in list_files(landing_dir, spec):
            kept = _kept_file(spec, path, (previous or {}).get((spec.name, path.name)))
            if kept is not None:
                sniffed.append(kept)
                continue
            try:
                sniffed.append(sniff_file(spec, path))
            except LandingError as exc:
                problems.append(str(exc))
    problems += _fec_fiscal_year_problems(sniffed)
    if problems:
        raise LandingError("\n".join(problems))
    if not any(f.source in (LEDGER.name, FEC.name) for f in sniffed):
        raise LandingError(f"{landing_dir}: no ledger file found in {LEDGER.folder}/ nor a FEC file in "
                           f"{FEC.folder}/")
    return sniffed


def _fec_fiscal_year_problems(files: list[LandedFile]) -> list[str]:
    """Several fiscal years of one company would count the open items twice.

    A FEC's opening journal (à nouveaux) restates what was open at the end of
    the previous fiscal year: landing that year's FEC too would put every item
    open at the year end in the books twice. Two files of one company with the
    same closing date are re-exports of the same books (their lines are
    de-duplicated); two closing dates are refused.
    """
    closing_dates: dict[str, dict[str, list[str]]] = {}
    for f in files:
        if f.source == FEC.name and f.file_name_company_code and f.file_name_date:
            by_date = closing_dates.setdefault(f.file_name_company_code, {})
            by_date.setdefault(f.file_name_date, []).append(f.source_file)
    problems = []
    for company, by_date in sorted(closing_dates.items()):
        if len(by_date) > 1:
            names = ", ".join(name for date in sorted(by_date) for name in by_date[date])
            problems.append(
                f"{FEC.folder}/: company {company} has FEC files of several fiscal years ({names}); land only "
                f"the latest one: its opening entries (à nouveaux) already carry the items left open by the "
                f"earlier years, which would otherwise be counted twice")
    return problems


# --------------------------------------------------------------------------- updating


_LANDED_FILE_COLUMNS = ("source_name", "source_file", "size_bytes", "file_modified_at", "sha256", "encoding",
                        "has_bom", "delimiter", "decimal_separator", "header", "ignored_columns",
                        "missing_optional_columns", "parser", "row_count", "loaded_at", "landing_version")


def _previous_files(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple]:
    """(source, file name) -> its `landed_files` row, for the files this landing code landed."""
    try:
        rows = con.execute(f"select {', '.join(_LANDED_FILE_COLUMNS)} from {LANDING_SCHEMA}.landed_files"
                           ).fetchall()
    except duckdb.Error:  # no landing yet, or landed by a version without landing_version
        return {}
    if any(row[-1] != LANDING_VERSION for row in rows):
        return {}  # other landing code: everything is landed again
    return {(row[0], row[1]): row for row in rows}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 24):
            digest.update(block)
    return digest.hexdigest()


def _kept_file(spec: SourceSpec, path: Path, row: tuple | None) -> LandedFile | None:
    """The file as landed before, if it has not changed since.

    Unchanged: same size and modification time (what make and rsync trust), or, when only the
    time differs (a folder delivered anew), the same content (SHA-256).
    """
    if row is None:
        return None
    record = dict(zip(_LANDED_FILE_COLUMNS, row))
    if path.stat().st_size != record["size_bytes"]:
        return None
    modified_at = _modified_at(path)
    if modified_at != record["file_modified_at"] and _sha256(path) != record["sha256"]:
        return None
    file_name_date, file_name_company_code = _file_name_fields(spec, path.name)
    header = record["header"].split(", ") if record["header"] else []
    return LandedFile(
        source=spec.name, path=path, source_file=path.name, size_bytes=record["size_bytes"],
        modified_at=modified_at, sha256=record["sha256"], encoding=record["encoding"],
        has_bom=record["has_bom"], delimiter=record["delimiter"], decimal_separator=record["decimal_separator"],
        header=header, column_positions={}, ignored_columns=[], missing_optional_columns=[],
        file_name_date=file_name_date, has_replacement_chars=False,
        file_name_company_code=file_name_company_code, parser=record["parser"], row_count=record["row_count"],
        kept=True,
    )


def _forget_replaced_files(con: duckdb.DuckDBPyConnection, files: list[LandedFile],
                           previous: dict[tuple[str, str], tuple]) -> None:
    """Delete the rows of every previously landed file that is not kept (changed or gone).

    A kept file delivered again (same content, new modification time) gets its new time: the
    exports' freshness is read from it.
    """
    kept = {(f.source, f.source_file) for f in files if f.kept}
    delivered_again = [[f.modified_at, f.source, f.source_file] for f in files
                       if f.kept and f.modified_at != previous[(f.source, f.source_file)][3]]
    if delivered_again:
        con.executemany(f"update {LANDING_SCHEMA}.landed_files set file_modified_at = ? "
                        f"where source_name = ? and source_file = ?", delivered_again)
    for spec in SOURCES:
        gone = sorted(name for source, name in previous if source == spec.name and (source, name) not in kept)
        if gone:
            con.execute(f"delete from {LANDING_SCHEMA}.{spec.table} where source_file in ?", [gone])
            con.execute(f"delete from {LANDING_SCHEMA}.landed_files where source_name = ? and source_file in ?",
                        [spec.name, gone])


# --------------------------------------------------------------------------- loading


def _sql_str(value: str | None) -> str:
    if value is None:
        return "null"
    return "'" + value.replace("'", "''") + "'"


def create_landing_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {LANDING_SCHEMA}")
    for spec in SOURCES:
        lineage = LINEAGE_COLUMNS + (FEC_LINEAGE_COLUMNS if spec.fec_file_name else ())
        cols = [f"{c} varchar" for c in spec.columns] + [f"{n} {t}" for n, t in lineage]
        con.execute(f"create or replace table {LANDING_SCHEMA}.{spec.table} ({', '.join(cols)})")
    con.execute(f"""
        create or replace table {LANDING_SCHEMA}.landed_files (
            source_name varchar, source_file varchar, size_bytes bigint, file_modified_at timestamp,
            sha256 varchar,
            encoding varchar, has_bom boolean, delimiter varchar, decimal_separator varchar,
            header varchar, ignored_columns varchar, missing_optional_columns varchar,
            parser varchar, row_count bigint, loaded_at timestamp, landing_version varchar
        )""")


def _projection(spec: SourceSpec, f: LandedFile, names: list[str], loaded_at: datetime,
                row_number_sql: str, structure_error_sql: str) -> str:
    """Select list mapping the file's columns (named `names[i]`) to the raw table."""
    exprs = []
    for col in spec.columns:
        pos = f.column_positions.get(col)
        exprs.append(f'"{names[pos]}" as {col}' if pos is not None else f"null::varchar as {col}")
    if f.has_replacement_chars:
        whens = " ".join(
            f"when \"{names[pos]}\" like '%{REPLACEMENT_CHAR}%' then '{col}'"
            for col, pos in sorted(f.column_positions.items(), key=lambda kv: kv[1])
        )
        encoding_error = f"case {whens} end"
    else:
        encoding_error = "null::varchar"
    exprs += [
        f"{_sql_str(f.source_file)} as source_file",
        f"{row_number_sql} as source_row_number",
        f"{_sql_str(f.file_name_date)} as file_name_date",
        f"{encoding_error} as encoding_error_column",
        f"{structure_error_sql} as structure_error",
        f"'{loaded_at.isoformat(sep=' ')}'::timestamp as loaded_at",
    ]
    if spec.fec_file_name:
        exprs.append(f"{_sql_str(f.file_name_company_code)} as file_name_company_code")
    return ",\n    ".join(exprs)


def _load_fast(con: duckdb.DuckDBPyConnection, spec: SourceSpec, f: LandedFile, source_path: Path,
               loaded_at: datetime) -> int:
    names = [f"c{i}" for i in range(len(f.header))]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    quote = "'\"'" if spec.quoting else "''"
    con.execute(f"""
        create or replace temp table _landing_file as
        select * from read_csv({_sql_str(str(source_path))},
            header = false, skip = 1, auto_detect = false, columns = {columns},
            delim = {_sql_str(f.delimiter)}, quote = {quote}, escape = {quote},
            strict_mode = true, max_line_size = {MAX_FIELD_BYTES})""")
    select = _projection(spec, f, names, loaded_at, "rowid + 2", "null::varchar")
    con.execute(f"insert into {LANDING_SCHEMA}.{spec.table} select\n    {select}\nfrom _landing_file")
    n = con.execute("select count(*) from _landing_file").fetchone()[0]
    con.execute("drop table _landing_file")
    return n


def _load_exact(con: duckdb.DuckDBPyConnection, spec: SourceSpec, f: LandedFile, text: str,
                loaded_at: datetime) -> int:
    """Python csv parser: every record lands, a malformed one with its structure error."""
    width = len(f.header)
    if spec.quoting:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=f.delimiter, quotechar='"',
                            doublequote=True, strict=False)
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=f.delimiter, quoting=csv.QUOTE_NONE)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    row_numbers: list[int] = []
    errors: list[str | None] = []
    row_number = 1
    next(reader, None)  # header
    for record in reader:
        if not record:
            continue  # blank line: not counted, like the fast path
        row_number += 1
        error = None
        if len(record) != width:
            error = f"row has {len(record)} fields, the header has {width}"
        for i in range(width):
            value = record[i] if i < len(record) else None
            columns[i].append(value if value != "" else None)
        row_numbers.append(row_number)
        errors.append(error)
    names = [f"c{i}" for i in range(width)]
    arrays = {n: pa.array(col, type=pa.string()) for n, col in zip(names, columns)}
    arrays["_row_number"] = pa.array(row_numbers, type=pa.int64())
    arrays["_structure_error"] = pa.array(errors, type=pa.string())
    table = pa.table(arrays)  # noqa: F841 - read by DuckDB's replacement scan below
    con.register("_landing_arrow", table)
    select = _projection(spec, f, names, loaded_at, "_row_number", "_structure_error")
    con.execute(f"insert into {LANDING_SCHEMA}.{spec.table} select\n    {select}\nfrom _landing_arrow")
    con.unregister("_landing_arrow")
    return len(row_numbers)


def land_files(con: duckdb.DuckDBPyConnection, files: Iterable[LandedFile], loaded_at: datetime,
               parser: str = "auto") -> None:
    specs = {s.name: s for s in SOURCES}
    csv.field_size_limit(MAX_FIELD_BYTES)
    with tempfile.TemporaryDirectory(prefix="ar-landing-") as tmp:
        for f in files:
            if f.kept:
                continue
            spec = specs[f.source]
            n = None
            if parser in ("auto", "duckdb"):
                source_path = f.path
                if f.text is not None:  # re-encode to UTF-8 for DuckDB's reader
                    source_path = Path(tmp) / "recoded.csv"
                    source_path.write_text(f.text, encoding="utf-8", newline="")
                try:
                    n = _load_fast(con, spec, f, source_path, loaded_at)
                    f.parser = "duckdb"
                except duckdb.Error:
                    if parser == "duckdb":
                        raise
                    con.execute("drop table if exists _landing_file")
            if n is None:
                text = f.text if f.text is not None else _decode(f.path.read_bytes())[0]
                n = _load_exact(con, spec, f, text, loaded_at)
                f.parser = "python"
            f.row_count = n
            con.execute(
                f"insert into {LANDING_SCHEMA}.landed_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [f.source, f.source_file, f.size_bytes, f.modified_at, f.sha256, f.encoding, f.has_bom, f.delimiter,
                 f.decimal_separator, ", ".join(f.header), ", ".join(f.ignored_columns),
                 ", ".join(f.missing_optional_columns), f.parser, n, loaded_at.replace(tzinfo=None),
                 LANDING_VERSION],
            )
            f.text = None


def land(landing_dir: Path, warehouse: Path, parser: str = "auto",
         loaded_at: datetime | None = None, incremental: bool = False) -> LandingReport:
    """Sniff every file, then (only if all can be landed) write the raw tables.

    `incremental`: `warehouse` already holds a landing (a copy of the published warehouse):
    unchanged files keep their rows, the others are landed again (see the module's docstring).
    """
    loaded_at = (loaded_at or datetime.now(timezone.utc)).replace(tzinfo=None, microsecond=0)
    # No transaction here: the build writes into a fresh file or a copy that is published
    # only once everything passed (see build.py), which is the atomicity we need.
    previous = {}
    if incremental and warehouse.exists():
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            previous = _previous_files(con)
        finally:
            con.close()
    files = sniff_landing(landing_dir, previous)  # a refused file stops everything before a write
    con = duckdb.connect(str(warehouse))
    try:
        if previous:
            _forget_replaced_files(con, files, previous)
        else:
            create_landing_tables(con)
        land_files(con, files, loaded_at, parser=parser)
    finally:
        con.close()
    return LandingReport(landing_dir=landing_dir, files=files, loaded_at=loaded_at)
