"""The same warehouse on PostgreSQL and on Spark: land with the same rules, then `dbt build`.

Landing has one implementation (landing.py): every file is sniffed, checked and
read by the same code that feeds the DuckDB build, into an in-memory DuckDB.
Only how the resulting raw tables are *written* differs per engine:

* PostgreSQL: each table is copied with `COPY ... FROM STDIN (FORMAT csv)`
  from the Arrow table's CSV rendering (null and empty text stay distinct),
  all tables in one transaction;
* Spark: each table becomes a DataFrame (`spark.createDataFrame` from the
  Arrow table) saved as a table of the session's catalog.

Then `dbt build` runs the same seeds, models, data tests and unit tests on the
engine. Write-audit-publish, the Great Expectations gate and the run log are
the DuckDB build's (build.py): on a server engine dbt replaces each table
atomically on its own, which is what BI tools reading that server expect.

Spark runs in this Python process: dbt-spark's `session` method uses the
active SparkSession, so `build_spark` creates it (local mode, a warehouse
folder with a Derby metastore) before invoking dbt in-process. pyspark and
dbt-spark live in their own virtual environment (`.venv-spark`, from
requirements-spark.lock); see docs/engines.md, "Run on Spark".

    arw build --target postgres|spark [--landing DIR] [--export DIR] [--spark-dir DIR]
"""

from __future__ import annotations

import io
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from .landing import LANDING_SCHEMA, SOURCES, LandingReport, create_landing_tables, land_files, sniff_landing
from .paths import project_dir

LANDING_TABLES = tuple(spec.table for spec in SOURCES) + ("landed_files",)
MARTS_SCHEMA = "marts"
# exported beside the marts (into <export>/extra/): what the equivalence test also compares
EXPORTED_RELATIONS = tuple(f"{LANDING_SCHEMA}.{t}" for t in LANDING_TABLES) + ("staging.stg_landing__quarantined_rows",)


class EngineError(Exception):
    """A build on a server engine failed (the message says where)."""


@dataclass
class EngineBuild:
    target: str
    landing: LandingReport
    seconds: dict[str, float] = field(default_factory=dict)
    exported: Path | None = None
    mart_rows: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- landing


def land_arrow(landing: Path, *, parser: str = "auto",
               loaded_at: datetime | None = None) -> tuple[LandingReport, dict[str, pa.Table]]:
    """Sniff, check and read every file exactly as the DuckDB build does; return the raw tables.

    A file that cannot be landed raises LandingError before anything is written anywhere.
    """
    files = sniff_landing(landing)
    loaded_at = (loaded_at or datetime.now(timezone.utc)).replace(tzinfo=None, microsecond=0)
    con = duckdb.connect()  # in memory: the reader's scratch space, never a warehouse
    try:
        create_landing_tables(con)
        land_files(con, files, loaded_at, parser=parser)
        tables = {name: con.sql(f"select * from {LANDING_SCHEMA}.{name}").to_arrow_table()
                  for name in LANDING_TABLES}
    finally:
        con.close()
    return LandingReport(landing_dir=landing, files=files, loaded_at=loaded_at), tables


# --------------------------------------------------------------------------- PostgreSQL


def postgres_settings() -> dict:
    """Connection settings of the `postgres` target (profiles.yml reads the same variables)."""
    return {
        "host": os.environ.get("AR_PG_HOST", "127.0.0.1"),
        "port": int(os.environ.get("AR_PG_PORT", "55432")),
        "dbname": os.environ.get("AR_PG_DATABASE", "ar_warehouse"),
        "user": os.environ.get("AR_PG_USER", "ar_builder"),
        "password": os.environ.get("AR_PG_PASSWORD", "ar_builder_local"),
        "sslmode": os.environ.get("AR_PG_SSLMODE", "prefer"),
    }


def postgres_connect(**overrides):
    import psycopg2  # installed with dbt-postgres (requirements.lock)

    return psycopg2.connect(**{**postgres_settings(), **overrides})


PG_TYPES = {pa.string(): "text", pa.large_string(): "text", pa.int64(): "bigint", pa.int32(): "integer",
            pa.bool_(): "boolean", pa.timestamp("us"): "timestamp"}


def _pg_type(arrow_type: pa.DataType) -> str:
    try:
        return PG_TYPES[arrow_type]
    except KeyError:
        raise EngineError(f"no PostgreSQL type for landing column type {arrow_type}") from None


