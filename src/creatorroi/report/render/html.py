"""HTML: one self-contained file (inline CSS and SVG, no external URL), readable offline.

The same template, with print rules added (``paper``), is what WeasyPrint lays out as the PDF.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from creatorroi.report.model import Report
from creatorroi.report.render.charts import WIDTH
from creatorroi.report.render.view import build_view

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# CSS counter styles for page numbers in the language's digits (WeasyPrint knows "persian").
PAGE_COUNTER_STYLE = {"fa": "persian"}
PAPER_WIDTH_MM = {"A4": 210.0, "Letter": 215.9}
SIDE_MARGIN_MM = 14.0          # the @page side margins in the template


def css_string(text: str) -> Markup:
    """Text safe inside a CSS double-quoted string in a <style> element (so no HTML escaping
    on top: the raw-text <style> element would not decode it)."""
    out = []
    for ch in str(text):
        if ch in '"\\' or ch in "<>&" or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup("".join(out))


@cache
def text_dir(text: object) -> str:
    """The direction of a cell's text by its first strong letter (what ``dir=auto`` means;
    WeasyPrint does not implement ``auto``): ``@giulia.skin`` stays left to right in Persian."""
    for ch in str(text):
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["css_string"] = css_string
    env.filters["text_dir"] = text_dir
    return env


def render_html(report: Report, *, paper: str | None = None) -> str:
    """The report as an HTML document; ``paper`` ("A4", "Letter") adds the print rules."""
    view = build_view(report, html_labels=paper is not None)
    style = PAGE_COUNTER_STYLE.get(view.lang, "")
    # Points per chart viewBox unit: charts span the text width, so overlay labels (see
    # charts.draw) get the same size as the SVG's own text.
    width_pt = (PAPER_WIDTH_MM.get(paper or "A4", 210.0) - 2 * SIDE_MARGIN_MM) * 72 / 25.4
    return environment().get_template("report.html.j2").render(
        v=view, paper=paper, page_counter_style=f", {style}" if style and paper else "",
        chart_scale=width_pt / WIDTH)


def html_bytes(report: Report) -> bytes:
    return render_html(report).encode("utf-8")
