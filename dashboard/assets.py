"""The receivables dashboard as code: database, datasets, charts and dashboard.

`build_bundle()` turns the definitions below into a Superset import bundle (the YAML export
format of `superset export` / `POST /api/v1/assets/import/`), so the same assets can be imported
into another Superset 6.1. What depends on the warehouse is read from it at provisioning time:
the file's path (the connection, read-only), the column types, and the age buckets, dunning
statuses and blocking causes (labels, order, colours from `dim_age_buckets`,
`dim_dunning_statuses`, `dim_blocking_causes`), so a warehouse built with other
`age_bucket_bounds` gets its own bucket columns and colours on the next `make dashboard`.

Titles are French (the dashboard's readers); every chart's description says in English what it
reads: the mart, the filters, the formula.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import yaml

from querycontext import build_query_context

NAMESPACE = uuid.UUID("6f1d7c52-3b0e-4e55-9a67-0c8e1f6d2a41")
VERSION = "1.0.0"

EUR = "$,.0f"  # with the French D3 locale of superset_config.py: 1 234 567 €
PCT = ".1%"
PCT_POINTS = ",.2f"  # a percentage the mart already holds × 100 (the D441-6 tables)
DAYS = ",.1f"
COUNT = ",d"


def uid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"ar-warehouse/{kind}/{key}"))


# --------------------------------------------------------------------------------------------
# Reference data read from the warehouse (sorted, labelled, coloured by the marts' dimensions)
# --------------------------------------------------------------------------------------------

@dataclass
class Dims:
    buckets: list[dict]   # age_bucket, age_bucket_order, label_fr, label_en, colour_hex
    statuses: list[dict]  # dunning_status, dunning_status_order, label_fr, label_en
    causes: list[dict]    # blocking_cause, blocking_cause_order, label_fr, label_en
    forecast_lines: list[dict] = field(default_factory=list)  # forecast_line, order, label_fr
    # every mart and its columns: the datasets of marts not built yet (other issues) are left out
    columns: dict[str, set[str]] | None = None

    def has(self, *needs: str) -> bool:
        """Each need is "mart" or "mart.column"; True when all exist (always, when unknown)."""
        if self.columns is None:
            return True
        for need in needs:
            table, _, column = need.partition(".")
            if table not in self.columns or (column and column not in self.columns[table]):
                return False
        return True


def read_dims(con) -> Dims:
    def rows(sql: str) -> list[dict]:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    return Dims(
        buckets=rows("select age_bucket, age_bucket_order, label_fr, label_en, colour_hex "
                     "from marts.dim_age_buckets order by age_bucket_order"),
        statuses=rows("select dunning_status, dunning_status_order, label_fr, label_en "
                      "from marts.dim_dunning_statuses order by dunning_status_order"),
        causes=rows("select blocking_cause, blocking_cause_order, label_fr, label_en "
                    "from marts.dim_blocking_causes order by blocking_cause_order"),
        forecast_lines=rows("select distinct forecast_line, forecast_line_order, "
                            "forecast_line_label_fr as label_fr from marts.fct_ar_collection_forecast "
                            "order by forecast_line_order"),
        columns=columns_of(rows("select table_name, column_name from information_schema.columns "
                                "where table_schema = 'marts'")),
    )


def columns_of(rows: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["table_name"], set()).add(r["column_name"])
    return out


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sort_label(order: int, label: str) -> str:
    """Series and categories are sorted by name in Superset: the sort key leads the label."""
    return f"{order}. {label}"


# Colours of the statuses and causes (the buckets' come from dim_age_buckets.colour_hex).
STATUS_COLOURS = {
    "not_dunned": "#9aa5b1", "dunning_in_progress": "#3b7dd8", "arbitration_required": "#8e44ad",
    "payment_promised": "#17a2b8", "payment_received": "#5cb85c",
}
CAUSE_COLOURS = {
    "none": "#c9d1d9", "dispute": "#d9534f", "invoice_label_error": "#f0ad4e",
    "invoice_not_received": "#e8743b", "order_contract_mismatch": "#8e44ad",
    "awaiting_credit_note": "#3b7dd8", "other": "#7f8c8d",
}
FORECAST_COLOURS = {"promised": "#17a2b8", "behaviour": "#3b7dd8", "uncertain": "#d9534f"}


# --------------------------------------------------------------------------------------------
# Datasets
# --------------------------------------------------------------------------------------------

@dataclass
class Dataset:
    key: str
    table_name: str
    description: str
    sql: str | None = None          # None: the physical table marts.<table_name>
    main_dttm_col: str | None = None
    verbose: dict[str, str] = field(default_factory=dict)  # column -> French name
    needs: tuple[str, ...] = ()     # marts / "mart.column" it reads (left out while missing)

    @property
    def uuid(self) -> str:
        return uid("dataset", self.key)

    @property
    def relation(self) -> str:
        return f"({self.sql})" if self.sql else f"marts.{self.table_name}"


COMMON_VERBOSE = {
    "company_code": "Société",
    "customer_code": "Code client",
    "customer_name": "Client",
    "customer_group": "Groupe de clients",
    "collector": "Chargé de recouvrement",
    "snapshot_date": "Date d'arrêté",
    "as_of_date": "Date d'arrêté",
}


def datasets(dims: Dims) -> dict[str, Dataset]:
    """Every dataset is a plain select over marts and dimensions (joins, filters, a sortable
    label): no business rule, and SQL that runs alike on DuckDB and PostgreSQL (tested by
    tests/engines/test_dashboard_datasets.py and tests/python/test_dashboard_sql.py)."""
    bucket_cols = {b["age_bucket"]: b["label_fr"] for b in dims.buckets}
    items = [
        Dataset(
            key="outstanding_26w",
            table_name="ds_outstanding_26_weeks",
            description=(
                "fct_ar_outstanding_weekly over the 26 latest snapshot dates "
                "(dim_calendar.snapshot_rank_from_latest <= 26, as week_rank: 1 = latest "
                "snapshot, 2 = the one before) and sortable FR labels ('<order>. <label>') of the "
                "age bucket, dunning status and blocking cause."),
            sql="""select
    o.*,
    cal.snapshot_rank_from_latest as week_rank,
    o.age_bucket_order || '. ' || o.age_bucket_label_fr as age_bucket_label,
    o.dunning_status_order || '. ' || o.dunning_status_label_fr as dunning_status_label,
    o.blocking_cause_order || '. ' || o.blocking_cause_label_fr as blocking_cause_label
from marts.fct_ar_outstanding_weekly as o
inner join marts.dim_calendar as cal
    on o.snapshot_date = cal.date_day
where cal.snapshot_rank_from_latest <= 26""",
            main_dttm_col="snapshot_date",
            verbose={"age_bucket_label": "Tranche d'âge", "dunning_status_label": "Statut de relance",
                     "blocking_cause_label": "Cause de blocage", "week_rank": "Rang de la semaine",
                     "outstanding_amount": "Encours"},
        ),
        Dataset(
            key="aged_balance",
            table_name="fct_ar_aged_balance_weekly",
            description="The aged balance per snapshot date and customer (mart, physical table).",
            main_dttm_col="snapshot_date",
            verbose={**bucket_cols, "balance": "Solde", "overdue_total": "Total échu",
                     "previous_balance": "Solde précédent", "balance_change": "Variation"},
        ),
        Dataset(
            key="cash_receipts_26w",
            table_name="ds_cash_receipts_26_weeks",
            description=(
                "fct_ar_cash_receipts_weekly over the 26 latest snapshot dates "
                "(dim_calendar.snapshot_rank_from_latest <= 26), with the customer's name and "
                "group (dim_customers); the collector is the mart's (responsible for the customer "
                "at that snapshot)."),
            sql="""select
    r.*,
    c.customer_name,
    c.customer_group
from marts.fct_ar_cash_receipts_weekly as r
inner join marts.dim_calendar as cal
    on r.snapshot_date = cal.date_day
left join marts.dim_customers as c
    on r.company_code = c.company_code and r.customer_code = c.customer_code
where cal.snapshot_rank_from_latest <= 26""",
            main_dttm_col="snapshot_date",
            verbose={"payments_lettered": "Règlements lettrés",
                     "payments_unlettered": "Règlements non lettrés",
                     "credit_notes_issued": "Avoirs émis", "invoices_issued": "Factures émises",
                     "payments_received": "Règlements reçus"},
        ),
        Dataset(
            key="top_customers",
            table_name="ds_top_customers",
            description=(
                "fct_ar_top_customers with the FR labels of its main dunning status and main "
                "blocking cause (dim_dunning_statuses, dim_blocking_causes); the rules (largest "
                "positive open amount, ties in dimension order; blocked amount) are the mart's."),
            sql="""select
    t.*,
    s.label_fr as main_dunning_status_label,
    b.label_fr as main_blocking_cause_label
