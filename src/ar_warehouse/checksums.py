"""Checksums of the marts: two warehouses with the same checksums hold the same rows.

Each mart's checksum is the md5 of its rows' md5s in sorted order, so it does not
depend on the physical row order; the row count is reported beside it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def mart_checksums(warehouse: Path, schema: str = "marts",
                   exclude_columns: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """Checksum and row count of every table of `schema`, leaving out `exclude_columns`
    (bookkeeping that says when a row was written, not what it holds)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [schema]).fetchall()]
        out = {}
        for table in tables:
            columns = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, table]).fetchall() if r[0] not in exclude_columns]
            projection = ", ".join(f'"{c}"' for c in columns)
            rows, digest = con.execute(f"""
                select count(*), md5(coalesce(string_agg(row_md5, '' order by row_md5), ''))
                from (select md5(cast(t as varchar)) as row_md5
                      from (select {projection} from {schema}.{table}) as t)""").fetchone()
            out[table] = (rows, digest)
        return out
    finally:
        con.close()
