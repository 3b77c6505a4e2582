"""The report a marketer sends upward: direct ROI, indirect ROI, lessons learned, methodology.

``build_report`` decides what is said (``report.model``), ``render`` draws it as PDF, HTML,
XLSX or Markdown in the report's language. ``write_report`` does both and writes the file only
once everything has succeeded, so a refused or failed report leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from creatorroi.errors import ConfigError

if TYPE_CHECKING:
    from creatorroi.report.model import Report
    from creatorroi.workspace import Workspace

Format = Literal["pdf", "html", "xlsx", "md"]
Paper = Literal["A4", "Letter"]
FORMATS: tuple[Format, ...] = ("pdf", "html", "xlsx", "md")


def write_report(ws: Workspace, out: str | Path | None = None, *, fmt: Format = "pdf",
                 campaign: str | None = None, start: date | None = None,
                 end: date | None = None, lang: str | None = None,
                 paper: Paper = "A4") -> Path:
    """Build, render and atomically write the report; returns the file's path."""
    from creatorroi.report.build import build_report

    if fmt not in FORMATS:
        raise ConfigError(f"unknown report format {fmt!r}: use {', '.join(FORMATS)}")
    report = build_report(ws, campaign=campaign, start=start, end=end, lang=lang)
    if out is None:
        scope = campaign or (f"{start or 'start'}_{end or 'end'}" if start or end else "all")
        out = Path(f"report-{ws.id}-{scope}-{report.lang}.{fmt}")
    path = Path(out)
    if path.is_dir():
        path = path / f"report-{ws.id}-{campaign or 'all'}-{report.lang}.{fmt}"
    return save(report, path, fmt=fmt, paper=paper)


def save(report: Report, path: str | Path, *, fmt: Format = "pdf",
         paper: Paper = "A4") -> Path:
    """Render ``report`` and write it atomically (a temporary file renamed into place)."""
    from creatorroi.report.render import render

    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # before rendering: a wrong --out fails fast
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(render(report, fmt, paper=paper))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


__all__ = ["FORMATS", "Format", "Paper", "save", "write_report"]
