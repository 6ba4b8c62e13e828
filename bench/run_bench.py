"""Benchmark: full build versus the cost of reading the data once, at several sizes.

    .venv/bin/python bench/run_bench.py --sizes 100000 1000000 10000000 --runs 3
    .venv/bin/python bench/run_bench.py --sizes 10000000 --runs 2 --merge   # more runs of one size

For each size (3 years of history, weekly dunning extracts, customers scaled by the
generator), it measures, as medians of --runs runs:
  - floor: DuckDB reading the ledger files once (count(*) and sum(debit - credit));
  - full build: `arw build --full-refresh` (landing, dbt models, no tests, publish) of the
    history up to one week before the end, wall time and peak RSS;
  - weekly run: `arw build` of one more week of exports (the full history) starting from
    that published warehouse (incremental weekly marts), wall time and peak RSS;
  - the ratios build / floor and weekly run / floor;
and on the largest size, the time of every query of analyses/ (the dashboard's
starting points). Also:
  - the fixed cost of one dbt invocation: an incremental `arw build` of the bundled demo
    data with nothing new (median of --runs), so the weekly-run target of issue 18
    (fixed cost + 2 x floor at the same size) is computed per size;
  - --engines LINES: the same full build of LINES lines on PostgreSQL (a throwaway local
    server, scripts/local_postgres.sh scratch) and on Spark (local, .venv-spark), one run each;
  - --large LINES: one full build of LINES lines under DuckDB's memory limit
    (AR_DUCKDB_MEMORY_LIMIT, default 4GB: it spills to disk), with its peak RSS;
  - --write-floor LINES: every table of the LINES-line warehouse copied into a new file, the
    cost of writing what the build writes without computing it;
  - with the fixed cost, the same dbt invocation on one model (start-up and parsing) and the
    cost per node that follows from it (--fixed-cost measures them again on their own).
Results go to bench/results.md and bench/results.json with the machine description.
Figures are measurements, not timed tests.

    .venv/bin/python bench/run_bench.py --sizes 100000 1000000 10000000 --runs 3 \
        --engines 1000000 --large 30000000 --write-floor 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ar_warehouse.build import run_dbt  # noqa: E402
from ar_warehouse.deliveries import landing_as_of  # noqa: E402
from ar_warehouse.paths import dbt_target_dir  # noqa: E402

BENCH_DIR = ROOT / "bench"
DATA_DIR = Path(os.environ.get("AR_BENCH_DATA", ROOT / "build" / "bench"))
START, END = "2023-11-01", "2026-10-31"
WEEK_BEFORE = "2026-10-24"
# peak RSS of a command and all its descendants, measured in a fresh process per run
_RSS_WRAPPER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
                "sys.exit(r.returncode)")


def machine() -> dict:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gb": round(mem_gb, 1), "cpu": cpu, "python": platform.python_version(),
            "duckdb": duckdb.__version__, "platform": platform.platform()}


def landing_for(lines: int) -> Path:
    folder = DATA_DIR / f"landing_{lines}"
    if not (folder / "ledger").is_dir():
        subprocess.run([sys.executable, "-m", "ar_warehouse.cli", "generate", "--out", str(folder), "--lines",
                        str(lines), "--start", START, "--end", END, "--dialects", "comma"], check=True, cwd=ROOT)
    return folder


def replicated_landing(lines: int, base_lines: int = 10_000_000) -> Path:
    """About `lines` ledger lines as the `base_lines` set delivered for several groups of companies:
    copy k renames company FR01 to FRk1 and FR02 to FRk2 in every file (the generator holds a
    whole history in memory: 14.5 GB at 10 M lines, so 30 M are not generated in one piece).
    Same shapes, same weekly deliveries, k times the volume."""
    copies = max(1, round(lines / base_lines))
    folder = DATA_DIR / f"landing_{lines}"
    if (folder / "ledger").is_dir():
        return folder
    base = landing_for(base_lines)
    partial = folder.with_name(folder.name + ".partial")
    con = duckdb.connect()
    for source in ("ledger", "dunning", "customers"):
        (partial / source).mkdir(parents=True, exist_ok=True)
        for path in sorted((base / source).glob("*.csv")):
            header = path.open(encoding="utf-8").readline().rstrip("\r\n").split(",")
            # DuckDB trims the header names
            company = next((h.strip() for h in header if h.strip().lower() == "company_code"), None)
            for k in range(1, copies + 1):
                stem = path.stem if k == 1 else f"c{k}_{path.stem}"
                if k == 1:
                    (partial / source / path.name).write_bytes(path.read_bytes())
                    continue
                renamed = (f"""replace(replace("{company}", 'FR01', 'FR{k}1'), 'FR02', 'FR{k}2')"""
                           if company else f"'FR{k}1'")
                select = (f'select * replace ({renamed} as "{company}")' if company
                          else f"select *, {renamed} as company_code")
                con.execute(f"""copy ({select} from read_csv('{path}', all_varchar = true, header = true,
                                                             delim = ',', quote = '"'))
                                to '{partial / source / (stem + '.csv')}' (header, delimiter ',')""")
    con.close()
    partial.rename(folder)
    return folder


def floor_seconds(landing: Path) -> tuple[float, int, str]:
    """DuckDB reading every ledger file once: the cost below which no build can go."""
    con = duckdb.connect()
    t0 = time.perf_counter()
    count, total = con.execute(f"""
        select count(*), sum(coalesce(try_cast(debit as decimal(18, 2)), 0)
                             - coalesce(try_cast(credit as decimal(18, 2)), 0))
        from read_csv('{landing}/ledger/*.csv', all_varchar = true, header = true, union_by_name = true)""").fetchone()
    return time.perf_counter() - t0, count, str(total)


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (GB, largest process of the tree) of a command."""
    t0 = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _RSS_WRAPPER, *cmd], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    seconds = time.perf_counter() - t0
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024 ** 2


