"""The weekly tableau de bord as an Excel workbook (`arw report --format xlsx`, docs/excel-report.md).

Everything is read from the published warehouse's marts at one snapshot date S (the latest, or
the latest snapshot on or before --as-of), so every sheet of a workbook tells the same week:

- Synthèse: the key figures, outstanding by age bucket for S and the 12 previous snapshots (a
  native stacked column chart), the DSO / CEI trend of the 13 months up to S's month (a line
  chart), the month's collection rate as of S, the customers over their credit limit;
- Balance âgée: one row per customer, the buckets as columns, totals, and a control line against
  the ledger balance (sum of the ledger amounts posted by S): the difference must be 0,00;
- Relances et blocages: outstanding by dunning status and by blocking cause;
- Top 100: the 100 largest balances of each company;
- Échéancier: open debits by when they fall due;
- Recouvrement: the month's collection by collector as of S;
- Plan d'action: the collectors' worklist (fct_ar_collection_worklist), when the warehouse has it
  and S is its as-of date.

Text cells are always written with write_string: a customer name such as "=HYPERLINK(...)" stays
text and never becomes a formula. Amounts use the French format `# ##0,00` (the spreadsheet shows
the locale's separators), rates percentages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

MONEY = "[$-40C]#,##0.00"  # French locale (LCID 040C): shown "# ##0,00" whatever the reader's locale
PCT = "[$-40C]0.0%"
DAYS = "[$-40C]0.0"
COUNT = "0"
DATE = "dd/mm/yyyy"
WEEKS = 13
MONTHS = 13
TOP_N = 100
FR_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


class ReportError(RuntimeError):
    pass


@dataclass
class Filters:
    companies: list[str] = field(default_factory=list)
    collectors: list[str] = field(default_factory=list)

    def sql(self, alias: str = "", *, collector: bool = True) -> tuple[str, list]:
        """An `and ...` predicate on company_code / collector, with its parameters."""
        prefix = f"{alias}." if alias else ""
        parts, params = [], []
        if self.companies:
            parts.append(f"{prefix}company_code in ({', '.join('?' * len(self.companies))})")
            params += self.companies
        if collector and self.collectors:
            parts.append(f"{prefix}collector in ({', '.join('?' * len(self.collectors))})")
            params += self.collectors
        return "".join(f" and {p}" for p in parts), params

    def describe(self) -> str:
        out = []
        if self.companies:
            out.append("société " + ", ".join(self.companies))
        if self.collectors:
            out.append("chargé de recouvrement " + ", ".join(self.collectors))
        return "; ".join(out) if out else "toutes sociétés, tous chargés de recouvrement"


@dataclass
class Report:
    path: Path
    snapshot_date: dt.date
    sheets: list[str]


def _fr_date(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _fr_month(d: dt.date) -> str:
    return f"{FR_MONTHS[d.month - 1]} {d.year}"


def _exists(con, schema: str, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = ? "
                            "and table_name = ?", [schema, table]).fetchone()[0])


def _rows(con, sql: str, params=None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _num(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


class _Sheet:
    """A worksheet written row by row with typed cells (text is never a formula)."""

    def __init__(self, book, name: str, fmt: dict):
        self.ws = book.add_worksheet(name)
        self.fmt = fmt
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)  # fit to width, as many pages as needed down
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_footer("&L&A&RPage &P / &N")

    def cell(self, row: int, col: int, value, kind: str = "text") -> None:
        ws, fmt = self.ws, self.fmt
        if value is None:
            ws.write_blank(row, col, None, fmt.get(kind))
        elif kind == "text" or isinstance(value, str):
            ws.write_string(row, col, str(value), fmt.get(kind if kind != "text" else "text"))
        elif kind == "date":
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt["date"])
        elif isinstance(value, bool):
            ws.write_string(row, col, "oui" if value else "non", fmt["text"])
        else:
            ws.write_number(row, col, _num(value), fmt[kind])

    def title(self, text: str, source: str) -> int:
        self.ws.write_string(0, 0, text, self.fmt["title"])
        self.ws.write_string(1, 0, source, self.fmt["note"])
        return 3

    def table(self, top: int, columns: list[tuple[str, str, str, int]], rows: list[dict], *,
              total: dict | None = None, freeze: bool = True, autofilter: bool = True) -> int:
        """columns: (key, header, kind, width). Returns the row after the table."""
        for c, (_, header, _, width) in enumerate(columns):
            self.ws.write_string(top, c, header, self.fmt["header"])
            self.ws.set_column(c, c, width)
        for r, row in enumerate(rows, start=top + 1):
            for c, (key, _, kind, _) in enumerate(columns):
                self.cell(r, c, row.get(key), kind)
        end = top + len(rows)
        if autofilter and rows:
            self.ws.autofilter(top, 0, end, len(columns) - 1)
        if freeze:
            self.ws.freeze_panes(top + 1, 0)
            self.ws.repeat_rows(top)
        if total is not None:
            end += 1
            for c, (key, _, kind, _) in enumerate(columns):
                value = total.get(key)
                if value is None:
                    self.ws.write_blank(end, c, None, self.fmt["total_text"])
                elif isinstance(value, str):
                    self.ws.write_string(end, c, value, self.fmt["total_text"])
                else:
                    self.ws.write_number(end, c, _num(value), self.fmt["total_" + kind])
        return end + 1


def _formats(book) -> dict:
    base = {"font_name": "Arial", "font_size": 9}
    f = {
        "title": book.add_format({**base, "bold": True, "font_size": 14}),
        "subtitle": book.add_format({**base, "bold": True, "font_size": 11}),
        "note": book.add_format({**base, "italic": True, "font_color": "#555555"}),
        "header": book.add_format({**base, "bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF",
                                   "text_wrap": True, "valign": "top", "border": 1}),
        "text": book.add_format(base),
        "money": book.add_format({**base, "num_format": MONEY}),
        "pct": book.add_format({**base, "num_format": PCT}),
        "days": book.add_format({**base, "num_format": DAYS}),
        "count": book.add_format({**base, "num_format": COUNT}),
        "date": book.add_format({**base, "num_format": DATE, "align": "left"}),
        "kpi_label": book.add_format({**base, "bold": True}),
        "kpi_money": book.add_format({**base, "num_format": MONEY, "bold": True, "font_size": 11}),
        "kpi_pct": book.add_format({**base, "num_format": PCT, "bold": True, "font_size": 11}),
        "kpi_days": book.add_format({**base, "num_format": DAYS, "bold": True, "font_size": 11}),
        "kpi_count": book.add_format({**base, "num_format": COUNT, "bold": True, "font_size": 11}),
    }
    for kind, num in (("money", MONEY), ("pct", PCT), ("days", DAYS), ("count", COUNT), ("text", None),
                      ("date", DATE)):
        spec = {**base, "bold": True, "top": 1, "bg_color": "#DDEBF7"}
        if num:
            spec["num_format"] = num
        f["total_" + kind] = book.add_format(spec)
    return f


def _snapshot(con, as_of: dt.date | None) -> dt.date:
    if as_of is None:
        row = con.execute("select max(snapshot_date) from marts.fct_ar_aged_balance_weekly where is_latest").fetchone()
    else:
        row = con.execute("select max(snapshot_date) from marts.fct_ar_aged_balance_weekly where snapshot_date <= ?",
                          [as_of]).fetchone()
    if row is None or row[0] is None:
        raise ReportError(f"no weekly snapshot on or before {as_of}" if as_of else "the warehouse has no snapshot")
    return row[0]


def write_report(warehouse: Path, out: Path, *, as_of: dt.date | None = None,
                 filters: Filters | None = None) -> Report:
    """Write the workbook; returns where, for which snapshot date, with which sheets."""
    import xlsxwriter

    filters = filters or Filters()
    if not Path(warehouse).exists():
        raise ReportError(f"no warehouse at {warehouse} (make demo builds one)")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        snap = _snapshot(con, as_of)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False, "default_date_format": DATE})
        book.set_properties({"title": f"Tableau de bord de l'encours clients au {_fr_date(snap)}",
                             "subject": "Encours clients", "author": "ar-warehouse", "company": ""})
        fmt = _formats(book)
        source = (f"Généré depuis l'entrepôt {Path(warehouse).name} au {_fr_date(snap)} "
                  f"(photo hebdomadaire) ; {filters.describe()} ; édité le {_fr_date(dt.date.today())}.")
        buckets = _rows(con, "select age_bucket, age_bucket_order, label_fr, colour_hex from marts.dim_age_buckets "
                             "order by age_bucket_order")
        sheets = []
        _summary(con, book, fmt, source, snap, filters, buckets)
        sheets.append("Synthèse")
        _aged_balance(con, book, fmt, source, snap, filters, buckets)
        sheets.append("Balance âgée")
        _status_and_cause(con, book, fmt, source, snap, filters)
        sheets.append("Relances et blocages")
        _top(con, book, fmt, source, snap, filters, buckets)
        sheets.append("Top 100")
        _due_schedule(con, book, fmt, source, snap, filters)
        sheets.append("Échéancier")
        _collection(con, book, fmt, source, snap, filters)
        sheets.append("Recouvrement")
        if _exists(con, "marts", "fct_ar_collection_worklist") and _worklist(con, book, fmt, source, snap, filters):
            sheets.append("Plan d'action")
        book.close()
        tmp.replace(out)
        return Report(out, snap, sheets)
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------------

def outstanding_by_bucket_weeks(con, snap: dt.date, filters: Filters, weeks: int = WEEKS) -> list[dict]:
    """Rows (snapshot_date, one key per bucket): S and the weeks - 1 previous snapshots."""
    where, params = filters.sql()
    dates = [r[0] for r in con.execute(
        "select distinct snapshot_date from marts.fct_ar_outstanding_weekly where snapshot_date <= ? "
        "order by snapshot_date desc limit ?", [snap, weeks]).fetchall()][::-1]
    if not dates:
        return []
    data = con.execute(
        f"select snapshot_date, age_bucket, sum(outstanding_amount) from marts.fct_ar_outstanding_weekly "
        f"where snapshot_date >= ? and snapshot_date <= ?{where} group by 1, 2", [dates[0], snap, *params]).fetchall()
    rows = {d: {"snapshot_date": d} for d in dates}
    for d, bucket, amount in data:
        if d in rows:
            rows[d][bucket] = amount
    return [rows[d] for d in dates]


def kpi_trend(con, snap: dt.date, filters: Filters, months: int = MONTHS) -> list[dict]:
    where, params = filters.sql(collector=False)
    first = dt.date(snap.year, snap.month, 1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return _rows(con, f"""
        select month_start_date, month_end_date, company_code, ar_balance, dso_countback, dso_standard,
               dso_average_balance, bpdso, add_days, cei, is_complete
        from marts.fct_ar_kpis_monthly
        where month_start_date >= ? and month_start_date <= ?{where}
        order by month_start_date, company_code""", [first, snap, *params])


def collection_as_of(con, snap: dt.date, filters: Filters) -> list[dict]:
    """The month's collection by company and collector as of S (fct_ar_collection_daily at S)."""
    where, params = filters.sql()
    return _rows(con, f"""
        select company_code, collector, amount_to_collect, amount_collected_to_date,
               collection_rate_to_date, amount_to_collect - amount_collected_to_date as remaining
        from marts.fct_ar_collection_daily
        where date_day = ?{where}
        order by company_code, collector""", [snap, *params])


