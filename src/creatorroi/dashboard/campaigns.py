"""The campaign pages: every campaign at a glance, and one campaign against its goals.

Goal pacing: a goal is expected to advance evenly from its start to its deadline, so on day d
of D it should stand at d / D of its target (``expected_progress``). The core's goal frame
(``metrics.goals``) says whether a goal is met, missed, on track or behind; the page splits
"on track" in two, so a marketer sees which goals are comfortably ahead: ``AHEAD_MARGIN``
percentage points above the expected progress. "Behind" means exactly what the core and the
PDF report mean by it (below the even path), so the web and the report never disagree.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import pandas as pd

from creatorroi.dashboard.common import group_table, open_scope, published_posts, trend_chart
from creatorroi.dashboard.page import Page, Period
from creatorroi.errors import NotFoundError
from creatorroi.metrics.registry import REGISTRY
from creatorroi.model.money import exponent, from_minor
from creatorroi.report.common import count, money, na, num, table
from creatorroi.report.model import Column, Figure, Kind, Table, Value
from creatorroi.report.scope import Scope
from creatorroi.report.vocab import COST_CATEGORIES, GOAL_FAMILIES, STAGES
from creatorroi.store.values import as_date

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

# Percentage points above the even path from which a goal counts as ahead of pace.
AHEAD_MARGIN = 10.0

# Goal states (the page's codes) and how they read (English msgids).
PACE_LABELS = {"ahead": "Ahead", "on track": "On track", "behind": "Behind", "met": "Met",
               "missed": "Missed", "no data": "No data", "unknown": "Unknown metric"}
# The progress bar's colour class per state.
PACE_BAR = {"ahead": "met", "on track": "", "behind": "behind", "met": "met",
            "missed": "behind", "no data": "", "unknown": ""}

_CAMPAIGN_COLS = ("id, name, goal_family, funnel_stage, business_goal, message, starts_on, "
                  "ends_on, always_on, budget_minor, budget_currency")


# -- pacing ----------------------------------------------------------------------------------
def expected_progress(start: date, deadline: date, today: date) -> float:
    """Percent of the target an even pace reaches by ``today``: 0 up to the start day, 100 from
    the deadline on, linear in the days between."""
    if today >= deadline:
        return 100.0
    if today <= start:
        return 0.0
    return (today - start).days / (deadline - start).days * 100


def pace_status(progress_pct: float | None, expected_pct: float, today: date,
                deadline: date) -> str:
    """met / missed once decided; otherwise ahead, on track or behind the even path."""
    if progress_pct is None:
        return "no data"
    if progress_pct >= 100:
        return "met"
    if today > deadline:
        return "missed"
    if progress_pct < expected_pct:
        return "behind"
    return "ahead" if progress_pct >= expected_pct + AHEAD_MARGIN else "on track"


def local_today(ws: Workspace) -> date:
    """Today where the brand is: pacing and lateness count the workspace's days."""
    return datetime.now(ZoneInfo(ws.timezone)).date()


GOAL_COLUMNS = ["goal", "campaign", "metric", "influencer", "platform", "baseline", "target",
                "actual", "progress_pct", "expected_pct", "start", "deadline", "pace",
                "description"]