def last_run_steps(warehouse: Path) -> dict[str, float]:
    """Seconds of each step (copy, land, dbt, validate) of the last build, from its run log."""
    log = warehouse.with_name(warehouse.name + ".runs.jsonl").read_text().splitlines()
    return json.loads(log[-1])["seconds"]


def median_steps(runs: list[dict[str, float]]) -> dict[str, float]:
    return {step: round(statistics.median(r.get(step, 0.0) for r in runs), 1)
            for step in ("copy", "land", "dbt", "validate") if any(step in r for r in runs)}


def restated_from(warehouse: Path) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return str(con.execute("select restate_from_date from intermediate.int_weekly__restatement").fetchone()[0])
    finally:
        con.close()


def week_before(landing: Path) -> Path:
    """The same exports as delivered a week before the end (deliveries.landing_as_of)."""
    folder = landing.with_name(landing.name + "_week_before")
    if not (folder / "ledger").is_dir():
        from datetime import date
        landing_as_of(landing, folder, date.fromisoformat(WEEK_BEFORE))
    return folder


def model_profile(top: int = 8) -> list[tuple[str, float]]:
    results = json.loads((dbt_target_dir() / "run_results.json").read_text())["results"]
    rows = sorted(((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results), key=lambda x: -x[1])
    return [(name, round(t, 2)) for name, t in rows[:top]]


def models_seconds() -> float:
    """The nodes' own time in the last dbt run (run_results.json): what dbt spent running them;
    the rest of its step is starting, parsing and planning."""
    results = json.loads((dbt_target_dir() / "run_results.json").read_text())["results"]
    return round(sum(r["execution_time"] for r in results), 1)


def bi_queries(warehouse: Path, repeats: int = 5) -> list[tuple[str, float, int]]:
    result = run_dbt(["compile", "--select", "resource_type:analysis"], warehouse, quiet=True)
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-3000:])
    compiled = dbt_target_dir() / "compiled" / "ar_warehouse" / "analyses"
    con = duckdb.connect(str(warehouse), read_only=True)
    out = []
    for path in sorted(compiled.glob("*.sql")):
        sql = path.read_text()
        times, rows = [], 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            rows = len(con.execute(sql).fetchall())
            times.append(time.perf_counter() - t0)
        out.append((path.stem, round(statistics.median(times) * 1000, 1), rows))
    con.close()
    return out


