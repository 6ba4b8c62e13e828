"""Great Expectations suites over a built warehouse: the gate before publishing.

Each suite is a SQL query on the warehouse and the expectations its result must
meet. The rows are read with DuckDB and validated by Great Expectations 1.x
through its pandas data source. We do not use GX's SQL data source on DuckDB:
through SQLAlchemy it reads metrics after the connection was rolled back and
returns empty results that pass (upstream issues #10738, #11579); pandas frames
have no such failure mode, and only the columns a suite checks are read. Decimal
columns are read as doubles where a range is checked: GX's pandas engine compares
Python `Decimal` objects one at a time (16 s per 10 M amounts), and the bounds are
plausibility bounds, nowhere near a double's precision.

An expectation marked critical stops the publication of the build; the others
are reported as warnings. Every run writes a Markdown, an HTML and a JSON report
(see `write_reports`).
"""

from __future__ import annotations

import html
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

MART_GRAINS: dict[str, list[str]] = {
    "fct_ar_open_items_weekly": ["snapshot_date", "company_code", "entry_id"],
    "fct_ar_outstanding_weekly": ["snapshot_date", "company_code", "customer_code", "age_bucket", "dunning_status",
                                  "blocking_cause"],
    "fct_ar_aged_balance_weekly": ["snapshot_date", "company_code", "customer_code"],
    "fct_ar_cash_receipts_weekly": ["snapshot_date", "company_code", "customer_code"],
    "fct_ar_kpis_monthly": ["month_end_date", "company_code"],
    "fct_ar_collection_monthly": ["month_start_date", "company_code", "collector"],
    "fct_ar_collection_monthly_by_customer_group": ["month_start_date", "company_code", "collector",
                                                    "customer_group"],
    "fct_ar_collection_daily": ["date_day", "company_code", "collector"],
    "fct_ar_due_schedule": ["company_code", "customer_code", "due_bucket"],
    "fct_ar_top_customers": ["company_code", "customer_code"],
    "fct_ar_credit_exposure": ["company_code", "customer_code"],
    "fct_ar_collection_forecast": ["company_code", "expected_week_start", "forecast_line"],
    "fct_ar_lettering_proposals": ["company_code", "debit_entry_id", "credit_entry_id"],
    "dim_customers": ["company_code", "customer_code"],
    "dim_age_buckets": ["age_bucket"],
    "dim_dunning_statuses": ["dunning_status"],
    "dim_blocking_causes": ["blocking_cause"],
    "dim_calendar": ["date_day"],
}

# facts whose customers must exist in dim_customers
CUSTOMER_FACTS = ("fct_ar_open_items_weekly", "fct_ar_outstanding_weekly", "fct_ar_aged_balance_weekly",
                  "fct_ar_cash_receipts_weekly", "fct_ar_due_schedule", "fct_ar_top_customers",
                  "fct_ar_credit_exposure", "fct_ar_lettering_proposals")

DOCUMENT_TYPES = ["invoice", "credit_note", "payment", "adjustment"]
STATUSES = ["not_dunned", "dunning_in_progress", "arbitration_required", "payment_promised", "payment_received"]
CAUSES = ["none", "dispute", "invoice_label_error", "invoice_not_received", "order_contract_mismatch",
          "awaiting_credit_note", "other"]


@dataclass
class Expect:
    """One expectation: the GX class name, its arguments, and whether it blocks publication."""

    kind: str
    kwargs: dict
    critical: bool = True
    why: str = ""


@dataclass
class Suite:
    name: str
    layer: str  # "staged" or "marts"
    sql: str
    expectations: list[Expect]
    requires: tuple[str, ...] = ()  # tables that must exist for the suite to run


@dataclass
class Outcome:
    suite: str
    layer: str
    expectation: str
    arguments: dict
    critical: bool
    success: bool
    observed: str
    why: str