def goal_progress(ws: Workspace, today: date, campaign: str | None = None,
                  sc: Scope | None = None) -> pd.DataFrame:
    """Each goal's result so far, expected progress and pace, as ``metrics.goals`` measures
    it (the facts of its campaign, influencer and platform from its start to the deadline or
    today), but cut from one fact pull (``sc``: every day, of ``campaign`` or of all) instead
    of one database query per goal: a page with ten goals costs one pull, not ten."""
    sql = ("SELECT id, campaign_id, metric, target, baseline, starts_on, deadline, "
           "influencer_id, platform, description FROM goals WHERE workspace_id = ?")
    params: list[Any] = []
    if campaign is not None:
        sql += " AND campaign_id = ?"
        params.append(campaign)
    rows = ws._frame(sql + " ORDER BY campaign_id, deadline, id", params)
    if rows.empty:
        return pd.DataFrame(columns=GOAL_COLUMNS)
    sc = sc or open_scope(ws, Period(), campaign=campaign)
    starts = {str(i): as_date(d) for i, d in
              ws.store.fetch("SELECT id, starts_on FROM campaigns WHERE workspace_id = ?",
                             [ws.id])}
    goals: list[dict[str, Any]] = []
    for g in rows.itertuples():
        own = None if pd.isna(g.starts_on) else as_date(g.starts_on)
        deadline = as_date(g.deadline)
        assert deadline is not None
        goals.append({
            "goal": str(g.id), "campaign": str(g.campaign_id), "metric": str(g.metric),
            "influencer": None if pd.isna(g.influencer_id) else str(g.influencer_id),
            "platform": None if pd.isna(g.platform) else str(g.platform),
            "baseline": None if pd.isna(g.baseline) else float(Decimal(str(g.baseline))),
            "target": float(Decimal(str(g.target))),
            "start": own or starts.get(str(g.campaign_id)), "deadline": deadline,
            "description": g.description if isinstance(g.description, str) else None})
    actuals = _goal_results(sc, goals, today)
    for g in goals:
        actual = actuals.get(g["goal"])
        target = g["target"]
        g["actual"] = actual
        g["progress_pct"] = None if actual is None or not target else \
            float(actual) / target * 100
        g["expected_pct"] = expected_progress(g["start"] or g["deadline"], g["deadline"], today)
        g["pace"] = pace_status(g["progress_pct"], g["expected_pct"], today, g["deadline"]) \
            if g["metric"] in REGISTRY else "unknown"
    return pd.DataFrame(goals, columns=GOAL_COLUMNS)


def _goal_results(sc: Scope, goals: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """Each goal's KPI value (None: no data), from the scope's facts in one cut.

    Each goal's fact rows are stacked under the goal's id as their "campaign", then cut by
    campaign once. Its foreign-currency lines get their own ids too, so a cost line that counts
    for two goals is converted (and rounded) for each as if alone, as the core would.
    """
    raw = sc.raw
    # per fact row, once: its day as a timestamp (NaT: none) and its post's platform
    days = pd.to_datetime(raw["day"], errors="coerce")
    platform = raw["post_id"].map(sc.inp.labels.post_platform)
    parts, empty = [], []
    for g in goals:
        if g["metric"] not in REGISTRY:
            continue
        keep = (raw["campaign_id"] == g["campaign"]) & \
            (days <= pd.Timestamp(min(g["deadline"], today)))
        if g["start"] is not None:
            keep &= days >= pd.Timestamp(g["start"])
        if g["influencer"] is not None:
            keep &= raw["influencer_id"] == g["influencer"]
        if g["platform"] is not None:
            keep &= platform == g["platform"]
        part = raw[keep]
        if len(part):
            conv = [None if c is None else f"{g['goal']}|{c}" for c in part["conv_row"]]
            parts.append(part.assign(campaign_id=g["goal"], conv_row=conv))
        elif g["influencer"] is None and g["platform"] is None:
            # as the core: a whole campaign without facts is zero where the workspace has
            # data of that kind; a goal on one creator or platform without facts has no data
            empty.append(g)
    out: dict[str, Any] = {}
    if parts:
        cut = replace(sc, raw=pd.concat(parts, ignore_index=True), _cache={}).kpis("campaign")
        for g in goals:
            hit = cut[cut["campaign"] == g["goal"]]
            if len(hit) and not na(hit.iloc[0][g["metric"]]):
                out[g["goal"]] = hit.iloc[0][g["metric"]]
    if empty:
        zero = replace(sc, raw=raw.iloc[0:0], _cache={}).kpis([]).iloc[0]
        for g in empty:
            if not na(zero[g["metric"]]):
                out[g["goal"]] = zero[g["metric"]]
    return out


# -- shared pieces ---------------------------------------------------------------------------
def campaign_rows(ws: Workspace, campaign: str | None = None) -> list[dict[str, Any]]:
    """Campaigns as plain values (dates, Decimal budget in its own currency), newest first."""
    sql = f"SELECT {_CAMPAIGN_COLS} FROM campaigns WHERE workspace_id = ?"
    params: list[Any] = []
    if campaign is not None:
        sql += " AND id = ?"
        params.append(campaign)
    frame = ws._frame(sql + " ORDER BY starts_on DESC, id", params)
    out = []
    for r in frame.to_dict("records"):
        row = {k: (None if not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)
                   else v) for k, v in r.items()}
        row["starts_on"] = as_date(row["starts_on"])
        row["ends_on"] = as_date(row["ends_on"])
        row["always_on"] = bool(row["always_on"])
        cur = row["budget_currency"] or ws.currency
        row["budget"] = (None if row["budget_minor"] is None
                         else from_minor(int(row["budget_minor"]), cur))
        row["budget_currency"] = cur if row["budget"] is not None else None
        out.append(row)
    return out


