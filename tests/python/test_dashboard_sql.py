"""The dashboard's datasets read marts and nothing else, in SQL every engine runs.

Static checks of dashboard/assets.py (no warehouse needed): each dataset is a plain select over
the project's marts and dimensions (joins, filters, sortable labels), with no business rule
(no CASE, COALESCE, window function or subquery: those become mart columns, tested in dbt) and
none of the DuckDB-only syntax PostgreSQL rejects. That the results are equal on both engines is
tests/engines/test_dashboard_datasets.py.
"""

from __future__ import annotations

import re
import sys

import pytest

from ar_warehouse.paths import project_dir

sys.path.insert(0, str(project_dir() / "dashboard"))

import assets  # noqa: E402

MARTS = {p.stem for p in (project_dir() / "models" / "marts").rglob("*.sql")}
# the marts of the issues under way: a dataset on one is left out until the mart is built
COMING = {need.partition(".")[0] for d in assets.datasets(assets.Dims([], [], [])).values() for need in d.needs}
DIMS = assets.Dims(
    buckets=[{"age_bucket": "not_due", "age_bucket_order": 1, "label_fr": "Non échu",
              "label_en": "Not due", "colour_hex": "#000000"}],
    statuses=[], causes=[],
)
NOT_PORTABLE = {
    "qualify": r"\bqualify\b",
    "group by all": r"\bgroup\s+by\s+all\b",
    "exclude": r"\bexclude\s*\(",
    "interval literal": r"\binterval\b",
    "cast with ::": r"::",
    "filter (where)": r"\bfilter\s*\(\s*where\b",
    "any_value / arg_min / arg_max": r"\b(any_value|arg_min|arg_max)\s*\(",
    "limit": r"\blimit\b",
}
BUSINESS_RULES = {
    "case": r"\bcase\b",
    "coalesce": r"\bcoalesce\s*\(",
    "window function": r"\bover\s*\(",
    "subquery": r"\(\s*select\b",
}
DATASETS = assets.datasets(DIMS)


def relations(sql: str) -> list[str]:
    return re.findall(r"\b(?:from|join)\s+([A-Za-z_][\w.]*)", sql, flags=re.IGNORECASE)


@pytest.mark.parametrize("key", sorted(DATASETS))
def test_dataset_reads_only_marts(key):
    ds = DATASETS[key]
    marts = MARTS | {t for t in COMING if t.startswith(("fct_ar_", "dim_"))}
    if ds.sql is None:
        assert ds.table_name in marts, f"{key}: marts.{ds.table_name} is not a mart"
        return
    found = relations(ds.sql)
    assert found, f"{key}: no relation found in its SQL"
    for name in found:
        schema, _, table = name.rpartition(".")
        assert schema == "marts" and table in marts, f"{key} reads {name}, not a mart"
        assert table in MARTS or table in {n.partition(".")[0] for n in ds.needs}, \
            f"{key} reads {name} (not built yet) without declaring it in `needs`"


@pytest.mark.parametrize("key", sorted(k for k, d in DATASETS.items() if d.sql))
def test_dataset_sql_is_portable_and_rule_free(key):
    sql = DATASETS[key].sql.lower()
    bad = [what for what, pattern in {**NOT_PORTABLE, **BUSINESS_RULES}.items() if re.search(pattern, sql)]
    assert not bad, f"{key} uses {bad}: make it a mart column (tested in dbt) instead"


def test_checks_catch_the_old_constructs():
    """The patterns find what the dashboard used to compute in Superset SQL."""
    old = ("select e.* exclude (collector), coalesce(a.collector, e.collector) from marts.x "
           "qualify row_number() over (order by 1) = 1 group by all "
           "where m > (select max(m) from marts.y) - interval 13 month")
    caught = {what for what, pattern in {**NOT_PORTABLE, **BUSINESS_RULES}.items() if re.search(pattern, old)}
    assert {"qualify", "group by all", "exclude", "interval literal", "coalesce", "window function",
            "subquery"} <= caught
    assert relations("select * from intermediate.int_x as i join marts.fct_y as f on 1 = 1") == [
        "intermediate.int_x", "marts.fct_y"]