def demo_fixed_cost(env: dict, runs: int) -> dict:
    """One dbt invocation with nothing to do: the demo warehouse built, then built again from the
    same files (kept, nothing restated beyond the latest snapshot)."""
    warehouse = DATA_DIR / "warehouse_demo" / "ar.duckdb"
    landing = ROOT / "data" / "demo" / "landing"
    timed([sys.executable, "-m", "ar_warehouse.cli", "build", "--landing", str(landing), "--warehouse",
           str(warehouse), "--skip-tests", "--full-refresh"], env)
    walls, steps = [], []
    for _ in range(runs):
        seconds, _peak = timed([sys.executable, "-m", "ar_warehouse.cli", "build", "--landing", str(landing),
                                "--warehouse", str(warehouse), "--skip-tests"], env)
        walls.append(seconds)
        steps.append(last_run_steps(warehouse))
    nodes = len(json.loads((dbt_target_dir() / "run_results.json").read_text())["results"])
    # the same dbt invocation on one node: start-up and parsing, which a run that selected only
    # the models a delivery touched would still pay; the rest is paid per node. Each build runs
    # dbt on a file in a new staging folder, a changed profile for dbt, which then parses the
    # whole project again: so does the first run here, on a copy in a new folder; the second,
    # on the same copy, keeps dbt's partial parsing (what a fixed staging path would save)
    one_node, one_node_again = [], []
    for i in range(runs):
        copy = DATA_DIR / "one_node" / f"{os.getpid()}_{i}" / warehouse.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(warehouse, copy)
        for times in (one_node, one_node_again):
            t0 = time.perf_counter()
            result = run_dbt(["run", "--select", "int_calendar__as_of"], copy, quiet=True)
            times.append(time.perf_counter() - t0)
            if result.returncode != 0:
                raise RuntimeError(result.stdout[-3000:])
        shutil.rmtree(copy.parent)
    dbt_s, one_s = statistics.median(s["dbt"] for s in steps), statistics.median(one_node)
    return {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "wall_s": round(statistics.median(walls), 1), "all_runs_s": [round(x, 1) for x in walls],
            "steps_s": median_steps(steps), "nodes": nodes, "one_node_dbt_s": round(one_s, 1),
            "one_node_partial_parse_dbt_s": round(statistics.median(one_node_again), 1),
            "per_node_s": round((dbt_s - one_s) / max(nodes - 1, 1), 3)}


def write_floor(lines: int) -> dict:
    """What writing the full build's output costs without computing it: every table of the
    warehouse of `lines` lines (built by --sizes) copied into a new file, as one statement each,
    under the build's memory settings. A build that materialises these tables cannot cost less;
    against the read floor it says how much of the target the materialised model graph leaves."""
    warehouse = DATA_DIR / f"warehouse_{lines}" / "ar.duckdb"
    copy = warehouse.with_name("write_floor.duckdb")
    copy.unlink(missing_ok=True)
    con = duckdb.connect(str(copy), config={"memory_limit": os.environ.get("AR_DUCKDB_MEMORY_LIMIT", "4GB"),
                                            "preserve_insertion_order": False})
    try:
        con.execute(f"attach '{warehouse}' as built (read_only)")
        tables = con.execute("""select schema_name, table_name, estimated_size from duckdb_tables()
                                where database_name = 'built' and schema_name <> 'audit'""").fetchall()
        t0 = time.perf_counter()
        for schema, table, _rows in tables:
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create table "{schema}"."{table}" as select * from built."{schema}"."{table}"')
        con.execute("checkpoint")
        seconds = time.perf_counter() - t0
    finally:
        con.close()
    size = copy.stat().st_size
    copy.unlink()
    floor, count, _total = floor_seconds(landing_for(lines))
    return {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "ledger_lines": count,
            "tables": len(tables), "rows": sum(r for _s, _t, r in tables), "gb": round(size / 1024 ** 3, 2),
            "write_s": round(seconds, 1), "floor_s": round(floor, 2), "ratio_write_floor": round(seconds / floor, 1)}


