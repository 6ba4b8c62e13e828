"""`arw`: the project's command line.

    arw demo                      build the bundled demo warehouse and print its summary
    arw build [--landing DIR] [--warehouse FILE] [--vars JSON] [--no-wait]
                                  one build at a time per warehouse: a second waits (or exits 75)
    arw build --target postgres|spark [--landing DIR] [--export DIR]   same models on a server engine
    arw land --landing DIR --warehouse FILE    land only (debugging a delivery)
    arw summary [--warehouse FILE]
    arw checksums [--warehouse FILE]           row count + checksum per mart
    arw generate --out DIR [--lines N] ...     synthetic landing data (see devtools/generator.py)
    arw report --format xlsx [--as-of DATE] [--company C]... [--collector N]... --out FILE
                                               the weekly tableau de bord as an Excel workbook
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import paths
from .build import BuildError, WarehouseBusy, build
from .landing import LandingError, land


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--landing", type=Path, default=None,
                        help="landing folder (default: $AR_LANDING_DIR, else the bundled demo data)")
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="DuckDB file to publish (default: $AR_DUCKDB_PATH, else warehouse/ar.duckdb)")
    parser.add_argument("--vars", default=None, help="dbt vars as JSON, e.g. '{\"as_of_date\": \"2026-06-30\"}'")
    parser.add_argument("--skip-tests", action="store_true", help="build models without running dbt tests")
    parser.add_argument("--no-wait", action="store_true",
                        help="if another build of the same warehouse is running, exit 75 at once instead of "
                             "waiting for it")
    parser.add_argument("--full-refresh", action="store_true",
                        help="rebuild every weekly snapshot (default: recompute only what changed since the "
                             "published warehouse)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="arw", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="land + dbt build + publish")
    _common(p_build)
    p_build.add_argument("--target", choices=["duckdb", "postgres", "spark"], default="duckdb",
                         help="engine (default duckdb); postgres / spark: land + dbt build there (engines.py)")
    p_build.add_argument("--spark-dir", type=Path, default=None,
                         help="spark: warehouse + metastore folder (default $AR_SPARK_DIR, else warehouse/spark)")
    p_build.add_argument("--export", type=Path, default=None,
                         help="postgres / spark: also write every mart as DIR/<mart>.parquet")
    p_build.add_argument("--timings", type=Path, default=None,
                         help="postgres / spark: write the step timings (seconds) as JSON")
    _common(sub.add_parser("demo", help="build the bundled demo data and print the summary"))
    p_land = sub.add_parser("land", help="land files into a DuckDB file (no dbt)")
    p_land.add_argument("--landing", type=Path, required=True)
    p_land.add_argument("--warehouse", type=Path, required=True)
    p_sum = sub.add_parser("summary", help="print the summary of a built warehouse")
    p_sum.add_argument("--warehouse", type=Path, default=None)
    p_sums = sub.add_parser("checksums", help="row count and checksum of every mart (compare two builds)")
    p_sums.add_argument("--warehouse", type=Path, default=None)
    p_rep = sub.add_parser("report", help="the weekly tableau de bord as an Excel workbook (docs/excel-report.md)")
    p_rep.add_argument("--format", choices=["xlsx"], default="xlsx", help="xlsx (the only format)")
    p_rep.add_argument("--warehouse", type=Path, default=None,
                       help="published DuckDB file (default: $AR_DUCKDB_PATH, else warehouse/ar.duckdb)")
    p_rep.add_argument("--as-of", default=None,
                       help="YYYY-MM-DD: the latest weekly snapshot on or before it (default: the latest)")
    p_rep.add_argument("--company", action="append", default=[], help="only this company (repeatable)")
    p_rep.add_argument("--collector", action="append", default=[],
                       help="only this collector's customers and items (repeatable)")
    p_rep.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    p_gen = sub.add_parser("generate", help="generate synthetic landing data", add_help=False)
    p_gen.add_argument("rest", nargs=argparse.REMAINDER)

    args, extra = ap.parse_known_args(argv)
    if args.command == "generate":
        from .devtools.generator import main as generate_main
        return generate_main(extra + args.rest)
    if extra:
        ap.error(f"unrecognized arguments: {' '.join(extra)}")

    if args.command == "land":
        try:
            report = land(args.landing, args.warehouse)
        except LandingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(report.summary())
        return 0

    if args.command == "checksums":
        from .checksums import mart_checksums
        for table, (rows, digest) in mart_checksums(args.warehouse or paths.warehouse_path()).items():
            print(f"{table:<48} {rows:>10} {digest}")
        return 0

    if args.command == "report":
        return _report(args)

    if args.command == "summary":
        from .summary import print_summary
        return print_summary(args.warehouse or paths.warehouse_path())

    landing = args.landing or (paths.demo_landing_dir() if args.command == "demo" else paths.landing_dir())
    if args.command == "build" and args.target != "duckdb":
        return _build_on_engine(args, landing.resolve())
    warehouse = args.warehouse or paths.warehouse_path()
    vars_ = json.loads(args.vars) if args.vars else None
    print(f"landing folder: {landing}\nwarehouse:      {warehouse}")
    try:
        build(landing.resolve(), warehouse, vars_=vars_, run_tests=not args.skip_tests,
              full_refresh=args.full_refresh, wait=not args.no_wait)
    except WarehouseBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return WarehouseBusy.exit_code
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from .summary import print_summary
    return print_summary(warehouse)


def _report(args: argparse.Namespace) -> int:
    import datetime as dt

    from .report import Filters, ReportError, write_report

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        print(f"error: --as-of {args.as_of!r} is not a date YYYY-MM-DD", file=sys.stderr)
        return 2
    warehouse = args.warehouse or paths.warehouse_path()
    try:
        report = write_report(warehouse, args.out, as_of=as_of,
                              filters=Filters(companies=args.company, collectors=args.collector))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {report.path} (snapshot of {report.snapshot_date}; sheets: {', '.join(report.sheets)})")
    return 0


def _build_on_engine(args: argparse.Namespace, landing: Path) -> int:
    from .engines import EngineError, build_postgres, build_spark, spark_dir_default

    vars_ = json.loads(args.vars) if args.vars else None
    print(f"landing folder: {landing}\ntarget:         {args.target}")
    try:
        if args.target == "postgres":
            result = build_postgres(landing, vars_=vars_, run_tests=not args.skip_tests, export=args.export)
        else:
            try:
                import pyspark  # noqa: F401
            except ImportError:
                print("error: pyspark is not installed in this environment; `make spark` builds with the "
                      "Spark environment (.venv-spark)", file=sys.stderr)
                return 2
            spark_dir = (args.spark_dir or spark_dir_default()).resolve()
            print(f"spark folder:   {spark_dir}")
            result = build_spark(landing, vars_=vars_, run_tests=not args.skip_tests, spark_dir=spark_dir,
                                 export=args.export)
    except (LandingError, EngineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"built on {result.target} in " + ", ".join(f"{k} {v} s" for k, v in result.seconds.items()))
    print("marts: " + ", ".join(f"{name} {rows}" for name, rows in result.mart_rows.items()))
    if args.target == "postgres":
        from .engines import postgres_settings

        pg = postgres_settings()
        role = os.environ.get("AR_PG_BI_ROLE", "bi_reader")
        print(f"BI tools: host {pg['host']} port {pg['port']} database {pg['dbname']} user {role}, schema marts "
              f"(psql -h {pg['host']} -p {pg['port']} -U {role} {pg['dbname']})")
    if args.timings:
        args.timings.write_text(json.dumps(result.seconds) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
