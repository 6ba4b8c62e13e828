"""Check a built warehouse against the project's mart contract (docs/contract.md).

usage: python -m ar_warehouse.contract WAREHOUSE.duckdb [--contract docs/contract.md] [--strict]

Every model of the "Marts (output)" table must be a table or view of schema `marts` with its grain
and columns, and no two rows may share a grain. A model of the "Planned marts" table that is not in
the warehouse is reported as planned without failing (`--strict` makes it fail); once it is there it
is checked like the others, except an `(added)` row, whose missing columns stay planned.
Placeholders expand from the warehouse: `<overdue_bucket>` (the overdue codes of dim_age_buckets),
`<dunning_status>`, `<blocking_cause>` (the codes of their dimensions) and `<n>` (the
`dunning_effect_days` var of dbt_project.yml). Exit 0 when nothing required is missing.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from ar_warehouse.paths import project_dir

SCHEMA = "marts"
REQUIRED_HEADING = "## Marts (output)"
PLANNED_HEADING = "### Planned marts"
NAME = re.compile(r"[a-z_0-9]+")


@dataclass
class MartSpec:
    """One row of a contract table: a model, its grain, its other columns."""

    model: str
    grain: list[str]
    columns: list[str]
    planned: bool = False
    added: bool = False


@dataclass
class Report:
    missing: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.missing


def contract_path() -> Path:
    return project_dir() / "docs" / "contract.md"


def _names(cell: str) -> list[str]:
    """The column names of a cell: comma-separated, notes in parentheses dropped."""
    cell = re.sub(r"\([^)]*\)", "", cell)
    return [part.strip() for part in cell.split(",") if part.strip()]


def read_contract(path: Path | None = None) -> list[MartSpec]:
    text = (path or contract_path()).read_text(encoding="utf-8")
    if REQUIRED_HEADING not in text:
        raise ValueError(f"{path}: no '{REQUIRED_HEADING}' section")
    section = text.split(REQUIRED_HEADING, 1)[1]
    required, _, planned = section.partition(PLANNED_HEADING)
    specs = []
    for part, is_planned in ((required, False), (planned, True)):
        for line in part.splitlines():
            if not line.startswith("| `"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            model = re.findall(r"`([a-z_0-9]+)`", cells[0])[0]
            specs.append(MartSpec(model, _names(cells[1]), _names(cells[2]), is_planned, "(added)" in cells[0]))
    return specs


def _effect_days() -> list[int]:
    try:
        project = yaml.safe_load((project_dir() / "dbt_project.yml").read_text(encoding="utf-8"))
        return [int(n) for n in project["vars"]["dunning_effect_days"]]
    except (OSError, KeyError, TypeError, ValueError):
        return [15, 30]


def _codes(con, dimension: str, code: str, where: str = "true") -> list[str]:
    try:
        return [r[0] for r in con.execute(
            f"select {code} from {SCHEMA}.{dimension} where {where} order by {code}").fetchall()]
    except duckdb.Error:
        return []


def _expand(names: list[str], placeholders: dict[str, list[str]]) -> list[str]:
    out = []
    for name in names:
        for key, values in placeholders.items():
            if key in name:
                out += [name.replace(key, str(v)) for v in values]
                break
        else:
            out.append(name)
    return out


def check(warehouse: Path, specs: list[MartSpec] | None = None) -> Report:
    specs = read_contract() if specs is None else specs
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found: dict[str, set[str]] = {}
        for table, column in con.execute(
                "select table_name, column_name from information_schema.columns where table_schema = ?",
                [SCHEMA]).fetchall():
            found.setdefault(table, set()).add(column.lower())
        placeholders = {
            "<overdue_bucket>": _codes(con, "dim_age_buckets", "age_bucket", "is_overdue"),
            "<dunning_status>": _codes(con, "dim_dunning_statuses", "dunning_status"),
            "<blocking_cause>": _codes(con, "dim_blocking_causes", "blocking_cause"),
            "<n>": _effect_days(),
        }
        report = Report()
        for spec in specs:
            if spec.model not in found:
                (report.planned if spec.planned else report.missing).append(
                    f"{spec.model}: no table or view in schema {SCHEMA}")
                continue
            columns = _expand(spec.grain + spec.columns, placeholders)
            unexpanded = [c for c in columns if not NAME.fullmatch(c)]
            lacks = [c for c in columns if NAME.fullmatch(c) and c not in found[spec.model]]
            if unexpanded:
                report.missing.append(f"{spec.model}: cannot expand {', '.join(unexpanded)}")
            if lacks:
                (report.planned if spec.added else report.missing).append(
                    f"{spec.model}: missing columns {', '.join(lacks)}")
                continue
            if spec.grain and not spec.added:
                keys = ", ".join(spec.grain)
                duplicates = con.execute(
                    f"select count(*) from (select {keys} from {SCHEMA}.{spec.model} "
                    f"group by {keys} having count(*) > 1) as duplicated").fetchone()[0]
                if duplicates:
                    report.missing.append(f"{spec.model}: {duplicates} grain values ({keys}) on more than one row")
                    continue
            if not unexpanded:
                report.checked += 1
        return report
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--contract", type=Path, default=None, help="default: docs/contract.md of the project")
    ap.add_argument("--strict", action="store_true", help="planned marts are required too")
    args = ap.parse_args(argv)
    specs = read_contract(args.contract)
    report = check(args.warehouse, specs)
    for line in report.missing:
        print(f"MISSING: {line}")
    for line in report.planned:
        print(f"planned: {line}")
    required = sum(1 for s in specs if not s.planned)
    print(f"mart contract ({args.contract or contract_path()}): {report.checked} of {len(specs)} entries conform "
          f"({required} required, {len(specs) - required} planned; {len(report.planned)} planned not there yet)")
    return 1 if report.missing or (args.strict and report.planned) else 0


if __name__ == "__main__":
    sys.exit(main())
