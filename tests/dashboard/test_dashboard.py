"""The receivables dashboard in Superset shows the marts' numbers, and renders in a browser.

1. Every chart's data through Superset's chart-data API, unfiltered (the query context saved
   with the chart: GET /api/v1/chart/<id>/data/) and with the dashboard's filters applied as the
   dashboard applies them (POST /api/v1/chart/data), equals the same figure computed here
   directly on the marts with DuckDB.
2. The dashboard opened in headless Chromium (logged in with a session cookie over the DevTools
   protocol) draws every chart, none shows an error, and each chart got from Superset the same
   data as the API answered in 1; a screenshot is saved (build/test/dashboard.png).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
import math
import os
import re
import time
import urllib.parse
from pathlib import Path

import pytest

import assets
import browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = Path(os.environ.get("ARW_DASHBOARD_SCREENSHOT") or ROOT / "build" / "test" / "dashboard.png")

def chart_specs(con) -> dict[str, assets.Chart]:
    return {c.key: c for c in assets.charts(assets.read_dims(con))}


# ---- helpers ---------------------------------------------------------------------------------

def rows(con, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def where(flt: dict[str, list], exprs: dict[str, str]) -> tuple[str, list]:
    """SQL predicate for the filters a chart applies; `exprs` maps filter -> column expression."""
    parts, params = [], []
    for column, values in flt.items():
        parts.append(f"{exprs[column]} in ({', '.join('?' for _ in values)})")
        params += values
    return " and ".join(parts) or "true", params


def ms(day: dt.date) -> int:
    """Superset sends dates as epoch milliseconds."""
    return calendar.timegm(day.timetuple()) * 1000


def num(v):
    if v is None:
        return None
    if isinstance(v, dt.date):
        return ms(v)
    if isinstance(v, (int, float, str, bool)):
        return v
    return float(v)  # Decimal


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def assert_same(actual, expected, what: str) -> None:
    """Dicts: same keys, close values. Lists: same length, same rows in the same order."""
    if isinstance(expected, dict):
        missing = sorted(set(expected) - set(actual), key=str)[:5]
        extra = sorted(set(actual) - set(expected), key=str)[:5]
        assert not missing and not extra, f"{what}: keys missing {missing}, unexpected {extra}"
        wrong = [(k, actual[k], expected[k]) for k in expected if not same(actual[k], expected[k])]
        assert not wrong, f"{what}: {len(wrong)} values differ, e.g. {wrong[:3]}"
    else:
        assert len(actual) == len(expected), f"{what}: {len(actual)} rows, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert len(a) == len(e) and all(same(x, y) for x, y in zip(a, e)), \
                f"{what}: row {i} is {a}, expected {e}"


# ---- what a chart shows, from a chart-data response -----------------------------------------

def shown(chart: assets.Chart, results: list[dict]):
    """The figures of a chart-data response, in the shape the expectations below use."""
    p = chart.params
    if chart.viz_type == "big_number_total":
        return {(): results[0]["data"][0][p["metric"]["label"]]}
    if chart.viz_type in ("echarts_timeseries_bar", "echarts_timeseries_line", "mixed_timeseries"):
        out = {}
        for result in results:
            for row in result["data"]:
                for key, value in row.items():
                    if key != p["x_axis"] and value is not None and not (isinstance(value, float) and math.isnan(value)):
                        out[(row[p["x_axis"]], key)] = value
        if p.get("x_axis_sort"):  # categories in their order
            return [(row[p["x_axis"]], *[v for k, v in row.items() if k != p["x_axis"]])
                    for row in results[0]["data"]]
        return out
    if p["query_mode"] == "raw":
        return [tuple(num(row[c]) for c in p["all_columns"]) for row in results[0]["data"]]
    labels = [m["label"] for m in p["metrics"]]
    body = [tuple([*(row[g] for g in p["groupby"]), *(row[m] for m in labels)]) for row in results[0]["data"]]
    if p.get("show_totals"):
        body.append(("Total", *(results[1]["data"][0][m] for m in labels)))
    return body


# ---- the same figures, straight from the marts ------------------------------------------------

LATEST_AGED = "a.snapshot_date = (select max(snapshot_date) from marts.fct_ar_aged_balance_weekly)"
AGED = {"company_code": "a.company_code", "collector": "a.collector",
        "customer_group": "a.customer_group"}


def aged_total(expr: str):
    def expected(con, flt):
        w, params = where(flt, AGED)
        return {(): num(rows(con, f"select {expr} from marts.fct_ar_aged_balance_weekly as a "
                                  f"where {LATEST_AGED} and {w}", params)[0][0])}
    return expected


def latest_snapshots(n: int) -> str:
    """The n latest snapshot dates of the calendar (whether a mart has rows on them or not)."""
    return (f"(select date_day from marts.dim_calendar where is_snapshot_date and date_day <= "
            f"(select max(date_day) from marts.dim_calendar where is_as_of_date) "
            f"order by date_day desc limit {n})")


def latest_weeks(table: str, n: int) -> str:
    return (f"(select snapshot_date from (select distinct snapshot_date from marts.{table}) "
            f"order by snapshot_date desc limit {n})")


DIMS = {  # mart label columns -> dimension giving the order and the French label
    "age_bucket": ("marts.dim_age_buckets", "age_bucket", "age_bucket_order"),
    "dunning_status": ("marts.dim_dunning_statuses", "dunning_status", "dunning_status_order"),
    "blocking_cause": ("marts.dim_blocking_causes", "blocking_cause", "blocking_cause_order"),
}
OUT = {"company_code": "o.company_code", "collector": "o.collector",
       "customer_group": "o.customer_group"}


def outstanding_trend(dim: str, extra: str = "true"):
    table, key, order = DIMS[dim]

    def expected(con, flt):
        w, params = where(flt, OUT)
        return {(ms(day), label): num(v) for day, label, v in rows(con, f"""
            select o.snapshot_date, d.{order} || '. ' || d.label_fr, sum(o.outstanding_amount)
            from marts.fct_ar_outstanding_weekly as o
            join {table} as d on o.{key} = d.{key}
            where o.snapshot_date in {latest_weeks('fct_ar_outstanding_weekly', 26)}
              and {extra} and {w}
            group by all""", params)}
    return expected


def outstanding_two_weeks(dim: str):
    table, key, order = DIMS[dim]

    def expected(con, flt):
        w, params = where(flt, OUT)
        body = rows(con, f"""
            with weeks as (
                select snapshot_date, row_number() over (order by snapshot_date desc) as n
                from (select distinct snapshot_date from marts.fct_ar_outstanding_weekly))
            select d.{order} || '. ' || d.label_fr,
                sum(case when n = 1 then o.outstanding_amount else 0 end),
                sum(case when n = 2 then o.outstanding_amount else 0 end)
            from marts.fct_ar_outstanding_weekly as o
            join weeks on o.snapshot_date = weeks.snapshot_date and weeks.n <= 2
            join {table} as d on o.{key} = d.{key}
            where {w}
            group by d.{order}, d.label_fr order by d.{order}""", params)
        table_rows = [(label, num(a), num(b), num(a) - num(b)) for label, a, b in body]
        totals = [sum(r[i] for r in table_rows) for i in (1, 2, 3)]
        return table_rows + [("Total", *totals)]
    return expected


def cash_receipts(con, flt):
    w, params = where(flt, {"company_code": "r.company_code", "collector": "r.collector",
                            "customer_group": "c.customer_group"})
    out = {}
    for day, lettered, unlettered, credit_notes in rows(con, f"""
            select r.snapshot_date, sum(r.payments_lettered), sum(r.payments_unlettered),
                sum(r.credit_notes_issued)
            from marts.fct_ar_cash_receipts_weekly as r
            left join marts.dim_customers as c
                on r.company_code = c.company_code and r.customer_code = c.customer_code
            where r.snapshot_date in {latest_snapshots(26)} and {w}
            group by 1""", params):
        out[(ms(day), "1. Règlements lettrés")] = num(lettered)
        out[(ms(day), "2. Règlements non lettrés")] = num(unlettered)
        out[(ms(day), "Avoirs émis")] = num(credit_notes)
    return out


THIS_MONTH = "month_start_date = (select max(month_start_date) from marts.fct_ar_collection_monthly)"


def collection_rate(con, flt):
    w, params = where(flt, {"company_code": "company_code", "collector": "collector",
                            "customer_group": "customer_group"})
    return {(): num(rows(con, f"""
        select sum(amount_collected) / sum(amount_to_collect)
        from marts.fct_ar_collection_monthly_by_customer_group where {THIS_MONTH} and {w}""",
                         params)[0][0])}


def collection_by_collector(con, flt):
    w, params = where(flt, {"company_code": "company_code", "collector": "collector",
                            "customer_group": "customer_group"})
    sql = f"""
        select {{key}} sum(amount_to_collect), sum(amount_collected),
            sum(amount_collected) / nullif(sum(amount_to_collect), 0), sum(remaining_to_collect)
        from marts.fct_ar_collection_monthly_by_customer_group where {THIS_MONTH} and {w}"""
    body = rows(con, sql.format(key="collector,") + " group by collector order by 2 desc", params)
    total = rows(con, sql.format(key=""), params)[0]
    return [tuple(num(v) for v in r) for r in body] + [("Total", *(num(v) for v in total))]


def collection_daily(con, flt):
    w, params = where(flt, {"company_code": "company_code", "collector": "collector"})
    out = {}
    for day, collected, target, remaining in rows(con, f"""
            select date_day, sum(amount_collected_to_date), sum(amount_to_collect),
                sum(remaining_to_collect)
            from marts.fct_ar_collection_daily where {THIS_MONTH} and {w} group by 1""", params):
        out[(ms(day), "Recouvré cumulé")] = num(collected)
        out[(ms(day), "Objectif (à recouvrer)")] = num(target)
        out[(ms(day), "Reste à recouvrer")] = num(remaining)
    return out


def due_schedule(con, flt):
    w, params = where(flt, {"company_code": "d.company_code", "collector": "d.collector",
                            "customer_group": "d.customer_group"})
    return [(label, num(v)) for label, v in rows(con, f"""
        select d.due_bucket_order || '. ' || d.due_bucket_label_fr, sum(d.amount)
        from marts.fct_ar_due_schedule as d
        where {w} group by d.due_bucket_order, d.due_bucket_label_fr order by d.due_bucket_order""",
                                                params)]


def forecast(con, flt):
    w, params = where(flt, {"company_code": "company_code"})
    return {(ms(week), assets.sort_label(order, label)): num(v) for week, order, label, v in rows(con, f"""
        select expected_week_start, forecast_line_order, forecast_line_label_fr, sum(expected_amount)
        from marts.fct_ar_collection_forecast where {w} group by all""", params)}


LAST_13_MONTHS = ("month_start_date in (select month_start_date from (select distinct "
                  "month_start_date from marts.fct_ar_kpis_monthly) order by 1 desc limit 13)")


def kpi_lines(columns: dict[str, str], scale: float = 1.0, single: bool = False):
    def expected(con, flt):
        w, params = where(flt, {"company_code": "company_code"})
        out = {}
        for label, column in columns.items():
            for month_end, company, v in rows(con, f"""
                    select month_end_date, company_code, {column} from marts.fct_ar_kpis_monthly
                    where {LAST_13_MONTHS} and {w}""", params):
                if v is not None:
                    out[(ms(month_end), company if single else f"{label}, {company}")] = num(v) * scale
        return out
    return expected


def kpi_table(con, flt):
    w, params = where(flt, {"company_code": "company_code"})
    return [tuple(num(v) for v in r) for r in rows(con, f"""
        select month_end_date, company_code, ar_balance, net_credit_sales, dso_countback,
            dso_standard, dso_average_balance, bpdso, add_days, cei
        from marts.fct_ar_kpis_monthly where {LAST_13_MONTHS} and {w}
        order by month_end_date desc, company_code""", params)]


def top_customers(con, flt):
    """The mart's main status / cause (rules tested in dbt) with their FR labels."""
    buckets = [b for (b,) in rows(con, "select age_bucket from marts.dim_age_buckets order by age_bucket_order")]
    w, params = where(flt, {"company_code": "t.company_code", "collector": "t.collector",
                            "customer_group": "t.customer_group"})
    got = rows(con, f"""
        select t.overall_rank, t.customer_name, t.customer_group, t.collector, t.balance,
            {', '.join('t.' + b for b in buckets)}, s.label_fr, b.label_fr, t.blocked_amount,
            t.credit_limit, t.available_credit
        from marts.fct_ar_top_customers as t
        left join marts.dim_dunning_statuses as s on t.main_dunning_status = s.dunning_status
        left join marts.dim_blocking_causes as b on t.main_blocking_cause = b.blocking_cause
        where {w} order by t.balance desc, t.company_code, t.customer_code limit 100""", params)
    return [tuple(num(v) for v in r) for r in got]


