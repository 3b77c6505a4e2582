"""What the three platform insight exports share: how a post is recognised, how headers are
matched, and how export rows become ``post_metrics`` snapshots.

Exports name a post the platform's way (a permalink, a media id, a video id), never by our
post id, and they list the creator's other content too. ``post_keys`` turns any of those into
the same set of keys our posts are indexed by, so a row is matched whichever of them it
carries. Keys are prefixed with the platform: a TikTok id never finds an Instagram post.

Each export row is one snapshot: its numbers as they stood when the export was made. When that
was is taken, in order, from the user (``ParseContext.captured_at``), from a date the export
states, and only then from the import time, with a warning, because a decay curve built on
import times is only as good as the user's habit of importing right after exporting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from creatorroi.ingest.context import (
    FileRejected,
    ParseContext,
    ParsedImport,
    Problems,
    build_frame,
)
from creatorroi.ingest.text import Cell, Sheet, clean
from creatorroi.ingest.values import Invalid, as_text, local_midnight, normal, parse_int, zone
from creatorroi.model.enums import Platform

METRICS = ("reach", "impressions", "views", "likes", "comments", "shares", "saves",
           "link_clicks", "profile_visits", "follows")
INSIGHT_KINDS = frozenset({"instagram-insights", "tiktok-insights", "youtube-insights"})
# Cells exports write where a number is not known yet: unknown is NULL, never 0.
MISSING = frozenset({"undefined", "-", "--", "—", "n/a", "null"})
EXAMPLES = 3

def header_key(label: str) -> str:
    """Headers compare without case, BOM, invisible marks or repeated spaces (``normal``)."""
    return normal(label).casefold()


@dataclass(frozen=True)
class Columns:
    """Where each field of a format sits in one file's header."""

    index: dict[str, int]
    labels: dict[str, str]

    def has(self, name: str) -> bool:
        return name in self.index

    def cell(self, cells: Sequence[Cell], name: str) -> Cell:
        i = self.index.get(name)
        return clean(cells[i]) if i is not None and i < len(cells) else None

    def text(self, cells: Sequence[Cell], name: str) -> str | None:
        return as_text(self.cell(cells, name))


def resolve(header: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> Columns:
    """Each field's column: the first of its aliases (in the order given) the header has."""
    keyed: dict[str, int] = {}
    for i, label in enumerate(header):
        keyed.setdefault(header_key(label), i)
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    for name, names in aliases.items():
        found = next((keyed[k] for a in names if (k := header_key(a)) in keyed), None)
        if found is not None:
            index[name] = found
            labels[name] = header[found]
    return Columns(index, labels)


def require(file: str, header: Sequence[str], cols: Columns,
            groups: Sequence[Sequence[str]], aliases: Mapping[str, Sequence[str]],
            tr: Callable[..., str]) -> None:
    """Each group needs one of its fields; otherwise name what is missing and what is there."""
    missing = [" / ".join(aliases[name][0] for name in group)
               for group in groups if not any(cols.has(name) for name in group)]
    if missing:
        raise FileRejected(file, tr(
            "missing required column(s): {missing}; the file has: {found}",
            missing=", ".join(missing), found=", ".join(h for h in header if h) or "-"))


# ---- post keys ------------------------------------------------------------------------------

_IG_PATH = re.compile(r"^/(?:[A-Za-z0-9._]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)")
_IG_CODE = re.compile(r"[A-Za-z0-9_-]{5,}")
MEDIA_ID_DIGITS = 15
_TT_PATH = re.compile(r"/(?:video|photo|v)/(\d+)")
_YT_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YT_PATH = re.compile(r"^/(?:shorts|embed|live|v|e)/([A-Za-z0-9_-]{11})")
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?::\d+)?/")
_HOST_PREFIXES = ("www.", "m.", "mobile.")
# Paths that name a page, not a post: they never become keys on their own.
_GENERIC_PATHS = frozenset({"", "/watch", "/video", "/videos"})


def _platform(name: str) -> str:
    try:
        return Platform.parse(name).value
    except ValueError:
        return name.strip().casefold()


def _is_url(text: str) -> bool:
    return "://" in text or bool(_DOMAIN.match(text))


def post_keys(url_or_id: str | None, platform: str) -> list[str]:
    """The keys a post is found by: its normalised permalink, the platform's post or video
    id, and (Instagram) its shortcode. Export rows and our posts both go through here."""
    text = (url_or_id or "").strip().strip("\ufeff")
    if not text:
        return []
    plat = _platform(platform)
    keys: list[str] = []
    if _is_url(text):
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = (parts.hostname or "").casefold()
        for prefix in _HOST_PREFIXES:
            host = host.removeprefix(prefix)
        path = re.sub(r"/+", "/", parts.path).rstrip("/")
        if plat == "instagram" and (m := _IG_PATH.match(path)):
            keys.append(f"instagram:code:{m.group(1)}")
        elif plat == "tiktok" and (m := _TT_PATH.search(path)):
            keys.append(f"tiktok:id:{m.group(1)}")
        elif plat == "youtube":
            video = parse_qs(parts.query).get("v", [""])[0]
            if host == "youtu.be" and _YT_ID.fullmatch(path.lstrip("/")):
                video = path.lstrip("/")
            elif m := _YT_PATH.match(path):
                video = m.group(1)
            if _YT_ID.fullmatch(video):
                keys.append(f"youtube:id:{video}")
        if host and path not in _GENERIC_PATHS:
            keys.append(f"{plat}:url:{host}{path}")
    else:
        keys.append(f"{plat}:id:{text}")
        # Media ids are long numbers (17+ digits); shorter text may be a shortcode.
        media_id = text.isdigit() and len(text) >= MEDIA_ID_DIGITS
        if plat == "instagram" and not media_id and _IG_CODE.fullmatch(text):
            keys.append(f"instagram:code:{text}")
    return list(dict.fromkeys(keys))


