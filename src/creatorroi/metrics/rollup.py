"""KPI rollups by influencer, campaign, platform, content type, tier, post and period.

Facts are summed in the database, grouped by the requested keys and by currency; only
foreign-currency lines are converted in Python, each at the rate of its day, with Decimal. The
derived KPIs are then computed on that small frame from the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import ibis
import ibis.expr.types as ir
import pandas as pd

from creatorroi.errors import CreatorROIError
from creatorroi.metrics import facts
from creatorroi.metrics.fx import RateTable
from creatorroi.metrics.registry import REGISTRY
from creatorroi.model.money import exponent, from_minor

DIMENSIONS = ("influencer", "campaign", "platform", "content_type", "tier", "post",
              "day", "week", "month")
UNASSIGNED = "(unassigned)"


@dataclass
class Labels:
    """How ids become what a marketer reads: handles, tiers, post platforms."""

    influencer: dict[str, str]
    tier: dict[str, str]
    post_platform: dict[str, str]
    post_content_type: dict[str, str]


@dataclass
class RollupInput:
    source: facts.Source
    home: str
    rates: RateTable
    labels: Labels
    present: set[str] = field(default_factory=set)  # fact families with any rows


def _sql_key(dim: str, f: ir.Table) -> ir.Value:
    if dim in ("influencer", "tier"):
        return f.influencer_id
    if dim == "campaign":
        return f.campaign_id
    if dim in ("post", "platform", "content_type"):
        return f.post_id
    if dim == "day":
        return f.day
    if dim == "week":
        return f.day.truncate("W")
    if dim == "month":
        return f.day.truncate("M")
    raise CreatorROIError(f"unknown dimension {dim!r}; choose from {', '.join(DIMENSIONS)}")


def parse_dims(by: str | Sequence[str]) -> list[str]:
    dims = [d.strip() for d in by.split(",")] if isinstance(by, str) else list(by)
    dims = [d.replace("-", "_") for d in dims if d]
    for d in dims:
        if d not in DIMENSIONS:
            raise CreatorROIError(f"unknown dimension {d!r}; choose from {', '.join(DIMENSIONS)}")
    return dims


def scoped_facts(inp: RollupInput, campaign: str | None, start: date | None,
                 end: date | None, as_of: datetime | None) -> ir.Table:
    """Every fact of the campaign and the local days asked for."""
    f = facts.all_facts(inp.source, as_of)
    if campaign is not None:
        f = f.filter(f.campaign_id == campaign)
    if start is not None:
        f = f.filter(f.day >= start)
    if end is not None:
        f = f.filter(f.day <= end)
    return f


def rollup(inp: RollupInput, by: str | Sequence[str], *, campaign: str | None = None,
           start: date | None = None, end: date | None = None,
           as_of: datetime | None = None) -> pd.DataFrame:
    """One row per group with every measure and KPI; money as Decimal in the home currency."""
    dims = parse_dims(by)
    f = scoped_facts(inp, campaign, start, end, as_of)
    keys = {f"k_{d}": _sql_key(d, f) for d in dims}
    # Only foreign-currency money needs its day (for the rate); everything else groups flat.
    foreign = f.currency.notnull() & (f.currency != inp.home)
    conv_day = ibis.ifelse(foreign, f.day, ibis.null("date"))
    conv_row = ibis.ifelse(foreign, f.row_id, ibis.null("string"))
    grouped = f.group_by(**keys, currency=f.currency, conv_day=conv_day,
                         conv_row=conv_row).aggregate(
        **{m: f[m].sum() for m in facts.MEASURES}
    )
    raw = grouped.execute()
    raw = _to_home(raw, inp)
    return finish(raw, dims, inp)


def _to_home(raw: pd.DataFrame, inp: RollupInput) -> pd.DataFrame:
    """Money measures into home-currency minor units; EMV from millionths of a major unit.

    A foreign-currency line split over several groups (a USD fee over three posts) is
    converted once as a whole and its rounded total shared out by largest remainder, so the
    groups add up to exactly what the line converts to on its own (a ledger rounds a line once).
    """
    out = raw.reset_index(drop=True)
    rows = list(out["conv_row"])
    keys = out[[c for c in out.columns if c not in facts.MEASURES]]

    def group_key(i: int) -> tuple[str, ...]:
        return tuple(map(str, keys.iloc[i]))
    for m in facts.MONEY_MEASURES:
        exact: list[Decimal | None] = []
        lost = []
        for cur, day, v in zip(out["currency"], out["conv_day"], out[m], strict=True):
            if pd.isna(v) or cur is None or (isinstance(cur, float) and pd.isna(cur)):
                exact.append(None)
                lost.append(False)
                continue
            major = Decimal(int(v)).scaleb(-6) if m == "emv" else from_minor(int(v), cur)
            home = home_minor(major, cur, day if not pd.isna(day) else None, inp)
            exact.append(home)
            lost.append(home is None)
        out[m] = pd.array(_round_lines(exact, rows, group_key), dtype="Int64")
        out[f"_lost_{m}"] = lost
    for m in facts.COUNT_MEASURES:
        out[m] = out[m].astype("Int64")
    return out.drop(columns=["currency", "conv_day", "conv_row"])


def home_minor(major: Decimal, currency: str, day: date | None,
               inp: RollupInput) -> Decimal | None:
    """An amount in home-currency minor units, not yet rounded; None when no rate converts
    it. Rounding is the caller's, once per line."""
    if currency != inp.home:
        rate = inp.rates.rate(currency, inp.home, day)
        if rate is None:
            return None
        major = major * rate
    return major.scaleb(exponent(inp.home))