def write_landing_postgres(tables: dict[str, pa.Table]) -> None:
    """Replace the landing tables in one transaction: readers see the old set or the new one."""
    import pyarrow.csv as pa_csv

    con = postgres_connect()
    try:
        with con, con.cursor() as cur:
            cur.execute(f"create schema if not exists {LANDING_SCHEMA}")
            for name, table in tables.items():
                columns = ", ".join(f'"{f.name}" {_pg_type(f.type)}' for f in table.schema)
                # cascade: the staging views over it are dbt's, recreated by the build that follows
                cur.execute(f"drop table if exists {LANDING_SCHEMA}.{name} cascade")
                cur.execute(f"create table {LANDING_SCHEMA}.{name} ({columns})")
                buffer = io.BytesIO()
                # Arrow writes null as an empty field and empty text as "": COPY's csv format
                # reads them back as null and '' respectively.
                pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False))
                buffer.seek(0)
                names = ", ".join(f'"{f.name}"' for f in table.schema)
                cur.copy_expert(f"copy {LANDING_SCHEMA}.{name} ({names}) from stdin with (format csv)", buffer)
    finally:
        con.close()


# --------------------------------------------------------------------------- Spark


def spark_dir_default() -> Path:
    env = os.environ.get("AR_SPARK_DIR")
    return Path(env).resolve() if env else project_dir() / "warehouse" / "spark"


