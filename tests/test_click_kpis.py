"""Short-link click KPIs on the hand-built world: clicks, unique clicks, CTR and CPC."""

from decimal import Decimal

import pandas as pd
import pytest

import creatorroi

import world
from world import put, ts


def _click(id: str, at: str, visitor: str | None, *, ua: str = "Mozilla/5.0 Instagram",
           slug: str = "giulia", bot: bool = False) -> dict[str, object]:
    return dict(id=id, slug=slug, clicked_at=ts(at), visitor_hash=visitor, user_agent=ua,
                referrer=None, is_bot=bot)


@pytest.fixture
def ws(store_url: str) -> creatorroi.Workspace:
    ws = world.build(creatorroi.connect(store_url))
    put(ws, "clicks", [
        # v1: 10:00, 10:20 (repeat), 10:45 (repeat: 25 min after the last), 11:30 (new visit)
        _click("c1", "2024-03-21T10:00:00Z", "v1"),
        _click("c2", "2024-03-21T10:20:00Z", "v1"),
        _click("c3", "2024-03-21T10:45:00Z", "v1"),
        _click("c4", "2024-03-21T11:30:00Z", "v1"),
        # same hash, other browser: another visitor
        _click("c5", "2024-03-21T10:05:00Z", "v1", ua="Mozilla/5.0 TikTok"),
        # no visitor hash: always unique
        _click("c6", "2024-03-21T10:06:00Z", None),
        _click("c7", "2024-03-21T10:07:00Z", None),
        # a link previewer: not a click at all
        _click("c8", "2024-03-21T10:08:00Z", "v2", ua="facebookexternalhit/1.1", bot=True),
        # a slug nobody issued: not credited to anyone
        _click("c9", "2024-03-21T10:09:00Z", "v3", slug="unknown"),
    ], ["id"])
    return ws


def test_clicks_and_unique_clicks_by_hand(ws: creatorroi.Workspace) -> None:
    k = ws.kpis("influencer")
    g = k[k.influencer == "@giulia.skin"].iloc[0]
    assert g.clicks == 7                     # c1-c7; c8 is a bot, c9 is on no issued link
    assert g.unique_clicks == 5              # c1, c4, c5, c6, c7
    # post g1's latest snapshot has 16000 impressions; cost 120.00
    assert g.short_link_ctr == pytest.approx(7 / 16000 * 100)
    assert g.short_link_cpc == Decimal("17.14")         # 120.00 / 7, rounded half-even
    j = k[k.influencer == "@jisoo.glow"].iloc[0]
    assert j.clicks == 0 and j.unique_clicks == 0       # the workspace has clicks: a true zero


def test_clicks_fall_on_the_local_day_of_the_post(ws: creatorroi.Workspace) -> None:
    k = ws.kpis(["day", "post"])
    clicked = k[k.clicks.fillna(0) > 0]
    # 2024-03-21 10:00-11:30 UTC is the same day in Europe/Rome; the link names post g1
    assert list(clicked["day"].astype(str)) == ["2024-03-21"]
    assert list(clicked["post"]) == ["g1"]
    assert int(clicked.clicks.iloc[0]) == 7


def test_kpis_without_any_click_data_are_missing(store_url: str) -> None:
    ws = world.build(creatorroi.connect(store_url))
    g = ws.kpis("influencer")
    row = g[g.influencer == "@giulia.skin"].iloc[0]
    assert pd.isna(row.clicks) and pd.isna(row.unique_clicks) and pd.isna(row.short_link_ctr)
