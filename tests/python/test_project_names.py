"""Every name dbt turns into a relation fits PostgreSQL's identifiers (63 bytes).

PostgreSQL refuses a longer relation name (DuckDB and Spark accept it), and dbt names the
relation of a unit test after the test: a long unit test name passes on DuckDB and fails only on
the PostgreSQL build of `make test-engines`. Checked here from the yml files, in a second.
"""

from __future__ import annotations

import yaml

from ar_warehouse.paths import project_dir

POSTGRES_MAX_IDENTIFIER = 63


def _names() -> list[tuple[str, str]]:
    root = project_dir()
    names = [(f"model {p.stem}", p.stem) for p in (root / "models").rglob("*.sql")]
    names += [(f"seed {p.stem}", p.stem) for p in (root / "seeds").rglob("*.csv")]
    for path in sorted((root / "models").rglob("*.yml")):
        for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests") or []:
            names.append((f"unit test in {path.relative_to(root)}", test["name"]))
    return names


def test_there_are_names_to_check():
    kinds = {kind.split()[0] for kind, _ in _names()}
    assert {"model", "seed", "unit"} <= kinds


def test_every_relation_name_fits_a_postgres_identifier():
    too_long = [(kind, name, len(name.encode())) for kind, name in _names()
                if len(name.encode()) > POSTGRES_MAX_IDENTIFIER]
    assert not too_long, too_long