from marts.fct_ar_top_customers as t
left join marts.dim_dunning_statuses as s
    on t.main_dunning_status = s.dunning_status
left join marts.dim_blocking_causes as b
    on t.main_blocking_cause = b.blocking_cause""",
            verbose={**bucket_cols, "rank": "Rang (société)", "overall_rank": "Rang",
                     "balance": "Solde", "overdue_total": "Total échu",
                     "main_dunning_status_label": "Statut de relance principal",
                     "main_blocking_cause_label": "Cause de blocage principale",
                     "blocked_amount": "Montant bloqué", "credit_limit": "Limite de crédit",
                     "available_credit": "Encours disponible", "utilisation": "Utilisation"},
        ),
        Dataset(
            key="collection_month",
            table_name="fct_ar_collection_monthly_by_customer_group",
            description="Collection rate per month, company, collector and customer group (mart).",
            main_dttm_col="month_start_date",
            verbose={"amount_to_collect": "À recouvrer", "amount_collected": "Recouvré",
                     "remaining_to_collect": "Reste à recouvrer", "collection_rate": "Taux"},
        ),
        Dataset(
            key="collection_daily_month",
            table_name="ds_collection_daily_this_month",
            description=("fct_ar_collection_daily for the as-of month "
                         "(dim_calendar.months_before_as_of = 0)."),
            sql="""select d.*
from marts.fct_ar_collection_daily as d
inner join marts.dim_calendar as cal
    on d.month_start_date = cal.date_day
where cal.months_before_as_of = 0""",
            main_dttm_col="date_day",
            verbose={"date_day": "Jour", "amount_to_collect": "À recouvrer",
                     "amount_collected_to_date": "Recouvré à date",
                     "remaining_to_collect": "Reste à recouvrer"},
        ),
        Dataset(
            key="due_schedule",
            table_name="ds_due_schedule",
            description=(
                "fct_ar_due_schedule with a sortable FR label of the due bucket; the collector is "
                "the mart's (responsible for the customer as of the as-of date)."),
            sql="""select
    d.*,
    d.due_bucket_order || '. ' || d.due_bucket_label_fr as due_bucket_label
from marts.fct_ar_due_schedule as d""",
            verbose={"due_bucket_label": "Échéance", "amount": "Montant"},
        ),
        Dataset(
            key="kpis_13m",
            table_name="ds_kpis_13_months",
            description=("fct_ar_kpis_monthly over the 13 latest months (the as-of month, "
                         "measured up to the as-of date, and the twelve before: "
                         "dim_calendar.months_before_as_of from 0 to 12)."),
            sql="""select k.*
from marts.fct_ar_kpis_monthly as k
inner join marts.dim_calendar as cal
    on k.month_start_date = cal.date_day
where cal.months_before_as_of between 0 and 12""",
            main_dttm_col="month_end_date",
            verbose={"month_end_date": "Fin de mois", "ar_balance": "Encours",
                     "net_credit_sales": "Ventes à crédit nettes",
                     "dso_countback": "DSO (count-back)", "dso_standard": "DSO (standard)",
                     "dso_average_balance": "DSO (solde moyen)", "bpdso": "BPDSO",
                     "add_days": "ADD", "cei": "CEI (%)", "is_complete": "Mois complet"},
        ),
        Dataset(
            key="credit_exposure",
            table_name="fct_ar_credit_exposure",
            description=("The credit exposure per customer as of the as-of date (mart, physical "
                         "table); its collector is the one responsible for the customer then."),
            verbose={"credit_limit": "Limite de crédit", "insured_limit": "Limite assurée",
                     "balance": "Solde", "overdue_total": "Total échu",
                     "available_credit": "Encours disponible", "utilisation": "Utilisation",
                     "is_over_limit": "Dépassement"},
        ),
        Dataset(
            key="collection_forecast",
            table_name="ds_collection_forecast",
            description="fct_ar_collection_forecast with a sortable FR label of the forecast line.",
            sql="""select
    f.*,
    f.forecast_line_order || '. ' || f.forecast_line_label_fr as forecast_line_label