def engine_builds(lines: int, env: dict) -> list[dict]:
    """The full build of `lines` lines on PostgreSQL and on Spark (local), one run each."""
    landing = landing_for(lines)
    out = []
    pg = [str(ROOT / "scripts" / "local_postgres.sh"), "scratch", sys.executable, "-m", "ar_warehouse.cli",
          "build", "--target", "postgres", "--landing", str(landing), "--skip-tests"]
    spark_python = ROOT / ".venv-spark" / "bin" / "python"
    spark = [str(spark_python), "-m", "ar_warehouse.cli", "build", "--target", "spark", "--landing", str(landing),
             "--skip-tests", "--spark-dir", str(DATA_DIR / f"spark_{lines}")]
    for engine, cmd in (("postgres", pg), ("spark", spark)):
        if engine == "spark" and not spark_python.exists():
            out.append({"engine": engine, "skipped": "no .venv-spark (make install-spark)"})
            continue
        seconds, peak = timed(cmd, env)
        out.append({"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "engine": engine, "ledger_lines": lines, "full_build_s": round(seconds, 1),
                    "peak_rss_gb": round(peak, 2),
                    "rss_note": "the client (landing, dbt) only; the server runs apart; the time includes "
                                "starting a throwaway server" if engine == "postgres"
                                else "driver and executors (one local JVM)"})
        print(json.dumps(out[-1]), flush=True)
    return out


