"""The real builder's report drawn in every format and language (not a hand-made model)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from test_report_build import enrich
from test_report_mmm import add_run, result

import creatorroi
from creatorroi.errors import ConfigError
from creatorroi.i18n import translator
from creatorroi.report import save
from creatorroi.report.build import build_report
from creatorroi.report.model import Report
from creatorroi.report.render import render

import world

LANGS = ("en", "it", "ko", "zh_Hant", "fa")


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> creatorroi.Workspace:
    ws = world.build(creatorroi.connect(str(tmp_path_factory.mktemp("b") / "s.duckdb")))
    enrich(ws)      # a campaign with a business goal, a message, goals, followers, traffic
    add_run(ws, "mmm", result(warnings=("Only 212 effective draws for some parameter.",)))
    return ws


@pytest.fixture(scope="module")
def reports(ws: creatorroi.Workspace) -> dict[str, Report]:
    return {lang: build_report(ws, campaign="easter", lang=lang) for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_format_renders_the_campaign_message(reports: dict[str, Report],
                                                        lang: str) -> None:
    report = reports[lang]
    mix = translator(lang, "report")("Incrementality")      # the mix model's part
    for fmt in ("md", "html"):
        text = render(report, fmt).decode("utf-8")   # type: ignore[arg-type]
        assert "Glow for spring" in text and "@giulia.skin" in text, (lang, fmt)
        assert mix in text and "Only 212 effective draws" in text, (lang, fmt)
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    summary = " ".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row
                       if c.value is not None)
    assert "Glow for spring" in summary
    assert book["incrementality"]["A1"].value == mix


@pytest.mark.parametrize("lang", ["it", "fa"])
def test_every_character_lies_inside_the_page(reports: dict[str, Report], lang: str) -> None:
    doc = pdfium.PdfDocument(render(reports[lang], "pdf"))
    for i in range(len(doc)):
        page = doc[i]
        width, _ = page.get_size()
        text = page.get_textpage()
        for k in range(text.count_chars()):
            left, _, right, _ = text.get_charbox(k)
            assert left >= -0.5 and right <= width + 0.5, (lang, i + 1, text.get_text_range(k, 1))


def test_a_language_we_do_not_have_is_refused(ws: creatorroi.Workspace) -> None:
    with pytest.raises(ConfigError, match="no report language 'de'"):
        build_report(ws, campaign="easter", lang="de")


def test_an_unwritable_path_fails_before_rendering(reports: dict[str, Report],
                                                  tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="cannot write"):
        save(reports["en"], blocker / "r.pdf")
    with pytest.raises(ConfigError, match="cannot write"):
        save(reports["it"], blocker / "deeper" / "r.md", fmt="md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_goal_targets_keep_their_own_unit(reports: dict[str, Report]) -> None:
    report = reports["en"]
    goals = report.table("goals")
    revenue, orders = "Net revenue attributed", "Orders attributed"   # the KPIs' labels
    by_metric = {row[1]: (row[2], goals.kind(i, 2)) for i, row in enumerate(goals.rows)}
    assert by_metric[revenue][1] == "money" and by_metric[orders][1] == "count"
    md = render(report, "md").decode("utf-8")
    # enrich(): revenue goal 200 (money), orders goal 10 (a count, no decimals)
    assert "€200.00" in md and f"| {orders} | 10 |" in md
    sheet = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))["goals"]
    cells = {r[1].value: r[2] for r in sheet.iter_rows(min_row=4) if r[1].value}
    assert cells[revenue].value == 200 and "EUR" in cells[revenue].number_format
    assert cells[orders].value == 10 and cells[orders].number_format == "#,##0"
    # in Korean the metric is named in Korean, not by its key
    ko = reports["ko"].table("goals")
    assert {r[1] for r in ko.rows}.isdisjoint({"orders", "revenue", orders, revenue})


def test_small_rates_keep_their_digits(reports: dict[str, Report]) -> None:
    md = render(reports["en"], "md").decode("utf-8")
    # world's instagram card: 0.005 EUR per impression, 0.10 per like
    assert "0.0050" in md and "0.10" in md


def test_a_period_report_judges_only_goals_due_in_it(ws: creatorroi.Workspace) -> None:
    from datetime import date

    # enrich(): both goals fall due on 2024-04-07
    before = build_report(ws, start=date(2024, 3, 15), end=date(2024, 3, 31))
    assert before.table("goals").rows == ()
    spanning = build_report(ws, start=date(2024, 3, 15), end=date(2024, 4, 10))
    assert len(spanning.table("goals").rows) == 2