def over_limit(con, flt):
    w, params = where(flt, {"company_code": "e.company_code", "collector": "e.collector",
                            "customer_group": "e.customer_group"})
    return [tuple(num(v) for v in r) for r in rows(con, f"""
        select e.customer_name, e.customer_group, e.collector, e.credit_limit,
            e.insured_limit, e.balance, e.overdue_total, e.available_credit, e.utilisation
        from marts.fct_ar_credit_exposure as e
        where e.is_over_limit and {w}
        order by e.available_credit, e.company_code, e.customer_code""", params)]


def over_limit_count(con, flt):
    return {(): len(over_limit(con, flt))}


def as_of_date(con, flt):
    assert not flt, "the as-of date ignores the filters"
    return {(): ms(rows(con, "select max(snapshot_date) from marts.fct_ar_aged_balance_weekly")[0][0])}


# ---- Recouvrement (DEFINITIONS §10–§15 marts) ---------------------------------------------------

WL = {"company_code": "w.company_code", "collector": "w.collector", "customer_group": "c.customer_group"}


def worklist(con, flt):
    w, params = where(flt, WL)
    return [tuple(num(v) for v in r) for r in rows(con, f"""
        select w.collector, w.priority_rank, w.priority, c.customer_name, w.document_number,
            w.open_overdue_amount, w.days_past_due, s.label_fr, w.dunning_level, b.label_fr,
            w.promised_date, w.latest_promise_outcome, w.insurer_status, w.insurer_deadline,
            w.last_action_date, w.last_action_type
        from marts.fct_ar_collection_worklist as w
        left join marts.dim_customers as c
            on w.company_code = c.company_code and w.customer_code = c.customer_code
        left join marts.dim_dunning_statuses as s on w.dunning_status = s.dunning_status
        left join marts.dim_blocking_causes as b on w.blocking_cause = b.blocking_cause
        where {w} order by w.collector, w.priority_rank limit 5000""", params)]


