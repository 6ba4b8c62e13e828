"""Every query of analyses/ compiles and answers on the demo warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ar_warehouse.build import run_dbt
from ar_warehouse.paths import dbt_target_dir, project_dir
from conftest import demo_warehouse

ANALYSES = sorted((project_dir() / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("analyses") / "ar.duckdb"
    copy.write_bytes(demo_warehouse().read_bytes())
    result = run_dbt(["compile", "--select", "resource_type:analysis"], copy, quiet=True)
    assert result.returncode == 0, result.stdout[-3000:]
    return copy


@pytest.mark.parametrize("analysis", ANALYSES, ids=lambda p: p.stem)
def test_analysis_answers(compiled, analysis):
    sql_path = dbt_target_dir() / "compiled" / "ar_warehouse" / "analyses" / analysis.name
    con = duckdb.connect(str(compiled), read_only=True)
    try:
        rows = con.execute(sql_path.read_text()).fetchall()
    finally:
        con.close()
    assert rows, f"{analysis.name} returned no row on the demo warehouse"
