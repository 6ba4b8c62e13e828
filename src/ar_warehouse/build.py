"""Build a warehouse: land the files, run dbt, publish only what passed.

Write-audit-publish: everything is built into a fresh DuckDB file in a
temporary folder beside the published one. Only when landing, every model and
every test passed is it moved over `$AR_DUCKDB_PATH` with an atomic rename, so
a BI tool reading the published file never sees a half-built warehouse and a
failed build leaves it exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .landing import LandingError, LandingReport, land
from .paths import project_dir


class BuildError(Exception):
    """The build failed; the published warehouse was not touched."""


@dataclass
class BuildResult:
    warehouse: Path
    landing: LandingReport
    seconds: dict[str, float] = field(default_factory=dict)


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: list[str], warehouse: Path, *, vars_: dict | None = None, quiet: bool = False,
            target: str | None = None) -> subprocess.CompletedProcess:
    root = project_dir()
    env = dict(os.environ)
    env["AR_DUCKDB_PATH"] = str(warehouse)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    if target:
        env["AR_TARGET"] = target
    cmd = [dbt_executable(), *args, "--project-dir", str(root), "--profiles-dir", str(root)]
    if vars_:
        cmd += ["--vars", json.dumps(vars_)]
    return subprocess.run(cmd, cwd=root, env=env, text=True,
                          capture_output=quiet, check=False)


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file so that the file alone is the warehouse."""
    con = duckdb.connect(str(path))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        raise BuildError(f"{wal} still exists after a checkpoint; refusing to publish")


def build(landing_dir: Path, warehouse: Path, *, vars_: dict | None = None, run_tests: bool = True,
          parser: str = "auto", quiet: bool = False, log=print) -> BuildResult:
    warehouse = warehouse.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    stage_dir = Path(tempfile.mkdtemp(prefix=f".{warehouse.name}.build-", dir=warehouse.parent))
    staged = stage_dir / warehouse.name  # same file name: DuckDB names the catalog after it
    seconds: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        try:
            report = land(landing_dir, staged, parser=parser)
        except LandingError as exc:
            raise BuildError(f"landing refused, nothing was published:\n{exc}") from exc
        seconds["land"] = time.perf_counter() - t0
        log(f"landed {report.summary()}")

        t0 = time.perf_counter()
        command = ["build"] if run_tests else ["build", "--exclude", "resource_type:test",
                                               "resource_type:unit_test"]
        result = run_dbt(command, staged, vars_=vars_, quiet=quiet)
        seconds["dbt"] = time.perf_counter() - t0
        if result.returncode != 0:
            detail = (result.stdout or "")[-4000:] if quiet else "see dbt's output above"
            raise BuildError(f"dbt build failed; the published warehouse {warehouse} was left as it was "
                             f"({detail})")

        _checkpoint(staged)
        os.replace(staged, warehouse)  # atomic on one filesystem
        log(f"published {warehouse}")
        return BuildResult(warehouse=warehouse, landing=report, seconds=seconds)
    finally:
        shutil.rmtree(stage_dir, ignore_errors=True)
