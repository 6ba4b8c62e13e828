"""Every Superset dataset of dashboard/assets.py gives the same rows on DuckDB and PostgreSQL.

The datasets are plain selects over marts and dimensions (tests/python/test_dashboard_sql.py
checks their SQL has no engine-specific syntax); here each one runs on the DuckDB build and on
the PostgreSQL build of the same landing data (the engine fixtures of conftest.py), and the
results are compared like the marts are (test_equivalence.compare: text, dates, integers and
flags equal, money to the cent, other decimals within 1e-6). A Metabase or Power BI user on the
PostgreSQL target thus reads the same figures as the Superset dashboard on DuckDB.
"""

from __future__ import annotations

import sys

import duckdb
import pytest

from ar_warehouse.paths import project_dir
from test_equivalence import MAX_REPORTED, Kinds, Mart, compare

sys.path.insert(0, str(project_dir() / "dashboard"))

import assets  # noqa: E402


def dataset_sql(ds: assets.Dataset) -> str:
    return f"select * from {ds.relation} as ds"


@pytest.fixture(scope="session")
def duckdb_datasets(duckdb_build) -> dict[str, tuple[Mart, list[str]]]:
    con = duckdb.connect(str(duckdb_build.location), read_only=True)
    try:
        out = {}
        for key, ds in assets.datasets(assets.read_dims(con)).items():
            result = con.execute(dataset_sql(ds))
            mart = Mart([d[0] for d in result.description], result.fetchall())
            types = [r[1] for r in con.execute(f"describe {dataset_sql(ds)}").fetchall()]
            out[key] = (mart, types)
        return out
    finally:
        con.close()


@pytest.fixture(scope="session")
def postgres_datasets(postgres_build, duckdb_build) -> dict[str, Mart]:
    from ar_warehouse.engines import postgres_connect

    dims_con = duckdb.connect(str(duckdb_build.location), read_only=True)
    try:
        dims = assets.read_dims(dims_con)
    finally:
        dims_con.close()
    con = postgres_connect()
    try:
        out = {}
        with con.cursor() as cur:
            for key, ds in assets.datasets(dims).items():
                cur.execute(dataset_sql(ds))
                out[key] = Mart([d.name for d in cur.description], [tuple(r) for r in cur.fetchall()])
        return out
    finally:
        con.close()


def dataset_keys() -> list[str]:
    dims = assets.Dims(buckets=[], statuses=[], causes=[])
    return sorted(assets.datasets(dims))


@pytest.mark.parametrize("key", dataset_keys())
def test_dataset_is_identical_on_postgres(duckdb_datasets, postgres_datasets, key):
    if key not in duckdb_datasets:
        pytest.skip(f"dataset {key}: its mart is not built yet (another issue)")
    expected, types = duckdb_datasets[key]
    assert expected.rows, f"dataset {key} is empty on DuckDB: the comparison would prove nothing"
    problems = compare(key, expected, postgres_datasets[key], Kinds.of(types))
    assert not problems, f"dataset {key} on PostgreSQL differs from DuckDB:\n  " + "\n  ".join(
        problems[:MAX_REPORTED])
