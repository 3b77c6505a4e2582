"""Markdown: headings, the key figures as a list, sentences, one pipe table per model table.
Charts cannot be drawn in Markdown; each leaves a one-line note pointing at the PDF/HTML."""

from __future__ import annotations

from creatorroi.report.model import Report
from creatorroi.report.render.view import build_view


def cell(text: str) -> str:
    """Text safe inside a pipe-table cell: ``|`` and backslashes escaped, one line."""
    return (text.replace("\\", "\\\\").replace("|", "\\|")
            .replace("\r\n", " ").replace("\n", " ").replace("\r", " "))


def render_md(report: Report) -> str:
    v = build_view(report)
    out = [f"# {v.title}", "", f"**{v.brand} · {v.scope}**", ""]
    if v.period:
        out.append(f"- {v.t('Period')}: {v.period}")
    out += [f"- {v.t('Currency')}: {v.currency}", f"- {v.t('Time zone')}: {v.timezone}",
            f"- {v.t('Generated on {date}', date=v.generated)}", ""]
    for s in v.sections:
        out += [f"## {s.title}", ""]
        if s.figures:
            out += [f"- **{f.label}**: {f.text}" for f in s.figures]
            out.append("")
        for p in s.sentences:
            out += [p.text, ""]
        for c in s.charts:
            out += [f"> {v.t('Chart: {title} (see the PDF or HTML report)', title=c.title)}", ""]
        for tb in s.tables:
            out += [f"### {tb.title}", ""]
            out.append("| " + " | ".join(cell(h.text) for h in tb.headers) + " |")
            out.append("|" + "|".join("---:" if h.numeric else "---" for h in tb.headers) + "|")
            out += ["| " + " | ".join(cell(c.text) for c in row) + " |" for row in tb.rows]
            out.append("")
            if tb.note:
                out += [f"*{tb.note}*", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def md_bytes(report: Report) -> bytes:
    return render_md(report).encode("utf-8")