from marts.fct_ar_collection_forecast as f""",
            main_dttm_col="expected_week_start",
            verbose={"expected_week_start": "Semaine", "forecast_line_label": "Ligne de prévision",
                     "expected_amount": "Montant attendu"},
        ),
        *recouvrement_datasets(),
        *conformite_datasets(),
    ]
    return {d.key: d for d in items if dims.has(*d.needs)}


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------

def metric(label: str, sql: str) -> dict:
    return {"expressionType": "SQL", "sqlExpression": sql, "label": label,
            "hasCustomLabel": True, "optionName": "metric_" + uid("metric", label + sql)[:13]}


def sql_filter(sql: str) -> dict:
    return {"expressionType": "SQL", "clause": "WHERE", "sqlExpression": sql,
            "filterOptionName": "filter_" + uid("filter", sql)[:13]}


def eq_filter(column: str, value: Any) -> dict:
    return {"expressionType": "SIMPLE", "clause": "WHERE", "subject": column,
            "operator": "==", "comparator": value, "isExtra": False, "isNew": False,
            "filterOptionName": "filter_" + uid("filter", f"{column}={value}")[:13]}


@dataclass
class Chart:
    key: str
    title: str
    dataset: str
    viz_type: str
    description: str
    params: dict
    # which native filters apply (the dataset has the column)
    filters: tuple[str, ...] = ("company_code", "collector", "customer_group")
    board: str = "encours"  # the dashboard it is on (BOARDS)

    @property
    def uuid(self) -> str:
        return uid("chart", self.key)


def big_number(key, title, dataset, met, fmt, description, filters=None, subtitle="", adhoc=()):
    params = {"metric": met, "adhoc_filters": list(adhoc), "header_font_size": 0.4,
              "force_timestamp_formatting": fmt == "SMART_NUMBER",
              "subheader_font_size": 0.15, "y_axis_format": fmt, "subtitle": subtitle,
              "time_format": "%d/%m/%Y"}
    c = Chart(key, title, dataset, "big_number_total", description, params)
    if filters is not None:
        c.filters = filters
    return c


def timeseries_bar(key, title, dataset, x_axis, metrics, description, *, groupby=(), adhoc=(),
                   stack=True, fmt=EUR, x_format="%d/%m/%y", categorical=False, filters=None,
                   x_sort=None, row_limit=10000, show_value=False):
    params = {
        "x_axis": x_axis, "time_grain_sqla": "P1D" if x_sort is None else None,
        "xAxisForceCategorical": categorical,
        "metrics": list(metrics), "groupby": list(groupby), "adhoc_filters": list(adhoc),
        "order_desc": True, "row_limit": row_limit, "truncate_metric": True,
        "show_empty_columns": True, "comparison_type": "values", "annotation_layers": [],
        "forecastPeriods": 10, "forecastInterval": 0.8,
        "orientation": "vertical", "x_axis_title_margin": 15, "y_axis_title_margin": 30,
        "y_axis_title_position": "Left", "sort_series_type": "name", "sort_series_ascending": True,
        "color_scheme": "supersetColors", "stack": "Stack" if stack else None,
        "only_total": True, "show_value": show_value, "show_legend": True,
        "legendType": "plain", "legendOrientation": "top",
        "x_axis_time_format": x_format, "xAxisLabelRotation": 45,
        "y_axis_format": fmt, "truncateXAxis": True, "y_axis_bounds": [None, None],
        "rich_tooltip": True, "showTooltipTotal": True, "tooltipTimeFormat": "%d/%m/%Y",
        "zoomable": False, "extra_form_data": {},
    }
    if x_sort is not None:
        params["x_axis_sort"] = x_sort
        params["x_axis_sort_asc"] = True
        params.pop("time_grain_sqla")
    c = Chart(key, title, dataset, "echarts_timeseries_bar", description, params)
    if filters is not None:
        c.filters = filters
    return c


def timeseries_line(key, title, dataset, x_axis, metrics, description, *, groupby=(), adhoc=(),
                    fmt=EUR, x_format="%d/%m", filters=None, markers=True, area=False):
    params = {
        "x_axis": x_axis, "time_grain_sqla": "P1D", "metrics": list(metrics),
        "groupby": list(groupby), "adhoc_filters": list(adhoc), "order_desc": True,
        "row_limit": 10000, "truncate_metric": True, "show_empty_columns": True,
        "comparison_type": "values", "annotation_layers": [], "forecastPeriods": 10,
        "forecastInterval": 0.8, "x_axis_title_margin": 15, "y_axis_title_margin": 30,
        "y_axis_title_position": "Left", "sort_series_type": "name", "sort_series_ascending": True,
        "color_scheme": "supersetColors", "seriesType": "line", "only_total": True,
        "opacity": 0.2, "markerEnabled": markers, "markerSize": 4, "show_legend": True,
        "legendType": "plain", "legendOrientation": "top", "x_axis_time_format": x_format,
        "rich_tooltip": True, "tooltipTimeFormat": "%d/%m/%Y", "y_axis_format": fmt,
        "truncateXAxis": True, "y_axis_bounds": [None, None], "zoomable": False,
        "area": area, "extra_form_data": {},
    }
    c = Chart(key, title, dataset, "echarts_timeseries_line", description, params)
    if filters is not None:
        c.filters = filters
    return c


def mixed_bars_line(key, title, dataset, x_axis, bar_metrics, line_metrics, description, *,
                    fmt=EUR, x_format="%d/%m/%y", filters=None):
    """Stacked bars (query A) and lines (query B) on one axis."""
    params = {
        "x_axis": x_axis, "time_grain_sqla": "P1D",
        "metrics": list(bar_metrics), "groupby": [], "adhoc_filters": [],
        "metrics_b": list(line_metrics), "groupby_b": [], "adhoc_filters_b": [],
        "order_desc": True, "order_desc_b": True, "row_limit": 10000, "row_limit_b": 10000,
        "truncate_metric": True, "truncate_metric_b": True, "annotation_layers": [],
        "seriesType": "bar", "seriesTypeB": "line", "stack": "Stack", "stackB": None,
        "yAxisIndex": 0, "yAxisIndexB": 0, "markerEnabledB": True, "markerSizeB": 5,
        "show_value": False, "show_valueB": False, "only_total": True,
        "sort_series_type": "name", "sort_series_ascending": True,
        "sort_series_typeB": "name", "sort_series_ascendingB": True,
        "color_scheme": "supersetColors", "show_legend": True, "legendType": "plain",
        "legendOrientation": "top", "x_axis_time_format": x_format, "xAxisLabelRotation": 45,
        "y_axis_format": fmt, "y_axis_format_secondary": fmt, "truncateYAxis": False,
        "y_axis_bounds": [None, None], "rich_tooltip": True, "tooltipTimeFormat": "%d/%m/%Y",
        "zoomable": False, "x_axis_title_margin": 15, "y_axis_title_margin": 30,
        "y_axis_title_position": "Left", "extra_form_data": {},
    }
    c = Chart(key, title, dataset, "mixed_timeseries", description, params)
    if filters is not None:
        c.filters = filters
    return c


def mixed_grouped_bars_line(key, title, dataset, x_axis, bar_metrics, bar_groupby, line_metrics,
                            description, *, fmt=EUR, line_fmt=DAYS, x_format="%d/%m/%y",
                            filters=None):
    """Stacked bars split by `bar_groupby` (query A) and lines on a right-hand axis (query B)."""
    c = mixed_bars_line(key, title, dataset, x_axis, bar_metrics, line_metrics, description,
                        fmt=fmt, x_format=x_format, filters=filters)
    c.params.update({"groupby": list(bar_groupby), "yAxisIndexB": 1,
                     "y_axis_format_secondary": line_fmt})
    return c


def agg_table(key, title, dataset, groupby, metrics, description, *, sort_metric, sort_desc,
              adhoc=(), column_config=None, totals=True, filters=None, row_limit=1000,
              conditional=()):
    params = {
        "query_mode": "aggregate", "groupby": list(groupby), "metrics": list(metrics),
        "all_columns": [], "percent_metrics": [], "adhoc_filters": list(adhoc),
        "timeseries_limit_metric": sort_metric, "order_desc": sort_desc,
        "row_limit": row_limit, "server_page_length": 10, "server_pagination": False,
        "show_totals": totals, "table_timestamp_format": "%d/%m/%Y", "page_length": 0,
        "include_search": False, "show_cell_bars": False, "color_pn": True,
        "allow_rearrange_columns": False, "allow_render_html": False,
        "column_config": column_config or {}, "conditional_formatting": list(conditional),
        "extra_form_data": {},
    }
    c = Chart(key, title, dataset, "table", description, params)
    if filters is not None:
        c.filters = filters
    return c


def raw_table(key, title, dataset, columns, description, *, order_by, adhoc=(),
              column_config=None, filters=None, row_limit=1000, page_length=0, search=False):
    params = {
        "query_mode": "raw", "groupby": [], "metrics": [], "all_columns": list(columns),
        "percent_metrics": [], "adhoc_filters": list(adhoc),
        "order_by_cols": [json.dumps([col, asc]) for col, asc in order_by],
        "row_limit": row_limit, "server_page_length": 10, "server_pagination": False,
        "show_totals": False, "table_timestamp_format": "%d/%m/%Y", "page_length": page_length,
        "include_search": search, "show_cell_bars": False, "color_pn": True,
        "allow_rearrange_columns": False, "allow_render_html": False,
        "column_config": column_config or {}, "conditional_formatting": [],
        "extra_form_data": {},
    }
    c = Chart(key, title, dataset, "table", description, params)
    if filters is not None:
        c.filters = filters
    return c


def money_cols(*cols: str, bars: bool = False) -> dict:
    return {c: {"d3NumberFormat": EUR, "showCellBars": bars, "alignPositiveNegative": False,
                "colorPositiveNegative": False} for c in cols}


def week_compare_metrics(amount: str) -> list[dict]:
    return [
        metric("Cette semaine", f"SUM(CASE WHEN week_rank = 1 THEN {amount} ELSE 0 END)"),
        metric("Semaine précédente", f"SUM(CASE WHEN week_rank = 2 THEN {amount} ELSE 0 END)"),
        metric("Variation", f"SUM(CASE WHEN week_rank = 1 THEN {amount} "
                            f"WHEN week_rank = 2 THEN -{amount} ELSE 0 END)"),
    ]


WEEK_COMPARE_COLUMNS = {
    "Cette semaine": {"d3NumberFormat": EUR, "showCellBars": True},
    "Semaine précédente": {"d3NumberFormat": EUR, "showCellBars": False},
    "Variation": {"d3NumberFormat": EUR, "showCellBars": False, "colorPositiveNegative": True},
}

NO_FILTER_BUT_COMPANY = ("company_code",)
LAST_TWO_WEEKS = sql_filter("week_rank <= 2")


def charts(dims: Dims) -> list[Chart]:
    """Every chart of every dashboard whose dataset exists in the warehouse."""
    available = datasets(dims)
    every = [*encours_charts(dims), *recouvrement_charts(dims), *conformite_charts(dims)]
    return [c for c in every if c.dataset in available]


def encours_charts(dims: Dims) -> list[Chart]:
    buckets = [b["age_bucket"] for b in dims.buckets]
    latest = eq_filter("is_latest", True)
    this_month = eq_filter("is_complete", False)
    return [
        # ---- headline figures ------------------------------------------------------------
        big_number("as_of_date", "Date d'arrêté", "aged_balance",
                   metric("Date d'arrêté", "MAX(snapshot_date)"), "SMART_NUMBER",
                   subtitle="dernière photo hebdomadaire", filters=(),
                   description="The as-of date of the warehouse: the latest snapshot date of "
                               "fct_ar_aged_balance_weekly (the week's figures are as of that "
                               "day's end); the filters do not apply."),
        big_number("kpi_balance", "Encours clients", "aged_balance",
                   metric("Encours", "SUM(balance)"), EUR, subtitle="solde à la date d'arrêté",
                   adhoc=[latest],
                   description="Receivables balance at the latest snapshot: SUM(balance) of "
                               "fct_ar_aged_balance_weekly where is_latest."),
        big_number("kpi_overdue", "Dont échu", "aged_balance",
                   metric("Échu", "SUM(overdue_total)"), EUR, subtitle="factures échues",
                   adhoc=[latest],
                   description="Overdue part of the balance: SUM(overdue_total) of "
                               "fct_ar_aged_balance_weekly where is_latest."),
        big_number("kpi_overdue_share", "Part échue", "aged_balance",
                   metric("Part échue", "SUM(overdue_total) / NULLIF(SUM(not_due) + SUM(overdue_total), 0)"),
                   PCT, subtitle="échu / factures ouvertes", adhoc=[latest],
                   description="Overdue share of the open debits: SUM(overdue_total) / "
                               "(SUM(not_due) + SUM(overdue_total)), latest snapshot."),
        big_number("kpi_balance_change", "Variation hebdo", "aged_balance",
                   metric("Variation", "SUM(balance_change)"), EUR,
                   subtitle="vs semaine précédente", adhoc=[latest],
                   description="Week-on-week change of the balance: SUM(balance_change) of "
                               "fct_ar_aged_balance_weekly where is_latest."),
        big_number("kpi_collection_rate", "Recouvrement", "collection_month",
                   metric("Taux de recouvrement",
                          "SUM(amount_collected) / NULLIF(SUM(amount_to_collect), 0)"),
                   PCT, subtitle="taux du mois", adhoc=[this_month],
                   description="This month's collection rate: SUM(amount_collected) / "
                               "SUM(amount_to_collect) of fct_ar_collection_monthly_by_customer_group "
                               "for the current month (is_complete = false)."),
        big_number("kpi_over_limit", "Hors limite", "credit_exposure",
                   metric("Clients en dépassement", "COUNT(*)"), COUNT,
                   subtitle="clients (solde > limite)", adhoc=[eq_filter("is_over_limit", True)],
                   description="Customers whose balance exceeds their credit limit "
                               "(fct_ar_credit_exposure.is_over_limit)."),
        # ---- outstanding: buckets, statuses, causes ----------------------------------------
        timeseries_bar("outstanding_by_bucket_26w", "Encours par tranche d'âge – 26 semaines",
                       "outstanding_26w", "snapshot_date",
                       [metric("Encours", "SUM(outstanding_amount)")],
                       groupby=["age_bucket_label"],
                       description="Outstanding by age bucket at each of the 26 latest snapshot "
                                   "dates (fct_ar_outstanding_weekly), buckets in dim_age_buckets "
                                   "order and colours; unapplied credits below zero."),
        agg_table("outstanding_by_bucket_week", "Balance âgée – cette semaine et la précédente",
                  "outstanding_26w", ["age_bucket_label"], week_compare_metrics("outstanding_amount"),
                  sort_metric=metric("Ordre", "MIN(age_bucket_order)"), sort_desc=False,
                  adhoc=[LAST_TWO_WEEKS], column_config=WEEK_COMPARE_COLUMNS,
                  description="Outstanding by age bucket at the latest snapshot and the one "
                              "before, and the change (fct_ar_outstanding_weekly)."),
        timeseries_bar("outstanding_by_status_26w", "Encours par statut de relance – 26 semaines",
                       "outstanding_26w", "snapshot_date",
                       [metric("Encours", "SUM(outstanding_amount)")],
                       groupby=["dunning_status_label"],
                       description="Outstanding by dunning status at each of the 26 latest "
                                   "snapshot dates (fct_ar_outstanding_weekly)."),
        agg_table("outstanding_by_status_week", "Encours par statut de relance – cette semaine",
                  "outstanding_26w", ["dunning_status_label"],
                  week_compare_metrics("outstanding_amount"),
                  sort_metric=metric("Ordre", "MIN(dunning_status_order)"), sort_desc=False,
                  adhoc=[LAST_TWO_WEEKS], column_config=WEEK_COMPARE_COLUMNS,
                  description="Outstanding by dunning status at the latest snapshot and the one "
                              "before, and the change (fct_ar_outstanding_weekly)."),
        timeseries_bar("blocked_by_cause_26w", "Encours bloqué par cause – 26 semaines",
                       "outstanding_26w", "snapshot_date",
                       [metric("Encours bloqué", "SUM(outstanding_amount)")],
                       groupby=["blocking_cause_label"],
                       adhoc=[sql_filter("blocking_cause <> 'none'")],
                       description="Blocked outstanding (blocking cause other than none) by cause "
                                   "at each of the 26 latest snapshot dates "
                                   "(fct_ar_outstanding_weekly)."),
        agg_table("outstanding_by_cause_week", "Encours par cause de blocage – cette semaine",
                  "outstanding_26w", ["blocking_cause_label"],
                  week_compare_metrics("outstanding_amount"),
                  sort_metric=metric("Ordre", "MIN(blocking_cause_order)"), sort_desc=False,
                  adhoc=[LAST_TWO_WEEKS], column_config=WEEK_COMPARE_COLUMNS,
                  description="Outstanding by blocking cause at the latest snapshot and the one "
                              "before, and the change (fct_ar_outstanding_weekly)."),
        # ---- cash and collection ------------------------------------------------------------
        mixed_bars_line("cash_receipts_26w", "Règlements reçus (lettrés / non lettrés) et avoirs émis par semaine",
                        "cash_receipts_26w", "snapshot_date",
                        [metric("1. Règlements lettrés", "SUM(payments_lettered)"),
                         metric("2. Règlements non lettrés", "SUM(payments_unlettered)")],
                        [metric("Avoirs émis", "SUM(credit_notes_issued)")],
                        description="Payments received in each of the 26 latest weeks (stacked: "
                                    "lettered / still unlettered at the week's end) and credit "
                                    "notes issued (line) (fct_ar_cash_receipts_weekly)."),
        agg_table("collection_by_collector", "Taux de recouvrement du mois par chargé",
                  "collection_month", ["collector"],
                  [metric("À recouvrer", "SUM(amount_to_collect)"),
                   metric("Recouvré", "SUM(amount_collected)"),
                   metric("Taux", "SUM(amount_collected) / NULLIF(SUM(amount_to_collect), 0)"),
                   metric("Reste à recouvrer", "SUM(remaining_to_collect)")],
                  sort_metric=metric("À recouvrer", "SUM(amount_to_collect)"), sort_desc=True,
                  adhoc=[this_month],
                  column_config={**money_cols("À recouvrer", "Recouvré"),
                                 "Taux": {"d3NumberFormat": PCT, "showCellBars": True},
                                 **money_cols("Reste à recouvrer", bars=True)},
                  description="This month's collection per collector: amount to collect (overdue "
                              "at the month's start + falling due in the month), collected, rate "
                              "and remaining target (fct_ar_collection_monthly_by_customer_group, "
                              "is_complete = false)."),
        timeseries_line("collection_daily", "Recouvrement du mois – progression quotidienne",
                        "collection_daily_month", "date_day",
                        [metric("Recouvré cumulé", "SUM(amount_collected_to_date)"),
                         metric("Objectif (à recouvrer)", "SUM(amount_to_collect)"),
                         metric("Reste à recouvrer", "SUM(remaining_to_collect)")],
                        filters=("company_code", "collector"),
                        description="This month day by day: collected to date against the month's "
                                    "amount to collect, and what remains (fct_ar_collection_daily; "
                                    "per company and collector, no customer-group grain)."),
        timeseries_bar("due_schedule", "Échéancier des factures ouvertes", "due_schedule",
                       "due_bucket_label", [metric("Montant", "SUM(amount)")],
                       stack=False, categorical=True, x_sort="due_bucket_label", show_value=True,
                       description="Open debits by due date as of the as-of date: overdue, rest of "
                                   "this month, M+1, M+2, M+3, later (fct_ar_due_schedule)."),
        timeseries_bar("collection_forecast", "Prévision d'encaissement par semaine",
                       "collection_forecast", "expected_week_start",
                       [metric("Montant attendu", "SUM(expected_amount)")],
                       groupby=["forecast_line_label"], filters=NO_FILTER_BUT_COMPANY,
                       description="Open debits by ISO week of expected payment: promised "
                                   "payments, payment behaviour, uncertain (blocked) "
                                   "(fct_ar_collection_forecast; per company, no collector or "
                                   "customer-group grain)."),
        # ---- monthly KPIs ------------------------------------------------------------------
        timeseries_line("kpi_dso", "DSO par mois – trois méthodes (jours)", "kpis_13m",
                        "month_end_date",
                        [metric("DSO count-back", "MAX(dso_countback)"),
                         metric("DSO standard", "MAX(dso_standard)"),
                         metric("DSO solde moyen", "MAX(dso_average_balance)")],
                        groupby=["company_code"], fmt=DAYS, x_format="%m/%Y",
                        filters=NO_FILTER_BUT_COMPANY,
                        description="DSO by the count-back, standard (three months) and average "
                                    "balance methods per company over the 13 latest months "
                                    "(fct_ar_kpis_monthly: one row per company and month, never "
                                    "added across companies)."),
        timeseries_line("kpi_bpdso_add", "BPDSO et ADD par mois (jours)", "kpis_13m",
                        "month_end_date",
                        [metric("BPDSO", "MAX(bpdso)"), metric("ADD", "MAX(add_days)")],
                        groupby=["company_code"], fmt=DAYS, x_format="%m/%Y",
                        filters=NO_FILTER_BUT_COMPANY,
                        description="Best possible DSO and average days delinquent (DSO - BPDSO) "
                                    "per company over the 13 latest months (fct_ar_kpis_monthly)."),
        timeseries_line("kpi_cei", "CEI par mois", "kpis_13m", "month_end_date",
                        [metric("CEI", "MAX(cei) / 100")],
                        groupby=["company_code"], fmt=PCT, x_format="%m/%Y",
                        filters=NO_FILTER_BUT_COMPANY,
                        description="Collection effectiveness index per company over the 13 "
                                    "latest months (fct_ar_kpis_monthly.cei, a percentage)."),
        raw_table("kpi_table", "Indicateurs mensuels par société", "kpis_13m",
                  ["month_end_date", "company_code", "ar_balance", "net_credit_sales",
                   "dso_countback", "dso_standard", "dso_average_balance", "bpdso", "add_days",
                   "cei"],
                  order_by=[("month_end_date", False), ("company_code", True)],
                  filters=NO_FILTER_BUT_COMPANY, page_length=13,
                  column_config={**money_cols("ar_balance", "net_credit_sales"),
                                 **{c: {"d3NumberFormat": DAYS} for c in
                                    ("dso_countback", "dso_standard", "dso_average_balance",
                                     "bpdso", "add_days", "cei")}},
                  description="The monthly KPIs per company over the 13 latest months "
                              "(fct_ar_kpis_monthly); the current month is measured up to the "
                              "as-of date."),
        # ---- customers ---------------------------------------------------------------------
        raw_table("top_customers", "Top 100 clients – balance âgée, statut, limite de crédit",
                  "top_customers",
                  ["overall_rank", "customer_name", "customer_group", "collector", "balance",
                   *buckets, "main_dunning_status_label", "main_blocking_cause_label", "blocked_amount",
                   "credit_limit", "available_credit"],
                  order_by=[("balance", False)], row_limit=100, page_length=20, search=True,
                  column_config={**money_cols("balance", bars=True),
                                 **money_cols(*buckets, "blocked_amount", "credit_limit"),
                                 "available_credit": {"d3NumberFormat": EUR,
                                                      "colorPositiveNegative": True}},
                  description="The 100 largest balances (fct_ar_top_customers) with the aged "
                              "balance, main dunning status and blocking cause this week, "
                              "credit limit and available credit (limit - balance)."),
        raw_table("over_limit", "Clients en dépassement de limite de crédit", "credit_exposure",
                  ["customer_name", "customer_group", "collector", "credit_limit",
                   "insured_limit", "balance", "overdue_total", "available_credit", "utilisation"],
                  order_by=[("available_credit", True)], adhoc=[eq_filter("is_over_limit", True)],
                  page_length=20, search=True,
                  column_config={**money_cols("credit_limit", "insured_limit", "balance",
                                              "overdue_total"),
                                 "available_credit": {"d3NumberFormat": EUR,
                                                      "colorPositiveNegative": True},
                                 "utilisation": {"d3NumberFormat": PCT, "showCellBars": True}},
                  description="Customers whose balance exceeds their credit limit, most over "
                              "first (fct_ar_credit_exposure.is_over_limit)."),
    ]


# --------------------------------------------------------------------------------------------
# "Recouvrement": what the credit team works on each week (DEFINITIONS §10–§15 marts)
# --------------------------------------------------------------------------------------------

def recouvrement_datasets() -> list[Dataset]:
    return [
        Dataset(
            key="worklist",
            table_name="ds_collection_worklist",
            description=(
                "fct_ar_collection_worklist (one row per document with an open overdue amount as "
                "of the as-of date, its priority and rank per collector) with the customer's name "
                "and group (dim_customers) and the FR labels of its status and cause."),
            sql="""select
    w.*,
    c.customer_group,
    s.label_fr as dunning_status_label,
    b.label_fr as blocking_cause_label
