"""Comment dumps and brand mentions read in chunks, so a file of millions of rows never sits in
memory whole.

Formats: CSV/TSV in any encoding ``text.read_sheet`` reads (decided from samples of the file,
then decoded incrementally), XLSX (openpyxl's read-only mode), a JSON array (``ijson``; also
an object wrapping one, such as ``{"data": [...]}``) and JSON Lines (``.jsonl``/``.ndjson``).

Every row goes through the same field readers and derived columns as the canonical sheet
(``canonical.SheetReader``, ``to_row``, ``DERIVE``), so a comment reads the same whichever
way it arrives and errors name the file, row and column as every other import does. Row numbers
are a spreadsheet's rows for CSV and XLSX (1 = header), the line for JSON Lines and the
record's position for a JSON array (1 = first object). The day-first reading of dates is
decided from the first chunk and kept for the whole file.

Two things differ from the canonical sheet, on purpose:

* ``text`` is stored exactly as written (emoji, zero-width joiners, bidi marks, newlines and
  surrounding spaces included); only the derived id and the required-value check read it
  trimmed. Analysis normalises with ``quality.text`` later, never the store.
* duplicate ids are found across the whole file in bounded memory: each id is kept as an
  8-byte digest beside its row number (16 bytes a row, about 16 MB for a million rows), not as
  the id itself. Two different ids sharing a digest (odds about 1 in 10^7 for a million rows)
  would be reported as a duplicate.

JSON records may spell fields as the sheet does or as common export tools do (``ALIASES``);
keys compare case-, ``_``- and ``-``-blind, so ``like_count``, ``likeCount`` and ``LikeCount``
are one key. A nested object stands for its ``username`` (``handle``, ``screen_name``, ``name``,
``id``), so ``{"user": {"username": "anna"}}`` gives the author. A number in ``created_at`` is
a Unix time (seconds, or milliseconds when it is that large).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pandas as pd

from creatorroi.ingest.canonical import (
    DERIVE,
    SheetReader,
    header_key,
    sheet_columns,
    to_row,
)
from creatorroi.ingest.context import FileRejected, ParseContext, Problems, build_frame
from creatorroi.ingest.kinds import KINDS, STREAMED_KINDS, Kind
from creatorroi.ingest.text import (
    EDGE,
    Cell,
    Sheet,
    blank,
    bomless_utf16,
    clean,
    guess_legacy,
    header_text,
    is_xlsx,
    sniff_delimiter,
)
from creatorroi.ingest.values import as_text

TABLE = "comments"
CHUNK_ROWS = 20_000
CSV_SUFFIXES = (".csv", ".tsv", ".tab")
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# How much of the file the encoding is decided from: its start, and slices spread over the
# rest, so a file whose first megabyte is ASCII but whose later comments are Korean is seen.
_HEAD = 1 << 20
_SLICES = 8
_SLICE = 1 << 16
_PEEK = 1 << 16  # what the format and the delimiter are told from
_IGNORED_SHOWN = 20

# Field -> the JSON keys export tools use for it, the sheet's own name first. Earlier
# spellings win when a record has several.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "comment_id", "mention_id", "cid"),
    "post_id": ("post_id", "media_id", "video_id", "post", "media"),
    "platform": ("platform", "network", "social_network"),
    "author": ("author", "username", "user", "owner_username", "owner", "from",
               "author_name", "screen_name", "handle", "author_display_name"),
    "created_at": ("created_at", "timestamp", "date", "created_time", "created", "time",
                   "published_at", "posted_at"),
    "text": ("text", "comment", "message", "content", "body", "text_original",
             "text_display", "full_text"),
    "url": ("url", "permalink", "permalink_url", "link"),
    "likes": ("likes", "like_count", "likes_count", "digg_count", "favorite_count",
              "reactions"),
    "influencer_id": ("influencer_id", "influencer", "creator_id"),
}
# What a nested object stands for, in order of preference.
_NESTED = ("username", "handle", "screen_name", "name", "id", "count", "value")
# A Unix time above this many seconds is taken for milliseconds (3 March 1973 in ms).
_MILLIS = 100_000_000_000


@dataclass
class ParsedChunk:
    """Up to ``chunk_rows`` rows of the file as a ``comments``-shaped frame.

    Once any row of the file is bad the frame is empty: the import will fail, so the rest is
    only read for its errors, never scored or written.
    """

    frame: pd.DataFrame
    rows_read: int
    done: int
    total: int | None
    warnings: list[str] = field(default_factory=list)


def stream(path: str | Path, kind: str, ctx: ParseContext, *, chunk_rows: int = CHUNK_ROWS,
           problems: Problems | None = None) -> Generator[ParsedChunk, None, None]:
    """Read ``path`` as ``kind`` ("comments" or "mentions") chunk by chunk.

    Bad rows are collected in ``problems``; without one, ``ImportFailed`` is raised after the
    last chunk when any row was bad (with one, raising is the caller's call).
    """
    from creatorroi.ingest import _checked  # here: the package may import this module

    file = str(path)
    tr = ctx.tr()
    if kind not in STREAMED_KINDS:
        raise FileRejected(file, tr("unknown kind '{kind}'; expected one of: {kinds}",
                                    kind=kind, kinds=", ".join(sorted(STREAMED_KINDS))))
    ctx = _checked(file, ctx)
    collected = problems if problems is not None else Problems(file)
    with ExitStack() as stack:
        source = _open(Path(path), file, ctx, KINDS[kind], stack, collected)
        yield from _chunks(source, KINDS[kind], ctx, file, max(1, chunk_rows), collected)
    if problems is None:
        collected.raise_if_any()


# ---- from rows to chunks ----------------------------------------------------------------

def _chunks(source: _Source, kind: Kind, ctx: ParseContext, file: str, chunk_rows: int,
            problems: Problems) -> Iterator[ParsedChunk]:
    tr = ctx.tr()
    rows = iter(source.rows)
    batch = list(islice(rows, chunk_rows))
    sheet = Sheet(source.header, batch)
    found, warnings = sheet_columns(sheet, kind, file, ctx)
    warnings += source.check(found, tr)
    # Built once from the first chunk: its day-first guess holds for the whole file.
    parser = _RowParser(SheetReader(sheet, kind, ctx, found), source, kind, ctx, problems)
    done = 0
    while batch:
        out = parser.parse(batch)
        read = len(batch)
        done += read
        batch = list(islice(rows, chunk_rows))
        if not batch:
            warnings += source.closing_warnings(tr)
        total = source.estimate(done) if batch else done
        if ctx.progress is not None:
            ctx.progress(done, total)
        frame = build_frame(TABLE, [] if problems.total else out)
        yield ParsedChunk(frame, read, done, total, warnings)
        warnings = []
    if not done:
        if ctx.progress is not None:
            ctx.progress(0, 0)
        warnings += [*source.closing_warnings(tr), tr("the file has no data rows")]
        yield ParsedChunk(build_frame(TABLE, []), 0, 0, 0, warnings)


class _RowParser:
    """One chunk's cells -> store rows, exactly as ``canonical.parse`` reads a sheet's."""

    def __init__(self, reader: SheetReader, source: _Source, kind: Kind, ctx: ParseContext,
                 problems: Problems) -> None:
        reader.labels.update({k: v for k, v in source.labels.items() if k in reader.labels})
        self.reader = reader
        self.kind = kind
        self.ctx = ctx
        self.tr = ctx.tr()
        self.problems = problems
        self.width = len(source.header)
        self.text_at = reader.found["text"]
        self.key_label = reader.labels.get("id", "id")
        self.seen = SeenKeys()

    def parse(self, batch: list[tuple[int, list[Cell]]]) -> list[dict[str, Any]]:
        tr, problems, width = self.tr, self.problems, self.width
        out: list[dict[str, Any]] = []
        numbers: list[int] = []
        for number, cells in batch:
            if len(cells) > width and any(clean(c) is not None for c in cells[width:]):
                problems.add(number, None, tr("row has {count} cells but the header has "
                                              "{expected}", count=len(cells), expected=width))
                continue
            values, errors = self.reader.values(cells)
            for _, column, reason in errors:
                problems.add(number, column, reason)
            if errors:
                continue
            row = to_row(self.kind, values, self.ctx)
            DERIVE[self.kind.name](row, values, self.ctx)
            raw = cells[self.text_at]
            row["text"] = raw if isinstance(raw, str) else as_text(raw)
            out.append(row)
            numbers.append(number)
        firsts = self.seen.first_rows([r["id"] for r in out], numbers)
        for number, first in zip(numbers, firsts, strict=True):
            if first is not None:
                problems.add(number, self.key_label,
                             tr("duplicate key, first seen on row {row}", row=first))
        return out


class SeenKeys:
    """Every key read so far, as a sorted array of 8-byte digests beside the row each was
    first seen on: a million keys take 16 MB, where a set of the strings would take ten times
    that. The digest is Python's own string hash (SipHash, 64 bits): it only has to agree
    with itself for the length of one import, and strings cache it."""

    def __init__(self) -> None:
        self._digests = np.empty(0, dtype=np.int64)
        self._rows = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._digests)

    def first_rows(self, keys: list[str], rows: list[int]) -> list[int | None]:
        """For each key, the row it was first seen on before (None: new); remembers the new."""
        digests = [hash(k) for k in keys]
        result: list[int | None] = [None] * len(keys)
        if len(self._digests):
            wanted = np.fromiter(digests, dtype=np.int64, count=len(digests))
            at = np.minimum(np.searchsorted(self._digests, wanted), len(self._digests) - 1)
            for i in np.flatnonzero(self._digests[at] == wanted).tolist():
                result[i] = int(self._rows[at[i]])
        fresh: dict[int, int] = {}
        for i, (d, row) in enumerate(zip(digests, rows, strict=True)):
            if result[i] is not None:
                continue
            if d in fresh:
                result[i] = fresh[d]
            else:
                fresh[d] = row
        if fresh:
            new = np.fromiter(fresh.keys(), dtype=np.int64, count=len(fresh))
            order = np.argsort(new)
            new = new[order]
            new_rows = np.fromiter(fresh.values(), dtype=np.int64, count=len(fresh))[order]
            at = np.searchsorted(self._digests, new)
            self._digests = np.insert(self._digests, at, new)
            self._rows = np.insert(self._rows, at, new_rows)
        return result




# ---- sources: a header and numbered rows of cells, whatever the file format ------------

Rows = Iterator[tuple[int, list[Cell]]]
Translate = Callable[..., str]


class _Source:
    """A file's header and (row number, cells) pairs, read lazily."""

    def __init__(self, header: list[str], rows: Rows, estimate: Callable[[int], int | None]):
        self.header = header
        self.rows = rows
        self.estimate = estimate
        # field -> the name the file gave it, where that differs from the field's own
        self.labels: dict[str, str] = {}

    def check(self, found: dict[str, int], tr: Translate) -> list[str]:
        """Whole-file problems seen once the first chunk is read; returns warnings."""
        return []

    def closing_warnings(self, tr: Translate) -> list[str]:
        return []


def _open(path: Path, file: str, ctx: ParseContext, kind: Kind, stack: ExitStack,
          problems: Problems) -> _Source:
    """The file's rows, whatever its format; files it opens are closed by ``stack``."""
    tr = ctx.tr()
    try:
        binary = stack.enter_context(path.open("rb"))
        size = path.stat().st_size
    except OSError as exc:
        reason = tr("cannot read the file: {error}", error=exc.strerror or exc)
        raise FileRejected(file, reason) from exc
    head = binary.read(_HEAD)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileRejected(file, tr("the file is empty"))
    if is_xlsx(head):
        return _xlsx(path, file, ctx, kind, stack)
    encoding = _encoding(binary, head, size, file, ctx)
    sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head[:_PEEK])
    binary.seek(0)
    opened = _Opened(path, binary, size, encoding, file, tr)
    form = _format(path, sample)
    if form == "jsonl":
        return _jsonl(opened, kind, problems)
    if form == "json":
        return _json(opened, kind, problems)
    return _csv(opened, sample)


