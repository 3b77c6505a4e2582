"""Pieces every dashboard page shares: one fact pull per page, group tables, trend charts.

Speed (a million orders): the fact pull is the cold page's main cost, so it is read as Arrow
and converted column by column (``_pull``), and inside a web page build (``scope_memo``) one
pull serves every page of the same workspace revision, period and campaign: the overview, the
influencer list and each influencer's page share it instead of pulling the same facts again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd

from creatorroi.dashboard.page import Period
from creatorroi.metrics import facts
from creatorroi.report.common import GROUP_COLUMNS, na, num, table
from creatorroi.report.model import Chart, Kind, Series, Table
from creatorroi.report.scope import Scope, pull

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

# Weekly points beyond this many days, so a year-long trend stays readable.
DAILY_LIMIT = 92


# Scopes already pulled for this workspace revision, set by the web app around a page build
# (``scope_memo``); None elsewhere, so a script or test always pulls fresh facts.
_MEMO: ContextVar[MutableMapping[Hashable, Scope] | None] = ContextVar("scope_memo",
                                                                      default=None)


@contextmanager
def scope_memo(memo: MutableMapping[Hashable, Scope]) -> Iterator[None]:
    """Within this block, ``open_scope`` answers the same arguments with the same ``Scope``.

    Only for callers that know the store did not change meanwhile: the web app passes a
    mapping that belongs to one workspace revision (and day), and builds pages under the
    store lock. Pages must treat a scope as read-only (``dataclasses.replace`` for a variant,
    as ``influencers.only`` does); its ``kpis`` cuts are shared too, which is the point.
    """
    token = _MEMO.set(memo)
    try:
        yield
    finally:
        _MEMO.reset(token)


def open_scope(ws: Workspace, period: Period, campaign: str | None = None,
               as_of: datetime | None = None) -> Scope:
    """Facts of the period (and campaign) summed once; every table on the page cuts them."""
    memo = _MEMO.get()
    today = datetime.now(ZoneInfo(ws.timezone)).date()
    key = (ws.id, period.start, period.end, campaign, as_of, today)
    if memo is not None and (hit := memo.get(key)) is not None:
        return hit
    ws.attribute()
    inp = ws._rollup_input()
    raw = pull(ws, inp, campaign, period.start, period.end, as_of)
    days = [d for d in raw["day"] if d is not None]
    first = period.start or (min(days) if days else today)
    last = period.end or (max(days) if days else today)
    sc = Scope(ws, None, first, max(first, last), period.start, period.end, as_of, inp, raw)
    if memo is not None:
        memo[key] = sc
    return sc


def group_table(sc: Scope, key: str, dim: str, label: str, title: str,
                columns: list[tuple[str, str, Kind]] | None = None) -> Table:
    """KPIs per influencer / campaign / platform ... with the report's columns."""
    frame = sc.kpis(dim)
    cols = columns or GROUP_COLUMNS
    rows = [list(r) for r in zip(*(frame[c] for c in (dim, *(c for c, _, _ in cols))),
                                 strict=True)]
    return table(key, title, [(dim, label, "text"), *cols], rows)


def trend_chart(sc: Scope, posts: pd.DataFrame, key: str = "trend",
                title: str = "Revenue and spend over time") -> Chart:
    """Revenue and spend per day (per week past ``DAILY_LIMIT`` days), post dates marked."""
    weekly = (sc.end - sc.start).days > DAILY_LIMIT
    col = "week" if weekly else "day"
    frame = sc.kpis(col)
    by_day = {r[col]: r for _, r in frame.iterrows() if isinstance(r[col], date)}
    first = sc.start - timedelta(days=sc.start.weekday()) if weekly else sc.start
    step = timedelta(days=7 if weekly else 1)
    cats: list[date] = []
    d = first
    while d <= sc.end:
        cats.append(d)
        d += step
    zero = 0.0

    def series(measure: str) -> tuple[float | None, ...]:
        return tuple(num(by_day[c][measure]) if c in by_day and not na(by_day[c][measure])
                     else zero for c in cats)

    marks = []
    for p in posts.sort_values(["local_day", "id"]).itertuples():
        if p.local_day is None:
            continue
        day = p.local_day - timedelta(days=p.local_day.weekday()) if weekly else p.local_day
        marks.append((day.isoformat(), str(p.influencer)))
    return Chart(key, title, "line", tuple(c.isoformat() for c in cats),
                 (Series("Revenue", series("revenue")), Series("Spend", series("cost"))),
                 unit="money", marks=tuple(marks), translate_series=True)


def published_posts(sc: Scope, campaign: str | None = None,
                    influencer: str | None = None) -> pd.DataFrame:
    """Posts published inside the scope's days, with their local day and creator label."""
    sql = ("SELECT id, campaign_id, influencer_id, platform, content_type, published_at "
           "FROM posts WHERE workspace_id = ? AND published_at IS NOT NULL")
    params: list[Any] = []
    if campaign is not None:
        sql += " AND campaign_id = ?"
        params.append(campaign)
    if influencer is not None:
        sql += " AND influencer_id = ?"
        params.append(influencer)
    frame = sc.frame(sql, params)
    frame["local_day"] = [sc.local_day(t) for t in frame["published_at"]]
    inside = pd.Series([d is not None and sc.start <= d <= sc.end for d in frame["local_day"]],
                       index=frame.index, dtype=bool)
    frame = frame.loc[inside]
    labels = sc.inp.labels.influencer
    frame = frame.assign(influencer=[labels.get(i, i) for i in frame["influencer_id"]])
    return frame.reset_index(drop=True)


def order_share(ws: Workspace, sc: Scope, campaign: str | None = None) -> tuple[int, int]:
    """(attributed, eligible) orders whose local day lies in the scope, counted in the store."""
    inp = sc.inp
    src = inp.source
    o = src.orders
    day = facts.local_day(src, o.created_at)
    eligible = o.filter(~o.cancelled, ~o.status.isin(["refunded", "voided"]), o.net_minor > 0,
                        day >= sc.start, day <= sc.end)
    a = src.attributions
    if campaign is not None:
        a = a.filter(a.campaign_id == campaign)
    credited = a.select(order_id=a.order_id).distinct()
    joined = eligible.left_join(credited, eligible.id == credited.order_id)
    counts = joined.aggregate(total=joined.id.count(),
                              attributed=joined.order_id.count())
    row = counts.execute().iloc[0]
    total = 0 if pd.isna(row["total"]) else int(row["total"])
    attributed = 0 if pd.isna(row["attributed"]) else int(row["attributed"])
    return attributed, total
