"""The query context Superset's web UI saves with a chart, built from the chart's params.

Superset's explore view builds the chart-data query in the browser (each chart plugin's
`buildQuery`) and saves it with the chart: `GET /api/v1/chart/<id>/data/` replays it (reports,
cache warm-up, the dashboard test). Charts imported as code have none unless the bundle carries
it, so this module writes it for the few chart types the dashboard uses, as Superset 6.1's
plugins do. The dashboard test checks that the data it returns equals what the dashboard page
itself fetches, so a Superset upgrade that changes `buildQuery` shows up as a failing test.
"""

from __future__ import annotations

import json
from typing import Any


def _filters(adhoc: list[dict]) -> tuple[list[dict], str]:
    """Split adhoc filters into simple filters and the WHERE clause of the SQL ones."""
    simple, where = [], []
    for f in adhoc:
        if f.get("clause", "WHERE") != "WHERE":
            raise ValueError(f"only WHERE filters are supported: {f}")
        if f["expressionType"] == "SIMPLE":
            op = {"==": "==", "!=": "!=", "IN": "IN", "NOT IN": "NOT IN"}[f["operator"]]
            simple.append({"col": f["subject"], "op": op, "val": f["comparator"]})
        else:
            where.append(f"({f['sqlExpression']})")
    return simple, " AND ".join(where)


def _base(adhoc: list[dict], time_grain: str | None = None) -> dict:
    filters, where = _filters(adhoc)
    extras: dict[str, Any] = {"time_grain_sqla": time_grain} if time_grain else {}
    extras.update({"having": "", "where": where})
    return {"filters": filters, "extras": extras, "applied_time_extras": {}}


_TAIL = {"url_params": {}, "custom_params": {}, "custom_form_data": {}}


def _axis(params: dict, x_axis: str) -> dict:
    grain = params.get("time_grain_sqla")
    col = {"timeGrain": grain} if grain else {}
    col.update({"columnType": "BASE_AXIS", "sqlExpression": x_axis, "label": x_axis,
                "expressionType": "SQL", "isColumnReference": True})
    return col


def _label(metric: dict | str) -> str:
    return metric if isinstance(metric, str) else metric["label"]


def _timeseries_post_processing(params: dict, x_axis: str, metrics: list, groupby: list,
                                drop_missing: bool) -> list[dict]:
    ops = [{"operation": "pivot", "options": {
        "index": [x_axis], "columns": list(groupby),
        "aggregates": {_label(m): {"operator": "mean"} for m in metrics},
        "drop_missing_columns": drop_missing}}]
    if len(metrics) == 1 and groupby:
        ops.append({"operation": "rename", "options": {
            "columns": {_label(metrics[0]): None}, "level": 0, "inplace": True}})
    if params.get("x_axis_sort"):
        ops.append({"operation": "sort", "options": {
            "is_sort_index": True, "ascending": bool(params.get("x_axis_sort_asc", True))}})
    ops.append({"operation": "flatten"})
    return ops


def _timeseries(params: dict) -> list[dict]:
    x_axis, metrics, groupby = params["x_axis"], params["metrics"], params.get("groupby", [])
    q = _base(params.get("adhoc_filters", []), params.get("time_grain_sqla"))
    q.update({
        "columns": [_axis(params, x_axis), *groupby], "metrics": metrics,
        "orderby": [[metrics[0], not params.get("order_desc", True)]],
        "annotation_layers": [], "row_limit": params["row_limit"], "series_columns": list(groupby),
        "series_limit": 0, "group_others_when_limit_reached": False,
        "order_desc": params.get("order_desc", True), **_TAIL, "time_offsets": [],
        "post_processing": _timeseries_post_processing(
            params, x_axis, metrics, groupby, not params.get("show_empty_columns", False)),
    })
    return [q]


def _mixed(params: dict) -> list[dict]:
    queries = []
    for suffix in ("", "_b"):
        metrics = params[f"metrics{suffix}"]
        groupby = params.get(f"groupby{suffix}", [])
        q = _base(params.get(f"adhoc_filters{suffix}", []), params.get("time_grain_sqla"))
        q.update({
            "columns": [_axis(params, params["x_axis"]), *groupby], "metrics": metrics,
            "annotation_layers": [], "row_limit": params[f"row_limit{suffix}"],
            "series_columns": list(groupby), "series_limit": 0,
            "group_others_when_limit_reached": False, **_TAIL, "time_offsets": [],
            "post_processing": _timeseries_post_processing(
                {}, params["x_axis"], metrics, groupby, True),
            "orderby": [[metrics[0], not params.get(f"order_desc{suffix}", True)]],
        })
        queries.append(q)
    return queries


def _big_number_total(params: dict) -> list[dict]:
    q = _base(params.get("adhoc_filters", []))
    q.update({"columns": [], "metrics": [params["metric"]], "annotation_layers": [],
              "series_limit": 0, "group_others_when_limit_reached": False, "order_desc": True,
              **_TAIL})
    return [q]


def _table(params: dict) -> list[dict]:
    adhoc = params.get("adhoc_filters", [])
    if params.get("query_mode") == "raw":
        q = _base(adhoc)
        q.update({
            "columns": params["all_columns"],
            "orderby": [json.loads(c) for c in params.get("order_by_cols", [])],
            "annotation_layers": [], "row_limit": params["row_limit"], "series_limit": 0,
            "group_others_when_limit_reached": False, "order_desc": True, **_TAIL,
            "post_processing": [], "time_offsets": []})
        return [q]
    sort_metric = params.get("timeseries_limit_metric")
    order_desc = params.get("order_desc", True)
    q = _base(adhoc)
    q.update({"columns": params["groupby"], "metrics": params["metrics"]})
    if sort_metric:
        q["orderby"] = [[sort_metric, not order_desc]]
    q.update({"annotation_layers": [], "row_limit": params["row_limit"], "series_limit": 0})
    if sort_metric:
        q["series_limit_metric"] = sort_metric
    q.update({"group_others_when_limit_reached": False, "order_desc": order_desc, **_TAIL,
              "post_processing": [], "time_offsets": []})
    queries = [q]
    if params.get("show_totals"):
        totals = _base(adhoc)
        totals.update({"columns": [], "metrics": params["metrics"], "annotation_layers": [],
                       "row_limit": 0, "row_offset": 0, "series_limit": 0})
        if sort_metric:
            totals["series_limit_metric"] = sort_metric
        totals.update({"group_others_when_limit_reached": False, **_TAIL,
                       "post_processing": [], "time_offsets": []})
        queries.append(totals)
    return queries


BUILDERS = {
    "echarts_timeseries_bar": _timeseries,
    "echarts_timeseries_line": _timeseries,
    "mixed_timeseries": _mixed,
    "big_number_total": _big_number_total,
    "table": _table,
}


def build_query_context(params: dict) -> dict:
    """The chart-data request body for a chart's params (`datasource` is "<id>__table")."""
    dataset_id, dataset_type = params["datasource"].split("__")
    return {
        "datasource": {"id": int(dataset_id), "type": dataset_type},
        "force": False,
        "queries": BUILDERS[params["viz_type"]](params),
        "form_data": params,
        "result_format": "json",
        "result_type": "full",
    }
