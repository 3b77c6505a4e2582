"""Importing comment dumps and brand mentions: read in chunks, score, write, all or nothing.

A dump runs to millions of rows, so nothing here holds the file: each chunk from
``ingest.comments.stream`` is scored by the workspace's sentiment backend and upserted inside
ONE store transaction. A bad row anywhere (the last one included) fails the import after the
whole file has been read for its errors, and the transaction rolls back: nothing is written.

Scores are computed once, at import, so a page over a million comments reads a column;
``rescore`` recomputes them in place when the backend changes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from creatorroi.i18n import normalize_lang
from creatorroi.ingest.comments import CHUNK_ROWS, TABLE, stream
from creatorroi.ingest.context import ParseContext, ParsedImport, Problems, build_frame

if TYPE_CHECKING:
    from creatorroi.workspace import ImportReport, Workspace

KEY = ["id"]
UNKNOWN_SHOWN = 5


class Score(Protocol):
    @property
    def value(self) -> float: ...  # -1 .. 1
    @property
    def label(self) -> str: ...  # positive, negative or neutral
    @property
    def language(self) -> str | None: ...


class SentimentBackend(Protocol):
    """What ``creatorroi.quality.sentiment.get_backend`` returns."""

    name: str

    def score(self, texts: Sequence[str]) -> Sequence[Score]: ...


Progress = Callable[[int, int | None], None]


def import_comments(ws: Workspace, kind: str, path: str | Path, *, encoding: str | None = None,
                    lang: str | None = None, progress: Progress | None = None,
                    backend: SentimentBackend | None = None,
                    chunk_rows: int = CHUNK_ROWS) -> ImportReport:
    """Stream ``path`` (kind "comments" or "mentions") into ``comments``; see the module."""
    from creatorroi.workspace import ImportReport  # here: the workspace imports this module

    if backend is None:
        from creatorroi.quality.sentiment import get_backend

        backend = get_backend(ws.settings.quality.sentiment_backend)
    ctx = ParseContext(timezone=ws.timezone, locale=ws.locale, salt=ws._salt,
                       currency=ws.currency, lang=normalize_lang(lang or ws.locale),
                       encoding=encoding, progress=progress)
    file = str(path)
    tr = ctx.tr()
    problems = Problems(file)
    posts = _posts(ws) if kind == "comments" else {}
    unknown = _Unknown()
    rows_read = new = changed = 0
    warnings: list[str] = []
    with ws.store.transaction(), closing(
            stream(path, kind, ctx, chunk_rows=chunk_rows, problems=problems)) as chunks:
        for chunk in chunks:
            rows_read = chunk.done
            warnings += chunk.warnings
            if problems.total or chunk.frame.empty:
                continue
            frame = _prepare(chunk.frame, kind, posts, backend, unknown)
            result = ws.store.upsert(TABLE, frame, KEY, workspace_id=ws.id)
            new += result.new
            changed += result.changed
        problems.raise_if_any()
        warnings += unknown.warning(tr)
        ws.store.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [ws.id, uuid.uuid4().hex, kind, Path(path).name, _sha256(Path(path)), rows_read,
             new, changed, datetime.now(UTC)])
        if new or changed:
            ws.store.touch(ws.id)
    return ImportReport(kind, file, rows_read, new, changed, warnings)


def read_comments(ws: Workspace, kind: str, path: str | Path, ctx: ParseContext,
                  backend: SentimentBackend | None = None) -> ParsedImport:
    """The rows an import of ``path`` would write, whole and with nothing written: what the
    web's preview compares with the store (an upload is size-limited, so it fits)."""
    if backend is None:
        from creatorroi.quality.sentiment import get_backend

        backend = get_backend(ws.settings.quality.sentiment_backend)
    posts = _posts(ws) if kind == "comments" else {}
    unknown = _Unknown()
    frames: list[pd.DataFrame] = []
    warnings: list[str] = []
    rows_read = 0
    for chunk in stream(path, kind, ctx):    # raises ImportFailed after the last chunk
        rows_read = chunk.done
        warnings += chunk.warnings
        if not chunk.frame.empty:
            frames.append(_prepare(chunk.frame, kind, posts, backend, unknown))
    warnings += unknown.warning(ctx.tr())
    frame = pd.concat(frames, ignore_index=True) if frames else build_frame(TABLE, [])
    return ParsedImport(kind, str(path), rows_read, {TABLE: frame}, warnings)