def _budget_home(sc: Scope, camp: dict[str, Any]) -> Decimal | None:
    """The budget in the workspace currency (a foreign one at the rate of its start day)."""
    if camp["budget_minor"] is None:
        return None
    cur = camp["budget_currency"]
    if cur == sc.home:
        return cast(Decimal, camp["budget"])
    return sc.to_home(int(camp["budget_minor"]), cur, camp["starts_on"])


def _label(words: dict[str, str], value: Any) -> str | None:
    return None if value is None else words.get(str(value), str(value))


def _pct(part: Any, whole: Any) -> float | None:
    if na(part) or na(whole) or not whole:
        return None
    return float(Decimal(str(part)) / Decimal(str(whole)) * 100)


# -- the list --------------------------------------------------------------------------------
def campaign_list(ws: Workspace, period: Period, today: date | None = None) -> Page:
    """Every campaign, with its results in the period and its goals as of ``today``."""
    today = today or local_today(ws)
    sc = open_scope(ws, period)
    kpis = {r["campaign"]: r for _, r in sc.kpis("campaign").iterrows()}
    # goals and budgets span whole campaigns, whatever the period
    every_day = sc if period == Period() else open_scope(ws, Period())
    spent = {r["campaign"]: money(r["cost"]) for _, r in every_day.kpis("campaign").iterrows()}
    goals = goal_progress(ws, today, sc=every_day)
    camps = campaign_rows(ws)
    rows, cards = [], []
    for c in camps:
        k = kpis.get(c["id"])
        got = goals[goals["campaign"] == c["id"]] if len(goals) else goals
        met = int((got["pace"] == "met").sum()) if len(got) else 0
        budget = _budget_home(sc, c)
        cost = None if k is None else money(k["cost"])
        active = c["starts_on"] <= today and (c["ends_on"] is None or today <= c["ends_on"])
        rows.append([c["id"], c["name"], _label(GOAL_FAMILIES, c["goal_family"]),
                     _label(STAGES, c["funnel_stage"]), c["starts_on"], c["ends_on"], budget,
                     cost, None if k is None else k["revenue"],
                     None if k is None else k["roi"], None if k is None else k["roas"],
                     None if k is None else k["orders"], met, len(got)])
        used = _pct(spent.get(c["id"]), budget)
        cards.append({"id": c["id"], "name": c["name"], "starts_on": c["starts_on"],
                      "ends_on": c["ends_on"], "always_on": c["always_on"], "active": active,
                      "goals_met": met, "goals": len(got), "budget_used_pct": used,
                      "bar": None if used is None else round(min(max(used, 0.0), 100.0), 1)})
    t = table("campaigns", "Campaigns", [
        ("id", "ID", "text"), ("campaign", "Campaign", "text"),
        ("goal_family", "Goal family", "text"), ("funnel_stage", "Funnel stage", "text"),
        ("starts_on", "Starts", "date"), ("ends_on", "Ends", "date"),
        ("budget", "Budget", "money"), ("cost", "Spend", "money"),
        ("revenue", "Revenue", "money"), ("roi", "ROI", "percent"), ("roas", "ROAS", "ratio"),
        ("orders", "Orders", "count"), ("goals_met", "Goals met", "count"),
        ("goals", "Goals", "count")], rows,
        note="Spend, revenue and orders fall in the period; goals are judged as of today.")
    total = sc.kpis([]).iloc[0]
    figures = (
        Figure("campaigns", "Campaigns", len(camps), "count"),
        Figure("active", "Running today", sum(1 for c in cards if c["active"]), "count"),
        Figure("cost", "Spend", money(total.cost), "money"),
        Figure("revenue", "Revenue", money(total.revenue), "money"),
        Figure("roi", "ROI", num(total.roi), "percent"),
        Figure("goals_met", "Goals met", int((goals["pace"] == "met").sum())
               if len(goals) else 0, "count"),
        Figure("goals", "Goals", len(goals), "count"),
    )
    return Page("campaigns", "Campaigns", ws.currency, Period(sc.start, sc.end), figures, (t,),
                extra={"today": today, "cards": cards})


