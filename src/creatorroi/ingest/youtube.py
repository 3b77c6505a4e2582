"""YouTube post insights as YouTube Studio's advanced mode exports them (Analytics > Advanced
mode > Content > Export > CSV), read from the folder's ``Table data.csv``.

Studio writes one row per video under a first ``Total`` row (``Totale``, ``합계`` in Italian or
Korean Studio), with the video id in the ``Content`` column. The folder is named after the
period, ``Content 2024-03-20_2024-03-27 Channel``; its last day dates the numbers. Numbers in
this table cover that period only, so a video published before the period starts shows part
of its life: the import says so. ``Subscribers`` is a net change (it can be negative), not
follows; only ``Subscribers gained`` is read as follows. Dates are written in English
(``Mar 20, 2024``) whatever the interface language.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from creatorroi.ingest.context import ParseContext, ParsedImport, Progress
from creatorroi.ingest.ga4 import TOTAL_LABELS
from creatorroi.ingest.insights import (
    ExportRow,
    Reader,
    end_of_day,
    import_time,
    number_locale,
    post_keys,
    require,
    resolve,
    snapshots,
)
from creatorroi.ingest.text import Cell, read_sheet
from creatorroi.ingest.values import Invalid, parse_date

KIND = "youtube-insights"
PLATFORM = "youtube"

ALIASES: dict[str, tuple[str, ...]] = {
    "content": ("Content", "Video", "Video ID", "Contenuti", "콘텐츠"),
    "publish": ("Video publish time", "Ora pubblicazione video", "동영상 게시 시간"),
    "views": ("Views", "Visualizzazioni", "조회수"),
    "impressions": ("Impressions", "Thumbnail impressions", "Impressioni", "노출수"),
    "reach": ("Unique viewers", "Spettatori unici", "순시청자수"),
    "likes": ("Likes", "Mi piace", "좋아요 수"),
    "comments": ("Comments added", "Commenti aggiunti"),
    "shares": ("Shares", "Condivisioni"),
    "follows": ("Subscribers gained", "Iscritti acquisiti"),
}
METRICS = {"views": "views", "impressions": "impressions", "reach": "reach", "likes": "likes",
           "comments": "comments", "shares": "shares", "follows": "follows"}
REQUIRED = (("content",), tuple(METRICS.values()))
_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})")


def period(path: Path) -> tuple[date, date] | None:
    """The first and last day of the export, from its folder's (or file's) name."""
    for name in (path.parent.name, path.stem):
        if m := _PERIOD.search(name):
            try:
                return date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            except ValueError:
                return None
    return None


def parse(path: Path, ctx: ParseContext, file: str, *,
          now: datetime | None = None) -> ParsedImport:
    tr = ctx.tr()
    sheet = read_sheet(path, file, ctx, names=("table data", "content", "youtube"))
    cols = resolve(sheet.header, ALIASES)
    require(file, sheet.header, cols, REQUIRED, ALIASES, tr)
    reader = Reader(file, ctx, cols, number_locale(sheet, ctx))
    now = import_time(now)
    span = period(path)
    stated = end_of_day(span[1], ctx.timezone, now) if span else None
    data = [(n, c) for n, c in sheet.rows
            if (cols.text(c, "content") or "").casefold() not in TOTAL_LABELS]
    progress = Progress(ctx, len(data))
    rows: list[ExportRow] = []
    early = 0
    for done, (number, cells) in enumerate(data, start=1):
        progress.tick(done)
        video = cols.text(cells, "content")
        if video is None:  # an untitled total row some exports write without the label
            continue
        keys = post_keys(video, PLATFORM)
        rows.append(ExportRow(number, video, keys, reader.metrics(number, cells, METRICS),
                              stated))
        ours = any(k in ctx.post_index for k in keys)
        if span and ours and _published_before(cols.cell(cells, "publish"), span[0]):
            early += 1
    progress.finish(len(data))
    warnings: list[str] = []
    if span and early:
        warnings.append(tr(
            "the export covers {start} to {end} only: {count} video(s) published before "
            "{start} show that period's numbers, not their totals since publication",
            start=span[0].isoformat(), end=span[1].isoformat(), count=early))
    return snapshots(KIND, file, rows, len(rows), ctx, reader, now=now, warnings=warnings)


def _published_before(cell: Cell, start: date) -> bool:
    """Only for the warning: a publish time Studio wrote oddly is not worth failing over."""
    if cell is None:
        return False
    try:
        return parse_date(cell, "en") < start
    except Invalid:
        return False