def promise_kept_rate(con, flt):
    w, params = where(flt, {"company_code": "company_code", "collector": "collector"})
    return {(ms(month), collector): num(rate) for month, collector, rate in rows(con, f"""
        select month_start_date, collector,
            sum(kept_count) / nullif(sum(kept_count) + sum(partially_kept_count) + sum(broken_count), 0)
        from marts.fct_ar_promises_monthly where {w} group by 1, 2""", params) if rate is not None}


def blocked_by_cause_monthly(con, flt):
    w, params = where(flt, {"company_code": "m.company_code"})
    out = {(ms(month), label): num(v) for month, label, v in rows(con, f"""
        select m.month_start_date, b.blocking_cause_order || '. ' || b.label_fr,
            sum(m.blocked_amount_at_end)
        from marts.fct_ar_blocking_monthly as m
        join marts.dim_blocking_causes as b on m.blocking_cause = b.blocking_cause
        where {w} group by 1, 2""", params)}
    for month, days in rows(con, f"""
            select m.month_start_date,
                sum(m.avg_resolution_days * m.episodes_resolved) / nullif(sum(m.episodes_resolved), 0)
            from marts.fct_ar_blocking_monthly as m where {w} group by 1""", params):
        if days is not None:
            out[(ms(month), "Délai moyen de résolution (jours)")] = num(days)
    return out


