"""Response curves and the budget optimiser against posteriors made by hand, whose optimum is
known: with response a·x/(x+k) per channel, the best split equalises the marginal returns
a·k/(x+k)², found here by bisection on that common return (the Lagrange multiplier). No MCMC."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorroi.errors import ModelRefused
from creatorroi.mmm.fit import Posterior
from creatorroi.mmm.model import Design, design
from creatorroi.mmm.optimize import MAX_MULTIPLE, optimize_budget, response_curves
from creatorroi.mmm.prepare import Prepared, prepare
from creatorroi.mmm.spec import MMMSpec

CHANNELS = ("meta_ads", "google_ads", "ig_anna")
SPEC = MMMSpec(date="date", target="revenue", spend=CHANNELS,
               groups={"ig_anna": "instagram/micro"})


def table(n: int = 200, freq: str = "D", seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    anna = np.zeros(n)
    anna[rng.choice(n, 12, replace=False)] = rng.uniform(300, 800, 12)
    return pd.DataFrame({
        "date": pd.date_range("2024-01-01", periods=n, freq=freq),
        "revenue": 5000 + rng.normal(0, 300, n),
        "meta_ads": rng.uniform(50, 150, n), "google_ads": rng.uniform(20, 80, n),
        "ig_anna": anna})


@pytest.fixture(scope="module")
def base() -> tuple[Prepared, Design]:
    p = prepare(table(), SPEC)
    return p, design(p, SPEC, np.ones(p.periods))


def random_posterior(base: tuple[Prepared, Design], seed: int, logistic: bool,
                     unit: bool) -> Posterior:
    """30 uncertain draws around (A, K); on the fitted scales when not ``unit``."""
    rng = np.random.default_rng(seed)
    beta, half = A * rng.lognormal(0, .3, (30, 3)), K * rng.lognormal(0, .3, (30, 3))
    if not unit:
        beta, half = beta / 100, half / K.mean()
    return posterior(base, beta, half, unit=unit, logistic=logistic)


def posterior(base: tuple[Prepared, Design], beta: np.ndarray, half: np.ndarray, *,
              unit: bool = True, logistic: bool = False) -> Posterior:
    """``unit``: scale and y_scale 1, so a channel returns beta·x/(x + half) per period."""
    p, d = base
    beta, half = np.atleast_2d(beta).astype(float), np.atleast_2d(half).astype(float)
    if unit:
        d = replace(d, scale=np.ones(len(CHANNELS)), y_scale=1.0)
    d = replace(d, logistic=logistic)
    return Posterior(d, p, {"beta": beta, "half_all": half, "decay_all": np.full_like(beta, .3)})


def lagrange(a: np.ndarray, k: np.ndarray, budget: float, periods: int, lo: np.ndarray,
             hi: np.ndarray) -> np.ndarray:
    """Horizon totals where every unbounded channel's marginal return a·k/(x+k)² is λ."""
    def totals(lam: float) -> np.ndarray:
        per = np.sqrt(a * k / lam) - k
        return np.clip(per * periods, lo, hi)

    left, right = 1e-12, float(np.max(a / k)) * 10
    for _ in range(300):
        mid = np.sqrt(left * right)
        if totals(mid).sum() > budget:
            left = mid
        else:
            right = mid
    return totals(np.sqrt(left * right))


def revenue(a: np.ndarray, k: np.ndarray, totals: np.ndarray, periods: int) -> float:
    per = totals / periods
    return float(np.sum(periods * a * per / (per + k)))


A = np.array([3.0, 2.0, 4.0])
K = np.array([40.0, 10.0, 150.0])


def test_matches_the_lagrange_solution(base: tuple[Prepared, Design]) -> None:
    post = posterior(base, A, K)
    budget = 6000.0
    wide = {c: (0.0, budget) for c in CHANNELS}
    alloc = optimize_budget(post, budget, bounds=wide)
    truth = lagrange(A, K, budget, 28, np.zeros(3), np.full(3, budget))
    got = np.array([alloc.proposed[c] for c in CHANNELS])
    assert got == pytest.approx(truth, abs=1e-3 * budget)
    assert sum(got) == pytest.approx(budget, rel=1e-12)
    assert alloc.periods == 28 and alloc.grain == "day"
    assert alloc.expected_proposed.mean == pytest.approx(revenue(A, K, truth, 28), rel=1e-6)
    # No uncertainty: every interval collapses onto its mean.
    assert alloc.uplift.low == pytest.approx(alloc.uplift.mean)
    assert alloc.uplift.high == pytest.approx(alloc.uplift.mean)