# -- one campaign ----------------------------------------------------------------------------
def _goals_table(goals: pd.DataFrame, labels: dict[str, str], home: str) -> Table:
    """Target and result in each goal's own unit (orders as a count, revenue as exact money),
    so the table is built by hand: ``table()`` would type the mixed column by one kind."""
    spec: tuple[tuple[str, str, Kind], ...] = (
        ("goal", "Goal", "text"), ("description", "Description", "text"),
        ("metric", "Metric", "text"), ("influencer", "Influencer", "text"),
        ("platform", "Platform", "text"), ("target", "Target", "ratio"),
        ("actual", "Result", "ratio"), ("progress", "Progress", "percent"),
        ("expected", "Expected by now", "percent"), ("starts_on", "Starts", "date"),
        ("deadline", "Deadline", "date"), ("status", "Status", "text"))
    columns = tuple(Column(k, label, kind) for k, label, kind in spec)
    rows: list[tuple[Value, ...]] = []
    kinds: list[tuple[Kind | None, ...]] = []
    for g in goals.itertuples():
        unit = cast(Kind, REGISTRY[g.metric].unit) if g.metric in REGISTRY else "ratio"
        rows.append((
            str(g.goal), g.description if isinstance(g.description, str) else None,
            REGISTRY[g.metric].label if g.metric in REGISTRY else str(g.metric),
            None if na(g.influencer) else labels.get(g.influencer, g.influencer),
            None if na(g.platform) else str(g.platform),
            _in_unit(g.target, unit, home), _in_unit(g.actual, unit, home), num(g.progress_pct),
            float(g.expected_pct), g.start, g.deadline, PACE_LABELS[g.pace]))
        kinds.append((None,) * 5 + (unit, unit))
    return Table("goals", "SMART goals", columns, tuple(rows),
                 "Expected by now: where an even pace from the start to the deadline would "
                 "be today. A goal is met when its result reaches the target by the deadline.",
                 tuple(kinds))


def _in_unit(value: Any, unit: Kind, home: str) -> Value:
    if na(value):
        return None
    if unit == "money":
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-exponent(home)))
    if unit == "count" and float(value).is_integer():
        return int(value)
    return float(value)


