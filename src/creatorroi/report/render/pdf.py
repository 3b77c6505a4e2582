"""PDF: WeasyPrint lays out the HTML report with print rules (A4 or Letter, page numbers,
rows that never split across pages, charts scaled to the text width). Fonts are the Debian
Noto faces named in the font stack, found through fontconfig and embedded as subsets."""

from __future__ import annotations

import logging
from typing import Literal

from creatorroi.report.model import Report
from creatorroi.report.render.html import render_html

Paper = Literal["A4", "Letter"]


def pdf_bytes(report: Report, *, paper: Paper = "A4") -> bytes:
    from weasyprint import HTML  # imported here: loading Pango/fontconfig takes a moment

    # WeasyPrint logs every CSS property it ignores at WARNING; keep the caller's logs quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=render_html(report, paper=paper), base_url=None)
    data = document.write_pdf()
    assert data is not None
    return bytes(data)
