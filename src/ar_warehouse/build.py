"""Build a warehouse: land the files, run dbt, publish only what passed.

Write-audit-publish: everything is built into a fresh DuckDB file in a
temporary folder beside the published one. Only when landing, every model,
every dbt test and every critical Great Expectations expectation passed is it
moved over `$AR_DUCKDB_PATH` with an atomic rename, so a BI tool reading the
published file never sees a half-built warehouse and a failed build leaves it
exactly as it was. Readers keep the file they opened; the next open sees the
new one. Every build, published or not, appends a line to the run log
(`<warehouse>.runs.jsonl`) when it starts and another when it ends; the
published warehouse carries that log in `audit.build_runs`, and the validation
report goes to `<warehouse dir>/reports/`.

Runs a scheduler can trust: one build at a time per warehouse. A build holds
an exclusive lock on `<warehouse>.lock` (an OS file lock, released by the
kernel when its process dies, so the lock of a killed run is taken over by
the next one); a second build waits for it (or, with `wait=False`, refuses
with `WarehouseBusy`, exit code 75 from the CLI). Each build lands the
deliveries it finds once it holds the lock, so a run that started later can
never publish a warehouse older than the one published before it. A run that
never finished (killed, machine stopped) is marked `unfinished` in the log by
the next run, which also removes its build folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .landing import SOURCES, LandingError, LandingReport, land
from .paths import dbt_target_dir, project_dir
from .quality import validate, write_reports


class BuildError(Exception):
    """The build failed; the published warehouse was not touched."""


class WarehouseBusy(BuildError):
    """Another build holds the warehouse's lock and this one was told not to wait."""

    exit_code = 75  # EX_TEMPFAIL: try again later


@dataclass
class BuildResult:
    warehouse: Path
    landing: LandingReport
    seconds: dict[str, float] = field(default_factory=dict)
    reports: dict[str, Path] = field(default_factory=dict)


@dataclass
class RunRecord:
    """One line of the run log: what a build did, whether it was published."""

    run_id: str
    started_at: str
    landing_dir: str
    warehouse: str
    finished_at: str | None = None
    status: str = "running"
    published: bool = False
    as_of_date: str | None = None
    rows_landed: int | None = None
    rows_quarantined: int | None = None
    files_landed: int | None = None
    expectations_passed: int | None = None
    expectations_failed: int | None = None
    critical_failures: int | None = None
    freshness: str | None = None
    report: str | None = None
    message: str | None = None
    # "full" (every weekly snapshot rebuilt) or "incremental" (from the published warehouse)
    mode: str | None = None
    restate_from_date: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    pid: int | None = None
    # the run's temporary build folder, removed by the next run if this one never finishes
    stage_dir: str | None = None


def run_log_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".runs.jsonl")


def reports_dir(warehouse: Path) -> Path:
    env = os.environ.get("AR_REPORTS_DIR")
    return Path(env).resolve() if env else warehouse.parent / "reports"


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def read_run_log(warehouse: Path) -> list[dict]:
    """One record per run, in the order the runs started: a run's last line is its state."""
    path = run_log_path(warehouse)
    if not path.exists():
        return []
    runs: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            runs[record["run_id"]] = record
    return list(runs.values())


def _append_run_log(warehouse: Path, record: dict) -> None:
    with run_log_path(warehouse).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")


@contextmanager
def warehouse_lock(warehouse: Path, run: "RunRecord", *, wait: bool = True, log=print):
    """Hold the warehouse's build lock for the duration of the block.

    flock is tied to the open file: when the holding process dies, even by
    `kill -9`, the kernel releases it, so there is no stale lock to clean up;
    the file's content only says who holds it, for the waiting run's message.
    """
    path = lock_path(warehouse)
    fh = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown run"
            if not wait:
                raise WarehouseBusy(f"{warehouse} is being built by another run ({holder}); not waiting "
                                    f"(exit {WarehouseBusy.exit_code}: try again later)") from None
            log(f"{warehouse} is being built by another run ({holder}); waiting for it to finish")
            t0 = time.perf_counter()
            fcntl.flock(fh, fcntl.LOCK_EX)
            run.seconds["wait"] = round(time.perf_counter() - t0, 2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"run {run.run_id}, pid {os.getpid()}, started {run.started_at}\n")
        fh.flush()
        yield
    finally:
        fh.close()  # releases the lock


