"""Charts as hand-written SVG: bar and line, with marks (post dates) on a timeline.

Text is kept as real text (``<text>`` elements, or HTML labels over the chart, see below), so
Persian and CJK labels are shaped with the page's fonts and the PDF's text layer holds them.
Output depends only on the chart and the language (coordinates printed with two decimals), so
it can be compared byte for byte. Charts are drawn left to right in every language: the value
axis and the time axis read the same in the Persian report as in the others.

WeasyPrint draws SVG text one letter at a time, without bidi reordering or Arabic shaping (a
Persian label would come out reversed, its letters unjoined). So for the PDF, ``draw`` can
return the labels written in a right-to-left script as ``Label`` overlays instead, which the
template places as HTML over the SVG (percent positions), where Pango shapes them like any
other text. Browsers shape SVG text themselves, so the HTML file keeps every label in the SVG.

Geometry: a fixed ``WIDTH`` x ``HEIGHT`` viewBox with the plot area at ``PLOT_LEFT``,
``PLOT_TOP``, ``PLOT_WIDTH`` x ``PLOT_HEIGHT``; the value axis runs from ``nice_range``'s low to
high, so a bar of value v is ``v / (high - low) * PLOT_HEIGHT`` tall.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape

from babel.dates import format_skeleton

from creatorroi.report.model import Chart
from creatorroi.report.render.fmt import Formatter

WIDTH, HEIGHT = 720, 340
PLOT_LEFT, PLOT_TOP, PLOT_WIDTH, PLOT_HEIGHT = 84, 48, 612, 196
BAR_FILL = 0.8                 # share of a category's width taken by its bars
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F7F7F",
           "#000000")             # Okabe-Ito: tells series apart for colour-blind readers too
MAX_X_LABELS = 12


@dataclass(frozen=True)
class Label:
    """A chart label placed in viewBox units: (x, y) is the anchor point on the baseline."""

    x: float
    y: float
    text: str
    anchor: str = "start"        # start, middle, end (as SVG text-anchor)
    rotate: float = 0.0          # degrees, around the anchor
    size: float = 11.0
    fill: str = "#444"

    @property
    def left(self) -> float:     # percent of the chart's width
        return self.x / WIDTH * 100

    @property
    def right(self) -> float:
        return 100 - self.left

    @property
    def top(self) -> float:      # percent of the chart's height, of the label's top edge
        return (self.y - self.size * 0.95) / HEIGHT * 100

    @property
    def em(self) -> float:       # font size relative to the chart's width
        return self.size / WIDTH * 100


@dataclass(frozen=True)
class Drawing:
    svg: str
    overlays: tuple[Label, ...] = ()


MAX_LABELED_MARKS = 12
MAX_LABEL_CHARS = 26


def _short(label: str) -> str:
    """Category labels past a few words are cut: rotated, they would run into the legend."""
    return label if len(label) <= MAX_LABEL_CHARS else label[:MAX_LABEL_CHARS - 1] + "…"


def needs_shaping(text: str) -> bool:
    """True for text with right-to-left letters (Persian, Arabic, Hebrew)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def nice_step(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k that is >= ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw - 1e-12:
            return m * power
    return 10 * power


def nice_range(values: list[float], ticks: int = 5) -> tuple[float, float, float]:
    """(low, high, step) of the value axis: always includes 0, about ``ticks`` steps."""
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if lo == hi:
        return 0.0, 1.0, 0.2
    step = nice_step((hi - lo) / ticks)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step


def _n(x: float) -> str:
    return f"{x:.2f}"


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def svg(chart: Chart, fmt: Formatter, tr: Callable[[str], str], *,
        font_family: str = "sans-serif") -> str:
    """The chart as one ``<svg>`` element (a string, already escaped), every label inside."""
    return draw(chart, fmt, tr, font_family=font_family).svg


def draw(chart: Chart, fmt: Formatter, tr: Callable[[str], str], *,
         font_family: str = "sans-serif", html_labels: bool = False) -> Drawing:
    """The chart's SVG; with ``html_labels``, right-to-left labels come back as overlays."""
    overlays: list[Label] = []

    def text(label: Label) -> str:
        if html_labels and needs_shaping(label.text):
            overlays.append(label)
            return ""
        rot = (f' transform="rotate({label.rotate:g} {_n(label.x)} {_n(label.y)})"'
               if label.rotate else "")
        size = f' font-size="{label.size:g}"' if label.size != 11.0 else ""
        return (f'<text x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="{label.anchor}" '
                f'fill="{label.fill}"{size}{rot}>{escape(label.text)}</text>')

    values = [v for s in chart.series for v in s.values if v is not None]
    low, high, step = nice_range([float(v) for v in values])
    span = high - low

    def y(v: float) -> float:
        return PLOT_TOP + (high - v) / span * PLOT_HEIGHT

    n_cat = max(len(chart.categories), 1)
    band = PLOT_WIDTH / n_cat

    def x_center(i: float) -> float:
        return PLOT_LEFT + (i + 0.5) * band

    title = tr(chart.title)
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{chart.kind}" '
        f'data-key="{escape(chart.key)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'font-family="{escape(font_family)}" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    # Value axis: grid lines and tick labels.
    out.append('<g class="y-axis">')
    k = 0
    while low + k * step <= high + 1e-9:
        tick = low + k * step
        out.append(f'<line x1="{PLOT_LEFT}" x2="{PLOT_LEFT + PLOT_WIDTH}" y1="{_n(y(tick))}" '
                   f'y2="{_n(y(tick))}" stroke="{"#999" if abs(tick) < 1e-12 else "#e3e3e3"}" '
                   'stroke-width="1"/>')
        out.append(text(Label(PLOT_LEFT - 6, y(tick) + 4, fmt.axis(tick, chart.unit), "end")))
        k += 1
    out.append("</g>")

    # Category axis labels: dates formatted for the language, at most MAX_X_LABELS shown.
    every = max(1, math.ceil(n_cat / MAX_X_LABELS))
    labels = []
    for cat in chart.categories:
        d = _parse_date(cat)
        labels.append(fmt.digits(format_skeleton("MMMd", d, locale=fmt.locale)) if d
                      else _short(cat))
    rotate = chart.kind == "bar" and (n_cat > 6 or max((len(s) for s in labels), default=0) > 12)
    out.append('<g class="x-axis">')
    for i, label in enumerate(labels):
        if i % every:
            continue
        lx, ly = x_center(i), PLOT_TOP + PLOT_HEIGHT + 16
        out.append(text(Label(lx, ly, label, "end", -30.0) if rotate
                        else Label(lx, ly, label, "middle")))
    out.append("</g>")

    # Data.
    n_series = max(len(chart.series), 1)
    bar_w = band * BAR_FILL / n_series
    for si, series in enumerate(chart.series):
        color = PALETTE[si % len(PALETTE)]
        name = tr(series.name) if chart.translate_series else series.name
        out.append(f'<g class="series" data-series="{escape(name)}" fill="{color}" '
                   f'stroke="{color}">')
        if chart.kind == "bar":
            for ci, v in enumerate(series.values[:n_cat]):
                if v is None:
                    continue
                bx = PLOT_LEFT + ci * band + band * (1 - BAR_FILL) / 2 + si * bar_w
                top, bottom = y(max(float(v), 0.0)), y(min(float(v), 0.0))
                out.append(f'<rect class="bar" data-category="{escape(chart.categories[ci])}" '
                           f'data-value="{v!r}" x="{_n(bx)}" y="{_n(top)}" width="{_n(bar_w)}" '
                           f'height="{_n(bottom - top)}" stroke="none"/>')
        else:
            run: list[str] = []
            runs: list[list[str]] = []
            for ci, v in enumerate(series.values[:n_cat]):
                if v is None:
                    if run:
                        runs.append(run)
                    run = []
                    continue
                run.append(f"{_n(x_center(ci))},{_n(y(float(v)))}")
            if run:
                runs.append(run)
            for pts in runs:
                out.append(f'<polyline class="line" points="{" ".join(pts)}" fill="none" '
                           'stroke-width="2"/>')
            for ci, v in enumerate(series.values[:n_cat]):
                if v is not None and len(chart.categories) <= 60:
                    out.append(f'<circle class="point" cx="{_n(x_center(ci))}" '
                               f'cy="{_n(y(float(v)))}" r="2.5"/>')
        out.append("</g>")

    # Marks: a dashed line per marked category (a post date), its label above the plot. A
    # busy timeline (hundreds of posts) gets a tick per marked day on the axis instead: labels
    # would only pile up into an unreadable band.
    positions = {cat: float(i) for i, cat in enumerate(chart.categories)}
    dates = [_parse_date(c) for c in chart.categories]
    placed: list[tuple[str, str, float]] = []
    for cat, label in chart.marks:
        pos = positions.get(cat)
        if pos is None:
            pos = _interpolate(_parse_date(cat), dates)
        if pos is not None:
            placed.append((cat, label, pos))
    if len(placed) <= MAX_LABELED_MARKS:
        for mi, (cat, label, pos) in enumerate(placed):
            mx = x_center(pos)
            ly = PLOT_TOP - 8 - (mi % 2) * 12
            out.append(f'<g class="mark" data-category="{escape(cat)}">'
                       f'<line x1="{_n(mx)}" x2="{_n(mx)}" y1="{_n(ly + 3)}" '
                       f'y2="{PLOT_TOP + PLOT_HEIGHT}" stroke="#B00020" stroke-width="1" '
                       'stroke-dasharray="3 3"/>'
                       + text(Label(mx, ly, label, "middle", size=9.0, fill="#B00020"))
                       + "</g>")
    else:
        base = PLOT_TOP + PLOT_HEIGHT
        for cat, pos in sorted({(cat, pos) for cat, _, pos in placed}, key=lambda c: c[1]):
            mx = x_center(pos)
            out.append(f'<g class="mark" data-category="{escape(cat)}">'
                       f'<line x1="{_n(mx)}" x2="{_n(mx)}" y1="{_n(base - 6)}" '
                       f'y2="{_n(base)}" stroke="#B00020" stroke-width="1.5"/></g>')

    # Legend, below the axis labels.
    gx, gy = float(PLOT_LEFT), HEIGHT - 12.0
    if rotate:  # rotated labels run down-left from their bars: the lower right stays free
        names = [tr(s.name) if chart.translate_series else s.name for s in chart.series]
        gx = PLOT_LEFT + PLOT_WIDTH - sum(28 + 7 * len(n) for n in names)
    out.append('<g class="legend">')
    for si, series in enumerate(chart.series):
        name = tr(series.name) if chart.translate_series else series.name
        color = PALETTE[si % len(PALETTE)]
        out.append(f'<rect x="{_n(gx)}" y="{_n(gy - 9)}" width="10" height="10" '
                   f'fill="{color}"/>' + text(Label(gx + 14, gy, name, fill="#1d1d1f")))
        gx += 28 + 7 * len(name)
    out.append("</g></svg>")
    return Drawing("\n".join(out), tuple(overlays))


def _interpolate(d: date | None, dates: list[date | None]) -> float | None:
    """Where date ``d`` falls between the categories' dates (as a fractional index)."""
    if d is None or not dates or any(x is None for x in dates):
        return None
    known = [x for x in dates if x is not None]
    if d < known[0] or d > known[-1]:
        return None
    for i in range(len(known) - 1):
        a, b = known[i], known[i + 1]
        if a <= d <= b:
            return i + ((d - a).days / (b - a).days if b != a else 0.0)
    return float(len(known) - 1)
