"""HTML, XLSX, Markdown and the SVG charts, checked structurally against hand-built reports."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from babel.numbers import format_decimal
from openpyxl import load_workbook
from report_fixture import BAR, INJECTION, LINE, NAMES, make_report

from creatorroi.i18n import translator
from creatorroi.report.render import FORMATS, render
from creatorroi.report.render import charts as ch
from creatorroi.report.render.fmt import Formatter
from creatorroi.report.render.xlsx import sheet_names

SVG = "{http://www.w3.org/2000/svg}"


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_formats_listed() -> None:
    assert FORMATS == ("pdf", "html", "xlsx", "md")
    with pytest.raises(ValueError):
        render(make_report(), "doc")  # type: ignore[arg-type]


def test_persian_numbers_follow_babel_fa_with_persian_digits() -> None:
    f = Formatter("fa", "EUR")
    babel = format_decimal(1234567, format="#,##0", locale="fa", numbering_system="default")
    assert babel == "1٬234٬567"          # Babel: Persian separators, ASCII digits
    assert f.value(1234567, "count") == "۱٬۲۳۴٬۵۶۷"
    assert f.value(12.5, "percent") == "۱۲٫۵%"
    assert "۴۸٬۲۵۰٫۷۵" in f.value(Decimal("48250.75"), "money")
    assert Formatter("ko", "KRW").value(Decimal("1234567"), "money") == "₩1,234,567"
    assert Formatter("it", "EUR").value(Decimal("1234.5"), "money") == "1.234,50\xa0€"
    assert Formatter("en", "EUR", "Europe/Rome").value(
        datetime.fromisoformat("2024-03-05T17:30+00:00"), "datetime") == "Mar 5, 2024, 6:30\u202fPM"


def test_bar_chart_golden() -> None:
    fmt = Formatter("en", "EUR")
    root = ET.fromstring(ch.svg(BAR, fmt, lambda s: s))
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == len(BAR.categories) * len(BAR.series) == 8
    # Highest value 18000 over 5 ticks -> step 5000 (3600 rounded up to 1-2-2.5-5) -> 0..20000.
    assert ch.nice_range([18000.0, 2940.0]) == (0.0, 20000.0, 5000.0)
    band = 612 / 4                      # PLOT_WIDTH / categories
    bar_w = band * 0.8 / 2              # 80 % of the band shared by two series
    for bar in bars:
        value = float(bar.get("data-value", "nan"))
        assert float(bar.get("height", "nan")) == pytest.approx(value / 20000 * 196, abs=0.01)
        assert float(bar.get("y", "nan")) == pytest.approx(48 + 196 - value / 20000 * 196,
                                                           abs=0.01)
        assert float(bar.get("width", "nan")) == pytest.approx(bar_w, abs=0.01)
    first = bars[0]               # Spend for 김지수: 4000 -> 39.2 tall, at 84 + 15.3
    assert first.get("data-category") == NAMES[0]
    assert (first.get("x"), first.get("height")) == ("99.30", "39.20")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:5] == ["€0", "€5,000", "€10,000", "€15,000", "€20,000"]
    assert set(NAMES) <= set(texts) and {"Spend", "Revenue"} <= set(texts)
    assert ch.svg(BAR, fmt, lambda s: s) == ch.svg(BAR, fmt, lambda s: s)   # deterministic


def test_line_chart_golden() -> None:
    root = ET.fromstring(ch.svg(LINE, Formatter("en", "EUR"), lambda s: s))
    lines = root.findall(f".//{SVG}polyline")
    assert len(lines) == 2                           # the None breaks the line in two
    assert len(root.findall(f".//{SVG}circle")) == 4
    first = lines[0].get("points", "").split()
    # 1200 of 0..15000 (step 2500... 14250/5 = 2850 -> 5000): y = 48 + 196 * (1 - 1200/15000)
    assert ch.nice_range([14250.0]) == (0.0, 15000.0, 5000.0)
    assert first[0] == f"{84 + 612 / 5 / 2:.2f},{48 + 196 * (1 - 1200 / 15000):.2f}"
    marks = root.findall(f".//{SVG}g[@class='mark']")
    assert [m.get("data-category") for m in marks] == ["2024-03-05", "2024-03-20"]
    # 2024-03-05 falls 1/7 of the way from the first weekly category to the second.
    x = float(marks[0].find(f"{SVG}line").get("x1", "nan"))  # type: ignore[union-attr]
    assert x == pytest.approx(84 + (0.5 + 1 / 7) * 612 / 5, abs=0.01)


def test_rtl_labels_become_html_overlays_for_the_pdf() -> None:
    drawing = ch.draw(BAR, Formatter("fa", "EUR"), lambda s: s, html_labels=True)
    assert [label.text for label in drawing.overlays] == ["سارا"]
    assert ">سارا<" not in drawing.svg and ">김지수<" in drawing.svg


@pytest.mark.parametrize("lang", ["en", "fa", "zh_Hant"])
def test_html_structure_offline(lang: str) -> None:
    report = make_report(lang)
    html = render(report, "html").decode()
    parser = Collect()
    parser.feed(html)
    root = next(attrs for tag, attrs in parser.tags if tag == "html")
    assert root["dir"] == ("rtl" if lang == "fa" else "ltr")
    assert root["lang"] == {"zh_Hant": "zh-Hant"}.get(lang, lang)
    for _tag, attrs in parser.tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")), (name, value)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    n_charts = sum(len(s.charts) for s in report.sections)
    assert sum(1 for tag, _ in parser.tags if tag == "svg") == n_charts == 2
    assert sum(1 for tag, _ in parser.tags if tag == "table") == 3
    assert "Noto Sans" in html and "Noto Sans Arabic" in html
    assert ("Noto Sans CJK TC" if lang == "zh_Hant" else "Noto Sans CJK KR") in html
    assert "&lt;" not in translator(lang, "report")(report.title)
    if lang == "fa":
        assert "۱٬۲۸۴" in html and translator("fa", "render")("met") in html


def test_html_escapes_text() -> None:
    html = render(make_report("en"), "html").decode()
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;x&#34;)" in html
    assert 'href="http://evil' not in html


def test_xlsx_numbers_formats_and_injection() -> None:
    report = make_report("en")
    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert wb.sheetnames == ["Summary", "influencers", "smart_goals_with_a_rather_long_",
                             "posts"]
    assert all(len(n) <= 31 for n in wb.sheetnames)

    summary = {row[0].value: row[1] for row in wb["Summary"].iter_rows(min_col=1, max_col=2)
               if row[0].value}
    revenue = summary["Attributed revenue"]
    assert revenue.data_type == "n" and Decimal(str(revenue.value)) == Decimal("48250.75")
    assert revenue.number_format == '#,##0.00 "EUR";-#,##0.00 "EUR"'
    roi = summary["ROI"]
    assert roi.value == pytest.approx(2.125) and roi.number_format == "0.0%"
    assert summary["Attributed orders"].value == 1284
    assert summary["First post"].is_date

    ws = wb["influencers"]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["Influencer", "Platform", "Cost"]
    first = [c for c in ws[4]]
    assert first[0].value == NAMES[0]
    assert first[2].data_type == "n" and first[2].value == 4000
    assert first[4].value == pytest.approx(3.5) and first[4].number_format == "0.0%"
    assert first[7].is_date
    assert ws.cell(7, 8).value is None                      # the None date stays empty

    posts = wb["posts"]
    captions = [posts.cell(4 + i, 2) for i in range(len(INJECTION))]
    for cell, text in zip(captions, INJECTION, strict=True):
        assert cell.data_type == "s" and cell.value == text
        assert isinstance(cell.value, str) and cell.quotePrefix, text
    assert posts.cell(4, 3).is_date and posts.cell(4, 3).value == datetime(2024, 3, 5, 18, 30)


def test_xlsx_krw_has_no_decimals_and_rtl_sheets_for_fa() -> None:
    wb = load_workbook(io.BytesIO(render(make_report("fa", currency="KRW"), "xlsx")))
    cell = wb["influencers"].cell(4, 3)
    assert cell.number_format == '#,##0 "KRW";-#,##0 "KRW"' and cell.value == 4000
    assert wb["Summary"].sheet_view.rightToLeft


def test_sheet_names() -> None:
    names = sheet_names(["summary", "a" * 40, "a" * 40, "x/y:z", "A" * 40])
    assert names[0] == "summary~2" and names[1] == "a" * 31
    assert names[2] == "a" * 29 + "~2" and names[3] == "x_y_z" and names[4] == "A" * 29 + "~3"
    assert len({n.lower() for n in names}) == len(names)


def test_markdown_tables() -> None:
    report = make_report("ko")
    md = render(report, "md").decode()
    tables = [t for s in report.sections for t in s.tables]
    separators = [line for line in md.splitlines() if line.startswith("|---")]
    assert len(separators) == len(tables)
    assert "instagram \\| reels" in md
    header_lines = [line for line in md.splitlines() if line.startswith("| ")]
    for line in header_lines:         # every row has its column count of unescaped pipes
        cells = line.replace("\\|", "").count("|") - 1
        assert cells in {len(t.columns) for t in tables}
    assert md.count("> ") == 2          # one note per chart
    assert "₩" not in md and "€48,250.75" in md
