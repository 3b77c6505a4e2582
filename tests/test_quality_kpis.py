"""Sentiment, compliance, audience quality and target reach as KPIs, checked by hand on the
tiny world (two posts: g1 by giulia on Instagram, j1 by jisoo on TikTok)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from creatorroi.workspace import open_store

from world import build, put, ts

LOW_ER = {"code": "engagement_low", "penalty": 30,
          "msgid": "Engagement rate {rate} is far below the benchmark {benchmark}.",
          "values": {"rate": "0.4%", "benchmark": "3.1%"}}
SPIKE = {"code": "follower_spike", "penalty": 10,
         "msgid": "Followers jumped by {count} on {day} with no viral post to explain it.",
         "values": {"count": "12,000", "day": "2024-03-02"}}


def add_quality(ws) -> None:  # type: ignore[no-untyped-def]
    """Comments, check results, audits, a brief's target and demographics for the world."""
    comment = dict(kind="comment", platform=None, author_hash=None, likes=None, url=None,
                   influencer_id=None, language="en", sentiment_backend="test")
    put(ws, "comments", [
        {**comment, "id": "c1", "post_id": "g1", "created_at": ts("2024-03-20T18:00:00Z"),
         "text": "love", "sentiment": 0.8, "sentiment_label": "positive"},
        {**comment, "id": "c2", "post_id": "g1", "created_at": ts("2024-03-21T18:00:00Z"),
         "text": "meh", "sentiment": 0.0, "sentiment_label": "neutral"},
        {**comment, "id": "c3", "post_id": "g1", "created_at": None,
         "text": "bad", "sentiment": -0.5, "sentiment_label": "negative"},
        {**comment, "id": "c4", "post_id": "j1", "created_at": ts("2024-03-22T01:00:00Z"),
         "text": "좋아요", "sentiment": 0.6, "sentiment_label": "positive"},
        # a comment on a post this workspace does not have counts nowhere
        {**comment, "id": "c5", "post_id": "zz", "created_at": ts("2024-03-22T01:00:00Z"),
         "text": "x", "sentiment": 1.0, "sentiment_label": "positive"},
        {**comment, "id": "m1", "kind": "mention", "post_id": None, "influencer_id": "giulia",
         "created_at": ts("2024-03-23T08:00:00Z"), "text": "@brand ok", "sentiment": 0.2,
         "sentiment_label": "positive"},
    ], ["id"])
    at = ts("2024-03-26T06:00:00Z")
    put(ws, "content_checks", [
        dict(post_id="g1", check_name="posted", status="ok", checked_at=at),
        dict(post_id="g1", check_name="disclosure", status="fail", checked_at=at),
        dict(post_id="j1", check_name="posted", status="ok", checked_at=at),
        dict(post_id="j1", check_name="hashtags", status="warn", checked_at=at),
    ], ["post_id", "check_name"])
    put(ws, "audience_audits", [
        dict(account_id="instagram:giulia.skin", audited_at=at, score=82.5, verdict="pass",
             reasons="[]"),
        dict(account_id="tiktok:jisoo.glow", audited_at=at, score=41.0, verdict="fail",
             reasons=json.dumps([SPIKE, LOW_ER])),
    ], ["account_id"])
    put(ws, "briefs", [dict(campaign_id="easter", influencer_id="", require_link=False,
                            require_code=False, grace_days=0, target_countries="IT|CH",
                            target_genders="female")], ["campaign_id", "influencer_id"])
    demo = []
    # g1: an older post snapshot (ignored) and the latest one
    for captured, it in (("2024-03-22T00:00:00Z", 0.9), ("2024-03-27T00:00:00Z", 0.6)):
        demo += [dict(subject="post", subject_id="g1", captured_at=ts(captured),
                      dimension="country", bucket="IT", share=it),
                 dict(subject="post", subject_id="g1", captured_at=ts(captured),
                      dimension="country", bucket="CH", share=0.1),
                 dict(subject="post", subject_id="g1", captured_at=ts(captured),
                      dimension="country", bucket="KR", share=1 - it - 0.1),
                 dict(subject="post", subject_id="g1", captured_at=ts(captured),
                      dimension="gender", bucket="female", share=0.8)]
    # j1 has no post demographics: its account's are used (no gender, so target unknown)
    demo.append(dict(subject="account", subject_id="tiktok:jisoo.glow",
                     captured_at=ts("2024-03-27T00:00:00Z"), dimension="country", bucket="IT",
                     share=0.05))
    put(ws, "audience_demographics", demo,
        ["subject", "subject_id", "captured_at", "dimension", "bucket"])


def test_quality_kpis_by_post_and_campaign(store_url: str) -> None:
    ws = build(open_store(store_url))
    add_quality(ws)
    by_post = ws.kpis("post").set_index("post")
    g1, j1 = by_post.loc["g1"], by_post.loc["j1"]
    assert g1["comments_scored"] == 3 and j1["comments_scored"] == 1
    assert g1["sentiment"] == pytest.approx((0.8 + 0.0 - 0.5) / 3, abs=1e-9)
    assert g1["positive_comment_share"] == pytest.approx(100 / 3)
    assert g1["negative_comment_share"] == pytest.approx(100 / 3)
    assert j1["sentiment"] == pytest.approx(0.6)
    assert g1["compliance_rate"] == 0 and j1["compliance_rate"] == 100
    assert g1["audience_quality"] == pytest.approx(82.5)
    assert j1["audience_quality"] == pytest.approx(41.0)
    # latest g1 snapshot: (0.6 + 0.1) in-country x 0.8 female of reach 10,000
    assert g1["target_reach"] == round(10_000 * 0.7 * 0.8)
    assert g1["target_share"] == pytest.approx(56.0)
    # g1 carries giulia's whole 100.00 fee (her only post) + 20.00 samples, over 5,600
    assert float(g1["target_cpm"]) == pytest.approx(120.0 / 5600 * 1000, abs=0.005)
    assert pd.isna(j1["target_reach"])
    camp = ws.kpis("campaign").set_index("campaign").loc["easter"]
    assert camp["sentiment"] == pytest.approx((0.8 + 0.0 - 0.5 + 0.6) / 4)
    assert camp["compliance_rate"] == 50
    assert camp["audience_quality"] == pytest.approx((82.5 + 41.0) / 2)
    inf = ws.kpis("influencer").set_index("influencer")
    assert inf.loc["@giulia.skin", "mentions"] == 1
    assert inf.loc["@jisoo.glow", "mentions"] == 0


def test_comment_days_follow_the_workspace_zone(store_url: str) -> None:
    ws = build(open_store(store_url))
    add_quality(ws)
    # c4 was written 2024-03-22 01:00 UTC = 02:00 in Rome: the 22nd; c3 has no time and takes
    # g1's publication day (the 20th), as does c1 (18:00 UTC = 19:00 in Rome).
    days = ws.kpis("day").set_index("day")["comments_scored"]
    assert days.get(date(2024, 3, 20)) == 2
    assert days.get(date(2024, 3, 21)) == 1
    assert days.get(date(2024, 3, 22)) == 1
    only = ws.kpis("post", start=date(2024, 3, 21), end=date(2024, 3, 21)).set_index("post")
    assert only.loc["g1", "sentiment"] == pytest.approx(0.0)
