"""Blank canonical sheets for users without a connector: the header and one example row.

Generated from ``kinds.KINDS`` so a template always matches what the parser reads. CSV goes to
files with a UTF-8 BOM because that is what makes Excel show accented and Hangul text right.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import BinaryIO, Literal, TextIO

from creatorroi.errors import ConfigError
from creatorroi.ingest.kinds import KINDS, Kind


def _kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ConfigError(
            f"no template for {name!r}; templates exist for: {', '.join(KINDS)}") from None


def write_template(
    kind: str, out: Path | str | TextIO | BinaryIO, fmt: Literal["csv", "xlsx"] = "csv"
) -> None:
    """Write ``kind``'s header row and example row as CSV or XLSX to a path or stream."""
    spec = _kind(kind)
    header = [f.name for f in spec.fields]
    example = [f.example for f in spec.fields]
    if fmt == "csv":
        if isinstance(out, str | Path):
            with Path(out).open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows([header, example])
        elif isinstance(out, io.TextIOBase) or hasattr(out, "encoding"):
            csv.writer(out).writerows([header, example])  # type: ignore[arg-type]
        else:
            raise ConfigError("a CSV template needs a path or a text stream")
    elif fmt == "xlsx":
        if not isinstance(out, str | Path) and (isinstance(out, io.TextIOBase)
                                                or hasattr(out, "encoding")):
            raise ConfigError("an XLSX template needs a path or a binary stream")
        _xlsx(spec, header, example, out)
    else:
        raise ConfigError(f"unknown template format {fmt!r}; use csv or xlsx")


def _xlsx(spec: Kind, header: list[str], example: list[str], out: object) -> None:
    import xlsxwriter  # only XLSX templates pay for the import

    target = str(out) if isinstance(out, str | Path) else out
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    try:
        sheet = book.add_worksheet(spec.name[:31])
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
        for col, (f, name) in enumerate(zip(spec.fields, header, strict=True)):
            sheet.write_string(0, col, name, bold)
            sheet.write_string(1, col, example[col], text)
            sheet.set_column(col, col, max(12, len(name) + 2, len(example[col]) + 2), text)
            note = f.help + (" (required)" if f.required else "")
            if note.strip():
                sheet.write_comment(0, col, note.strip())
        sheet.freeze_panes(1, 0)
    finally:
        book.close()
