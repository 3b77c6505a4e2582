"""Lift of one post, creator or campaign: the target minus what it would have done without it.

The counterfactual is a Bayesian structural time series fitted on the pre-period, in units
standardised by the pre-period's mean and spread::

    y_t = level_t + weekday_t + x_t · beta + noise_t     noise_t ~ N(0, sigma_obs²)
    level_t = level_{t-1} + step_t                       step_t ~ N(0, sigma_level²)

Why this model and not another:

* A local level absorbs slow drift the controls miss (brand awareness, a site change). A local
  linear trend would extrapolate a few weeks' slope across the whole post-period and blow up
  the interval; a synthetic control (non-negative weights, controls on the target's scale)
  breaks when controls are other channels or markets at other scales, which they usually are.
* Weekday effects (daily data only, summing to zero) are fixed rather than a stochastic
  seasonal state: the state stays scalar, and a weekly pattern rarely drifts within a year.
* The controls' coefficients get a Laplace prior (Bayesian lasso) that pulls weak controls to
  zero; a horseshoe's funnel gives NUTS divergences for no gain with a handful of controls.
* The model is linear-Gaussian with one state, so a scalar Kalman filter (``lax.scan``)
  integrates the level out: NUTS samples only the 2 + 6 + K static parameters, mixes well and
  has no state funnel to diverge in.

For each posterior draw the filter's level at the end of the pre-period is drawn, walked forward
with its own noise, and observation noise added, so the counterfactual's interval carries
parameter, state and noise uncertainty and widens with the horizon.

Sampling is numpyro's NUTS kernel (``numpyro.infer.hmc.hmc``, dense mass matrix, the ``MCMC``
defaults otherwise) with the chains vectorised in lockstep, warm-up and draws in one jitted scan.
Not ``MCMC`` itself: it recompiles on every call and compiling is most of a fit, while one
module-level jit serves every fit of the same shape (pre-periods padded to a multiple of 32).
Vectorised chains rather than ``sequential`` (one compile, fewer dispatches on two cores) or
``parallel`` (``numpyro.set_host_device_count`` only works before JAX starts).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
from numpyro.diagnostics import summary
from numpyro.infer.hmc import hmc
from numpyro.infer.util import potential_energy
from tqdm.auto import tqdm

from creatorroi.errors import ConfigError, CreatorROIError
from creatorroi.mmm.spec import Grain, Interval

__all__ = ["LiftDiagnostics", "LiftResult", "estimate_lift"]

_STEP_DAYS: dict[Grain, int] = {"day": 1, "week": 7}
_UNIT: dict[Grain, str] = {"day": "days", "week": "weeks"}
_MIN_PRE: dict[Grain, int] = {"day": 28, "week": 8}  # four of each weekday; two months
_PRE_FACTOR = 3  # the pre-period must be this many times the post-period
_LEVEL_PRIOR = 0.1  # sd of the level's daily step, in pre-period standard deviations
_BETA_PRIOR = 0.5  # Laplace scale of a standardised control's coefficient
_SEASON_PRIOR = 1.0
_RHAT_MAX = 1.05
_ESS_MIN = 100.0
_MAPE_MAX = 0.2
_BUCKET = 32  # pre-period lengths are padded to a multiple of this
_EXTRAPOLATION = 0.1  # share of a control's pre-period range it may leave it by


@dataclass(frozen=True)
class LiftDiagnostics:
    """How far to trust the fit. ``pre_mape`` is the weighted one-step-ahead error over the
    pre-period, Σ|actual − expected| / Σ actual, so days with zero sessions do not blow it up."""

    rhat_max: float
    ess_min: float
    divergences: int
    draws: int
    chains: int
    pre_mape: float

    def as_dict(self) -> dict[str, Any]:
        return {k: _plain(getattr(self, k)) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class LiftResult:
    """Actual against counterfactual over ``start``..``end``, summed over the post-period.

    ``p_no_effect`` is the share of posterior draws whose cumulative lift is ≤ 0: the
    probability that the intervention added nothing (one-sided; a clearly negative effect gives
    a value near 1). ``periods`` holds every pre- and post-period row (``post`` tells which):
    ``expected`` is the one-step-ahead fit before ``start`` and the counterfactual from it on,
    ``low``/``high`` its interval, and ``lift`` is ``actual - expected``.
    """

    target: str
    grain: Grain
    start: date
    end: date
    pre_periods: int
    post_periods: int
    level: float
    actual_total: float
    counterfactual: Interval
    lift: Interval
    relative: Interval
    p_no_effect: float
    diagnostics: LiftDiagnostics
    warnings: tuple[str, ...] = ()
    periods: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        rows = [
            {"date": d.date().isoformat(), "post": bool(post), "actual": _plain(a),
             "expected": _plain(e), "low": _plain(lo), "high": _plain(hi), "lift": _plain(li)}
            for d, post, a, e, lo, hi, li in self.periods[
                ["date", "post", "actual", "expected", "low", "high", "lift"]].itertuples(
                    index=False)
        ]
        return {
            "target": self.target,
            "grain": self.grain,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "pre_periods": self.pre_periods,
            "post_periods": self.post_periods,
            "level": self.level,
            "actual_total": _plain(self.actual_total),
            "counterfactual": _interval_dict(self.counterfactual),
            "lift": _interval_dict(self.lift),
            "relative": _interval_dict(self.relative),
            "p_no_effect": _plain(self.p_no_effect),
            "diagnostics": self.diagnostics.as_dict(),
            "warnings": list(self.warnings),
            "periods": rows,
        }


def estimate_lift(frame: pd.DataFrame, target: str, controls: Sequence[str], start: date,
                  end: date | None = None, *, date_col: str = "date",
                  pre_start: date | None = None, level: float = 0.9, draws: int = 1000,
                  tune: int = 1000, chains: int = 2, seed: int = 0,
                  progress: bool = False) -> LiftResult:
    """The lift of an intervention running ``start``..``end`` (inclusive; ``end`` None = the
    last date) on ``target``, against ``controls`` it did not touch.

    ``frame`` has one row per day or per week (a week's date is its first day, so the week
    containing ``start`` counts as post-period); rows after ``end`` and before ``pre_start``
    are ignored. The pre-period must span at least 3× the post-period and at least 28 days
    (8 weeks). The same ``seed`` gives the same numbers.
    """
    controls = tuple(controls)
    _check_options(target, controls, level, draws, tune, chains)
    data = _prepare(frame, target, controls, date_col, start, end, pre_start)
    fit = _fit(data, draws, tune, chains, seed, progress)
    return _summarise(data, fit, target, level, draws, chains, seed)


@dataclass(frozen=True)
class _Data:
    grain: Grain
    start: date
    end: date
    dates: pd.DatetimeIndex
    y: np.ndarray  # target, raw
    x: np.ndarray  # controls, raw, (T, K)
    n_pre: int
    controls: tuple[str, ...]


@dataclass(frozen=True)
class _Fit:
    samples: dict[str, np.ndarray]  # flattened over chains, float64
    rhat_max: float
    ess_min: float
    divergences: int


def _check_options(target: str, controls: tuple[str, ...], level: float, draws: int, tune: int,
                   chains: int) -> None:
    if not 0 < level < 1:
        raise ConfigError(f"level {level}: give a probability between 0 and 1, e.g. 0.9")
    if draws < 1 or tune < 0 or chains < 1:
        raise ConfigError(f"draws={draws}, tune={tune}, chains={chains}: draws and chains must "
                          "be at least 1 and tune at least 0")
    if target in controls:
        raise CreatorROIError(f"{target!r} is the target and cannot also be a control")
    doubled = sorted({c for c in controls if controls.count(c) > 1})
    if doubled:
        raise CreatorROIError(f"control(s) {', '.join(map(repr, doubled))} given twice")


def _prepare(frame: pd.DataFrame, target: str, controls: tuple[str, ...], date_col: str,
             start: date, end: date | None, pre_start: date | None) -> _Data:
    missing = [c for c in (date_col, target, *controls) if c not in frame.columns]
    if missing:
        raise CreatorROIError(
            f"missing column(s) {', '.join(map(repr, missing))}; the table has "
            f"{', '.join(map(repr, map(str, frame.columns)))}")
    dates = _parse_dates(frame[date_col], date_col)
    order = np.argsort(dates.to_numpy(), kind="stable")
    dates = pd.DatetimeIndex(dates.to_numpy()[order])
    dupes = dates[dates.duplicated()]
    if len(dupes):
        raise CreatorROIError(f"{date_col!r}: {_iso(dupes[0])} appears more than once; "
                              "give one row per day or week")
    t_start = _day(start, "start")
    t_end = None if end is None else _day(end, "end")
    keep = np.ones(len(dates), dtype=bool)
    if pre_start is not None:
        t_pre = _day(pre_start, "pre_start")
        if t_pre >= t_start:
            raise CreatorROIError(f"pre_start {_iso(t_pre)} must come before start "
                                  f"{_iso(t_start)}")
        keep &= dates >= t_pre
    if t_end is not None:
        if t_end < t_start:
            raise CreatorROIError(f"end {_iso(t_end)} is before start {_iso(t_start)}")
        keep &= dates <= t_end
    if not keep.any():
        raise CreatorROIError("no rows fall between pre_start and end")
    dates = dates[keep]
    rows = order[keep]
    first, last = dates[0], dates[-1]
    if t_start <= first:
        raise CreatorROIError(f"start {_iso(t_start)} is not after the first date "
                              f"{_iso(first)}: there is no pre-period to learn from")
    grain = _grain(dates)
    step = pd.Timedelta(days=_STEP_DAYS[grain])
    if t_start > last + step - pd.Timedelta(days=1):
        raise CreatorROIError(f"start {_iso(t_start)} is after the last date {_iso(last)}")
    if t_end is not None and t_end > last + step - pd.Timedelta(days=1):
        raise CreatorROIError(f"end {_iso(t_end)} is after the last date {_iso(last)}")
    post = (dates + step - pd.Timedelta(days=1)) >= t_start
    n_pre, n_post = int((~post).sum()), int(post.sum())
    needed = max(_PRE_FACTOR * n_post, _MIN_PRE[grain])
    if n_pre < needed:
        unit = _UNIT[grain]
        raise CreatorROIError(
            f"the pre-period has {n_pre} {unit} before {_iso(t_start)}; lift needs at least "
            f"{needed} ({_PRE_FACTOR}× the {n_post}-{unit[:-1]} post-period, and never fewer "
            f"than {_MIN_PRE[grain]} {unit}): give data from further back or a shorter "
            "window")
    values = {c: _values(frame[c].to_numpy()[rows], c, dates) for c in (target, *controls)}
    y = values[target]
    if np.ptp(y[:n_pre]) == 0:
        raise CreatorROIError(f"target {target!r} is constant ({y[0]:g}) over the pre-period "
                              f"{_iso(first)}..{_iso(dates[n_pre - 1])}: nothing to learn from")
    for c in controls:
        if np.ptp(values[c][:n_pre]) == 0:
            raise CreatorROIError(
                f"control {c!r} is constant ({values[c][0]:g}) over the pre-period "
                f"{_iso(first)}..{_iso(dates[n_pre - 1])}: it cannot explain the target; "
                "drop it")
    x = np.column_stack([values[c] for c in controls]) if controls else np.zeros((len(y), 0))
    return _Data(grain, t_start.date(), (t_end or last).date(), dates, y, x, n_pre, controls)


def _parse_dates(col: pd.Series, name: str) -> pd.DatetimeIndex:
    try:
        parsed = pd.to_datetime(col, errors="raise")
    except (ValueError, TypeError) as exc:
        raise CreatorROIError(f"{name!r} holds something that is not a date: {exc}") from None
    if parsed.dt.tz is not None:
        parsed = parsed.dt.tz_localize(None)
    missing = parsed.isna().to_numpy()
    if missing.any():
        raise CreatorROIError(f"{name!r} is empty on row {int(np.argmax(missing)) + 1}")
    idx = pd.DatetimeIndex(parsed)
    timed = idx != idx.normalize()
    if timed.any():
        raise CreatorROIError(f"{name!r} has a time of day ({idx[timed][0]}): give whole "
                              "days or weeks")
    return idx


def _day(value: date, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{name} {value!r} is not a date") from exc
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def _grain(dates: pd.DatetimeIndex) -> Grain:
    """Daily or weekly from the usual spacing; any other spacing names the first bad date."""
    if len(dates) < 2:
        raise CreatorROIError("one row is not a time series")
    gaps = np.diff(dates.to_numpy()) // np.timedelta64(1, "D")
    values, counts = np.unique(gaps, return_counts=True)
    usual = int(values[np.argmax(counts)])
    if usual not in (1, 7):
        raise CreatorROIError(f"dates are {usual} days apart (from {_iso(dates[0])}): lift "
                              "needs one row per day or per week")
    grain: Grain = "day" if usual == 1 else "week"
    bad = np.flatnonzero(gaps != usual)
    if len(bad):
        i = int(bad[0])
        before, after = dates[i], dates[i + 1]
        if gaps[i] % usual:
            raise CreatorROIError(
                f"dates are not evenly spaced: {_iso(after)} follows {_iso(before)} "
                f"({_days(int(gaps[i]))}) in {'daily' if grain == 'day' else 'weekly'} data")
        missing = before + pd.Timedelta(days=usual)
        raise CreatorROIError(f"no row for {_iso(missing)} (the dates jump from {_iso(before)} "
                              f"to {_iso(after)}): add the missing {grain}s")
    return grain


def _values(raw: np.ndarray, name: str, dates: pd.DatetimeIndex) -> np.ndarray:
    numbers = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers)
    if bad.any():
        i = int(np.argmax(bad))
        what = "is empty" if pd.isna(raw[i]) else f"holds {raw[i]!r}, not a number,"
        raise CreatorROIError(f"column {name!r} {what} on {_iso(dates[i])}")
    negative = numbers < 0
    if negative.any():
        i = int(np.argmax(negative))
        raise CreatorROIError(f"column {name!r} is negative ({numbers[i]:g}) on "
                              f"{_iso(dates[i])}: sessions, searches and sales cannot be")
    return numbers


def _standardise(data: _Data) -> tuple[float, float, np.ndarray, np.ndarray, np.ndarray | None]:
    pre = slice(0, data.n_pre)
    y_mu, y_sd = float(data.y[pre].mean()), float(data.y[pre].std())
    x_mu, x_sd = data.x[pre].mean(axis=0), data.x[pre].std(axis=0)
    ys = (data.y - y_mu) / y_sd
    xs = (data.x - x_mu) / x_sd
    season = None
    if data.grain == "day":
        season = np.eye(7)[data.dates.day_of_week.to_numpy()]
    return y_mu, y_sd, ys, xs, season


def _weekday_effects(free: Any) -> Any:
    """Seven weekday effects from six free ones, summing to zero so the level keeps the mean."""
    return jnp.concatenate([free, -free.sum(axis=-1, keepdims=True)], axis=-1)


def _model(y: jax.Array, mask: jax.Array, x: jax.Array, season: jax.Array | None) -> None:
    sigma_obs = numpyro.sample("sigma_obs", dist.HalfNormal(1.0))
    sigma_level = numpyro.sample("sigma_level", dist.HalfNormal(_LEVEL_PRIOR))
    mean = jnp.zeros_like(y)
    if x.shape[1]:
        beta = numpyro.sample("beta", dist.Laplace(0.0, _BETA_PRIOR).expand([x.shape[1]])
                              .to_event(1))
        mean = mean + x @ beta
    if season is not None:
        free = numpyro.sample("weekday", dist.Normal(0.0, _SEASON_PRIOR).expand([6]).to_event(1))
        mean = mean + season @ _weekday_effects(free)
    v_obs, v_level = sigma_obs**2, sigma_level**2

    def step(carry: tuple[jax.Array, jax.Array], obs: tuple[jax.Array, jax.Array]
             ) -> tuple[Any, jax.Array]:
        (m, p), (r, seen) = carry, obs
        f = p + v_obs
        e = r - m
        gain = jnp.where(seen, p / f, 0.0)
        ll = jnp.where(seen, -0.5 * (jnp.log(2 * jnp.pi * f) + e**2 / f), 0.0)
        return (m + gain * e, p * (1 - gain) + v_level), ll

    _, ll = jax.lax.scan(step, (jnp.zeros(()), jnp.ones(())), (y - mean, mask))
    numpyro.factor("y", ll.sum())


_PROGRESS: dict[int, Any] = {}  # token -> progress bar of a running fit
_TOKENS = itertools.count()
_TICK = 25  # iterations between progress-bar updates


def _tick(token: Any, i: Any) -> None:
    bar = _PROGRESS.get(int(token))
    if bar is not None:
        bar.update(int(i) + _TICK - bar.n if int(i) + _TICK <= bar.total else bar.total - bar.n)


@partial(jax.jit, static_argnames=("tune", "draws", "chains"))
def _sample(key: jax.Array, token: jax.Array, y: jax.Array, mask: jax.Array, x: jax.Array,
            season: jax.Array | None, *, tune: int, draws: int, chains: int) -> Any:
    """NUTS on chains vectorised in lockstep, warm-up and draws in one compiled scan.

    Module-level and jitted so a second fit of the same shape (a placebo, another creator
    over the same window) reuses the compiled program; numpyro's ``MCMC`` recompiles on every
    call, and compiling is most of a fit's time.
    """
    def potential(z: dict[str, jax.Array]) -> jax.Array:
        return potential_energy(_model, (y, mask, x, season), {}, z)

    init_kernel, sample_kernel = hmc(potential_fn=potential, algo="NUTS")
    shapes: dict[str, tuple[int, ...]] = {"sigma_obs": (), "sigma_level": ()}
    if x.shape[1]:
        shapes["beta"] = (x.shape[1],)
    if season is not None:
        shapes["weekday"] = (6,)
    init_key, chain_key = jax.random.split(key)
    z0 = {name: jax.random.uniform(k, (chains, *shape), minval=-2.0, maxval=2.0)
          for k, (name, shape) in zip(jax.random.split(init_key, len(shapes)), shapes.items(),
                                      strict=True)}  # numpyro's init_to_uniform
    state = jax.vmap(lambda z, k: init_kernel(z, tune, dense_mass=True, rng_key=k))(
        z0, jax.random.split(chain_key, chains))

    def body(state: Any, i: jax.Array) -> tuple[Any, Any]:
        state = jax.vmap(sample_kernel)(state)
        jax.lax.cond(i % _TICK == 0, lambda: jax.debug.callback(_tick, token, i),
                     lambda: None)
        return state, (state.z, state.diverging)

    _, (z, diverging) = jax.lax.scan(body, state, jnp.arange(tune + draws))
    return {k: v[tune:].swapaxes(0, 1) for k, v in z.items()}, diverging[tune:]


def _fit(data: _Data, draws: int, tune: int, chains: int, seed: int, progress: bool) -> _Fit:
    _, _, ys, xs, season = _standardise(data)
    n = data.n_pre
    padded = -(-n // _BUCKET) * _BUCKET  # one compiled program serves a range of lengths

    def pad(a: np.ndarray) -> jax.Array:
        out = np.zeros((padded, *a.shape[1:]), dtype=np.float32)
        out[:n] = a[:n]
        return jnp.asarray(out)

    token = next(_TOKENS)
    if progress:
        _PROGRESS[token] = tqdm(total=tune + draws, desc=f"lift: {chains} chain(s)")
    try:
        z, diverging = _sample(
            jax.random.PRNGKey(seed), jnp.asarray(token), pad(ys), pad(np.ones(n)), pad(xs),
            None if season is None else pad(season), tune=tune, draws=draws, chains=chains)
        z = jax.block_until_ready(z)
    finally:
        bar = _PROGRESS.pop(token, None)
        if bar is not None:
            bar.update(bar.total - bar.n)
            bar.close()
    grouped = {k: np.asarray(v, dtype=float) for k, v in z.items()}
    for k in ("sigma_obs", "sigma_level"):  # HalfNormal: sampled as log, as numpyro's biject_to
        grouped[k] = np.exp(grouped[k])
    with np.errstate(divide="ignore", invalid="ignore"):  # a handful of draws: NaN, not noise
        stats = summary(grouped, group_by_chain=True)
    rhat = np.concatenate([np.ravel(s["r_hat"]) for s in stats.values()])
    ess = np.concatenate([np.ravel(s["n_eff"]) for s in stats.values()])
    flat = {k: v.reshape(chains * draws, *v.shape[2:]) for k, v in grouped.items()}
    return _Fit(flat, _finite_max(rhat), _finite_min(ess), int(np.asarray(diverging).sum()))


def _summarise(data: _Data, fit: _Fit, target: str, level: float, draws: int, chains: int,
               seed: int) -> LiftResult:
    y_mu, y_sd, ys, xs, season = _standardise(data)
    s = fit.samples
    n_draws = len(s["sigma_obs"])
    mean = np.zeros((len(ys), n_draws))
    if xs.shape[1]:
        mean += xs @ s["beta"].T
    if season is not None:
        free = s["weekday"]
        mean += season @ np.column_stack([free, -free.sum(axis=1)]).T
    v_obs, v_level = s["sigma_obs"] ** 2, s["sigma_level"] ** 2
    n_pre = data.n_pre
    m, p = np.zeros(n_draws), np.ones(n_draws)
    pred_mean, pred_var = np.empty((n_pre, n_draws)), np.empty((n_pre, n_draws))
    for t in range(n_pre):  # the model's filter again, per draw, to keep its states
        pred_mean[t], pred_var[t] = m + mean[t], p + v_obs
        gain = p / pred_var[t]
        m, p = m + gain * (ys[t] - pred_mean[t]), p * (1 - gain) + v_level
    rng = np.random.default_rng(seed)
    pre_draws = pred_mean + np.sqrt(pred_var) * rng.standard_normal(pred_mean.shape)
    horizon = len(ys) - n_pre
    walk = rng.standard_normal((horizon, n_draws)) * s["sigma_level"]
    walk[0] = 0.0
    state = m + np.sqrt(p) * rng.standard_normal(n_draws) + np.cumsum(walk, axis=0)
    post_draws = (state + mean[n_pre:]
                  + s["sigma_obs"] * rng.standard_normal((horizon, n_draws)))
    draws_all = y_mu + y_sd * np.vstack([pre_draws, post_draws])

    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    expected = draws_all.mean(axis=1)
    low, high = np.quantile(draws_all, [lo_q, hi_q], axis=1)
    periods = pd.DataFrame({
        "date": data.dates, "post": np.arange(len(ys)) >= n_pre, "actual": data.y,
        "expected": expected, "low": low, "high": high, "lift": data.y - expected})

    actual_total = float(data.y[n_pre:].sum())
    cf_total = draws_all[n_pre:].sum(axis=0)
    lift_total = actual_total - cf_total
    positive = cf_total > 0
    relative = lift_total[positive] / cf_total[positive]

    burn = min(7 if data.grain == "day" else 2, n_pre - 1)
    actual_pre = data.y[burn:n_pre]
    pre_mape = float(np.abs(actual_pre - expected[burn:n_pre]).sum()
                     / max(actual_pre.sum(), 1e-12))
    diagnostics = LiftDiagnostics(fit.rhat_max, fit.ess_min, fit.divergences, draws, chains,
                                  pre_mape)
    warnings = _warnings(data, diagnostics, positive)
    return LiftResult(
        target=target, grain=data.grain, start=data.start, end=data.end, pre_periods=n_pre,
        post_periods=horizon, level=level, actual_total=actual_total,
        counterfactual=_interval(cf_total, lo_q, hi_q), lift=_interval(lift_total, lo_q, hi_q),
        relative=_interval(relative, lo_q, hi_q), p_no_effect=float((lift_total <= 0).mean()),
        diagnostics=diagnostics, warnings=warnings, periods=periods)


def _warnings(data: _Data, diag: LiftDiagnostics, positive: np.ndarray) -> tuple[str, ...]:
    out = []
    if diag.pre_mape > _MAPE_MAX:
        out.append(f"the pre-period fit is poor (MAPE {diag.pre_mape:.0%}): treat this lift "
                   "with caution")
    if diag.rhat_max > _RHAT_MAX:
        out.append(f"the sampler has not converged (R-hat {diag.rhat_max:.2f} > {_RHAT_MAX}): "
                   "raise tune and draws")
    if diag.divergences:
        out.append(f"{diag.divergences} divergent transition(s): the interval may be off")
    if diag.ess_min < _ESS_MIN:
        out.append(f"few effective draws (ESS {diag.ess_min:.0f}): the interval is rough; "
                   "raise draws")
    if not data.controls:
        out.append("no controls: the counterfactual only carries the pre-period's level and "
                   "weekly pattern forward")
    pre, post = data.x[:data.n_pre], data.x[data.n_pre:]
    for j, c in enumerate(data.controls):
        lo, hi = pre[:, j].min(), pre[:, j].max()
        slack = _EXTRAPOLATION * (hi - lo)
        outside = int(((post[:, j] < lo - slack) | (post[:, j] > hi + slack)).sum())
        if outside > len(post) / 4:
            out.append(f"control {c!r} is outside its pre-period range in {outside} of "
                       f"{len(post)} post-period {_UNIT[data.grain]}: the counterfactual "
                       "extrapolates (was it affected too?)")
    if not positive.all():
        out.append(f"{(~positive).mean():.0%} of draws give a counterfactual total ≤ 0: the "
                   "relative lift leaves them out")
    return tuple(out)


def _interval(x: np.ndarray, lo_q: float, hi_q: float) -> Interval:
    if not len(x):
        return Interval(math.nan, math.nan, math.nan)
    low, high = np.quantile(x, [lo_q, hi_q])
    return Interval(float(x.mean()), float(low), float(high))


def _interval_dict(i: Interval) -> dict[str, float | None]:
    return {k: _plain(v) for k, v in i.as_dict().items()}


def _plain(v: Any) -> Any:
    """A JSON-ready scalar: NaN and infinities become None."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    f = float(v)
    return f if math.isfinite(f) else None


def _finite_max(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.max()) if len(finite) else math.nan


def _finite_min(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.min()) if len(finite) else math.nan


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _iso(stamp: pd.Timestamp) -> str:
    return stamp.date().isoformat()