ROLLS = """marts.fct_ar_roll_rates_weekly as r
        join marts.dim_calendar as cal on r.snapshot_date = cal.date_day"""


def roll_rate_matrix(con, flt):
    dims = assets.read_dims(con)
    to_buckets = [*[b["age_bucket"] for b in dims.buckets if b["age_bucket"] != "unapplied"],
                  "settled"]
    w, params = where(flt, {"company_code": "r.company_code"})
    shares = ", ".join(f"sum(case when r.to_bucket = '{b}' then r.amount else 0 end) / "
                       f"nullif(sum(r.amount), 0)" for b in to_buckets)
    return [tuple(num(v) for v in row) for row in rows(con, f"""
        select r.from_bucket_order || '. ' || r.from_bucket, {shares}
        from {ROLLS}
        where cal.weekly_snapshot_rank_from_latest = 1 and {w}
        group by r.from_bucket_order, r.from_bucket order by min(r.from_bucket_order)""", params)]


def roll_forward_trend(con, flt):
    pairs = assets.roll_forward_pairs(assets.read_dims(con))
    w, params = where(flt, {"company_code": "r.company_code"})
    nxt = " ".join(f"when r.from_bucket = '{a}' and r.to_bucket = '{b}' then r.amount" for a, b in pairs)
    froms = ", ".join(f"'{a}'" for a, _ in pairs)
    return {(ms(day), label): num(v) for day, label, v in rows(con, f"""
        select r.snapshot_date, r.from_bucket_order || '. ' || r.from_bucket,
            sum(case {nxt} else 0 end) / nullif(sum(r.amount), 0)
        from {ROLLS}
        where cal.weekly_snapshot_rank_from_latest <= 26 and r.from_bucket in ({froms}) and {w}
        group by 1, 2""", params) if v is not None}


