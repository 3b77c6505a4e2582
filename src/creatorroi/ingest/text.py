"""Reading a file as people really save it: any of the encodings their spreadsheet picked, any
common delimiter, or an XLSX workbook, into one ``Sheet`` of header and numbered rows.

Encodings are decided in order of certainty: a forced encoding, a byte-order mark, the NUL
pattern of BOM-less UTF-16, strict UTF-8, and only then charset-normalizer restricted to the
legacy code pages our users' Excel writes (CP949, CP950, Windows-1252, Windows-1256). Short
files are often valid in several of those; the workspace locale breaks the tie.

Row numbers are what the user sees: a spreadsheet's row, or a text editor's line for files
that start with a comment block (GA4), so an error message points at the right place.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias, cast

from charset_normalizer import CharsetMatch, from_bytes

from creatorroi.ingest.context import FileRejected, ParseContext

Cell: TypeAlias = str | int | float | Decimal | datetime | date | time | bool | None

DELIMITERS = (",", ";", "\t", "|")
_XLSX_MAGIC = b"PK\x03\x04"
_LEGACY = ("cp1252", "cp949", "cp950", "cp1256")
_PREFERRED = {"ko": "cp949", "zh_Hant": "cp950", "fa": "cp1256", "it": "cp1252", "en": "cp1252"}
_SAMPLE = 20_000

# Invisible characters: removed anywhere (they never carry meaning in a cell) ...
_DROP = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
# ... or only at the ends: ZWNJ/ZWJ and bidi marks are part of Persian words and emoji.
EDGE = (
    " \t\n\r\x0b\x0c\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c"
    "\u202d\u202e\u2066\u2067\u2068\u2069"
)


@dataclass
class Sheet:
    """A table read from a file: header names as written, and (row number, cells) pairs."""

    header: list[str]
    rows: list[tuple[int, list[Cell]]]
    encoding: str | None = None
    delimiter: str | None = None
    comments: list[str] = field(default_factory=list)


def clean(cell: Cell) -> Cell:
    """Trim whitespace and invisible characters; an empty cell is None."""
    if isinstance(cell, str):
        # ASCII text cannot hold the invisible characters: the cheap strip is enough.
        text = cell.strip() if cell.isascii() else cell.translate(_DROP).strip(EDGE)
        return text or None
    if isinstance(cell, float) and cell != cell:  # NaN from a spreadsheet formula
        return None
    return cell


def read_bytes(path: Path, file: str, tr: Callable[..., str]) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = tr("cannot read the file: {error}", error=exc.strerror or exc)
        raise FileRejected(file, reason) from exc
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileRejected(file, tr("the file is empty"))
    return data


def is_xlsx(data: bytes) -> bool:
    return data.startswith(_XLSX_MAGIC)


def decode(data: bytes, file: str, ctx: ParseContext) -> tuple[str, str]:
    """The file's text and the encoding it was read with."""
    tr = ctx.tr()
    if ctx.encoding:
        return _forced(data, ctx.encoding, file, tr)
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _forced(data, name, file, tr)
    if (utf16 := bomless_utf16(data)) is not None:
        return _forced(data, utf16, file, tr)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guessed = guess_legacy(data, ctx.locale)
    if guessed is None:
        raise FileRejected(file, tr("cannot tell the file's text encoding; save it as UTF-8"))
    return data.decode(guessed), guessed


def _forced(data: bytes, encoding: str, file: str, tr: Callable[..., str]) -> tuple[str, str]:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        reason = tr("unknown text encoding '{encoding}'", encoding=encoding)
        raise FileRejected(file, reason) from None
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise FileRejected(
            file, tr("the file is not valid {encoding} text (byte {position})",
                     encoding=encoding, position=exc.start + 1)
        ) from None
    return text.removeprefix("\ufeff"), name


def bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of its ASCII text."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    # ASCII text gives one NUL per character; other characters may too (U+AC00 is 00 AC)
    if odd > 0.3 * pairs and odd > 4 * even:
        return "utf-16-le"
    if even > 0.3 * pairs and even > 4 * odd:
        return "utf-16-be"
    return None


def guess_legacy(data: bytes, locale: str) -> str | None:
    """charset-normalizer's readings, ranked by how much of the non-ASCII text is made of
    the letters each code page exists for, then the locale's own code page, then chaos."""
    # threshold=1: keep every reading that decodes; our ranking, not a chaos cut-off, decides
    results = list(from_bytes(data, cp_isolation=list(_LEGACY), threshold=1.0))
    if not results:
        try:
            data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            return None
        return "latin-1"
    preferred = _PREFERRED.get(locale)

    def rank(result: CharsetMatch) -> tuple[float, bool, float]:
        share = _native_share(str(result)[:_SAMPLE], result.encoding)
        return round(share, 1), result.encoding == preferred, -result.chaos

    return str(max(results, key=rank).encoding)


