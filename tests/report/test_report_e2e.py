"""The written report against the core: numbers read back from the files equal ``ws.kpis``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from babel.numbers import format_currency, format_decimal
from pypdf import PdfReader
from typer.testing import CliRunner

import creatorroi
from creatorroi.cli import app
from creatorroi.report import write_report
from creatorroi.report.build import ReportRefused

import world


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> creatorroi.Workspace:
    path = tmp_path_factory.mktemp("e2e") / "report.duckdb"
    return world.build(creatorroi.connect(str(path)))


def _totals(ws: creatorroi.Workspace) -> dict[str, object]:
    t = ws.kpis([], campaign="easter").iloc[0]
    return {"revenue": t.revenue, "cost": t.cost, "orders": int(t.orders), "roi": float(t.roi)}


def test_pdf_text_layer_shows_the_core_totals(ws: creatorroi.Workspace, tmp_path: Path) -> None:
    path = write_report(ws, tmp_path / "r.pdf", campaign="easter", lang="en")
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    text = " ".join(text.split())
    k = _totals(ws)
    # by hand (see test_kpis): revenue 140.00 + 70.00 = 210.00; cost 120.00 + 92.00 = 212.00;
    # orders 1, 2, 6 (giulia) and 3, 4, 5 (jisoo)
    assert (k["revenue"], k["cost"], k["orders"]) == (Decimal("210.00"), Decimal("212.00"), 6)
    for value in ("revenue", "cost"):
        assert format_currency(k[value], "EUR", locale="en") in text, value
    assert f"{format_decimal(round(k['roi'], 1), locale='en')}%" in text   # -0.9%
    for handle in ("@giulia.skin", "@jisoo.glow"):
        assert handle in text


def test_xlsx_cells_are_the_core_numbers(ws: creatorroi.Workspace, tmp_path: Path) -> None:
    path = write_report(ws, tmp_path / "r.xlsx", fmt="xlsx", campaign="easter", lang="it")
    book = openpyxl.load_workbook(path)
    by_infl = ws.kpis("influencer", campaign="easter").set_index("influencer")
    sheet = book["by_influencer"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=4) if r[0].value}
    assert set(rows) == set(by_infl.index)
    numeric = [c for c in rows["@giulia.skin"] if isinstance(c.value, int | float)]
    values = {round(Decimal(str(c.value)), 2) for c in numeric}
    # the sheet holds real numbers, not text: giulia's revenue and cost are among them
    assert Decimal("140.00") in values and Decimal("120.00") in values
    money = [c for c in numeric if round(Decimal(str(c.value)), 2) == Decimal("140.00")]
    assert "EUR" in money[0].number_format or "€" in money[0].number_format


def test_inconsistent_inputs_write_no_file(store_url: str, tmp_path: Path) -> None:
    ws = world.build(creatorroi.connect(store_url))
    ws.store.execute("DELETE FROM fx_rates")            # jisoo's USD fee can't be converted
    folder = tmp_path / "reports"
    folder.mkdir()
    with pytest.raises(ReportRefused, match="USD"):
        write_report(ws, folder / "never.pdf", campaign="easter")
    assert list(folder.iterdir()) == []     # not even a temporary file


def test_cli_writes_each_format(ws: creatorroi.Workspace, tmp_path: Path) -> None:
    store = ws.store.url
    ws.store.close()
    runner = CliRunner()
    for fmt in ("md", "html"):
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(app, ["report", "--campaign", "easter", "--format", fmt,
                                     "--lang", "ko", "--out", str(out), "--store", store])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert "@giulia.skin" in text and "₩" not in text   # money stays in EUR
    bad = runner.invoke(app, ["report", "--campaign", "nope", "--store", store])
    assert isinstance(bad.exception, ReportRefused) and "nope" in str(bad.exception)
