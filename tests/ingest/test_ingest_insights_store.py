"""Insight exports end to end on both stores: snapshots build a time series, re-importing an
export changes nothing, KPIs "as of" a day read the snapshot of that day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from creatorroi import insights
from creatorroi.ingest import ParseContext, parse_file
from creatorroi.store.connection import UpsertResult
from creatorroi.workspace import Workspace, open_store

INSIGHTS = Path(__file__).resolve().parent.parent / "data" / "insights"
YT = INSIGHTS / "Content 2024-03-20_2024-03-27 Leo Makeup" / "Table data.csv"


@pytest.fixture
def ws(store_url: str) -> Workspace:
    ws = open_store(store_url).create_workspace("w", "Brand", "EUR", "Europe/Rome", "en")
    for kind in ("influencers", "campaigns", "posts"):
        ws.import_file(kind, INSIGHTS / f"{kind}.csv")
    return ws


def load(ws: Workspace, kind: str, path: Path,
         captured_at: datetime | None = None) -> UpsertResult:
    """What Workspace.import_file does for insight kinds: index, parse, drop repeats, upsert."""
    ctx = ParseContext(timezone=ws.timezone, locale=ws.locale, captured_at=captured_at,
                       post_index=insights.post_index(ws))
    frame = insights.drop_unchanged(ws, parse_file(path, kind, ctx).tables["post_metrics"])
    with ws.store.transaction():
        return ws.store.upsert("post_metrics", frame, ["post_id", "captured_at"],
                               workspace_id=ws.id)


def series(ws: Workspace, post: str) -> list[tuple[pd.Timestamp, int]]:
    frame = ws._frame("SELECT captured_at, views FROM post_metrics WHERE workspace_id = ? "
                      "AND post_id = ? ORDER BY captured_at", [post])
    return [(pd.Timestamp(t).tz_convert("UTC"), int(v)) for t, v in frame.itertuples(index=False)]


def rows(ws: Workspace) -> int:
    return int(ws.store.fetch("SELECT COUNT(*) FROM post_metrics WHERE workspace_id = ?",
                              [ws.id])[0][0])


def test_snapshots_build_a_time_series_and_reimports_change_nothing(ws: Workspace) -> None:
    first = INSIGHTS / "instagram_content_2024-03-23.csv"
    second = INSIGHTS / "instagram_content_2024-03-27.csv"
    assert load(ws, "instagram-insights", first, datetime(2024, 3, 23, 9)) == (2, 0)
    assert load(ws, "instagram-insights", second, datetime(2024, 3, 27, 9)) == (2, 0)
    assert series(ws, "giulia-reel-1") == [
        (pd.Timestamp("2024-03-23 08:00", tz="UTC"), 12400),
        (pd.Timestamp("2024-03-27 08:00", tz="UTC"), 15000)]
    assert rows(ws) == 4
    # the same exports again, even stamped with a later time: nothing new, nothing changed
    assert load(ws, "instagram-insights", second, datetime(2024, 3, 29, 9)) == (0, 0)
    assert load(ws, "instagram-insights", first, datetime(2024, 3, 23, 9)) == (0, 0)
    assert load(ws, "instagram-insights", second) == (0, 0)  # stamped with the import time
    assert rows(ws) == 4


def test_every_platform_lands_on_its_posts(ws: Workspace) -> None:
    assert load(ws, "tiktok-insights", INSIGHTS / "tiktok_content.csv",
                datetime(2024, 3, 27, 21)) == (2, 0)
    assert load(ws, "youtube-insights", YT) == (2, 0)
    assert series(ws, "minji-tt-1") == [(pd.Timestamp("2024-03-27 20:00", tz="UTC"), 48210)]
    # Table data's period ends 27 March: the end of that day in Rome
    assert series(ws, "leo-short-1") == [(pd.Timestamp("2024-03-27 23:00", tz="UTC"), 15230)]
    assert load(ws, "youtube-insights", YT) == (0, 0)
    # the Korean export of the same short, undated: a new snapshot only because views moved
    assert load(ws, "youtube-insights", INSIGHTS / "youtube_ko" / "Table data.csv",
                datetime(2024, 3, 28, 12)) == (1, 0)
    assert [v for _, v in series(ws, "leo-short-1")] == [15230, 16330]


def test_kpis_as_of_read_the_snapshot_of_that_time(ws: Workspace) -> None:
    load(ws, "instagram-insights", INSIGHTS / "instagram_content_2024-03-23.csv",
         datetime(2024, 3, 23, 9))
    load(ws, "instagram-insights", INSIGHTS / "instagram_content_2024-03-27.csv",
         datetime(2024, 3, 27, 9))
    between = ws.kpis("post", as_of=datetime(2024, 3, 25, tzinfo=UTC)).set_index("post")
    latest = ws.kpis("post").set_index("post")
    assert between.loc["giulia-reel-1", "views"] == 12400
    assert between.loc["giulia-carousel-1", "saves"] == 95
    assert latest.loc["giulia-reel-1", "views"] == 15000
    assert latest.loc["giulia-carousel-1", "saves"] == 120


def test_post_index_prefers_urls_and_drops_keys_two_posts_share(ws: Workspace) -> None:
    index = insights.post_index(ws)
    assert index["instagram:code:C4xYz12AbCd"] == "giulia-reel-1"
    assert index["tiktok:id:7351122334455667788"] == "minji-tt-2"
    assert index["youtube:id:Ab1Cd2Ef3Gh"] == "leo-short-1"
    with ws.store.transaction():
        ws.store.execute(
            "INSERT INTO posts (workspace_id, id, campaign_id, influencer_id, platform, "
            "content_type, url, reused) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [ws.id, "giulia-reel-copy", "spring24", "giulia", "instagram", "reel",
             "https://instagram.com/reel/C4xYz12AbCd", False])
        # a post whose own id looks like another post's TikTok video id
        ws.store.execute(
            "INSERT INTO posts (workspace_id, id, campaign_id, influencer_id, platform, "
            "content_type, url, reused) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [ws.id, "7349876543210987654", "spring24", "minji", "tiktok", "video", None, False])
    index = insights.post_index(ws)
    assert "instagram:code:C4xYz12AbCd" not in index  # ambiguous: credited to neither
    assert index["tiktok:id:7349876543210987654"] == "minji-tt-1"  # the URL wins


def test_decay_curves_from_the_store(ws: Workspace) -> None:
    load(ws, "instagram-insights", INSIGHTS / "instagram_content_2024-03-23.csv",
         datetime(2024, 3, 23, 9))
    load(ws, "instagram-insights", INSIGHTS / "instagram_content_2024-03-27.csv",
         datetime(2024, 3, 27, 9))
    curves = insights.decay_curves(ws, metric="views", by="content_type", days=8)
    reel = curves[curves["content_type"] == "reel"].set_index("day")
    # giulia-reel-1 was published 20 March 17:30 UTC; snapshots 23 and 27 March 08:00 UTC
    first = (pd.Timestamp("2024-03-23 08:00") - pd.Timestamp("2024-03-20 17:30")) / pd.Timedelta(
        days=1)
    last = first + 4
    share = 12400 / 15000
    assert reel.loc[1, "median"] == pytest.approx(share * 1 / first)
    assert reel.loc[4, "median"] == pytest.approx(share + (1 - share) * (4 - first) / 4)
    assert reel.loc[6, "median"] == pytest.approx(share + (1 - share) * (6 - first) / 4)
    assert pd.isna(reel.loc[7, "median"]) and reel.loc[7, "observed"] == 0 < last
    assert reel.loc[0, "posts"] == 1
    assert reel["days_to_50"].iloc[0] == pytest.approx(0.5 / share * first)
    assert reel["days_to_90"].iloc[0] == pytest.approx(first + (0.9 - share) / (1 - share) * 4)
    by_platform = insights.decay_curves(ws, metric="engagements", by="platform", days=3)
    assert set(by_platform["platform"]) == {"instagram"}
    assert list(by_platform["posts"]) == [2] * 4