@dataclass
class ValidationReport:
    warehouse: str
    started_at: str
    seconds: float
    row_counts: dict[str, int] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(o.success for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(not o.success for o in self.outcomes)

    @property
    def critical_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.critical and not o.success]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.critical and not o.success]


def project_var(name: str, vars_: dict | None):
    """A dbt var as the build saw it: the --vars given, else dbt_project.yml's default."""
    if vars_ and name in vars_:
        return vars_[name]
    import yaml

    from .paths import project_dir

    return yaml.safe_load((project_dir() / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][name]


def _suites(vars_: dict) -> list[Suite]:
    from great_expectations.expectations.row_conditions import Column  # slow import: only when validating

    due_tolerance = int(project_var("due_date_tolerance_days", vars_))
    suites = [
        Suite("ledger_entries", "staged", """
            select e.company_code, e.entry_id, e.customer_code, e.document_number, e.document_type,
                   e.posting_date, cast(e.amount as double) as amount, e.item_side, e.due_date,
                   a.as_of_date,
                   e.posting_date <= a.as_of_date as is_posted_by_as_of,
                   e.due_date is null
                     or e.due_date >= coalesce(e.document_date, e.posting_date) - {tol} as is_due_date_plausible,
                   e.lettering_date is null or e.lettering_date >= e.posting_date as is_lettered_after_posting
            from staging.stg_ledger__entries e cross join intermediate.int_calendar__as_of a
            """.format(tol=due_tolerance), [
            *[Expect("ExpectColumnValuesToNotBeNull", {"column": c}, why="required ledger value")
              for c in ("company_code", "entry_id", "customer_code", "document_number", "document_type",
                        "posting_date", "amount")],
            Expect("ExpectColumnValuesToBeInSet", {"column": "document_type", "value_set": DOCUMENT_TYPES},
                   why="document types are mapped to the four canonical ones"),
            Expect("ExpectColumnValuesToBeBetween",
                   {"column": "amount", "min_value": -1e13, "max_value": 1e13},
                   why="finite, plausible amounts"),
            Expect("ExpectColumnValuesToNotBeNull", {"column": "due_date",
                                                     "row_condition": Column("item_side") == "debit"},
                   why="every debit item has a due date (exported or completed)"),
            Expect("ExpectColumnValuesToBeInSet", {"column": "is_posted_by_as_of", "value_set": [True]},
                   critical=False, why="no posting after the as-of date (expected when as_of_date is set "
                                       "in the past to rebuild history)"),
            Expect("ExpectColumnValuesToBeInSet", {"column": "is_due_date_plausible", "value_set": [True]},
                   critical=False, why=f"due date not more than {due_tolerance} days before the document date "
                                       "(var due_date_tolerance_days)"),
            Expect("ExpectColumnValuesToBeInSet", {"column": "is_lettered_after_posting", "value_set": [True]},
                   critical=False, why="a lettering date before the posting date is accepted (the group takes "
                                       "effect at its latest date) but worth a look"),
        ]),
        Suite("dunning_states", "staged", """
            select company_code, extracted_at, customer_code, document_number, dunning_status, blocking_cause,
                   dunning_level
            from staging.stg_dunning__document_states""", [
            *[Expect("ExpectColumnValuesToNotBeNull", {"column": c}, why="required dunning value")
              for c in ("company_code", "extracted_at", "customer_code", "document_number")],
            Expect("ExpectColumnValuesToBeInSet", {"column": "dunning_status", "value_set": STATUSES},
                   why="statuses mapped to the canonical ones"),
            Expect("ExpectColumnValuesToBeInSet", {"column": "blocking_cause", "value_set": CAUSES},
                   why="causes mapped to the canonical ones"),
            Expect("ExpectColumnValuesToBeBetween", {"column": "dunning_level", "min_value": 0, "max_value": 99},
                   critical=False, why="plausible dunning level"),
        ]),
        Suite("customers", "staged", """
            select customer_code, cast(credit_limit as double) as credit_limit, insured_limit, payment_terms_days
            from staging.stg_customers__customers""", [
            Expect("ExpectColumnValuesToNotBeNull", {"column": "customer_code"}, why="required"),
            Expect("ExpectColumnValuesToBeBetween", {"column": "credit_limit", "min_value": 0},
                   why="credit limits are not negative"),
            Expect("ExpectColumnValuesToBeBetween", {"column": "payment_terms_days", "min_value": 0,
                                                     "max_value": 3650}, why="plausible terms"),
        ]),
        Suite("aged_balance_ties_to_ledger", "marts", """
            with weekly_postings as (
                -- what each snapshot's week adds to the ledger, per company
                select d.snapshot_index, e.company_code, sum(e.amount) as amount
                from staging.stg_ledger__entries e
                join intermediate.int_calendar__day_snapshot_index d on e.posting_date = d.date_day
                group by all
            ), ledger as (
                select s.snapshot_date, c.company_code,
                       sum(coalesce(w.amount, 0)) over (
                           partition by c.company_code order by s.snapshot_index) as ledger_balance
                from intermediate.int_calendar__snapshot_dates s
                cross join (select distinct company_code from weekly_postings) c
                left join weekly_postings w
                    on w.snapshot_index = s.snapshot_index and w.company_code = c.company_code
            ), aged as (
                select snapshot_date, company_code, sum(balance) as aged_balance
                from marts.fct_ar_aged_balance_weekly group by all
            )
            select coalesce(l.snapshot_date, a.snapshot_date) as snapshot_date,
                   coalesce(l.company_code, a.company_code) as company_code,
                   coalesce(l.ledger_balance, 0) - coalesce(a.aged_balance, 0) as difference
            from ledger l full join aged a using (snapshot_date, company_code)""", [
            Expect("ExpectColumnValuesToBeBetween", {"column": "difference", "min_value": 0, "max_value": 0},
                   why="the aged balance equals the ledger balance, every snapshot and company, to the cent"),
            Expect("ExpectTableRowCountToBeBetween", {"min_value": 1},
                   why="there is something to reconcile"),
        ]),
        Suite("kpis", "marts", """
            select month_end_date, company_code, dso_countback, dso_standard, bpdso, cei, ar_balance
            from marts.fct_ar_kpis_monthly""", [
            Expect("ExpectColumnValuesToBeBetween", {"column": "dso_countback", "min_value": 0},
                   why="count-back DSO is never negative"),
            Expect("ExpectColumnValuesToBeBetween",
                   {"column": "dso_standard", "min_value": 0, "row_condition": Column("ar_balance") >= 0},
                   why="DSO is not negative while the balance is not"),
            Expect("ExpectColumnValuesToBeBetween", {"column": "bpdso", "min_value": 0}, critical=False,
                   why="BPDSO is not negative unless not-due items are negative"),
        ], requires=("marts.fct_ar_kpis_monthly",)),
        Suite("rates", "marts", """
            select collection_rate, unapplied_lettering_rate from marts.fct_ar_collection_monthly""", [
            Expect("ExpectColumnValuesToBeBetween", {"column": "unapplied_lettering_rate", "min_value": 0,
                                                     "max_value": 1}, why="a share"),
            Expect("ExpectColumnValuesToBeBetween", {"column": "collection_rate", "min_value": 0,
                                                     "max_value": 1}, why="collected within what was to collect"),
        ], requires=("marts.fct_ar_collection_monthly",)),
        Suite("credit_exposure", "marts", """
            select utilisation, cast(credit_limit as double) as credit_limit from marts.fct_ar_credit_exposure""", [
            Expect("ExpectColumnValuesToBeBetween", {"column": "credit_limit", "min_value": 0},
                   why="credit limits are not negative"),
        ], requires=("marts.fct_ar_credit_exposure",)),
    ]
    # Keys are checked where the rows are: the database groups by the key and GX receives the
    # keys found more than once, expecting none (a table of 135 M item-weeks does not fit in
    # pandas; its duplicates do).
    keys = {
        "key_ledger_entries": ("staging.stg_ledger__entries", ["company_code", "entry_id"],
                               "one current version per ledger line after re-deliveries"),
        "key_dunning_states": ("staging.stg_dunning__document_states",
                               ["company_code", "extracted_at", "customer_code", "document_number"],
                               "one state per document and extract"),
        **{f"grain_{mart}": (f"marts.{mart}", grain, f"grain of {mart}: {', '.join(grain)}")
           for mart, grain in MART_GRAINS.items() if mart != "fct_ar_open_items_weekly"},
    }
    for name, (table, key, why) in keys.items():
        suites.append(Suite(name, table.split(".")[0].replace("staging", "staged"), f"""
            select {', '.join(key)}, count(*) as row_count from {table}
            group by {', '.join(key)} having count(*) > 1""", [
            Expect("ExpectTableRowCountToEqual", {"value": 0}, why=f"{why}: no key twice"),
        ], requires=(table,)))
    # fct_ar_open_items_weekly is a view of each item's state runs over the snapshots: its grain
    # holds when no two runs of an item cover the same snapshot
    suites.append(Suite("grain_fct_ar_open_items_weekly", "marts", """
        select company_code, entry_id, first_snapshot_index, end_snapshot_index, next_first_snapshot_index
        from (
            select *, lead(first_snapshot_index) over (
                partition by company_code, entry_id order by first_snapshot_index) as next_first_snapshot_index
            from intermediate.int_ageing__item_state_runs
        ) where next_first_snapshot_index is not null
            and (end_snapshot_index is null or end_snapshot_index > next_first_snapshot_index)""", [
        Expect("ExpectTableRowCountToEqual", {"value": 0},
               why="grain of fct_ar_open_items_weekly: snapshot_date, company_code, entry_id "
                   "(no two state runs of an item overlap)"),
    ], requires=("marts.fct_ar_open_items_weekly", "intermediate.int_ageing__item_state_runs")))
    # the open-items view is read from the state runs it is made of (every customer of the view
    # is one of theirs): reading the view itself would expand every run over its snapshots
    customer_sources = {fact: f"marts.{fact}" for fact in CUSTOMER_FACTS}
    customer_sources["fct_ar_open_items_weekly"] = "intermediate.int_ageing__item_state_runs"
    orphans = " union all ".join(
        f"select '{fact}' as fact, company_code, customer_code from ("
        f"select distinct company_code, customer_code from {table}) f "
        f"anti join marts.dim_customers d using (company_code, customer_code)"
        for fact, table in customer_sources.items())
    suites.append(Suite("customers_in_dim_customers", "marts", f"select * from ({orphans})", [
        Expect("ExpectTableRowCountToEqual", {"value": 0},
               why="every customer in the facts exists in dim_customers"),
    ], requires=tuple(f"marts.{f}" for f in CUSTOMER_FACTS)))
    return suites


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}


