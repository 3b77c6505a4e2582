"""The content calendar: did every creator post on the agreed day?

Content monitoring starts with the deliverables: each post has the day it was planned for
(``posts.planned_on``) and, once live, the instant it was published. The brand's question is
per deliverable (on time, late, early, missing, still to come) and per campaign and creator
(who delivers on schedule). Days are the workspace's local days, the same ones every other page
cuts by, so a reel posted at 00:30 in Rome counts for that Roman day.

Everything is judged as of ``today``: a post published after it counts as not yet published
(and one with no planned day is left out), so a past date gives the calendar as it stood then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from creatorroi.dashboard.campaigns import local_today
from creatorroi.dashboard.page import Page, Period
from creatorroi.dashboard.quality import CHECK_LABELS, compliance, plain, state_of
from creatorroi.quality.schedule import judge
from creatorroi.report.common import table
from creatorroi.report.model import Figure, Table
from creatorroi.report.vocab import CONTENT_TYPES
from creatorroi.store.values import as_date

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

# Status codes, in the order the page counts them, and how they read (English msgids).
STATUS_LABELS = {"on_time": "On time", "early": "Early", "late": "Late", "missing": "Missing",
                 "upcoming": "Upcoming", "unplanned": "Not planned",
                 "unscheduled": "No date"}
# The grid shows days only for a span a screen can hold.
GRID_DAYS = 92


def _items(ws: Workspace, period: Period, today: date) -> pd.DataFrame:
    frame = ws._frame(
        "SELECT p.id, p.campaign_id, c.name AS campaign_name, p.influencer_id, p.platform, "
        "p.content_type, p.planned_on, p.published_at, p.url FROM posts p "
        "LEFT JOIN campaigns c ON c.workspace_id = p.workspace_id AND c.id = p.campaign_id "
        "WHERE p.workspace_id = ? ORDER BY p.id")
    zone = ws.timezone
    out: list[dict[str, Any]] = []
    labels = ws._rollup_input().labels.influencer
    for r in frame.itertuples(index=False):
        planned = None if pd.isna(r.planned_on) else as_date(r.planned_on)
        local: datetime | None = None
        if r.published_at is not None and not pd.isna(r.published_at):
            stamp = pd.Timestamp(r.published_at)
            stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
            local = stamp.tz_convert(zone).to_pydatetime()
        published = local.date() if local is not None else None
        if planned is None and published is not None and published > today:
            continue    # neither planned nor live yet as of today: not on the calendar then
        day = planned or published
        if day is None:
            if period.start is not None or period.end is not None:
                continue
        elif (period.start is not None and day < period.start) or \
                (period.end is not None and day > period.end):
            continue
        j = judge(planned, published, today)
        shown = local if published is not None and published <= today else None
        out.append({
            "id": str(r.id), "campaign_id": str(r.campaign_id),
            "campaign": r.campaign_name if isinstance(r.campaign_name, str) else
            str(r.campaign_id),
            "influencer_id": str(r.influencer_id),
            "influencer": labels.get(str(r.influencer_id), str(r.influencer_id)),
            "platform": str(r.platform), "content_type": str(r.content_type),
            "planned": planned, "published": shown, "day": day, "status": j.status,
            "days_late": j.days_late, "url": r.url if isinstance(r.url, str) else None})
    cols = ["id", "campaign_id", "campaign", "influencer_id", "influencer", "platform",
            "content_type", "planned", "published", "day", "status", "days_late", "url"]
    return pd.DataFrame(out, columns=cols)


def _counts(items: pd.DataFrame, by: str, key: str, label: str, title: str) -> Table:
    """Deliverables per campaign or creator (grouped by id: two may share a name)."""
    rows = []
    if len(items):
        for (_, name), part in items.groupby([f"{by}_id", by], sort=True):
            status = part["status"]
            rows.append([name, int(part["planned"].notna().sum()),
                         int(part["published"].notna().sum()),
                         *[int((status == s).sum()) for s in STATUS_LABELS],
                         _on_schedule(status)])
    rows.sort(key=lambda r: str(r[0]).casefold())
    return table(key, title, [
        (by, label, "text"), ("planned", "Planned", "count"),
        ("published", "Published", "count"),
        *[(s, STATUS_LABELS[s], "count") for s in STATUS_LABELS],
        ("on_schedule", "On schedule", "percent")], rows)


def _on_schedule(status: pd.Series) -> float | None:
    """Share of the deliverables already due that went live by their planned day."""
    good = int(status.isin(["on_time", "early"]).sum())
    due = good + int(status.isin(["late", "missing"]).sum())
    return good / due * 100 if due else None


def _grid(items: pd.DataFrame, first: date | None, last: date | None,
          today: date) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of days with their deliverables, for a span a screen can hold."""
    if first is None or last is None or (last - first).days >= GRID_DAYS:
        return []
    by_day: dict[date, list[dict[str, Any]]] = {}
    for r in items.sort_values(["day", "id"]).itertuples():
        if r.day is not None:
            by_day.setdefault(r.day, []).append(
                {"post": r.id, "influencer": r.influencer, "campaign": r.campaign,
                 "platform": r.platform, "status": r.status})
    # whole months, as a wall calendar shows them; days outside the period are dimmed
    month_start = first.replace(day=1)
    month_end = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    d = month_start - timedelta(days=month_start.weekday())
    weeks = []
    while d <= month_end:
        week = []
        for i in range(7):
            day = d + timedelta(days=i)
            week.append({"day": day, "in_period": first <= day <= last,
                         "today": day == today, "items": by_day.get(day, [])})
        weeks.append(week)
        d += timedelta(days=7)
    return weeks


