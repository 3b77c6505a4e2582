"""A dashboard page as data, and its two plain encodings: JSON for the API and CSV per table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from creatorroi.errors import CreatorROIError
from creatorroi.report.model import Chart, Figure, Sentence, Table, Value

# Spreadsheet apps run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Period:
    """The local days a page covers; None on either side means "from the first" / "to now"."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise CreatorROIError(f"the period starts on {self.start} but ends on {self.end}")


@dataclass(frozen=True)
class Page:
    key: str                      # "overview", "campaign", ...
    title: str                    # English msgid, or a name shown as given
    currency: str                 # every money value is in this currency
    period: Period = field(default_factory=Period)
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)   # page-specific plain values

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def figure(self, key: str) -> Figure:
        for f in self.figures:
            if f.key == key:
                return f
        raise KeyError(key)


def json_value(v: Any) -> Any:
    """Money stays exact: a Decimal becomes its decimal string, never a float."""
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, float) and v != v:   # NaN
        return None
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [json_value(x) for x in v]
    return v


def page_json(page: Page) -> dict[str, Any]:
    return {
        "page": page.key,
        "title": page.title,
        "currency": page.currency,
        "period": {"start": json_value(page.period.start), "end": json_value(page.period.end)},
        "figures": [{"key": f.key, "label": f.label, "kind": f.kind, "value": json_value(f.value)}
                    for f in page.figures],
        "tables": [{"key": t.key, "title": t.title,
                    "columns": [{"key": c.key, "label": c.label, "kind": c.kind}
                                for c in t.columns],
                    "rows": [{c.key: json_value(v) for c, v in zip(t.columns, row, strict=True)}
                             for row in t.rows]}
                   for t in page.tables],
        "charts": [{"key": c.key, "title": c.title, "kind": c.kind, "unit": c.unit,
                    "categories": list(c.categories),
                    "series": [{"name": s.name, "values": json_value(s.values)}
                               for s in c.series],
                    "marks": [list(m) for m in c.marks]}
                   for c in page.charts],
        "sentences": [{"msgid": s.msgid, "tone": s.tone,
                       "values": {k: json_value(v) for k, v, _ in s.values}}
                      for s in page.sentences],
        "extra": json_value(page.extra),
    }


def _cell(v: Value) -> str:
    if v is None:
        return ""
    text = json_value(v)
    text = str(text)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def table_csv(table: Table, header: list[str] | None = None) -> str:
    """One table as CSV: plain machine values (ISO dates, exact decimals), safe to open in a
    spreadsheet (text that would run as a formula is quoted with a leading apostrophe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header or [c.key for c in table.columns])
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
