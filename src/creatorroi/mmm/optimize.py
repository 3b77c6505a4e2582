"""Response curves and a budget split for the next few weeks, from a fitted mix model.

Both read the posterior at *steady state*: spend held at ``x`` per period long enough that the
adstocked spend is ``x`` too (the carry-over weights sum to one), so a channel returns
``y_scale · beta · saturate(x / scale, half)`` per period. This ignores the ramp-up of a change
and the tail of past spend, which roughly cancel over a horizon of a few carry-over windows;
the answer is a mix to hold, not a day-by-day schedule.

The optimiser maximises the posterior *mean* revenue. Each channel's response is concave in its
spend (Michaelis-Menten and logistic saturation alike), so the mean is concave too and the
constrained optimum is unique: a local method (SLSQP, analytic gradient) finds it. Intervals
are computed per draw afterwards, so the uplift's interval keeps the correlation between the
current and the proposed mix's revenue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, minimize

from creatorroi.errors import ModelRefused
from creatorroi.mmm import _jax  # noqa: F401  (JAX settings before model.py imports it)
from creatorroi.mmm.model import saturate
from creatorroi.mmm.spec import Interval

if TYPE_CHECKING:
    from creatorroi.mmm.fit import Posterior

__all__ = ["MAX_MULTIPLE", "Allocation", "AllocationRow", "optimize_budget", "response_curves"]

# Default ceiling per channel: this many times its historical spend over a horizon of the same
# length. The saturation curve is only learned where spend was; far past it, the optimiser would
# be trusting the prior's shape, not the data.
MAX_MULTIPLE = 3.0
DEFAULT_HORIZON = {"day": 28, "week": 4}
# Relative slack (of the budget) within which a solver's answer counts as on a bound or feasible.
_TOL = 1e-6
_RESTARTS = 2


@dataclass(frozen=True)
class AllocationRow:
    """One channel's share of the budget over the horizon, in currency units."""

    channel: str
    kind: Literal["channel", "influencer"]
    current: float
    proposed: float
    min: float
    max: float
    expected_current: Interval
    expected_proposed: Interval
    at_bound: Literal["min", "max"] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "kind": self.kind, "current": self.current,
                "proposed": self.proposed, "min": self.min, "max": self.max,
                "at_bound": self.at_bound,
                "expected_current": self.expected_current.as_dict(),
                "expected_proposed": self.expected_proposed.as_dict()}


@dataclass(frozen=True)
class Allocation:
    """A proposed split of ``budget`` over the next ``periods`` periods, against the historical
    mix scaled to the same budget; revenue is expected revenue over the horizon."""

    budget: float
    periods: int
    grain: str
    level: float
    rows: tuple[AllocationRow, ...]
    expected_current: Interval
    expected_proposed: Interval
    uplift: Interval
    notes: tuple[str, ...] = ()

    @property
    def proposed(self) -> dict[str, float]:
        return {r.channel: r.proposed for r in self.rows}

    @property
    def current(self) -> dict[str, float]:
        return {r.channel: r.current for r in self.rows}

    def as_dict(self) -> dict[str, Any]:
        return {"budget": self.budget, "periods": self.periods, "grain": self.grain,
                "level": self.level, "channels": [r.as_dict() for r in self.rows],
                "expected_current": self.expected_current.as_dict(),
                "expected_proposed": self.expected_proposed.as_dict(),
                "uplift": self.uplift.as_dict(), "notes": list(self.notes)}


