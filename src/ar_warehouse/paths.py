"""Where things are: the project, the demo landing data, the default warehouse."""

from __future__ import annotations

import os
from pathlib import Path


def project_dir() -> Path:
    """The dbt project (the repository root), or $AR_PROJECT_DIR."""
    env = os.environ.get("AR_PROJECT_DIR")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[2]


def demo_landing_dir() -> Path:
    return project_dir() / "data" / "demo" / "landing"


def landing_dir() -> Path:
    env = os.environ.get("AR_LANDING_DIR")
    return Path(env).resolve() if env else demo_landing_dir()


def warehouse_path() -> Path:
    env = os.environ.get("AR_DUCKDB_PATH")
    return Path(env).resolve() if env else project_dir() / "warehouse" / "ar.duckdb"


def dbt_target_dir() -> Path:
    """dbt's target folder (artifacts, partial parsing): $DBT_TARGET_PATH, dbt's own setting,
    relative to the project, else target/. Builds run side by side from one checkout (the
    parallel test workers, two warehouses on one schedule) each set their own, so that one
    run's manifest and run results are never another's."""
    env = os.environ.get("DBT_TARGET_PATH")
    return (project_dir() / env).resolve() if env else project_dir() / "target"
