"""TikTok post insights as TikTok Studio exports them (Analytics > Content > Download data).

``Content.csv`` (or ``Content.xlsx``) lists videos with their lifetime numbers. Its ``Time``
column is the day of the snapshot (the same on every row), which dates the numbers. TikTok
writes that day in the interface language and without a year (``March 27``, ``27 marzo``,
``3월 27일``), so the year is the latest one that does not put the day after the import. The
headers themselves stay English whatever the interface language; ``undefined`` is TikTok's
way of saying a number is not known yet, read as NULL.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from babel.dates import get_month_names

from creatorroi.ingest.context import ParseContext, ParsedImport, Progress
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
from creatorroi.ingest.values import Invalid, as_text, normal, parse_date, zone

KIND = "tiktok-insights"
PLATFORM = "tiktok"

ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("Time", "Date"),
    "link": ("Video link", "Link", "Video URL"),
    "video_id": ("Video ID", "Item ID"),
    "views": ("Total views", "Video views", "Views"),
    "likes": ("Total likes", "Likes"),
    "comments": ("Total comments", "Comments"),
    "shares": ("Total shares", "Shares"),
    "saves": ("Total favorites", "Add to favorites", "Total bookmarks", "Favorites"),
    "reach": ("Total reach", "Reach"),
}
METRICS = {"views": "views", "likes": "likes", "comments": "comments", "shares": "shares",
           "saves": "saves", "reach": "reach"}
REQUIRED = (("link", "video_id"), tuple(METRICS.values()))
# The interface languages whose month names TikTok may write; ours come first so an ambiguous
# abbreviation is read as our users' language reads it.
MONTH_LOCALES = ("en", "it", "ko", "zh_Hant", "fa", "de", "fr", "es", "pt", "nl", "el")

_DAY_MONTH = re.compile(r"(?P<d>\d{1,2})\.?\s*(?:de\s+)?(?P<name>[^\d\s,.]+)\.?")
_MONTH_DAY = re.compile(r"(?P<name>[^\d\s,.]+)\.?\s*(?P<d>\d{1,2})")
_CJK = re.compile(r"(?P<m>\d{1,2})\s*[월月]\s*(?P<d>\d{1,2})\s*[일日]?")
_YEAR = re.compile(r"\d{4}")


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    names: dict[str, int] = {}
    for loc in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for month, name in get_month_names(width, context, loc).items():
                    names.setdefault(normal(str(name)).casefold().rstrip("."), int(month))
    return names


def day_without_year(cell: Cell, today: date, locale: str = "en") -> date:
    """``March 27`` or ``27 marzo``: the latest such day not after ``today`` (a day's slack for
    time zones). A date that has its year is read as written."""
    if isinstance(cell, datetime | date):
        return cell.date() if isinstance(cell, datetime) else cell
    text = normal(as_text(cell) or "")
    if _YEAR.search(text):
        return parse_date(text, locale)
    month = day = None
    if m := _CJK.fullmatch(text):
        month, day = int(m["m"]), int(m["d"])
    elif m := _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text):
        month, day = _months().get(m["name"].casefold().rstrip(".")), int(m["d"])
    if month is None or day is None:
        raise Invalid("'{value}' is not a date", value=as_text(cell) or "")
    for year in (today.year, today.year - 1, today.year - 2):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found <= today + timedelta(days=1):
            return found
    raise Invalid("'{value}' is not a date", value=as_text(cell) or "")


def parse(path: Path, ctx: ParseContext, file: str, *,
          now: datetime | None = None) -> ParsedImport:
    tr = ctx.tr()
    sheet = read_sheet(path, file, ctx, names=("content", "tiktok"))
    cols = resolve(sheet.header, ALIASES)
    require(file, sheet.header, cols, REQUIRED, ALIASES, tr)
    reader = Reader(file, ctx, cols, number_locale(sheet, ctx))
    now = import_time(now)
    today = now.astimezone(zone(ctx.timezone)).date()
    progress = Progress(ctx, len(sheet.rows))
    rows: list[ExportRow] = []
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        progress.tick(done)
        link, video = cols.text(cells, "link"), cols.text(cells, "video_id")
        stated = None
        when = cols.cell(cells, "time")
        if when is not None and ctx.captured_at is None:
            try:
                stated = end_of_day(day_without_year(when, today, ctx.locale), ctx.timezone, now)
            except Invalid as exc:
                reader.problems.add(number, cols.labels["time"], tr(exc.msgid, **exc.values))
        rows.append(ExportRow(number, link or video or "?",
                              post_keys(link, PLATFORM) + post_keys(video, PLATFORM),
                              reader.metrics(number, cells, METRICS), stated))
    progress.finish(len(sheet.rows))
    return snapshots(KIND, file, rows, len(sheet.rows), ctx, reader, now=now)
