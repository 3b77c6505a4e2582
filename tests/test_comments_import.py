"""Importing comment dumps into a store: scored, counted, all or nothing, on both backends."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from creatorroi.comments_import import import_comments, rescore
from creatorroi.errors import ImportFailed
from creatorroi.workspace import Workspace, open_store

FIELDS = ["id", "post_id", "author", "created_at", "text", "likes"]
COMMENTS = [
    {"id": "c1", "post_id": "p1", "author": "@Anna", "created_at": "2024-03-20 19:02",
     "text": "good good 😍", "likes": 3},
    {"id": "c2", "post_id": "p1", "author": "@bob", "created_at": "2024-03-20 19:05",
     "text": "bad\nreally bad", "likes": 0},
    {"id": "c3", "post_id": "p2", "author": "@carla", "created_at": "2024-03-21 08:00",
     "text": "می‌خواهم good", "likes": None},
    {"id": "c4", "post_id": "p2", "author": "@dan", "created_at": "2024-03-21 09:30",
     "text": "  just ok  ", "likes": 1},
    {"id": "c5", "post_id": "p1", "author": "@eve", "created_at": "2024-03-22 10:00",
     "text": "👨‍👩‍👧 good but bad", "likes": 7},
]


@dataclass(frozen=True)
class Score:
    value: float
    label: str
    language: str | None


class WordBackend:
    """Counts 'good' and 'bad': a backend whose every score can be worked out by hand."""

    def __init__(self, name: str = "words-v1", weight: float = 1.0) -> None:
        self.name = name
        self.weight = weight
        self.batches: list[int] = []

    def score(self, texts: Sequence[str]) -> list[Score]:
        self.batches.append(len(texts))
        return [self._one(t) for t in texts]

    def _one(self, text: str) -> Score:
        good, bad = text.count("good"), text.count("bad")
        value = self.weight * (good - bad) / max(1, good + bad)
        label = "positive" if value > 0 else "negative" if value < 0 else "neutral"
        return Score(value, label, "en" if text.isascii() else None)


def expected_score(text: str, weight: float = 1.0) -> tuple[float, str]:
    """The same rule worked out independently, per comment of ``COMMENTS``."""
    by_hand = {"good good 😍": 1.0, "bad\nreally bad": -1.0, "می‌خواهم good": 1.0,
               "  just ok  ": 0.0, "👨‍👩‍👧 good but bad": 0.0}
    value = weight * by_hand[text]
    return value, "positive" if value > 0 else "negative" if value < 0 else "neutral"


@pytest.fixture
def ws(store_url: str, tmp_path: Path) -> Workspace:
    workspace = open_store(store_url).create_workspace("w", "Brand", "EUR", "Europe/Rome", "en")
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "id,campaign_id,influencer_id,platform,content_type\n"
        "p1,spring,giulia,instagram,reel\n"
        "p2,spring,marco,tiktok,video\n", encoding="utf-8")
    workspace.import_file("posts", posts)
    return workspace


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FIELDS)
        for row in rows:
            writer.writerow(["" if row.get(f) is None else row[f] for f in FIELDS])
    return path


def stored(ws: Workspace) -> list[dict[str, Any]]:
    cols = [c for c in ws.store.columns("comments") if c != "workspace_id"]
    rows = ws.store.fetch(f"SELECT {', '.join(cols)} FROM comments WHERE workspace_id = ? "
                          "ORDER BY id", [ws.id])
    return [dict(zip(cols, r, strict=True)) for r in rows]


def count(ws: Workspace, table: str) -> int:
    return int(ws.store.fetch(f"SELECT count(*) FROM {table} WHERE workspace_id = ?",
                              [ws.id])[0][0])


def comment_imports(ws: Workspace) -> pd.DataFrame:
    history = ws.imports()
    return history[history["kind"] != "posts"].reset_index(drop=True)


def test_comments_are_stored_scored_and_counted(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "comments.csv", COMMENTS)
    backend = WordBackend()
    seen: list[tuple[int, int | None]] = []
    report = import_comments(ws, "comments", path, backend=backend, chunk_rows=2,
                             progress=lambda d, t: seen.append((d, t)))
    assert (report.kind, report.rows_read, report.new, report.changed) == ("comments", 5, 5, 0)
    assert report.warnings == []
    assert backend.batches == [2, 2, 1]
    assert [d for d, _ in seen] == [2, 4, 5]
    rows = stored(ws)
    assert [r["text"] for r in rows] == [c["text"] for c in COMMENTS]
    owners = {"p1": ("giulia", "instagram"), "p2": ("marco", "tiktok")}
    for row, given in zip(rows, COMMENTS, strict=True):
        value, label = expected_score(given["text"])
        assert row["sentiment"] == pytest.approx(value)
        assert row["sentiment_label"] == label
        assert row["sentiment_backend"] == "words-v1"
        assert row["language"] == ("en" if given["text"].isascii() else None)
        assert (row["influencer_id"], row["platform"]) == owners[given["post_id"]]
        assert row["kind"] == "comment"
        assert row["likes"] == given["likes"]
        salted = hashlib.sha256(f"{ws._salt}{given['author'][1:].casefold()}".encode())
        assert row["author_hash"] == salted.hexdigest()
    assert pd.Timestamp(rows[0]["created_at"]) == pd.Timestamp("2024-03-20 18:02", tz="UTC")
    history = comment_imports(ws)
    assert history[["kind", "file_name", "rows_read", "rows_new", "rows_changed"]].to_dict(
        "records") == [{"kind": "comments", "file_name": "comments.csv", "rows_read": 5,
                        "rows_new": 5, "rows_changed": 0}]
    assert history["sha256"][0] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_reimporting_changes_nothing_and_an_edit_is_one_change(ws: Workspace,
                                                                tmp_path: Path) -> None:
    path = write_csv(tmp_path / "comments.csv", COMMENTS)
    import_comments(ws, "comments", path, backend=WordBackend())
    before = ws.store.revision(ws.id)
    again = import_comments(ws, "comments", path, backend=WordBackend(), chunk_rows=3)
    assert (again.new, again.changed) == (0, 0)
    assert ws.store.revision(ws.id) == before
    edited = [dict(c, likes=99) if c["id"] == "c4" else c for c in COMMENTS]
    report = import_comments(ws, "comments", write_csv(tmp_path / "e.csv", edited),
                             backend=WordBackend())
    assert (report.new, report.changed) == (0, 1)
    assert ws.store.revision(ws.id) != before
    assert len(comment_imports(ws)) == 3


def test_a_bad_row_near_the_end_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    rows = [dict(COMMENTS[0], id=f"r{i}") for i in range(9)]
    rows[8]["created_at"] = "yesterday-ish"
    path = write_csv(tmp_path / "bad.csv", rows)
    before = ws.store.revision(ws.id)
    backend = WordBackend()
    with pytest.raises(ImportFailed) as err:
        import_comments(ws, "comments", path, backend=backend, chunk_rows=2)
    [error] = err.value.errors
    assert (error.row, error.column) == (10, "created_at")
    assert backend.batches == [2, 2, 2, 2]  # the good chunks were scored and written ...
    assert count(ws, "comments") == 0       # ... and rolled back
    assert comment_imports(ws).empty
    assert ws.store.revision(ws.id) == before


def test_comments_on_unknown_posts_are_left_out_with_one_warning(ws: Workspace,
                                                                  tmp_path: Path) -> None:
    strays = [dict(COMMENTS[0], id=f"s{i}", post_id=p)
              for i, p in enumerate(["p9", "p8", "p9", "p7", "p6", "p5", "p4", "p3"])]
    path = write_csv(tmp_path / "mixed.csv", [*COMMENTS[:2], *strays])
    report = import_comments(ws, "comments", path, backend=WordBackend(), chunk_rows=3)
    assert (report.rows_read, report.new) == (10, 2)
    [warning] = report.warnings
    assert warning.startswith("8 comment(s) name posts this workspace does not have")
    assert warning.endswith("p9, p8, p7, p6, p5")
    assert [r["id"] for r in stored(ws)] == ["c1", "c2"]


def test_mentions_need_no_post(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "mentions.jsonl"
    mentions = [
        {"platform": "x", "username": "@fan1", "date": "2024-03-22 08:15",
         "text": "good serum", "url": "https://x.com/1"},
        {"platform": "instagram", "username": "@fan2", "text": "bad packaging",
         "influencer_id": "giulia"},
    ]
    path.write_text("\n".join(json.dumps(m) for m in mentions), encoding="utf-8")
    report = import_comments(ws, "mentions", path, backend=WordBackend())
    assert (report.rows_read, report.new, report.changed) == (2, 2, 0)
    rows = sorted(stored(ws), key=lambda r: r["text"])
    assert [(r["kind"], r["post_id"], r["platform"], r["influencer_id"], r["sentiment_label"])
            for r in rows] == [("mention", None, "instagram", "giulia", "negative"),
                               ("mention", None, "x", None, "positive")]


def test_rescore_rewrites_only_the_scores(ws: Workspace, tmp_path: Path) -> None:
    import_comments(ws, "comments", write_csv(tmp_path / "c.csv", COMMENTS),
                    backend=WordBackend())
    before = stored(ws)
    seen: list[tuple[int, int | None]] = []
    halved = WordBackend("words-v2", weight=0.5)
    changed = rescore(ws, halved, chunk_rows=2, progress=lambda d, t: seen.append((d, t)))
    assert changed == 5  # every row names the new backend
    assert halved.batches == [2, 2, 1]
    assert seen == [(2, 5), (4, 5), (5, 5)]
    after = stored(ws)
    scores = ("sentiment", "sentiment_label", "sentiment_backend", "language")
    for old, new in zip(before, after, strict=True):
        assert {k: v for k, v in old.items() if k not in scores} == \
            {k: v for k, v in new.items() if k not in scores}
        value, label = expected_score(old["text"], 0.5)
        assert (new["sentiment"], new["sentiment_label"], new["sentiment_backend"]) == (
            pytest.approx(value), label, "words-v2")
    assert rescore(ws, WordBackend("words-v2", weight=0.5), chunk_rows=2) == 0


def test_rescore_of_an_empty_workspace_changes_nothing(ws: Workspace) -> None:
    assert rescore(ws, WordBackend()) == 0


def test_the_workspace_backend_is_used_when_none_is_given(ws: Workspace,
                                                          tmp_path: Path) -> None:
    sentiment = pytest.importorskip("creatorroi.quality.sentiment")
    report = import_comments(ws, "comments", write_csv(tmp_path / "c.csv", COMMENTS[:2]))
    assert report.new == 2
    name = sentiment.get_backend(ws.settings.quality.sentiment_backend).name
    assert {r["sentiment_backend"] for r in stored(ws)} == {name}
