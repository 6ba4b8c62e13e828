"""Shared fixtures: write landing folders in any dialect, build warehouses in tmp folders."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from ar_warehouse.build import build
from ar_warehouse.paths import project_dir

# Optional extra data beside the project (the full real FEC files, the reference contract checker):
# tests that read it skip with the reason when it is absent. $AR_SHARED_DIR points elsewhere.
SHARED = Path(os.environ.get("AR_SHARED_DIR") or project_dir().parent / "shared")


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, delimiter: str = ",",
              encoding: str = "utf-8", bom: bool = False, newline: str = "\n") -> Path:
    """Write a landing file exactly as an export tool would (minimal quoting)."""
    def cell(v: str) -> str:
        v = "" if v is None else str(v)
        if any(ch in v for ch in (delimiter, '"', "\n", "\r")):
            v = '"' + v.replace('"', '""') + '"'
        return v

    text = newline.join(delimiter.join(cell(v) for v in line) for line in [header, *rows]) + newline
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def build_warehouse():
    """Build a landing folder into a warehouse file with every dbt test; returns the file."""
    def _build(landing: Path, warehouse: Path, **kwargs) -> Path:
        build(landing, warehouse, quiet=True, log=lambda *_: None, **kwargs)
        return warehouse
    return _build
