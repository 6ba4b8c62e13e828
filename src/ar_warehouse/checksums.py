"""Checksums of the marts: two warehouses with the same checksums hold the same rows.

Each mart's checksum is the md5 of its rows' md5s in sorted order, so it does not
depend on the physical row order; the row count is reported beside it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def mart_checksums(warehouse: Path, schema: str = "marts") -> dict[str, tuple[int, str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [schema]).fetchall()]
        out = {}
        for table in tables:
            rows, digest = con.execute(f"""
                select count(*), md5(coalesce(string_agg(row_md5, '' order by row_md5), ''))
                from (select md5(cast(t as varchar)) as row_md5 from {schema}.{table} as t)""").fetchone()
            out[table] = (rows, digest)
        return out
    finally:
        con.close()