from marts.fct_ar_collection_worklist as w
left join marts.dim_customers as c
    on w.company_code = c.company_code and w.customer_code = c.customer_code
left join marts.dim_dunning_statuses as s
    on w.dunning_status = s.dunning_status
left join marts.dim_blocking_causes as b
    on w.blocking_cause = b.blocking_cause""",
            verbose={"priority": "Priorité", "priority_rank": "Rang", "document_number": "Document",
                     "open_overdue_amount": "Échu ouvert", "days_past_due": "Jours de retard",
                     "dunning_status_label": "Statut de relance", "dunning_level": "Niveau",
                     "blocking_cause_label": "Cause de blocage", "promised_date": "Date promise",
                     "latest_promise_outcome": "Dernière promesse", "insurer_status": "Assureur",
                     "insurer_deadline": "Échéance assureur", "last_action_date": "Dernière action",
                     "last_action_type": "Type d'action"},
            needs=("fct_ar_collection_worklist",),
        ),
        Dataset(
            key="promises_monthly",
            table_name="fct_ar_promises_monthly",
            description="Promises to pay per month of the promised date, company and collector (mart).",
            main_dttm_col="month_start_date",
            verbose={"promise_count": "Promesses", "kept_count": "Tenues",
                     "partially_kept_count": "Partiellement tenues", "broken_count": "Non tenues",
                     "pending_count": "En attente", "promise_kept_rate": "Taux de promesses tenues"},
            needs=("fct_ar_promises_monthly",),
        ),
        Dataset(
            key="blocking_monthly",
            table_name="ds_blocking_monthly",
            description=("fct_ar_blocking_monthly (blocking episodes per month, company and cause) "
                         "with a sortable FR label of the cause (dim_blocking_causes)."),
            sql="""select
    m.*,
    b.blocking_cause_order || '. ' || b.label_fr as blocking_cause_label