def _by_bytes(done: int, position: int, size: int) -> int | None:
    """The row count the file will have if the rest is like what was read."""
    if position <= 0 or size <= 0:
        return None
    return max(done, round(done * size / min(position, size)))


@dataclass
class _Opened:
    path: Path
    binary: IO[bytes]
    size: int
    encoding: str
    file: str
    tr: Translate

    def estimate(self, done: int) -> int | None:
        return _by_bytes(done, self.binary.tell(), self.size)

    def bad_text(self) -> FileRejected:
        return FileRejected(self.file, self.tr(
            "the file is not valid {encoding} text (byte {position})",
            encoding=self.encoding, position=_bad_byte(self.path, self.encoding)))

    def text(self) -> IO[str]:
        """The file decoded as it is read; newlines are left as written."""
        self.binary.seek(0)
        lent = io.BufferedReader(_Unclosed(self.binary), buffer_size=1 << 16)
        return io.TextIOWrapper(lent, encoding=self.encoding, newline="")


class _Unclosed(io.RawIOBase):
    """Lends a file to a TextIOWrapper without letting the wrapper close it."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


# ---- encoding ---------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def _encoding(binary: IO[bytes], head: bytes, size: int, file: str, ctx: ParseContext) -> str:
    """``text.decode``'s order of certainty, applied to samples instead of the whole file."""
    tr = ctx.tr()
    if ctx.encoding:
        try:
            return codecs.lookup(ctx.encoding).name
        except LookupError:
            raise FileRejected(file, tr("unknown text encoding '{encoding}'",
                                        encoding=ctx.encoding)) from None
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if (utf16 := bomless_utf16(head)) is not None:
        return utf16
    slices = _slices(binary, size, len(head))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=size <= len(head))
        for piece in slices:
            piece.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    whole = head if size <= len(head) else head[:head.rfind(b"\n") + 1]
    guessed = guess_legacy(b"".join([whole, *slices]), ctx.locale)
    if guessed is None:
        raise FileRejected(file, tr("cannot tell the file's text encoding; save it as UTF-8"))
    return guessed


