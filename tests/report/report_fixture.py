"""A realistic report built by hand: every value kind, a bar and a line chart (with marks),
non-Latin creator names, and text cells that look like spreadsheet formulas."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from creatorroi.report.model import (
    Chart,
    Column,
    Figure,
    Report,
    Section,
    Sentence,
    Series,
    Table,
)

# Shown as given in every language: the glyph check needs each script present.
NAMES = ("김지수", "王小明", "سارا", "giulia.rossi")
INJECTION = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1", "@x", "-2")

REVENUE = Figure("revenue", "Attributed revenue", Decimal("48250.75"), "money")
ROI = Figure("roi", "ROI", 212.5, "percent")
ROAS = Figure("roas", "ROAS", 3.125, "ratio")
ORDERS = Figure("orders", "Attributed orders", 1284, "count")
FIRST_POST = Figure("first_post", "First post", date(2024, 3, 5), "date")
SPEND = Figure("spend", "Total cost", Decimal("15440.00"), "money")

BAR = Chart(
    key="spend_revenue",
    title="Spend and revenue per influencer",
    kind="bar",
    categories=NAMES,
    series=(Series("Spend", (4000.0, 3500.0, 2940.0, 5000.0)),
            Series("Revenue", (18000.0, 9250.75, 6000.0, 15000.0))),
    unit="money",
    translate_series=True,
)
LINE = Chart(
    key="revenue_time",
    title="Revenue over time",
    kind="line",
    categories=("2024-03-04", "2024-03-11", "2024-03-18", "2024-03-25", "2024-04-01"),
    series=(Series("Revenue", (1200.0, 9800.0, None, 14250.0, 8000.0)),),
    unit="money",
    marks=(("2024-03-05", "김지수"), ("2024-03-20", "سارا")),
    translate_series=True,
)


def make_report(lang: str = "en", currency: str = "EUR") -> Report:
    influencers = Table(
        key="influencers",
        title="Results per influencer",
        columns=(Column("handle", "Influencer"), Column("platform", "Platform"),
                 Column("cost", "Cost", "money"), Column("revenue", "Revenue", "money"),
                 Column("roi", "ROI", "percent"), Column("roas", "ROAS", "ratio"),
                 Column("orders", "Orders", "count"), Column("first_post", "First post", "date")),
        rows=(
            (NAMES[0], "instagram", Decimal("4000.00"), Decimal("18000.00"), 350.0, 4.5, 480,
             date(2024, 3, 5)),
            (NAMES[1], "tiktok", Decimal("3500.00"), Decimal("9250.75"), 164.31, 2.64, 301,
             date(2024, 3, 9)),
            (NAMES[2], "youtube", Decimal("2940.00"), Decimal("6000.00"), 104.08, 2.04, 143,
             date(2024, 3, 20)),
            (NAMES[3], "instagram | reels", Decimal("5000.00"), Decimal("15000.00"), 200.0, 3.0,
             360, None),
        ),
        note="Revenue is attributed with discount codes and tracked links.",
    )
    goals = Table(
        key="smart_goals_with_a_rather_long_key_name",
        title="SMART goals",
        columns=(Column("goal", "Goal"), Column("target", "Target", "count"),
                 Column("result", "Result", "count"), Column("status", "Status")),
        rows=(("Orders from creators", 1000, 1284, "met"),
              ("New followers", 5000, 4120, "not met")),
    )
    posts = Table(
        key="posts",
        title="Posts",
        columns=(Column("handle", "Influencer"), Column("caption", "Caption"),
                 Column("posted_at", "Posted at", "datetime"),
                 Column("engagement", "Engagement rate", "percent")),
        rows=tuple((NAMES[i % 4], text, datetime(2024, 3, 5 + i, 17, 30, tzinfo=UTC),
                    4.25 + i) for i, text in enumerate(INJECTION)),
    )
    direct = Section(
        key="direct",
        title="Direct ROI",
        figures=(REVENUE, SPEND, ROI, ROAS, ORDERS, FIRST_POST),
        sentences=(
            Sentence("{name} returned {roas} per unit of spend, an ROI of {roi}.",
                     (("name", NAMES[0], "text"), ("roas", 4.5, "ratio"),
                      ("roi", 350.0, "percent")), "good"),
            Sentence("Direct attribution found {orders} orders worth {revenue}.",
                     (("orders", 1284, "count"), ("revenue", Decimal("48250.75"), "money"))),
        ),
        tables=(influencers, goals),
        charts=(BAR,),
    )
    indirect = Section(
        key="indirect",
        title="Indirect ROI",
        figures=(Figure("emv", "Earned media value", Decimal("21900.5"), "money"),
                 Figure("reach", "Reach", 1520400, "count")),
        sentences=(Sentence("Direct attribution is a floor: it covers {share} of orders.",
                            (("share", 18.4, "percent"),), "warning"),),
        tables=(posts,),
        charts=(LINE,),
    )
    lessons = Section(
        key="lessons",
        title="Lessons learned",
        sentences=(Sentence("Keep {name}: the lowest cost per order, {cpa}.",
                            (("name", NAMES[2], "text"), ("cpa", Decimal("20.56"), "money"))),),
    )
    return Report(
        brand="Aurora Skincare",
        currency=currency,
        timezone="Europe/Rome",
        lang=lang,
        title="Influencer marketing report",
        scope="Spring launch 2024",
        period_start=date(2024, 3, 1),
        period_end=date(2024, 4, 30),
        generated_at=datetime(2024, 5, 2, 9, 15, tzinfo=UTC),
        sections=(direct, indirect, lessons),
    )


KEY_FIGURES = (REVENUE, SPEND, ROI, ROAS, ORDERS, FIRST_POST)
