"""Section "direct": what the goal was, whether it was reached, and at what cost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

import pandas as pd

from creatorroi.metrics.registry import REGISTRY
from creatorroi.report.common import GROUP_COLUMNS, Ctx, money, na, num, sentence, table
from creatorroi.report.model import Chart, Figure, Kind, Section, Sentence, Series, Table
from creatorroi.report.vocab import GOAL_FAMILIES, GOAL_STATUS, STAGES, UNKNOWN_METRIC

# by_* table key -> (rollup dimension, first column label)
GROUP_TABLES = {
    "by_influencer": ("influencer", "Influencer", "Results by influencer"),
    "by_platform": ("platform", "Platform", "Results by platform"),
    "by_content_type": ("content_type", "Content type", "Results by content type"),
    "by_tier": ("tier", "Tier", "Results by tier"),
}


def group_label(ctx: Ctx, dim: str) -> Callable[[Any], str]:
    w = ctx.words
    return {"influencer": w.influencer, "platform": w.platform,
            "content_type": w.content_type, "tier": w.tier}[dim]


def build(ctx: Ctx, goals: pd.DataFrame, methods: pd.DataFrame, costs: pd.DataFrame,
          posts: pd.DataFrame, attributed: int, eligible: int) -> Section:
    sc = ctx.scope
    total = sc.kpis([]).iloc[0]
    share = attributed / eligible * 100 if eligible else None
    figures = (
        Figure("cost", "Cost", money(total.cost), "money"),
        Figure("revenue", "Revenue", money(total.revenue), "money"),
        Figure("profit", "Profit", money(total.profit), "money"),
        Figure("roi", "ROI", num(total.roi), "percent"),
        Figure("roas", "ROAS", num(total.roas), "ratio"),
        Figure("orders", "Orders", int(total.orders) if not na(total.orders) else None, "count"),
        Figure("new_customers", "New customers",
               None if na(total.new_customers) else int(total.new_customers), "count"),
        Figure("cpa", "CPA", money(total.cpa), "money"),
        Figure("cpe", "CPE", money(total.cpe), "money"),
        Figure("cpm", "CPM", money(total.cpm), "money"),
        Figure("attributed_share", "Share of the period's orders attributed", share,
               "percent"),
    )
    tables = [_goals_table(ctx, goals), _costs_table(ctx, costs), _methods_table(ctx, methods)]
    for key, (dim, label, title) in GROUP_TABLES.items():
        tables.append(group_table(ctx, key, dim, label, title))
    tables.append(_timeline(ctx, posts))
    return Section("direct", "Direct ROI", figures,
                   tuple(_sentences(ctx, total, goals, posts)), tuple(tables),
                   tuple(_charts(ctx, goals, posts)))


def group_table(ctx: Ctx, key: str, dim: str, label: str, title: str) -> Table:
    frame = ctx.scope.kpis(dim)
    name = group_label(ctx, dim)
    rows = [[name(r[dim])] + [r[c] for c, _, _ in GROUP_COLUMNS] for _, r in frame.iterrows()]
    return table(key, title, [(dim, label, "text"), *GROUP_COLUMNS], rows)


def _sentences(ctx: Ctx, total: pd.Series, goals: pd.DataFrame,
               posts: pd.DataFrame) -> list[Sentence]:
    sc, w = ctx.scope, ctx.words
    out: list[Sentence] = []
    camp = sc.campaign
    if camp is not None:
        if camp.get("business_goal"):
            out.append(sentence("Business goal: {goal}", goal=(camp["business_goal"], "text")))
        else:
            out.append(sentence("No business goal was recorded for this campaign.", "warning"))
        out.append(sentence("Influencer-marketing goal: {family}; {stage}.",
                            family=(w.word(GOAL_FAMILIES, camp["goal_family"]), "text"),
                            stage=(w.word(STAGES, camp["funnel_stage"]), "text")))
        if camp.get("message"):
            out.append(sentence("Campaign message: {message}", message=(camp["message"], "text")))
    channels = w.join(sorted({w.platform(p) for p in posts["platform"]})) if len(posts) else ""
    out.append(sentence(
        "What was done: {posts} posts by {influencers} influencers on {channels}, "
        "from {start} to {end}.",
        posts=(len(posts), "count"), influencers=(posts["influencer_id"].nunique(), "count"),
        channels=(channels or "—", "text"), start=(sc.start, "date"), end=(sc.end, "date")))
    if na(total.roi):
        out.append(sentence("ROI cannot be computed: no cost was recorded in this scope.",
                            "warning"))
    else:
        out.append(sentence(
            "Revenue {revenue} against a cost of {cost}: ROI {roi}, ROAS {roas}.",
            "good" if total.roi >= 0 else "bad", revenue=(total.revenue, "money"),
            cost=(total.cost, "money"), roi=(total.roi, "percent"), roas=(total.roas, "ratio")))
    if len(goals):
        met = int((goals["status"] == "met").sum())
        out.append(sentence("{met} of {total} goals met.",
                            "good" if met == len(goals) else "bad" if met == 0 else "neutral",
                            met=(met, "count"), total=(len(goals), "count")))
    return out


def _goals_table(ctx: Ctx, goals: pd.DataFrame) -> Table:
    rows, kinds = [], []
    for g in goals.itertuples():
        status = g.status if g.status in GOAL_STATUS else None
        # target and result in the goal's own unit: orders as a count, revenue as money
        unit: Kind = cast(Kind, REGISTRY[g.metric].unit) if g.metric in REGISTRY else "ratio"
        target, actual = g.target, g.actual
        if unit == "count":
            target, actual = (None if na(v) else int(v) for v in (target, actual))
        elif unit == "money":
            target, actual = money(target), money(actual)
        rows.append([g.description if isinstance(g.description, str) and g.description
                     else g.goal,
                     ctx.tr(REGISTRY[g.metric].label) if g.metric in REGISTRY else g.metric,
                     target, actual, g.progress_pct, g.deadline,
                     ctx.words.word(GOAL_STATUS, status) if status else ctx.tr(UNKNOWN_METRIC)])
        kinds.append((None, None, unit, unit))
    frame = table("goals", "Goals", [
        ("goal", "Goal", "text"), ("metric", "Metric", "text"), ("target", "Target", "ratio"),
        ("result", "Result", "ratio"), ("progress", "Progress", "percent"),
        ("deadline", "Deadline", "date"), ("status", "Status", "text")], rows,
        note="A goal is met when its result reaches the target by the deadline.")
    return replace(frame, cell_kinds=tuple(kinds))


def _costs_table(ctx: Ctx, costs: pd.DataFrame) -> Table:
    total = sum(costs["amount"]) if len(costs) else 0
    rows = []
    if len(costs):
        for cat, part in costs.groupby("category", sort=True):
            amount = sum(part["amount"])
            rows.append([ctx.words.category(cat), amount,
                         float(amount / total * 100) if total else None])
    rows.sort(key=lambda r: -r[1])
    return table("costs", "Costs by category", [
        ("category", "Category", "text"), ("cost", "Cost", "money"),
        ("share", "Share of cost", "percent")], rows)


def _methods_table(ctx: Ctx, methods: pd.DataFrame) -> Table:
    total = sum(v for v in methods["revenue"] if not na(v)) if len(methods) else 0
    rows = [[ctx.words.method(r.method), r.orders, r.revenue,
             float(r.revenue / total * 100) if total and not na(r.revenue) else None]
            for r in methods.sort_values("revenue", ascending=False).itertuples()]
    return table("methods", "Attribution methods", [
        ("method", "Method", "text"), ("orders", "Orders", "count"),
        ("revenue", "Revenue", "money"), ("share", "Share of revenue", "percent")], rows,
        note="Each order is credited once, to the first method in the priority that found it.")


def _timeline(ctx: Ctx, posts: pd.DataFrame) -> Table:
    w = ctx.words
    rows = [[p.local_day, w.influencer(p.influencer), w.platform(p.platform),
             w.content_type(p.content_type)]
            for p in posts.sort_values(["local_day", "id"]).itertuples()]
    return table("timeline", "Timeline", [
        ("date", "Date", "date"), ("influencer", "Influencer", "text"),
        ("platform", "Platform", "text"), ("content_type", "Content type", "text")], rows)


def _charts(ctx: Ctx, goals: pd.DataFrame, posts: pd.DataFrame) -> list[Chart]:
    sc, w = ctx.scope, ctx.words
    out = []
    inf = sc.kpis("influencer")
    out.append(Chart("spend_revenue", "Spend and revenue by influencer", "bar",
                     tuple(w.influencer(v) for v in inf["influencer"]),
                     (Series("Spend", tuple(num(v) for v in inf["cost"])),
                      Series("Revenue", tuple(num(v) for v in inf["revenue"]))),
                     unit="money", translate_series=True))
    for key, dim, title in (("roi_by_tier", "tier", "ROI by tier"),
                            ("roi_by_platform", "platform", "ROI by platform")):
        frame = sc.kpis(dim)
        name = group_label(ctx, dim)
        out.append(Chart(key, title, "bar", tuple(name(v) for v in frame[dim]),
                         (Series("ROI", tuple(num(v) for v in frame["roi"])),),
                         unit="percent", translate_series=True))
    out.append(_revenue_chart(ctx, posts))
    if len(goals):
        labels = tuple(str(g.description) if isinstance(g.description, str) and g.description
                       else str(g.goal) for g in goals.itertuples())
        out.append(Chart("goal_progress", "Goal progress (percent of target)", "bar", labels,
                         (Series("Progress", tuple(num(v) for v in goals["progress_pct"])),),
                         unit="percent", translate_series=True))
    return out


def _revenue_chart(ctx: Ctx, posts: pd.DataFrame) -> Chart:
    """Revenue per day (per week beyond 92 days), every day shown, post dates marked."""
    sc = ctx.scope
    days = sc.kpis("day")
    known = [d for d in days["day"] if not isinstance(d, str)]
    first = min([sc.start, *known])
    last = max([sc.end, *known])
    weekly = (last - first).days > 92
    if weekly:
        frame = sc.kpis("week")
        col = "week"
        first = first - timedelta(days=first.weekday())
        step = 7
    else:
        frame, col, step = days, "day", 1
    revenue = {r[col]: r["revenue"] for _, r in frame.iterrows() if not isinstance(r[col], str)}
    cats = []
    d = first
    while d <= last:
        cats.append(d)
        d += timedelta(days=step)
    zero = 0.0 if "orders" in sc.inp.present else None
    values = tuple(num(revenue[c]) if c in revenue else zero for c in cats)
    marks = []
    for p in posts.sort_values(["local_day", "id"]).itertuples():
        day = p.local_day - timedelta(days=p.local_day.weekday()) if weekly else p.local_day
        marks.append((day.isoformat(), ctx.words.influencer(p.influencer)))
    return Chart("revenue_over_time", "Revenue over time", "line",
                 tuple(c.isoformat() for c in cats), (Series("Revenue", values),),
                 unit="money", marks=tuple(marks), translate_series=True)