def test_beats_the_suboptimal_historical_mix(base: tuple[Prepared, Design]) -> None:
    p, _ = base
    post = posterior(base, A, K)
    budget = 6000.0
    alloc = optimize_budget(post, budget, bounds={c: (0.0, budget) for c in CHANNELS})
    share = p.spend.sum(axis=0) / p.spend.sum()
    assert [alloc.current[c] for c in CHANNELS] == pytest.approx(budget * share)
    assert alloc.expected_current.mean == pytest.approx(revenue(A, K, budget * share, 28))
    assert alloc.uplift.mean > 0.01 * alloc.expected_current.mean
    assert alloc.uplift.mean == pytest.approx(
        alloc.expected_proposed.mean - alloc.expected_current.mean)
    for row in alloc.rows:
        assert row.expected_current.mean == pytest.approx(
            revenue(A[[CHANNELS.index(row.channel)]], K[[CHANNELS.index(row.channel)]],
                    np.array([row.current]), 28))
    assert {r.channel: r.kind for r in alloc.rows} == {
        "meta_ads": "channel", "google_ads": "channel", "ig_anna": "influencer"}


def test_a_binding_minimum_is_met_and_the_rest_reoptimised(
        base: tuple[Prepared, Design]) -> None:
    post = posterior(base, A, K)
    budget = 6000.0
    lo = np.array([0.0, 3000.0, 0.0])               # far above google's optimum
    bounds = {c: (float(lo[i]), budget) for i, c in enumerate(CHANNELS)}
    alloc = optimize_budget(post, budget, bounds=bounds)
    truth = lagrange(A, K, budget, 28, lo, np.full(3, budget))
    assert [alloc.proposed[c] for c in CHANNELS] == pytest.approx(truth, abs=1e-3 * budget)
    google = alloc.rows[1]
    assert google.proposed == pytest.approx(3000.0) and google.at_bound == "min"
    assert sum(alloc.proposed.values()) == pytest.approx(budget, rel=1e-12)


def test_default_bounds_cap_spend_at_three_times_history(
        base: tuple[Prepared, Design]) -> None:
    p, _ = base
    post = posterior(base, np.array([5e4, 2.0, 2.0]), np.array([1e3, 10.0, 150.0]))
    budget = 12_000.0                                # meta_ads would take it all
    alloc = optimize_budget(post, budget)
    cap = MAX_MULTIPLE * p.spend.mean(axis=0) * 28
    assert [r.max for r in alloc.rows] == pytest.approx(cap)
    assert [r.min for r in alloc.rows] == [0.0, 0.0, 0.0]
    meta = alloc.rows[0]
    assert meta.proposed == pytest.approx(cap[0]) and meta.at_bound == "max"
    assert all(r.proposed <= r.max + 1e-9 for r in alloc.rows)
    [note] = [n for n in alloc.notes if n.startswith("meta_ads")]
    assert note.startswith("meta_ads is at its upper bound (3× its history): the model has "
                           "not seen spend that high")
    assert "It would take more if allowed" in note
    assert sum(alloc.proposed.values()) == pytest.approx(budget, rel=1e-12)


def test_a_maximum_set_by_hand_is_named_with_any_extrapolation(
        base: tuple[Prepared, Design]) -> None:
    p, _ = base
    post = posterior(base, np.array([5e4, 2.0, 2.0]), np.array([1e3, 10.0, 150.0]))
    seen = p.spend[:, 0].max()
    alloc = optimize_budget(post, 9000.0, bounds={"meta_ads": (None, 7000.0),
                                                  "google_ads": (None, 9000.0),
                                                  "ig_anna": (None, 9000.0)})
    assert alloc.proposed["meta_ads"] == pytest.approx(7000.0)
    assert seen < 7000.0 / 28
    [note] = [n for n in alloc.notes if n.startswith("meta_ads")]
    assert "maximum you set (7,000.00)" in note and "extrapolation" in note
    assert "It would take more if allowed" in note


