"""Lift against series with a known answer: an injected effect is found, a placebo is not, and
every bad table is refused with a message that names the column or date to fix."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorroi.errors import ConfigError, CreatorROIError
from creatorroi.mmm.lift import LiftResult, estimate_lift

FAST = {"draws": 300, "tune": 300, "chains": 2, "seed": 7}
EFFECT = 15.0  # per day
POST = 21


def series(n: int = 140, effect: float = 0.0, post: int = POST, freq: str = "D",
           seed: int = 0, drift: float = 0.0) -> pd.DataFrame:
    """target = 2·control1 + 0.5·control2 + weekly pattern + noise (+ effect in the post),
    plus a random walk of step sd ``drift`` that no control explains."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=n, freq=freq)
    c1 = 100 + np.cumsum(rng.normal(0, 2, n))
    c2 = 60 + rng.normal(0, 6, n)
    weekly = np.array([6.0, 4, 2, 0, -2, -5, -5])[dates.day_of_week] if freq == "D" else 0.0
    y = 2 * c1 + 0.5 * c2 + weekly + rng.normal(0, 3, n) + np.cumsum(rng.normal(0, drift, n))
    y[n - post:] += effect
    return pd.DataFrame({"date": dates, "sessions": y, "market_b": c1, "market_c": c2})


def start_of(frame: pd.DataFrame, post: int = POST) -> date:
    return frame["date"].iloc[-post].date()


@pytest.fixture(scope="module")
def with_effect() -> tuple[pd.DataFrame, LiftResult]:
    frame = series(effect=EFFECT)
    return frame, estimate_lift(frame, "sessions", ["market_b", "market_c"], start_of(frame),
                                **FAST)


def test_finds_the_injected_effect(with_effect: tuple[pd.DataFrame, LiftResult]) -> None:
    _, result = with_effect
    truth = EFFECT * POST
    assert result.lift.low < truth < result.lift.high
    assert result.lift.low > 0
    assert result.p_no_effect < 0.05
    assert (result.pre_periods, result.post_periods, result.grain) == (119, POST, "day")
    assert result.counterfactual.low < result.actual_total - truth < result.counterfactual.high
    assert result.relative.low > 0
    assert result.diagnostics.rhat_max < 1.05 and result.diagnostics.divergences == 0


def test_result_is_plain_json(with_effect: tuple[pd.DataFrame, LiftResult]) -> None:
    frame, result = with_effect
    out = json.loads(json.dumps(result.as_dict(), allow_nan=False))
    assert out["start"] == start_of(frame).isoformat()
    assert out["end"] == frame["date"].iloc[-1].date().isoformat()
    assert len(out["periods"]) == len(frame)
    assert out["periods"][0]["date"] == "2024-01-01" and not out["periods"][0]["post"]
    assert set(out["lift"]) == {"mean", "low", "high"}
    periods = result.periods
    assert list(periods.columns) == ["date", "post", "actual", "expected", "low", "high", "lift"]
    post = periods[periods["post"]]
    assert post["lift"].sum() == pytest.approx(result.lift.mean)
    assert (post["low"] <= post["expected"]).all() and (post["expected"] <= post["high"]).all()


def test_interval_widens_with_the_horizon() -> None:
    frame = series(drift=3.0)  # a level the controls do not explain, so it must be forecast
    result = estimate_lift(frame, "sessions", ["market_b", "market_c"], start_of(frame), **FAST)
    post = result.periods.query("post")
    width = (post["high"] - post["low"]).to_numpy()
    assert width[-7:].mean() > 1.5 * width[:7].mean()


def test_same_seed_same_numbers(with_effect: tuple[pd.DataFrame, LiftResult]) -> None:
    frame, first = with_effect
    again = estimate_lift(frame, "sessions", ["market_b", "market_c"], start_of(frame), **FAST)
    assert again.as_dict() == first.as_dict()


def test_placebo_finds_nothing() -> None:
    frame = series(effect=0.0)
    result = estimate_lift(frame, "sessions", ["market_b", "market_c"], start_of(frame), **FAST)
    assert result.lift.low < 0 < result.lift.high
    assert result.p_no_effect > 0.2
    assert not result.warnings


def test_weekly_grain() -> None:
    frame = series(n=60, effect=40.0, post=8, freq="W-MON", seed=5)
    # a mid-week start still puts its whole week in the post-period
    start = start_of(frame, 8) + timedelta(days=2)
    result = estimate_lift(frame, "sessions", ["market_b", "market_c"], start, **FAST)
    assert result.grain == "week"
    assert (result.pre_periods, result.post_periods) == (52, 8)
    assert result.lift.low < 40 * 8 < result.lift.high
    assert result.p_no_effect < 0.05


