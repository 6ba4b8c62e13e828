"""The same landing data built on the three engines, once per test session.

`make test-engines` (part of `make test`) runs these tests inside
`scripts/local_postgres.sh scratch`, which starts a throwaway PostgreSQL and
exports its AR_PG_* variables; Spark runs in the Spark environment
(.venv-spark) as a subprocess that builds in process and exports the marts.
Run alone without those, the PostgreSQL / Spark tests are skipped, unless
AR_REQUIRE_ENGINES=1 (what `make test-engines` sets) makes a missing engine a
failure.

The landing data is the bundled demo (AR_ENGINES_LANDING overrides it). Build
times per engine are printed at the end of the run and written to
build/test/engine-timings.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ar_warehouse.paths import demo_landing_dir, project_dir

ROOT = project_dir()
SPARK_PYTHON = ROOT / ".venv-spark" / "bin" / "python"
TIMINGS: dict[str, dict] = {}


def _required() -> bool:
    return os.environ.get("AR_REQUIRE_ENGINES") == "1"


def _unavailable(reason: str):
    if _required():
        pytest.fail(f"{reason} (AR_REQUIRE_ENGINES=1)")
    pytest.skip(reason)


@dataclass
class Built:
    engine: str
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    location: Path | None = None


@pytest.fixture(scope="session")
def landing() -> Path:
    env = os.environ.get("AR_ENGINES_LANDING")
    return Path(env).resolve() if env else demo_landing_dir()


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("engines")


@pytest.fixture(scope="session")
def duckdb_build(landing, work_dir) -> Built:
    from ar_warehouse.build import build

    warehouse = work_dir / "ar.duckdb"
    started = time.perf_counter()
    result = build(landing, warehouse, quiet=True, log=lambda *_: None)
    built = Built("duckdb", round(time.perf_counter() - started, 1), result.seconds, warehouse)
    TIMINGS["duckdb"] = {"total": built.seconds, **built.steps}
    return built


def postgres_available() -> bool:
    if "AR_PG_HOST" not in os.environ:
        return False
    from ar_warehouse.engines import postgres_connect

    try:
        postgres_connect(connect_timeout=5).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


@pytest.fixture(scope="session")
def postgres_build(landing, duckdb_build) -> Built:
    if not postgres_available():
        _unavailable("no PostgreSQL reachable with the AR_PG_* variables (make test-engines starts one)")
    from ar_warehouse.engines import build_postgres

    started = time.perf_counter()
    result = build_postgres(landing, quiet=True, log=lambda *_: None)
    built = Built("postgres", round(time.perf_counter() - started, 1), result.seconds)
    TIMINGS["postgres"] = {"total": built.seconds, **built.steps}
    return built


@pytest.fixture(scope="session")
def spark_build(landing, work_dir) -> Built:
    """Land + dbt build in a Spark session of the Spark environment, every mart exported to parquet."""
    if not SPARK_PYTHON.exists():
        _unavailable(f"no Spark environment at {SPARK_PYTHON} (make install-spark)")
    started = time.perf_counter()
    proc = subprocess.run(
        [str(SPARK_PYTHON), "-m", "ar_warehouse.cli", "build", "--target", "spark", "--landing", str(landing),
         "--spark-dir", str(work_dir / "spark"), "--export", str(work_dir / "spark-marts"),
         "--timings", str(work_dir / "spark-timings.json")],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"the Spark build failed (exit {proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    steps = json.loads((work_dir / "spark-timings.json").read_text())
    built = Built("spark", round(time.perf_counter() - started, 1), steps, work_dir / "spark-marts")
    TIMINGS["spark"] = {"total": built.seconds, **steps}
    return built


def pytest_terminal_summary(terminalreporter):
    if not TIMINGS:
        return
    out = ROOT / "build" / "test" / "engine-timings.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(TIMINGS, indent=2) + "\n")
    terminalreporter.section("build times per engine (seconds)")
    for engine, steps in TIMINGS.items():
        details = ", ".join(f"{k} {v}" for k, v in steps.items() if k not in ("total", "note"))
        terminalreporter.write_line(f"{engine:9} {steps['total']:>7}  ({details})")