def response_curves(post: Posterior, *, channels: Sequence[str] | None = None,
                    points: int = 25, max_multiple: float = 3.0,
                    level: float = 0.9) -> pd.DataFrame:
    """Revenue per period against a constant spend per period, from 0 to ``max_multiple`` times
    each channel's historical average, one row per channel and grid point.

    ``revenue`` is the posterior mean, ``revenue_low``/``revenue_high`` its equal-tailed
    ``level`` interval; ``roas`` is revenue over spend (NaN at 0) and ``marginal_roas`` the slope
    of the mean curve: what the next unit of spend returns. ``observed`` is True where the spend
    lies within the per-period range the channel actually had, so a chart can mark the rest as
    extrapolation.
    """
    _check_level(level)
    if points < 2:
        raise ModelRefused(f"a response curve needs at least 2 points, not {points}")
    if not np.isfinite(max_multiple) or max_multiple <= 0:
        raise ModelRefused(f"max_multiple must be a number above 0, not {max_multiple}")
    p, d = post.prepared, post.design
    idx = _channel_index(p.channels, channels)
    beta, half = _draws(post)
    average = p.spend.mean(axis=0)
    lo_obs, hi_obs = p.spend.min(axis=0), p.spend.max(axis=0)
    q = _quantiles(level)
    frames = []
    for j in idx:
        spend = np.linspace(0.0, max_multiple * average[j], points)
        u = spend[None, :] / d.scale[j]
        b, h = beta[:, j, None], half[:, j, None]
        revenue = d.y_scale * b * _sat(u, h, d.logistic)             # (S, G)
        slope = d.y_scale * b * _dsat(u, h, d.logistic) / d.scale[j]
        low, high = np.quantile(revenue, q, axis=0)
        mean = revenue.mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            roas = np.where(spend > 0, mean / np.where(spend > 0, spend, 1.0), np.nan)
        # A hair of slack so the historical maximum itself, hit by the grid, counts as seen.
        slack = 1e-9 * max(hi_obs[j], 1.0)
        frames.append(pd.DataFrame({
            "channel": p.channels[j], "spend": spend, "revenue": mean,
            "revenue_low": np.minimum(low, mean), "revenue_high": np.maximum(high, mean),
            "roas": roas, "marginal_roas": slope.mean(axis=0),
            "observed": (spend >= lo_obs[j] - slack) & (spend <= hi_obs[j] + slack)}))
    return pd.concat(frames, ignore_index=True)


def optimize_budget(post: Posterior, budget: float, *, periods: int | None = None,
                    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
                    channels: Sequence[str] | None = None, level: float = 0.9,
                    seed: int = 0) -> Allocation:
    """Split ``budget`` over ``channels`` (default: every spend column) for the next
    ``periods`` periods (default four weeks), spend held constant per period, to maximise the
    posterior-mean expected revenue.

    ``bounds`` gives a channel's (min, max) total over the horizon; ``None`` keeps a default:
    min 0, max ``MAX_MULTIPLE`` times what the channel spent over a horizon of that length on
    average, so the answer stays near spend the model has seen. Channels not in ``channels`` are
    left out of the budget and of the revenue. ``seed`` draws the extra starting points that
    guard the solver. Raises ``ModelRefused`` for a budget the bounds cannot hold.
    """
    _check_level(level)
    p, d = post.prepared, post.design
    if not np.isfinite(budget) or budget <= 0:
        raise ModelRefused(f"the budget must be a number above 0, not {budget:g}")
    budget = float(budget)
    horizon = DEFAULT_HORIZON[p.grain] if periods is None else periods
    if int(horizon) != horizon or horizon < 1:
        raise ModelRefused(f"the horizon must be a whole number of {p.grain}s, at least 1, "
                           f"not {horizon}")
    horizon = int(horizon)
    idx = _channel_index(p.channels, channels)
    names = [p.channels[j] for j in idx]
    history = p.spend[:, idx]
    typical = history.mean(axis=0) * horizon       # historical spend over such a horizon
    lo, hi, given_max = _bounds(bounds or {}, names, typical, budget, horizon, p.grain)
    share = history.sum(axis=0) / history.sum()
    current = budget * share

    beta, half = _draws(post)
    beta, half, scale = beta[:, idx], half[:, idx], d.scale[idx]
    objective = _Objective(beta, half, scale, d.y_scale, d.logistic, horizon, budget)
    start = _project(current / budget, lo / budget, hi / budget)
    best = _solve(objective, start, lo / budget, hi / budget, seed)
    proposed = _exact(best * budget, lo, hi, budget)

    q = _quantiles(level)
    rev_cur = objective.per_draw(current / budget)                   # (S, C)
    rev_new = objective.per_draw(proposed / budget)
    tol = _TOL * budget
    rows = []
    for k, (j, name) in enumerate(zip(idx, names, strict=True)):
        at: Literal["min", "max"] | None = None
        if hi[k] - lo[k] > tol and proposed[k] >= hi[k] - tol:
            at = "max"
        elif hi[k] - lo[k] > tol and proposed[k] <= lo[k] + tol:
            at = "min"
        rows.append(AllocationRow(
            channel=name, kind="influencer" if p.influencer[j] else "channel",
            current=float(current[k]), proposed=float(proposed[k]), min=float(lo[k]),
            max=float(hi[k]), expected_current=_interval(rev_cur[:, k], q),
            expected_proposed=_interval(rev_new[:, k], q), at_bound=at))
    total_cur, total_new = rev_cur.sum(axis=1), rev_new.sum(axis=1)
    notes = _notes(rows, given_max, current, lo, hi, p.spend[:, idx].max(axis=0), horizon,
                   p.grain, tol, objective.marginal(proposed / budget))
    return Allocation(budget=budget, periods=horizon, grain=p.grain, level=level,
                      rows=tuple(rows), expected_current=_interval(total_cur, q),
                      expected_proposed=_interval(total_new, q),
                      uplift=_interval(total_new - total_cur, q), notes=tuple(notes))


