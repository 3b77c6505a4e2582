"""Goal pacing and performance pay on the hand-built world, worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

import creatorroi

import world


@pytest.fixture
def ws(tmp_path) -> creatorroi.Workspace:  # type: ignore[no-untyped-def]
    ws = world.build(creatorroi.connect(str(tmp_path / "s.duckdb")))
    world.put(ws, "goals", [
        dict(id="orders", campaign_id="easter", metric="orders", target=Decimal(10),
             baseline=Decimal(4), deadline=date(2024, 4, 7)),
        dict(id="jisoo-rev", campaign_id="easter", metric="revenue", target=Decimal(200),
             deadline=date(2024, 4, 7), influencer_id="jisoo"),
        dict(id="ig-impr", campaign_id="easter", metric="impressions", target=Decimal(15000),
             deadline=date(2024, 4, 7), influencer_id="giulia", platform="instagram"),
        dict(id="odd", campaign_id="easter", metric="vibes", target=Decimal(1),
             deadline=date(2024, 4, 7)),
    ], ["id"])
    world.put(ws, "pay_terms", [
        dict(id="g", influencer_id="giulia", campaign_id="easter", kind="hybrid", currency="EUR",
             flat_minor=5000, per_sale_minor=200, revenue_share=Decimal("0.10"),
             cap_minor=1000),
        dict(id="j", influencer_id="jisoo", campaign_id="easter", kind="per_sale",
             currency="USD", per_sale_minor=100),
    ], ["id"])
    return ws


def test_goal_progress_and_pacing(ws: creatorroi.Workspace) -> None:
    g = ws.goals(as_of=date(2024, 3, 26)).set_index("goal")
    # campaign starts 15 March, deadline 7 April: 11 of 23 days elapsed on 26 March
    assert g.loc["orders", "actual"] == 6
    assert g.loc["orders", "progress_pct"] == pytest.approx(60.0)
    assert g.loc["orders", "expected_by_now"] == pytest.approx(10 * 11 / 23)
    assert g.loc["orders", "status"] == "on track"
    assert g.loc["jisoo-rev", "actual"] == pytest.approx(70.0)      # 40 + 20 + 10
    assert g.loc["jisoo-rev", "status"] == "behind"                 # 70 < 200 x 11/23
    assert g.loc["ig-impr", "actual"] == 16000 and g.loc["ig-impr", "status"] == "met"
    assert g.loc["odd", "status"].startswith("unknown metric")
    after = ws.goals(as_of=date(2024, 4, 10)).set_index("goal")
    assert after.loc["orders", "status"] == "missed"


def test_payouts_from_pay_terms(ws: creatorroi.Workspace) -> None:
    p = ws.payouts().set_index("terms")
    # giulia: 3 sales x 2.00 + 10% of 140.00 = 20.00, capped at 10.00, plus 50.00 flat
    assert p.loc["g", "performance"] == Decimal("20.00")
    assert bool(p.loc["g", "cap_applied"]) is True
    assert p.loc["g", "due"] == Decimal("60.00")
    # jisoo: 3 sales x USD 1.00; in EUR at the latest rate 0.92
    assert p.loc["j", "due"] == Decimal("3.00") and p.loc["j", "currency"] == "USD"
    assert p.loc["j", "due_eur"] == Decimal("2.76")


def test_performers_make_the_documented_call(ws: creatorroi.Workspace) -> None:
    perf = ws.performers(1).set_index("influencer")
    assert perf.loc["@giulia.skin", "group"] == "top"
    assert perf.loc["@giulia.skin", "call"] == "renegotiate"       # ROI 16.7%: 0 <= ROI < 100
    assert perf.loc["@jisoo.glow", "call"] == "drop"                # ROI < 0, no engagement data
