"""The mix model's table: one row per day (or ISO week), every input as a column, no gaps.

Pure: the service (:mod:`creatorroi.mmm_data`) pulls plain frames from the store, converted to
the workspace currency in minor units; this module places the money on days, fills the days
nothing happened with zeros (a day with no orders is 0 sales, not unknown), and names the
columns:

* ``revenue`` (net, major units), ``orders``, ``new_orders``, ``new_revenue``;
* ``sessions_<group>`` per coarse channel group present (:mod:`creatorroi.mmm.channels`);
* ``brand_search`` when search volume is supplied;
* ``inf_<influencer>`` per creator with spend in the range, ``spend_<channel>`` per other
  channel (both major units);
* the calendar's controls (:mod:`creatorroi.mmm.calendar`).

Influencer spend is put where it reaches buyers (``place_costs``). Money stays in integer
minor units until the last step, so a fee split over posts adds up to the fee exactly.

A weekly table has whole ISO weeks only (Monday to Sunday, labelled by the Monday): a week cut
by the range's edge would look like a drop in sales. Sessions and brand search are in the
table but not in ``spec.controls``: they are caused by the marketing the model measures, and
controlling for them would hide its effect.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from creatorroi.mmm.calendar import slug, weekly
from creatorroi.mmm.channels import (
    COARSE_GROUPS,
    INFLUENCER_MEDIUMS,
    coarse_group,
    session_channel,
)
from creatorroi.mmm.spec import Grain, MMMSpec
from creatorroi.model.money import exponent

# Contract costs with no post: shared over the creator's posts of the campaign.
SPREAD = frozenset({"fee", "agent_fee", "performance_pay", "production", "platform_fee",
                    "overhead"})
# Paid amplification runs when it is bought, usually days after the post: its own date.
OWN_DATE = frozenset({"amplification"})
COST_COLUMNS = ("id", "category", "amount_minor", "incurred_on", "influencer_id",
                "campaign_id", "post_id")
POST_COLUMNS = ("id", "influencer_id", "campaign_id", "published_on")


@dataclass(frozen=True)
class SeriesBundle:
    """The table, what the model is to read from it, and names a person reads.

    ``ids`` maps each spend column to the store's key (influencer id, channel name);
    ``warnings`` says what was left out (costs with no creator, amounts no rate converts).
    """

    frame: pd.DataFrame
    spec: MMMSpec
    labels: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _day(value: Any) -> date | None:
    return None if _missing(value) else pd.Timestamp(value).date()


def split_minor(amount: int, parts: int) -> list[int]:
    """``amount`` in ``parts`` equal whole minor units, the remainder on the last part.

    Truncates toward zero, so a credit note splits as its mirror image: -100.00 in three is
    -33.33, -33.33, -33.34.
    """
    if parts <= 0:
        return []
    base = abs(amount) // parts * (1 if amount >= 0 else -1)
    return [base] * (parts - 1) + [amount - base * (parts - 1)]


def place_costs(costs: pd.DataFrame, posts: pd.DataFrame, start: date | None = None,
                end: date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Put each influencer cost line on the day(s) it reaches buyers.

    * amplification: its own ``incurred_on`` (it runs when bought);
    * any other cost naming a published post: that post's publish day;
    * a contract cost (fee, agent fee, performance pay, production, and platform fee or
      overhead charged to a creator) naming no post: split equally over the creator's
      published posts of that campaign, or over all her posts published in [start, end]
      when it names no campaign; no such post: its own date;
    * samples, shipping and anything else: its own date.

    A line whose creator is unknown (no influencer and no post that names one: a platform
    fee or overhead of the whole programme) is not influencer spend. Returns ``(placed,
    left_out)``: ``placed`` has influencer_id, day, amount_minor and cost_id (days not yet
    cut to the range); ``left_out`` the cost lines not placed.
    """
    p = posts.reindex(columns=list(POST_COLUMNS))
    published = p[p["published_on"].map(lambda v: not _missing(v))].copy()
    published["published_on"] = published["published_on"].map(_day)
    published = published.sort_values(["published_on", "id"], kind="stable")
    post_day = dict(zip(published["id"], published["published_on"], strict=True))
    post_inf = dict(zip(p["id"], p["influencer_id"], strict=True))
    by_campaign: dict[tuple[str, str], list[date]] = {}
    by_creator: dict[str, list[date]] = {}
    for _pid, inf, camp, day in published.itertuples(index=False, name=None):
        if _missing(inf):
            continue
        if not _missing(camp):
            by_campaign.setdefault((str(inf), str(camp)), []).append(day)
        if (start is None or day >= start) and (end is None or day <= end):
            by_creator.setdefault(str(inf), []).append(day)
    rows: list[tuple[str, date, int, str]] = []
    left: list[int] = []
    c = costs.reindex(columns=list(COST_COLUMNS))
    for i, (cid, cat, amount, incurred, inf, camp, pid) in enumerate(
            c.itertuples(index=False, name=None)):
        post = None if _missing(pid) else str(pid)
        creator = None if _missing(inf) else str(inf)
        if creator is None and post is not None and not _missing(post_inf.get(post)):
            creator = str(post_inf[post])
        if creator is None or _missing(amount):
            left.append(i)
            continue
        category = str(cat).strip().casefold()
        amount = int(amount)
        own = _day(incurred)
        days: list[date | None]
        if category in OWN_DATE:
            days = [own]
        elif post is not None and post in post_day:
            days = [post_day[post]]
        elif category in SPREAD and post is None:
            pool = (by_campaign.get((creator, str(camp)), []) if not _missing(camp)
                    else by_creator.get(creator, []))
            days = list(pool) if pool else [own]
        else:
            days = [own]
        known = [d for d in days if d is not None]
        if len(known) != len(days):
            left.append(i)
            continue
        for d, part in zip(known, split_minor(amount, len(known)), strict=True):
            rows.append((creator, d, part, str(cid)))
    placed = pd.DataFrame(rows, columns=["influencer_id", "day", "amount_minor", "cost_id"])
    placed["amount_minor"] = placed["amount_minor"].astype("int64")
    return placed, c.iloc[left].reset_index(drop=True)


