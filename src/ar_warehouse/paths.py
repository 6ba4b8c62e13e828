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
