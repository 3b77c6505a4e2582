"""Creating campaigns and goals (core, no HTTP), goal pacing and deliverable status, on both
backends; expectations worked out by hand from tests/world.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creatorroi.campaigns import DuplicateError, FieldError, add_goal, create_campaign
from creatorroi.dashboard.campaigns import (
    AHEAD_MARGIN,
    expected_progress,
    goal_progress,
    pace_status,
)
from creatorroi.errors import ConfigError
from creatorroi.quality.schedule import judge
from creatorroi.workspace import Workspace, open_store

import world


@pytest.fixture
def ws(store_url: str) -> Iterator[Workspace]:
    app = open_store(store_url)
    yield world.build(app, "w")
    app.close()


def _spring(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict(id="spring", name="Spring glow", goal_family="sales",
                                funnel_stage="bofu", starts_on=date(2024, 4, 1),
                                ends_on=date(2024, 4, 30))
    base.update(changes)
    return base


def _attributed(ws: Workspace) -> bool:
    return ws.store.fetch("SELECT attributed_at IS NOT NULL FROM workspaces WHERE id = ?",
                          [ws.id])[0][0]


# -- campaigns -------------------------------------------------------------------------------
def test_create_campaign_stores_the_row_and_marks_attribution_stale(ws: Workspace) -> None:
    ws.attribute()
    assert _attributed(ws)
    before = ws.store.revision(ws.id)
    create_campaign(ws, **_spring(goal_family="Conversions", funnel_stage="bottom",
                                  business_goal="  Raise sales from 200 to 350  ",
                                  budget=Decimal("1500.505"), budget_currency="usd"))
    row = ws.store.fetch("SELECT name, goal_family, funnel_stage, business_goal, message, "
                         "starts_on, ends_on, always_on, budget_minor, budget_currency "
                         "FROM campaigns WHERE workspace_id = ? AND id = 'spring'", [ws.id])[0]
    # aliases parse to the vocabulary; money rounds half-even once, to USD cents
    assert row == ("Spring glow", "sales", "bofu", "Raise sales from 200 to 350", None,
                   date(2024, 4, 1), date(2024, 4, 30), False, 150050, "USD")
    assert not _attributed(ws)
    assert ws.store.revision(ws.id) > before


def test_budget_defaults_to_the_workspace_currency_and_always_on_needs_no_end(
        ws: Workspace) -> None:
    create_campaign(ws, **_spring(ends_on=None, always_on=True, budget=Decimal(900)))
    row = ws.store.fetch("SELECT ends_on, always_on, budget_minor, budget_currency "
                         "FROM campaigns WHERE workspace_id = ? AND id = 'spring'", [ws.id])[0]
    assert row == (None, True, 90000, "EUR")


@pytest.mark.parametrize(("changes", "field"), [
    ({"id": "bad id"}, "id"),
    ({"id": ""}, "id"),
    ({"id": "x" * 65}, "id"),
    ({"name": "   "}, "name"),
    ({"name": "n" * 201}, "name"),
    ({"goal_family": "vibes"}, "goal_family"),
    ({"funnel_stage": "sideways"}, "funnel_stage"),
    ({"ends_on": date(2024, 3, 31)}, "ends_on"),
    ({"always_on": True}, "ends_on"),
    ({"budget": Decimal("-0.01")}, "budget"),
    ({"budget": Decimal(5), "budget_currency": "XYZ"}, "budget_currency"),
    ({"message": "m" * 1001}, "message"),
])
def test_invalid_campaigns_are_refused_naming_the_field(ws: Workspace, changes: dict[str, Any],
                                                         field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        create_campaign(ws, **_spring(**changes))
    assert isinstance(caught.value, FieldError) and caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert ws.store.fetch("SELECT count(*) FROM campaigns WHERE workspace_id = ?",
                          [ws.id])[0][0] == 1


def test_duplicate_campaign_id_is_a_conflict_and_changes_nothing(ws: Workspace) -> None:
    with pytest.raises(DuplicateError) as caught:
        create_campaign(ws, **_spring(id="easter", name="Overwritten"))
    assert caught.value.field == "id"
    assert ws.store.fetch("SELECT name FROM campaigns WHERE workspace_id = ? AND id = 'easter'",
                          [ws.id]) == [("Easter",)]


# -- goals -----------------------------------------------------------------------------------
def test_add_goal_makes_readable_unique_ids(ws: Workspace) -> None:
    first = add_goal(ws, campaign_id="easter", metric="orders", target=10,
                     deadline=date(2024, 4, 7), baseline="4")
    second = add_goal(ws, campaign_id="easter", metric="orders", target=Decimal("12.5"),
                      deadline=date(2024, 4, 7), influencer_id="giulia", platform="IG",
                      description="Giulia's orders")
    assert (first, second) == ("easter-orders", "easter-orders-2")
    rows = ws.store.fetch("SELECT id, target, baseline, starts_on, influencer_id, platform, "
                          "description FROM goals WHERE workspace_id = ? ORDER BY id", [ws.id])
    assert [(r[0], Decimal(str(r[1])), r[2] if r[2] is None else Decimal(str(r[2])), *r[3:])
            for r in rows] == [
        ("easter-orders", Decimal(10), Decimal(4), None, None, None, None),
        ("easter-orders-2", Decimal("12.5"), None, None, "giulia", "instagram",
         "Giulia's orders")]
    # goals change no credit: attribution stays as it was
    ws.attribute()
    add_goal(ws, campaign_id="easter", metric="revenue", target=1, deadline=date(2024, 4, 7))
    assert _attributed(ws)


@pytest.mark.parametrize(("changes", "field"), [
    ({"campaign_id": "nope"}, "campaign_id"),
    ({"metric": "vibes"}, "metric"),
    ({"target": -1}, "target"),
    ({"target": 0}, "target"),
    ({"target": "ten"}, "target"),
    ({"baseline": -3}, "baseline"),
    ({"deadline": date(2024, 3, 14)}, "deadline"),                  # before the campaign start
    ({"starts_on": date(2024, 4, 8)}, "deadline"),                  # before its own start
    ({"influencer_id": "nobody"}, "influencer_id"),
    ({"platform": "myspace"}, "platform"),
    ({"id": "bad id"}, "id"),
])
def test_invalid_goals_are_refused_naming_the_field(ws: Workspace, changes: dict[str, Any],
                                                     field: str) -> None:
    args: dict[str, Any] = dict(campaign_id="easter", metric="orders", target=10,
                                deadline=date(2024, 4, 7))
    args.update(changes)
    with pytest.raises(FieldError) as caught:
        add_goal(ws, **args)
    assert caught.value.field == field and str(caught.value).startswith(f"{field}: ")
    assert ws.store.fetch("SELECT count(*) FROM goals WHERE workspace_id = ?",
                          [ws.id])[0][0] == 0


def test_duplicate_goal_id_is_a_conflict(ws: Workspace) -> None:
    add_goal(ws, campaign_id="easter", metric="orders", target=10, deadline=date(2024, 4, 7),
             id="g-orders")
    with pytest.raises(DuplicateError):
        add_goal(ws, campaign_id="easter", metric="revenue", target=10,
                 deadline=date(2024, 4, 7), id="g-orders")


# -- pacing ----------------------------------------------------------------------------------
def test_expected_progress_by_hand() -> None:
    start, deadline = date(2024, 3, 15), date(2024, 4, 7)          # 23 days
    assert expected_progress(start, deadline, date(2024, 3, 1)) == 0
    assert expected_progress(start, deadline, start) == 0
    assert expected_progress(start, deadline, date(2024, 3, 26)) == pytest.approx(11 / 23 * 100)
    assert expected_progress(start, deadline, deadline) == 100
    assert expected_progress(start, deadline, date(2025, 1, 1)) == 100
    assert expected_progress(start, start, start) == 100             # a one-day goal


@given(start=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
       length=st.integers(0, 3000), a=st.integers(-400, 3400), b=st.integers(-400, 3400))
def test_expected_progress_is_monotonic_from_0_to_100(start: date, length: int, a: int,
                                                      b: int) -> None:
    deadline = start + timedelta(days=length)
    early, late = sorted((a, b))
    x = expected_progress(start, deadline, start + timedelta(days=early))
    y = expected_progress(start, deadline, start + timedelta(days=late))
    assert 0 <= x <= y <= 100
    if length and early <= 0:
        assert x == 0
    if late >= length:
        assert y == 100


@pytest.mark.parametrize(("progress", "expected", "today", "status"), [
    (None, 50.0, date(2024, 3, 26), "no data"),
    (100.0, 50.0, date(2024, 3, 26), "met"),
    (120.0, 100.0, date(2024, 5, 1), "met"),
    (99.0, 100.0, date(2024, 4, 8), "missed"),
    (49.9, 50.0, date(2024, 3, 26), "behind"),
    (50.0, 50.0, date(2024, 3, 26), "on track"),
    (50.0 + AHEAD_MARGIN, 50.0, date(2024, 3, 26), "ahead"),
    (0.0, 100.0, date(2024, 4, 7), "behind"),                         # deadline day: not yet
])
def test_pace_status(progress: float | None, expected: float, today: date,
                     status: str) -> None:
    assert pace_status(progress, expected, today, date(2024, 4, 7)) == status


def test_goal_progress_on_the_world_agrees_with_the_core(ws: Workspace) -> None:
    world.put(ws, "goals", [
        dict(id="orders", campaign_id="easter", metric="orders", target=Decimal(10),
             deadline=date(2024, 4, 7)),
        dict(id="jisoo-rev", campaign_id="easter", metric="revenue", target=Decimal(200),
             deadline=date(2024, 4, 7), influencer_id="jisoo"),
        dict(id="ig-impr", campaign_id="easter", metric="impressions", target=Decimal(15000),
             deadline=date(2024, 4, 7), influencer_id="giulia", platform="instagram"),
    ], ["id"])
    world.put(ws, "goals", [
        dict(id="cost", campaign_id="easter", metric="cost", target=Decimal(300),
             deadline=date(2024, 4, 7)),                            # with the USD fee
        dict(id="tiktok-orders", campaign_id="easter", metric="orders", target=Decimal(5),
             deadline=date(2024, 4, 7), platform="tiktok"),
        dict(id="late-start", campaign_id="easter", metric="revenue", target=Decimal(100),
             starts_on=date(2024, 3, 23), deadline=date(2024, 3, 24)),
        dict(id="nothing", campaign_id="easter", metric="orders", target=Decimal(1),
             deadline=date(2024, 4, 7), influencer_id="giulia", platform="tiktok"),
        dict(id="odd", campaign_id="easter", metric="vibes", target=Decimal(1),
             deadline=date(2024, 4, 7)),
    ], ["id"])
    for day in (date(2024, 3, 14), date(2024, 3, 26), date(2024, 4, 30)):
        mine = goal_progress(ws, day).set_index("goal")
        core = ws.goals(as_of=day).set_index("goal")
        assert sorted(mine.index) == sorted(core.index)
        for goal in core.index:
            a, b = mine.loc[goal, "actual"], core.loc[goal, "actual"]
            assert (a is None) == (b is None or b != b), (day, goal)
            if a is not None:
                assert float(a) == pytest.approx(float(b)), (day, goal)
    g = goal_progress(ws, date(2024, 3, 26)).set_index("goal")
    assert g.loc["cost", "actual"] == Decimal("212.00")             # exact money
    assert g.loc["late-start", "actual"] == Decimal("90.00")        # orders 4-6: 20+10+60
    assert g.loc["nothing", "pace"] == "no data" and g.loc["odd", "pace"] == "unknown"
    # 11 of 23 days: expected 47.8 %; 6 orders of 10 (60 %) is more than 10 points ahead
    assert g.loc["orders", "expected_pct"] == pytest.approx(11 / 23 * 100)
    assert g.loc["orders", "pace"] == "ahead"
    assert g.loc["jisoo-rev", "pace"] == "behind"                   # 70 of 200: 35 %
    assert g.loc["ig-impr", "pace"] == "met"                        # 16,000 impressions
    core = ws.goals(as_of=date(2024, 3, 26)).set_index("goal")["status"]
    same = {"ahead": "on track", "on track": "on track", "behind": "behind", "met": "met",
            "missed": "missed", "no data": "no data"}
    assert {k: same[v] for k, v in g["pace"].items() if v != "unknown"} == \
        {k: v for k, v in core.items() if k != "odd"}
    late = goal_progress(ws, date(2024, 4, 10)).set_index("goal")
    assert late.loc["orders", "pace"] == "missed" and late.loc["orders", "expected_pct"] == 100


# -- deliverables ----------------------------------------------------------------------------
@pytest.mark.parametrize(("planned", "published", "status", "days"), [
    (date(2024, 3, 20), date(2024, 3, 20), "on_time", None),
    (date(2024, 3, 20), date(2024, 3, 22), "late", 2),
    (date(2024, 3, 20), date(2024, 3, 19), "early", None),
    (date(2024, 3, 20), None, "missing", 6),
    (date(2024, 3, 26), None, "upcoming", None),                    # due today: not late yet
    (date(2024, 3, 20), date(2024, 3, 27), "missing", 6),           # live only after today
    (None, date(2024, 3, 20), "unplanned", None),
    (None, None, "unscheduled", None),
])
def test_judge_deliverables(planned: date | None, published: date | None, status: str,
                            days: int | None) -> None:
    j = judge(planned, published, date(2024, 3, 26))
    assert (j.status, j.days_late) == (status, days)
