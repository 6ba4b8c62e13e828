"""Runs a scheduler can trust: one build at a time per warehouse, killed runs found and cleaned.

A weekly job and an operator's manual run may start on the same warehouse a few
seconds apart. Without a lock the last to finish would publish, even when it
had landed older deliveries: the warehouse would silently go back in time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ar_warehouse.build import build, lock_path, read_run_log
from ar_warehouse.checksums import mart_checksums
from conftest import query, write_csv
from test_end_to_end import MIXED, write_hand_set

# a delivery that arrives while the first run is building
LATE_DELIVERY = (["entry_id", "customer_code", "document_number", "document_type", "posting_date", "due_date",
                  "debit"], [["L50", "C3", "F350", "FA", "2025-03-15", "2025-04-14", "123.45"]])


def _start_build(landing: Path, warehouse: Path, *extra: str) -> subprocess.Popen:
    """`arw build` in a process group of its own (so that kill -9 reaches dbt too)."""
    return subprocess.Popen(
        [sys.executable, "-m", "ar_warehouse.cli", "build", "--landing", str(landing), "--warehouse",
         str(warehouse), "--skip-tests", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _wait_until_building(warehouse: Path, process: subprocess.Popen, timeout: float = 120) -> dict:
    """Until the process holds the lock and its start is in the run log; returns that record."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the build ended early:\n{process.stdout.read()}"
        running = [r for r in read_run_log(warehouse) if r["status"] == "running" and r["pid"] == process.pid]
        if running:
            return running[0]
        time.sleep(0.2)
    raise AssertionError("the build never started")


@pytest.fixture
def published(tmp_path) -> tuple[Path, Path]:
    landing = write_hand_set(tmp_path / "landing", MIXED)
    warehouse = tmp_path / "wh" / "ar.duckdb"
    build(landing, warehouse, run_tests=False, validate_data=False, quiet=True, log=lambda *_: None)
    return landing, warehouse


def test_overlapping_runs_publish_one_after_the_other(published):
    landing, warehouse = published
    first = _start_build(landing, warehouse)
    _wait_until_building(warehouse, first)
    write_csv(landing / "ledger/2025-03-15_late.csv", *LATE_DELIVERY)

    refused = _start_build(landing, warehouse, "--no-wait")
    assert refused.wait(timeout=120) == 75
    assert "being built by another run" in refused.stdout.read()

    second = _start_build(landing, warehouse)
    assert first.wait(timeout=600) == 0, first.stdout.read()
    assert second.wait(timeout=600) == 0
    assert "waiting for it to finish" in second.stdout.read()

    runs = {r["pid"]: r for r in read_run_log(warehouse)}
    one, two = runs[first.pid], runs[second.pid]
    assert one["status"] == two["status"] == "published"
    assert two["started_at"] <= one["finished_at"], "the second run started while the first was building"
    # the second run landed once it held the lock: it saw the late delivery, and it published last
    assert query(warehouse, "select count(*) from staging.stg_ledger__entries where entry_id = 'L50'") == [(1,)]
    assert two["finished_at"] >= one["finished_at"]
    assert not list(warehouse.parent.glob(".ar.duckdb.build-*"))


def test_a_killed_run_leaves_the_warehouse_and_is_cleaned_by_the_next(published):
    landing, warehouse = published
    before = mart_checksums(warehouse)
    killed = _start_build(landing, warehouse, "--full-refresh")
    record = _wait_until_building(warehouse, killed)
    time.sleep(3)  # into the landing / dbt step
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=60)

    assert mart_checksums(warehouse) == before, "the published file is untouched"
    assert Path(record["stage_dir"]).exists(), "a killed run cannot clean up after itself"
    assert read_run_log(warehouse)[-1]["status"] == "running"

    messages: list[str] = []
    build(landing, warehouse, run_tests=False, validate_data=False, quiet=True, log=messages.append)

    runs = {r["run_id"]: r for r in read_run_log(warehouse)}
    assert runs[record["run_id"]]["status"] == "unfinished"
    assert "never finished" in runs[record["run_id"]]["message"]
    assert not Path(record["stage_dir"]).exists(), "its build folder was removed"
    assert any("marked unfinished" in m for m in messages)
    assert list(runs.values())[-1]["status"] == "published"
    # the lock of the dead process was taken over; the audit table has one row per run
    assert lock_path(warehouse).exists()
    assert query(warehouse, "select status from audit.build_runs where run_id = ?",
                 [record["run_id"]]) == [("unfinished",)]
    assert query(warehouse, "select count(*) = count(distinct run_id) from audit.build_runs") == [(True,)]


def test_builds_of_two_warehouses_sharing_dbt_target_folder_take_turns(tmp_path, monkeypatch):
    """Two warehouses built from one checkout share dbt's target folder unless each has its own
    DBT_TARGET_PATH: a build's dbt step waits for the other's, so that its quality gate never
    reads the other run's manifest or run results."""
    import fcntl
    import threading

    from ar_warehouse.build import RunRecord, dbt_target_lock
    from ar_warehouse.paths import dbt_target_dir

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    assert dbt_target_dir() == tmp_path / "target"
    messages: list[str] = []
    entered = threading.Event()
    run = RunRecord(run_id="second", started_at="now", landing_dir="", warehouse="", pid=os.getpid())

    def second_build():
        with dbt_target_lock(run, log=messages.append):
            entered.set()

    (tmp_path / "target").mkdir()
    with (tmp_path / "target" / ".arw-build.lock").open("a+") as held:  # the first build's dbt step
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = threading.Thread(target=second_build)
        waiting.start()
        assert not entered.wait(1.0), "the second build must wait while the first holds dbt's target folder"
        assert messages and "in use by another build" in messages[0] and "DBT_TARGET_PATH" in messages[0]
    waiting.join(10)
    assert entered.is_set(), "the second build goes on once the first has finished with the folder"
    assert run.seconds["wait_target"] >= 1.0
