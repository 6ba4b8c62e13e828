"""The semantic layer (models/semantic/, docs/bi-tools.md) queried with MetricFlow's `mf query`,
and the check that each metric equals what the marts say.

`mf query` reads target/semantic_manifest.json, which `dbt parse` writes, and connects with the
project's dbt profile (AR_TARGET picks DuckDB or PostgreSQL, as for dbt itself).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from .paths import project_dir

# The metrics the check covers (every metric of models/semantic/_semantic__models.yml).
KPI_METRICS = ["ar_balance", "ar_not_due", "net_credit_sales", "dso_countback", "dso_standard",
               "dso_average_balance", "bpdso", "add_days", "cei"]
COLLECTION_METRICS = ["amount_to_collect", "amount_collected", "collection_rate",
                      "unapplied_payments_base", "unapplied_payments_lettered", "unapplied_lettering_rate"]
OUTSTANDING_METRICS = ["outstanding", "overdue", "not_due", "open_debits", "overdue_ratio", "not_due_share"]
EXPOSURE_METRICS = ["credit_utilisation", "over_limit_count"]
# Over the collection-work marts fct_ar_promises_monthly and fct_ar_blocking_monthly.
PROMISE_METRICS = ["promise_kept_rate", "promised_amount_collected_rate"]
BLOCKING_METRICS = ["avg_resolution_days"]


def defined_metrics(manifest: Path | None = None) -> set[str]:
    """The metric names of target/semantic_manifest.json."""
    import json

    path = manifest or project_dir() / "target" / "semantic_manifest.json"
    return {m["name"] for m in json.loads(path.read_text())["metrics"]}

Fetch = Callable[[str], list[tuple]]


class SemanticError(RuntimeError):
    pass


def _mf_bin() -> str:
    return str(Path(sys.executable).with_name("mf"))


def _dbt_bin() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def parse(env: dict[str, str] | None = None) -> Path:
    """`dbt parse`: writes target/semantic_manifest.json (no connection needed)."""
    from .build import dbt_target_lock

    root = project_dir()
    # `mf query` loads <project>/target/semantic_manifest.json whatever $DBT_TARGET_PATH says
    # (dbt-metricflow's build_semantic_manifest_from_dbt_project_root); the parse writes there,
    # in turn with a build whose dbt step uses that folder
    with dbt_target_lock(folder=root / "target", log=lambda *_: None):
        proc = subprocess.run([_dbt_bin(), "parse", "--profiles-dir", str(root), "--project-dir", str(root),
                               "--quiet", "--target-path", str(root / "target")],
                              cwd=root, env=_env(env), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SemanticError(f"dbt parse failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return root / "target" / "semantic_manifest.json"


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env.setdefault("AR_PROJECT_DIR", str(project_dir()))
    env.update(extra or {})
    return env


def mf_query(metrics: Iterable[str], group_by: Iterable[str], *, where: str | None = None,
             env: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Rows of `mf query --metrics ... --group-by ...` as dicts of strings ('' for null)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.csv"
        cmd = [_mf_bin(), "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
               "--csv", str(out)]
        if where:
            cmd += ["--where", where]
        proc = subprocess.run(cmd, cwd=project_dir(), env=_env(env), capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not out.exists():
            raise SemanticError(f"mf query failed ({' '.join(cmd[2:])}):\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
        with out.open(newline="") as fh:
            return list(csv.DictReader(fh))


def _day(value) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    return str(value)[:10]


def _num(value) -> float | None:
    if value is None or value == "":
        return None
    return float(value) if not isinstance(value, Decimal) else float(value)


def _close(a: float | None, b: float | None, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


# metric -> (mart expression, tolerance): money to the cent, ratios within the marts' rounding
_KPI_SQL = {
    "ar_balance": ("ar_balance", 0.005), "ar_not_due": ("ar_not_due", 0.005),
    "net_credit_sales": ("net_credit_sales", 0.005), "dso_countback": ("dso_countback", 1e-6),
    "dso_standard": ("dso_standard", 1e-6), "dso_average_balance": ("dso_average_balance", 1e-6),
    "bpdso": ("bpdso", 1e-6), "add_days": ("add_days", 1e-6), "cei": ("cei", 1e-6),
}
# the marts round DSOs to 4 decimals and CEI to 6: compare within half a unit of that
_ROUNDING = {"dso_countback": 5e-5, "dso_standard": 5e-5, "dso_average_balance": 5e-5, "bpdso": 5e-5,
             "add_days": 1e-4, "cei": 5e-7}


def check_against_marts(fetch: Fetch, env: dict[str, str] | None = None) -> dict[str, list[tuple]]:
    """Query every metric with `mf query` and compare with the marts (read with `fetch`).

    Returns metric -> list of (key, semantic value, mart value) for every compared cell; raises
    AssertionError listing the mismatches.
    """
    compared: dict[str, list[tuple]] = {}
    problems: list[str] = []

    def compare(metric: str, key: tuple, got: float | None, want: float | None, tol: float) -> None:
        compared.setdefault(metric, []).append((key, got, want))
        if not _close(got, want, tol):
            problems.append(f"{metric} {key}: semantic layer {got!r} != mart {want!r}")

    # ---- DSO family and CEI: every month and company of fct_ar_kpis_monthly
    rows = mf_query(KPI_METRICS, ["metric_time__month", "company"], env=env)
    got = {(_day(r["metric_time__month"]), r["company"]): r for r in rows}
    mart = fetch("select month_start_date, company_code, " + ", ".join(e for e, _ in _KPI_SQL.values())
                 + " from marts.fct_ar_kpis_monthly")
    assert mart, "fct_ar_kpis_monthly is empty"
    for row in mart:
        key = (_day(row[0]), row[1])
        assert key in got, f"the semantic layer has no KPI row for {key}"
        for (metric, (_, tol)), want in zip(_KPI_SQL.items(), row[2:]):
            compare(metric, key, _num(got[key][metric]), _num(want), max(tol, _ROUNDING.get(metric, 0)))

    # ---- collection rate and unapplied lettering rate: every month, company and collector
    rows = mf_query(COLLECTION_METRICS, ["metric_time__month", "company", "collector"], env=env)
    got = {(_day(r["metric_time__month"]), r["company"], r["collector"]): r for r in rows}
    mart = fetch("select month_start_date, company_code, collector, " + ", ".join(COLLECTION_METRICS)
                 + " from marts.fct_ar_collection_monthly")
    assert mart, "fct_ar_collection_monthly is empty"
    for row in mart:
        key = (_day(row[0]), row[1], row[2])
        assert key in got, f"the semantic layer has no collection row for {key}"
        for metric, want in zip(COLLECTION_METRICS, row[3:]):
            tol = 1e-6 if metric.endswith("_rate") else 0.005
            compare(metric, key, _num(got[key][metric]), _num(want), tol)

    # ---- outstanding, overdue, shares: every snapshot and company, against the aged balance
    rows = mf_query(OUTSTANDING_METRICS, ["metric_time__day", "company"], env=env)
    got = {(_day(r["metric_time__day"]), r["company"]): r for r in rows}
    mart = fetch("""
        select snapshot_date, company_code, sum(balance), sum(overdue_total), sum(not_due),
               sum(not_due) + sum(overdue_total)
        from marts.fct_ar_aged_balance_weekly group by snapshot_date, company_code""")
    assert mart, "fct_ar_aged_balance_weekly is empty"
    for row in mart:
        key = (_day(row[0]), row[1])
        assert key in got, f"the semantic layer has no outstanding row for {key}"
        balance, overdue, not_due, open_debits = (_num(v) for v in row[2:])
        wants = {"outstanding": balance, "overdue": overdue, "not_due": not_due, "open_debits": open_debits,
                 "overdue_ratio": overdue / open_debits if open_debits else None,
                 "not_due_share": not_due / open_debits if open_debits else None}
        for metric, want in wants.items():
            compare(metric, key, _num(got[key][metric]), want,
                    1e-9 if metric.endswith(("ratio", "share")) else 0.005)

    # ... and at month grain a balance is the month's last snapshot, not a sum of snapshots
    rows = mf_query(["outstanding"], ["metric_time__month", "company"], env=env)
    got = {(_day(r["metric_time__month"]), r["company"]): r for r in rows}
    mart = fetch("""
        with last_snapshot as (
            select company_code, max(snapshot_date) as snapshot_date
            from marts.fct_ar_aged_balance_weekly
            group by company_code, extract(year from snapshot_date), extract(month from snapshot_date))
        select a.snapshot_date, a.company_code, sum(a.balance)
        from marts.fct_ar_aged_balance_weekly as a
        inner join last_snapshot as l on a.company_code = l.company_code and a.snapshot_date = l.snapshot_date
        group by a.snapshot_date, a.company_code""")
    for row in mart:
        key = (_day(row[0])[:8] + "01", row[1])
        compare("outstanding (month)", key, _num(got[key]["outstanding"]), _num(row[2]), 0.005)

    # ---- credit utilisation per customer and the over-limit count
    rows = mf_query(EXPOSURE_METRICS, ["customer"], env=env)
    got = {r["customer"]: r for r in rows}
    mart = fetch("select company_code || '|' || customer_code, utilisation, "
                 "case when is_over_limit then 1 else 0 end from marts.fct_ar_credit_exposure")
    for row in mart:
        key = row[0]
        semantic = got.get(key, {})
        compare("credit_utilisation", key, _num(semantic.get("credit_utilisation")), _num(row[1]), 1e-6)
        compare("over_limit_count", key, _num(semantic.get("over_limit_count")) or 0.0, float(row[2]), 0)
    total = mf_query(["over_limit_count", "credit_utilisation"], ["company"], env=env)
    mart = dict((r[0], r[1:]) for r in fetch("""
        select company_code, sum(case when is_over_limit then 1 else 0 end),
               sum(case when credit_limit > 0 then balance end) / sum(case when credit_limit > 0 then credit_limit end)
        from marts.fct_ar_credit_exposure group by company_code"""))
    for r in total:
        compare("over_limit_count (company)", r["company"], _num(r["over_limit_count"]), _num(mart[r["company"]][0]), 0)
        compare("credit_utilisation (company)", r["company"], _num(r["credit_utilisation"]),
                _num(mart[r["company"]][1]), 1e-9)

    # ---- promise-kept rate and average resolution days
    defined = defined_metrics()
    if set(PROMISE_METRICS) <= defined:
        rows = mf_query(PROMISE_METRICS, ["metric_time__month", "company", "collector"], env=env)
        got = {(_day(r["metric_time__month"]), r["company"], r["collector"]): r for r in rows}
        for row in fetch("select month_start_date, company_code, collector, promise_kept_rate, "
                         "promised_amount_collected_rate from marts.fct_ar_promises_monthly"):
            key = (_day(row[0]), row[1], row[2])
            for metric, want in zip(PROMISE_METRICS, row[3:]):
                compare(metric, key, _num(got.get(key, {}).get(metric)), _num(want), 1e-6)
    if set(BLOCKING_METRICS) <= defined:
        rows = mf_query(BLOCKING_METRICS, ["metric_time__month", "company", "blocking_month__blocking_cause"], env=env)
        got = {(_day(r["metric_time__month"]), r["company"], r["blocking_month__blocking_cause"]): r for r in rows}
        for row in fetch("select month_start_date, company_code, blocking_cause, avg_resolution_days "
                         "from marts.fct_ar_blocking_monthly"):
            key = (_day(row[0]), row[1], row[2])
            # the mart's average times its count is the sum of the days, to the mart's rounding
            compare("avg_resolution_days", key, _num(got.get(key, {}).get("avg_resolution_days")), _num(row[3]),
                    1e-4)

    if problems:
        raise AssertionError(f"{len(problems)} semantic-layer values differ from the marts:\n"
                             + "\n".join(problems[:40]))
    return compared
