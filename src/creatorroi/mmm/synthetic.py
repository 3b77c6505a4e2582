"""Sales data with a known answer, so a marketing-mix fit can be graded.

Influencer-shaped: many creators, each paid a fee on a handful of post days and nothing in
between, pooled by platform and tier (``"tiktok/micro"``) with creator ROAS drawn around the
pool's mean, beside a few always-on channels. Spend and baseline sales both peak in Q4 (Black
Friday, Christmas): the seasonal confounding a model must not mistake for media effect.

Sales = baseline + Σ beta · hill(adstock(spend)) + noise, all additive. The truth is defined as a
model would estimate it: a channel's contribution is sales with every channel minus sales with
that channel's spend set to zero (for an additive model, the sum of its own effect term over the
period), and its ROAS is that contribution over its spend in the period. Weekly data is the
daily data summed over full Monday–Sunday weeks, truth recomputed over the same days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from creatorroi.mmm.spec import MMMSpec

__all__ = ["CHANNELS", "CONTROLS", "POOLS", "Synthetic", "channel_effects", "make_dataset"]

CONTROLS = ("holiday_black_friday", "holiday_christmas", "promo")

# name: (mean daily spend, daily adstock decay, ROAS, how much spend rises in Q4)
CHANNELS: dict[str, tuple[float, float, float, float]] = {
    "meta_ads": (1200.0, 0.35, 2.0, 0.6),
    "google_ads": (900.0, 0.15, 2.8, 0.5),
    "email": (150.0, 0.2, 6.0, 0.8),
    "tv": (1500.0, 0.6, 0.9, 0.7),
    "affiliates": (400.0, 0.3, 2.4, 0.9),
}
_EXTRA_CHANNEL = (500.0, 0.3, 1.5, 0.5)

# pool: (pool mean ROAS before jitter, fee range per post)
POOLS: dict[str, tuple[float, tuple[float, float]]] = {
    "instagram/micro": (3.0, (300.0, 1200.0)),
    "instagram/mid": (2.2, (1000.0, 3000.0)),
    "tiktok/micro": (3.4, (250.0, 1000.0)),
    "tiktok/mid": (2.5, (800.0, 2500.0)),
    "youtube/mid": (2.0, (1500.0, 4000.0)),
    "youtube/macro": (1.4, (3000.0, 8000.0)),
}

_LEVEL = 20_000.0  # baseline daily sales at the start
_MAX_DECAY = 0.75  # keeps carry-over within max_lag (0.75**21 < 0.003)
_MAX_LAG = {"day": 21, "week": 4}


@dataclass(frozen=True)
class Synthetic:
    """A dataset and the answer a perfect model would give on it.

    ``params`` holds, per spend column, the generating ``decay``, ``half_saturation``,
    ``shape``, ``beta`` (daily, before any weekly aggregation), plus ``roas`` and ``spend``;
    ``"pool:<group>"`` entries hold each pool's mean ROAS and ``"baseline"`` the baseline's.
    ``effects`` (one column per channel) and ``baseline`` are the noise-free parts of sales per
    period: ``baseline + effects.sum(axis=1)`` is the expected sales.
    """

    frame: pd.DataFrame
    spec: MMMSpec
    true_roas: dict[str, float]
    true_contribution: dict[str, float]
    params: dict[str, dict[str, float]]
    effects: pd.DataFrame
    baseline: pd.Series


def _adstock(x: np.ndarray, decay: float) -> np.ndarray:
    """Normalised geometric carry-over: a_t = decay·a_{t-1} + (1-decay)·x_t, from zero."""
    return np.asarray(lfilter([1.0 - decay], [1.0, -decay], x))


def _hill(x: np.ndarray, half: float, shape: float) -> np.ndarray:
    xs = np.power(np.maximum(x, 0.0), shape)
    return np.asarray(xs / (xs + half**shape))


def channel_effects(spend: pd.DataFrame, params: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Each channel's daily effect on sales, beta · hill(adstock(spend)), from daily spend."""
    out = {}
    for col in spend.columns:
        p = params[col]
        x = spend[col].to_numpy(dtype=float)
        out[col] = p["beta"] * _hill(_adstock(x, p["decay"]), p["half_saturation"], p["shape"])
    return pd.DataFrame(out, index=spend.index)


def _black_friday(year: int) -> date:
    nov1 = date(year, 11, 1)
    thanksgiving = nov1 + timedelta(days=(3 - nov1.weekday()) % 7 + 21)  # 4th Thursday
    return thanksgiving + timedelta(days=1)