def content_calendar(ws: Workspace, period: Period, today: date | None = None) -> Page:
    """Every deliverable of the period (by planned day, else by publishing day) and its status
    as of ``today``, with counts per campaign and per creator."""
    today = today or local_today(ws)
    items = _items(ws, period, today)
    days = [d for d in items["day"] if d is not None]
    first = period.start or (min(days) if days else None)
    last = period.end or (max(days) if days else None)
    states, problems = compliance(ws, set(items["id"]))
    who = dict(zip(items["id"], items["influencer"], strict=True))
    ordered = items.assign(_d=[d or date.max for d in items["day"]]).sort_values(
        ["_d", "id"]) if len(items) else items
    posts = table("posts", "Deliverables", [
        ("planned_on", "Planned for", "date"), ("published_at", "Published", "datetime"),
        ("post", "Post", "text"), ("campaign", "Campaign", "text"),
        ("influencer", "Influencer", "text"), ("platform", "Platform", "text"),
        ("content_type", "Content type", "text"), ("status", "Status", "text"),
        ("days_late", "Days late", "count"), ("compliance", "Brief and disclosure", "text"),
        ("url", "Link", "text")],
        [[r.planned, r.published, r.id, r.campaign, r.influencer, r.platform,
          CONTENT_TYPES.get(r.content_type, r.content_type), STATUS_LABELS[r.status],
          r.days_late, state_of(states, r.id), r.url] for r in ordered.itertuples()],
        note="Days late: after the planned day for a late post, since the planned day for a "
             "missing one. Times are in the workspace's time zone. Brief and disclosure: what "
             "the latest `creatorroi check` found.")
    status = items["status"] if len(items) else pd.Series([], dtype=object)
    figures = (
        Figure("planned", "Planned", int(items["planned"].notna().sum()), "count"),
        Figure("published", "Published", int(items["published"].notna().sum()), "count"),
        *[Figure(s, STATUS_LABELS[s], int((status == s).sum()), "count")
          for s in ("on_time", "early", "late", "missing", "upcoming")],
        Figure("on_schedule", "On schedule", _on_schedule(status), "percent"),
        Figure("compliance", "Posts following the brief", _compliant_share(states), "percent"),
    )
    tables = (
        posts,
        _counts(items, "campaign", "by_campaign", "Campaign", "Deliverables by campaign"),
        _counts(items, "influencer", "by_influencer", "Influencer",
                "Deliverables by influencer"),
    )
    return Page("calendar", "Content calendar", ws.currency, Period(first, last), figures,
                tables, extra={"today": today, "weeks": _grid(items, first, last, today),
                               "grid_days": GRID_DAYS,
                               "problems": [{"post": p.post, "influencer": who.get(p.post),
                                             "check": CHECK_LABELS.get(p.check, p.check),
                                             "status": p.status, "message": plain(p.message),
                                             "suggestions": [plain(m) for m in p.suggestions]}
                                            for p in problems]})


def _compliant_share(states: dict[str, str]) -> float | None:
    """Share of the live, checked deliverables with no failed check."""
    judged = [s for s in states.values() if s in ("compliant", "needs_fixing")]
    return sum(s == "compliant" for s in judged) / len(judged) * 100 if judged else None
