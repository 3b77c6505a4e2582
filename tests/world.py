"""A tiny brand written straight into a store, small enough to compute every KPI by hand.

Rows go in through ``Store.upsert`` (the same write path imports use) so attribution and KPI
tests do not depend on file parsing. Money below is in minor units (cents).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from creatorroi.workspace import App, Workspace

UTC = "UTC"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert(UTC) if "+" in text or text.endswith("Z") else \
        pd.Timestamp(text, tz=UTC)


def put(ws: Workspace, table: str, rows: list[dict[str, Any]], key: list[str]) -> None:
    cols = ws.store.columns(table)[1:]
    frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    for c in cols:
        if c.endswith("_at"):
            frame[c] = pd.to_datetime(frame[c], utc=True)
        elif c.endswith("_minor") or c in ("followers", "sessions") or c in (
                "reach", "impressions", "views", "likes", "comments", "shares", "saves",
                "link_clicks", "profile_visits", "follows"):
            frame[c] = frame[c].astype("Int64")
    ws.store.upsert(table, frame, key, workspace_id=ws.id)
    ws.store.execute("UPDATE workspaces SET attributed_at = NULL WHERE id = ?", [ws.id])


def order(id: str, at: str, net: int, *, status: str = "paid", cancelled: bool = False,
          currency: str = "EUR", visitor: str | None = None, landing: str | None = None,
          click: str | None = None, affiliate: str | None = None, customer: str | None = None,
          new: bool | None = None, refunded: int = 0) -> dict[str, Any]:
    return dict(id=id, source="test", order_number=id, created_at=ts(at), source_tz="UTC",
                currency=currency, gross_minor=net + refunded, discount_minor=0,
                refunded_minor=refunded, net_minor=net, status=status, cancelled=cancelled,
                landing_page=landing, referrer=None, customer_hash=customer, visitor_id=visitor,
                click_id=click, affiliate_id=affiliate, is_new_customer=new,
                is_subscription=False)


def build(app: App, ws_id: str = "w") -> Workspace:
    """Two influencers, one campaign, every attribution method exercised once or twice."""
    ws = app.create_workspace(ws_id, "Test brand", "EUR", "Europe/Rome", "it")
    put(ws, "influencers", [dict(id="giulia", name="Giulia Rossi", aliases=None, country="IT"),
                            dict(id="jisoo", name="김지수", aliases="Kim Jisoo", country="KR")],
        ["id"])
    put(ws, "accounts", [
        dict(id="instagram:giulia.skin", influencer_id="giulia", platform="instagram",
             handle="giulia.skin"),
        dict(id="tiktok:jisoo.glow", influencer_id="jisoo", platform="tiktok",
             handle="jisoo.glow")], ["id"])
    put(ws, "follower_snapshots", [
        dict(account_id="instagram:giulia.skin", captured_at=ts("2024-03-01T00:00:00Z"),
             followers=48_000),
        dict(account_id="tiktok:jisoo.glow", captured_at=ts("2024-03-01T00:00:00Z"),
             followers=250_000)], ["account_id", "captured_at"])
    put(ws, "campaigns", [dict(id="easter", name="Easter", goal_family="sales",
                               funnel_stage="bofu", starts_on=date(2024, 3, 15),
                               ends_on=date(2024, 4, 7), always_on=False)], ["id"])
    put(ws, "posts", [
        dict(id="g1", campaign_id="easter", influencer_id="giulia", platform="instagram",
             content_type="reel", published_at=ts("2024-03-20T17:00:00Z"), reused=True),
        dict(id="j1", campaign_id="easter", influencer_id="jisoo", platform="tiktok",
             content_type="video", published_at=ts("2024-03-21T10:00:00Z"), reused=False)],
        ["id"])
    put(ws, "tracking_assets", [
        dict(id="g-code", kind="promo_code", influencer_id="giulia", campaign_id="easter",
             match_key="EASTER24_GIULIA"),
        dict(id="g-link", kind="utm_link", influencer_id="giulia", campaign_id="easter",
             post_id="g1", match_key="giulia", utm_source="ig", utm_medium="influencer",
             utm_campaign="giulia"),
        dict(id="j-code", kind="promo_code", influencer_id="jisoo", campaign_id="easter",
             match_key="EASTER24_JISOO"),
        dict(id="j-page", kind="landing_page", influencer_id="jisoo", campaign_id="easter",
             match_key="/pages/jisoo"),
        dict(id="j-aff", kind="affiliate", influencer_id="jisoo", campaign_id="easter",
             match_key="AFF-J"),
    ], ["id"])
    put(ws, "orders", [
        order("1", "2024-03-21T10:00:00Z", 5000, visitor="v1", customer="c1"),  # code + utm
        order("2", "2024-03-22T10:00:00Z", 3000, visitor="v2", customer="c2"),  # utm only
        order("3", "2024-03-22T11:00:00Z", 4000, customer="c3"),                # code jisoo
        order("4", "2024-03-23T09:00:00Z", 2000, landing="/pages/jisoo", customer="c1"),
        order("5", "2024-03-23T12:00:00Z", 1000, affiliate="AFF-J", customer="c4"),
        order("6", "2024-03-24T12:00:00Z", 6000, customer="c5"),                # survey giulia
        order("7", "2024-03-24T13:00:00Z", 7000, customer="c6"),                # nothing
        order("8", "2024-03-25T13:00:00Z", 9000, status="refunded", customer="c7"),  # refunded
        order("9", "2024-03-25T14:00:00Z", 1500, visitor="v9", customer="c8"),  # utm too old
    ], ["id"])
    put(ws, "order_codes", [dict(order_id="1", code="EASTER24_GIULIA"),
                            dict(order_id="3", code="EASTER24_JISOO"),
                            dict(order_id="8", code="EASTER24_GIULIA")], ["order_id", "code"])
    put(ws, "sessions", [
        dict(id="s1", source="t", started_at=ts("2024-03-21T09:50:00Z"), sessions=1,
             visitor_id="v1", utm_source="ig", utm_medium="influencer", utm_campaign="giulia"),
        dict(id="s2", source="t", started_at=ts("2024-03-20T10:00:00Z"), sessions=1,
             visitor_id="v2", utm_source="ig", utm_medium="influencer", utm_campaign="giulia"),
        dict(id="s9", source="t", started_at=ts("2024-03-10T10:00:00Z"), sessions=1,
             visitor_id="v9", utm_source="ig", utm_medium="influencer", utm_campaign="giulia"),
        dict(id="s0", source="t", started_at=ts("2024-03-21T08:00:00Z"), sessions=5,
             visitor_id=None, utm_source="google", utm_medium="organic", utm_campaign=None),
    ], ["id"])
    put(ws, "survey_answers", [
        dict(id="r6", order_id="6", answer="Giulia Rossi su IG"),
        dict(id="r7", order_id="7", answer="instagram"),
    ], ["id"])
    put(ws, "costs", [
        dict(id="c1", category="fee", amount_minor=10000, currency="EUR",
             incurred_on=date(2024, 3, 20), influencer_id="giulia", campaign_id="easter"),
        dict(id="c2", category="samples", amount_minor=2000, currency="EUR",
             incurred_on=date(2024, 3, 15), influencer_id="giulia", campaign_id="easter",
             post_id="g1"),
        dict(id="c3", category="fee", amount_minor=10000, currency="USD",
             incurred_on=date(2024, 3, 21), influencer_id="jisoo", campaign_id="easter"),
    ], ["id"])
    put(ws, "fx_rates", [dict(base="USD", quote="EUR", rate_date=date(2024, 3, 1),
                              rate=Decimal("0.9")),
                         dict(base="USD", quote="EUR", rate_date=date(2024, 3, 21),
                              rate=Decimal("0.92"))], ["base", "quote", "rate_date"])
    put(ws, "post_metrics", [
        dict(post_id="g1", captured_at=ts("2024-03-21T17:00:00Z"), reach=5000,
             impressions=8000, likes=400, comments=30, shares=10, saves=60, link_clicks=200),
        dict(post_id="g1", captured_at=ts("2024-03-27T17:00:00Z"), reach=10000,
             impressions=16000, likes=800, comments=60, shares=20, saves=120, link_clicks=400),
    ], ["post_id", "captured_at"])
    # as an imported card does, this one replaces instagram's default card
    ws.store.execute("DELETE FROM emv_rates WHERE platform = 'instagram'")
    put(ws, "emv_rates", [dict(platform="instagram", action="impressions",
                               rate=Decimal("0.005"), currency="EUR"),
                          dict(platform="instagram", action="likes", rate=Decimal("0.10"),
                               currency="EUR")], ["platform", "action"])
    return ws


def now() -> datetime:
    return datetime(2024, 4, 1)