from marts.fct_ar_blocking_monthly as m
inner join marts.dim_blocking_causes as b
    on m.blocking_cause = b.blocking_cause""",
            main_dttm_col="month_start_date",
            verbose={"blocking_cause_label": "Cause de blocage",
                     "blocked_amount_at_end": "Montant bloqué en fin de mois",
                     "avg_resolution_days": "Délai moyen de résolution (jours)"},
            needs=("fct_ar_blocking_monthly",),
        ),
        Dataset(
            key="roll_rates",
            table_name="ds_roll_rates",
            description=(
                "fct_ar_roll_rates_weekly with the rank of its snapshot counted back from the "
                "latest weekly snapshot (dim_calendar.weekly_snapshot_rank_from_latest, 1 = the "
                "latest week) and sortable bucket labels ('<order>. <bucket>')."),
            sql="""select
    r.*,
    cal.weekly_snapshot_rank_from_latest as week_rank,
    r.from_bucket_order || '. ' || r.from_bucket as from_bucket_label,
    r.to_bucket_order || '. ' || r.to_bucket as to_bucket_label
from marts.fct_ar_roll_rates_weekly as r
inner join marts.dim_calendar as cal
    on r.snapshot_date = cal.date_day""",
            main_dttm_col="snapshot_date",
            verbose={"from_bucket_label": "Tranche de départ", "to_bucket_label": "Tranche d'arrivée",
                     "amount": "Montant", "roll_rate": "Taux de migration"},
            needs=("fct_ar_roll_rates_weekly",),
        ),
        Dataset(
            key="payment_ratings",
            table_name="ds_payment_ratings",
            description=(
                "fct_ar_payment_behaviour_monthly for the as-of month "
                "(dim_calendar.months_before_as_of = 0: each customer's rating as of the as-of "
                "date); the mart carries the customer's name and group."),
            sql="""select p.*
from marts.fct_ar_payment_behaviour_monthly as p
inner join marts.dim_calendar as cal
    on p.month_end_date = cal.date_day