def test_only_channels_held_back_by_their_max_are_said_to_want_more(
        base: tuple[Prepared, Design]) -> None:
    post = posterior(base, A, K)
    caps = np.array([600.0, 300.0, 100.0])             # add up to the budget: all at max
    alloc = optimize_budget(post, 1000.0, bounds={c: (None, float(caps[i]))
                                                  for i, c in enumerate(CHANNELS)})
    assert list(alloc.proposed.values()) == pytest.approx(caps)
    assert [r.at_bound for r in alloc.rows] == ["max", "max", "max"]
    per = caps / 28
    marginal = A * K / (per + K) ** 2                  # what the next unit would earn
    notes = {n.split()[0]: n for n in alloc.notes}
    low = int(np.argmin(marginal))
    lowest = CHANNELS[low]
    assert notes[lowest] == f"{lowest} is at the maximum you set ({caps[low]:,.2f})."
    for c in set(CHANNELS) - {lowest}:
        assert notes[c].endswith("It would take more if allowed.")


def test_a_subset_of_channels_shares_only_its_own_history(
        base: tuple[Prepared, Design]) -> None:
    p, _ = base
    post = posterior(base, A, K)
    alloc = optimize_budget(post, 1000.0, channels=["google_ads", "ig_anna"], periods=7)
    totals = p.spend.sum(axis=0)[1:]
    assert [r.channel for r in alloc.rows] == ["google_ads", "ig_anna"]
    assert [r.current for r in alloc.rows] == pytest.approx(1000.0 * totals / totals.sum())
    assert [r.max for r in alloc.rows] == pytest.approx(3 * p.spend.mean(axis=0)[1:] * 7)
    assert sum(alloc.proposed.values()) == pytest.approx(1000.0, rel=1e-12)


def test_logistic_saturation_matches_a_grid_search(base: tuple[Prepared, Design]) -> None:
    a, k = np.array([3.0, 2.0, 0.0]), np.array([30.0, 8.0, 1.0])
    post = posterior(base, a, k, logistic=True)
    budget = 3000.0
    alloc = optimize_budget(post, budget, channels=["meta_ads", "google_ads"],
                            bounds={"meta_ads": (0.0, budget), "google_ads": (0.0, budget)})
    first = np.linspace(0, budget, 300_001)
    value = sum(28 * a[i] * np.tanh(x / 28 / k[i] / 2) for i, x in
                enumerate((first, budget - first)))
    best = first[int(np.argmax(value))]
    assert [r.channel for r in alloc.rows] == ["meta_ads", "google_ads"]
    assert alloc.proposed["meta_ads"] == pytest.approx(best, abs=1e-3 * budget)
    assert sum(alloc.proposed.values()) == pytest.approx(budget, rel=1e-12)


def test_response_curves_follow_the_formula(base: tuple[Prepared, Design]) -> None:
    p, d = base
    rng = np.random.default_rng(3)
    beta = rng.lognormal(0, 0.3, (60, 3)) * np.array([0.1, 0.05, 0.2])
    half = rng.lognormal(0, 0.3, (60, 3))
    post = posterior(base, beta, half, unit=False)
    curves = response_curves(post, points=11)
    assert list(curves.columns) == ["channel", "spend", "revenue", "revenue_low",
                                    "revenue_high", "roas", "marginal_roas", "observed"]
    assert len(curves) == 33
    for j, c in enumerate(CHANNELS):
        rows = curves[curves.channel == c]
        x = rows.spend.to_numpy()
        assert x == pytest.approx(np.linspace(0, 3 * p.spend[:, j].mean(), 11))
        draws = d.y_scale * beta[:, j, None] * x / (x + half[:, j, None] * d.scale[j])
        assert rows.revenue.to_numpy() == pytest.approx(draws.mean(axis=0))
        assert rows.revenue_low.to_numpy() == pytest.approx(np.quantile(draws, 0.05, axis=0))
        assert rows.revenue_high.to_numpy() == pytest.approx(np.quantile(draws, 0.95, axis=0))
        assert (rows.revenue_low <= rows.revenue + 1e-12).all()
        assert (rows.revenue <= rows.revenue_high + 1e-12).all()
        assert np.isnan(rows.roas.iloc[0])
        assert rows.roas.iloc[1:].to_numpy() == pytest.approx(
            rows.revenue.iloc[1:].to_numpy() / x[1:])
        slope = (d.y_scale * beta[:, j, None] * half[:, j, None] * d.scale[j]
                 / (x + half[:, j, None] * d.scale[j]) ** 2).mean(axis=0)
        assert rows.marginal_roas.to_numpy() == pytest.approx(slope)
        seen = (x >= p.spend[:, j].min()) & (x <= p.spend[:, j].max())
        assert rows.observed.tolist() == seen.tolist()
    # Always-on meta_ads (50..150 a day) never had 0 nor 3× its average; Anna had both.
    meta = curves[curves.channel == "meta_ads"].observed.tolist()
    assert not meta[0] and not meta[-1] and any(meta)
    assert curves[curves.channel == "ig_anna"].observed.all()


