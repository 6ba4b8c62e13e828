"""What a BI tool does on PostgreSQL: connect as the read-only BI role (bi_reader) and run each
query of analyses/, compiled for the postgres target (`dbt compile --target postgres`). Every
query answers rows, and as the BI role (no right outside schema marts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ar_warehouse.engines import dbt_subprocess, postgres_connect
from ar_warehouse.paths import project_dir

pytest.importorskip("psycopg2")

ANALYSES = sorted((project_dir() / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled(postgres_build) -> Path:
    result = dbt_subprocess(["compile", "--select", "resource_type:analysis"], "postgres", quiet=True)
    assert result.returncode == 0, result.stdout[-3000:]
    return project_dir() / "target" / "postgres" / "compiled" / "ar_warehouse" / "analyses"


def test_there_are_analyses():
    assert len(ANALYSES) >= 5


@pytest.mark.parametrize("analysis", ANALYSES, ids=lambda p: p.stem)
def test_bi_role_runs_the_analysis(compiled, analysis):
    sql = (compiled / analysis.name).read_text()
    assert '"marts"' in sql or "marts." in sql, f"{analysis.name} does not read the marts"
    role = os.environ.get("AR_PG_BI_ROLE", "bi_reader")
    con = postgres_connect(user=role, password=os.environ.get("AR_PG_BI_PASSWORD", "bi_reader_local"))
    con.set_session(readonly=True)
    try:
        with con.cursor() as cur:
            cur.execute("select current_user")
            assert cur.fetchone()[0] == role
            cur.execute(sql)
            rows = cur.fetchall()
    finally:
        con.close()
    assert rows, f"{analysis.name} returned no row on PostgreSQL for {role}"
