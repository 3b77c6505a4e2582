"""Check a table before a model is fitted to it, and turn it into the arrays the model reads.

A mix model fitted to data that cannot support it still prints confident numbers. Every check
here refuses such data with a message naming the column, the date and the row (as a
spreadsheet counts rows: the header is row 1), and says what would be enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from creatorroi.errors import BadRowError, ModelRefused
from creatorroi.mmm.spec import Grain, MMMSpec

# Enough history to tell seasonality from spend: half a year of days, a year of weeks.
MIN_PERIODS: dict[Grain, int] = {"day": 180, "week": 52}
# A year of history is needed before yearly seasonality can be estimated rather than guessed.
YEAR: dict[Grain, int] = {"day": 365, "week": 52}
DEFAULT_LAG: dict[Grain, int] = {"day": 14, "week": 6}
DEFAULT_HOLDOUT: dict[Grain, int] = {"day": 56, "week": 8}
COLLINEAR = 0.95


@dataclass(frozen=True)
class Prepared:
    """The table as arrays, in the order the model uses them."""

    grain: Grain
    dates: tuple[date, ...]
    y: np.ndarray                 # (T,) target, currency units
    spend: np.ndarray             # (T, C) spend per channel
    controls: np.ndarray          # (T, K) controls scaled to [-1, 1]
    channels: tuple[str, ...]
    control_names: tuple[str, ...]
    influencer: np.ndarray        # (C,) bool: pooled creator channel
    group_index: np.ndarray       # (C,) int: pool of each creator channel, -1 for others
    groups: tuple[str, ...]
    floors: np.ndarray            # (C,) directly attributed revenue, 0 where none
    max_lag: int
    holdout: int

    @property
    def periods(self) -> int:
        return len(self.dates)


def prepare(frame: pd.DataFrame, spec: MMMSpec, *, source: str = "table",
            holdout: int | None = None) -> Prepared:
    """Validate ``frame`` against ``spec``; raise ``BadRowError`` for a bad cell and
    ``ModelRefused`` for data too thin or too tangled to fit."""
    _columns_exist(frame, spec, source)
    dates = _dates(frame[spec.date], spec.date, source)
    order = np.argsort(np.array(dates, dtype="datetime64[D]"), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    dates = [dates[i] for i in order]
    grain = _grain(dates, spec.date, source)
    y = _numbers(frame, spec.target, source, allow_negative=False)
    spend = np.column_stack([_numbers(frame, c, source, allow_negative=False)
                             for c in spec.spend]) if spec.spend else np.zeros((len(dates), 0))
    controls = [_numbers(frame, c, source, allow_negative=True) for c in spec.controls]
    n = len(dates)
    need = MIN_PERIODS[grain]
    if n < need:
        unit = "days" if grain == "day" else "weeks"
        raise ModelRefused(
            f"{source}: {n} {unit} of history; a mix model needs at least {need} {unit} "
            f"({'six months' if grain == 'day' else 'a year'}) to tell seasonality from spend, "
            "and two years for a trustworthy yearly pattern")
    if not spec.spend:
        raise ModelRefused(f"{source}: no spend to credit; give at least one spend column (a "
                           "workspace needs creator costs or channel spend in the period)")
    if np.all(y == y[0]):
        raise ModelRefused(f"{source}: column {spec.target!r} never changes; there is nothing "
                           "to explain")
    for j, col in enumerate(spec.spend):
        _varies(spend[:, j], col, source, "spend")
    _not_collinear(spend, spec, source)
    scaled = []
    for col, values in zip(spec.controls, controls, strict=True):
        _varies(values, col, source, "control")
        centred = values - values.mean()
        scaled.append(centred / np.max(np.abs(centred)))
    control_arr = np.column_stack(scaled) if scaled else np.zeros((n, 0))
    groups = tuple(sorted({spec.groups[c] for c in spec.spend if c in spec.groups}))
    influencer = np.array([c in spec.groups for c in spec.spend])
    group_index = np.array([groups.index(spec.groups[c]) if c in spec.groups else -1
                            for c in spec.spend])
    floors = np.zeros(len(spec.spend))
    for j, col in enumerate(spec.spend):
        floor = float(spec.floors.get(col, 0.0))
        if not np.isfinite(floor) or floor < 0:
            raise ModelRefused(f"{source}: the attributed revenue of {col!r} must be a number "
                               f"≥ 0, not {floor}")
        floors[j] = floor
    unknown = sorted(set(spec.floors) - set(spec.spend))
    if unknown:
        raise ModelRefused(f"{source}: attributed revenue given for {', '.join(unknown)}, "
                           "which is not a spend column")
    lag = spec.max_lag if spec.max_lag is not None else DEFAULT_LAG[grain]
    if lag < 1 or lag > n // 4:
        raise ModelRefused(f"{source}: carry-over window of {lag} periods must be between 1 "
                           f"and a quarter of the history ({n // 4})")
    asked = holdout if holdout is not None else spec.holdout
    # By default keep out what the history can spare; an explicit hold-out is honoured or refused.
    hold = min(DEFAULT_HOLDOUT[grain], n - need) if asked is None else asked
    if hold < 0 or (hold and n - hold < need):
        raise ModelRefused(f"{source}: holding out the last {hold} periods leaves {n - hold}, "
                           f"fewer than the {need} a fit needs; use a shorter hold-out or 0")
    for test in spec.lift_tests:
        if test.channel not in spec.spend:
            raise ModelRefused(f"{source}: lift test for {test.channel!r}, which is not a spend "
                               "column")
        if test.end < test.start or test.sd <= 0:
            raise ModelRefused(f"{source}: lift test for {test.channel!r} needs start ≤ end and "
                               "a standard error above 0")
        if test.start > dates[-1] or test.end < dates[0]:
            raise ModelRefused(f"{source}: lift test for {test.channel!r} "
                               f"({test.start}–{test.end}) lies outside the table's dates")
    for col, prior in spec.roas_priors.items():
        if col not in spec.spend or prior.mean <= 0 or prior.sd <= 0:
            raise ModelRefused(f"{source}: ROAS prior for {col!r} needs a spend column and a "
                               "mean and standard deviation above 0")
    return Prepared(grain=grain, dates=tuple(dates), y=y, spend=spend, controls=control_arr,
                    channels=tuple(spec.spend), control_names=tuple(spec.controls),
                    influencer=influencer, group_index=group_index, groups=groups,
                    floors=floors, max_lag=lag, holdout=hold)


def _columns_exist(frame: pd.DataFrame, spec: MMMSpec, source: str) -> None:
    named = [spec.date, spec.target, *spec.spend, *spec.controls]
    missing = [c for c in named if c not in frame.columns]
    if missing:
        raise ModelRefused(f"{source}: no column {', '.join(map(repr, missing))}; the table has "
                           f"{', '.join(map(str, frame.columns))}")
    twice = sorted({c for c in named if named.count(c) > 1})
    if twice:
        raise ModelRefused(f"{source}: column {', '.join(map(repr, twice))} is named twice "
                           "(as date, target, spend or control)")


def _dates(column: pd.Series, name: str, source: str) -> list[date]:
    out: list[date] = []
    for i, value in enumerate(column):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            stamp = pd.NaT
        if pd.isna(stamp):
            raise BadRowError(source, i + 2, name, f"{value!r} is not a date (use YYYY-MM-DD)")
        if stamp != stamp.normalize():
            raise BadRowError(source, i + 2, name, f"{value!r} has a time of day; give one row "
                              "per day or week")
        out.append(stamp.date())
    return out


def _grain(dates: list[date], name: str, source: str) -> Grain:
    if len(dates) < 2:
        raise ModelRefused(f"{source}: one row is not a time series")
    steps = np.diff(np.array(dates, dtype="datetime64[D]")).astype(int)
    if np.any(steps == 0):
        i = int(np.argmax(steps == 0))
        raise ModelRefused(f"{source}: date {dates[i + 1]} appears twice in column {name!r}")
    step = int(np.min(steps))
    if step not in (1, 7):
        raise ModelRefused(f"{source}: dates are {step} days apart; give one row per day or "
                           "per week")
    grain: Grain = "day" if step == 1 else "week"
    gaps = np.nonzero(steps != step)[0]
    if len(gaps):
        first = dates[int(gaps[0])]
        missing = first + pd.Timedelta(days=step).to_pytimedelta()
        raise ModelRefused(
            f"{source}: the {grain}ly series has a gap: {missing} is missing after {first} "
            f"({len(gaps)} gap(s) in all); fill missing {grain}s with 0 where nothing happened")
    return grain


def _numbers(frame: pd.DataFrame, col: str, source: str, *, allow_negative: bool) -> np.ndarray:
    values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raw = frame[col].iloc[i]
        what = "is missing" if pd.isna(raw) else f"is not a number ({raw!r})"
        raise BadRowError(source, i + 2, col, f"{what}; use 0 where nothing happened")
    if not allow_negative and (values < 0).any():
        i = int(np.argmax(values < 0))
        raise BadRowError(source, i + 2, col, f"is negative ({values[i]:g})")
    return values


def _varies(values: np.ndarray, col: str, source: str, what: str) -> None:
    if np.all(values == values[0]):
        hint = ("it cannot be told apart from the baseline; drop it, or give spend that "
                "changes over time") if what == "spend" else "drop it"
        raise ModelRefused(f"{source}: {what} column {col!r} never changes (always "
                           f"{values[0]:g}); {hint}")


def _not_collinear(spend: np.ndarray, spec: MMMSpec, source: str) -> None:
    """Two channels whose spend moves together cannot be told apart: the model would split
    their joint effect arbitrarily. Creators are exempt: the pool shares their strength."""
    idx = [j for j, c in enumerate(spec.spend) if c not in spec.groups]
    if len(idx) < 2:
        return
    corr = np.corrcoef(spend[:, idx].T)
    for a in range(len(idx)):
        for b in range(a + 1, len(idx)):
            if abs(corr[a, b]) >= COLLINEAR:
                ca, cb = spec.spend[idx[a]], spec.spend[idx[b]]
                raise ModelRefused(
                    f"{source}: spend on {ca!r} and {cb!r} moves together (correlation "
                    f"{corr[a, b]:.2f}); the model cannot tell their effects apart. Add them up "
                    "as one channel, or vary one of them (a test) before fitting")