where cal.months_before_as_of = 0""",
            verbose={"payment_rating": "Note de paiement", "weighted_days_late": "Retard moyen pondéré"},
            needs=("fct_ar_payment_behaviour_monthly",),
        ),
    ]


def roll_forward_pairs(dims: Dims) -> list[tuple[str, str]]:
    """(bucket, the next older bucket) for every ageing bucket but the oldest."""
    ageing = [b["age_bucket"] for b in dims.buckets if b["age_bucket"] != "unapplied"]
    return list(zip(ageing, ageing[1:]))


def recouvrement_charts(dims: Dims) -> list[Chart]:
    collector_filters = ("company_code", "collector")
    rated = ("company_code", "customer_group")
    to_buckets = [*[b["age_bucket"] for b in dims.buckets if b["age_bucket"] != "unapplied"],
                  "settled"]  # nothing goes to `new`
    pairs = roll_forward_pairs(dims)
    roll_forward = ("SUM(CASE " + " ".join(
        f"WHEN from_bucket = {sql_str(a)} AND to_bucket = {sql_str(b)} THEN amount" for a, b in pairs)
        + " ELSE 0 END) / NULLIF(SUM(amount), 0)")
    charts_ = [
        raw_table("worklist", "Liste de travail par chargé de recouvrement", "worklist",
                  ["collector", "priority_rank", "priority", "customer_name", "document_number",
                   "open_overdue_amount", "days_past_due", "dunning_status_label", "dunning_level",
                   "blocking_cause_label", "promised_date", "latest_promise_outcome",
                   "insurer_status", "insurer_deadline", "last_action_date", "last_action_type"],
                  order_by=[("collector", True), ("priority_rank", True)], page_length=25,
                  search=True, row_limit=5000,
                  column_config=money_cols("open_overdue_amount", bars=True),
                  description="Every document with an open overdue amount as of the as-of date, "
                              "per collector in priority order (fct_ar_collection_worklist: "
                              "priority P1–P4 and rank within the collector, DEFINITIONS §15); "
                              "filter on one collector to get their list."),
        timeseries_line("promise_kept_rate", "Taux de promesses tenues par mois et chargé",
                        "promises_monthly", "month_start_date",
                        [metric("Taux de promesses tenues",
                                "SUM(kept_count) / NULLIF(SUM(kept_count) + "
                                "SUM(partially_kept_count) + SUM(broken_count), 0)")],
                        groupby=["collector"], fmt=PCT, x_format="%m/%Y",
                        filters=collector_filters,
                        description="Share of the evaluated promises kept, per month of the "
                                    "promised date and collector: kept / (kept + partially kept "
                                    "+ broken), by count (fct_ar_promises_monthly; the mart's "
                                    "promise_kept_rate when one row is shown)."),
        mixed_grouped_bars_line(
            "blocked_by_cause_monthly", "Montant bloqué par cause et délai moyen de résolution",
            "blocking_monthly", "month_start_date",
            [metric("Montant bloqué", "SUM(blocked_amount_at_end)")], ["blocking_cause_label"],
            [metric("Délai moyen de résolution (jours)",
                    "SUM(avg_resolution_days * episodes_resolved) / NULLIF(SUM(episodes_resolved), 0)")],
            filters=NO_FILTER_BUT_COMPANY, x_format="%m/%Y",
            description="Bars: the open debit amount of the documents blocked at each month's end, "
                        "by cause (fct_ar_blocking_monthly.blocked_amount_at_end). Line (right "
                        "axis): the average resolution days of the episodes resolved in the "
                        "month, weighted by their number across companies."),
        agg_table("roll_rate_matrix", "Matrice de migration entre tranches – dernière semaine",
                  "roll_rates", ["from_bucket_label"],
                  [metric(f"→ {b}", f"SUM(CASE WHEN to_bucket = {sql_str(b)} THEN amount ELSE 0 END)"
                                    " / NULLIF(SUM(amount), 0)") for b in to_buckets],
                  sort_metric=metric("Ordre", "MIN(from_bucket_order)"), sort_desc=False,
                  adhoc=[eq_filter("week_rank", 1)], totals=False, filters=NO_FILTER_BUT_COMPANY,
                  column_config={f"→ {b}": {"d3NumberFormat": PCT} for b in to_buckets},
                  conditional=[{"column": f"→ {b}", "colorScheme": "#d9534f", "operator": "None"}
                               for b in to_buckets],
                  description="Where the open debit amount of each bucket at the previous weekly "
                              "snapshot went by the latest one (rows: from, columns: to; `new` = "
                              "posted in the week, `settled` = paid), as a share of the row: "
                              "SUM(amount) / SUM(amount of the row) = the mart's roll_rate "
                              "across companies (fct_ar_roll_rates_weekly, heat-map colours)."),
        timeseries_line("roll_forward_trend", "Taux de passage à la tranche suivante – 26 semaines",
                        "roll_rates", "snapshot_date", [metric("Taux de passage", roll_forward)],
                        groupby=["from_bucket_label"], fmt=PCT,
                        adhoc=[sql_filter("week_rank <= 26"),
                               sql_filter("from_bucket IN (" + ", ".join(sql_str(a) for a, _ in pairs) + ")")],
                        filters=NO_FILTER_BUT_COMPANY,
                        description="For each bucket, the share of its open debit amount that "
                                    "moved to the next older bucket over each of the 26 latest "
                                    "weeks (fct_ar_roll_rates_weekly: amount of the from → next "
                                    "cell / amount of the from row)."),
        timeseries_bar("payment_ratings", "Répartition des clients par note de paiement",
                       "payment_ratings", "payment_rating",
                       [metric("Clients", "COUNT(*)")], stack=False, categorical=True,
                       x_sort="payment_rating", show_value=True, fmt=COUNT, filters=rated,
                       description="Customers by payment rating as of the as-of date (A ≤ 5 "
                                   "days late on average, B ≤ 15, C ≤ 30, D above, unrated "
                                   "without settled items in the window; "
                                   "fct_ar_payment_behaviour_monthly, as-of month)."),
    ]
    for c in charts_:
        c.board = "recouvrement"
    return charts_


# --------------------------------------------------------------------------------------------
# "Conformité & assurance-crédit": D441-6, late-payment claims, credit insurance (§16–§17)
# --------------------------------------------------------------------------------------------

def conformite_datasets() -> list[Dataset]:
    return [
        Dataset(
            key="statutory_delays",
            table_name="ds_statutory_payment_delays",
            description=("fct_ar_statutory_payment_delays for the latest closed fiscal year "
                         "(dim_calendar.fiscal_year_end_rank_from_latest = 1)."),
            sql="""select s.*
from marts.fct_ar_statutory_payment_delays as s
inner join marts.dim_calendar as cal
    on s.fiscal_year_end = cal.date_day
where cal.fiscal_year_end_rank_from_latest = 1""",
            verbose={"table_code": "Tableau", "lateness_band": "Tranche de retard",
                     "table_label_fr": "Tableau", "lateness_band_label_fr": "Tranche de retard",
                     "invoice_count": "Nombre de factures", "amount": "Montant TTC",
                     "pct_of_revenue": "% du CA", "pct_of_invoice_count": "% du nombre",
                     "pct_of_invoice_amount": "% du montant", "fiscal_year_end": "Clôture"},
            needs=("fct_ar_statutory_payment_delays.table_label_fr",
                   "fct_ar_statutory_payment_delays.lateness_band_order",
                   "fct_ar_statutory_payment_delays.lateness_band_label_fr"),
        ),
        Dataset(
            key="late_payment_claims",
            table_name="ds_late_payment_claims",
            description=("fct_ar_late_payment_claims (one row per invoice document paid late or "
                         "overdue as of the as-of date) with the customer's name and group."),
            sql="""select
    l.*,
    c.customer_group
from marts.fct_ar_late_payment_claims as l
left join marts.dim_customers as c
    on l.company_code = c.company_code and l.customer_code = c.customer_code""",
            verbose={"document_number": "Document", "due_date": "Échéance",
                     "settled_on": "Réglée le", "days_late": "Jours de retard",
                     "penalty_amount": "Pénalités", "recovery_indemnity_amount": "Indemnité (40 €)",
                     "terms_exceed_legal_max": "Délai > maximum légal"},
            needs=("fct_ar_late_payment_claims",),
        ),
        Dataset(
            key="insurer_watchlist",
            table_name="ds_insurer_watchlist",
            description=("fct_ar_insurer_watchlist (open overdue documents of insured customers "
                         "with the insurer's deadline) with the customer's name and group."),
            sql="""select
    i.*,
    c.customer_group