def test_response_curves_logistic_and_subset(base: tuple[Prepared, Design]) -> None:
    post = posterior(base, np.array([2.0, 1.0, 1.0]), np.array([50.0, 5.0, 5.0]),
                     logistic=True)
    curves = response_curves(post, channels=["meta_ads"], points=5, max_multiple=2.0)
    x = curves.spend.to_numpy()
    assert set(curves.channel) == {"meta_ads"}
    assert curves.revenue.to_numpy() == pytest.approx(2 * np.tanh(x / 50 / 2))
    assert curves.marginal_roas.to_numpy() == pytest.approx(
        (1 - np.tanh(x / 100) ** 2) / 50)


def test_intervals_are_ordered_and_uplift_is_per_draw(base: tuple[Prepared, Design]) -> None:
    rng = np.random.default_rng(5)
    common = rng.lognormal(0, 0.4, (200, 1))        # draws that move every channel together
    post = posterior(base, A * common, K * rng.lognormal(0, 0.1, (200, 3)))
    alloc = optimize_budget(post, 5000.0, bounds={c: (0.0, 5000.0) for c in CHANNELS},
                            level=0.8)
    for i in [alloc.expected_current, alloc.expected_proposed, alloc.uplift,
              *(r.expected_proposed for r in alloc.rows), *(r.expected_current for r in
                                                             alloc.rows)]:
        assert i.low <= i.mean <= i.high
    assert alloc.uplift.mean == pytest.approx(
        alloc.expected_proposed.mean - alloc.expected_current.mean)
    # Correlated draws: the uplift is far surer than the two totals' intervals suggest.
    naive = alloc.expected_proposed.high - alloc.expected_current.low
    assert alloc.uplift.high - alloc.uplift.low < 0.5 * naive
    assert alloc.uplift.low > 0


def test_as_dict_is_json(base: tuple[Prepared, Design]) -> None:
    alloc = optimize_budget(posterior(base, A, K), 4000.0, periods=14)
    out = json.loads(json.dumps(alloc.as_dict()))
    assert out["budget"] == 4000.0 and out["periods"] == 14
    assert [c["channel"] for c in out["channels"]] == list(CHANNELS)
    assert set(out["uplift"]) == {"mean", "low", "high"}
    assert out["channels"][0]["expected_proposed"]["mean"] > 0
    assert isinstance(out["notes"], list)


def test_weekly_default_horizon_is_four_weeks() -> None:
    p = prepare(table(60, freq="W-MON"), SPEC)
    d = design(p, SPEC, np.ones(p.periods))
    alloc = optimize_budget(posterior((p, d), A, K), 2000.0)
    assert alloc.periods == 4 and alloc.grain == "week"
    assert [r.max for r in alloc.rows] == pytest.approx(3 * p.spend.mean(axis=0) * 4)


