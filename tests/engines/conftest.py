"""The same landing data built on the three engines, once per test session.

`make test-engines` (part of `make test`) runs these tests inside
`scripts/local_postgres.sh scratch`, which starts a throwaway PostgreSQL and
exports its AR_PG_* variables; Spark runs in the Spark environment
(.venv-spark) as a subprocess that builds in process and exports the marts.
Run alone without those, the PostgreSQL / Spark tests are skipped, unless
AR_REQUIRE_ENGINES=1 (what `make test-engines` sets) makes a missing engine a
failure.

The landing data is the bundled demo plus a few files of rows that must be
quarantined (MESSY_FILES; AR_ENGINES_LANDING replaces both). Build
times per engine are printed at the end of the run and written to
build/test/engine-timings.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import timedelta
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


# Rows every engine must reject the same way, added to the demo data (which has none): an
# impossible date, a row split by an unquoted decimal comma (the exact parser's structure error),
# an unknown code, a third decimal, a broken UTF-8 byte; beside valid rows in other date formats,
# a cp1252 file with a decimal comma and a mixed-case accented blocking cause, a lettered pair.
MESSY_FILES = {
    "ledger/ledger_messy.csv": ("utf-8", (
        "entry_id,customer_code,customer_name,document_number,document_type,posting_date,due_date,debit,credit,"
        "lettering_code,reference\n"
        "MX1,CMX,Messy SA,FMX1,FA,2025-02-30,,100.00,,,impossible date\n"
        "MX2,CMX,Messy SA,FMX2,FA,2025-03-03,,12,3,4,,thousands separator\n"
        "MX3,CMX,Messy SA,FMX3,ZZ,2025-03-03,,10.00,,,unknown type\n"
        "MX4,CMX,Messy SA,FMX4,FA,2025-03-04,2025-04-03,250.005,,,three decimals\n"
        "MX5,CMX,Messy SA,FMX5,FA,03/03/2025,,80.00,,LMX,French date\n"
        "MX6,CMX,Messy SA,PMX6,RG,20250305,,,80.00,LMX,paid FMX5\n"
        "MX7,CMX,Messy SA,FMX7,fa,2025-03-06 00:00:00,2025-02-29,55.50,,,impossible due date\n"
        "MX8,CMX,Messy SA,FMX8,INV,2025-03-07,2028-02-29,42.00,,,due on a leap day\n").encode("utf-8")),
    "dunning/dunning_messy_2025-03-10.csv": ("cp1252", (
        "company_code;customer_code;document_number;dunning_status;dunning_level;blocking_cause;collector;"
        "promised_date;promised_amount\n"
        "FR01;CMX;FMX5;Relance en cours;1;ÉCART COMMANDE;Zoé;;\n"
        "FR01;CMX;FMX8;paiement promis;2;;Zoé;31/03/2025;42,00\n"
        "FR01;CMX;FMX9;xyz;1;;Zoé;;\n"
        "FR01;CMX;FMX4;relance en cours;-1;;Zoé;;\n").encode("cp1252")),
    "customers/customers_messy.csv": ("utf-8 with a broken byte", (
        "customer_code,customer_name,country,credit_limit,payment_terms_days\n".encode()
        + b"CMX,Messy \xe9 SA,FR,1000.00,45\n"
        + "CMY,Ça va Société Générale,fra,500,30\n".encode())),
}


@pytest.fixture(scope="session")
def landing(tmp_path_factory) -> Path:
    """The demo landing data plus MESSY_FILES (AR_ENGINES_LANDING: another folder, as is)."""
    env = os.environ.get("AR_ENGINES_LANDING")
    if env:
        return Path(env).resolve()
    root = tmp_path_factory.mktemp("landing") / "landing"
    shutil.copytree(demo_landing_dir(), root)
    for name, (_, data) in MESSY_FILES.items():
        (root / name).write_bytes(data)
    return root


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
    import duckdb

    from ar_warehouse.engines import build_postgres

    # The build the tests read is an incremental one: first the landing without its messy ledger
    # and dunning files, as of four weeks earlier (a full build of an empty database), then the
    # whole landing (two new files with old dates, a later as-of date), which dbt runs
    # incrementally on PostgreSQL (the intermediate chain and the weekly marts delete what they
    # restate, then append; docs/weekly-runs.md). It must equal DuckDB's full build of the same
    # landing, mart for mart (test_equivalence.py).
    con = duckdb.connect(str(duckdb_build.location), read_only=True)
    (as_of,), = con.execute("select as_of_date from intermediate.int_calendar__as_of").fetchall()
    con.close()
    earlier = landing.with_name(landing.name + "_earlier")
    if not earlier.exists():
        shutil.copytree(landing, earlier)
        for name in MESSY_FILES:
            if not name.startswith("customers/"):  # a new customer master row restates everything
                (earlier / name).unlink(missing_ok=True)
    build_postgres(earlier, vars_={"as_of_date": (as_of - timedelta(days=28)).isoformat()}, run_tests=False,
                   quiet=True, log=lambda *_: None)
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
