"""The synthetic MMM data's truth is what its definition says, at either grain."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creatorroi.mmm.synthetic import CONTROLS, channel_effects, make_dataset


@pytest.fixture(scope="module")
def daily():
    return make_dataset(7, days=400, n_influencers=12, n_channels=4)


@pytest.fixture(scope="module")
def weekly():
    return make_dataset(7, grain="week", days=400, n_influencers=12, n_channels=4)


def _effect_by_loop(x: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """The same effect written out the slow, obvious way: carry-over summed lag by lag."""
    weights = (1 - p["decay"]) * p["decay"] ** np.arange(len(x))
    ad = np.array([weights[: t + 1] @ x[t::-1] for t in range(len(x))])
    k, s = p["half_saturation"], p["shape"]
    return p["beta"] * ad**s / (ad**s + k**s)


def test_deterministic_per_seed():
    a = make_dataset(3, days=120, n_influencers=5, n_channels=2)
    b = make_dataset(3, days=120, n_influencers=5, n_channels=2)
    c = make_dataset(4, days=120, n_influencers=5, n_channels=2)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.true_roas == b.true_roas
    assert a.spec == b.spec
    assert not a.frame["sales"].equals(c.frame["sales"])


def test_columns_and_spec(daily):
    spec = daily.spec
    assert spec.date == "date" and spec.target == "sales"
    assert spec.spend == (*[f"inf_{i:02d}" for i in range(1, 13)],
                          "meta_ads", "google_ads", "email", "tv")
    assert spec.controls == CONTROLS
    assert list(daily.frame.columns) == ["date", "sales", *spec.spend, *CONTROLS]
    assert set(spec.groups) == {c for c in spec.spend if c.startswith("inf_")}
    assert all("/" in g for g in spec.groups.values())
    assert spec.max_lag == 21
    assert daily.frame["date"].iloc[0] == pd.Timestamp(date(2024, 1, 1))
    assert len(daily.frame) == 400
    # Christmas and Black Friday are flagged once a year in the period.
    assert daily.frame["holiday_black_friday"].sum() == 4
    assert daily.frame["holiday_christmas"].sum() == 10


def test_truth_identity_by_second_computation(daily):
    spend = daily.frame[list(daily.spec.spend)]
    noise_free = daily.baseline + daily.effects.sum(axis=1)
    total = 0.0
    for col in daily.spec.spend:
        effect = _effect_by_loop(spend[col].to_numpy(), daily.params[col])
        assert effect.sum() == pytest.approx(daily.true_contribution[col], rel=1e-9)
        total += effect
        assert daily.true_roas[col] == pytest.approx(
            daily.true_contribution[col] / spend[col].sum(), rel=1e-12)
    np.testing.assert_allclose(daily.baseline.to_numpy() + total, noise_free.to_numpy(),
                               rtol=1e-10)
    # The definition itself: all channels on, minus this one switched off.
    full = channel_effects(spend, daily.params).sum(axis=1)
    for col in ("inf_01", "meta_ads"):
        off = channel_effects(spend.assign(**{col: 0.0}), daily.params).sum(axis=1)
        assert (full - off).sum() == pytest.approx(daily.true_contribution[col], rel=1e-9)
    # Noise is what is left, and it is modest.
    resid = daily.frame["sales"] - noise_free
    assert abs(resid.mean()) < 0.02 * noise_free.mean()
    assert resid.std() == pytest.approx(0.08 * noise_free.mean(), rel=0.2)


def test_floors_are_attributed_share_of_contribution():
    s = make_dataset(2, days=200, n_influencers=6, n_channels=2, attributed_share=0.25)
    assert set(s.spec.floors) == set(s.spec.groups)
    for col, floor in s.spec.floors.items():
        assert floor == pytest.approx(0.25 * s.true_contribution[col])
        assert 0 < floor < s.true_contribution[col]


def test_creator_roas_pools_around_the_pool_mean(daily):
    for col, group in daily.spec.groups.items():
        ratio = daily.true_roas[col] / daily.params[f"pool:{group}"]["roas_mean"]
        assert 0.2 < ratio < 5


def test_weekly_sums_equal_daily_sums(daily, weekly):
    d, w = daily.frame, weekly.frame
    assert (w["date"].dt.day_of_week == 0).all()
    assert (w["date"].diff().dropna() == pd.Timedelta(days=7)).all()
    # The period is the full Monday-Sunday weeks of the daily one.
    last = w["date"].iloc[-1] + pd.Timedelta(days=6)
    inside = d[(d["date"] >= w["date"].iloc[0]) & (d["date"] <= last)]
    assert len(inside) == 7 * len(w)
    cols = ["sales", *daily.spec.spend, *CONTROLS]
    np.testing.assert_allclose(w[cols].sum().to_numpy(), inside[cols].sum().to_numpy(),
                               rtol=1e-10)
    key = inside["date"] - pd.to_timedelta(inside["date"].dt.day_of_week, unit="D")
    np.testing.assert_allclose(inside.groupby(key.to_numpy())["sales"].sum().to_numpy(),
                               w["sales"].to_numpy(), rtol=1e-10)
    in_idx = inside.index
    for col in daily.spec.spend:
        assert weekly.true_contribution[col] == pytest.approx(
            daily.effects.loc[in_idx, col].sum(), rel=1e-10)
        assert weekly.true_roas[col] == pytest.approx(
            weekly.true_contribution[col] / w[col].sum(), rel=1e-12)
    assert weekly.spec.max_lag == 4
    np.testing.assert_allclose(
        (weekly.baseline + weekly.effects.sum(axis=1)).sum(),
        (daily.baseline + daily.effects.sum(axis=1)).loc[in_idx].sum(), rtol=1e-10)


def test_seasonal_confounding(daily):
    """Channel spend and baseline sales both peak in Q4: the trap a model must avoid."""
    f = daily.frame
    q4 = f["date"].dt.month.isin([11, 12]).to_numpy()
    assert f.loc[q4, "meta_ads"].mean() > 1.2 * f.loc[~q4, "meta_ads"].mean()
    assert daily.baseline[q4].mean() > 1.1 * daily.baseline[~q4].mean()


def test_rejects_bad_arguments():
    with pytest.raises(ValueError):
        make_dataset(0, grain="month")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        make_dataset(0, attributed_share=1.5)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), days=st.integers(60, 500),
       n_inf=st.integers(1, 12), n_ch=st.integers(1, 7),
       grain=st.sampled_from(["day", "week"]), noise=st.floats(0.0, 0.3))
def test_invariants(seed, days, n_inf, n_ch, grain, noise):
    s = make_dataset(seed, grain=grain, days=days, n_influencers=n_inf, n_channels=n_ch,
                     noise=noise)
    f = s.frame
    spend = f[list(s.spec.spend)]
    assert len(s.spec.spend) == n_inf + n_ch
    assert (spend.to_numpy() >= 0).all()
    assert (f["sales"] > 0).all()
    assert f["date"].is_monotonic_increasing and f["date"].is_unique
    for col in s.spec.groups:
        assert spend[col].sum() > 0
        if grain == "day":
            assert (spend[col] == 0).mean() > 0.9
        assert s.true_contribution[col] > 0
    for col in s.spec.spend:
        assert np.isfinite(s.true_roas[col]) and s.true_roas[col] > 0
        assert s.true_contribution[col] == pytest.approx(s.effects[col].sum())
    assert not f.isna().any().any()
