"""The mix model on data with a known answer, and its refusals of data that cannot support it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorroi.errors import BadRowError, ModelRefused
from creatorroi.mmm.fit import fit_mmm
from creatorroi.mmm.output import result_json
from creatorroi.mmm.prepare import prepare
from creatorroi.mmm.spec import LiftTest, MMMSpec
from creatorroi.mmm.synthetic import make_dataset

DRAWS = 250


@pytest.fixture(scope="module")
def weekly():
    """Two years of weeks, 8 creators in pools and 2 channels: small enough for a test."""
    ds = make_dataset(3, grain="week", n_influencers=8, n_channels=2, noise=0.05)
    result = fit_mmm(ds.frame, ds.spec, draws=DRAWS, tune=DRAWS, seed=1)
    return ds, result


def test_recovers_the_known_roas_within_its_intervals(weekly):
    ds, result = weekly
    covered = [ch.roas.low <= ds.true_roas[c] <= ch.roas.high
               for c, ch in result.channels.items()]
    # 90% intervals over 10 channels: 7 or more cover with probability > 0.98.
    assert sum(covered) >= 7, {c: (ds.true_roas[c], e.roas) for c, e in result.channels.items()}
    creators = [c for c in ds.spec.spend if c in ds.spec.groups]
    err = np.mean([abs(result.channels[c].roas.mean - ds.true_roas[c]) / ds.true_roas[c]
                   for c in creators])
    assert err < 0.35


def test_attributed_revenue_is_a_floor_in_every_draw(weekly):
    ds, result = weekly
    post = result.extra["posterior"]
    contrib = post.samples["contrib"] * post.design.y_scale
    for j, col in enumerate(post.prepared.channels):
        if col in ds.spec.floors:
            assert contrib[:, j].min() >= ds.spec.floors[col] * (1 - 1e-9)
            assert result.channels[col].multiplier.low >= 1 - 1e-9


def test_parts_add_up_to_the_fitted_sales(weekly):
    """Baseline plus every channel's contribution is the fitted total, draw by draw."""
    ds, result = weekly
    post = result.extra["posterior"]
    s, y_scale = post.samples, post.design.y_scale
    total = (s["baseline"].sum(axis=1) + s["contrib"].sum(axis=1)) * y_scale
    assert np.allclose(total, s["mu"].sum(axis=1) * y_scale)
    # ...and the fit tracks the real sales within a few percent.
    assert abs(result.extra["fitted"].sum() / ds.frame["sales"].sum() - 1) < 0.03
    d = result.diagnostics
    assert d.rhat_max < 1.1 and d.divergences <= 5
    assert d.holdout_periods == 8 and d.holdout_mape is not None and d.holdout_mape < 0.2


def test_creator_totals_and_json(weekly):
    ds, result = weekly
    data = result_json(result)
    creators = [c for c in ds.spec.spend if c in ds.spec.groups]
    assert set(data["channels"]) == set(ds.spec.spend)
    for row in data["channels"].values():
        assert row["roas_low"] <= row["roas"] <= row["roas_high"]
        assert row["contribution"] == pytest.approx(row["roas"] * row["spend"], rel=1e-9)
    summed = sum(data["channels"][c]["contribution"] for c in creators)
    assert data["influencers"]["incremental"] == pytest.approx(summed, rel=1e-9)
    attributed = sum(ds.spec.floors[c] for c in creators)
    assert data["influencers"]["multiplier"] == pytest.approx(summed / attributed, rel=1e-9)


def test_same_seed_same_answer(weekly):
    ds, result = weekly
    again = fit_mmm(ds.frame, ds.spec, draws=DRAWS, tune=DRAWS, seed=1)
    assert result_json(again)["channels"] == result_json(result)["channels"]


def test_a_lift_test_pulls_its_channel_to_the_measurement():
    ds = make_dataset(5, grain="week", n_influencers=4, n_channels=2, noise=0.05)
    channel = "google_ads"
    frame = ds.frame
    window = frame["date"].iloc[40:52]
    weeks = ds.effects[channel].iloc[40:52].sum()
    test = LiftTest(channel, window.iloc[0].date(), window.iloc[-1].date(),
                    float(weeks), float(weeks) * 0.05)
    spec = replace(ds.spec, lift_tests=(test,))
    plain = fit_mmm(frame, ds.spec, draws=200, tune=200, seed=0, holdout=0)
    calibrated = fit_mmm(frame, spec, draws=200, tune=200, seed=0, holdout=0)
    width = lambda r: r.channels[channel].roas.high - r.channels[channel].roas.low  # noqa: E731
    assert width(calibrated) < width(plain)
    truth = ds.true_roas[channel]
    assert abs(calibrated.channels[channel].roas.mean - truth) <= abs(
        plain.channels[channel].roas.mean - truth) + 0.05 * truth


# -- refusals ---------------------------------------------------------------------------------

def _table(days: int = 200, start: date = date(2024, 1, 1), seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "date": [start + timedelta(days=i) for i in range(days)],
        "sales": 1000 + rng.normal(0, 50, days),
        "tv": rng.gamma(2, 100, days),
        "search": rng.gamma(2, 80, days),
        "promo": (rng.random(days) < 0.1).astype(float)})


SPEC = MMMSpec(date="date", target="sales", spend=("tv", "search"), controls=("promo",))


def test_a_sound_table_passes():
    p = prepare(_table(), SPEC)
    assert p.grain == "day" and p.periods == 200 and p.spend.shape == (200, 2)
    assert p.holdout == 200 - 180  # what the history can spare, below the default 56