def aged_balance(con, snap: dt.date, filters: Filters) -> list[dict]:
    where, params = filters.sql()
    return _rows(con, f"""
        select * from marts.fct_ar_aged_balance_weekly
        where snapshot_date = ?{where}
        order by company_code, customer_code""", [snap, *params])


def ledger_balance(con, snap: dt.date, filters: Filters) -> Decimal | None:
    """Sum of the ledger amounts posted by S, over the report's companies (and, with a collector
    filter, the customers of the aged balance): what the aged balance must tie to."""
    if not _exists(con, "staging", "stg_ledger__entries"):
        return None
    where, params = filters.sql("e", collector=False)
    if filters.collectors:
        cwhere, cparams = filters.sql("a")
        where += (" and exists (select 1 from marts.fct_ar_aged_balance_weekly as a where a.snapshot_date = ?"
                  f" and a.company_code = e.company_code and a.customer_code = e.customer_code{cwhere})")
        params += [snap, *cparams]
    return con.execute(f"select coalesce(sum(e.amount), 0) from staging.stg_ledger__entries as e "
                       f"where e.posting_date <= ?{where}", [snap, *params]).fetchone()[0]


def over_limit(con, snap: dt.date, filters: Filters) -> list[dict]:
    where, params = filters.sql("a")
    return _rows(con, f"""
        select a.company_code, a.customer_code, a.customer_name, a.balance, c.credit_limit
        from marts.fct_ar_aged_balance_weekly as a
        inner join marts.dim_customers as c
            on a.company_code = c.company_code and a.customer_code = c.customer_code
        where a.snapshot_date = ? and a.balance > c.credit_limit{where}
        order by a.balance - c.credit_limit desc""", [snap, *params])


