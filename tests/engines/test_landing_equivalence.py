"""The same ingestion on every engine: identical raw tables and an identical quarantine.

The landing tables (with their lineage and dialect record) and
staging.stg_landing__quarantined_rows are read back from PostgreSQL and Spark
and compared with the DuckDB build's, value for value. Only `loaded_at`
differs between builds (each build lands at its own time) and is left out.
The landing data includes conftest.MESSY_FILES, so the quarantine is not empty:
an impossible date, a malformed row, unknown codes, an invalid byte... must be
rejected by every engine for the same reason, at the same row.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pyarrow.parquet as pq
import pytest

from ar_warehouse.engines import EXPORTED_RELATIONS

IGNORED_COLUMNS = {"loaded_at"}
QUARANTINE = "staging.stg_landing__quarantined_rows"


def _normalise(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _rows(columns: list[str], rows) -> tuple[list[str], list[tuple]]:
    keep = [i for i, c in enumerate(columns) if c.lower() not in IGNORED_COLUMNS]
    kept = [tuple(_normalise(r[i]) for i in keep) for r in rows]
    return [columns[i].lower() for i in keep], sorted(kept, key=lambda r: tuple((v is None, v) for v in r))


def read_duckdb(path, relation):
    con = duckdb.connect(str(path), read_only=True)
    try:
        result = con.execute(f"select * from {relation}")
        return _rows([d[0] for d in result.description], result.fetchall())
    finally:
        con.close()


def read_postgres(relation):
    from ar_warehouse.engines import postgres_connect

    con = postgres_connect()
    try:
        with con.cursor() as cur:
            cur.execute(f"select * from {relation}")
            return _rows([d.name for d in cur.description], cur.fetchall())
    finally:
        con.close()


def read_spark_export(folder, relation):
    table = pq.read_table(folder / "extra" / f"{relation}.parquet")
    return _rows(table.column_names, [tuple(r.values()) for r in table.to_pylist()])


@pytest.fixture(scope="module")
def reference(duckdb_build):
    return {relation: read_duckdb(duckdb_build.location, relation) for relation in EXPORTED_RELATIONS}


def test_the_landing_data_exercises_the_quarantine(reference):
    columns, rows = reference[QUARANTINE]
    reasons = {row[columns.index("reason")] for row in rows}
    assert len(rows) >= 8, rows
    assert any("not a valid date" in r for r in reasons)
    assert any("malformed CSV row" in r for r in reasons)
    assert any("invalid byte" in r for r in reasons)


@pytest.mark.parametrize("relation", EXPORTED_RELATIONS)
@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_landing_and_quarantine_identical_to_duckdb(request, reference, engine, relation):
    if engine == "postgres":
        request.getfixturevalue("postgres_build")
        columns, rows = read_postgres(relation)
    else:
        columns, rows = read_spark_export(request.getfixturevalue("spark_build").location, relation)
    want_columns, want_rows = reference[relation]
    assert columns == want_columns
    assert len(rows) == len(want_rows), f"{relation}: {len(rows)} rows on {engine}, {len(want_rows)} on DuckDB"
    differing = [(want, got) for want, got in zip(want_rows, rows) if want != got]
    assert not differing, f"{relation} on {engine} differs from DuckDB, e.g.\n  " + "\n  ".join(
        f"duckdb {w}\n  {engine} {g}" for w, g in differing[:3])