def _round_lines(exact: list[Decimal | None], rows: list[object],
                 group_key: Callable[[int], tuple[str, ...]]) -> list[object]:
    """Round each value to a whole minor unit; the parts of one line round as the line does."""
    result: list[object] = [pd.NA if e is None else
                            int(e.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
                            for e in exact]
    parts: dict[str, list[int]] = {}
    for i, (e, row) in enumerate(zip(exact, rows, strict=True)):
        if e is not None and isinstance(row, str):
            parts.setdefault(row, []).append(i)
    for idx in parts.values():
        if len(idx) < 2:
            continue
        values = [e for i in idx if (e := exact[i]) is not None]
        target = int(sum(values, Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        floors = [int(v.to_integral_value(rounding=ROUND_FLOOR)) for v in values]
        left = target - sum(floors)
        # Ties go by the groups' keys, never by the order a backend returned the rows in,
        # so DuckDB and PostgreSQL give the leftover cent to the same group.
        order = sorted(range(len(idx)), key=lambda k: (floors[k] - values[k],
                                                       group_key(idx[k])))
        for rank, k in enumerate(order):
            result[idx[k]] = floors[k] + (1 if rank < left else 0)
    return result


def _label(dim: str, key: object, labels: Labels) -> object:
    if key is None or (not isinstance(key, str | date) and pd.isna(key)):
        return UNASSIGNED
    if dim == "influencer":
        return labels.influencer.get(str(key), str(key))
    if dim == "tier":
        return labels.tier.get(str(key), UNASSIGNED)
    if dim == "platform":
        return labels.post_platform.get(str(key), UNASSIGNED)
    if dim == "content_type":
        return labels.post_content_type.get(str(key), UNASSIGNED)
    if dim in ("day", "week", "month"):
        return pd.Timestamp(key).date()
    return key


def finish(raw: pd.DataFrame, dims: list[str], inp: RollupInput) -> pd.DataFrame:
    frame = raw.copy()
    for d in dims:
        frame[d] = [_label(d, k, inp.labels) for k in frame[f"k_{d}"]]
    frame = frame.drop(columns=[f"k_{d}" for d in dims])
    measures = list(facts.MEASURES)
    lost = [f"_lost_{m}" for m in facts.MONEY_MEASURES]
    if dims:
        frame = frame.groupby(dims, dropna=False, sort=True)[measures + lost].agg(
            {**{m: lambda s: s.sum(min_count=1) for m in measures}, **{c: "any" for c in lost}})
        frame = frame.reset_index()
    else:
        frame = pd.DataFrame([{**{m: frame[m].sum(min_count=1) for m in measures},
                               **{c: bool(frame[c].any()) for c in lost}}])
    for m in measures:
        frame[m] = frame[m].astype("Int64")
    _fill_known_zeros(frame, inp.present)
    # Money that could not be converted (no FX rate) makes the group's figure unknown, not 0.
    for m in facts.MONEY_MEASURES:
        frame[m] = frame[m].mask(frame[f"_lost_{m}"].astype(bool))
    frame = frame.drop(columns=lost)
    return add_kpis(frame, dims, inp.home)


_FAMILIES = {
    "orders": ("orders", "revenue", "new_customers", "subscriptions"),
    "costs": ("cost",),
    "posts": ("posts", "reused_posts"),
    "sessions": ("sessions",),
    "clicks": ("clicks", "unique_clicks"),
    "comments": ("comments_scored", "positive_comments", "negative_comments", "mentions"),
}


def _fill_known_zeros(frame: pd.DataFrame, present: set[str]) -> None:
    """Where the workspace has data of a kind, a group without any is a true zero."""
    for family, cols in _FAMILIES.items():
        if family in present:
            for c in cols:
                frame[c] = frame[c].fillna(0)


def add_kpis(frame: pd.DataFrame, dims: list[str], home: str) -> pd.DataFrame:
    out = frame[dims].copy() if dims else pd.DataFrame(index=frame.index)
    quantum = Decimal(1).scaleb(-exponent(home))
    for kpi in REGISTRY.values():
        series = kpi.compute(frame)
        if kpi.unit == "money":
            out[kpi.name] = [
                pd.NA if pd.isna(v) else from_minor(int(Decimal(repr(float(v))).quantize(
                    Decimal(1), rounding=ROUND_HALF_EVEN)), home).quantize(quantum)
                for v in series
            ]
        elif kpi.unit == "count":
            out[kpi.name] = series.round(0).astype("Int64")
        else:
            out[kpi.name] = series.astype("Float64")
    return out.reset_index(drop=True)
