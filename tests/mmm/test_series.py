"""The mix model's table from hand-built frames, each column checked against hand sums."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorroi.mmm.calendar import calendar_controls
from creatorroi.mmm.series import (
    COST_COLUMNS,
    POST_COLUMNS,
    SPREAD,
    SeriesBundle,
    build_series,
    periods,
    place_costs,
    split_minor,
)

D = date


def costs(*rows: tuple[object, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(COST_COLUMNS))


def posts(*rows: tuple[object, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(POST_COLUMNS))


THREE_POSTS = posts(("p1", "g", "spring", D(2025, 3, 3)), ("p2", "g", "spring", D(2025, 3, 5)),
                    ("p3", "g", "spring", D(2025, 3, 9)), ("q1", "g", "autumn", D(2025, 9, 1)),
                    ("x1", "j", "spring", None))


def placed_by_day(frame: pd.DataFrame) -> dict[tuple[str, date], int]:
    out: dict[tuple[str, date], int] = {}
    for inf, day, amount, _ in frame.itertuples(index=False, name=None):
        out[(inf, day)] = out.get((inf, day), 0) + amount
    return out


def test_fee_spread_over_three_posts() -> None:
    placed, left = place_costs(
        costs(("c1", "fee", 10000, D(2025, 2, 20), "g", "spring", None)), THREE_POSTS)
    assert placed_by_day(placed) == {("g", D(2025, 3, 3)): 3333, ("g", D(2025, 3, 5)): 3333,
                                     ("g", D(2025, 3, 9)): 3334}
    assert left.empty


def test_placement_rules() -> None:
    c = costs(
        ("post", "production", 500, D(2025, 2, 1), "g", "spring", "p2"),    # its post's day
        ("sample", "samples", 700, D(2025, 2, 25), "g", "spring", None),    # own date
        ("ship", "shipping", 90, D(2025, 2, 26), "g", None, None),          # own date
        ("boost", "amplification", 3000, D(2025, 3, 12), "g", "spring", "p3"),  # own date
        ("nocamp", "agent_fee", 200, D(2025, 1, 1), "g", None, None),       # her posts in range
        ("nopost", "fee", 999, D(2025, 2, 2), "j", "spring", None),         # unpublished only
        ("viapost", "samples", 40, D(2025, 2, 3), None, None, "p1"),        # creator from post
        ("overhead", "overhead", 5000, D(2025, 3, 1), None, None, None),    # nobody's
        ("platform", "platform_fee", 100, D(2025, 3, 1), None, "spring", None),
    )
    placed, left = place_costs(c, THREE_POSTS, D(2025, 3, 1), D(2025, 3, 31))
    assert placed_by_day(placed) == {
        ("g", D(2025, 3, 5)): 500 + 66,
        ("g", D(2025, 2, 25)): 700,
        ("g", D(2025, 2, 26)): 90,
        ("g", D(2025, 3, 12)): 3000,
        ("g", D(2025, 3, 3)): 66 + 40,
        ("g", D(2025, 3, 9)): 68,
        ("j", D(2025, 2, 2)): 999,
    }
    assert sorted(left["id"]) == ["overhead", "platform"]


def test_split_minor() -> None:
    assert split_minor(10000, 3) == [3333, 3333, 3334]
    assert split_minor(-10000, 3) == [-3333, -3333, -3334]
    assert split_minor(2, 3) == [0, 0, 2]
    assert split_minor(5, 1) == [5]
    assert split_minor(5, 0) == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(sorted(SPREAD | {"samples", "shipping", "amplification"})),
    st.integers(-10**9, 10**12),
    st.sampled_from(["g", "j", None]),
    st.sampled_from(["spring", "autumn", "none-such", None]),
    st.sampled_from(["p1", "p2", "x1", "zz", None]),
    st.integers(0, 400)), max_size=25))
def test_placed_spend_equals_eligible_costs(rows: list[tuple[object, ...]]) -> None:
    c = costs(*[(f"c{i}", cat, amount, D(2025, 1, 1) + pd.Timedelta(days=int(off)), inf,
                 camp, post) for i, (cat, amount, inf, camp, post, off) in enumerate(rows)])
    placed, left = place_costs(c, THREE_POSTS, D(2025, 3, 1), D(2025, 3, 31))
    eligible = [amount for (_, amount, inf, _, post, _) in rows
                if inf is not None or post in ("p1", "p2", "x1")]
    assert int(placed["amount_minor"].sum()) == sum(eligible)
    assert len(left) == len(rows) - len(eligible)
    assert placed["amount_minor"].dtype == "int64"


def test_periods() -> None:
    assert len(periods(D(2025, 3, 1), D(2025, 3, 31), "day")) == 31
    weeks = periods(D(2025, 3, 1), D(2025, 3, 31), "week")  # Sat 1 .. Mon 31
    assert [w.date() for w in weeks] == [D(2025, 3, 3), D(2025, 3, 10), D(2025, 3, 17),
                                         D(2025, 3, 24)]
    assert len(periods(D(2025, 3, 4), D(2025, 3, 9), "week")) == 0


ORDERS = pd.DataFrame([
    (D(2025, 3, 3), 2, 1, 5000, 2000),
    (D(2025, 3, 3), 1, 0, 999, 0),        # a second currency's row, same day
    (D(2025, 3, 5), 1, 1, 1234, 1234),
    (D(2025, 3, 15), 4, 0, 40000, 0),     # outside the range
], columns=["day", "orders", "new_orders", "revenue_minor", "new_revenue_minor"])
SESSIONS = pd.DataFrame([
    (D(2025, 3, 3), "google", "organic", None, None, 10),
    (D(2025, 3, 3), "ig", "influencer", "giulia", None, 4),
    (D(2025, 3, 4), None, None, None, "l.instagram.com", 3),
    (D(2025, 3, 4), "(direct)", "(none)", None, None, 7),
    (D(2025, 3, 6), "facebook", "cpc", "spring", None, 2),
    (D(2025, 3, 6), "newsletter", "email", "march", None, 5),
    (D(2025, 3, 6), None, None, None, None, 1),
], columns=["day", "source", "medium", "campaign", "referrer", "sessions"])
CREATORS = pd.DataFrame([("g", "Giulia Rossi", "instagram/micro", 140.5),
                         ("j", "김지수", "tiktok/macro", 70.0),
                         ("z", "Idle", "instagram/nano", 0.0)],
                        columns=["influencer_id", "name", "group", "floor"])


MARCH_1, MARCH_10 = D(2025, 3, 1), D(2025, 3, 10)


def build(grain: str = "day", start: date = MARCH_1, end: date = MARCH_10,
          **kw: object) -> SeriesBundle:
    args: dict[str, object] = dict(
        orders=ORDERS, sessions=SESSIONS,
        influencer_spend=costs(("c1", "fee", 10000, D(2025, 2, 20), "g", "spring", None),
                               ("c2", "samples", 2550, D(2025, 3, 4), "j", "spring", None)),
        channel_spend=pd.DataFrame([(D(2025, 3, 2), "Meta ads", 12345),
                                    (D(2025, 3, 2), "Meta ads", 5),
                                    (D(2025, 3, 8), "google_ads", 700),
                                    (D(2025, 3, 8), "tv", 0)],
                                   columns=["day", "channel", "amount_minor"]),
        search=pd.DataFrame([(D(2025, 3, 2), 100), (D(2025, 3, 3), 120)],
                            columns=["day", "volume"]),
        calendar=None, grain=grain, start=start, end=end, currency="EUR", posts=THREE_POSTS,
        creators=CREATORS)
    args.update(kw)
    return build_series(**args)  # type: ignore[arg-type]


def col(bundle: SeriesBundle, name: str) -> list[object]:
    return list(bundle.frame[name])


def test_daily_table_by_hand() -> None:
    b = build()
    f = b.frame
    assert list(f.columns) == [
        "date", "revenue", "orders", "new_orders", "new_revenue", "sessions_direct",
        "sessions_organic_search", "sessions_organic_social", "sessions_paid",
        "sessions_email", "sessions_influencer", "brand_search", "inf_g", "inf_j",
        "spend_google_ads", "spend_meta_ads"]
    assert [d.date() for d in f["date"]] == [D(2025, 3, d) for d in range(1, 11)]
    z = [0] * 10
    assert col(b, "revenue") == [0, 0, 59.99, 0, 12.34, 0, 0, 0, 0, 0]
    assert col(b, "orders") == [0, 0, 3, 0, 1, 0, 0, 0, 0, 0]
    assert col(b, "new_orders") == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert col(b, "new_revenue") == [0, 0, 20.0, 0, 12.34, 0, 0, 0, 0, 0]
    assert col(b, "sessions_direct") == [0, 0, 0, 7, 0, 1, 0, 0, 0, 0]
    assert col(b, "sessions_organic_search") == [0, 0, 10, 0, 0, 0, 0, 0, 0, 0]
    assert col(b, "sessions_organic_social") == [0, 0, 0, 3, 0, 0, 0, 0, 0, 0]
    assert col(b, "sessions_paid") == [0, 0, 0, 0, 0, 2, 0, 0, 0, 0]
    assert col(b, "sessions_email") == [0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    assert col(b, "sessions_influencer") == [0, 0, 4, 0, 0, 0, 0, 0, 0, 0]
    assert col(b, "brand_search") == [0, 100, 120, 0, 0, 0, 0, 0, 0, 0]
    assert col(b, "inf_g") == [0, 0, 33.33, 0, 33.33, 0, 0, 0, 33.34, 0]
    assert col(b, "inf_j") == [0, 0, 0, 25.5, 0, 0, 0, 0, 0, 0]
    assert col(b, "spend_meta_ads") == [0, 123.5, *z[2:]]
    assert col(b, "spend_google_ads") == [0, 0, 0, 0, 0, 0, 0, 7.0, 0, 0]
    assert f.isna().sum().sum() == 0
    spec = b.spec
    assert spec.date == "date" and spec.target == "revenue"
    assert spec.spend == ("inf_g", "inf_j", "spend_google_ads", "spend_meta_ads")
    assert spec.controls == ()
    assert dict(spec.groups) == {"inf_g": "instagram/micro", "inf_j": "tiktok/macro"}
    assert dict(spec.floors) == {"inf_g": 140.5, "inf_j": 70.0}
    assert b.labels["inf_j"] == "김지수"
    assert b.labels["spend_meta_ads"] == "Meta ads"
    assert b.ids == {"inf_g": "g", "inf_j": "j", "spend_google_ads": "google_ads",
                     "spend_meta_ads": "Meta ads"}


def test_weekly_table_by_hand() -> None:
    b = build("week", D(2025, 3, 1), D(2025, 3, 16))  # whole weeks: 3-9 and 10-16 March
    f = b.frame
    assert [d.date() for d in f["date"]] == [D(2025, 3, 3), D(2025, 3, 10)]
    assert col(b, "revenue") == [72.33, 400.0]
    assert col(b, "orders") == [4, 4]
    assert col(b, "inf_g") == [100.0, 0]
    assert col(b, "brand_search") == [120, 0]   # 2 March lies in the cut week before
    assert "spend_meta_ads" not in f.columns   # only on 2 March: no spend in the range
    assert col(b, "spend_google_ads") == [7.0, 0]


def test_empty_inputs_give_zeros_not_gaps() -> None:
    empty = pd.DataFrame(columns=["day", "orders", "new_orders", "revenue_minor",
                                  "new_revenue_minor"])
    b = build_series(orders=empty, sessions=None, influencer_spend=None, channel_spend=None,
                     search=None, calendar=None, grain="day", start=D(2025, 1, 1),
                     end=D(2025, 1, 3), currency="KRW")
    assert list(b.frame.columns) == ["date", "revenue", "orders", "new_orders", "new_revenue"]
    assert col(b, "revenue") == [0, 0, 0] and col(b, "orders") == [0, 0, 0]
    assert b.spec.spend == ()


def test_minor_units_follow_the_currency() -> None:
    o = pd.DataFrame([(D(2025, 1, 1), 1, 1, 15000, 15000)], columns=ORDERS.columns)
    b = build_series(orders=o, sessions=None, influencer_spend=None, channel_spend=None,
                     search=None, calendar=None, grain="day", start=D(2025, 1, 1),
                     end=D(2025, 1, 1), currency="KRW")
    assert col(b, "revenue") == [15000.0]


def test_calendar_controls_join_the_table() -> None:
    cal = calendar_controls(D(2025, 11, 24), D(2025, 12, 7), ["IT"])
    b = build(start=D(2025, 11, 24), end=D(2025, 12, 7), calendar=cal)
    spec = b.spec
    assert spec.controls == ("holiday_black_friday", "holiday_cyber_monday")
    assert col(b, "holiday_black_friday")[4] == 1.0
    assert b.labels["holiday_black_friday"] == "Black Friday"
    w = build("week", D(2025, 11, 24), D(2025, 12, 7), calendar=cal)
    assert col(w, "holiday_black_friday") == pytest.approx([1 / 7, 0])
    assert col(w, "holiday_cyber_monday") == pytest.approx([0, 1 / 7])


def test_bad_range() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        build(start=D(2025, 3, 2), end=D(2025, 3, 1))