def _native_share(text: str, encoding: str) -> float:
    """Share of non-ASCII characters that are letters of the script ``encoding`` serves.

    Mojibake is mostly symbols, rare syllables or letters of the wrong script: Korean read
    as Windows-1252 gives ``±è``, Italian read as CP949 gives Hanja. Latin letters count
    only beside an ASCII letter, as accents sit inside words (``città``, ``perché``).
    """
    total = native = 0
    for i, ch in enumerate(text):
        code = ord(ch)
        if code < 0x80:
            continue
        total += 1
        if encoding == "cp949":
            native += 0xAC00 <= code <= 0xD7A3 and _in_ksx1001(ch)
        elif encoding == "cp950":
            native += 0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F \
                or 0xFF00 <= code <= 0xFFEF
        elif encoding == "cp1256":
            native += 0x0600 <= code <= 0x06FF or code in (0x200C, 0x200D)
        else:
            near = text[max(0, i - 1):i] + text[i + 1:i + 2]
            native += (ch.isalpha() and any(c.isascii() and c.isalpha() for c in near)) \
                or 0x2013 <= code <= 0x2026 or code == 0x20AC
    return native / total if total else 0.0


@lru_cache(maxsize=4096)
def _in_ksx1001(ch: str) -> bool:
    """The 2,350 Hangul syllables of KS X 1001, the ones everyday Korean text uses."""
    return len(ch.encode("euc_kr", errors="ignore")) == 2


def sniff_delimiter(line: str) -> str:
    """The candidate that splits the header line into the most columns (',' on a tie)."""
    counts = {d: len(next(csv.reader([line], delimiter=d), [])) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])


def csv_sheet(
    text: str, file: str, ctx: ParseContext, *, comments: bool = False, encoding: str | None = None
) -> Sheet:
    """Split ``text`` into a Sheet; with ``comments``, a leading block of ``#`` lines and blank
    lines is kept aside (GA4 writes one) and numbering still counts its lines."""
    tr = ctx.tr()
    skipped: list[str] = []
    body = text
    if comments:
        lines = text.splitlines(keepends=True)
        n = 0
        while n < len(lines) and (not lines[n].strip() or lines[n].lstrip().startswith("#")):
            n += 1
        skipped = [ln.strip() for ln in lines[:n] if ln.strip()]
        body = "".join(lines[n:])
        offset = n
    else:
        offset = 0
    first = next((ln for ln in io.StringIO(body, newline="") if ln.strip(EDGE)), "")
    delimiter = sniff_delimiter(first.rstrip("\r\n"))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    number = offset
    try:
        for record in reader:
            number += 1
            if header is None:
                if blank(record):
                    continue
                header = [str(clean(c) or "") for c in record]
                continue
            if comments and record and record[0].lstrip().startswith("#"):
                break  # a second report section follows
            if not blank(record):
                rows.append((number, cast("list[Cell]", record)))
    except csv.Error as exc:
        raise FileRejected(
            file, tr("the file is not valid CSV near line {line}: {error}",
                     line=offset + reader.line_num, error=str(exc))
        ) from None
    if header is None:
        raise FileRejected(file, tr("the file is empty"))
    return Sheet(header, rows, encoding, delimiter, skipped)


def xlsx_sheet(
    data: bytes, file: str, ctx: ParseContext, names: Sequence[str], *, comments: bool = False
) -> Sheet:
    """The first worksheet, or the one named like the kind; cells keep their Excel types."""
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    tr = ctx.tr()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        reason = tr("the workbook cannot be read: {error}", error=str(exc))
        raise FileRejected(file, reason) from None
    try:
        wanted = {n.casefold() for n in names}
        sheet = next((ws for ws in book.worksheets if ws.title.casefold() in wanted),
                     book.worksheets[0])
        header: list[str] | None = None
        rows: list[tuple[int, list[Cell]]] = []
        skipped: list[str] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells: list[Cell] = [clean(v) for v in values]
            if header is None:
                first = cells[0] if cells else None
                if comments and isinstance(first, str) and first.startswith("#"):
                    skipped.append(first)
                    continue
                if any(c is not None for c in cells):
                    header = [header_text(c) for c in cells]
                continue
            if any(c is not None for c in cells):
                rows.append((number, cells))
    finally:
        book.close()
    if header is None:
        raise FileRejected(file, tr("the file is empty"))
    while header and not header[-1]:
        header.pop()
    return Sheet(header, rows, None, None, skipped)


def blank(record: list[str]) -> bool:
    return not "".join(record).strip(EDGE)


def header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def read_sheet(
    path: Path, file: str, ctx: ParseContext, *, names: Sequence[str] = (), comments: bool = False
) -> Sheet:
    """Read a CSV/TSV text file or an XLSX workbook into a Sheet."""
    tr = ctx.tr()
    data = read_bytes(path, file, tr)
    if is_xlsx(data):
        return xlsx_sheet(data, file, ctx, names, comments=comments)
    text, encoding = decode(data, file, ctx)
    return csv_sheet(text, file, ctx, comments=comments, encoding=encoding)