@contextmanager
def dbt_target_lock(run: "RunRecord | None" = None, *, log=print, folder: Path | None = None):
    """Hold dbt's target folder (paths.dbt_target_dir, or `folder`) while dbt writes it and the
    build reads its artifacts back. Builds of two warehouses from one checkout share target/
    unless each has its own DBT_TARGET_PATH: the second one's dbt step then waits, so that no
    build reads the other's manifest or run results (its quality gate would check the wrong run)."""
    folder = folder or dbt_target_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".arw-build.lock").open("a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"dbt's target folder {folder} is in use by another build; waiting for it (give each "
                "warehouse its own DBT_TARGET_PATH to build them side by side)")
            t0 = time.perf_counter()
            fcntl.flock(fh, fcntl.LOCK_EX)
            if run is not None:
                run.seconds["wait_target"] = round(time.perf_counter() - t0, 2)
        yield  # closing the file releases the lock


def _recover_unfinished_runs(warehouse: Path, run: "RunRecord", log=print) -> None:
    """Mark the runs that started but never ended, and remove what they left behind.

    Called while holding the lock: no other build of this warehouse is alive,
    so every `running` record is a dead run and every build folder a leftover.
    """
    for record in read_run_log(warehouse):
        if record.get("status") != "running":
            continue
        record.update(status="unfinished", finished_at=_now(), published=False,
                      message=f"never finished (process {record.get('pid')} killed or stopped); "
                              f"marked by run {run.run_id}")
        _append_run_log(warehouse, record)
        log(f"run {record['run_id']} (started {record['started_at']}) never finished: marked unfinished")
    for leftover in warehouse.parent.glob(f".{warehouse.name}.build-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
            log(f"removed the build folder left by an unfinished run: {leftover.name}")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def code_digest() -> str:
    """A digest of the project's code (models, macros, seeds, dbt_project.yml).

    Passed to dbt as the var `ar_code_digest`: the incremental weekly marts restate every snapshot
    when it changes (macros/weekly/restatement.sql). dbt's own node checksums cover models and
    seeds but not the macros they call, where much of the accounting lives (buckets, parsing).
    """
    import hashlib

    root = project_dir()
    digest = hashlib.sha256()
    files = [root / "dbt_project.yml"]
    for folder in ("models", "macros", "seeds"):
        files += sorted(p for p in (root / folder).rglob("*") if p.is_file())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def settings_digest(vars_: dict | None) -> str:
    """The code digest, and the vars given on the command line but the as-of date.

    Any of them can change what an incremental model computed in an earlier build (a
    bucket bound, a payment-terms default, the legal maximum terms...): a change restates
    everything. The as-of date is not a setting: the restatement handles it (the latest snapshot).
    """
    import hashlib

    settings = {k: v for k, v in (vars_ or {}).items() if k not in ("as_of_date", "ar_code_digest")}
    if not settings:
        return code_digest()
    return hashlib.sha256((code_digest() + json.dumps(settings, sort_keys=True, default=str)).encode()).hexdigest()


def run_dbt(args: list[str], warehouse: Path, *, vars_: dict | None = None, quiet: bool = False,
            target: str | None = None) -> subprocess.CompletedProcess:
    root = project_dir()
    vars_ = {"ar_code_digest": settings_digest(vars_), **(vars_ or {})}
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


def _freshness(staged: Path, vars_: dict | None) -> str:
    """dbt source freshness of the exports (recorded, never blocking: stale data is still the truth)."""
    result = run_dbt(["source", "freshness", "--output", str(staged.parent / "sources.json")], staged,
                     vars_=vars_, quiet=True)
    try:
        payload = json.loads((staged.parent / "sources.json").read_text())
        return ", ".join(f"{r['unique_id'].split('.')[-1]}: {r['status']}" for r in payload["results"])
    except (OSError, ValueError, KeyError):
        return f"unknown (dbt source freshness exit {result.returncode})"


def _write_audit(staged: Path, history: list[dict], current: RunRecord) -> None:
    """Keep the run log in the warehouse (schema audit) so BI tools can show "data as of"."""
    rows = [*(r for r in history if r["run_id"] != current.run_id), asdict(current)]
    con = duckdb.connect(str(staged))
    try:
        con.execute("create schema if not exists audit")
        con.execute("""
            create or replace table audit.build_runs (
                run_id varchar, started_at timestamp, finished_at timestamp, status varchar, published boolean,
                as_of_date date, rows_landed bigint, rows_quarantined bigint, files_landed bigint,
                expectations_passed integer, expectations_failed integer, critical_failures integer,
                freshness varchar, landing_dir varchar, report varchar, message varchar,
                build_mode varchar, restate_from_date date)""")
        con.executemany(
            "insert into audit.build_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[r.get("run_id"), r.get("started_at"), r.get("finished_at"), r.get("status"), r.get("published"),
              r.get("as_of_date"), r.get("rows_landed"), r.get("rows_quarantined"), r.get("files_landed"),
              r.get("expectations_passed"), r.get("expectations_failed"), r.get("critical_failures"),
              r.get("freshness"), r.get("landing_dir"), r.get("report"), r.get("message"),
              r.get("mode"), r.get("restate_from_date")] for r in rows])
    finally:
        con.close()


