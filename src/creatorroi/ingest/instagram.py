"""Instagram post insights as Meta Business Suite exports them (Insights > Content > Export).

The export has one row per post with its lifetime numbers. Since 2024-25 Meta reports
``Views``; older exports have ``Impressions`` and, for reels, ``Plays`` instead, so both shapes
are read (``Plays`` are views of a reel). The ``Date`` column usually says ``Lifetime``; when
it holds a day, that day is when the numbers stood. Headers are matched with the aliases below
(case, spacing and BOM ignored), including the Italian ones Meta's Italian interface writes.

Header sources: exports quoted verbatim in public code (English, current and older shapes);
Italian names as an Italian Meta Business Suite writes them (see tests/data/insights/README.md).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

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
from creatorroi.ingest.values import Invalid, guess_dayfirst, parse_date

KIND = "instagram-insights"
PLATFORM = "instagram"

ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("Post ID", "Media ID", "ID post", "ID del post"),
    "permalink": ("Permalink", "Link permanente", "Post link", "Link"),
    "date": ("Date", "Data"),
    "views": ("Views", "Visualizzazioni"),
    "plays": ("Plays", "Riproduzioni"),
    "impressions": ("Impressions", "Impressioni"),
    "reach": ("Reach", "Accounts reached", "Copertura"),
    "likes": ("Likes", "Mi piace"),
    "comments": ("Comments", "Commenti"),
    "shares": ("Shares", "Condivisioni"),
    "saves": ("Saves", "Salvataggi"),
    "follows": ("Follows", "Follow"),
    "profile_visits": ("Profile visits", "Visite al profilo"),
    "link_clicks": ("Link clicks", "Website clicks", "Clic sul link"),
}
METRIC_FIELDS = ("views", "plays", "impressions", "reach", "likes", "comments", "shares",
                 "saves", "follows", "profile_visits", "link_clicks")
REQUIRED = (("permalink", "post_id"), METRIC_FIELDS)


def parse(path: Path, ctx: ParseContext, file: str, *,
          now: datetime | None = None) -> ParsedImport:
    tr = ctx.tr()
    sheet = read_sheet(path, file, ctx, names=("content", "posts", "instagram"))
    cols = resolve(sheet.header, ALIASES)
    require(file, sheet.header, cols, REQUIRED, ALIASES, tr)
    reader = Reader(file, ctx, cols, number_locale(sheet, ctx))
    mapping = {m: m for m in METRIC_FIELDS if m != "plays"}
    if not cols.has("views"):
        mapping["views"] = "plays"
    now = import_time(now)
    dayfirst = guess_dayfirst(c for _, cells in sheet.rows if (c := cols.cell(cells, "date")))
    progress = Progress(ctx, len(sheet.rows))
    rows: list[ExportRow] = []
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        progress.tick(done)
        link, media = cols.text(cells, "permalink"), cols.text(cells, "post_id")
        rows.append(ExportRow(
            number, link or media or "?",
            post_keys(link, PLATFORM) + post_keys(media, PLATFORM),
            reader.metrics(number, cells, mapping),
            _stated(cols.cell(cells, "date"), ctx, dayfirst, now)))
    progress.finish(len(sheet.rows))
    return snapshots(KIND, file, rows, len(sheet.rows), ctx, reader, now=now)


def _stated(cell: Cell, ctx: ParseContext, dayfirst: bool | None,
            now: datetime) -> datetime | None:
    """The ``Date`` cell as a capture time; ``Lifetime`` (the usual value) states none."""
    if cell is None:
        return None
    try:
        day = parse_date(cell, ctx.locale, dayfirst)
    except Invalid:
        return None
    return end_of_day(day, ctx.timezone, now)
