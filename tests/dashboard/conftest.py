"""Superset on a free loopback port with a throw-away metadata DB, over a built warehouse.

Run with Superset's environment: `make dashboard-test` (not collected by the main `pytest`,
whose testpaths is tests/python). The warehouse is $AR_DUCKDB_PATH (make dashboard-test passes
the demo warehouse of `make dbt-test`). Every process the tests start is stopped at the end.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "dashboard"))

import superset_ctl  # noqa: E402

TIMINGS: dict[str, float] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def warehouse() -> Path:
    path = Path(os.environ.get("AR_DUCKDB_PATH") or ROOT / "build" / "test" / "demo.duckdb")
    if not path.exists():
        pytest.fail(f"no warehouse at {path}: `make dashboard-test` builds the demo one")
    return path.resolve()


@pytest.fixture(scope="session")
def con(warehouse: Path):
    """Read-only, like Superset: both can read the file at once."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def superset(warehouse: Path, tmp_path_factory) -> superset_ctl.Instance:
    inst = superset_ctl.Instance(state_dir=tmp_path_factory.mktemp("superset"), port=free_port(),
                                 warehouse=warehouse, user="admin")
    t0 = time.perf_counter()
    try:
        inst.start()
        TIMINGS["Superset initialised and started"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        inst.import_assets()
        TIMINGS["assets imported"] = time.perf_counter() - t0
        yield inst
    finally:
        inst.stop()


@pytest.fixture(scope="session")
def api(superset: superset_ctl.Instance):
    return superset.api()


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("dashboard test timings")
        for step, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{step:<52} {seconds:6.1f} s")