def spark_session(spark_dir: Path, *, cores: int | None = None):
    """The SparkSession dbt-spark's `session` method will pick up.

    Local (the default, AR_SPARK_MASTER unset or local[...]): tables are parquet
    files under `<spark_dir>/tables`, the catalog a Derby metastore in
    `<spark_dir>/metastore_db`, so a later session with the same folder sees
    them. On a cluster (`arw build --target spark` submitted as the driver, with
    AR_SPARK_MASTER=yarn / k8s://... or left to spark-submit with
    AR_SPARK_MASTER=cluster), the cluster's own warehouse and metastore are used.
    Session time zone UTC; ANSI mode as Spark 4 ships it (on).
    """
    from pyspark.sql import SparkSession

    cores = cores or int(os.environ.get("AR_SPARK_CORES", "2"))
    master = os.environ.get("AR_SPARK_MASTER", f"local[{cores}]")
    builder = SparkSession.builder.appName("ar_warehouse").config("spark.sql.session.timeZone", "UTC")
    if master.startswith("local"):
        spark_dir.mkdir(parents=True, exist_ok=True)
        derby = f"-Dderby.system.home={spark_dir} -Dderby.stream.error.file={spark_dir / 'derby.log'}"
        builder = (
            builder.master(master)
            .config("spark.sql.warehouse.dir", str(spark_dir / "tables"))
            .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                    f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true")
            .config("spark.driver.extraJavaOptions", derby)
            .config("spark.driver.memory", os.environ.get("AR_SPARK_DRIVER_MEMORY", "4g"))
            # small data on one machine: few shuffle partitions, no UI
            .config("spark.sql.shuffle.partitions", str(max(2, cores)))
            .config("spark.default.parallelism", str(max(2, cores)))
            .config("spark.ui.enabled", "false")
        )
    elif master != "cluster":
        builder = builder.master(master)
    builder = (
        builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.log.level", os.environ.get("AR_SPARK_LOG_LEVEL", "ERROR"))
        .enableHiveSupport()
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel(os.environ.get("AR_SPARK_LOG_LEVEL", "ERROR"))
    return session


def write_landing_spark(spark, tables: dict[str, pa.Table]) -> None:
    spark.sql(f"create schema if not exists {LANDING_SCHEMA}")
    for name, table in tables.items():
        frame = spark.createDataFrame(table) if table.num_rows else spark.createDataFrame([], _spark_schema(table))
        frame.write.mode("overwrite").format("parquet").saveAsTable(f"{LANDING_SCHEMA}.{name}")


def _spark_schema(table: pa.Table) -> str:
    types = {pa.string(): "string", pa.int64(): "bigint", pa.int32(): "int", pa.bool_(): "boolean",
             pa.timestamp("us"): "timestamp"}
    return ", ".join(f"`{f.name}` {types[f.type]}" for f in table.schema)


# --------------------------------------------------------------------------- dbt


def _dbt_args(command: list[str], target: str, vars_: dict | None) -> list[str]:
    root = project_dir()
    # one target folder per engine: partial parsing and artifacts of one never clobber another's
    args = [*command, "--project-dir", str(root), "--profiles-dir", str(root), "--target", target,
            "--target-path", str(root / "target" / target), "--log-path", str(root / "logs" / target)]
    if vars_:
        args += ["--vars", json.dumps(vars_)]
    return args


def _build_command(run_tests: bool) -> list[str]:
    return ["build"] if run_tests else ["build", "--exclude", "resource_type:test", "resource_type:unit_test"]


def dbt_subprocess(command: list[str], target: str, vars_: dict | None = None, quiet: bool = False):
    import subprocess

    from .build import dbt_executable

    env = dict(os.environ, AR_TARGET=target)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return subprocess.run([dbt_executable(), *_dbt_args(command, target, vars_)], cwd=project_dir(), env=env,
                          text=True, capture_output=quiet, check=False)


def dbt_in_process(command: list[str], target: str, vars_: dict | None = None) -> bool:
    """dbt in this process (Spark: the session must be the one this process created)."""
    from dbt.cli.main import dbtRunner

    os.environ["AR_TARGET"] = target
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    result = dbtRunner().invoke(_dbt_args(command, target, vars_))
    if result.exception is not None:
        raise EngineError(f"dbt {' '.join(command)} on {target} raised {result.exception!r}")
    return bool(result.success)


# --------------------------------------------------------------------------- builds


def build_postgres(landing: Path, *, vars_: dict | None = None, run_tests: bool = True, quiet: bool = False,
                   export: Path | None = None, log=print) -> EngineBuild:
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    report, tables = land_arrow(landing)
    seconds["read"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    write_landing_postgres(tables)
    seconds["land"] = round(time.perf_counter() - t0, 2)
    log(f"landed on postgres: {report.summary()}")
    t0 = time.perf_counter()
    result = dbt_subprocess(_build_command(run_tests), "postgres", vars_, quiet=quiet)
    seconds["dbt"] = round(time.perf_counter() - t0, 2)
    if result.returncode != 0:
        detail = (result.stdout or "")[-4000:] if quiet else "see dbt's output above"
        raise EngineError(f"dbt build failed on postgres ({detail})")
    build = EngineBuild("postgres", report, seconds)
    if export:
        build.exported = export_marts_postgres(export)
    build.mart_rows = mart_row_counts("postgres")
    return build


def build_spark(landing: Path, *, vars_: dict | None = None, run_tests: bool = True,
                spark_dir: Path | None = None, export: Path | None = None, log=print) -> EngineBuild:
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    report, tables = land_arrow(landing)
    seconds["read"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    spark = spark_session(spark_dir or spark_dir_default())
    seconds["session"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    write_landing_spark(spark, tables)
    seconds["land"] = round(time.perf_counter() - t0, 2)
    log(f"landed on spark: {report.summary()}")
    t0 = time.perf_counter()
    ok = dbt_in_process(_build_command(run_tests), "spark", vars_)
    seconds["dbt"] = round(time.perf_counter() - t0, 2)
    if not ok:
        raise EngineError("dbt build failed on spark (see dbt's output above)")
    build = EngineBuild("spark", report, seconds)
    if export:
        build.exported = export_marts_spark(spark, export)
    build.mart_rows = mart_row_counts("spark", spark)
    return build


# --------------------------------------------------------------------------- reading the marts back


def export_marts_postgres(out: Path) -> Path:
    """Every mart as `<out>/<mart>.parquet`, the landing tables and the quarantine as
    `<out>/extra/<schema>.<table>.parquet` (values as PostgreSQL returned them)."""
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    con = postgres_connect()
    try:
        with con.cursor() as cur:
            cur.execute("select table_name from information_schema.tables where table_schema = %s order by 1",
                        [MARTS_SCHEMA])
            names = [f"{MARTS_SCHEMA}.{name}" for (name,) in cur.fetchall()]
            (out / "extra").mkdir(exist_ok=True)
            for relation in names + list(EXPORTED_RELATIONS):
                cur.execute(f"select * from {relation}")
                columns = [d.name for d in cur.description]
                rows = cur.fetchall()
                table = pa.table({c: pa.array([r[i] for r in rows]) if rows else pa.array([], pa.null())
                                  for i, c in enumerate(columns)})
                pq.write_table(table, _export_path(out, relation))
    finally:
        con.close()
    return out


def _export_path(out: Path, relation: str) -> Path:
    schema, name = relation.split(".")
    return out / f"{name}.parquet" if schema == MARTS_SCHEMA else out / "extra" / f"{relation}.parquet"


def export_marts_spark(spark, out: Path) -> Path:
    import pyarrow.parquet as pq

    (out / "extra").mkdir(parents=True, exist_ok=True)
    names = [f"{MARTS_SCHEMA}.{r.tableName}" for r in spark.sql(f"show tables in {MARTS_SCHEMA}").collect()
             if not r.isTemporary]
    for relation in names + list(EXPORTED_RELATIONS):
        pq.write_table(spark.table(relation).toArrow(), _export_path(out, relation))
    return out


# --------------------------------------------------------------------------- summary


def mart_row_counts(target: str, spark=None) -> dict[str, int]:
    if target == "spark":
        return {r.tableName: spark.table(f"{MARTS_SCHEMA}.{r.tableName}").count()
                for r in spark.sql(f"show tables in {MARTS_SCHEMA}").collect() if not r.isTemporary}
    con = postgres_connect()
    try:
        with con.cursor() as cur:
            cur.execute("select table_name from information_schema.tables where table_schema = %s order by 1",
                        [MARTS_SCHEMA])
            counts = {}
            for (name,) in cur.fetchall():
                cur.execute(f"select count(*) from {MARTS_SCHEMA}.{name}")
                counts[name] = cur.fetchone()[0]
            return counts
    finally:
        con.close()