def payment_ratings(con, flt):
    w, params = where(flt, {"company_code": "p.company_code", "customer_group": "c.customer_group"})
    return [(rating, num(n)) for rating, n in rows(con, f"""
        select p.payment_rating, count(*)
        from marts.fct_ar_payment_behaviour_monthly as p
        join marts.dim_calendar as cal on p.month_end_date = cal.date_day
        left join marts.dim_customers as c
            on p.company_code = c.company_code and p.customer_code = c.customer_code
        where cal.months_before_as_of = 0 and {w}
        group by 1 order by 1""", params)]


# ---- Conformité & assurance-crédit (DEFINITIONS §16–§17 marts) --------------------------------

NO_COLLECTOR = {"company_code": "t.company_code", "customer_group": "c.customer_group"}
WITH_CUSTOMER = """left join marts.dim_customers as c
            on t.company_code = c.company_code and t.customer_code = c.customer_code"""


def statutory_delays(con, flt):
    w, params = where(flt, {"company_code": "t.company_code"})
    return [tuple(num(v) for v in r) for r in rows(con, f"""
        select t.fiscal_year_end, t.company_code, t.table_label_fr, t.lateness_band_label_fr,
            t.invoice_count, t.amount, t.pct_of_revenue, t.pct_of_invoice_count, t.pct_of_invoice_amount
        from marts.fct_ar_statutory_payment_delays as t
        join marts.dim_calendar as cal on t.fiscal_year_end = cal.date_day
        where cal.fiscal_year_end_rank_from_latest = 1 and {w}
        order by t.company_code, t.table_code, t.lateness_band_order""", params)]


def claims_by_customer(con, flt):
    w, params = where(flt, NO_COLLECTOR)
    sql = f"""
        select {{key}} count(*), sum(t.penalty_amount), sum(t.recovery_indemnity_amount),
            sum(t.penalty_amount) + sum(t.recovery_indemnity_amount)
        from marts.fct_ar_late_payment_claims as t {WITH_CUSTOMER} where {w}"""
    body = rows(con, sql.format(key="c.customer_name,") + " group by c.customer_name order by 5 desc limit 100",
                params)
    total = rows(con, sql.format(key=""), params)[0]
    return [tuple(num(v) for v in r) for r in body] + [("Total", *(num(v) for v in total))]


def terms_beyond_legal_max(con, flt):
    w, params = where(flt, NO_COLLECTOR)
    return [tuple(num(v) for v in r) for r in rows(con, f"""
        select c.customer_name, t.document_number, t.due_date, t.settled_on, t.days_late,
            t.penalty_amount
        from marts.fct_ar_late_payment_claims as t {WITH_CUSTOMER}
        where t.terms_exceed_legal_max and {w} order by t.days_late desc limit 1000""", params)]


