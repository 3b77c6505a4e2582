"""Comment dumps and brand mentions read in chunks, so a file of millions of rows never sits in
memory whole.

Formats: CSV/TSV in any encoding ``text.read_sheet`` reads (decided from samples of the file,
then decoded incrementally), XLSX (openpyxl's read-only mode), a JSON array (``ijson``; also
an object wrapping one, such as ``{"data": [...]}``) and JSON Lines (``.jsonl``/``.ndjson``).

Every row goes through the same field readers and derived columns as the canonical sheet
(``canonical._SheetReader``, ``_to_row``, ``_DERIVE``), so a comment reads the same whichever
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
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pandas as pd

from creatorroi.ingest.canonical import (
    _DERIVE,
    _columns,
    _SheetReader,
    _to_row,
    header_key,
)
from creatorroi.ingest.context import FileRejected, ParseContext, Problems, build_frame
from creatorroi.ingest.kinds import KINDS, STREAMED_KINDS, Kind
from creatorroi.ingest.text import (
    _EDGE,
    Cell,
    Sheet,
    _blank,
    _bomless_utf16,
    _guess_legacy,
    _header_text,
    clean,
    is_xlsx,
    sniff_delimiter,
)
from creatorroi.ingest.values import as_text

TABLE = "comments"
CHUNK_ROWS = 20_000
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# How much of the file the encoding is decided from: its start, and slices spread over the
# rest, so a file whose first megabyte is ASCII but whose later comments are Korean is seen.
_HEAD = 1 << 20
_SLICES = 8
_SLICE = 1 << 16
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
           problems: Problems | None = None) -> Iterator[ParsedChunk]:
    """Read ``path`` as ``kind`` ("comments" or "mentions") chunk by chunk.

    Bad rows are collected in ``problems``; without one, ``ImportFailed`` is raised after the
    last chunk when any row was bad (with one, raising is the caller's call).
    """
    from creatorroi.ingest import _checked  # the package imports nothing of this module

    file = str(path)
    tr = ctx.tr()
    if kind not in STREAMED_KINDS:
        raise FileRejected(file, tr("unknown kind '{kind}'; expected one of: {kinds}",
                                    kind=kind, kinds=", ".join(sorted(STREAMED_KINDS))))
    ctx = _checked(file, ctx)
    collected = problems if problems is not None else Problems(file)
    with ExitStack() as stack:
        source = _open(Path(path), file, ctx, KINDS[kind], stack)
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
    found, warnings = _columns(sheet, kind, file, ctx)
    warnings += source.check(found, tr)
    # Built once from the first chunk: its day-first guess holds for the whole file.
    reader = _SheetReader(sheet, kind, ctx, found)
    reader.labels.update({k: v for k, v in source.labels.items() if k in reader.labels})
    width = len(source.header)
    text_at = found["text"]
    key_label = reader.labels.get("id", "id")
    seen = SeenKeys()
    done = 0
    while batch:
        out: list[dict[str, Any]] = []
        keys: list[str] = []
        numbers: list[int] = []
        for number, cells in batch:
            if len(cells) > width and any(clean(c) is not None for c in cells[width:]):
                problems.add(number, None, tr("row has {count} cells but the header has "
                                              "{expected}", count=len(cells), expected=width))
                continue
            values, errors = reader.values(cells)
            for _, column, reason in errors:
                problems.add(number, column, reason)
            if errors:
                continue
            row = _to_row(kind, values, ctx)
            _DERIVE[kind.name](row, values, ctx)
            raw = cells[text_at]
            row["text"] = raw if isinstance(raw, str) else as_text(raw)
            out.append(row)
            keys.append(row["id"])
            numbers.append(number)
        for number, first in zip(numbers, seen.first_rows(keys, numbers), strict=True):
            if first is not None:
                problems.add(number, key_label,
                             tr("duplicate key, first seen on row {row}", row=first))
        done += len(batch)
        if done == len(batch) and not batch:
            break
        batch = list(islice(rows, chunk_rows))
        last = not batch
        if last:
            warnings += source.closing_warnings(tr)
        total = done if last else source.estimate(done)
        if ctx.progress is not None:
            ctx.progress(done, total)
        frame = build_frame(TABLE, [] if problems.total else out)
        yield ParsedChunk(frame, len(numbers) if False else _count(out, numbers, done), done,
                          total, warnings)
        warnings = []
    if not done:
        if ctx.progress is not None:
            ctx.progress(0, 0)
        yield ParsedChunk(build_frame(TABLE, []), 0, 0, 0,
                          [*warnings, *source.closing_warnings(tr),
                           tr("the file has no data rows")])


def _count(out: list[dict[str, Any]], numbers: list[int], done: int) -> int:
    return done
