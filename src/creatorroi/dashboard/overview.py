"""The overview page: what the whole programme spent and earned in a period, and who did it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from creatorroi.dashboard.common import (
    group_table,
    open_scope,
    order_share,
    published_posts,
    trend_chart,
)
from creatorroi.dashboard.page import Page, Period
from creatorroi.insights import decay_inputs
from creatorroi.metrics import decay, performers
from creatorroi.report.common import count, money, num, table
from creatorroi.report.model import Chart, Figure, Series
from creatorroi.report.vocab import CONTENT_TYPES

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

PERFORMERS = 5
DECAY_DAYS = 30
DECAY_TITLES = {"views": "How posts gather views: median share of the latest count, by days "
                         "since publishing",
                "engagements": "How posts gather engagement: median share of the latest count, "
                               "by days since publishing"}


def decay_chart(inputs: tuple[pd.DataFrame, pd.DataFrame], metric: str) -> Chart:
    """The decay curve per content type, over every post with snapshots (not only the
    period's: a curve needs each post's whole life)."""
    curves = decay.curves(*inputs, metric, "content_type", DECAY_DAYS)
    days = tuple(str(d) for d in range(DECAY_DAYS + 1))
    series = []
    for ctype, part in curves.groupby("content_type", sort=True):
        by_day = {int(d): m for d, m in zip(part["day"], part["median"], strict=True)}
        series.append(Series(CONTENT_TYPES.get(str(ctype), str(ctype)),
                             tuple(None if pd.isna(by_day.get(d)) else 100 * float(by_day[d])
                                   for d in range(DECAY_DAYS + 1))))
    return Chart(f"decay_{metric}", DECAY_TITLES[metric], "line", days, tuple(series),
                 unit="percent", translate_series=True)


def overview(ws: Workspace, period: Period) -> Page:
    sc = open_scope(ws, period)
    total = sc.kpis([]).iloc[0]
    attributed, eligible = order_share(ws, sc)
    share = attributed / eligible * 100 if eligible else None
    figures = (
        Figure("cost", "Spend", money(total.cost), "money"),
        Figure("revenue", "Revenue", money(total.revenue), "money"),
        Figure("profit", "Profit", money(total.profit), "money"),
        Figure("roi", "ROI", num(total.roi), "percent"),
        Figure("roas", "ROAS", num(total.roas), "ratio"),
        Figure("orders", "Orders", count(total.orders), "count"),
        Figure("new_customers", "New customers", count(total.new_customers), "count"),
        Figure("attributed_share", "Share of orders attributed", share, "percent"),
    )
    by_inf = sc.kpis("influencer")
    ranked = performers.rank(by_inf, PERFORMERS)
    perf = table("performers", "Top and low performers",
                 [("group", "Group", "text"), ("influencer", "Influencer", "text"),
                  ("roi", "ROI", "percent"), ("roas", "ROAS", "ratio"),
                  ("revenue", "Revenue", "money"), ("cost", "Cost", "money"),
                  ("orders", "Orders", "count"), ("engagement_rate", "Engagement rate", "percent"),
                  ("call", "Call", "text")],
                 [[r[c] for c in ("group", "influencer", "roi", "roas", "revenue", "cost",
                                  "orders", "engagement_rate", "call")]
                  for _, r in ranked.iterrows()])
    tables = (
        perf,
        group_table(sc, "by_influencer", "influencer", "Influencer", "Results by influencer"),
        group_table(sc, "by_campaign", "campaign", "Campaign", "Results by campaign"),
        group_table(sc, "by_platform", "platform", "Platform", "Results by platform"),
    )
    posts = published_posts(sc)
    inputs = decay_inputs(ws)
    charts = (trend_chart(sc, posts), decay_chart(inputs, "views"),
              decay_chart(inputs, "engagements"))
    return Page("overview", "Overview", ws.currency, Period(sc.start, sc.end), figures, tables,
                charts,
                extra={"attributed_orders": attributed, "eligible_orders": eligible,
                       "posts_published": len(posts)})