def _calendar(dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Black Friday to Cyber Monday, the ten shopping days before Christmas, and a Q4 bump."""
    d = dates.date
    bf = np.zeros(len(d), dtype=bool)
    xmas = np.zeros(len(d), dtype=bool)
    for year in sorted({x.year for x in d}):
        fri = _black_friday(year)
        bf |= (d >= fri) & (d <= fri + timedelta(days=3))
        xmas |= (d >= date(year, 12, 15)) & (d <= date(year, 12, 24))
    doy = dates.day_of_year.to_numpy()
    gap = np.minimum(np.abs(doy - 340), 365 - np.abs(doy - 340))  # days from early December
    q4 = np.exp(-0.5 * (gap / 25.0) ** 2)
    return bf.astype(float), xmas.astype(float), q4


def _full_weeks(dates: pd.DatetimeIndex) -> np.ndarray:
    """1.0 on days inside a Monday–Sunday week wholly in the period."""
    monday = dates - pd.to_timedelta(dates.day_of_week, unit="D")
    counts = pd.Series(1, index=monday).groupby(level=0).transform("size").to_numpy()
    return (counts == 7).astype(float)


def _promo(rng: np.random.Generator, n: int) -> np.ndarray:
    """A few promotions a year, four to seven days each."""
    promo = np.zeros(n)
    for _ in range(max(1, round(4 * n / 365))):
        first = int(rng.integers(0, n))
        promo[first : first + int(rng.integers(4, 8))] = 1.0
    return promo


def _channel_names(n: int) -> list[str]:
    names = list(CHANNELS)[:n]
    return names + [f"channel_{i:02d}" for i in range(len(names) + 1, n + 1)]


def make_dataset(
    seed: int,
    *,
    grain: Literal["day", "week"] = "day",
    days: int = 730,
    n_influencers: int = 30,
    n_channels: int = 5,
    attributed_share: float = 0.3,
    noise: float = 0.08,
    start: date = date(2024, 1, 1),
) -> Synthetic:
    """A daily (or weekly) sales table with known channel and creator ROAS.

    The same seed gives the same days at either grain: weekly is the daily table summed over
    full Monday–Sunday weeks (partial weeks at the edges are dropped), so the two agree.
    """
    if grain not in ("day", "week"):
        raise ValueError(f"grain must be 'day' or 'week', not {grain!r}")
    if days < 28:
        raise ValueError("days must be at least 28")
    if not 0.0 <= attributed_share <= 1.0:
        raise ValueError("attributed_share must be within [0, 1]")
    rng = np.random.default_rng(seed)
    dates = pd.date_range(pd.Timestamp(start), periods=days, freq="D")
    n = days
    t = np.arange(n) / 365.25
    bf, xmas, q4 = _calendar(dates)
    promo = _promo(rng, n)

    params: dict[str, dict[str, float]] = {}
    spend: dict[str, np.ndarray] = {}
    groups: dict[str, str] = {}

    # Creators: balanced over pools, a few bursty posts each, more of them in Q4.
    pools = list(POOLS)
    pool_mean = {
        g: POOLS[g][0] * float(np.exp(rng.normal(0.0, 0.15))) for g in pools
    }
    for g in pools:
        params[f"pool:{g}"] = {"roas_mean": pool_mean[g]}
    order = rng.permutation(n_influencers)
    # Posts only inside full Monday–Sunday weeks, so no creator vanishes at weekly grain.
    post_weight = (1.0 + 1.5 * q4) * _full_weeks(dates)
    post_weight /= post_weight.sum()
    for i in range(n_influencers):
        col = f"inf_{i + 1:02d}"
        group = pools[int(order[i]) % len(pools)]
        lo, hi = POOLS[group][1]
        posts = max(2, round(int(rng.integers(3, 13)) * n / 730))
        post_days = rng.choice(n, size=posts, replace=False, p=post_weight)
        fee = rng.uniform(lo, hi)
        x = np.zeros(n)
        x[post_days] = np.round(fee * rng.uniform(0.8, 1.2, size=len(post_days)), 0)
        spend[col] = x
        groups[col] = group
        params[col] = {
            "roas": pool_mean[group] * float(np.exp(rng.normal(0.0, 0.3))),
            "decay": float(rng.uniform(0.3, 0.7)),
            "shape": float(rng.uniform(1.0, 1.5)),
            "half_k": float(rng.uniform(0.7, 1.5)),
        }

    # Always-on channels: spend follows the Q4 peak and Black Friday, wobbling on its own.
    for col in _channel_names(n_channels):
        mean, decay, base_roas, amp = CHANNELS.get(col, _EXTRA_CHANNEL)
        wobble = lfilter([1.0], [1.0, -0.9], rng.normal(0.0, 0.1, n))
        level = mean * np.exp(amp * q4 + 0.5 * bf + wobble + rng.normal(0.0, 0.15, n))
        spend[col] = np.round(level, 2)
        params[col] = {
            "roas": base_roas * float(np.exp(rng.normal(0.0, 0.2))),
            "decay": float(min(_MAX_DECAY, decay * rng.uniform(0.8, 1.2))),
            "shape": float(rng.uniform(1.0, 1.5)),
            "half_k": float(rng.uniform(0.7, 1.5)),
        }

    # Half-saturation near the adstocked spend on days there is spend; beta then makes the
    # channel return its drawn ROAS over the generated days.
    cols = list(spend)
    spend_frame = pd.DataFrame(spend, index=dates)
    for col in cols:
        p = params[col]
        x = spend[col]
        ad = _adstock(x, p["decay"])
        p["half_saturation"] = p.pop("half_k") * float(ad[x > 0].mean())
        h = _hill(ad, p["half_saturation"], p["shape"])
        p["beta"] = p["roas"] * float(x.sum()) / float(h.sum())
    effects = channel_effects(spend_frame, params)

    # Baseline: level, slow trend, yearly season peaking in December, weekly pattern, holidays.
    weekly = np.array([0.96, 0.94, 0.95, 0.98, 1.04, 1.10, 1.03])
    weekly = weekly / weekly.mean()
    trend = 0.08 * t
    season = 0.12 * np.cos(2 * np.pi * (dates.day_of_year.to_numpy() - 340) / 365.25)
    b_bf, b_xmas, b_promo = (_LEVEL * rng.uniform(0.5, 0.8), _LEVEL * rng.uniform(0.2, 0.4),
                            _LEVEL * rng.uniform(0.1, 0.2))
    baseline = (_LEVEL * (1.0 + trend + season) * weekly[dates.day_of_week.to_numpy()]
                + b_bf * bf + b_xmas * xmas + b_promo * promo)
    params["baseline"] = {"level": _LEVEL, "trend_per_year": 0.08, "season_amplitude": 0.12,
                          "black_friday": b_bf, "christmas": b_xmas, "promo": b_promo}
    expected = baseline + effects.to_numpy().sum(axis=1)
    sd = noise * float(expected.mean())
    sales = np.maximum(expected + rng.normal(0.0, sd, n), 0.01 * float(expected.mean()))

    frame = pd.DataFrame({"date": dates, "sales": sales, **spend,
                          "holiday_black_friday": bf, "holiday_christmas": xmas, "promo": promo})
    base = pd.Series(baseline, index=dates, name="baseline")
    if grain == "week":
        frame, effects, base = _to_weeks(frame, effects, base)
    else:
        frame = frame.reset_index(drop=True)
        effects = effects.reset_index(drop=True)
        base = base.reset_index(drop=True)

    contribution = {c: float(effects[c].sum()) for c in cols}
    total_spend = {c: float(frame[c].sum()) for c in cols}
    roas = {c: contribution[c] / total_spend[c] if total_spend[c] > 0 else float("nan")
            for c in cols}
    for c in cols:
        params[c]["roas"] = roas[c]
        params[c]["spend"] = total_spend[c]
    spec = MMMSpec(
        date="date",
        target="sales",
        spend=tuple(cols),
        controls=CONTROLS,
        groups=groups,
        floors={c: attributed_share * contribution[c] for c in groups},
        max_lag=_MAX_LAG[grain],
    )
    return Synthetic(frame=frame, spec=spec, true_roas=roas, true_contribution=contribution,
                     params=params, effects=effects, baseline=base)


def _to_weeks(
    frame: pd.DataFrame, effects: pd.DataFrame, base: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Sum full Monday–Sunday weeks; the row's date is the Monday."""
    dates = pd.DatetimeIndex(frame["date"])
    keep = _full_weeks(dates) > 0
    key = (dates - pd.to_timedelta(dates.day_of_week, unit="D"))[keep]
    weekly = frame.loc[keep].drop(columns="date").groupby(key).sum()
    weekly.index.name = "date"
    weekly = weekly.reset_index()
    eff = effects.loc[keep].groupby(key).sum().reset_index(drop=True)
    b = base.loc[keep].groupby(key).sum().reset_index(drop=True)
    return weekly, eff, b