def _slices(binary: IO[bytes], size: int, start: int) -> list[bytes]:
    """Whole lines from places spread after ``start``, the file's end included (cut at line
    ends, so no character of UTF-8 or CP949 is split: their multi-byte characters never
    contain a newline byte)."""
    if size <= start:
        return []
    pieces = []
    spread = [start + (size - start) * i // _SLICES for i in range(1, _SLICES)]
    for at in [*spread, max(start, size - _SLICE)]:
        binary.seek(at)
        block = binary.read(_SLICE)
        first, last = block.find(b"\n"), block.rfind(b"\n")
        if 0 <= first < last:
            pieces.append(block[first + 1:last + 1])
    return pieces


def _bad_byte(path: Path, encoding: str) -> int:
    """The 1-based position of the first byte ``encoding`` cannot read (0 if none)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                pending = len(exc.object) - len(block)
                return offset - pending + exc.start + 1
            offset += len(block)
    return 0


def _format(path: Path, sample: str) -> str:
    """CSV, JSON or JSON Lines: by the file's suffix where it says, else by its first text."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    text = sample.lstrip("\ufeff" + EDGE)
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        lines = [ln for ln in text.split("\n") if ln.strip()]
        try:
            first = json.loads(lines[0])
        except ValueError:
            return "json"  # one object over many lines: a wrapper such as {"data": [...]}
        if len(lines) > 1 and lines[1].lstrip().startswith("{"):
            return "jsonl"
        wraps = isinstance(first, dict) and any(
            isinstance(v, list) and v and isinstance(v[0], dict) for v in first.values())
        return "json" if wraps else "jsonl"
    return "json" if suffix in JSON_SUFFIXES else "csv"


# ---- CSV / TSV --------------------------------------------------------------------------

def _csv(opened: _Opened, sample: str) -> _Source:
    tr = opened.tr
    first = next((ln for ln in io.StringIO(sample, newline="") if ln.strip(EDGE)), "")
    reader = csv.reader(opened.text(), delimiter=sniff_delimiter(first.rstrip("\r\n")))

    def records() -> Iterator[tuple[int, list[str]]]:
        # Numbered as csv_sheet numbers them: by record, so a quoted cell spanning lines is
        # still one spreadsheet row.
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            raise FileRejected(opened.file, tr(
                "the file is not valid CSV near line {line}: {error}",
                line=reader.line_num, error=str(exc))) from None
        except UnicodeDecodeError:
            raise opened.bad_text() from None

    numbered = records()
    header = next(([str(clean(c) or "") for c in record] for _, record in numbered
                   if not blank(record)), None)
    if header is None:
        raise FileRejected(opened.file, tr("the file is empty"))
    rows = ((n, cast("list[Cell]", r)) for n, r in numbered if not blank(r))
    return _Source(header, rows, opened.estimate)


# ---- XLSX -------------------------------------------------------------------------------

def _xlsx(path: Path, file: str, ctx: ParseContext, kind: Kind, stack: ExitStack) -> _Source:
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    tr = ctx.tr()
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRejected(file, tr("the workbook cannot be read: {error}",
                                    error=str(exc))) from None
    stack.callback(book.close)
    wanted = {kind.name.casefold(), kind.table.casefold()}
    sheet = next((ws for ws in book.worksheets if ws.title.casefold() in wanted),
                 book.worksheets[0])
    numbered = ((n, list(values)) for n, values in
                enumerate(sheet.iter_rows(values_only=True), start=1))
    header: list[str] | None = None
    header_row = 0
    for number, cells in numbered:
        if any(clean(c) is not None for c in cells):
            header = [header_text(clean(c)) for c in cells]
            header_row = number
            break
    if header is None:
        raise FileRejected(file, tr("the file is empty"))
    while header and not header[-1]:
        header.pop()
    rows = ((n, cells) for n, cells in numbered if any(clean(c) is not None for c in cells))
    known = sheet.max_row

    def estimate(done: int) -> int | None:
        return max(done, known - header_row) if isinstance(known, int) else None

    return _Source(header, cast("Rows", rows), estimate)


# ---- JSON and JSON Lines ----------------------------------------------------------------

@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return header_key(name).replace("_", "")


class _JsonSource(_Source):
    """Records mapped onto the sheet's fields (see ``ALIASES``); the header is every field,
    so a record may leave out what it does not have."""

    def __init__(self, kind: Kind, records: Iterator[tuple[int, Any]], problems: Problems,
                 opened: _Opened) -> None:
        fields = [f.name for f in kind.fields]
        self.kind = kind
        self.problems = problems
        self.tr = opened.tr
        self.file = opened.file
        self.index = {name: i for i, name in enumerate(fields)}
        self.aliases = {_key(alias): (name, rank) for name in fields
                        for rank, alias in enumerate(ALIASES.get(name, (name,)))}
        self.present: set[str] = set()
        self.ignored: dict[str, None] = {}
        self.records = 0
        super().__init__(fields, self._cells(records), opened.estimate)

    def _cells(self, records: Iterator[tuple[int, Any]]) -> Rows:
        for number, record in records:
            self.records += 1
            if not isinstance(record, dict):
                shown = json.dumps(record, ensure_ascii=False, default=str)[:40]
                self.problems.add(number, None,
                                  self.tr("expected a JSON object, found {value}", value=shown))
                continue
            yield number, self.cells(record)

    def cells(self, record: dict[str, Any]) -> list[Cell]:
        chosen: dict[str, tuple[int, str, Any]] = {}
        for key, value in record.items():
            hit = self.aliases.get(_key(key))
            if hit is None:
                if len(self.ignored) < _IGNORED_SHOWN:
                    self.ignored[key] = None
                continue
            name, rank = hit
            self.present.add(name)
            if value is None:
                continue
            old = chosen.get(name)
            if old is None or rank < old[0]:
                chosen[name] = (rank, key, value)
        cells: list[Cell] = [None] * len(self.index)
        for name, (_, key, value) in chosen.items():
            if name not in self.labels:
                self.labels[name] = key
            cells[self.index[name]] = _json_cell(name, value)
        return cells

    def check(self, found: dict[str, int], tr: Translate) -> list[str]:
        missing = [f.name for f in self.kind.fields if f.required and f.name not in self.present]
        if self.records and missing:
            keys = [*self.labels.values(), *self.ignored]
            raise FileRejected(self.file, tr(
                "missing required column(s): {missing}; the file has: {found}",
                missing=", ".join(missing), found=", ".join(keys) or "-"))
        return []

    def closing_warnings(self, tr: Translate) -> list[str]:
        if not self.ignored:
            return []
        return [tr("ignored column(s): {columns}", columns=", ".join(self.ignored))]


def _json_cell(name: str, value: Any) -> Cell:
    if isinstance(value, dict):
        value = next((value[k] for k in _NESTED if value.get(k) is not None), None)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if name == "created_at" and isinstance(value, int | float | Decimal) \
            and not isinstance(value, bool):
        seconds = float(value)
        if abs(seconds) >= _MILLIS:
            seconds /= 1000
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return str(value)
    return cast("Cell", value)


def _jsonl(opened: _Opened, kind: Kind, problems: Problems) -> _Source:
    tr = opened.tr

    def records() -> Iterator[tuple[int, Any]]:
        try:
            for number, line in enumerate(opened.text(), start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line, parse_float=Decimal)
                except ValueError as exc:
                    problems.add(number, None,
                                 tr("this line is not valid JSON: {error}", error=str(exc)))
                    continue
                yield number, record
        except UnicodeDecodeError:
            raise opened.bad_text() from None

    return _JsonSource(kind, records(), problems, opened)


def _json(opened: _Opened, kind: Kind, problems: Problems) -> _Source:
    import ijson  # imported here: only JSON imports pay for it

    tr = opened.tr

    def utf8() -> IO[bytes]:
        """The file as UTF-8 bytes from its start, which is what ijson reads."""
        if opened.encoding in ("utf-8", "utf-8-sig"):
            opened.binary.seek(0)
            if opened.binary.read(3) != codecs.BOM_UTF8:
                opened.binary.seek(0)
            return opened.binary
        return cast("IO[bytes]", _Utf8Reader(opened.text()))

    def failed(exc: Exception, record: int) -> FileRejected:
        if isinstance(exc, UnicodeDecodeError):
            return opened.bad_text()
        return FileRejected(opened.file, tr(
            "the file is not valid JSON near record {record}: {error}",
            record=record, error=str(exc)))

    try:
        prefix = _records_prefix(ijson.parse(utf8()))
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise failed(exc, 1) from None
    if prefix is None:
        raise FileRejected(opened.file, tr("the file holds no list of JSON records"))

    def records() -> Iterator[tuple[int, Any]]:
        number = 0
        try:
            for number, record in enumerate(ijson.items(utf8(), prefix), start=1):
                yield number, record
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise failed(exc, number + 1) from None

    return _JsonSource(kind, records(), problems, opened)


def _records_prefix(events: Iterator[tuple[str, str, Any]]) -> str | None:
    """Where the records are: the top-level array, or the first array of objects inside the
    top-level object (``{"data": [{...}, ...], "paging": ...}``)."""
    previous: tuple[str, str] | None = None
    for prefix, event, _ in events:
        if previous is not None and event == "start_map" and prefix == previous[0] + ".item" \
                and previous[1] == "start_array":
            return prefix
        if event == "start_array" and not prefix:
            return "item"
        if not prefix and event not in ("start_map", "map_key", "end_map"):
            return None  # a lone value, not records
        previous = (prefix, event)
    return None


class _Utf8Reader(io.RawIOBase):
    """Text decoded from another encoding, read back as UTF-8 bytes for ijson."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while len(self._pending) < len(buffer):
            piece = self._text.read(1 << 16)
            if not piece:
                break
            self._pending += piece.encode("utf-8", "surrogatepass")
        out, self._pending = self._pending[:len(buffer)], self._pending[len(buffer):]
        buffer[:len(out)] = out
        return len(out)