def insured_exposure(con, flt):
    w, params = where(flt, {"company_code": "e.company_code", "customer_group": "e.customer_group"})
    sql = f"""
        select {{key}} sum(e.balance), sum(e.covered_balance), sum(e.uninsured_exposure),
            sum(e.disputed_amount)
        from marts.fct_ar_credit_exposure as e where e.balance > 0 and {w}"""
    body = rows(con, sql.format(key="e.customer_name,") + " group by e.customer_name order by 2 desc limit 50",
                params)
    total = rows(con, sql.format(key=""), params)[0]
    return [tuple(num(v) for v in r) for r in body] + [("Total", *(num(v) for v in total))]


def insurer_watchlist(con, flt):
    w, params = where(flt, NO_COLLECTOR)
    return [tuple(num(v) for v in r) for r in rows(con, f"""
        select c.customer_name, t.document_number, t.insured_limit, t.open_overdue_amount,
            t.days_past_due, t.insurer_deadline, t.days_to_deadline, t.insurer_status, t.is_disputed
        from marts.fct_ar_insurer_watchlist as t {WITH_CUSTOMER}
        where {w} order by t.days_to_deadline, t.open_overdue_amount desc limit 1000""", params)]


EXPECTED = {
    "as_of_date": as_of_date,
    "kpi_balance": aged_total("sum(a.balance)"),
    "kpi_overdue": aged_total("sum(a.overdue_total)"),
    "kpi_overdue_share": aged_total("sum(a.overdue_total) / (sum(a.not_due) + sum(a.overdue_total))"),
    "kpi_balance_change": aged_total("sum(a.balance_change)"),
    "kpi_collection_rate": collection_rate,
    "kpi_over_limit": over_limit_count,
    "outstanding_by_bucket_26w": outstanding_trend("age_bucket"),
    "outstanding_by_bucket_week": outstanding_two_weeks("age_bucket"),
    "outstanding_by_status_26w": outstanding_trend("dunning_status"),
    "outstanding_by_status_week": outstanding_two_weeks("dunning_status"),
    "blocked_by_cause_26w": outstanding_trend("blocking_cause", "o.blocking_cause <> 'none'"),
    "outstanding_by_cause_week": outstanding_two_weeks("blocking_cause"),
    "cash_receipts_26w": cash_receipts,
    "collection_by_collector": collection_by_collector,
    "collection_daily": collection_daily,
    "due_schedule": due_schedule,
    "collection_forecast": forecast,
    "kpi_dso": kpi_lines({"DSO count-back": "dso_countback", "DSO standard": "dso_standard",
                          "DSO solde moyen": "dso_average_balance"}),
    "kpi_bpdso_add": kpi_lines({"BPDSO": "bpdso", "ADD": "add_days"}),
    "kpi_cei": kpi_lines({"CEI": "cei"}, scale=0.01, single=True),
    "kpi_table": kpi_table,
    "top_customers": top_customers,
    "over_limit": over_limit,
    "worklist": worklist,
    "promise_kept_rate": promise_kept_rate,
    "blocked_by_cause_monthly": blocked_by_cause_monthly,
    "roll_rate_matrix": roll_rate_matrix,
    "roll_forward_trend": roll_forward_trend,
    "payment_ratings": payment_ratings,
    "statutory_delays": statutory_delays,
    "claims_by_customer": claims_by_customer,
    "terms_beyond_legal_max": terms_beyond_legal_max,
    "insured_exposure": insured_exposure,
    "insurer_watchlist": insurer_watchlist,
}

# Rows whose order is a tie (same sort value) may come in any order: compare those sorted.
# key -> (index of the sort column, descending)
UNORDERED_TIES = {"top_customers": (4, True), "over_limit": (7, False), "worklist": (0, False),
                  "claims_by_customer": (4, True), "terms_beyond_legal_max": (4, True),
                  "insured_exposure": (1, True), "insurer_watchlist": (6, False)}


# ---- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def charts(con) -> dict[str, assets.Chart]:
    return chart_specs(con)


@pytest.fixture(scope="session")
def chart_ids(api, superset, charts) -> dict[str, int]:
    by_title = {}
    for board in assets.boards(list(charts.values())):
        r = api.get(f"{superset.url}/api/v1/dashboard/{board.slug}/charts", timeout=30)
        r.raise_for_status()
        by_title.update({c["slice_name"]: c["id"] for c in r.json()["result"]})
    return by_title


