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

What the project already states is read from its metadata, not written again here
(`stated_checks`, from dbt's manifest): the grains (`ar_unique_combination`, `unique`
and `ar_ranges_do_not_overlap` tests, primary-key / unique contract constraints), the
relationships (`relationships`, `ar_relationships_combination`) and the singular
tests (tie-outs). When the build's dbt run executed such a test, the gate takes its
outcome from dbt's run results and does not run it again; when it did not (a build
with --skip-tests, or `validate` on a finished warehouse), the gate runs the grains and
relationships itself, and lists the singular tests it could not run. A new model with
a grain test is thus covered without a change here. The suites written below
(`_suites`) hold only what dbt does not say: checks on the landed rows, plausibility
warnings and value ranges no dbt test states.

An expectation marked critical stops the publication of the build; the others
are reported as warnings. Every run writes a Markdown, an HTML and a JSON report
(see `write_reports`).
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

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
    # dbt tests the gate could neither read from the build's dbt run nor run itself (singular tests
    # when dbt's tests were skipped): listed in the report, not counted as passed or failed
    not_run: list[str] = field(default_factory=list)
    # what the gate looked at: every row (a full build, a finished warehouse) or what an
    # incremental run changed (see `validate`)
    scope: str = "every row"

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


def _landed_only(landed: dict[str, set[str]] | None, *sources: str, alias: str = "") -> str:
    """A filter on the staged rows of the files landed in this run (`landed`: source -> file
    names), or nothing when every row is to be checked (`landed` None: a full build)."""
    if landed is None:
        return ""
    names = sorted(set().union(*(landed.get(source, set()) for source in sources)))
    column = f"{alias}.source_file" if alias else "source_file"
    if not names:
        return " where 1 = 0"
    return f" where {column} in ({', '.join(_sql_literal(n) for n in names)})"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _suites(vars_: dict, landed: dict[str, set[str]] | None = None) -> list[Suite]:
    """What no dbt test states: landed rows, plausibility warnings, value ranges (see the module doc).

    `landed` (source -> names of the files landed in this run) limits the checks of staged rows
    to the rows of those files: a kept file's rows were checked when they were landed, with the
    same code and settings (a change of either is a full build, `landed` None).
    """
    from great_expectations.expectations.row_conditions import Column  # slow import: only when validating

    due_tolerance = int(project_var("due_date_tolerance_days", vars_))
    return [
        # company, entry id, customer, posting and due dates are dbt's not_null tests and the
        # document types its accepted_values (models/staging/ledger/_ledger__models.yml)
        Suite("ledger_entries", "staged", """
            select e.document_number, e.document_type, cast(e.amount as double) as amount,
                   e.posting_date <= a.as_of_date as is_posted_by_as_of,
                   e.due_date is null
                     or e.due_date >= coalesce(e.document_date, e.posting_date) - {tol} as is_due_date_plausible,
                   e.lettering_date is null or e.lettering_date >= e.posting_date as is_lettered_after_posting
            from staging.stg_ledger__entries e cross join intermediate.int_calendar__as_of a{only}
            """.format(tol=due_tolerance, only=_landed_only(landed, "ledger", "fec", alias="e")), [
            *[Expect("ExpectColumnValuesToNotBeNull", {"column": c}, why="required ledger value")
              for c in ("document_number", "document_type", "amount")],
            Expect("ExpectColumnValuesToBeBetween",
                   {"column": "amount", "min_value": -1e13, "max_value": 1e13},
                   why="finite, plausible amounts"),
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
        # company and extract date are dbt's not_null tests, the statuses and causes its
        # relationships to the seeds (models/staging/dunning/_dunning__models.yml)
        Suite("dunning_states", "staged", """
            select customer_code, document_number, dunning_level
            from staging.stg_dunning__document_states""" + _landed_only(landed, "dunning"), [
            *[Expect("ExpectColumnValuesToNotBeNull", {"column": c}, why="required dunning value")
              for c in ("customer_code", "document_number")],
            Expect("ExpectColumnValuesToBeBetween", {"column": "dunning_level", "min_value": 0, "max_value": 99},
                   critical=False, why="plausible dunning level"),
        ]),
        Suite("customers", "staged", """
            select cast(credit_limit as double) as credit_limit, payment_terms_days
            from staging.stg_customers__customers""" + _landed_only(landed, "customers"), [
            Expect("ExpectColumnValuesToBeBetween", {"column": "credit_limit", "min_value": 0},
                   why="credit limits are not negative"),
            Expect("ExpectColumnValuesToBeBetween", {"column": "payment_terms_days", "min_value": 0,
                                                     "max_value": 3650}, why="plausible terms"),
        ]),
        # count-back and standard DSO are dbt tests (models/marts/kpis); BPDSO may be negative
        # when not-due items are: a warning, not a rule
        Suite("kpis", "marts", """
            select bpdso from marts.fct_ar_kpis_monthly""", [
            Expect("ExpectColumnValuesToBeBetween", {"column": "bpdso", "min_value": 0}, critical=False,
                   why="BPDSO is not negative unless not-due items are negative"),
        ], requires=("marts.fct_ar_kpis_monthly",)),
        Suite("credit_exposure", "marts", """
            select cast(credit_limit as double) as credit_limit from marts.fct_ar_credit_exposure""", [
            Expect("ExpectColumnValuesToBeBetween", {"column": "credit_limit", "min_value": 0},
                   why="credit limits are not negative"),
        ], requires=("marts.fct_ar_credit_exposure",)),
    ]


# ---------------------------------------------------------------------------------------------
# What dbt states: read from the manifest

_LAYERS = {"staging": "staged", "intermediate": "intermediate", "marts": "marts"}
_REF = re.compile(r"""ref\(\s*['"]([^'"]+)['"](?:\s*,\s*['"]([^'"]+)['"])?\s*\)""")


@dataclass(frozen=True)
class StatedCheck:
    """A check a dbt test (or a model contract) states, as the gate sees it.

    `sql` returns the offending rows (none when the check holds); it is None for singular
    tests, whose SQL is dbt's: the gate only reports their outcome.
    """

    name: str
    kind: str  # grain, no_overlap, relationship or singular
    layer: str
    relation: str | None
    test_id: str | None  # the dbt test's unique_id (None: a contract constraint)
    why: str
    sql: str | None
    requires: tuple[str, ...] = ()


def manifest_path() -> Path:
    from .paths import dbt_target_dir

    return dbt_target_dir() / "manifest.json"


def load_json(source: dict | Path | None) -> dict | None:
    if source is None or isinstance(source, dict):
        return source
    return json.loads(Path(source).read_text(encoding="utf-8"))


def _relation(node: dict) -> str:
    return f"{node['schema']}.{node.get('alias') or node['name']}"


def _ref_target(manifest: dict, text: str) -> dict | None:
    """The model or seed a test argument such as "ref('dim_customers')" names."""
    found = _REF.search(str(text))
    if not found:
        return None
    name = found.group(2) or found.group(1)
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed") and node["name"] == name:
            return node
    return None


def _where(test: dict, restated: str = "") -> str:
    where = (test.get("config") or {}).get("where")
    parts = [f"({p})" for p in (where, restated) if p]
    return f" where {' and '.join(parts)}" if parts else ""


def _model_relation(manifest: dict, name: str) -> str:
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["name"] == name:
            return _relation(node)
    raise KeyError(f"no model named {name} in the manifest")


def restated_rows_predicate(manifest: dict, model: dict) -> str:
    """The rows of an incremental model (aliased restated_scope) that this run wrote, by its
    `restated_by` meta; '' for any other model. The same predicates as the dbt macro
    `ar_restated_rows_predicate` (macros/weekly/restated_rows.sql), which scopes dbt's own
    tests: here they scope the checks the gate runs when dbt's tests were skipped."""
    kind = ((model.get("config") or {}).get("meta") or {}).get("restated_by")
    if not kind:
        return ""
    restatement = _model_relation(manifest, "int_weekly__restatement")
    if kind == "snapshots":
        return f"restated_scope.snapshot_date >= (select restate_from_date from {restatement})"
    if kind in ("items", "documents"):
        keys = ["company_code", "entry_id"] if kind == "items" else ["company_code", "customer_code",
                                                                      "document_number"]
        match = " and ".join(f"restated.{k} = restated_scope.{k}" for k in keys)
        return (f"exists (select 1 from {_model_relation(manifest, 'int_weekly__restated_items')} as restated "
                f"where {match})")
    if kind == "dunning_documents":
        match = " and ".join(f"restated.{k} = restated_scope.{k}"
                             for k in ("company_code", "customer_code", "document_number"))
        return (f"(select dunning_restate_from_date from {restatement}) = cast('1900-01-01' as date) "
                f"or exists (select 1 from {_model_relation(manifest, 'int_weekly__restated_dunning_documents')}"
                f" as restated where {match})")
    if kind == "months":
        return f"restated_scope.month_start_date >= (select item_restate_from_date from {restatement})"
    if kind == "dunning_rows":
        restarts = _model_relation(manifest, "int_weekly__dunning_row_restarts")
        return (f"(restated_scope.extracted_at >= coalesce((select max(restarts.restart_date) from {restarts} "
                f"as restarts where restarts.company_code = restated_scope.company_code "
                f"and restarts.customer_code is null), cast('1900-01-01' as date)) "
                f"or exists (select 1 from {restarts} as restarts where restarts.company_code = "
                f"restated_scope.company_code and restarts.customer_code = restated_scope.customer_code))")
    if kind in ("source_files", "extracts"):
        column = "staged_at" if kind == "source_files" else "staged_through"
        return (f"restated_scope.{column} = (select max({column}) from "
                f"{_model_relation(manifest, model['name'])})")
    raise ValueError(f"unknown restated_by {kind!r} on {model['name']}")


def _grain_sql(relation: str, columns: list[str], where: str = "") -> str:
    key = ", ".join(columns)
    return (f"select {key}, count(*) as row_count from {relation} as restated_scope{where} "
            f"group by {key} having count(*) > 1")


def stated_checks(manifest: dict, changed_only: bool = False) -> list[StatedCheck]:
    """The grains, relationships and singular tests the project states, from dbt's manifest.

    `changed_only`: on an incremental model, check only the rows this run wrote
    (`restated_rows_predicate`), as dbt's own tests do.
    """
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    checks: list[StatedCheck] = []
    for uid, test in sorted(manifest["nodes"].items()):
        if test["resource_type"] != "test" or not (test.get("config") or {}).get("enabled", True):
            continue
        meta = test.get("test_metadata") or {}
        if not meta:  # singular test: dbt's SQL, reported from dbt's outcome
            checks.append(StatedCheck(test["name"], "singular", "dbt", None, uid,
                                      test.get("description") or f"dbt test {test['name']}", None))
            continue
        model = models.get(test.get("attached_node") or "")
        if model is None:
            continue
        kwargs, relation = meta.get("kwargs") or {}, _relation(model)
        restated = restated_rows_predicate(manifest, model) if changed_only else ""
        layer, name, where = _LAYERS.get(model["schema"], model["schema"]), model["name"], _where(test, restated)
        if meta["name"] in ("ar_unique_combination", "unique"):
            columns = list(kwargs["columns"]) if meta["name"] == "ar_unique_combination" else [kwargs["column_name"]]
            checks.append(StatedCheck(f"grain_{name}__{'__'.join(_slug(c) for c in columns)}", "grain", layer,
                                      relation, uid, f"grain of {name}: {', '.join(columns)}",
                                      _grain_sql(relation, columns, where), (relation,)))
        elif meta["name"] == "ar_ranges_do_not_overlap":
            part = ", ".join(kwargs["partition_by"])
            lower, upper = kwargs["lower_bound"], kwargs["upper_bound"]
            sql = f"""select * from (
                select {part}, {lower} as lower_bound, {upper} as upper_bound,
                       lead({lower}) over (partition by {part} order by {lower}) as next_lower_bound
                from {relation} as restated_scope{where}) ordered
                where next_lower_bound is not null
                  and (upper_bound is null or upper_bound > next_lower_bound or next_lower_bound = lower_bound)"""
            checks.append(StatedCheck(f"no_overlap_{name}__{_slug(part)}", "no_overlap", layer, relation, uid,
                                      f"ranges [{lower}, {upper}) of {name} do not overlap per {part}",
                                      sql, (relation,)))
        elif meta["name"] in ("relationships", "ar_relationships_combination"):
            target = _ref_target(manifest, kwargs.get("to", ""))
            if target is None:
                continue
            if meta["name"] == "relationships":
                columns, fields = [kwargs["column_name"]], [kwargs["field"]]
            else:
                columns = list(kwargs["columns"])
                fields = list(kwargs.get("fields") or columns)
            parent = _relation(target)
            found = " and ".join(f"p.{f} = c.{c}" for c, f in zip(columns, fields))
            present = " and ".join(f"{c} is not null" for c in columns)
            sql = (f"select * from (select distinct {', '.join(columns)} from {relation} as restated_scope"
                   f"{where or ' where'}{' and' if where else ''} {present}) c "
                   f"where not exists (select 1 from {parent} p where {found})")
            checks.append(StatedCheck(
                f"relationship_{name}__{'__'.join(_slug(c) for c in columns)}__{target['name']}", "relationship",
                layer, relation, uid, f"every {', '.join(columns)} of {name} exists in {target['name']}",
                sql, (relation, parent)))
    # grains a model contract states (primary key / unique constraints): no dbt test runs them
    for model in models.values():
        constraints = [(c, list(c.get("columns") or [])) for c in model.get("constraints") or []]
        constraints += [(c, [col]) for col, spec in (model.get("columns") or {}).items()
                        for c in spec.get("constraints") or []]
        for constraint, columns in constraints:
            if constraint.get("type") in ("primary_key", "unique") and columns:
                relation = _relation(model)
                restated = restated_rows_predicate(manifest, model) if changed_only else ""
                checks.append(StatedCheck(
                    f"grain_{model['name']}__{'__'.join(_slug(c) for c in columns)}", "grain",
                    _LAYERS.get(model["schema"], model["schema"]), relation, None,
                    f"contract {constraint['type']} of {model['name']}: {', '.join(columns)}",
                    _grain_sql(relation, columns, _where({}, restated)), (relation,)))
    return checks


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def dbt_statuses(run_results: dict | None) -> dict[str, str]:
    """unique_id -> status (pass, fail, warn, error, skipped) of what a dbt run executed."""
    return {r["unique_id"]: r["status"] for r in (run_results or {}).get("results", [])}


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


def check_suite(check: StatedCheck) -> Suite:
    """A stated check run by the gate: its offending rows, expected to be none."""
    why = check.why if check.test_id is None else f"{check.why} (dbt test not run by this build: checked here)"
    return Suite(check.name, check.layer, check.sql, [Expect("ExpectTableRowCountToEqual", {"value": 0}, why=why)],
                 requires=check.requires)


def _stated_suites(report: ValidationReport, manifest: dict | Path | None,
                   run_results: dict | Path | None, changed_only: bool = False) -> list[Suite]:
    """The checks dbt states: dbt's outcome when its run executed them (recorded in `report`),
    else a suite that runs them here; the singular tests dbt did not run go to `report.not_run`."""
    source = manifest if manifest is not None else manifest_path()
    try:
        manifest = load_json(source)
    except OSError as exc:
        report.outcomes.append(Outcome("project_metadata", "dbt", "manifest exists", {"path": str(source)}, True,
                                       False, f"unreadable: {exc}", "grains and relationships come from it"))
        return []
    ran = dbt_statuses(load_json(run_results))
    suites = []
    for check in stated_checks(manifest, changed_only):
        status = ran.get(check.test_id) if check.test_id else None
        if status in ("pass", "fail", "error", "warn"):
            report.outcomes.append(Outcome(check.name, check.layer, "dbt test", {"test": check.test_id},
                                           status != "warn", status == "pass", f"dbt {status}", check.why))
        elif check.sql is not None:
            suites.append(check_suite(check))
        else:
            report.not_run.append(check.name)
    return suites


def validate(warehouse: Path, vars_: dict | None = None, suites: list[Suite] | None = None, *,
             manifest: dict | Path | None = None, run_results: dict | Path | None = None,
             landed: dict[str, set[str]] | None = None) -> ValidationReport:
    """Validate a built warehouse.

    `suites` replaces every check (tests); by default the gate runs `_suites` and the checks
    the project states (`stated_checks` of `manifest`, default target/manifest.json). Those
    that dbt's `run_results` (the build's run_results.json) show executed are not run again.

    `landed` (an incremental build: source -> names of the files landed in this run) limits
    the gate to what the run changed: the staged rows of those files and, on incremental
    models, the rows the run wrote. None (a full build, or a finished warehouse): every row.
    """
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
    if landed is not None:
        files = sum(len(names) for names in landed.values())
        report.scope = (f"what this incremental run changed: the staged rows of the {files} files it landed, "
                        "and the rows it wrote in incremental models")
    if suites is None:
        suites = [*_suites(vars_ or {}, landed),
                  *_stated_suites(report, manifest, run_results, changed_only=landed is not None)]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = _existing_tables(con)
        for suite in suites:
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
             f"({len(report.critical_failures)} critical, {len(report.warnings)} warnings)",
             f"- scope: {report.scope}",
             f"- dbt tests neither run by this build's dbt run nor runnable here: "
             f"{', '.join(report.not_run) if report.not_run else 'none'}", "",
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
({len(report.critical_failures)} critical, {len(report.warnings)} warnings). Scope:
{html.escape(report.scope)}.</p>
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