def build(landing_dir: Path, warehouse: Path, *, vars_: dict | None = None, run_tests: bool = True,
          validate_data: bool = True, parser: str = "auto", quiet: bool = False, full_refresh: bool = False,
          wait: bool = True, log=print) -> BuildResult:
    """Land, build, test, validate, publish. Raises BuildError (published file untouched) on failure.

    When a published warehouse exists (and not `full_refresh`), the build starts from a copy of it:
    the weekly marts are incremental and recompute only the snapshots from the earliest date a
    change can reach (int_weekly__restatement). Otherwise it starts from an empty file.
    One build at a time per warehouse (module docstring): `wait=False` refuses with
    WarehouseBusy instead of waiting for the running one.
    """
    warehouse = warehouse.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    run = RunRecord(run_id=uuid.uuid4().hex[:12], started_at=_now(), landing_dir=str(landing_dir),
                    warehouse=str(warehouse), pid=os.getpid())
    with warehouse_lock(warehouse, run, wait=wait, log=log):
        _recover_unfinished_runs(warehouse, run, log=log)
        return _locked_build(landing_dir, warehouse, run, vars_=vars_, run_tests=run_tests,
                             validate_data=validate_data, parser=parser, quiet=quiet,
                             full_refresh=full_refresh, log=log)


