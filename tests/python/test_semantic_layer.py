"""The semantic layer (models/semantic/): every metric, queried with MetricFlow's `mf query` on
the demo warehouse, equals what the marts say (ar_warehouse.semantic.check_against_marts), for
every month and company (KPIs), month, company and collector (collection), snapshot and company
(outstanding), customer (credit exposure). The same check on PostgreSQL is in
tests/engines/test_semantic_layer_postgres.py."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ar_warehouse import semantic
from ar_warehouse.paths import project_dir
from conftest import demo_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    # mf opens the file read-write (dbt-duckdb): a copy, so nothing else holding the demo file conflicts
    copy = tmp_path_factory.mktemp("semantic") / "ar.duckdb"
    copy.write_bytes(demo_warehouse().read_bytes())
    manifest = semantic.parse({"AR_DUCKDB_PATH": str(copy), "AR_TARGET": "duckdb"})
    assert manifest.exists()
    return copy


def _fetch(warehouse: Path):
    def fetch(sql: str) -> list[tuple]:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    return fetch


def test_every_metric_equals_the_marts(warehouse):
    compared = semantic.check_against_marts(_fetch(warehouse), env={"AR_DUCKDB_PATH": str(warehouse),
                                                                      "AR_TARGET": "duckdb"})
    every = (semantic.KPI_METRICS + semantic.COLLECTION_METRICS + semantic.OUTSTANDING_METRICS
             + semantic.EXPOSURE_METRICS)
    missing = [m for m in every if not compared.get(m)]
    assert not missing, f"metrics never compared: {missing}"
    # a few months and companies at least, and values that are not all empty
    assert len({key[1] for key, *_ in compared["dso_standard"]}) >= 2
    assert len(compared["dso_standard"]) >= 12
    for metric in every:
        assert any(got is not None for _, got, _ in compared[metric]), f"{metric} is null everywhere"


def test_every_metric_of_the_yml_is_checked(warehouse):
    import json

    manifest = json.loads((project_dir() / "target" / "semantic_manifest.json").read_text())
    defined = {m["name"] for m in manifest["metrics"]}
    checked = set(semantic.KPI_METRICS + semantic.COLLECTION_METRICS + semantic.OUTSTANDING_METRICS
                  + semantic.EXPOSURE_METRICS + semantic.PROMISE_METRICS + semantic.BLOCKING_METRICS)
    # building blocks of the ratios, checked through them
    blocks = {"ar_opening_balance", "period_days", "trailing_3m_net_sales", "trailing_3m_days",
              "limited_balance_metric", "granted_credit_limit_metric",
              # building blocks of the promise / blocking metrics
              "promises_evaluated", "promises_kept", "episodes_resolved", "resolution_days_total",
              "promised_amount_collected", "promised_amount_evaluated"}
    assert defined - blocks <= checked, f"metrics without a check: {sorted(defined - blocks - checked)}"


def test_promise_and_blocking_metrics_are_defined():
    """The collection-work marts have their metrics, which test_every_metric_equals_the_marts checks."""
    defined = semantic.defined_metrics()
    assert set(semantic.PROMISE_METRICS + semantic.BLOCKING_METRICS) <= defined


def test_a_filtered_query_answers(warehouse):
    """What a BI tool sends: a metric by a dimension with a filter (the latest snapshot)."""
    rows = semantic.mf_query(["outstanding"], ["outstanding_line__age_bucket"],
                             where="{{ Dimension('outstanding_line__is_latest') }}",
                             env={"AR_DUCKDB_PATH": str(warehouse), "AR_TARGET": "duckdb"})
    got = {r["outstanding_line__age_bucket"]: float(r["outstanding"]) for r in rows}
    want = dict(_fetch(warehouse)("select age_bucket, sum(outstanding_amount) from marts.fct_ar_outstanding_weekly "
                                  "where is_latest group by age_bucket"))
    assert set(got) == set(want)
    for bucket, amount in want.items():
        assert abs(got[bucket] - float(amount)) <= 0.005, bucket