class _Objective:
    """Expected revenue over the horizon of a split given as shares ``w`` of the budget,
    per draw, and the mean's value and gradient scaled to order one for the solver."""

    def __init__(self, beta: np.ndarray, half: np.ndarray, scale: np.ndarray, y_scale: float,
                 logistic: bool, periods: int, budget: float):
        self.beta, self.half, self.logistic = beta, half, logistic
        self.periods, self.y_scale, self.budget = periods, y_scale, budget
        self.to_u = budget / (periods * scale)      # share of budget -> spend per period / scale
        self.norm = 1.0

    def per_draw(self, w: np.ndarray) -> np.ndarray:
        u = np.maximum(w, 0.0)[None, :] * self.to_u
        return self.periods * self.y_scale * self.beta * _sat(u, self.half, self.logistic)

    def mean(self, w: np.ndarray) -> float:
        return float(self.per_draw(w).sum(axis=1).mean())

    def marginal(self, w: np.ndarray) -> np.ndarray:
        """Expected revenue of the next unit of currency on each channel."""
        u = np.maximum(w, 0.0)[None, :] * self.to_u
        grad = (self.beta * _dsat(u, self.half, self.logistic)).mean(axis=0) * self.to_u
        return np.asarray(grad * self.periods * self.y_scale / self.budget)

    def __call__(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        u = np.maximum(w, 0.0)[None, :] * self.to_u
        value = (self.beta * _sat(u, self.half, self.logistic)).sum(axis=1).mean()
        grad = (self.beta * _dsat(u, self.half, self.logistic)).mean(axis=0) * self.to_u
        k = self.periods * self.y_scale / self.norm
        return -float(value) * k, -grad * k


def _solve(objective: _Objective, start: np.ndarray, lo: np.ndarray, hi: np.ndarray,
           seed: int) -> np.ndarray:
    """Best feasible split found by SLSQP from ``start`` and a few seeded random feasible
    points; never worse than ``start`` itself."""
    c = len(start)
    if c == 1 or np.all(hi - lo <= _TOL):
        return start
    objective.norm = max(objective.mean(start), objective.mean(np.full(c, 1.0 / c)), 1e-12)
    rng = np.random.default_rng(seed)
    starts = [start] + [_project(rng.dirichlet(np.ones(c)), lo, hi) for _ in range(_RESTARTS)]
    best, best_value = start, objective.mean(start)
    ones = np.ones(c)
    for x0 in starts:
        res = minimize(objective, x0, jac=True, method="SLSQP", bounds=Bounds(lo, hi),
                       constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0,
                                     "jac": lambda w: ones}],
                       options={"maxiter": 500, "ftol": 1e-12})
        w = np.asarray(res.x, dtype=float)
        off = max(float(np.max(lo - w, initial=0.0)), float(np.max(w - hi, initial=0.0)),
                  abs(float(w.sum()) - 1.0))
        if not np.all(np.isfinite(w)) or off > 1e-4:
            continue                                     # the solver wandered off: ignore it
        w = _project(w, lo, hi)
        value = objective.mean(w)
        if value > best_value:
            best, best_value = w, value
    return best


