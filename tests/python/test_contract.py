"""The project's mart contract (docs/contract.md) and its checker (ar_warehouse.contract).

The checker is proved on small warehouses made here from the contract itself: it passes when every
listed column is there, and fails on a missing column, a duplicated grain or a required mart that is
absent; a planned mart fails only once it exists without its columns (or with --strict). When the
reference contract is beside the project (../shared/CONTRACT.md, optional), the project's contract
must list every one of its marts and columns.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

from ar_warehouse import contract
from conftest import SHARED

OVERDUE = ["overdue_1_30", "overdue_31_60"]
STATUSES = ["not_dunned", "payment_promised"]
CAUSES = ["none", "dispute"]
DIMENSION_ROWS = {
    "dim_age_buckets": ("age_bucket", ["not_due", *OVERDUE, "unapplied"]),
    "dim_dunning_statuses": ("dunning_status", STATUSES),
    "dim_blocking_causes": ("blocking_cause", CAUSES),
}


def expanded(spec: contract.MartSpec) -> list[str]:
    placeholders = {"<overdue_bucket>": OVERDUE, "<dunning_status>": STATUSES, "<blocking_cause>": CAUSES,
                    "<n>": contract._effect_days()}
    return list(dict.fromkeys(contract._expand(spec.grain + spec.columns, placeholders)))


PLANNED = ("fct_ar_promises", "fct_ar_collection_worklist", "fct_ar_insurer_watchlist")


def with_planned_marts() -> list[contract.MartSpec]:
    """The contract as it reads while some marts are still planned: three marts planned, and the
    credit-insurance columns of fct_ar_credit_exposure as an `(added)` row."""
    import dataclasses

    specs = []
    for spec in contract.read_contract():
        if spec.model in PLANNED:
            spec = dataclasses.replace(spec, planned=True)
        if spec.model == "fct_ar_credit_exposure":
            added = ["disputed_amount", "covered_balance", "uninsured_exposure"]
            specs.append(dataclasses.replace(spec, columns=[c for c in spec.columns if c not in added]))
            spec = dataclasses.replace(spec, columns=added, planned=True, added=True)
        specs.append(spec)
    return specs


def make_warehouse(path: Path, *, skip: dict[str, str] | None = None, with_planned: bool = False,
                   specs: list[contract.MartSpec] | None = None) -> Path:
    """Every mart of the contract as a table with its columns (minus `skip`: model -> column)."""
    skip = skip or {}
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    tables: dict[str, list[str]] = {}
    for spec in specs or contract.read_contract():
        if spec.planned and not with_planned:
            continue
        tables.setdefault(spec.model, [])
        tables[spec.model] += [c for c in expanded(spec) if c not in tables[spec.model]]
    for model, columns in tables.items():
        extra = ["is_overdue"] if model == "dim_age_buckets" else []
        kept = [c for c in columns + extra if skip.get(model) != c]
        types = {c: "boolean" if c == "is_overdue" else "varchar" for c in kept}
        con.execute(f"create table marts.{model} ({', '.join(f'{c} {t}' for c, t in types.items())})")
        if model in DIMENSION_ROWS:
            key, codes = DIMENSION_ROWS[model]
            for code in codes:
                values = {c: None for c in kept} | {key: code}
                if model == "dim_age_buckets":
                    values["is_overdue"] = code.startswith("overdue")
                con.execute(f"insert into marts.{model} ({', '.join(values)}) values ({', '.join('?' for _ in values)})",
                            list(values.values()))
    con.close()
    return path


def test_the_contract_lists_every_mart():
    specs = contract.read_contract()
    required = {s.model for s in specs if not s.planned}
    assert {"fct_ar_open_items_weekly", "fct_ar_kpis_monthly", "dim_customers", "fct_ar_promises",
            "fct_ar_collection_worklist", "fct_ar_statutory_payment_delays"} <= required
    assert all(s.grain for s in specs), "every mart states its grain"
    models = {p.stem for p in (Path(contract.project_dir()) / "models" / "marts").rglob("*.sql")}
    assert required <= models, "every required mart is a model of the project"


def test_a_complete_warehouse_conforms(tmp_path):
    report = contract.check(make_warehouse(tmp_path / "ok.duckdb"))
    assert report.ok and report.planned == [], (report.missing, report.planned)
    assert contract.main([str(tmp_path / "ok.duckdb")]) == 0
    assert contract.main([str(tmp_path / "ok.duckdb"), "--strict"]) == 0


def test_absent_planned_marts_are_listed_without_failing(tmp_path):
    specs = with_planned_marts()
    report = contract.check(make_warehouse(tmp_path / "ok.duckdb", specs=specs), specs)
    assert report.ok, report.missing
    assert any("fct_ar_promises" in line for line in report.planned), "absent planned marts are listed"


def test_a_missing_column_fails(tmp_path, capsys):
    warehouse = make_warehouse(tmp_path / "gap.duckdb", skip={"fct_ar_open_items_weekly": "open_amount"})
    report = contract.check(warehouse)
    assert report.missing == ["fct_ar_open_items_weekly: missing columns open_amount"]
    assert contract.main([str(warehouse)]) == 1
    assert "MISSING: fct_ar_open_items_weekly: missing columns open_amount" in capsys.readouterr().out


def test_a_missing_bucket_column_fails(tmp_path):
    warehouse = make_warehouse(tmp_path / "bucket.duckdb", skip={"fct_ar_aged_balance_weekly": "overdue_31_60"})
    assert contract.check(warehouse).missing == ["fct_ar_aged_balance_weekly: missing columns overdue_31_60"]


def test_a_missing_required_mart_and_a_duplicated_grain_fail(tmp_path):
    warehouse = make_warehouse(tmp_path / "dup.duckdb")
    con = duckdb.connect(str(warehouse))
    con.execute("drop table marts.fct_ar_due_schedule")
    con.execute("insert into marts.fct_ar_kpis_monthly (month_end_date, company_code) "
                "values ('2026-01-31', 'FR01'), ('2026-01-31', 'FR01')")
    con.close()
    assert sorted(contract.check(warehouse).missing) == [
        "fct_ar_due_schedule: no table or view in schema marts",
        "fct_ar_kpis_monthly: 1 grain values (month_end_date, company_code) on more than one row",
    ]


def test_a_planned_mart_is_checked_once_it_exists(tmp_path):
    specs = with_planned_marts()
    complete = contract.check(make_warehouse(tmp_path / "planned.duckdb", with_planned=True, specs=specs), specs)
    assert complete.ok and complete.planned == [], (complete.missing, complete.planned)
    lacking = make_warehouse(tmp_path / "lacking.duckdb", with_planned=True, specs=specs,
                             skip={"fct_ar_promises": "outcome", "fct_ar_credit_exposure": "covered_balance"})
    report = contract.check(lacking, specs)
    assert report.missing == ["fct_ar_promises: missing columns outcome"]
    # an (added) row: the mart exists, its new columns are still planned
    assert report.planned == ["fct_ar_credit_exposure: missing columns covered_balance"]


def test_the_contract_covers_the_reference_contract():
    reference, checker = SHARED / "CONTRACT.md", SHARED / "tools" / "check_mart_contract.py"
    if not (reference.is_file() and checker.is_file()):
        pytest.skip(f"OPTIONAL DATA ABSENT: no reference contract at {reference}; the project's own is checked")
    spec = importlib.util.spec_from_file_location("check_mart_contract", checker)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    required, to_come = module.contract_marts(reference)
    ours: dict[str, set[str]] = {}
    for mart in contract.read_contract():
        ours.setdefault(mart.model, set()).update(expanded(mart))
    for marts in (required, to_come):
        for model, columns in marts.items():
            assert model in ours, f"{model} of the reference contract is not in docs/contract.md"
            assert set(columns) <= ours[model], f"{model}: {set(columns) - ours[model]} not in docs/contract.md"