from marts.fct_ar_insurer_watchlist as i
left join marts.dim_customers as c
    on i.company_code = c.company_code and i.customer_code = c.customer_code""",
            verbose={"document_number": "Document", "insured_limit": "Limite assurée",
                     "open_overdue_amount": "Échu ouvert", "days_past_due": "Jours de retard",
                     "insurer_deadline": "Échéance de déclaration",
                     "days_to_deadline": "Jours restants", "insurer_status": "Statut",
                     "is_disputed": "En litige"},
            needs=("fct_ar_insurer_watchlist",),
        ),
    ]


def conformite_charts(dims: Dims) -> list[Chart]:
    no_collector = ("company_code", "customer_group")
    claims_total = metric("Total", "SUM(penalty_amount) + SUM(recovery_indemnity_amount)")
    charts_ = [
        raw_table("statutory_delays", "Tableau des délais de paiement (art. D441-6) – dernier exercice clos",
                  "statutory_delays",
                  ["fiscal_year_end", "company_code", "table_label_fr", "lateness_band_label_fr",
                   "invoice_count", "amount", "pct_of_revenue", "pct_of_invoice_count",
                   "pct_of_invoice_amount"],
                  order_by=[("company_code", True), ("table_code", True), ("lateness_band_order", True)],
                  filters=NO_FILTER_BUT_COMPANY,
                  column_config={**money_cols("amount"),
                                 **{c: {"d3NumberFormat": PCT_POINTS} for c in
                                    ("pct_of_revenue", "pct_of_invoice_count", "pct_of_invoice_amount")}},
                  description="Article D441-6 tables of the latest closed fiscal year "
                              "(fct_ar_statutory_payment_delays): I, invoices unpaid and past due "
                              "at year end by band, % of the year's revenue; II, invoices paid "
                              "late during the year, % of the year's invoice count and amount; "
                              "amounts including tax."),
        agg_table("claims_by_customer", "Pénalités de retard et indemnités forfaitaires par client",
                  "late_payment_claims", ["customer_name"],
                  [metric("Factures", "COUNT(*)"), metric("Pénalités", "SUM(penalty_amount)"),
                   metric("Indemnités", "SUM(recovery_indemnity_amount)"), claims_total],
                  sort_metric=claims_total, sort_desc=True, filters=no_collector, row_limit=100,
                  column_config={**money_cols("Pénalités", "Indemnités"),
                                 **money_cols("Total", bars=True)},
                  description="Late-payment penalties accrued (ECB rate + 10 points, day by day "
                              "on the open amount) and €40 recovery indemnities per invoice paid "
                              "late or overdue as of the as-of date, by customer "
                              "(fct_ar_late_payment_claims), largest first."),
        raw_table("terms_beyond_legal_max", "Factures dont le délai dépasse le maximum légal",
                  "late_payment_claims",
                  ["customer_name", "document_number", "due_date", "settled_on", "days_late",
                   "penalty_amount"],
                  order_by=[("days_late", False)], adhoc=[eq_filter("terms_exceed_legal_max", True)],
                  filters=no_collector, page_length=15, search=True,
                  column_config=money_cols("penalty_amount"),
                  description="Invoices paid late or overdue whose payment terms exceed the legal "
                              "maximum (fct_ar_late_payment_claims.terms_exceed_legal_max), "
                              "longest delay first."),
        agg_table("insured_exposure", "Encours couvert et non assuré par client", "credit_exposure",
                  ["customer_name"],
                  [metric("Solde", "SUM(balance)"), metric("Couvert par l'assureur", "SUM(covered_balance)"),
                   metric("Non assuré", "SUM(uninsured_exposure)"), metric("En litige", "SUM(disputed_amount)")],
                  sort_metric=metric("Solde", "SUM(balance)"), sort_desc=True, row_limit=50,
                  adhoc=[sql_filter("balance > 0")], filters=no_collector,
                  column_config={**money_cols("Solde", "En litige"),
                                 **money_cols("Couvert par l'assureur", "Non assuré", bars=True)},
                  description="The 50 largest positive balances as of the as-of date with the part "
                              "the credit insurer covers and the uninsured rest "
                              "(fct_ar_credit_exposure: covered_balance, uninsured_exposure, "
                              "disputed_amount; covered + uninsured = balance)."),
        raw_table("insurer_watchlist", "Déclarations à l'assureur – échéances les plus proches",
                  "insurer_watchlist",
                  ["customer_name", "document_number", "insured_limit", "open_overdue_amount",
                   "days_past_due", "insurer_deadline", "days_to_deadline", "insurer_status",
                   "is_disputed"],
                  order_by=[("days_to_deadline", True), ("open_overdue_amount", False)],
                  filters=no_collector, page_length=20, search=True,
                  column_config=money_cols("insured_limit", "open_overdue_amount"),
                  description="Open overdue documents of insured customers with the deadline to "
                              "declare them to the insurer (fct_ar_insurer_watchlist), fewest "
                              "days left first: late (< 0), due soon (<= 15 days), ok."),
    ]
    needs = {"insured_exposure": ("fct_ar_credit_exposure.covered_balance",
                                  "fct_ar_credit_exposure.uninsured_exposure",
                                  "fct_ar_credit_exposure.disputed_amount")}
    for c in charts_:
        c.board = "conformite"
    return [c for c in charts_ if dims.has(*needs.get(c.key, ()))]


# --------------------------------------------------------------------------------------------
# Dashboard layout and filters
# --------------------------------------------------------------------------------------------

LAYOUT = [  # rows of (chart key, width, height) or ("md", text, width, height); width in 12ths
    [("md", "intro", 9, 17), ("as_of_date", 3, 17)],
    [("kpi_balance", 2, 24), ("kpi_overdue", 2, 24), ("kpi_overdue_share", 2, 24),
     ("kpi_balance_change", 2, 24), ("kpi_collection_rate", 2, 24), ("kpi_over_limit", 2, 24)],
    [("md", "## Encours et balance âgée", 12, 8)],
    [("outstanding_by_bucket_26w", 8, 60), ("outstanding_by_bucket_week", 4, 60)],
    [("outstanding_by_status_26w", 8, 56), ("outstanding_by_status_week", 4, 56)],
    [("blocked_by_cause_26w", 8, 56), ("outstanding_by_cause_week", 4, 56)],
    [("md", "## Encaissements et recouvrement", 12, 8)],
    [("cash_receipts_26w", 12, 56)],
    [("collection_by_collector", 5, 56), ("collection_daily", 7, 56)],
    [("due_schedule", 5, 56), ("collection_forecast", 7, 56)],
    [("md", "## Indicateurs mensuels : DSO, BPDSO, ADD, CEI", 12, 8)],
    [("kpi_dso", 7, 60), ("kpi_bpdso_add", 5, 60)],
    [("kpi_cei", 4, 60), ("kpi_table", 8, 60)],
    [("md", "## Clients", 12, 8)],
    [("top_customers", 12, 110)],
    [("over_limit", 12, 96)],
]

INTRO = """Encours, balance âgée, relances, encaissements, recouvrement et indicateurs (DSO, CEI)
de l'entrepôt des créances, à la dernière date d'arrêté. Filtres à gauche : société, chargé de
recouvrement, groupe de clients. *Weekly receivables dashboard: each chart's description (menu ⋮)
says in English which mart and filters it reads.*"""


NATIVE_FILTERS = [  # column, FR name, dataset holding the values
    ("company_code", "Société", "aged_balance"),
    ("collector", "Chargé de recouvrement", "aged_balance"),
    ("customer_group", "Groupe de clients", "aged_balance"),
]

RECOUVREMENT_LAYOUT = [
    [("md", "intro", 12, 14)],
    [("worklist", 12, 110)],
    [("md", "## Promesses et causes de blocage", 12, 8)],
    [("promise_kept_rate", 6, 60), ("blocked_by_cause_monthly", 6, 60)],
    [("md", "## Migration entre tranches et comportement de paiement", 12, 8)],
    [("roll_rate_matrix", 7, 60), ("payment_ratings", 5, 60)],
    [("roll_forward_trend", 12, 56)],
]

RECOUVREMENT_INTRO = """Le travail de la semaine des chargés de recouvrement : liste de travail priorisée
(P1 à P4), promesses tenues, causes de blocage dans le temps, migration entre tranches d'âge et
notes de paiement, à la date d'arrêté. Filtres : société, chargé de recouvrement. *Collection work:
each chart's description (menu ⋮) says which mart it reads.*"""

CONFORMITE_LAYOUT = [
    [("md", "intro", 12, 14)],
    [("statutory_delays", 12, 70)],
    [("md", "## Pénalités, indemnités et délais de paiement", 12, 8)],
    [("claims_by_customer", 6, 80), ("terms_beyond_legal_max", 6, 80)],
    [("md", "## Assurance-crédit", 12, 8)],
    [("insured_exposure", 6, 90), ("insurer_watchlist", 6, 90)],
]

CONFORMITE_INTRO = """Tableau des délais de paiement de l'article D441-6 du Code de commerce (dernier
exercice clos), pénalités de retard et indemnités forfaitaires de 40 €, délais au-delà du maximum
légal, couverture de l'assurance-crédit et échéances de déclaration. Filtres : société, groupe de
clients. *Compliance and credit insurance: each chart's description says which mart it reads.*"""


@dataclass
class Board:
    key: str
    slug: str
    title: str
    layout: list
    intro: str
    native_filters: list[tuple[str, str, str]]  # column, FR name, dataset holding the values

    @property
    def uuid(self) -> str:
        return uid("dashboard", self.slug)


BOARDS = [
    Board("encours", "encours-clients", "Tableau de bord de l'encours clients", LAYOUT, INTRO,
          NATIVE_FILTERS),
    Board("recouvrement", "recouvrement", "Recouvrement", RECOUVREMENT_LAYOUT, RECOUVREMENT_INTRO,
          [("company_code", "Société", "worklist"), ("collector", "Chargé de recouvrement", "worklist")]),
    Board("conformite", "conformite-assurance-credit", "Conformité & assurance-crédit",
          CONFORMITE_LAYOUT, CONFORMITE_INTRO,
          [("company_code", "Société", "credit_exposure"),
           ("customer_group", "Groupe de clients", "credit_exposure")]),
]


def boards(chart_list: list[Chart]) -> list[Board]:
    """The dashboards with at least one chart (the others wait for their marts)."""
    on = {c.board for c in chart_list}
    return [b for b in BOARDS if b.key in on]


def native_filter_id(column: str, board: str = "encours") -> str:
    return "NATIVE_FILTER-" + uid("filter", column if board == "encours" else f"{board}/{column}")[:10]


