"""What a report says, as plain values: the builder fills it, each renderer draws it.

Why a neutral model: the PDF, HTML, XLSX and Markdown files must show the same numbers, and a
test must be able to compare every one of them with the core's KPIs. So the builder decides
*what* is said (figures, tables, charts, generated sentences) once, with exact values (money as
``Decimal`` in the report's currency), and renderers only decide *how* it looks in a language:
labels are English msgids translated at render time, numbers are formatted by their ``kind``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

# How a value is formatted: counts as integers, money with the report's currency, percent
# values already x100 (12.5 means 12.5%), ratios as plain decimals (ROAS 3.2), dates.
Kind = Literal["text", "count", "money", "percent", "ratio", "date", "datetime"]
Value = str | int | float | Decimal | date | datetime | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str          # English msgid, translated by the renderer
    kind: Kind = "text"


@dataclass(frozen=True)
class Table:
    key: str            # stable id: the XLSX sheet name and the HTML anchor derive from it
    title: str          # English msgid
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    note: str | None = None   # English msgid shown under the table
    # per cell, a kind that overrides its column's (None keeps it): a goals table mixes
    # orders, money and rates in one "target" column
    cell_kinds: tuple[tuple[Kind | None, ...], ...] = ()

    def kind(self, row: int, col: int) -> Kind:
        if row < len(self.cell_kinds) and col < len(self.cell_kinds[row]):
            override = self.cell_kinds[row][col]
            if override is not None:
                return override
        return self.columns[col].kind


@dataclass(frozen=True)
class Figure:
    """A headline number (ROI, revenue ...), shown large at the top of its section."""

    key: str
    label: str          # English msgid
    value: Value
    kind: Kind


@dataclass(frozen=True)
class Series:
    name: str           # shown as given (an influencer handle, a platform) or a msgid
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A chart as data; renderers draw it as vector graphics (SVG)."""

    key: str
    title: str          # English msgid
    kind: Literal["bar", "line"]
    categories: tuple[str, ...]          # x axis labels (dates as ISO text for line charts)
    series: tuple[Series, ...]
    unit: Kind = "count"                 # how the y values are formatted
    marks: tuple[tuple[str, str], ...] = ()   # (category, label): e.g. post dates on a timeline
    translate_series: bool = False       # True when series names are msgids ("Spend", "Revenue")


@dataclass(frozen=True)
class Sentence:
    """A generated sentence: an English msgid with ``{name}`` fields, and each field's value
    and kind, so the renderer can format the numbers for the language before filling them."""

    msgid: str
    values: tuple[tuple[str, Value, Kind], ...] = ()
    tone: Literal["neutral", "good", "bad", "warning"] = "neutral"


@dataclass(frozen=True)
class Section:
    key: str            # "direct", "indirect", "lessons", "methodology"
    title: str          # English msgid
    figures: tuple[Figure, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Report:
    brand: str
    currency: str                 # every money value is in this currency
    timezone: str
    lang: str                     # en, it, ko, zh_Hant or fa
    title: str                    # English msgid, e.g. "Influencer marketing report"
    scope: str                    # shown as given: the campaign's name or the period
    period_start: date | None
    period_end: date | None
    generated_at: datetime
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def figure(self, key: str) -> Figure:
        """A figure by key, from whichever section holds it."""
        return next(f for s in self.sections for f in s.figures if f.key == key)

    def table(self, key: str) -> Table:
        return next(t for s in self.sections for t in s.tables if t.key == key)