@pytest.fixture(scope="session")
def scenarios(con) -> dict[str, dict[str, list]]:
    """The dashboard's filters, as a credit manager would set them on the demo data."""
    companies = [c for (c,) in rows(con, "select distinct company_code from marts.dim_customers order by 1")]
    top = rows(con, f"""
        select a.collector, a.customer_group from marts.fct_ar_aged_balance_weekly as a
        where {LATEST_AGED} and a.customer_group is not null
        order by a.balance desc limit 1""")[0]
    return {
        "unfiltered": {},
        "last_company": {"company_code": [companies[-1]]},
        "collector_and_group": {"collector": [top[0]], "customer_group": [top[1]]},
    }


def chart_data(api, superset, chart_id: int, flt: dict[str, list]) -> list[dict]:
    """The chart's data through the chart-data API: its saved query context, plus the filters
    the dashboard's native filters would add (extra_form_data filters, op IN)."""
    if not flt:
        r = api.get(f"{superset.url}/api/v1/chart/{chart_id}/data/", timeout=120)
    else:
        r = api.get(f"{superset.url}/api/v1/chart/{chart_id}", timeout=30)
        r.raise_for_status()
        context = json.loads(r.json()["result"]["query_context"])
        for query in context["queries"]:
            query["filters"] = query.get("filters", []) + [
                {"col": col, "op": "IN", "val": values} for col, values in flt.items()]
        r = api.post(f"{superset.url}/api/v1/chart/data", json=context, timeout=120)
    assert r.status_code == 200, r.text[:1000]
    results = r.json()["result"]
    for result in results:
        assert not result.get("error"), result["error"]
        assert not result.get("rejected_filters"), result["rejected_filters"]
    return results


def compare(key: str, actual, expected) -> None:
    if key in UNORDERED_TIES:
        col, descending = UNORDERED_TIES[key]
        body = [r for r in actual if r[0] != "Total"]
        sort_values = [(r[col] is None, r[col]) for r in body]
        assert sort_values == sorted(sort_values, reverse=descending), f"{key}: not sorted"
        actual, expected = sorted(actual, key=repr), sorted(expected, key=repr)
    assert_same(actual, expected, key)


# ---- 1. the API answers the marts' numbers ------------------------------------------------------

def test_every_chart_is_on_the_dashboard_and_has_an_expectation(charts, chart_ids, con):
    assert sorted(chart_ids) == sorted(c.title for c in charts.values())
    assert set(charts) <= set(EXPECTED), sorted(set(charts) - set(EXPECTED))
    # an expectation without its chart: only for a chart whose mart is not built yet
    dims = dataclasses.replace(assets.read_dims(con), columns=None)  # as if every mart were there
    every = {c.key for c in assets.charts(dims)}
    waiting = set(EXPECTED) - set(charts)
    assert waiting <= every, sorted(waiting - every)


@pytest.mark.parametrize("scenario", ["unfiltered", "last_company", "collector_and_group"])
def test_chart_data_equals_the_marts(scenario, scenarios, charts, chart_ids, api, superset, con):
    failures = []
    checked = 0
    for key, chart in charts.items():
        flt = {col: v for col, v in scenarios[scenario].items() if col in chart.filters}
        actual = shown(chart, chart_data(api, superset, chart_ids[chart.title], flt))
        expected = EXPECTED[key](con, flt)
        # the new boards' filtered scenarios may select nothing (e.g. no insured customer in the
        # collector's group); unfiltered, every chart has something to compare
        if chart.board == "encours" or scenario == "unfiltered":
            assert expected, f"{key}: nothing to compare in scenario {scenario}"
        try:
            compare(key, actual, expected)
            checked += 1
        except AssertionError as exc:
            failures.append(str(exc)[:800])
    assert not failures, "\n".join(failures)
    assert checked == len(charts)


def test_filters_change_the_figures(scenarios, charts, chart_ids, api, superset, con):
    """The filtered scenarios are not vacuous: the headline balance differs from the total."""
    chart = charts["kpi_balance"]
    total = shown(chart, chart_data(api, superset, chart_ids[chart.title], {}))[()]
    for name in ("last_company", "collector_and_group"):
        part = shown(chart, chart_data(api, superset, chart_ids[chart.title], scenarios[name]))[()]
        assert 0 < part < total, (name, part, total)