def periods(start: date, end: date, grain: Grain) -> pd.DatetimeIndex:
    """Every day of [start, end], or the Mondays of the whole ISO weeks inside it."""
    if grain == "day":
        return pd.date_range(start, end, freq="D", name="date")
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    last = end - timedelta(days=(end.weekday() + 1) % 7)
    if last < first:
        return pd.DatetimeIndex([], name="date")
    return pd.date_range(first, last - timedelta(days=6), freq="7D", name="date")


def _key(days: pd.Series, grain: Grain) -> pd.Series:
    d = pd.to_datetime(days)
    if grain == "week":
        d = d - pd.to_timedelta(d.dt.day_of_week, unit="D")
    return d.dt.normalize()


def _sum_by(frame: pd.DataFrame, day_col: str, cols: list[str], index: pd.DatetimeIndex,
            grain: Grain, by: str | None = None) -> pd.DataFrame:
    """Sums per period (and ``by``), on every period of ``index``: what is absent is 0."""
    if frame is None or frame.empty:
        if by is not None:
            return pd.DataFrame(index=index)
        return pd.DataFrame({c: np.zeros(len(index), dtype="int64") for c in cols},
                            index=index)
    f = frame.assign(_k=_key(frame[day_col], grain))
    f = f[f["_k"].isin(index)]
    if by is None:
        out = f.groupby("_k")[cols].sum()
    else:
        out = f.groupby(["_k", by])[cols[0]].sum().unstack(by)
    out = out.reindex(index).fillna(0)
    out.index.name = "date"
    return out


def _major(minor: pd.Series | pd.DataFrame, currency: str) -> Any:
    return minor.astype("float64") / 10 ** exponent(currency)


