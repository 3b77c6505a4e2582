"""Invariants of attribution over random brands (hypothesis), on a real DuckDB store.

Whatever the orders, codes, sessions and survey answers: every order is credited at most
once, only eligible orders are credited, credited revenue never exceeds total revenue, KPI
totals equal the credited revenue, and writing the same rows again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import creatorroi

import world

INFLUENCERS = ["ana", "bo", "cy"]
T0 = pd.Timestamp("2024-05-01T00:00:00Z")

orders_st = st.lists(
    st.fixed_dictionaries({
        "minutes": st.integers(0, 60 * 24 * 20),
        "net": st.integers(0, 50_000),
        "status": st.sampled_from(["paid", "paid", "refunded", "partially_refunded", "voided"]),
        "cancelled": st.booleans(),
        "code": st.one_of(st.none(), st.sampled_from([*INFLUENCERS, "nobody"])),
        "visitor": st.one_of(st.none(), st.sampled_from(["v1", "v2", "v3", "v4"])),
        "survey": st.one_of(st.none(), st.sampled_from([*INFLUENCERS, "instagram"])),
    }),
    min_size=1, max_size=25,
)
sessions_st = st.lists(
    st.tuples(st.integers(0, 60 * 24 * 20), st.sampled_from(["v1", "v2", "v3", "v4"]),
              st.sampled_from([*INFLUENCERS, "other"])),
    max_size=25,
)


def _brand(tmp: Path) -> creatorroi.Workspace:
    ws = creatorroi.connect(str(tmp / "p.duckdb")).create_workspace("p", "P", "EUR", "UTC")
    world.put(ws, "influencers", [dict(id=i, name=f"{i} name") for i in INFLUENCERS], ["id"])
    world.put(ws, "campaigns", [dict(id="c", name="C", goal_family="sales", funnel_stage="bofu",
                                     starts_on=date(2024, 1, 1), always_on=True)], ["id"])
    world.put(ws, "tracking_assets", [
        *(dict(id=f"{i}-code", kind="promo_code", influencer_id=i, campaign_id="c",
               match_key=f"CODE_{i.upper()}") for i in INFLUENCERS),
        *(dict(id=f"{i}-link", kind="utm_link", influencer_id=i, campaign_id="c", match_key=i,
               utm_source="ig", utm_campaign=i) for i in INFLUENCERS)], ["id"])
    world.put(ws, "costs", [dict(id="fee", category="fee", amount_minor=1000, currency="EUR",
                                 incurred_on=date(2024, 5, 1), influencer_id="ana",
                                 campaign_id="c")], ["id"])
    return ws


def _write(ws: creatorroi.Workspace, orders: list[dict], sessions: list[tuple]) -> None:  # type: ignore[type-arg]
    world.put(ws, "orders", [
        world.order(str(n), str(T0 + timedelta(minutes=o["minutes"])), o["net"],
                    status=o["status"], cancelled=o["cancelled"], visitor=o["visitor"],
                    customer=f"c{n % 5}")
        for n, o in enumerate(orders)], ["id"])
    world.put(ws, "order_codes", [dict(order_id=str(n), code=f"CODE_{o['code'].upper()}")
                                  for n, o in enumerate(orders) if o["code"]],
              ["order_id", "code"])
    world.put(ws, "sessions", [
        dict(id=f"s{k}", source="t", started_at=T0 + timedelta(minutes=m), sessions=1,
             visitor_id=v, utm_source="ig", utm_campaign=c)
        for k, (m, v, c) in enumerate(sessions)], ["id"])
    world.put(ws, "survey_answers", [dict(id=f"r{n}", order_id=str(n), answer=f"{o['survey']} name")
                                     for n, o in enumerate(orders) if o["survey"]], ["id"])


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(orders=orders_st, sessions=sessions_st)
def test_attribution_invariants(tmp_path_factory, orders, sessions) -> None:  # type: ignore[no-untyped-def]
    ws = _brand(tmp_path_factory.mktemp("prop"))
    _write(ws, orders, sessions)
    credited = ws.attributions()
    assert credited["order_id"].is_unique

    eligible = {str(n): o["net"] for n, o in enumerate(orders)
                if not o["cancelled"] and o["status"] not in ("refunded", "voided")
                and o["net"] > 0}
    assert set(credited["order_id"]) <= set(eligible)
    credited_minor = sum(eligible[i] for i in credited["order_id"])
    assert credited_minor <= sum(eligible.values())

    total = ws.kpis([]).iloc[0]
    assert total.revenue == Decimal(credited_minor).scaleb(-2)
    assert total.orders == len(credited)
    # A coded eligible order is always credited to its code's influencer (code comes first).
    by_order = dict(zip(credited["order_id"], credited["influencer_id"], strict=True))
    for n, o in enumerate(orders):
        if str(n) in eligible and o["code"] in INFLUENCERS:
            assert by_order[str(n)] == o["code"]

    before = ws.kpis("influencer")
    _write(ws, orders, sessions)              # the same rows again
    pd.testing.assert_frame_equal(ws.kpis("influencer"), before)
    pd.testing.assert_frame_equal(ws.attributions(), credited)