# ---- 2. the dashboard in a real browser -----------------------------------------------------------

def rison(value) -> str:
    """Superset reads the dashboard's filters from the URL in Rison."""
    if isinstance(value, dict):
        return "(" + ",".join(f"{k}:{rison(v)}" for k, v in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        return "!(" + ",".join(rison(v) for v in value) + ")"
    if value is True or value is False or value is None:
        return {True: "!t", False: "!f", None: "!n"}[value]
    if isinstance(value, (int, float)):
        return str(value)
    if re.fullmatch(r"[A-Za-z_./~][A-Za-z0-9_./~-]*", value):
        return value
    return "'" + value.replace("!", "!!").replace("'", "!'") + "'"


def filtered_url(base: str, flt: dict[str, list], board: str = "encours") -> str:
    if not flt:
        return base
    state = {}
    for column, values in flt.items():
        fid = assets.native_filter_id(column, board)
        state[fid] = {"id": fid, "extraFormData": {"filters": [{"col": column, "op": "IN", "val": values}]},
                      "filterState": {"value": values, "validateStatus": False}, "ownState": {}}
    return f"{base}?native_filters={urllib.parse.quote(rison(state), safe='():,!*~')}"


def test_chromium_is_there():
    from conftest import TIMINGS
    t0 = time.perf_counter()
    browser.ensure_chromium()
    TIMINGS["Chromium found or installed"] = time.perf_counter() - t0


BOARD_KEYS = [b.key for b in assets.BOARDS]


def screenshot_path(board: str) -> Path:
    return SCREENSHOT if board == "encours" else SCREENSHOT.with_name(f"{SCREENSHOT.stem}-{board}{SCREENSHOT.suffix}")


@pytest.mark.parametrize("board_key", BOARD_KEYS)
@pytest.mark.parametrize("scenario", ["unfiltered", "collector_and_group"])
def test_dashboard_renders_in_chromium(board_key, scenario, scenarios, superset, api, charts, chart_ids):
    from conftest import TIMINGS
    board = next((b for b in assets.boards(list(charts.values())) if b.key == board_key), None)
    if board is None:
        pytest.skip(f"dashboard {board_key}: none of its marts is built yet")
    on_board = {k: c for k, c in charts.items() if c.board == board.key}
    filter_columns = {column for column, _, _ in board.native_filters}
    flt = {col: v for col, v in scenarios[scenario].items() if col in filter_columns}
    shot = screenshot_path(board.key) if not flt else None
    report = browser.open_dashboard(filtered_url(superset.board_url(board.slug), flt, board.key),
                                    superset.web_session_cookie(), shot, expected_charts=len(on_board))
    TIMINGS[f"{board.key} loaded in Chromium ({scenario})"] = report.seconds
    assert not report.problems, report.problems
    on_page = {c["id"]: c for c in report.charts}
    assert sorted(on_page) == sorted(chart_ids[c.title] for c in on_board.values()), "charts on the page"
    errors = [f"{c['name']}: {c['error']}" for c in report.charts if c["error"]]
    assert not errors, errors
    assert all(c["drawn"] for c in report.charts), [c["name"] for c in report.charts if not c["drawn"]]
    if shot:
        assert shot.exists() and shot.stat().st_size > 50_000

    # What each chart fetched in the page is what the API answers from its saved query context
    # with the same filters: the dashboard shows the numbers checked against the marts above.
    by_id = {chart_ids[c.title]: c for c in on_board.values()}
    fetched = {r.slice_id: r for r in report.chart_responses if r.slice_id in by_id}
    assert sorted(fetched) == sorted(by_id), "every chart fetched its data"
    for slice_id, response in fetched.items():
        chart = by_id[slice_id]
        assert response.status == 200 and response.body, (chart.title, response.status)
        for result in response.body["result"]:
            assert not result.get("rejected_filters"), (chart.title, result["rejected_filters"])
        applied = {col: v for col, v in flt.items() if col in chart.filters}
        compare(chart.key, shown(chart, response.body["result"]),
                shown(chart, chart_data(api, superset, slice_id, applied)))
