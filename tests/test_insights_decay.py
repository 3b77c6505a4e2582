"""Decay curves (metrics.decay): values worked out by hand on a small example, invariants on
random cumulative series, and the `insights decay` command."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from creatorroi import insights
from creatorroi.cli_insights import insights_app
from creatorroi.errors import CreatorROIError
from creatorroi.ingest import ParseContext, parse_file
from creatorroi.metrics import decay
from creatorroi.workspace import open_store

T0 = pd.Timestamp("2024-03-01 00:00", tz="UTC")
DAY = pd.Timedelta(days=1)
POSTS = pd.DataFrame({
    "id": ["a", "b", "c", "unpublished", "zero"],
    "published_at": [T0, T0 + 0.5 * DAY, T0 + DAY, pd.NaT, T0],
    "content_type": ["reel", "reel", "carousel", "reel", "reel"],
    "platform": ["instagram", "tiktok", "instagram", "instagram", "instagram"],
})


def snapshot(post: str, at: pd.Timestamp, views: float | None, likes: float | None = None,
             saves: float | None = None) -> dict[str, object]:
    return {"post_id": post, "captured_at": at, "views": views, "likes": likes,
            "comments": None, "shares": None, "saves": saves}


SNAPSHOTS = pd.DataFrame([
    # a: published day 0; 400 at day 1, 800 at day 3, 1000 at day 5
    snapshot("a", T0 + DAY, 400), snapshot("a", T0 + 3 * DAY, 800),
    snapshot("a", T0 + 5 * DAY, 1000),
    snapshot("a", T0 - DAY, 5),  # before publication: ignored
    # b: published day 0.5; 300 at 2 days old, 600 at 4 days old (listed out of order)
    snapshot("b", T0 + 4.5 * DAY, 600), snapshot("b", T0 + 2.5 * DAY, 300),
    # c: published day 1; 50 at half a day old, 100 at 2 days old (and engagements below)
    snapshot("c", T0 + 1.5 * DAY, 50, likes=10, saves=None),
    snapshot("c", T0 + 3 * DAY, 100, likes=30, saves=10),
    snapshot("unpublished", T0 + DAY, 10),  # no publication time: no age
    snapshot("zero", T0 + DAY, 0),  # a latest value of 0 has no shares
])


def test_views_curves_by_content_type_worked_by_hand() -> None:
    out = decay.curves(SNAPSHOTS, POSTS, "views", "content_type", days=6)
    reel = out[out["content_type"] == "reel"].set_index("day")
    # a: corners (0,0) (1,.4) (3,.8) (5,1) -> days 0..5: 0 .4 .6 .8 .9 1; day 6 unobserved
    # b: corners (0,0) (2,.5) (4,1)        -> days 0..4: 0 .25 .5 .75 1; days 5, 6 unobserved
    expected = {0: (0, 0, 0), 1: (.325, .2875, .3625), 2: (.55, .525, .575),
                3: (.775, .7625, .7875), 4: (.95, .925, .975), 5: (1, 1, 1)}
    for day, (median, q1, q3) in expected.items():
        assert reel.loc[day, ["median", "q1", "q3"]].tolist() == pytest.approx([median, q1, q3])
    assert reel["observed"].tolist() == [2, 2, 2, 2, 2, 1, 0]
    assert pd.isna(reel.loc[6, "median"])
    assert set(reel["posts"]) == {2}  # 'unpublished' and 'zero' are not counted
    # a reaches 50 % at 1.5 days and 90 % at 4; b at 2 and 3.6: medians 1.75 and 3.8
    assert reel["days_to_50"].iloc[0] == pytest.approx(1.75)
    assert reel["days_to_90"].iloc[0] == pytest.approx(3.8)
    carousel = out[out["content_type"] == "carousel"].set_index("day")
    # c: corners (0,0) (.5,.5) (2,1) -> day 1 = .5 + .5 * (.5 / 1.5)
    assert carousel["median"].tolist()[:3] == pytest.approx([0, 0.5 + 0.5 / 3, 1])
    assert carousel["observed"].tolist() == [1, 1, 1, 0, 0, 0, 0]
    assert carousel["days_to_50"].iloc[0] == pytest.approx(0.5)
    assert carousel["days_to_90"].iloc[0] == pytest.approx(0.5 + 0.8 * 1.5)


def test_engagements_sum_the_parts_the_export_has() -> None:
    out = decay.curves(SNAPSHOTS, POSTS, "engagements", "platform", days=2)
    instagram = out[out["platform"] == "instagram"].set_index("day")
    # only c has engagements: 10 (likes only) then 40 -> corners (0,0) (.5,.25) (2,1)
    assert instagram["posts"].tolist() == [1, 1, 1]
    assert instagram["median"].tolist() == pytest.approx([0, 0.25 + 0.75 / 3, 1])
    assert set(out["platform"]) == {"instagram"}  # b (tiktok) has no engagement numbers


def test_a_snapshot_at_publication_replaces_the_origin() -> None:
    curve = decay.post_curve(np.array([0.0, 2.0]), np.array([10.0, 20.0]))
    assert curve is not None
    t, s = curve
    assert t.tolist() == [0, 2] and s.tolist() == [0.5, 1]
    assert decay.days_to(t, s, 0.5) == 0


def test_no_snapshots_gives_an_empty_frame() -> None:
    out = decay.curves(SNAPSHOTS.iloc[0:0], POSTS, "views", "content_type", days=3)
    assert out.empty and list(out.columns) == ["content_type", *decay.COLUMNS]


@pytest.mark.parametrize(("kw", "match"), [
    ({"metric": "clicks"}, "unknown metric"), ({"by": "tier"}, "unknown grouping"),
    ({"days": -1}, "negative")])
def test_bad_arguments(kw: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        decay.curves(SNAPSHOTS, POSTS, **kw)  # type: ignore[arg-type]


ages = st.lists(st.floats(0.01, 60, allow_nan=False), min_size=1, max_size=8, unique=True)
steps = st.lists(st.integers(0, 10_000), min_size=8, max_size=8)


@given(ages=ages, steps=steps, days=st.integers(0, 70))
def test_cumulative_series_give_monotone_shares_within_zero_and_one(
        ages: list[float], steps: list[int], days: int) -> None:
    ages = sorted(ages)
    values = np.cumsum(steps[:len(ages)]).astype(float)
    frame = pd.DataFrame([snapshot("p", T0 + a * DAY, v) for a, v in zip(ages, values,
                                                                           strict=True)])
    posts = POSTS.iloc[:1].assign(id="p")
    per_post = decay.post_shares(frame, posts, "views", "content_type", days)
    if values[-1] == 0:
        assert per_post.empty
        return
    shares = per_post["share"].dropna().to_numpy()
    assert len(shares) == min(days, int(np.floor(ages[-1]))) + 1  # nothing past the last
    assert ((shares >= 0) & (shares <= 1)).all()
    assert (np.diff(shares) >= -1e-12).all()
    t50, t90 = per_post["days_to_50"].iloc[0], per_post["days_to_90"].iloc[0]
    assert 0 <= t50 <= t90 <= ages[-1]


# ---- service and command -----------------------------------------------------------------

INSIGHTS = Path(__file__).resolve().parent / "data" / "insights"


def test_decay_command(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    ws = open_store(store).create_workspace("w", "Brand", "EUR", "Europe/Rome", "en")
    for kind in ("influencers", "campaigns", "posts"):
        ws.import_file(kind, INSIGHTS / f"{kind}.csv")
    for name, at in (("instagram_content_2024-03-23.csv", datetime(2024, 3, 23, 9)),
                     ("instagram_content_2024-03-27.csv", datetime(2024, 3, 27, 9))):
        ctx = ParseContext(timezone=ws.timezone, captured_at=at,
                           post_index=insights.post_index(ws))
        frame = parse_file(INSIGHTS / name, "instagram-insights", ctx).tables["post_metrics"]
        with ws.store.transaction():
            ws.store.upsert("post_metrics", frame, ["post_id", "captured_at"],
                            workspace_id=ws.id)
    runner = CliRunner()
    result = runner.invoke(insights_app, ["decay", "--days", "3", "--format", "json",
                                          "--store", store, "--workspace", "w"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {(r["content_type"], r["day"]) for r in records} == {
        (t, d) for t in ("carousel", "reel") for d in range(4)}
    assert all(r["posts"] == 1 for r in records)
    table = runner.invoke(insights_app, ["decay", "--by", "platform", "--metric",
                                         "engagements", "--store", store])
    assert table.exit_code == 0 and "instagram" in table.output
    with pytest.raises(CreatorROIError, match="unknown metric 'clicks'"):
        insights.decay_curves(ws, metric="clicks")
    with pytest.raises(CreatorROIError, match="between 0 and 3650"):
        insights.decay_curves(ws, days=5000)
