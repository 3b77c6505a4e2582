"""The report as the text a reader sees in one language: the shared input of HTML, PDF and
Markdown (the XLSX renderer writes typed values instead).

Labels, titles, notes and sentences are the model's English msgids, translated with the
``report`` catalog; the renderers' own words (page furniture) come from the ``render`` catalog.
Text cells are shown as given unless one of those catalogs knows them ("met", "not met").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from creatorroi.i18n import normalize_lang, translator
from creatorroi.report.model import Chart, Kind, Report, Section, Sentence, Value
from creatorroi.report.render import charts
from creatorroi.report.render.fmt import Formatter

NUMERIC: frozenset[Kind] = frozenset({"count", "money", "percent", "ratio"})

# Font stacks: Noto Sans for Latin, the CJK face whose glyph forms the language expects
# first (Korean KR, Traditional Chinese TC), Arabic-script Noto for Persian. Every stack names
# all of them, so a Korean handle in an Italian report still has a glyph.
_CJK_KR, _CJK_TC = '"Noto Sans CJK KR"', '"Noto Sans CJK TC"'
_ARABIC = '"Noto Sans Arabic", "Noto Naskh Arabic"'
FONT_STACKS: dict[str, str] = {
    "ko": f'"Noto Sans", {_CJK_KR}, {_CJK_TC}, {_ARABIC}, sans-serif',
    "zh_Hant": f'"Noto Sans", {_CJK_TC}, {_CJK_KR}, {_ARABIC}, sans-serif',
    "fa": f'{_ARABIC}, "Noto Sans", {_CJK_KR}, {_CJK_TC}, sans-serif',
}
DEFAULT_STACK = f'"Noto Sans", {_CJK_KR}, {_CJK_TC}, {_ARABIC}, sans-serif'
HTML_LANG = {"zh_Hant": "zh-Hant"}


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class FigureView:
    key: str
    label: str
    text: str


@dataclass(frozen=True)
class SentenceView:
    text: str
    tone: str


@dataclass(frozen=True)
class TableView:
    key: str
    title: str
    headers: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str | None


@dataclass(frozen=True)
class ChartView:
    key: str
    title: str
    svg: str
    overlays: tuple[charts.Label, ...] = ()


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    figures: tuple[FigureView, ...]
    sentences: tuple[SentenceView, ...]
    tables: tuple[TableView, ...]
    charts: tuple[ChartView, ...]


@dataclass(frozen=True)
class ReportView:
    lang: str
    html_lang: str
    dir: str
    font_stack: str
    title: str
    brand: str
    scope: str
    period: str | None
    generated: str
    currency: str
    timezone: str
    sections: tuple[SectionView, ...]
    t: Callable[..., str]          # the render catalog


def formatter(report: Report) -> Formatter:
    return Formatter(normalize_lang(report.lang), report.currency, report.timezone)


def sentence_text(s: Sentence, fmt: Formatter, tr: Callable[..., str]) -> str:
    """Each value formatted by its kind first, then the translated msgid filled with them."""
    values = {name: fmt.value(v, kind) for name, v, kind in s.values}
    return tr(s.msgid, **values)


def build_view(report: Report, *, html_labels: bool = False) -> ReportView:
    """``html_labels``: right-to-left chart labels as HTML overlays (for WeasyPrint)."""
    lang = normalize_lang(report.lang)
    fmt = formatter(report)
    tr_report = translator(lang, "report")
    t = translator(lang, "render")

    def text_cell(value: Value, kind: Kind) -> str:
        if isinstance(value, str) and kind == "text":
            out = tr_report(value)
            return t(value) if out == value else out
        return fmt.value(value, kind)

    stack = FONT_STACKS.get(lang, DEFAULT_STACK)

    def chart(c: Chart) -> ChartView:
        drawing = charts.draw(c, fmt, tr_report, font_family=stack, html_labels=html_labels)
        return ChartView(c.key, tr_report(c.title), drawing.svg, drawing.overlays)

    def section(s: Section) -> SectionView:
        return SectionView(
            key=s.key,
            title=tr_report(s.title),
            figures=tuple(FigureView(f.key, tr_report(f.label), fmt.value(f.value, f.kind))
                          for f in s.figures),
            sentences=tuple(SentenceView(sentence_text(x, fmt, tr_report), x.tone)
                            for x in s.sentences),
            tables=tuple(
                TableView(
                    key=tb.key,
                    title=tr_report(tb.title),
                    headers=tuple(Cell(tr_report(c.label), c.kind in NUMERIC)
                                  for c in tb.columns),
                    rows=tuple(tuple(Cell(text_cell(v, tb.kind(r, c)), tb.kind(r, c) in NUMERIC)
                                     for c, v in enumerate(row[:len(tb.columns)]))
                               for r, row in enumerate(tb.rows)),
                    note=tr_report(tb.note) if tb.note else None,
                )
                for tb in s.tables),
            charts=tuple(chart(c) for c in s.charts),
        )

    period = None
    if report.period_start or report.period_end:
        start = fmt.date(report.period_start) if report.period_start else "…"
        end = fmt.date(report.period_end) if report.period_end else "…"
        period = t("{start} to {end}", start=start, end=end)
    return ReportView(
        lang=lang,
        html_lang=HTML_LANG.get(lang, lang),
        dir="rtl" if fmt.rtl else "ltr",
        font_stack=stack,
        title=tr_report(report.title),
        brand=report.brand,
        scope=report.scope,
        period=period,
        generated=fmt.datetime(report.generated_at),
        currency=report.currency,
        timezone=report.timezone,
        sections=tuple(section(s) for s in report.sections),
        t=t,
    )