CHUNK_ROWS = 2_000_000
# expectations that hold for a table when they hold for each of its chunks
_ROW_WISE = {"ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween"}


def _chunks(con: duckdb.DuckDBPyConnection, sql: str):
    """The query's rows as pandas frames of about CHUNK_ROWS rows (one empty frame for no rows).

    DuckDB's Arrow reader yields its ~120 k-row vectors for most queries, whatever batch size
    is asked: they are gathered into chunks, since each GX run has a fixed cost (82 runs
    instead of 5 for 10 M ledger lines took 80 s instead of 20).
    """
    reader = con.sql(sql).to_arrow_reader(CHUNK_ROWS)
    pending, pending_rows, sent = [], 0, False
    for batch in reader:
        pending.append(batch)
        pending_rows += batch.num_rows
        if pending_rows >= CHUNK_ROWS:
            yield pa.Table.from_batches(pending, schema=reader.schema).to_pandas()
            pending, pending_rows, sent = [], 0, True
    if pending or not sent:
        yield pa.Table.from_batches(pending, schema=reader.schema).to_pandas()


def _combine(results: list, kind: str, kwargs: dict, rows: int) -> tuple[bool, str]:
    """One outcome from an expectation's results over the chunks of its suite."""
    if len(results) == 1:
        return bool(results[0].success), _describe(results[0])
    if kind == "ExpectTableRowCountToEqual":  # on the whole table: its row count is the chunks' sum
        return rows == kwargs["value"], f"observed {rows}"
    if kind == "ExpectTableRowCountToBeBetween":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        return (low is None or rows >= low) and (high is None or rows <= high), f"observed {rows}"
    if kind not in _ROW_WISE:
        raise RuntimeError(f"{kind} cannot be combined over chunks; its suite returned more than {CHUNK_ROWS} rows")
    unexpected = sum((r.result or {}).get("unexpected_count", 0) or 0 for r in results)
    elements = sum((r.result or {}).get("element_count", 0) or 0 for r in results)
    sample = next(((r.result or {}).get("partial_unexpected_list") for r in results if not r.success), None)
    tail = f"; e.g. {sample[:3]}" if sample and unexpected else ""
    return all(bool(r.success) for r in results), f"{unexpected} unexpected of {elements}{tail}"


