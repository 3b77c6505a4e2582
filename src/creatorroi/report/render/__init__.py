"""Renderers: the neutral ``Report`` drawn as PDF, HTML, XLSX or Markdown in its language.

``render(report, "pdf", paper="Letter")`` returns the file's bytes. Every format shows the same
values: numbers, money, percents and dates are formatted by ``fmt.Formatter`` (Babel/CLDR) from
the model's typed values; labels are the model's English msgids translated with the ``report``
catalog; the renderers' own words come from the ``render`` catalog.
"""

from __future__ import annotations

from typing import Literal

from creatorroi.report.model import Report

RenderFormat = Literal["pdf", "html", "xlsx", "md"]
Paper = Literal["A4", "Letter"]
FORMATS: tuple[RenderFormat, ...] = ("pdf", "html", "xlsx", "md")
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
}


def render(report: Report, fmt: RenderFormat, *, paper: Paper = "A4") -> bytes:
    """The report as a file's bytes; ``paper`` applies to the PDF only."""
    if fmt == "pdf":
        from creatorroi.report.render.pdf import pdf_bytes
        return pdf_bytes(report, paper=paper)
    if fmt == "html":
        from creatorroi.report.render.html import html_bytes
        return html_bytes(report)
    if fmt == "xlsx":
        from creatorroi.report.render.xlsx import xlsx_bytes
        return xlsx_bytes(report)
    if fmt == "md":
        from creatorroi.report.render.md import md_bytes
        return md_bytes(report)
    raise ValueError(f"unknown report format {fmt!r}: use {', '.join(FORMATS)}")


__all__ = ["FORMATS", "MEDIA_TYPES", "Paper", "RenderFormat", "render"]