def _project(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: float = 1.0) -> np.ndarray:
    """Nearest point to ``x`` within the bounds that sums to ``total``: ``clip(x + t)`` with the
    shift ``t`` found by bisection (the sum rises with it)."""
    a = float(np.min(lo - x)) - 1.0
    b = float(np.max(hi - x)) + 1.0
    for _ in range(200):
        mid = (a + b) / 2
        if np.clip(x + mid, lo, hi).sum() < total:
            a = mid
        else:
            b = mid
    return np.clip(x + (a + b) / 2, lo, hi)


def _exact(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: float) -> np.ndarray:
    """``x`` clipped to its bounds, with the last rounding error of the sum given to the
    channel with most room, so the budget is spent to the cent."""
    x = np.clip(x, lo, hi)
    gap = total - x.sum()
    room = hi - x if gap > 0 else x - lo
    k = int(np.argmax(room))
    x[k] = np.clip(x[k] + gap, lo[k], hi[k])
    return x


def _bounds(bounds: Mapping[str, tuple[float | None, float | None]], names: list[str],
            typical: np.ndarray, budget: float, periods: int,
            grain: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    unknown = sorted(set(bounds) - set(names))
    if unknown:
        raise ModelRefused(f"bounds given for {', '.join(map(repr, unknown))}, which is not "
                           f"among the channels being allocated ({', '.join(names)})")
    lo = np.zeros(len(names))
    hi = MAX_MULTIPLE * typical
    given_max = np.zeros(len(names), dtype=bool)
    for k, name in enumerate(names):
        pair = bounds.get(name, (None, None))
        if len(pair) != 2:
            raise ModelRefused(f"bounds for {name!r} must be a (min, max) pair")
        low, high = pair
        if low is not None:
            if not np.isfinite(low) or low < 0:
                raise ModelRefused(f"the minimum for {name!r} must be a number ≥ 0, not {low}")
            lo[k] = float(low)
        if high is not None:
            if not np.isfinite(high) or high < 0:
                raise ModelRefused(f"the maximum for {name!r} must be a number ≥ 0, not {high}")
            hi[k] = float(high)
            given_max[k] = True
        if lo[k] > hi[k]:
            what = "the maximum" if given_max[k] else (
                f"its default maximum ({MAX_MULTIPLE:g}× its spend over {periods} {grain}s)")
            raise ModelRefused(f"the minimum for {name!r} ({lo[k]:,.2f}) is above {what} "
                               f"({hi[k]:,.2f})")
    if lo.sum() > budget * (1 + 1e-12):
        raise ModelRefused(f"the minimums add up to {lo.sum():,.2f}, more than the budget of "
                           f"{budget:,.2f}; lower some minimums or raise the budget")
    if hi.sum() < budget * (1 - 1e-12):
        raise ModelRefused(
            f"the maximums add up to {hi.sum():,.2f}, less than the budget of {budget:,.2f}; "
            f"raise some maximums (by default {MAX_MULTIPLE:g}× a channel's historical spend "
            f"over {periods} {grain}s, beyond which the model has not seen it) or spend less")
    return lo, hi, given_max


def _notes(rows: list[AllocationRow], given_max: np.ndarray, current: np.ndarray,
           lo: np.ndarray, hi: np.ndarray, seen_max: np.ndarray, periods: int, grain: str,
           tol: float, marginal: np.ndarray) -> list[str]:
    """Plain-language warnings wherever the split leans on spend the model has not seen."""
    out = []
    # A channel at its max "wants more" when a unit moved to it from a channel with spend above
    # its min would earn more: the bound, not the budget, is what stops it.
    movable = [k for k, r in enumerate(rows) if r.proposed > r.min + tol]
    for k, row in enumerate(rows):
        per = row.proposed / periods
        beyond = per > seen_max[k] * (1 + 1e-9) + tol / periods
        unseen = (f"{per:,.2f} a {grain}, against at most {seen_max[k]:,.2f} in any {grain} "
                  "of the history")
        donors = [marginal[j] for j in movable if j != k]
        wants = bool(donors) and marginal[k] > min(donors) * (1 + 1e-6)
        more = " It would take more if allowed." if wants else ""
        if row.at_bound == "max" and not given_max[k]:
            why = (f"the model has not seen spend that high ({unseen}), so its return there is "
                   "an extrapolation" if beyond else
                   f"the model has seen {grain}s that high, but never {periods} in a row, so "
                   "its return there is less certain")
            out.append(f"{row.channel} is at its upper bound ({MAX_MULTIPLE:g}× its history): "
                       f"{why}.{more} Test a higher spend before raising the bound.")
        elif row.at_bound == "max":
            tail = f"; at {unseen}, its return is an extrapolation" if beyond else ""
            out.append(f"{row.channel} is at the maximum you set ({row.max:,.2f}){tail}.{more}")
        elif beyond:
            out.append(f"{row.channel} gets spend the model has not seen ({unseen}): its "
                       "return there is an extrapolation.")
    outside = [r.channel for k, r in enumerate(rows)
               if current[k] < lo[k] - tol or current[k] > hi[k] + tol]
    if outside:
        out.append(f"The historical mix, scaled to this budget, is outside the bounds for "
                   f"{', '.join(outside)}; the comparison is with it all the same.")
    return out


def _channel_index(all_names: tuple[str, ...], chosen: Sequence[str] | None) -> list[int]:
    if chosen is None:
        return list(range(len(all_names)))
    if isinstance(chosen, str):
        chosen = [chosen]
    unknown = [c for c in chosen if c not in all_names]
    if unknown:
        raise ModelRefused(f"no spend column {', '.join(map(repr, unknown))}; the model has "
                           f"{', '.join(all_names)}")
    if not chosen:
        raise ModelRefused("name at least one channel")
    if len(set(chosen)) != len(chosen):
        raise ModelRefused("a channel is named twice")
    return [all_names.index(c) for c in chosen]


def _draws(post: Posterior) -> tuple[np.ndarray, np.ndarray]:
    s = post.samples
    return np.asarray(s["beta"], dtype=float), np.asarray(s["half_all"], dtype=float)


def _sat(u: np.ndarray, half: np.ndarray, logistic: bool) -> np.ndarray:
    return np.asarray(saturate(np.asarray(u, dtype=float), half, 1.0, logistic))


def _dsat(u: np.ndarray, half: np.ndarray, logistic: bool) -> np.ndarray:
    """Derivative of ``saturate`` (shape 1) in ``u``: the return of the next unit of spend."""
    if logistic:
        z = np.exp(-u / half)
        return np.asarray(2 * z / (half * (1 + z) ** 2))
    return np.asarray(half / (u + half) ** 2)


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ModelRefused(f"the credible level must be between 0 and 1, not {level}")


def _quantiles(level: float) -> list[float]:
    return [(1 - level) / 2, 1 - (1 - level) / 2]


def _interval(draws: np.ndarray, q: list[float]) -> Interval:
    mean = float(np.mean(draws))
    low, high = (float(v) for v in np.quantile(draws, q))
    # Quantiles of S identical draws can miss their mean by a rounding error.
    return Interval(mean, min(low, mean), max(high, mean))
