"""Shared fixtures: write landing folders in any dialect, build warehouses in tmp folders."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import duckdb
import pytest

from ar_warehouse.build import build
from ar_warehouse.paths import demo_landing_dir, project_dir

# Optional extra data beside the project (the full real FEC files, the reference contract checker):
# tests that read it skip with the reason when it is absent. $AR_SHARED_DIR points elsewhere.
SHARED = Path(os.environ.get("AR_SHARED_DIR") or project_dir().parent / "shared")

# `make pytest` runs two workers (pytest -n 2): each builds with a dbt target folder and log
# folder of its own, so two dbt runs never share artifacts or partial parsing.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER:
    os.environ["DBT_TARGET_PATH"] = str(project_dir() / "target" / f"pytest-{_WORKER}")
    os.environ["DBT_LOG_PATH"] = str(project_dir() / "logs" / f"pytest-{_WORKER}")

DEMO = project_dir() / "build" / "test" / "demo.duckdb"


def demo_warehouse() -> Path:
    """The demo warehouse of `make dbt-test` (build/test/demo.duckdb), built here when missing,
    once whichever worker asks first (the others wait on the lock). Tests read copies of it."""
    DEMO.parent.mkdir(parents=True, exist_ok=True)
    with open(DEMO.with_name("demo.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not DEMO.exists():
            build(demo_landing_dir(), DEMO, quiet=True, log=lambda *_: None)
    return DEMO


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
