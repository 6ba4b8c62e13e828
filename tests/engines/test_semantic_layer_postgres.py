"""The semantic layer on PostgreSQL: `mf query` connected as the BI role (bi_reader, read-only)
answers every metric with what the PostgreSQL marts say, like tests/python/test_semantic_layer.py
on DuckDB. MetricFlow reads target/semantic_manifest.json (dbt parse) and the project's profile
with AR_TARGET=postgres; the BI role needs nothing but `select` on schema marts."""

from __future__ import annotations

import os

import pytest

from ar_warehouse import semantic
from ar_warehouse.engines import postgres_connect

pytest.importorskip("psycopg2")


def _bi_env() -> dict[str, str]:
    role = os.environ.get("AR_PG_BI_ROLE", "bi_reader")
    return {"AR_TARGET": "postgres", "AR_PG_USER": role,
            "AR_PG_PASSWORD": os.environ.get("AR_PG_BI_PASSWORD", "bi_reader_local")}


def test_every_metric_equals_the_postgres_marts(postgres_build):
    env = _bi_env()
    semantic.parse(env)

    def fetch(sql: str) -> list[tuple]:
        con = postgres_connect()
        try:
            with con.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        finally:
            con.close()

    compared = semantic.check_against_marts(fetch, env=env)
    assert len(compared["dso_standard"]) >= 12
    assert compared["collection_rate"] and compared["credit_utilisation"]