def dashboard_metadata(board: Board, dims: Dims, chart_list: list[Chart], dsets: dict[str, Dataset],
                       chart_ids: dict[str, int]) -> dict:
    label_colors: dict[str, str] = {}
    for b in dims.buckets:
        label_colors[sort_label(b["age_bucket_order"], b["label_fr"])] = b["colour_hex"]
    for s in dims.statuses:
        label_colors[sort_label(s["dunning_status_order"], s["label_fr"])] = \
            STATUS_COLOURS.get(s["dunning_status"], "#999999")
    for c in dims.causes:
        label_colors[sort_label(c["blocking_cause_order"], c["label_fr"])] = \
            CAUSE_COLOURS.get(c["blocking_cause"], "#999999")
    for line in dims.forecast_lines:
        label_colors[sort_label(line["forecast_line_order"], line["label_fr"])] = \
            FORECAST_COLOURS.get(line["forecast_line"], "#999999")
    label_colors.update({"1. Règlements lettrés": "#2e8b57", "2. Règlements non lettrés": "#f0ad4e",
                         "Avoirs émis": "#8e44ad", "Recouvré cumulé": "#2e8b57",
                         "Objectif (à recouvrer)": "#3b7dd8", "Reste à recouvrer": "#d9534f",
                         "Montant": "#3b7dd8"})
    filters = []
    for column, name, dataset_key in board.native_filters:
        if dataset_key not in dsets:
            continue
        # Charts on a dataset without the column are out of the filter's scope. Only
        # `scope.excluded` is given: the importer maps its chart ids to the new ones and the
        # dashboard derives the charts in scope from it.
        excluded = [chart_ids[c.key] for c in chart_list if column not in c.filters]
        filters.append({
            "id": native_filter_id(column, board.key), "name": name, "filterType": "filter_select",
            "type": "NATIVE_FILTER", "description": "",
            "targets": [{"datasetUuid": dsets[dataset_key].uuid, "column": {"name": column}}],
            "controlValues": {"enableEmptyFilter": False, "defaultToFirstItem": False,
                              "multiSelect": True, "searchAllOptions": False, "inverseSelection": False,
                              "sortAscending": True},
            "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
            "cascadeParentIds": [], "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded},
        })
    return {
        "color_scheme": "supersetColors", "label_colors": label_colors,
        "shared_label_colors": [], "map_label_colors": {}, "color_scheme_domain": [],
        "refresh_frequency": 0, "timed_refresh_immune_slices": [], "expanded_slices": {},
        "cross_filters_enabled": False, "native_filter_configuration": filters,
        "chart_configuration": {}, "global_chart_configuration": {
            "scope": {"rootPath": ["ROOT_ID"], "excluded": []}, "chartsInScope": []},
    }


def dashboard_position(board: Board, chart_list: list[Chart], chart_ids: dict[str, int]) -> dict:
    by_key = {c.key: c for c in chart_list}
    pos: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": board.title}},
    }
    # a chart whose mart is not built yet is left out, and so is a row left empty
    rows_ = [[item for item in row if item[0] == "md" or item[0] in by_key] for row in board.layout]
    rows_ = [row for row in rows_ if row]
    for i, row in enumerate(rows_):
        row_id = f"ROW-{i:02d}"
        pos["GRID_ID"]["children"].append(row_id)
        pos[row_id] = {"type": "ROW", "id": row_id, "children": [],
                       "parents": ["ROOT_ID", "GRID_ID"],
                       "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for j, item in enumerate(row):
            if item[0] == "md":
                _, text, width, height = item
                md_id = f"MARKDOWN-{i:02d}-{j}"
                pos[row_id]["children"].append(md_id)
                pos[md_id] = {"type": "MARKDOWN", "id": md_id, "children": [],
                              "parents": ["ROOT_ID", "GRID_ID", row_id],
                              "meta": {"width": width, "height": height,
                                       "code": board.intro if text == "intro" else text}}
                continue
            key, width, height = item
            chart = by_key[key]
            cid = f"CHART-{key}"
            pos[row_id]["children"].append(cid)
            pos[cid] = {"type": "CHART", "id": cid, "children": [],
                        "parents": ["ROOT_ID", "GRID_ID", row_id],
                        "meta": {"width": width, "height": height, "chartId": chart_ids[key],
                                 "uuid": chart.uuid, "sliceName": chart.title}}
    return pos


# --------------------------------------------------------------------------------------------
# The bundle
# --------------------------------------------------------------------------------------------

DASHBOARD_SLUG = "encours-clients"
DATABASE_NAME = "Entrepôt des créances (DuckDB, lecture seule)"


def database_uri(warehouse: str) -> str:
    """Read-only on the published file (a build renames a new file over it, never writes into
    it), and no access to any other file from SQL (read_csv('/etc/...') and the like)."""
    return f"duckdb:///{warehouse}?access_mode=read_only&enable_external_access=false"


def column_entries(ds: Dataset, columns: list[tuple[str, str]],
                   descriptions: dict[str, str]) -> list[dict]:
    out = []
    for name, type_ in columns:
        verbose = ds.verbose.get(name) or COMMON_VERBOSE.get(name)
        out.append({
            "column_name": name, "verbose_name": verbose, "is_dttm": type_.upper() in ("DATE", "TIMESTAMP"),
            "is_active": True, "type": type_, "advanced_data_type": None, "groupby": True,
            "filterable": True, "expression": None, "description": descriptions.get(name),
            "python_date_format": None, "extra": {},
        })
    return out


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def build_bundle(warehouse: str, dims: Dims, columns: dict[str, list[tuple[str, str]]],
                 descriptions: dict[str, dict[str, str]]) -> dict[str, str]:
    """Return {path in the bundle: YAML text} for POST /api/v1/assets/import/."""
    dsets = datasets(dims)
    chart_list = charts(dims)
    # Ids in the bundle are placeholders: the importer maps them to the new ones by uuid.
    chart_ids = {c.key: i + 1 for i, c in enumerate(chart_list)}
    db_uuid = uid("database", "warehouse")
    files: dict[str, Any] = {
        "metadata.yaml": {"version": VERSION, "type": "assets",
                          "timestamp": "2026-01-01T00:00:00+00:00"},
        "databases/ar_warehouse.yaml": {
            "database_name": DATABASE_NAME, "sqlalchemy_uri": database_uri(warehouse),
            "cache_timeout": None, "expose_in_sqllab": True, "allow_run_async": False,
            "allow_ctas": False, "allow_cvas": False, "allow_dml": False,
            "allow_file_upload": False,
            "extra": {"allows_virtual_table_explore": True, "engine_params": {},
                      "metadata_params": {}, "schemas_allowed_for_file_upload": []},
            "uuid": db_uuid, "version": VERSION,
        },
    }
    for ds in dsets.values():
        mart = ds.table_name if ds.sql is None else None
        desc = descriptions.get(mart or "", {})
        if ds.sql is not None:  # virtual datasets: describe columns from every mart they read
            desc = {k: v for d in descriptions.values() for k, v in d.items()} | desc
        files[f"datasets/{ds.table_name}.yaml"] = {
            "table_name": ds.table_name, "main_dttm_col": ds.main_dttm_col,
            "description": ds.description, "default_endpoint": None, "offset": 0,
            "cache_timeout": None, "schema": "marts" if ds.sql is None else None,
            "catalog": None, "sql": ds.sql, "params": None, "template_params": None,
            "filter_select_enabled": True, "fetch_values_predicate": None,
            "extra": None, "normalize_columns": False, "always_filter_main_dttm": False,
            "uuid": ds.uuid, "metrics": [], "version": VERSION, "database_uuid": db_uuid,
            "columns": column_entries(ds, columns[ds.key], desc),
        }
    for chart in chart_list:
        ds = dsets[chart.dataset]
        params = {"viz_type": chart.viz_type, "datasource": f"1__table", **chart.params}
        files[f"charts/{chart.key}.yaml"] = {
            "slice_name": chart.title, "description": chart.description,
            "certified_by": None, "certification_details": None, "viz_type": chart.viz_type,
            "params": params, "query_context": _json_or_none(build_query_context(params)),
            "cache_timeout": None, "uuid": chart.uuid, "version": VERSION,
            "dataset_uuid": ds.uuid,
        }
    for board in boards(chart_list):
        on_board = [c for c in chart_list if c.board == board.key]
        files[f"dashboards/{board.slug.replace('-', '_')}.yaml"] = {
            "dashboard_title": board.title,
            "description": None, "css": "", "slug": board.slug, "certified_by": None,
            "certification_details": None, "published": True,
            "uuid": board.uuid,
            "position": dashboard_position(board, on_board, chart_ids),
            "metadata": dashboard_metadata(board, dims, on_board, dsets, chart_ids),
            "version": VERSION,
        }
    return {path: yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
            for path, content in files.items()}