def _summary(con, book, fmt, source, snap, filters, buckets) -> None:
    sh = _Sheet(book, "Synthèse", fmt)
    ws = sh.ws
    row = sh.title(f"Tableau de bord de l'encours clients – semaine du {_fr_date(snap)}", source)
    aged = aged_balance(con, snap, filters)
    balance = sum((r["balance"] for r in aged), Decimal(0))
    overdue = sum((r["overdue_total"] for r in aged), Decimal(0))
    not_due = sum((r["not_due"] for r in aged), Decimal(0))
    coll = collection_as_of(con, snap, filters)
    to_collect = sum((r["amount_to_collect"] for r in coll), Decimal(0))
    collected = sum((r["amount_collected_to_date"] for r in coll), Decimal(0))
    trend = kpi_trend(con, snap, filters)
    last = [r for r in trend if r["month_start_date"] == dt.date(snap.year, snap.month, 1)]
    kpis = [
        ("Encours clients", balance, "kpi_money"),
        ("Dont échu", overdue, "kpi_money"),
        ("Part échue (échu / factures ouvertes)", overdue / (overdue + not_due) if overdue + not_due else None,
         "kpi_pct"),
        (f"Taux de recouvrement de {_fr_month(snap)} au {_fr_date(snap)}",
         collected / to_collect if to_collect else None, "kpi_pct"),
        ("Clients en dépassement de limite de crédit", len(over_limit(con, snap, filters)), "kpi_count"),
    ]
    for r in last:
        kpis.append((f"DSO standard {r['company_code']} ({_fr_month(snap)})", r["dso_standard"], "kpi_days"))
        kpis.append((f"CEI {r['company_code']} ({_fr_month(snap)}, %)", r["cei"], "kpi_days"))
    ws.write_string(row, 0, "Indicateurs clés", fmt["subtitle"])
    row += 1
    for label, value, kind in kpis:
        ws.write_string(row, 0, label, fmt["kpi_label"])
        if value is None:
            ws.write_string(row, 1, "n.d.", fmt["kpi_label"])
        else:
            ws.write_number(row, 1, _num(value), fmt[kind])
        row += 1
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1 + len(buckets), 15)

    # outstanding by bucket, S and the 12 previous snapshots, with its stacked chart
    row += 1
    ws.write_string(row, 0, f"Encours par tranche d'âge – {WEEKS} dernières semaines", fmt["subtitle"])
    row += 1
    weeks = outstanding_by_bucket_weeks(con, snap, filters)
    header = row
    ws.write_string(header, 0, "Semaine (date d'arrêté)", fmt["header"])
    for c, b in enumerate(buckets, start=1):
        ws.write_string(header, c, b["label_fr"], fmt["header"])
    ws.write_string(header, len(buckets) + 1, "Total", fmt["header"])
    for r, week in enumerate(weeks, start=header + 1):
        sh.cell(r, 0, week["snapshot_date"], "date")
        for c, b in enumerate(buckets, start=1):
            sh.cell(r, c, week.get(b["age_bucket"], 0), "money")
        sh.cell(r, len(buckets) + 1, sum((week.get(b["age_bucket"], 0) or 0 for b in buckets), Decimal(0)), "money")
    last_row = header + len(weeks)
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    for c, b in enumerate(buckets, start=1):
        chart.add_series({
            "name": ["Synthèse", header, c],
            "categories": ["Synthèse", header + 1, 0, last_row, 0],
            "values": ["Synthèse", header + 1, c, last_row, c],
            "fill": {"color": b["colour_hex"] or "#888888"}, "gap": 60,
        })
    chart.set_title({"name": "Encours par tranche d'âge", "name_font": {"size": 11}})
    chart.set_x_axis({"text_axis": True, "num_format": "dd/mm/yyyy", "num_font": {"rotation": -45, "size": 8}})
    chart.set_y_axis({"num_format": "[$-40C]#,##0", "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size({"width": 760, "height": 340})
    ws.insert_chart(last_row + 2, 0, chart)
    row = last_row + 2 + 19

    # DSO / CEI trend
    ws.write_string(row, 0, f"DSO et CEI – {MONTHS} derniers mois (par société)", fmt["subtitle"])
    row += 1
    cols = [("month", "Mois", "text", 0), ("company_code", "Société", "text", 0),
            ("dso_countback", "DSO par épuisement (j)", "days", 0), ("dso_standard", "DSO standard (j)", "days", 0),
            ("dso_average_balance", "DSO encours moyen (j)", "days", 0), ("bpdso", "BPDSO (j)", "days", 0),
            ("add_days", "Retard moyen ADD (j)", "days", 0), ("cei", "CEI (%)", "days", 0),
            ("complete", "Mois clos", "text", 0)]
    top = row
    for c, (_, h, _, _) in enumerate(cols):
        ws.write_string(top, c, h, fmt["header"])
    for r, k in enumerate(trend, start=top + 1):
        k = dict(k, month=_fr_month(k["month_start_date"]), complete="oui" if k["is_complete"] else "non (en cours)")
        for c, (key, _, kind, _) in enumerate(cols):
            sh.cell(r, c, k.get(key), kind)
    end = top + len(trend)
    # the chart's data: one row per month, DSO standard and CEI per company side by side
    companies = sorted({k["company_code"] for k in trend})
    month_starts = sorted({k["month_start_date"] for k in trend})
    by_key = {(k["month_start_date"], k["company_code"]): k for k in trend}
    pcol = len(cols) + 1
    ws.write_string(top - 1, pcol, "Données du graphique", fmt["note"])
    ws.write_string(top, pcol, "Mois", fmt["header"])
    for i, company in enumerate(companies):
        ws.write_string(top, pcol + 1 + i, f"DSO standard {company}", fmt["header"])
        ws.write_string(top, pcol + 1 + len(companies) + i, f"CEI % {company}", fmt["header"])
    for j, month in enumerate(month_starts, start=top + 1):
        ws.write_string(j, pcol, _fr_month(month), fmt["text"])
        for i, company in enumerate(companies):
            k = by_key.get((month, company), {})
            sh.cell(j, pcol + 1 + i, k.get("dso_standard"), "days")
            sh.cell(j, pcol + 1 + len(companies) + i, k.get("cei"), "days")
    pend = top + len(month_starts)
    line = book.add_chart({"type": "line"})
    palette = ["#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000"]
    for i, company in enumerate(companies):
        colour = palette[i % len(palette)]
        line.add_series({"name": ["Synthèse", top, pcol + 1 + i],
                         "categories": ["Synthèse", top + 1, pcol, pend, pcol],
                         "values": ["Synthèse", top + 1, pcol + 1 + i, pend, pcol + 1 + i],
                         "line": {"color": colour, "width": 2}, "marker": {"type": "circle", "size": 4}})
        c2 = pcol + 1 + len(companies) + i
        line.add_series({"name": ["Synthèse", top, c2], "categories": ["Synthèse", top + 1, pcol, pend, pcol],
                         "values": ["Synthèse", top + 1, c2, pend, c2], "y2_axis": True,
                         "line": {"color": colour, "width": 1.5, "dash_type": "dash"}})
    end = max(end, pend)
    line.set_title({"name": "DSO standard (jours) et CEI (%)", "name_font": {"size": 11}})
    line.set_y_axis({"name": "jours", "num_format": "0"})
    line.set_y2_axis({"name": "CEI %", "num_format": "0"})
    line.set_legend({"position": "bottom", "font": {"size": 8}})
    line.set_size({"width": 760, "height": 320})
    ws.insert_chart(end + 2, 0, line)
    ws.set_column(2, 8, 15)
    ws.set_column(pcol, pcol + 2 * len(companies), 13)
    ws.freeze_panes(3, 0)
    # printed: the figures and the charts (the chart data to the right stays on screen only)
    ws.print_area(0, 0, end + 20, max(len(cols), len(buckets) + 2) - 1)


def _aged_balance(con, book, fmt, source, snap, filters, buckets) -> None:
    sh = _Sheet(book, "Balance âgée", fmt)
    top = sh.title(f"Balance âgée par client au {_fr_date(snap)}", source)
    rows = aged_balance(con, snap, filters)
    cols = [("company_code", "Société", "text", 8), ("customer_code", "Code client", "text", 11),
            ("customer_name", "Client", "text", 30), ("customer_group", "Groupe", "text", 14),
            ("collector", "Chargé de recouvrement", "text", 16)]
    cols += [(b["age_bucket"], b["label_fr"], "money", 14) for b in buckets]
    cols += [("overdue_total", "Total échu", "money", 14), ("balance", "Solde", "money", 15)]
    total = {"company_code": "Total"}
    for key, _, kind, _ in cols[5:]:
        total[key] = sum((r.get(key) or 0 for r in rows), Decimal(0))
    end = sh.table(top, cols, rows, total=total)
    ledger = ledger_balance(con, snap, filters)
    if ledger is not None:
        sh.ws.write_string(end + 1, 0, f"Solde comptable (grand livre, écritures au {_fr_date(snap)})", fmt["kpi_label"])
        sh.ws.write_number(end + 1, len(cols) - 1, _num(ledger), fmt["total_money"])
        sh.ws.write_string(end + 2, 0, "Écart balance âgée – grand livre (doit être 0,00)", fmt["kpi_label"])
        sh.ws.write_number(end + 2, len(cols) - 1, _num(total["balance"] - ledger), fmt["total_money"])


def _status_and_cause(con, book, fmt, source, snap, filters) -> None:
    sh = _Sheet(book, "Relances et blocages", fmt)
    top = sh.title(f"Encours par statut de relance et par cause de blocage au {_fr_date(snap)}", source)
    where, params = filters.sql("o")
    statuses = _rows(con, f"""
        select d.label_fr, coalesce(sum(o.outstanding_amount), 0) as amount,
               coalesce(sum(o.open_item_count), 0) as items
        from marts.dim_dunning_statuses as d
        left join marts.fct_ar_outstanding_weekly as o
            on o.dunning_status = d.dunning_status and o.snapshot_date = ?{where}
        group by d.label_fr, d.dunning_status_order order by d.dunning_status_order""", [snap, *params])
    causes = _rows(con, f"""
        select d.label_fr, coalesce(sum(o.outstanding_amount), 0) as amount,
               coalesce(sum(case when o.age_bucket not in ('not_due', 'unapplied') then o.outstanding_amount end), 0)
                   as overdue,
               coalesce(sum(o.open_item_count), 0) as items
        from marts.dim_blocking_causes as d
        left join marts.fct_ar_outstanding_weekly as o
            on o.blocking_cause = d.blocking_cause and o.snapshot_date = ?{where}
        group by d.label_fr, d.blocking_cause_order order by d.blocking_cause_order""", [snap, *params])
    total_s = sum((r["amount"] for r in statuses), Decimal(0))
    for r in statuses:
        r["share"] = r["amount"] / total_s if total_s else None
    cols = [("label_fr", "Statut de relance", "text", 34), ("amount", "Encours", "money", 16),
            ("share", "Part", "pct", 10), ("items", "Pièces ouvertes", "count", 12)]
    end = sh.table(top, cols, statuses, freeze=True, autofilter=False,
                   total={"label_fr": "Total", "amount": total_s, "share": 1 if total_s else None,
                          "items": sum(r["items"] for r in statuses)})
    top2 = end + 2
    total_c = sum((r["amount"] for r in causes), Decimal(0))
    for r in causes:
        r["share"] = r["amount"] / total_c if total_c else None
    cols2 = [("label_fr", "Cause de blocage", "text", 34), ("amount", "Encours", "money", 16),
             ("share", "Part", "pct", 10), ("items", "Pièces ouvertes", "count", 12),
             ("overdue", "Dont échu", "money", 16)]
    sh.table(top2, cols2, causes, freeze=False, autofilter=False,
             total={"label_fr": "Total", "amount": total_c, "share": 1 if total_c else None,
                    "items": sum(r["items"] for r in causes), "overdue": sum((r["overdue"] for r in causes), Decimal(0))})


def top_customers(con, snap, filters) -> list[dict]:
    where, params = filters.sql("a")
    return _rows(con, f"""
        with ranked as (
            select a.*, c.credit_limit,
                   row_number() over (partition by a.company_code order by a.balance desc, a.customer_code) as rank
            from marts.fct_ar_aged_balance_weekly as a
            left join marts.dim_customers as c
                on a.company_code = c.company_code and a.customer_code = c.customer_code
            where a.snapshot_date = ? and a.balance <> 0{where})
        select *, credit_limit - balance as available_credit from ranked where rank <= ?
        order by company_code, rank""", [snap, *params, TOP_N])


def _top(con, book, fmt, source, snap, filters, buckets) -> None:
    sh = _Sheet(book, "Top 100", fmt)
    top = sh.title(f"Les {TOP_N} plus gros soldes clients par société au {_fr_date(snap)}", source)
    rows = top_customers(con, snap, filters)
    cols = [("company_code", "Société", "text", 8), ("rank", "Rang", "count", 6),
            ("customer_code", "Code client", "text", 11), ("customer_name", "Client", "text", 30),
            ("customer_group", "Groupe", "text", 14), ("collector", "Chargé de recouvrement", "text", 16),
            ("balance", "Solde", "money", 15)]
    cols += [(b["age_bucket"], b["label_fr"], "money", 13) for b in buckets]
    cols += [("credit_limit", "Limite de crédit", "money", 14), ("available_credit", "Encours disponible", "money", 14)]
    sh.table(top, cols, rows)


def due_schedule(con, snap, filters) -> list[dict]:
    """Open debits at S by when they fall due (as fct_ar_due_schedule at the as-of date)."""
    where, params = filters.sql()
    return _rows(con, f"""
        with items as (
            select company_code, open_amount,
                   (extract(year from due_date) - extract(year from snapshot_date)) * 12
                   + extract(month from due_date) - extract(month from snapshot_date) as months_ahead,
                   due_date < snapshot_date as is_overdue
            from marts.fct_ar_open_items_weekly
            where snapshot_date = ? and item_side = 'debit'{where}),
        bucketed as (
            select company_code, open_amount,
                   case when is_overdue then 1 when months_ahead = 0 then 2 when months_ahead = 1 then 3
                        when months_ahead = 2 then 4 when months_ahead = 3 then 5 else 6 end as due_bucket_order
            from items)
        select company_code, due_bucket_order, sum(open_amount) as amount, count(*) as items
        from bucketed group by 1, 2 order by 1, 2""", [snap, *params])


DUE_LABELS = {1: "Échu", 2: "Reste du mois", 3: "M+1", 4: "M+2", 5: "M+3", 6: "Au-delà de M+3"}


def _due_schedule(con, book, fmt, source, snap, filters) -> None:
    sh = _Sheet(book, "Échéancier", fmt)
    top = sh.title(f"Échéancier des factures ouvertes au {_fr_date(snap)}", source)
    rows = due_schedule(con, snap, filters)
    for r in rows:
        r["label"] = DUE_LABELS[r["due_bucket_order"]]
    cols = [("company_code", "Société", "text", 10), ("label", "Échéance", "text", 20),
            ("amount", "Montant", "money", 16), ("items", "Pièces", "count", 10)]
    sh.table(top, cols, rows, total={"company_code": "Total", "amount": sum((r["amount"] for r in rows), Decimal(0)),
                                     "items": sum(r["items"] for r in rows)})


def _collection(con, book, fmt, source, snap, filters) -> None:
    sh = _Sheet(book, "Recouvrement", fmt)
    top = sh.title(f"Recouvrement de {_fr_month(snap)} par chargé de recouvrement, au {_fr_date(snap)}", source)
    rows = collection_as_of(con, snap, filters)
    to_collect = sum((r["amount_to_collect"] for r in rows), Decimal(0))
    collected = sum((r["amount_collected_to_date"] for r in rows), Decimal(0))
    cols = [("company_code", "Société", "text", 10), ("collector", "Chargé de recouvrement", "text", 22),
            ("amount_to_collect", "À recouvrer", "money", 16), ("amount_collected_to_date", "Recouvré", "money", 16),
            ("collection_rate_to_date", "Taux de recouvrement", "pct", 12), ("remaining", "Reste à recouvrer", "money", 16)]
    sh.table(top, cols, rows, total={"company_code": "Total", "amount_to_collect": to_collect,
                                     "amount_collected_to_date": collected,
                                     "collection_rate_to_date": collected / to_collect if to_collect else None,
                                     "remaining": to_collect - collected})


def _worklist(con, book, fmt, source, snap, filters) -> bool:
    as_of = con.execute("select max(as_of_date) from marts.fct_ar_collection_worklist").fetchone()[0]
    if as_of != snap:
        return False
    where, params = filters.sql()
    rows = _rows(con, f"select * from marts.fct_ar_collection_worklist where 1 = 1{where} "
                      "order by company_code, collector, priority_rank", params)
    sh = _Sheet(book, "Plan d'action", fmt)
    top = sh.title(f"Plan d'action des chargés de recouvrement au {_fr_date(snap)}", source)
    cols = [("company_code", "Société", "text", 8), ("collector", "Chargé de recouvrement", "text", 16),
            ("priority_rank", "Rang", "count", 6), ("priority", "Priorité", "text", 12),
            ("customer_code", "Code client", "text", 11), ("document_number", "Pièce", "text", 12),
            ("open_overdue_amount", "Échu ouvert", "money", 14), ("days_past_due", "Jours de retard", "count", 8),
            ("dunning_status", "Statut de relance", "text", 16), ("dunning_level", "Niveau", "count", 6),
            ("blocking_cause", "Cause de blocage", "text", 16), ("promised_date", "Date promise", "date", 11),
            ("latest_promise_outcome", "Dernière promesse", "text", 14),
            ("last_action_date", "Dernière action", "date", 11), ("last_action_type", "Type d'action", "text", 10),
            ("insurer_deadline", "Échéance assureur", "date", 11), ("insurer_status", "Statut assureur", "text", 12)]
    present = set(rows[0]) if rows else set()
    cols = [c for c in cols if not rows or c[0] in present]
    for r in rows:
        for key, _, kind, _ in cols:
            if kind == "date" and r.get(key) is not None and not isinstance(r[key], dt.date):
                r[key] = None
    sh.table(top, cols, rows)
    return True