@pytest.mark.parametrize(("budget", "kwargs", "message"), [
    (0.0, {}, "budget must be a number above 0"),
    (-10.0, {}, "budget must be a number above 0"),
    (float("nan"), {}, "budget must be a number above 0"),
    (1000.0, {"bounds": {"meta_ads": (600.0, None), "google_ads": (600.0, None)}},
     "the minimums add up to 1,200.00, more than the budget of 1,000.00"),
    (1e7, {}, "the maximums add up to"),
    (1000.0, {"bounds": {"meta_ads": (0.0, 100.0), "google_ads": (0.0, 100.0),
                         "ig_anna": (0.0, 100.0)}}, "the maximums add up to 300.00"),
    (1000.0, {"bounds": {"tv": (0.0, 100.0)}}, "bounds given for 'tv'"),
    (1000.0, {"channels": ["meta_ads"], "bounds": {"ig_anna": (0.0, 9.0)}},
     "bounds given for 'ig_anna', which is not among the channels"),
    (1000.0, {"channels": ["meta_ads", "tv"]}, "no spend column 'tv'"),
    (1000.0, {"bounds": {"meta_ads": (500.0, 100.0)}},
     "the minimum for 'meta_ads' (500.00) is above the maximum (100.00)"),
    (1000.0, {"bounds": {"meta_ads": (1e6, None)}}, "is above its default maximum"),
    (1000.0, {"bounds": {"meta_ads": (-1.0, None)}}, "must be a number ≥ 0"),
    (1000.0, {"periods": 0}, "whole number of days"),
    (1000.0, {"level": 1.5}, "between 0 and 1"),
])
def test_bad_input_is_refused_with_a_reason(base: tuple[Prepared, Design], budget: float,
                                            kwargs: dict, message: str) -> None:
    with pytest.raises(ModelRefused) as err:
        optimize_budget(posterior(base, A, K), budget, **kwargs)
    assert message in str(err.value)


def test_bad_curve_requests_are_refused(base: tuple[Prepared, Design]) -> None:
    post = posterior(base, A, K)
    with pytest.raises(ModelRefused, match="no spend column 'tv'"):
        response_curves(post, channels=["tv"])
    with pytest.raises(ModelRefused, match="at least 2 points"):
        response_curves(post, points=1)
    with pytest.raises(ModelRefused, match="max_multiple"):
        response_curves(post, max_multiple=0)


ranges = st.floats(0.0, 1.0)


@settings(max_examples=25, deadline=None)
@given(budget=st.floats(200.0, 20_000.0), mins=st.tuples(ranges, ranges, ranges),
       room=st.tuples(ranges, ranges, ranges), slack=st.floats(1.0, 3.0),
       logistic=st.booleans(), unit=st.booleans(), seed=st.integers(0, 2**16))
def test_any_feasible_request_gets_a_feasible_answer(
        base: tuple[Prepared, Design], budget: float, mins: tuple[float, ...],
        room: tuple[float, ...], slack: float, logistic: bool, unit: bool,
        seed: int) -> None:
    post = random_posterior(base, seed, logistic, unit)
    lo = budget * np.array(mins) / 3 * 0.999
    width = np.array(room) + 1e-3
    hi = lo + (budget - lo.sum()) * slack * width / width.sum()
    bounds = {c: (float(lo[i]), float(hi[i])) for i, c in enumerate(CHANNELS)}
    alloc = optimize_budget(post, budget, bounds=bounds, seed=seed)
    got = np.array([alloc.proposed[c] for c in CHANNELS])
    assert got.sum() == pytest.approx(budget, rel=1e-9)
    assert np.all(got >= lo - 1e-9 * budget) and np.all(got <= hi + 1e-9 * budget)


@settings(max_examples=25, deadline=None)
@given(budget=st.floats(200.0, 20_000.0), below=st.tuples(ranges, ranges, ranges),
       above=st.tuples(ranges, ranges, ranges), logistic=st.booleans(), unit=st.booleans(),
       seed=st.integers(0, 2**16))
def test_never_worse_than_the_historical_mix(
        base: tuple[Prepared, Design], budget: float, below: tuple[float, ...],
        above: tuple[float, ...], logistic: bool, unit: bool, seed: int) -> None:
    p, _ = base
    post = random_posterior(base, seed, logistic, unit)
    current = budget * p.spend.sum(axis=0) / p.spend.sum()
    lo = current * np.array(below)
    hi = current + budget * np.array(above)
    bounds = {c: (float(lo[i]), float(hi[i])) for i, c in enumerate(CHANNELS)}
    alloc = optimize_budget(post, budget, bounds=bounds, seed=seed)
    assert alloc.expected_proposed.mean >= alloc.expected_current.mean * (1 - 1e-9)
    assert alloc.uplift.mean >= -1e-9 * alloc.expected_current.mean
    got = np.array([alloc.proposed[c] for c in CHANNELS])
    assert got.sum() == pytest.approx(budget, rel=1e-9)
    assert np.all(got >= lo - 1e-9 * budget) and np.all(got <= hi + 1e-9 * budget)