def _costs_table(sc: Scope, campaign: str) -> Table:
    """Cost lines of the campaign in the period, per category, in the home currency."""
    sql = ("SELECT category, amount_minor, currency, incurred_on FROM costs "
           "WHERE workspace_id = ? AND campaign_id = ?")
    params: list[Any] = [campaign]
    if sc.kpi_start is not None:
        sql += " AND incurred_on >= ?"
        params.append(sc.kpi_start)
    if sc.kpi_end is not None:
        sql += " AND incurred_on <= ?"
        params.append(sc.kpi_end)
    frame = sc.frame(sql, params)
    sums: dict[str, Decimal | None] = {}
    lines: dict[str, int] = {}
    for cat, minor, cur, day in frame.itertuples(index=False):
        amount = sc.to_home(int(minor), str(cur), as_date(day))
        before = sums.get(cat, Decimal(0))
        sums[cat] = None if amount is None or before is None else before + amount
        lines[cat] = lines.get(cat, 0) + 1
    known = [v for v in sums.values() if v is not None]
    whole = sum(known, Decimal(0)) if len(known) == len(sums) else None
    order = sorted(sums, key=lambda c: (sums[c] is None, -(sums[c] or 0), c))
    rows = [[COST_CATEGORIES.get(cat, cat), lines[cat], sums[cat], _pct(sums[cat], whole)]
            for cat in order]
    return table("costs", "Costs by category", [
        ("category", "Category", "text"), ("lines", "Cost lines", "count"),
        ("cost", "Cost", "money"), ("share", "Share of cost", "percent")], rows,
        note="Foreign-currency costs are converted at the rate of the day they were incurred.")


def campaign_detail(ws: Workspace, campaign_id: str, period: Period,
                    today: date | None = None) -> Page:
    """One campaign: results in the period, budget, goals and their pace as of ``today``."""
    found = campaign_rows(ws, campaign_id)
    if not found:
        raise NotFoundError(f"no campaign {campaign_id!r} in workspace {ws.id!r}")
    camp = found[0]
    today = today or local_today(ws)
    sc = open_scope(ws, period, campaign=campaign_id)
    total = sc.kpis([]).iloc[0]
    # the budget covers the whole campaign, so its use counts every cost, whatever the period
    every_day = sc if period == Period() else open_scope(ws, Period(), campaign=campaign_id)
    whole = every_day.kpis([]).iloc[0]
    budget = _budget_home(sc, camp)
    spent = money(whole.cost)
    figures = (
        Figure("cost", "Spend", money(total.cost), "money"),
        Figure("revenue", "Revenue", money(total.revenue), "money"),
        Figure("profit", "Profit", money(total.profit), "money"),
        Figure("roi", "ROI", num(total.roi), "percent"),
        Figure("roas", "ROAS", num(total.roas), "ratio"),
        Figure("orders", "Orders", count(total.orders), "count"),
        Figure("budget", "Budget", budget, "money"),
        Figure("budget_used", "Budget used", _pct(spent, budget), "percent"),
    )
    goals = goal_progress(ws, today, campaign_id, every_day)
    labels = sc.inp.labels.influencer
    bars = []
    for g in goals.itertuples():
        progress = None if na(g.progress_pct) else float(g.progress_pct)
        bars.append({"goal": g.goal, "metric": g.metric,
                     "description": g.description if isinstance(g.description, str)
                     and g.description else None,
                     "metric_label": REGISTRY[g.metric].label if g.metric in REGISTRY
                     else g.metric,
                     "progress_pct": progress, "expected_pct": g.expected_pct,
                     "pace": g.pace, "state": PACE_BAR[g.pace],
                     "bar": 0.0 if progress is None else round(min(max(progress, 0.0), 100.0),
                                                               1),
                     "mark": round(min(max(g.expected_pct, 0.0), 100.0), 1)})
    posts = published_posts(sc, campaign=campaign_id)
    tables = (
        _goals_table(goals, labels, sc.home),
        group_table(sc, "by_influencer", "influencer", "Influencer", "Results by influencer"),
        _costs_table(sc, campaign_id),
    )
    info = {k: camp[k] for k in ("id", "name", "goal_family", "funnel_stage", "business_goal",
                                 "message", "starts_on", "ends_on", "always_on", "budget",
                                 "budget_currency")}
    info["goal_family_label"] = _label(GOAL_FAMILIES, camp["goal_family"])
    info["funnel_stage_label"] = _label(STAGES, camp["funnel_stage"])
    return Page("campaign", camp["name"], ws.currency, Period(sc.start, sc.end), figures,
                tables, (trend_chart(sc, posts),),
                extra={"campaign": info, "today": today, "goals": bars,
                       "budget_spent": spent, "posts_published": len(posts)})
