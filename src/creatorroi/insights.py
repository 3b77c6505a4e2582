"""Post insights over time: the store side of importing platform exports, and decay curves.

Importing an export is a parse (``ingest``, no I/O) between two reads of the store: the index
of our posts by every key an export may name them with, and, after parsing, the removal of
snapshots that only repeat what the store already says. The second makes re-importing an
export idempotent even though each import stamps undated exports with a new time: a snapshot
whose numbers equal the post's latest stored snapshot at or before it adds no information.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from creatorroi.errors import CreatorROIError
from creatorroi.i18n import normalize_lang, translator
from creatorroi.ingest.insights import METRICS, post_keys
from creatorroi.metrics import decay

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

MAX_DAYS = 3650
_CHUNK = 1000


def post_index(ws: Workspace) -> dict[str, str]:
    """Every key an export may name a post by -> our post id.

    Keys from a post's URL win over keys from its id (a post id that happens to look like
    another post's video id must not steal its rows). A key two posts share names neither:
    crediting one of them at random would be worse than reporting the row as unmatched.
    """
    rows = ws.store.fetch("SELECT id, platform, url FROM posts WHERE workspace_id = ? "
                          "ORDER BY id", [ws.id])
    index: dict[str, str] = {}
    for source in ("id", "url"):
        claimed: dict[str, set[str]] = {}
        for post, platform, url in rows:
            for key in post_keys(post if source == "id" else url, platform):
                claimed.setdefault(key, set()).add(post)
        index.update({k: next(iter(p)) for k, p in claimed.items() if len(p) == 1})
        for key in (k for k, p in claimed.items() if len(p) > 1):
            index.pop(key, None)
    return index


def drop_unchanged(ws: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (post_metrics rows) without the rows whose metrics equal the post's latest
    snapshot at or before the row's time, stored or earlier in ``frame`` itself."""
    if frame.empty:
        return frame
    stored = _stored(ws, sorted(set(frame["post_id"])))
    history: dict[str, list[tuple[pd.Timestamp, tuple[Any, ...]]]] = {}
    for row in stored.itertuples(index=False):
        history.setdefault(row.post_id, []).append((_utc(row.captured_at), _values(row)))
    records = list(frame[["post_id", "captured_at", *METRICS]].itertuples(index=False))
    stamps = [_utc(r.captured_at) for r in records]
    keep: list[bool] = [False] * len(records)
    for i in sorted(range(len(records)), key=stamps.__getitem__):
        post, at, values = records[i].post_id, stamps[i], _values(records[i])
        earlier = [(t, v) for t, v in history.get(post, []) if t <= at]
        latest = max(earlier, key=lambda tv: tv[0])[1] if earlier else None
        if latest != values:
            keep[i] = True
            history.setdefault(post, []).append((at, values))
    return frame[keep].reset_index(drop=True)


def decay_curves(ws: Workspace, metric: str = "views", by: str = "content_type",
                 days: int = 30) -> pd.DataFrame:
    """Median share of the latest value reached per day since publication, with quartiles,
    per content type or platform (see ``metrics.decay``)."""
    tr = translator(normalize_lang(ws.locale))
    if metric not in decay.METRICS:
        raise CreatorROIError(tr("unknown metric '{metric}'; choose one of: {choices}",
                                 metric=metric, choices=", ".join(decay.METRICS)))
    if by not in decay.GROUPINGS:
        raise CreatorROIError(tr("unknown grouping '{by}'; choose one of: {choices}",
                                 by=by, choices=", ".join(decay.GROUPINGS)))
    if not 0 <= days <= MAX_DAYS:
        raise CreatorROIError(tr("days must be between 0 and {max}", max=MAX_DAYS))
    snapshots, posts = decay_inputs(ws)
    return decay.curves(snapshots, posts, metric, by, days)


def decay_inputs(ws: Workspace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every snapshot and every published post: what ``decay.curves`` reads, fetched once
    by a page that draws several curves."""
    snapshots = ws._frame("SELECT post_id, captured_at, views, likes, comments, shares, saves "
                          "FROM post_metrics WHERE workspace_id = ?")
    posts = ws._frame("SELECT id, published_at, content_type, platform FROM posts "
                      "WHERE workspace_id = ? AND published_at IS NOT NULL")
    return snapshots, posts


def _stored(ws: Workspace, posts: Sequence[str]) -> pd.DataFrame:
    cols = ", ".join(("post_id", "captured_at", *METRICS))
    frames = []
    for start in range(0, len(posts), _CHUNK):
        chunk = list(posts[start:start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        frames.append(ws._frame(f"SELECT {cols} FROM post_metrics WHERE workspace_id = ? "
                                f"AND post_id IN ({marks})", chunk))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["post_id", "captured_at", *METRICS])


def _utc(value: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _values(row: Any) -> tuple[int | None, ...]:
    return tuple(_plain(getattr(row, m)) for m in METRICS)


def _plain(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


__all__ = ["decay_curves", "decay_inputs", "drop_unchanged", "post_index"]