def _describe(result) -> str:
    r = result.result or {}
    if "unexpected_count" in r:
        partial = r.get("partial_unexpected_list") or []
        sample = f"; e.g. {partial[:3]}" if partial and r["unexpected_count"] else ""
        return f"{r['unexpected_count']} unexpected of {r.get('element_count')}{sample}"
    if "observed_value" in r:
        return f"observed {r['observed_value']}"
    return json.dumps(r, default=str)[:200]


def validate(warehouse: Path, vars_: dict | None = None, suites: list[Suite] | None = None) -> ValidationReport:
    import great_expectations as gx  # slow import: only when validating
    from great_expectations.execution_engine import pandas_execution_engine
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    # GX fingerprints every in-memory batch under 1 GB (pandas' hash of every cell, then md5) for
    # a batch cache an ephemeral context never reads: 22 of the 80 s the ledger suite took at
    # 10 M lines. A threshold of 0 skips it; it is put back when the validation ends.
    hash_threshold = pandas_execution_engine.HASH_THRESHOLD
    pandas_execution_engine.HASH_THRESHOLD = 0

    started = time.perf_counter()
    report = ValidationReport(warehouse=str(warehouse),
                              started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), seconds=0)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False}
    except Exception:  # noqa: BLE001 - cosmetic setting, absent in some versions
        pass
    source = context.data_sources.add_pandas("warehouse")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = _existing_tables(con)
        for suite in suites or _suites(vars_ or {}):
            missing = [t for t in suite.requires if t not in tables]
            if missing:
                report.outcomes.append(Outcome(suite.name, suite.layer, "tables exist", {"tables": missing},
                                               True, False, f"missing {', '.join(missing)}", "mart contract"))
                continue
            asset = source.add_dataframe_asset(suite.name)
            batch = asset.add_batch_definition_whole_dataframe("all")
            gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
            for e in suite.expectations:
                gx_suite.add_expectation(getattr(gx.expectations, e.kind)(**e.kwargs))
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite))
            # Row-wise expectations hold for a table when they hold for each of its chunks, so large
            # staged tables are validated CHUNK_ROWS rows at a time (bounded memory); counts add up.
            per_chunk, rows = [], 0
            for frame in _chunks(con, suite.sql):
                rows += len(frame)
                result = definition.run(batch_parameters={"dataframe": frame})
                per_chunk.append(list(result.results))
                if len(per_chunk[-1]) != len(suite.expectations):
                    raise RuntimeError(f"suite {suite.name}: {len(per_chunk[-1])} results for "
                                       f"{len(suite.expectations)} expectations")
            report.row_counts[suite.name] = rows
            for i, e in enumerate(suite.expectations):
                success, observed = _combine([chunk[i] for chunk in per_chunk], e.kind, e.kwargs, rows)
                report.outcomes.append(Outcome(suite.name, suite.layer, e.kind, e.kwargs, e.critical,
                                               success, observed, e.why))
    finally:
        con.close()
        pandas_execution_engine.HASH_THRESHOLD = hash_threshold
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def write_reports(report: ValidationReport, folder: Path, stem: str) -> dict[str, Path]:
    """Markdown, HTML and JSON reports; `<stem>_latest.*` always points at the newest run."""
    folder.mkdir(parents=True, exist_ok=True)
    status = "PASSED" if not report.critical_failures else "FAILED"
    lines = [f"# Data validation — {status}", "",
             f"- warehouse: `{report.warehouse}`", f"- run at: {report.started_at} UTC ({report.seconds} s)",
             f"- expectations: {report.passed} passed, {report.failed} failed "
             f"({len(report.critical_failures)} critical, {len(report.warnings)} warnings)", "",
             "| suite | layer | expectation | arguments | critical | result | observed | why |",
             "|---|---|---|---|---|---|---|---|"]
    for o in sorted(report.outcomes, key=lambda o: (o.success, not o.critical, o.layer, o.suite)):
        args = json.dumps(o.arguments, ensure_ascii=False, default=str).replace("|", "\\|")
        lines.append(f"| {o.suite} | {o.layer} | {o.expectation} | `{args}` | {'yes' if o.critical else 'no'} | "
                     f"{'pass' if o.success else 'FAIL'} | {o.observed.replace('|', '/')} | {o.why} |")
    markdown = "\n".join(lines) + "\n"
    rows = "".join(
        f"<tr class='{'ok' if o.success else ('crit' if o.critical else 'warn')}'>"
        + "".join(f"<td>{html.escape(str(v))}</td>" for v in (
            o.suite, o.layer, o.expectation, json.dumps(o.arguments, ensure_ascii=False, default=str),
            "yes" if o.critical else "no", "pass" if o.success else "FAIL", o.observed, o.why))
        + "</tr>"
        for o in sorted(report.outcomes, key=lambda o: (o.success, not o.critical, o.layer, o.suite)))
    page = f"""<!doctype html><html lang="en"><meta charset="utf-8"><title>Data validation {status}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;
padding:4px 8px;font-size:13px}}.crit{{background:#f8d7da}}.warn{{background:#fff3cd}}.ok{{background:#fff}}</style>
<h1>Data validation — {status}</h1><p>Warehouse <code>{html.escape(report.warehouse)}</code>, run at
{report.started_at} UTC in {report.seconds} s: {report.passed} passed, {report.failed} failed
({len(report.critical_failures)} critical, {len(report.warnings)} warnings).</p>
<table><tr><th>suite</th><th>layer</th><th>expectation</th><th>arguments</th><th>critical</th><th>result</th>
<th>observed</th><th>why</th></tr>{rows}</table></html>"""
    payload = {"status": status, **{k: v for k, v in report.__dict__.items() if k != "outcomes"},
               "outcomes": [o.__dict__ for o in report.outcomes]}
    stamp = report.started_at.replace(":", "").replace("-", "").replace("+0000", "")
    paths = {}
    for ext, text in (("md", markdown), ("html", page), ("json", json.dumps(payload, indent=2, default=str))):
        path = folder / f"{stem}_{stamp}.{ext}"
        path.write_text(text, encoding="utf-8")
        (folder / f"{stem}_latest.{ext}").write_text(text, encoding="utf-8")
        paths[ext] = path
    return paths
