"""What one report covers (a campaign or a period) and every number it needs, pulled once.

Why one pull: a report needs the same KPIs cut a dozen ways (influencer, platform, content
type, tier, post, day, attribution method). Asking ``Workspace.kpis`` a dozen times would run a
dozen identical fact queries; here the facts are summed once in the database at the finest
grain any cut needs (influencer, campaign, post, day, and the order or foreign-currency line),
and each cut re-sums that small frame and goes through the core's own conversion and KPI
code (``rollup._to_home``, ``rollup.finish``). The sums are the same integers, so every cut
equals ``ws.kpis`` for the same filters (a test holds this).

Filters: a campaign report counts everything credited to the campaign (``ws.kpis(campaign=)``,
orders arriving after the campaign's end date included) unless ``start``/``end`` are given; a
period report counts every fact whose day lies in the period. The *period* shown, and used for
traffic, follower and relationship comparisons, is the explicit dates, else the campaign's own
dates, else the span of the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from creatorroi.metrics import facts
from creatorroi.metrics.rollup import (
    RollupInput,
    _to_home,
    finish,
    home_minor,
    parse_dims,
    scoped_facts,
)
from creatorroi.model.money import from_minor

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace


@dataclass
class Scope:
    ws: Workspace
    campaign: dict[str, Any] | None
    start: date                 # the period shown
    end: date
    kpi_start: date | None      # the filters the KPI figures use
    kpi_end: date | None
    as_of: datetime | None
    inp: RollupInput
    raw: pd.DataFrame
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def campaign_id(self) -> str | None:
        return None if self.campaign is None else str(self.campaign["id"])

    @property
    def home(self) -> str:
        return self.inp.home

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.ws.timezone)

    # -- KPIs ------------------------------------------------------------------------------
    def kpis(self, by: str | list[str] = ()) -> pd.DataFrame:  # type: ignore[assignment]
        """``ws.kpis(by, campaign=, start=, end=, as_of=)`` for this scope, from the one pull."""
        dims = parse_dims(by)
        name = ",".join(dims)
        if name not in self._cache:
            self._cache[name] = self._cut(self.raw, dims, {d: self._key(d) for d in dims})
        return self._cache[name]

    def by_method(self, methods: dict[str, str]) -> pd.DataFrame:
        """Orders and revenue per attribution method (``methods``: order id -> method)."""
        rows = self.raw[self.raw["order_row"].notna()]
        keys = {"method": rows["order_row"].map(methods).fillna("unknown")}
        return self._cut(rows, ["method"], keys)

    def _key(self, dim: str) -> pd.Series:
        r = self.raw
        if dim in ("influencer", "tier"):
            return r["influencer_id"]
        if dim == "campaign":
            return r["campaign_id"]
        if dim in ("post", "platform", "content_type"):
            return r["post_id"]
        days = r["day"]
        if dim == "day":
            return days
        if dim == "week":
            return days.map(lambda d: None if d is None else d - timedelta(days=d.weekday()))
        return days.map(lambda d: None if d is None else d.replace(day=1))  # month

    def _cut(self, rows: pd.DataFrame, dims: list[str], keys: dict[str, Any]) -> pd.DataFrame:
        frame = rows.assign(**{f"k_{d}": keys[d] for d in dims})
        cols = [f"k_{d}" for d in dims] + ["currency", "conv_day", "conv_row"]
        frame = frame[cols + list(facts.MEASURES)]
        if len(frame):
            grouped = frame.groupby(cols, dropna=False, sort=False)[list(facts.MEASURES)].sum(
                min_count=1).reset_index()
        else:
            grouped = frame
        for m in facts.MEASURES:
            grouped[m] = grouped[m].astype("Int64")
        return finish(_to_home(grouped, self.inp), dims, self.inp)

    # -- conversion ------------------------------------------------------------------------
    def to_home(self, minor: int, currency: str, day: date | None) -> Decimal | None:
        """One foreign line in the home currency, rounded once as the rollup does."""
        exact = home_minor(from_minor(int(minor), currency), currency, day, self.inp)
        if exact is None:
            return None
        return from_minor(int(exact.quantize(Decimal(1), ROUND_HALF_EVEN)), self.home)

    def local_day(self, ts: Any) -> date | None:
        t = self.local_time(ts)
        return None if t is None else t.date()

    def local_time(self, ts: Any) -> datetime | None:
        if ts is None or pd.isna(ts):
            return None
        stamp = pd.Timestamp(ts)
        if stamp.tzinfo is None:
            stamp = stamp.tz_localize("UTC")
        return stamp.tz_convert(self.zone).to_pydatetime()

    def in_kpi_days(self, day: date | None) -> bool:
        if day is None:
            return self.kpi_start is None and self.kpi_end is None
        return ((self.kpi_start is None or day >= self.kpi_start)
                and (self.kpi_end is None or day <= self.kpi_end))

    def frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.ws._frame(sql, params)


def pull(ws: Workspace, inp: RollupInput, campaign: str | None, start: date | None,
         end: date | None, as_of: datetime | None) -> pd.DataFrame:
    """The scope's facts summed at the finest grain a report cuts by (see the module doc).

    The facts arrive as Arrow and are converted a column at a time (a Python pass over every
    value took seconds at a million orders). Keys come back as objects (str, date, None),
    each distinct value one shared object; measures as Int64.
    """
    f = scoped_facts(inp, campaign, start, end, as_of)
    foreign = f.currency.notnull() & (f.currency != inp.home)
    grouped = f.group_by(
        influencer_id=f.influencer_id, campaign_id=f.campaign_id, post_id=f.post_id,
        day=f.day, currency=f.currency,
        conv_day=ibis.ifelse(foreign, f.day, ibis.null("date")),
        conv_row=ibis.ifelse(foreign, f.row_id, ibis.null("string")),
        order_row=ibis.ifelse(f.orders.notnull(), f.row_id, ibis.null("string")),
    ).aggregate(**{m: f[m].sum() for m in facts.MEASURES})
    arrow = grouped.to_pyarrow()
    measures = set(facts.MEASURES)
    data: dict[str, Any] = {}
    for name in arrow.column_names:
        col = arrow.column(name).combine_chunks()
        data[name] = _ints(col) if name in measures else _objects(col)
    return pd.DataFrame(data)


def _objects(col: pa.Array) -> pd.Series:
    """Python values (str, date) with None for null; equal values share one object."""
    enc = col.dictionary_encode()
    values = np.array([*enc.dictionary.to_pylist(), None], dtype=object)
    index = enc.indices.fill_null(len(enc.dictionary)).to_numpy(zero_copy_only=False)
    return pd.Series(values[index], dtype="object")


def _ints(col: pa.Array) -> pd.arrays.IntegerArray:
    col = col.cast(pa.int64())
    values = col.fill_null(0).to_numpy(zero_copy_only=False)
    mask = col.is_null().to_numpy(zero_copy_only=False)
    return pd.arrays.IntegerArray(values.astype("int64", copy=False), mask.astype(bool))
