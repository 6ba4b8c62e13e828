"""The BI role on PostgreSQL reads every mart and nothing else, and writes nothing.

Its rights come from the project itself: dbt `grants` on the marts
(dbt_project.yml) and the on-run-end macro ar_grant_schema_usage; the database
and the role are created by scripts/local_postgres.sh. Every relation of the
database is listed as the builder (owner), then tried as the BI role.
"""

from __future__ import annotations

import os

import pytest

from ar_warehouse.engines import postgres_connect

psycopg2 = pytest.importorskip("psycopg2")
from psycopg2 import errors  # noqa: E402

NOT_FOR_BI = ("landing", "seeds", "staging", "intermediate")


@pytest.fixture(scope="module")
def relations(postgres_build) -> dict[str, list[str]]:
    """schema -> relations (tables and views) of the project, as the owner sees them."""
    con = postgres_connect()
    try:
        with con.cursor() as cur:
            cur.execute("""
                select table_schema, table_name from information_schema.tables
                where table_schema in ('marts', 'landing', 'seeds', 'staging', 'intermediate', 'public')
                order by 1, 2""")
            found: dict[str, list[str]] = {}
            for schema, name in cur.fetchall():
                found.setdefault(schema, []).append(name)
            return found
    finally:
        con.close()


@pytest.fixture
def bi():
    role = os.environ.get("AR_PG_BI_ROLE", "bi_reader")
    con = postgres_connect(user=role, password=os.environ.get("AR_PG_BI_PASSWORD", "bi_reader_local"))
    con.autocommit = True
    try:
        yield con
    finally:
        con.close()


def _fails(con, sql: str, error=errors.InsufficientPrivilege) -> bool:
    with con.cursor() as cur:
        try:
            cur.execute(sql)
        except error:
            return True
    return False


def test_every_layer_was_built(relations):
    for schema in ("marts", *NOT_FOR_BI):
        assert relations.get(schema), f"no relation in schema {schema}: nothing to test there"


def test_bi_role_reads_every_mart(bi, relations):
    with bi.cursor() as cur:
        for mart in relations["marts"]:
            cur.execute(f"select count(*) from marts.{mart}")
            assert cur.fetchone()[0] > 0, f"marts.{mart} is empty for the BI role"


@pytest.mark.parametrize("schema", NOT_FOR_BI)
def test_bi_role_reads_nothing_outside_the_marts(bi, relations, schema):
    readable = [name for name in relations[schema] if not _fails(bi, f"select 1 from {schema}.{name} limit 1")]
    assert not readable, f"the BI role can read {schema}: {readable}"


def test_bi_role_cannot_change_a_mart(bi, relations):
    mart = "fct_ar_aged_balance_weekly"
    assert mart in relations["marts"]
    statements = [
        f"insert into marts.{mart} (snapshot_date) values (date '2000-01-01')",
        f"update marts.{mart} set balance = 0",
        f"delete from marts.{mart}",
        f"truncate marts.{mart}",
        f"alter table marts.{mart} add column x integer",
        f"drop table marts.{mart}",
        f"create index on marts.{mart} (customer_code)",
    ]
    allowed = [sql for sql in statements
               if not _fails(bi, sql, (errors.InsufficientPrivilege, errors.WrongObjectType))]
    assert not allowed, f"the BI role could run: {allowed}"


@pytest.mark.parametrize("sql", [
    "create table marts.bi_scratch (x integer)",
    "create view marts.bi_view as select 1 as x",
    "create table public.bi_scratch (x integer)",
    "create schema bi_scratch",
    "create temporary table bi_scratch (x integer)",
])
def test_bi_role_creates_nothing(bi, postgres_build, sql):
    assert _fails(bi, sql), f"the BI role could run: {sql}"


def test_bi_role_cannot_copy_out_the_raw_ledger(bi, postgres_build):
    assert _fails(bi, "select count(*) from landing.ledger_lines")
    assert _fails(bi, "copy landing.ledger_lines to stdout")