def test_too_little_history_says_how_much_is_needed():
    with pytest.raises(ModelRefused, match=r"120 days of history.*at least 180 days"):
        prepare(_table(120), SPEC)
    weeks = _table(40).iloc[::7].reset_index(drop=True)
    with pytest.raises(ModelRefused, match=r"at least 52 weeks"):
        prepare(weeks, SPEC)


def test_spend_that_never_varies_is_refused():
    t = _table()
    t["tv"] = 500.0
    with pytest.raises(ModelRefused, match=r"spend column 'tv' never changes \(always 500\)"):
        prepare(t, SPEC)


def test_collinear_channels_are_refused():
    t = _table()
    t["search"] = t["tv"] * 0.5 + 1
    with pytest.raises(ModelRefused, match=r"'tv' and 'search' moves together.*1\.00"):
        prepare(t, SPEC)


def test_creators_may_move_together():
    t = _table()
    t["search"] = t["tv"] * 0.5
    spec = MMMSpec(date="date", target="sales", spend=("tv", "search"),
                   groups={"tv": "ig/micro", "search": "ig/micro"})
    assert prepare(t, spec).groups == ("ig/micro",)


def test_a_gap_names_the_missing_day():
    t = _table().drop(index=50)
    with pytest.raises(ModelRefused, match=r"2024-02-20 is missing after 2024-02-19"):
        prepare(t, SPEC)


@pytest.mark.parametrize(("value", "reason"), [
    (np.nan, "is missing"), ("n/a", r"is not a number \('n/a'\)"), (-5.0, r"is negative")])
def test_bad_cells_name_row_and_column(value, reason):
    t = _table().astype({"tv": object})
    t.loc[9, "tv"] = value
    with pytest.raises(BadRowError, match=rf"table, row 11, column 'tv': {reason}") as info:
        prepare(t, SPEC)
    assert info.value.row == 11 and info.value.column == "tv"


def test_missing_column_and_bad_date_are_named():
    with pytest.raises(ModelRefused, match=r"no column 'radio'"):
        prepare(_table(), MMMSpec(date="date", target="sales", spend=("radio",)))
    t = _table().astype({"date": object})
    t.loc[3, "date"] = "yesterday"
    with pytest.raises(BadRowError, match=r"row 5, column 'date': 'yesterday' is not a date"):
        prepare(t, SPEC)


def test_duplicate_days_and_odd_spacing_are_refused():
    t = _table()
    t.loc[7, "date"] = t.loc[6, "date"]
    with pytest.raises(ModelRefused, match=r"2024-01-07 appears twice"):
        prepare(t, SPEC)
    t = _table(400).iloc[::3].reset_index(drop=True)
    with pytest.raises(ModelRefused, match=r"3 days apart"):
        prepare(t, SPEC)


def test_explicit_holdout_that_leaves_too_little_is_refused():
    with pytest.raises(ModelRefused, match=r"holding out the last 56 periods leaves 144"):
        prepare(_table(), SPEC, holdout=56)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=198), st.sampled_from(["day", "week"]))
def test_any_missing_period_is_named(drop, grain):
    """Whatever row is removed (not the first or last), the error names exactly that date."""
    step = 1 if grain == "day" else 7
    days = 200 if grain == "day" else 60
    t = _table(days * step).iloc[::step].reset_index(drop=True).iloc[:days]
    drop = min(drop, days - 2)
    missing = t.loc[drop, "date"]
    shuffled = t.drop(index=drop).sample(frac=1, random_state=drop)
    with pytest.raises(ModelRefused, match=rf"{missing} is missing"):
        prepare(shuffled, SPEC)


# -- the curves themselves ---------------------------------------------------------------------

def test_adstock_weights_sum_to_one_and_decay_or_peak():
    from creatorroi.mmm.model import adstock_weights

    w = adstock_weights(np.array([0.5]), 4)[:, 0]
    assert w.sum() == pytest.approx(1.0)
    assert w == pytest.approx(np.array([8, 4, 2, 1]) / 15)  # 0.5**l over 1 + .5 + .25 + .125
    delayed = adstock_weights(np.array([0.5]), 7, np.array([2.0]))[:, 0]
    assert int(np.argmax(delayed)) == 2 and delayed.sum() == pytest.approx(1.0)
    assert delayed[1] == pytest.approx(delayed[3])  # symmetric around the peak


def test_saturation_curves():
    from creatorroi.mmm.model import saturate

    x = np.array([0.0, 0.5, 1.0, 2.0, 8.0])
    hill = saturate(x, 1.0, 1.0, False)
    assert hill == pytest.approx(x / (x + 1))
    steep = saturate(x, 1.0, 2.0, False)
    assert steep[2] == pytest.approx(0.5) and steep[3] == pytest.approx(4 / 5)
    logistic = saturate(x, 1.0, 1.0, True)
    assert logistic[0] == 0 and np.all(np.diff(logistic) > 0) and logistic[-1] < 1
    assert logistic[2] == pytest.approx((1 - np.exp(-1)) / (1 + np.exp(-1)))


def test_delayed_adstock_and_logistic_saturation_fit():
    ds = make_dataset(8, grain="week", n_influencers=3, n_channels=2, noise=0.05)
    spec = replace(ds.spec, adstock="delayed", saturation="logistic")
    result = fit_mmm(ds.frame, spec, draws=150, tune=150, seed=0, holdout=0)
    assert result.diagnostics.r2 > 0.8
    data = result_json(result)
    for row in data["channels"].values():
        assert row["roi"] == pytest.approx(row["roas"] - 1)
        assert row["roas_low"] <= row["roas"] <= row["roas_high"]