def _unique(name: str, taken: set[str]) -> str:
    out, n = name, 2
    while out in taken:
        out, n = f"{name}_{n}", n + 1
    taken.add(out)
    return out


def _spend_columns(frame: pd.DataFrame, key: str, prefix: str, index: pd.DatetimeIndex,
                   grain: Grain, currency: str,
                   taken: set[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """One spend column per value of ``key`` that spent anything in the range, named
    ``<prefix>_<slug>``; returns the columns (major units) and column → original value."""
    by = _sum_by(frame, "day", ["amount_minor"], index, grain, by=key)
    by = by.loc[:, (by != 0).any().to_numpy()]
    by = by[sorted(by.columns, key=lambda c: (slug(c), str(c)))]
    out = _major(by, currency)
    of = {_unique(f"{prefix}_{slug(v)}", taken): str(v) for v in by.columns}
    out.columns = list(of)
    return out, of


def build_series(*, orders: pd.DataFrame, sessions: pd.DataFrame | None,
                 influencer_spend: pd.DataFrame | None, channel_spend: pd.DataFrame | None,
                 search: pd.DataFrame | None, calendar: pd.DataFrame | None, grain: Grain,
                 start: date, end: date, currency: str,
                 posts: pd.DataFrame | None = None,
                 creators: pd.DataFrame | None = None,
                 influencer_mediums: Collection[str] = INFLUENCER_MEDIUMS,
                 warnings: tuple[str, ...] = ()) -> SeriesBundle:
    """The model's table for [start, end] from plain frames (money in ``currency`` minor units).

    * ``orders``: day, orders, new_orders, revenue_minor, new_revenue_minor (any number of
      rows per day: they are summed);
    * ``sessions``: day, sessions and either ``channel`` (a coarse group) or source, medium,
      campaign, referrer (classified here, creators' mediums as ``influencer``);
    * ``influencer_spend``: cost lines (``COST_COLUMNS``), placed with ``posts``
      (``POST_COLUMNS``, published_on a local date) by ``place_costs``;
    * ``channel_spend``: day, channel, amount_minor; ``search``: day, volume (None or empty:
      no ``brand_search`` column);
    * ``calendar``: daily controls indexed by day (``calendar.calendar_controls``);
    * ``creators``: influencer_id, name, group (``platform/tier``), floor (attributed net
      revenue in the range, major units).
    """
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    if grain not in ("day", "week"):
        raise ValueError(f"grain {grain!r}: use 'day' or 'week'")
    index = periods(start, end, grain)
    notes = list(warnings)
    labels: dict[str, str] = {"revenue": "Revenue (net)", "orders": "Orders",
                              "new_orders": "Orders of new customers",
                              "new_revenue": "Revenue from new customers"}
    ids: dict[str, str] = {}
    taken = {"date", "revenue", "orders", "new_orders", "new_revenue", "brand_search"}
    # Weeks: only days of the whole weeks count; a daily table keeps [start, end].
    last = (index[-1] + pd.Timedelta(days=6)) if grain == "week" and len(index) else None

    o = _sum_by(orders, "day", ["orders", "new_orders", "revenue_minor", "new_revenue_minor"],
                index, grain)
    parts: list[pd.DataFrame] = [pd.DataFrame({
        "revenue": _major(o["revenue_minor"], currency),
        "orders": o["orders"].astype("int64"),
        "new_orders": o["new_orders"].astype("int64"),
        "new_revenue": _major(o["new_revenue_minor"], currency),
    }, index=index)]

    if sessions is not None and not sessions.empty:
        s = sessions
        if "channel" not in s.columns:
            keys = ["source", "medium", "campaign", "referrer"]
            s = s.reindex(columns=["day", "sessions", *keys])
            k = s[keys].astype(object).where(s[keys].notna(), "").astype(str)
            combos = k.drop_duplicates()
            combos = combos.assign(channel=[
                coarse_group(session_channel(*row, influencer_mediums=influencer_mediums))
                for row in combos.itertuples(index=False, name=None)])
            s = s[["day", "sessions"]].join(k).merge(combos, on=keys, how="left")
        by = _sum_by(s, "day", ["sessions"], index, grain, by="channel")
        present = [g for g in COARSE_GROUPS if g in by.columns]
        present += sorted(str(g) for g in by.columns if g not in COARSE_GROUPS)
        sess = pd.DataFrame({f"sessions_{slug(g)}": by[g].astype("int64") for g in present},
                            index=index)
        for g in present:
            labels[f"sessions_{slug(g)}"] = f"Sessions: {g.replace('_', ' ')}"
            taken.add(f"sessions_{slug(g)}")
        parts.append(sess)

    if search is not None and not search.empty:
        b = _sum_by(search, "day", ["volume"], index, grain)
        parts.append(pd.DataFrame({"brand_search": b["volume"].astype("int64")}, index=index))
        labels["brand_search"] = "Brand search volume"

    spend_cols: list[str] = []
    groups: dict[str, str] = {}
    floors: dict[str, float] = {}
    names: dict[str, str] = {}
    if creators is not None and not creators.empty:
        cr = creators.reindex(columns=["influencer_id", "name", "group", "floor"])
        names = {str(k): str(v) for k, v in zip(cr["influencer_id"], cr["name"], strict=True)
                 if not _missing(v)}
        group_of = {str(k): str(v) for k, v in zip(cr["influencer_id"], cr["group"],
                                                  strict=True) if not _missing(v)}
        floor_of = {str(k): float(v) for k, v in zip(cr["influencer_id"], cr["floor"],
                                                    strict=True) if not _missing(v)}
    else:
        group_of, floor_of = {}, {}
    if influencer_spend is not None and not influencer_spend.empty:
        placed, left = place_costs(influencer_spend, posts if posts is not None else
                                   pd.DataFrame(columns=list(POST_COLUMNS)), start, end)
        if len(left):
            notes.append(f"{len(left)} cost line(s) name no influencer (platform fees, "
                         f"overhead) and are not influencer spend: "
                         f"{int(left['amount_minor'].fillna(0).sum())} minor units left out")
        inf, of = _spend_columns(placed, "influencer_id", "inf", index, grain, currency, taken)
        for col, iid in of.items():
            ids[col] = iid
            labels[col] = names.get(iid, iid)
            floors[col] = floor_of.get(iid, 0.0)
            if iid in group_of:
                groups[col] = group_of[iid]
        parts.append(inf)
        spend_cols += list(of)

    if channel_spend is not None and not channel_spend.empty:
        other, of = _spend_columns(channel_spend, "channel", "spend", index, grain, currency,
                                   taken)
        ids |= of
        labels |= of
        parts.append(other)
        spend_cols += list(of)

    controls: list[str] = []
    if calendar is not None and len(calendar.columns):
        cal = calendar.copy()
        cal.index = pd.DatetimeIndex(pd.to_datetime(cal.index)).normalize()
        days = pd.date_range(start, last if last is not None else end, freq="D")
        cal = cal.reindex(days).fillna(0.0)
        cal.attrs["labels"] = dict(calendar.attrs.get("labels", {}))
        if grain == "week":
            cal = weekly(cal)
        cal = cal.reindex(index).fillna(0.0)
        # A control that never changes in the range is the intercept again: left out.
        cal = cal.loc[:, [c for c in cal.columns if cal[c].nunique() > 1]]
        cal_labels = calendar.attrs.get("labels", {})
        for c in cal.columns:
            labels[c] = str(cal_labels.get(c, c))
        controls = list(cal.columns)
        parts.append(cal.astype("float64"))

    frame = pd.concat(parts, axis=1)
    frame.index.name = "date"
    frame = frame.reset_index()
    spec = MMMSpec(date="date", target="revenue", spend=tuple(spend_cols),
                   controls=tuple(controls), groups=groups, floors=floors)
    return SeriesBundle(frame=frame, spec=spec, labels=labels, ids=ids,
                        warnings=tuple(notes))