def large_build(lines: int, env: dict) -> dict:
    """One full build of a size beyond the memory budget: DuckDB spills to <warehouse>.tmp."""
    landing = landing_for(lines) if lines <= 10_000_000 else replicated_landing(lines)
    previous = week_before(landing)
    floor, count, total = floor_seconds(landing)
    warehouse = DATA_DIR / f"warehouse_{lines}" / "ar.duckdb"
    seconds, peak = timed([sys.executable, "-m", "ar_warehouse.cli", "build", "--landing", str(previous),
                           "--warehouse", str(warehouse), "--skip-tests", "--full-refresh",
                           "--vars", json.dumps({"as_of_date": WEEK_BEFORE})], env)
    return {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "ledger_lines": count,
            "ledger_sum": total, "floor_s": round(floor, 2), "full_build_s": round(seconds, 1),
            "ratio_build_floor": round(seconds / floor, 1), "peak_rss_gb": round(peak, 2),
            "memory_limit": env.get("AR_DUCKDB_MEMORY_LIMIT", "4GB"), "steps_s": last_run_steps(warehouse),
            "profile": model_profile()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000, 10_000_000],
                    help="sizes to measure (none with --merge: only --engines or --large)")
    ap.add_argument("--runs", type=int, default=3, help="runs per size (medians)")
    ap.add_argument("--largest-runs", type=int, default=1, help="runs of the largest size (default 1)")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other sizes of the committed results.json (each size says when it was "
                         "measured): the largest size measured again on its own, with more runs")
    ap.add_argument("--engines", type=int, metavar="LINES",
                    help="also build LINES lines on PostgreSQL and on Spark (one run each)")
    ap.add_argument("--large", type=int, metavar="LINES",
                    help="also one full build of LINES lines under DuckDB's memory limit (spills to disk)")
    ap.add_argument("--write-floor", type=int, metavar="LINES",
                    help="also the cost of writing every table of the LINES-line warehouse (built by --sizes now "
                         "or earlier) without computing it")
    ap.add_argument("--fixed-cost", action="store_true",
                    help="measure the fixed cost of one dbt invocation again even when no size is measured")
    args = ap.parse_args()
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    results = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
               "history": f"{START} to {END}", "sizes": []}
    kept = []
    if args.merge and (BENCH_DIR / "results.json").exists():
        previous = json.loads((BENCH_DIR / "results.json").read_text())
        if previous.get("machine", {}).get("cores") != results["machine"]["cores"]:
            raise SystemExit("--merge: results.json was measured on another machine")
        # the generator writes about the size asked (10,505,070 lines for 10 M)
        kept = [{"measured_at": previous["measured_at"], **s} for s in previous["sizes"]
                if not any(abs(s["ledger_lines"] - n) < 0.2 * n for n in args.sizes)]
    previous_results = json.loads((BENCH_DIR / "results.json").read_text()) if args.merge else {}
    # the fixed cost is measured with the sizes it is compared to (kept when only --engines or
    # --large are measured)
    results["fixed_cost"] = demo_fixed_cost(env, args.runs) if args.sizes or args.fixed_cost or "fixed_cost" \
        not in previous_results else previous_results["fixed_cost"]
    for key in ("engines", "large", "write_floor"):
        if key in previous_results:
            # kept from an earlier invocation: each figure says when it was measured
            kept_value = previous_results[key]
            for item in kept_value if isinstance(kept_value, list) else [kept_value]:
                item.setdefault("measured_at", previous_results["measured_at"])
            results[key] = kept_value
    fixed = results["fixed_cost"]["wall_s"]
    for kept_size in kept:  # the target of a kept size follows the fixed cost shown with it
        kept_size["weekly_target_s"] = round(fixed + 2 * kept_size["floor_s"], 1)
    results["sizes"] = sorted(kept, key=lambda e: e["ledger_lines"])  # --merge with no size keeps them all
    measured: list[dict] = []
    for lines in sorted(args.sizes):
        landing = landing_for(lines)
        previous = week_before(landing)
        runs = args.largest_runs if lines == max(args.sizes) and len(args.sizes) > 1 else args.runs
        floors, builds, peaks, weeklies, weekly_peaks, full_steps, weekly_steps = [], [], [], [], [], [], []
        warehouse = DATA_DIR / f"warehouse_{lines}" / "ar.duckdb"
        for _ in range(runs):
            f, count, total = floor_seconds(landing)
            floors.append(f)
            seconds, peak = timed([sys.executable, "-m", "ar_warehouse.cli", "build", "--landing", str(previous),
                                   "--warehouse", str(warehouse), "--skip-tests", "--full-refresh",
                                   "--vars", json.dumps({"as_of_date": WEEK_BEFORE})], env)
            builds.append(seconds)
            peaks.append(peak)
            full_steps.append(last_run_steps(warehouse))
            profile, full_models = model_profile(), models_seconds()
            seconds, peak = timed([sys.executable, "-m", "ar_warehouse.cli", "build", "--landing", str(landing),
                                   "--warehouse", str(warehouse), "--skip-tests",
                                   "--vars", json.dumps({"as_of_date": END})], env)
            weeklies.append(seconds)
            weekly_peaks.append(peak)
            weekly_steps.append(last_run_steps(warehouse))
            weekly_models = models_seconds()
        floor = statistics.median(floors)
        entry = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "ledger_lines": count, "ledger_sum": total, "runs": runs,
                 "floor_s": round(floor, 2),
                 "full_build_s": round(statistics.median(builds), 1),
                 "peak_rss_gb": round(max(peaks), 2),
                 "ratio_build_floor": round(statistics.median(builds) / floor, 1),
                 "weekly_run_s": round(statistics.median(weeklies), 1),
                 "weekly_peak_rss_gb": round(max(weekly_peaks), 2),
                 "ratio_weekly_floor": round(statistics.median(weeklies) / floor, 1),
                 # issue 18's target: the fixed cost of one dbt invocation + 2 x the floor
                 "weekly_target_s": round(fixed + 2 * floor, 1),
                 "weekly_restated_from": restated_from(warehouse),
                 "all_runs_s": {"floor": [round(x, 2) for x in floors], "full": [round(x, 1) for x in builds],
                                "weekly": [round(x, 1) for x in weeklies]},
                 "full_steps_s": median_steps(full_steps), "weekly_steps_s": median_steps(weekly_steps),
                 "profile": profile, "weekly_profile": model_profile(),
                 # the last run's: its nodes' own seconds, against its dbt step
                 "full_models_s": full_models, "weekly_models_s": weekly_models}
        if lines == max(args.sizes):
            entry["bi_queries_ms"] = bi_queries(warehouse)
        measured.append(entry)
        results["sizes"] = sorted(kept + measured, key=lambda e: e["ledger_lines"])
        print(json.dumps(entry, indent=1), flush=True)
        (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        write_markdown(results)
    if args.engines:
        results["engines"] = engine_builds(args.engines, env)
    if args.large:
        results["large"] = large_build(args.large, env)
    if args.write_floor:
        results["write_floor"] = write_floor(args.write_floor)
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_markdown(results)
    return 0


def write_markdown(results: dict) -> None:
    m = results["machine"]
    lines = ["# Benchmark results", "",
             f"Measured {results['measured_at']} on {m['cores']} cores, {m['memory_gb']} GB ({m['cpu']}), "
             f"Python {m['python']}, DuckDB {m['duckdb']}. History {results['history']}, weekly snapshots.",
             "Command: `.venv/bin/python bench/run_bench.py` (see its docstring). Medians of the runs shown.", "",
             "| ledger lines | runs | floor (read once) s | full build s | build / floor | peak RSS GB "
             "| weekly run s | weekly / floor | weekly peak RSS GB | weekly run restated from |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    # sizes kept from an earlier invocation (--merge) were measured before this one started
    if any(s.get("measured_at", results["measured_at"]) < results["measured_at"] for s in results["sizes"]):
        lines[4:4] = ["Sizes measured by separate invocations (`--merge`): "
                      + "; ".join(f"{s['ledger_lines']:,} lines at {s['measured_at']}" for s in results["sizes"]),
                      ""]
    if results.get("note"):
        lines[4:4] = [results["note"], ""]
    for s in results["sizes"]:
        lines.append(f"| {s['ledger_lines']:,} | {s['runs']} | {s['floor_s']} | {s['full_build_s']} | "
                     f"{s['ratio_build_floor']} | {s['peak_rss_gb']} | {s['weekly_run_s']} | "
                     f"{s['ratio_weekly_floor']} | {s['weekly_peak_rss_gb']} | {s['weekly_restated_from']} |")
    fixed = results.get("fixed_cost")
    if fixed:
        lines += ["", "Targets (issue 18): full build ≤ 15 × floor and ≤ 6 GB at 10 M lines; weekly run ≤ the fixed "
                  "cost of one dbt invocation on the demo data + 2 × floor. Fixed cost measured: an "
                  f"incremental `arw build --skip-tests` of the demo data with nothing new, {fixed['wall_s']} s "
                  f"(runs {fixed['all_runs_s']}; steps {fixed['steps_s']})."
                  + (f" Measured {fixed['measured_at']}." if "measured_at" in fixed else "")
                  + (f" Of its dbt step, {fixed['one_node_dbt_s']} s is what the same invocation costs "
                     f"running a single model (start-up, parsing the whole project again as each build does; "
                     f"{fixed['one_node_partial_parse_dbt_s']} s with dbt's partial parsing) and "
                     f"{fixed['per_node_s']} s is paid per node for the {fixed['nodes']} nodes of the run."
                     if "one_node_partial_parse_dbt_s" in fixed else ""), "",
                  "| ledger lines | build / floor (target 15) | weekly run s | weekly target s | weekly / target |",
                  "|---:|---:|---:|---:|---:|"]
        for s in results["sizes"]:
            target = s.get("weekly_target_s") or round(fixed["wall_s"] + 2 * s["floor_s"], 1)
            lines.append(f"| {s['ledger_lines']:,} | {s['ratio_build_floor']} | {s['weekly_run_s']} | {target} | "
                         f"{round(s['weekly_run_s'] / target, 2)} |")
    if results.get("large"):
        g = results["large"]
        lines += ["", f"One full build beyond the memory budget ({g['measured_at']}): {g['ledger_lines']:,} lines, "
                      "DuckDB memory limit "
                      f"{g['memory_limit']} (spilling to disk): {g['full_build_s']} s "
                      f"({g['ratio_build_floor']} × the floor of {g['floor_s']} s), peak RSS {g['peak_rss_gb']} GB; "
                      f"steps {g['steps_s']}; most expensive models: "
                      + ", ".join(f"{n} {t}" for n, t in g["profile"]) + "."]
    if results.get("write_floor"):
        w = results["write_floor"]
        lines += ["", f"Writing what the full build writes, without computing it ({w['measured_at']}): the "
                      f"{w['tables']} tables of the {w['ledger_lines']:,}-line warehouse ({w['rows']:,} rows, "
                      f"{w['gb']} GB) copied into a new file took {w['write_s']} s, {w['ratio_write_floor']} × "
                      f"the read floor of {w['floor_s']} s."]
    if results.get("engines"):
        lines += ["", "The same full build on the other engines (one run each, `--skip-tests`; wall time "
                      "includes landing and writing the raw tables; measured "
                      + ", ".join(sorted({e.get("measured_at", "?") for e in results["engines"]})) + "):", "",
                  "| engine | ledger lines | full build s | peak RSS GB | RSS measured |", "|---|---:|---:|---:|---|"]
        duck = next((s for s in results["sizes"] if abs(s["ledger_lines"] - results["engines"][0].get(
            "ledger_lines", 0)) < 0.2 * s["ledger_lines"]), None)
        if duck:
            lines.append(f"| duckdb | {duck['ledger_lines']:,} | {duck['full_build_s']} | {duck['peak_rss_gb']} "
                         "| the whole build |")
        for e in results["engines"]:
            if "skipped" in e:
                lines.append(f"| {e['engine']} | – | skipped: {e['skipped']} | – | – |")
            else:
                lines.append(f"| {e['engine']} | {e['ledger_lines']:,} | {e['full_build_s']} | {e['peak_rss_gb']} "
                             f"| {e['rss_note']} |")
    lines += ["", "Where the time goes (median seconds per step of `arw build`, from its run log; the rest of",
              "the wall time is starting Python and dbt):", "",
              "| ledger lines | build | copy published file | land | dbt | of which the nodes' own time "
              "| GX validation |",
              "|---:|---|---:|---:|---:|---:|---:|"]
    for s in results["sizes"]:
        for kind in ("full", "weekly"):
            st = s.get(f"{kind}_steps_s")
            if st:
                lines.append(f"| {s['ledger_lines']:,} | {kind} | {st.get('copy', '–')} | {st.get('land')} | "
                             f"{st.get('dbt')} | {s.get(f'{kind}_models_s', '–')} | {st.get('validate')} |")
    lines += ["", "Every run (seconds):", ""]
    for s in results["sizes"]:
        lines.append(f"- {s['ledger_lines']:,} lines: floor {s['all_runs_s']['floor']}, "
                     f"full {s['all_runs_s']['full']}, weekly {s['all_runs_s']['weekly']}")
    lines += ["", "Most expensive models (seconds, from dbt's run_results.json), full build / weekly run:", ""]
    for s in results["sizes"]:
        lines.append(f"- {s['ledger_lines']:,} lines, full: " + ", ".join(f"{n} {t}" for n, t in s["profile"]))
        lines.append(f"- {s['ledger_lines']:,} lines, weekly: "
                     + ", ".join(f"{n} {t}" for n, t in s["weekly_profile"]))
    for s in results["sizes"]:
        if "bi_queries_ms" in s:
            lines += ["", f"BI queries of `analyses/` on the {s['ledger_lines']:,}-line warehouse "
                          "(median of 5, milliseconds):", "", "| query | ms | rows |", "|---|---:|---:|"]
            lines += [f"| {q} | {ms} | {rows} |" for q, ms, rows in s["bi_queries_ms"]]
    (BENCH_DIR / "results.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