class _Unknown:
    """Comments naming posts the workspace lacks: counted, the first few named once."""

    def __init__(self) -> None:
        self.total = 0
        self.first: list[str] = []

    def add(self, posts: pd.Series) -> None:
        self.total += len(posts)
        for post in dict.fromkeys(posts):
            if len(self.first) < UNKNOWN_SHOWN and post not in self.first:
                self.first.append(post)

    def warning(self, tr: Callable[..., str]) -> list[str]:
        if not self.total:
            return []
        return [tr("{count} comment(s) name posts this workspace does not have and were not "
                   "stored; first: {ids}", count=self.total, ids=", ".join(self.first))]


def _prepare(frame: pd.DataFrame, kind: str, posts: dict[str, tuple[Any, Any]],
             backend: SentimentBackend, unknown: _Unknown) -> pd.DataFrame:
    """A chunk as it is stored: comments on unknown posts dropped, post columns, scores."""
    if kind == "comments":
        known = frame["post_id"].isin(posts.keys())
        if not known.all():
            unknown.add(frame.loc[~known, "post_id"])
            frame = frame[known].reset_index(drop=True)
        _with_post_columns(frame, posts)
    _score(frame, backend)
    return frame


def rescore(ws: Workspace, backend: SentimentBackend, *, progress: Progress | None = None,
            chunk_rows: int = CHUNK_ROWS) -> int:
    """Score every stored comment again with ``backend``; returns how many rows changed.

    Pages through the table by id (keyset pagination: each page starts after the last id of
    the one before), so memory holds one page however many comments there are.
    """
    columns = [c for c in ws.store.columns(TABLE) if c != "workspace_id"]
    select = ", ".join(columns)
    total = int(ws.store.fetch(f"SELECT count(*) FROM {TABLE} WHERE workspace_id = ?",
                               [ws.id])[0][0])
    changed = done = 0
    last: str | None = None
    with ws.store.transaction():
        while True:
            after, params = ("", [ws.id]) if last is None else ("AND id > ? ", [ws.id, last])
            rows = ws.store.fetch(f"SELECT {select} FROM {TABLE} WHERE workspace_id = ? "
                                  f"{after}ORDER BY id LIMIT {int(chunk_rows)}", params)
            if not rows:
                break
            frame = build_frame(TABLE, [dict(zip(columns, r, strict=True)) for r in rows])
            _score(frame, backend)
            changed += ws.store.upsert(TABLE, frame, KEY, workspace_id=ws.id).changed
            last = str(rows[-1][columns.index("id")])
            done += len(rows)
            if progress is not None:
                progress(done, total)
        if changed:
            ws.store.touch(ws.id)
    return changed


def _score(frame: pd.DataFrame, backend: SentimentBackend) -> None:
    scores = backend.score(list(frame["text"]))
    frame["language"] = pd.Series([s.language for s in scores], dtype=object)
    frame["sentiment"] = pd.Series([float(s.value) for s in scores], dtype="float64")
    frame["sentiment_label"] = pd.Series([s.label for s in scores], dtype=object)
    frame["sentiment_backend"] = pd.Series([backend.name] * len(frame), dtype=object)


def _posts(ws: Workspace) -> dict[str, tuple[Any, Any]]:
    """Post id -> (influencer_id, platform): a workspace has thousands of posts, not millions."""
    rows = ws.store.fetch("SELECT id, influencer_id, platform FROM posts WHERE workspace_id = ?",
                          [ws.id])
    return {r[0]: (r[1], r[2]) for r in rows}


def _with_post_columns(frame: pd.DataFrame, posts: dict[str, tuple[Any, Any]]) -> None:
    """A comment's creator and platform are its post's, stored beside it so per-creator
    sentiment needs no join over a million rows."""
    frame["influencer_id"] = pd.Series([posts[p][0] for p in frame["post_id"]], dtype=object)
    frame["platform"] = pd.Series([posts[p][1] for p in frame["post_id"]], dtype=object)


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


__all__ = ["SentimentBackend", "import_comments", "rescore"]
