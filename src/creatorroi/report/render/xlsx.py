"""XLSX: a Summary sheet (report facts, every section's figures and sentences) and one sheet
per table, named from ``table.key``.

Cells hold real values: counts and ratios as numbers, money as numbers with a number format in
the report's currency (its ISO code, with the currency's own decimals: 2 for EUR, 0 for KRW),
percents as fractions (the model's 12.5 becomes 0.125) with a ``0.0%`` format, dates and times
as Excel dates in the report's time zone. Every text cell is written with ``write_string`` (so
xlsxwriter never turns it into a formula, number or link) and, when it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, with Excel's "quote prefix" cell attribute: the
leading apostrophe Excel itself adds to typed text, hidden in the cell, which keeps the text
from being re-read as a formula when the cell is edited or the sheet is copied elsewhere.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from babel.numbers import get_currency_precision
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from creatorroi.i18n import normalize_lang, translator
from creatorroi.report.model import Kind, Report, Value
from creatorroi.report.render.view import formatter, sentence_text

SUMMARY = "Summary"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def money_format(currency: str) -> str:
    decimals = get_currency_precision(currency)
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f'{digits} "{currency}";-{digits} "{currency}"'


NUMBER_FORMATS: dict[Kind, str] = {
    "count": "#,##0", "ratio": "0.00##", "percent": "0.0%", "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


def sheet_names(keys: list[str]) -> list[str]:
    """Excel sheet names from table keys: no []:*?/\\, at most 31 characters, unique
    (case-insensitively, as Excel compares them) and never "Summary"."""
    taken = {SUMMARY.lower()}
    names = []
    for key in keys:
        base = _BAD_SHEET_CHARS.sub("_", key).strip("'") or "table"
        name, n = base[:31], 1
        while name.lower() in taken:
            n += 1
            suffix = f"~{n}"
            name = base[: 31 - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


class _Writer:
    def __init__(self, report: Report, workbook: xlsxwriter.Workbook) -> None:
        self.tz = ZoneInfo(report.timezone)
        self.wb = workbook
        self.formats: dict[str, Format] = {}
        self.kinds: dict[Kind, str] = {**NUMBER_FORMATS, "money": money_format(report.currency)}

    def fmt(self, name: str, **props: Any) -> Format:
        if name not in self.formats:
            self.formats[name] = self.wb.add_format(props)
        return self.formats[name]

    def text(self, ws: Worksheet, row: int, col: int, text: str, bold: bool = False) -> None:
        props: dict[str, Any] = {"bold": True} if bold else {}
        if text.startswith(FORMULA_START):
            props["quote_prefix"] = True
        name = "text" + ("-b" if bold else "") + ("-q" if "quote_prefix" in props else "")
        ws.write_string(row, col, text, self.fmt(name, **props) if props else None)

    def value(self, ws: Worksheet, row: int, col: int, value: Value, kind: Kind,
              to_text: Callable[[str], str] = str) -> None:
        if value is None:
            ws.write_blank(row, col, None)
        elif isinstance(value, str):
            self.text(ws, row, col, to_text(value) if kind == "text" else value)
        elif isinstance(value, datetime):
            local = value.astimezone(self.tz) if value.tzinfo else value
            ws.write_datetime(row, col, local.replace(tzinfo=None),
                              self.fmt("datetime", num_format=self.kinds["datetime"]))
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day),
                              self.fmt("date", num_format=self.kinds["date"]))
        elif kind == "percent":
            ws.write_number(row, col, float(Decimal(str(value)) / 100),
                            self.fmt("percent", num_format=self.kinds["percent"]))
        elif kind in self.kinds:
            ws.write_number(row, col, float(value), self.fmt(kind, num_format=self.kinds[kind]))
        else:
            ws.write_number(row, col, float(value))


def xlsx_bytes(report: Report) -> bytes:
    lang = normalize_lang(report.lang)
    fmt = formatter(report)
    tr = translator(lang, "report")
    t = translator(lang, "render")

    def to_text(value: str) -> str:
        out = tr(value)
        return t(value) if out == value else out

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    w = _Writer(report, wb)
    rtl = fmt.rtl

    ws = wb.add_worksheet(SUMMARY)
    if rtl:
        ws.right_to_left()
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 24)
    w.text(ws, 0, 0, tr(report.title), bold=True)
    facts: list[tuple[str, Value, Kind]] = [
        (t("Brand"), report.brand, "text"), (t("Scope"), report.scope, "text"),
        (t("Currency"), report.currency, "text"), (t("Time zone"), report.timezone, "text"),
        (t("Generated"), report.generated_at, "datetime"),
    ]
    w.text(ws, 2, 0, t("Period"))
    w.value(ws, 2, 1, report.period_start, "date")
    w.value(ws, 2, 2, report.period_end, "date")
    r = 3
    for label, value, kind in facts:
        w.text(ws, r, 0, label)
        w.value(ws, r, 1, value, kind)
        r += 1
    for section in report.sections:
        if not section.figures and not section.sentences:
            continue
        r += 1
        w.text(ws, r, 0, tr(section.title), bold=True)
        r += 1
        for f in section.figures:
            w.text(ws, r, 0, tr(f.label))
            w.value(ws, r, 1, f.value, f.kind, to_text)
            r += 1
        for s in section.sentences:
            w.text(ws, r, 0, sentence_text(s, fmt, tr))
            r += 1

    tables = [tb for s in report.sections for tb in s.tables]
    for tb, name in zip(tables, sheet_names([tb.key for tb in tables]), strict=True):
        ws = wb.add_worksheet(name)
        if rtl:
            ws.right_to_left()
        w.text(ws, 0, 0, tr(tb.title), bold=True)
        for c, col in enumerate(tb.columns):
            w.text(ws, 2, c, tr(col.label), bold=True)
            width = max([len(tr(col.label)), *(len(str(row[c])) for row in tb.rows
                                                if c < len(row))], default=10)
            ws.set_column(c, c, min(max(width + 2, 10), 48))
        for i, row in enumerate(tb.rows):
            for c, value in enumerate(row[:len(tb.columns)]):
                w.value(ws, 3 + i, c, value, tb.kind(i, c), to_text)
        if tb.rows:
            ws.autofilter(2, 0, 2 + len(tb.rows), len(tb.columns) - 1)
        ws.freeze_panes(3, 0)
        if tb.note:
            w.text(ws, 4 + len(tb.rows), 0, tr(tb.note))
    wb.close()
    return buf.getvalue()