# -- bad input: each refused before any sampling, naming what to fix -----------------------


def refuse(frame: pd.DataFrame, match: str, controls: tuple[str, ...] = ("market_b",),
           start: date | None = None, **kw: object) -> None:
    with pytest.raises(CreatorROIError, match=match):
        estimate_lift(frame, "sessions", controls, start or start_of(frame), **kw)


def test_missing_columns_are_named() -> None:
    refuse(series(), "'market_x'", controls=("market_b", "market_x"))
    refuse(series().rename(columns={"date": "day"}), "missing column.*'date'",
           start=date(2024, 4, 1))


def test_empty_and_negative_values_name_column_and_date() -> None:
    frame = series()
    frame.loc[30, "market_b"] = np.nan
    refuse(frame, r"'market_b' is empty on 2024-01-31")
    frame = series()
    frame.loc[40, "sessions"] = -4.0
    refuse(frame, r"'sessions' is negative \(-4\) on 2024-02-10")
    frame = series()
    frame["market_b"] = frame["market_b"].astype(object)
    frame.loc[5, "market_b"] = "n/a"
    refuse(frame, r"'market_b' holds 'n/a', not a number, on 2024-01-06")


def test_gaps_duplicates_and_irregular_dates() -> None:
    refuse(series().drop(index=[50, 51]), "no row for 2024-02-20")
    refuse(pd.concat([series(), series().iloc[[10]]]), "2024-01-11 appears more than once")
    refuse(series(freq="3D"), "3 days apart")
    shifted = series(n=60, freq="W-MON")
    shifted.loc[30, "date"] += timedelta(days=3)
    refuse(shifted, r"not evenly spaced: 2024-08-01 follows 2024-07-22 \(10 days\) in weekly")
    mixed = pd.concat([series(n=60, freq="W-MON").iloc[:50], series(n=40).iloc[10:]])
    mixed["date"] = list(pd.date_range("2023-01-02", periods=50, freq="W-MON")) + list(
        pd.date_range("2023-12-18", periods=30, freq="D"))
    refuse(mixed, r"not evenly spaced: 2023-12-19 follows 2023-12-18 \(1 day\) in weekly")


def test_constant_series() -> None:
    frame = series()
    frame["market_b"] = 12.0
    refuse(frame, "control 'market_b' is constant")
    frame = series()
    frame.loc[: len(frame) - POST - 1, "sessions"] = 50.0
    refuse(frame, "target 'sessions' is constant .* over the pre-period")


def test_start_and_end_outside_the_data() -> None:
    frame = series()
    refuse(frame, "start 2024-01-01 is not after the first date", start=date(2024, 1, 1))
    refuse(frame, "start 2024-06-01 is after the last date 2024-05-19", start=date(2024, 6, 1))
    refuse(frame, "end 2024-06-01 is after the last date", end=date(2024, 6, 1))
    refuse(frame, "end 2024-04-01 is before start", end=date(2024, 4, 1))
    refuse(frame, "pre_start 2024-05-01 must come before start", pre_start=date(2024, 5, 1))


def test_short_pre_period_says_how_much_is_needed() -> None:
    frame = series()
    refuse(frame, "has 100 days before 2024-04-10; lift needs at least 120 .*40-day",
           start=date(2024, 4, 10))
    refuse(frame, "has 20 days .* at least 28", pre_start=date(2024, 4, 8),
           start=date(2024, 4, 28), end=date(2024, 4, 30))
    weekly = series(n=12, freq="W-MON")
    refuse(weekly, "has 8 weeks .* at least 12 .*4-week", start=start_of(weekly, 4))


def test_bad_options() -> None:
    frame = series()
    with pytest.raises(ConfigError, match="level"):
        estimate_lift(frame, "sessions", ["market_b"], start_of(frame), level=1.5)
    with pytest.raises(CreatorROIError, match="'sessions' is the target"):
        estimate_lift(frame, "sessions", ["sessions"], start_of(frame))


@settings(max_examples=20, deadline=None)
@given(freq=st.sampled_from(["D", "W-MON"]), n=st.integers(40, 90), data=st.data())
def test_any_removed_date_is_named(freq: str, n: int, data: st.DataObject) -> None:
    frame = series(n=n, freq=freq)
    gone = data.draw(st.integers(1, n - 2), label="removed row")
    missing = frame["date"].iloc[gone].date().isoformat()
    shuffled = frame.drop(index=gone).sample(frac=1.0, random_state=gone)
    refuse(shuffled, f"no row for {missing}", start=start_of(frame, 2))
