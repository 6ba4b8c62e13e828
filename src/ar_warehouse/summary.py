"""The short summary printed after a build: is the warehouse right, and where is it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb


def _money(value) -> str:
    value = Decimal(value or 0)
    return f"{value:>16,.2f}".replace(",", " ")


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table]).fetchone()[0])


def summary_lines(warehouse: Path) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out: list[str] = []
        as_of = con.execute("select as_of_date from intermediate.int_calendar__as_of").fetchone()[0]
        out.append(f"Receivables warehouse {warehouse}")
        out.append(f"as of {as_of}")
        files, rows, quarantined = con.execute("""
            select count(*), sum(row_count),
                   (select count(*) from staging.stg_landing__quarantined_rows)
            from staging.stg_landing__files""").fetchone()
        out.append(f"landed {rows} rows from {files} files; {quarantined} rows in quarantine "
                   f"(staging.stg_landing__quarantined_rows)")
        out.append("")
        out.append("Aged balance (balance âgée) at the latest snapshot, all companies:")
        buckets = con.execute("""
            select b.age_bucket, b.label_fr, b.label_en, coalesce(sum(o.outstanding_amount), 0)
            from marts.dim_age_buckets b
            left join marts.fct_ar_outstanding_weekly o
              on o.age_bucket = b.age_bucket and o.is_latest
            group by b.age_bucket, b.label_fr, b.label_en, b.age_bucket_order
            order by b.age_bucket_order""").fetchall()
        total = Decimal(0)
        for _, fr, en, amount in buckets:
            total += Decimal(amount)
            out.append(f"  {fr:<26} {en:<22} {_money(amount)}")
        out.append(f"  {'Solde':<26} {'Balance':<22} {_money(total)}")
        ledger = con.execute("""
            select coalesce(sum(amount), 0) from staging.stg_ledger__entries
            where posting_date <= (select as_of_date from intermediate.int_calendar__as_of)""").fetchone()[0]
        status = "ties to the cent" if Decimal(ledger) == total else "DOES NOT TIE"
        out.append(f"  Ledger balance as of {as_of}: {_money(ledger).strip()} -> {status} "
                   f"(difference {Decimal(ledger) - total})")
        out += _fec_lines(con)
        if _exists(con, "marts", "fct_ar_kpis_monthly"):
            out.append("")
            out.append("KPIs of the latest 3 months, per company (days; CEI in %):")
            out.append(f"  {'company':<10} {'month end':<11} {'complete':<9} {'AR balance':>16} {'DSO count-back':>15} "
                       f"{'DSO standard':>13} {'DSO avg bal.':>13} {'BPDSO':>7} {'ADD':>7} {'CEI %':>7}")
            for r in con.execute("""
                select company_code, month_end_date, is_complete, ar_balance, dso_countback, dso_standard,
                       dso_average_balance, bpdso, add_days, cei
                from marts.fct_ar_kpis_monthly
                qualify row_number() over (partition by company_code order by month_end_date desc) <= 3
                order by company_code, month_end_date desc""").fetchall():
                def fmt(v, w):
                    return f"{v:>{w}.1f}" if v is not None else f"{'n/a':>{w}}"
                out.append(f"  {r[0]:<10} {str(r[1]):<11} {str(r[2]).lower():<9} {_money(r[3])} {fmt(r[4], 15)} "
                           f"{fmt(r[5], 13)} {fmt(r[6], 13)} {fmt(r[7], 7)} {fmt(r[8], 7)} {fmt(r[9], 7)}")
        if _exists(con, "marts", "fct_ar_collection_monthly"):
            r = con.execute("""
                select month_start_date, sum(amount_to_collect), sum(amount_collected),
                       sum(amount_collected) / nullif(sum(amount_to_collect), 0)
                from marts.fct_ar_collection_monthly
                where month_start_date = (select max(month_start_date) from marts.fct_ar_collection_monthly)
                group by month_start_date""").fetchone()
            if r:
                rate = f"{r[3] * 100:.1f} %" if r[3] is not None else "n/a"
                out.append("")
                out.append(f"Collection this month ({r[0]:%Y-%m}): to collect {_money(r[1]).strip()}, "
                           f"collected {_money(r[2]).strip()}, rate {rate}")
        out.append("")
        out.append("Open it:")
        out.append(f"  python:  .venv/bin/python -c \"import duckdb; "
                   f"print(duckdb.connect('{warehouse}', read_only=True).sql('from marts.fct_ar_aged_balance_weekly "
                   f"where is_latest order by balance desc limit 10'))\"")
        out.append(f"  duckdb CLI: duckdb -readonly {warehouse}   (tables in schema marts)")
        out.append("  BI tools: Metabase / Superset with the DuckDB driver, read-only on this file (see docs/bi-tools.md)")
        return out
    finally:
        con.close()


def _fec_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Per FEC file: where its lines went, and whether the latest aged balance ties to it."""
    if not _exists(con, "intermediate", "int_fec__files"):
        return []
    rows = con.execute("""
        with files as (
            select *, row_number() over (partition by company_code order by source_file desc) as recency
            from intermediate.int_fec__files
        ),
        file_balances as (
            select company_code, source_file, sum(coalesce(debit, 0) - coalesce(credit, 0)) as balance
            from staging.stg_ledger__lines
            where source_name = 'fec' and problem_count = 0
              and posting_date <= (select as_of_date from intermediate.int_calendar__as_of)
            group by company_code, source_file
        ),
        aged as (
            select company_code, sum(balance) as balance from marts.fct_ar_aged_balance_weekly
            where is_latest group by company_code
        ),
        csv_companies as (
            select distinct company_code from staging.stg_ledger__lines where source_name = 'ledger'
        )
        select files.company_code, files.source_file, files.landed_lines, files.receivable_lines,
               files.out_of_scope_lines, files.quarantined_lines, files.customer_count,
               coalesce(file_balances.balance, 0), coalesce(aged.balance, 0),
               files.recency, csv_companies.company_code is not null,
               first(files.source_file) over (partition by files.company_code order by files.recency)
        from files
        left join file_balances using (company_code, source_file)
        left join aged using (company_code)
        left join csv_companies using (company_code)
        order by files.source_file""").fetchall()
    if not rows:
        return []
    out = ["", "FEC files (fec/): lines on receivable accounts, and the latest aged balance against the file:"]
    for (company, name, landed, receivable, out_of_scope, quarantined, customers, file_balance, aged_balance,
         recency, with_csv, latest_name) in rows:
        if recency > 1:
            status = f"superseded by the later export {latest_name}"
        elif with_csv:
            status = "company also in ledger/: see the ledger tie-out above"
        elif Decimal(file_balance) == Decimal(aged_balance):
            status = "ties to the cent"
        else:
            status = f"DOES NOT TIE (aged balance {_money(aged_balance).strip()})"
        out.append(f"  {name} (company {company}): {landed} lines, {receivable} on receivable accounts "
                   f"({customers} customers, {quarantined} quarantined), {out_of_scope} out of the AR scope")
        out.append(f"      receivable balance {_money(file_balance).strip()} -> {status}")
    return out


def print_summary(warehouse: Path) -> int:
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}")
        return 1
    print("\n".join(summary_lines(warehouse)))
    return 0
