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
}

# Rows whose order is a tie (same balance) may come in any order: compare those sorted.
UNORDERED_TIES = {"top_customers": 4, "over_limit": 7}  # index of the sort column


# ---- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def charts(con) -> dict[str, assets.Chart]:
    return chart_specs(con)


@pytest.fixture(scope="session")
def chart_ids(api, superset) -> dict[str, int]:
    r = api.get(f"{superset.url}/api/v1/dashboard/{assets.DASHBOARD_SLUG}/charts", timeout=30)
    r.raise_for_status()
    by_title = {c["slice_name"]: c["id"] for c in r.json()["result"]}
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
        col = UNORDERED_TIES[key]
        sort_values = [r[col] for r in actual]
        assert sort_values == sorted(sort_values, reverse=(key == "top_customers")), f"{key}: not sorted"
        actual, expected = sorted(actual, key=repr), sorted(expected, key=repr)
    assert_same(actual, expected, key)


# ---- 1. the API answers the marts' numbers ------------------------------------------------------

def test_every_chart_is_on_the_dashboard_and_has_an_expectation(charts, chart_ids):
    assert sorted(chart_ids) == sorted(c.title for c in charts.values())
    assert sorted(EXPECTED) == sorted(charts)


@pytest.mark.parametrize("scenario", ["unfiltered", "last_company", "collector_and_group"])
def test_chart_data_equals_the_marts(scenario, scenarios, charts, chart_ids, api, superset, con):
    failures = []
    checked = 0
    for key, chart in charts.items():
        flt = {col: v for col, v in scenarios[scenario].items() if col in chart.filters}
        actual = shown(chart, chart_data(api, superset, chart_ids[chart.title], flt))
        expected = EXPECTED[key](con, flt)
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


def filtered_url(base: str, flt: dict[str, list]) -> str:
    if not flt:
        return base
    state = {}
    for column, values in flt.items():
        fid = assets.native_filter_id(column)
        state[fid] = {"id": fid, "extraFormData": {"filters": [{"col": column, "op": "IN", "val": values}]},
                      "filterState": {"value": values, "validateStatus": False}, "ownState": {}}
    return f"{base}?native_filters={urllib.parse.quote(rison(state), safe='():,!*~')}"


def test_chromium_is_there():
    from conftest import TIMINGS
    t0 = time.perf_counter()
    browser.ensure_chromium()
    TIMINGS["Chromium found or installed"] = time.perf_counter() - t0


@pytest.mark.parametrize("scenario", ["unfiltered", "collector_and_group"])
def test_dashboard_renders_in_chromium(scenario, scenarios, superset, api, charts, chart_ids):
    from conftest import TIMINGS
    flt = scenarios[scenario]
    report = browser.open_dashboard(filtered_url(superset.dashboard_url, flt), superset.web_session_cookie(),
                                    SCREENSHOT if not flt else None, expected_charts=len(charts))
    TIMINGS[f"dashboard loaded in Chromium ({scenario})"] = report.seconds
    assert not report.problems, report.problems
    on_page = {c["id"]: c for c in report.charts}
    assert sorted(on_page) == sorted(chart_ids.values()), "charts on the page"
    errors = [f"{c['name']}: {c['error']}" for c in report.charts if c["error"]]
    assert not errors, errors
    assert all(c["drawn"] for c in report.charts), [c["name"] for c in report.charts if not c["drawn"]]
    if not flt:
        assert SCREENSHOT.exists() and SCREENSHOT.stat().st_size > 50_000

    # What each chart fetched in the page is what the API answers from its saved query context
    # with the same filters: the dashboard shows the numbers checked against the marts above.
    by_id = {chart_ids[c.title]: c for c in charts.values()}
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