def _locked_build(landing_dir: Path, warehouse: Path, run: RunRecord, *, vars_: dict | None, run_tests: bool,
                  validate_data: bool, parser: str, quiet: bool, full_refresh: bool, log) -> BuildResult:
    stage_dir = Path(tempfile.mkdtemp(prefix=f".{warehouse.name}.build-", dir=warehouse.parent))
    run.stage_dir = str(stage_dir)
    _append_run_log(warehouse, asdict(run))  # the start: a run killed from here on is found by the next
    staged = stage_dir / warehouse.name  # same file name: DuckDB names the catalog after it
    reports: dict[str, Path] = {}
    try:
        incremental = warehouse.exists() and not full_refresh
        run.mode = "incremental" if incremental else "full"
        if incremental:
            t0 = time.perf_counter()
            shutil.copyfile(warehouse, staged)  # the published file is never written to
            run.seconds["copy"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        try:
            report = land(landing_dir, staged, parser=parser, incremental=incremental)
        except LandingError as exc:
            run.status = "refused_landing"
            raise BuildError(f"landing refused, nothing was published:\n{exc}") from exc
        run.seconds["land"] = round(time.perf_counter() - t0, 2)
        run.rows_landed = sum(f.row_count for f in report.files)
        run.files_landed = len(report.files)
        log(f"landed {report.summary()}")

        command = ["build"] if run_tests else ["build", "--exclude", "resource_type:test",
                                               "resource_type:unit_test"]
        if not incremental:
            command.append("--full-refresh")
        artifacts = {name: stage_dir / name for name in ("manifest.json", "run_results.json")}
        with dbt_target_lock(run, log=log):
            t0 = time.perf_counter()
            result = run_dbt(command, staged, vars_=vars_, quiet=quiet)
            run.seconds["dbt"] = round(time.perf_counter() - t0, 2)
            if result.returncode != 0:
                run.status = "failed_dbt"
                detail = (result.stdout or "")[-4000:] if quiet else "see dbt's output above"
                raise BuildError(f"dbt build failed; the published warehouse {warehouse} was left as it was "
                                 f"({detail})")
            # the gate reads what dbt states and what it ran from this run's artifacts (the
            # freshness check below writes target/ again)
            for name, path in artifacts.items():
                shutil.copyfile(dbt_target_dir() / name, path)
            run.freshness = _freshness(staged, vars_)

        con = duckdb.connect(str(staged), read_only=True)
        try:
            run.rows_quarantined = con.execute(
                "select count(*) from staging.stg_landing__quarantined_rows").fetchone()[0]
            run.as_of_date = str(con.execute("select as_of_date from intermediate.int_calendar__as_of").fetchone()[0])
            restate_from, is_full_restatement = con.execute(
                "select restate_from_date, is_full_restatement from intermediate.int_weekly__restatement").fetchone()
            run.restate_from_date = str(restate_from)
        finally:
            con.close()

        if validate_data:
            t0 = time.perf_counter()
            # an incremental run checks what it changed: the rows of the files it landed and the
            # rows it wrote in incremental models; a full restatement checks everything
            landed = None if not incremental or is_full_restatement else {
                spec.name: {f.source_file for f in report.files if f.source == spec.name and not f.kept}
                for spec in SOURCES}
            validation = validate(staged, vars_, manifest=artifacts["manifest.json"],
                                  run_results=artifacts["run_results.json"], landed=landed)
            run.seconds["validate"] = round(time.perf_counter() - t0, 2)
            validation.warehouse = str(warehouse)
            reports = write_reports(validation, reports_dir(warehouse), warehouse.stem)
            run.report = str(reports["html"])
            run.expectations_passed = validation.passed
            run.expectations_failed = validation.failed
            run.critical_failures = len(validation.critical_failures)
            log(f"validation: {validation.passed} expectations passed, {validation.failed} failed "
                f"({len(validation.critical_failures)} critical); report {reports['html']}")
            if validation.critical_failures:
                run.status = "failed_validation"
                failed = "\n".join(f"  - {o.suite}: {o.expectation} {o.arguments} -> {o.observed}"
                                    for o in validation.critical_failures)
                raise BuildError(f"critical expectations failed, nothing was published:\n{failed}\n"
                                 f"report: {reports['md']}")

        run.status, run.published, run.finished_at = "published", True, _now()
        _write_audit(staged, read_run_log(warehouse), run)
        _checkpoint(staged)
        os.replace(staged, warehouse)  # atomic on one filesystem
        log(f"published {warehouse}")
        return BuildResult(warehouse=warehouse, landing=report, seconds=run.seconds, reports=reports)
    except BuildError as exc:
        run.message = str(exc)[:2000]
        if run.status == "running":
            run.status = "failed"
        raise
    except Exception as exc:  # anything unexpected is a failed, unpublished build too
        run.status, run.message = "failed_error", f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        run.finished_at = run.finished_at or _now()
        if run.status == "running":  # interrupted (KeyboardInterrupt, SystemExit)
            run.status = "interrupted"
        _append_run_log(warehouse, asdict(run))
        shutil.rmtree(stage_dir, ignore_errors=True)