# ---- rows to snapshots ----------------------------------------------------------------------

@dataclass
class ExportRow:
    """One export row, read: the keys that name its post, its numbers, the time it states."""

    number: int
    label: str
    keys: list[str]
    metrics: dict[str, int | None]
    stated: datetime | None = None


class Reader:
    """Reads cells of one file into numbers, recording every bad one against its row."""

    def __init__(self, file: str, ctx: ParseContext, cols: Columns, locale: str) -> None:
        self.file = file
        self.cols = cols
        self.locale = locale
        self.problems = Problems(file)
        self.tr = ctx.tr()

    def count(self, number: int, cells: Sequence[Cell], name: str) -> int | None:
        """A metric cell: a non-negative whole number, or None when the export left it out."""
        cell = self.cols.cell(cells, name)
        if cell is None or (isinstance(cell, str) and cell.strip().casefold() in MISSING):
            return None
        label = self.cols.labels[name]
        try:
            value = parse_int(cell, self.locale)
        except Invalid as exc:
            self.problems.add(number, label, self.tr(exc.msgid, **exc.values))
            return None
        if value < 0:
            self.problems.add(number, label, self.tr("'{value}' must not be negative",
                                                     value=as_text(cell) or ""))
            return None
        return value

    def metrics(self, number: int, cells: Sequence[Cell],
                mapping: Mapping[str, str]) -> dict[str, int | None]:
        """``mapping``: our metric -> the format's field; metrics the file lacks stay None."""
        found: dict[str, int | None] = dict.fromkeys(METRICS)
        for metric, name in mapping.items():
            if self.cols.has(name):
                found[metric] = self.count(number, cells, name)
        return found


def number_locale(sheet: Sheet, ctx: ParseContext) -> str:
    """Platforms write ``12,400``; only a file re-saved by a decimal-comma Excel (which also
    switches to ``;``) follows the workspace locale."""
    return ctx.locale if sheet.delimiter == ";" else "en"


def import_time(now: datetime | None = None) -> datetime:
    """When this import happens, to the second (tests pass a fixed one)."""
    return (now or datetime.now(UTC)).replace(microsecond=0)


def end_of_day(day: date, tz: str, now: datetime) -> datetime:
    """A stated day's numbers were read by its end, and not after the import."""
    return min(local_midnight(day + timedelta(days=1), tz), now)


def snapshots(kind: str, file: str, rows: list[ExportRow], rows_read: int, ctx: ParseContext,
              reader: Reader, *, now: datetime | None = None,
              warnings: list[str] | None = None) -> ParsedImport:
    """Match rows to our posts, date them and build the ``post_metrics`` frame.

    Rows of posts we do not track are skipped and reported in one warning; a file in which no
    row is ours at all is refused: it is the wrong file, or the posts were never imported.
    """
    tr = ctx.tr()
    notes = list(warnings or [])
    now = import_time(now)
    reader.problems.raise_if_any()
    given = _aware(ctx.captured_at, ctx.timezone)
    matched: list[tuple[str, ExportRow]] = []
    unmatched: list[ExportRow] = []
    for row in rows:
        post = next((p for k in row.keys if (p := ctx.post_index.get(k))), None)
        if post is None:
            unmatched.append(row)
        else:
            matched.append((post, row))
    if rows and not matched:
        raise FileRejected(file, tr(
            "no row matches an imported post: import the posts with their URLs first, or "
            "check that this is the right export"))
    if unmatched:
        examples = ", ".join(r.label for r in unmatched[:EXAMPLES])
        more = " …" if len(unmatched) > EXAMPLES else ""
        notes.append(tr(
            "{count} row(s) match no imported post and were skipped (the export lists other "
            "content too): {examples}", count=len(unmatched), examples=examples + more))
    if given is None and any(r.stated is None for _, r in matched):
        notes.append(tr(
            "the export does not say when its numbers were read: they are dated {time}, the "
            "import time; give the capture time to date them exactly",
            time=now.isoformat(timespec="minutes")))
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, datetime], int] = {}
    problems = Problems(file)
    for post, row in matched:
        captured = given or row.stated or now
        first = seen.setdefault((post, captured), row.number)
        if first != row.number:
            problems.add(row.number, None, tr("duplicate key, first seen on row {row}",
                                             row=first))
            continue
        out.append({"post_id": post, "captured_at": captured, **row.metrics})
    problems.raise_if_any()
    if not rows:
        notes.append(tr("the file has no data rows"))
    return ParsedImport(kind, file, rows_read, {"post_metrics": build_frame("post_metrics", out)},
                        notes)


def _aware(moment: datetime | None, tz: str) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tz))
    return moment.astimezone(UTC)
