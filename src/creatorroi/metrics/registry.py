"""Every KPI in one registry: name, formula, unit, funnel stage and the measures it needs.

A KPI is computed from summed *measures* (see ``facts``). When any input is missing the KPI is
missing (``NA``), never 0: "no impressions recorded" and "zero impressions" are different news.
A ratio whose denominator is zero is missing too (ROI on zero cost is undefined, not infinite).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Unit = Literal["count", "money", "percent", "ratio"]
Stage = Literal["tofu", "mofu", "bofu", "cost", "all"]


@dataclass(frozen=True)
class KPI:
    name: str
    label: str
    formula: str
    unit: Unit
    stage: Stage
    inputs: tuple[str, ...]
    compute: Callable[[pd.DataFrame], pd.Series]


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].astype("Float64")


def _ratio(num: pd.Series, den: pd.Series, scale: float = 1.0) -> pd.Series:
    den = den.where(den != 0)
    return (num * scale / den).astype("Float64")


def _measure(name: str, label: str, unit: Unit, stage: Stage) -> KPI:
    return KPI(name, label, name, unit, stage, (name,), lambda f: _col(f, name))


def _engagements(f: pd.DataFrame) -> pd.Series:
    parts = [_col(f, c) for c in ("likes", "comments", "shares", "saves")]
    total = parts[0].fillna(0) + parts[1].fillna(0) + parts[2].fillna(0) + parts[3].fillna(0)
    all_missing = np.logical_and.reduce([p.isna() for p in parts])
    return total.mask(all_missing)


def _derived(name: str, label: str, formula: str, unit: Unit, stage: Stage,
             inputs: tuple[str, ...], fn: Callable[[pd.DataFrame], pd.Series]) -> KPI:
    return KPI(name, label, formula, unit, stage, inputs, fn)


REGISTRY: dict[str, KPI] = {k.name: k for k in (
    _measure("cost", "Cost (all categories)", "money", "cost"),
    _measure("orders", "Orders attributed", "count", "bofu"),
    _measure("revenue", "Net revenue attributed", "money", "bofu"),
    _measure("new_customers", "New customers", "count", "bofu"),
    _measure("subscriptions", "Subscription orders", "count", "bofu"),
    _measure("sessions", "Sessions from tracked links", "count", "mofu"),
    _measure("clicks", "Short-link clicks (humans)", "count", "tofu"),
    _measure("unique_clicks", "Unique short-link clicks (repeats within 30 min count once)",
             "count", "tofu"),
    _measure("posts", "Content pieces published", "count", "tofu"),
    _measure("reused_posts", "Content pieces reused", "count", "tofu"),
    _measure("reach", "Reach", "count", "tofu"),
    _measure("impressions", "Impressions", "count", "tofu"),
    _measure("views", "Views", "count", "tofu"),
    _measure("likes", "Likes", "count", "tofu"),
    _measure("comments", "Comments", "count", "tofu"),
    _measure("shares", "Shares", "count", "tofu"),
    _measure("saves", "Saves", "count", "tofu"),
    _measure("link_clicks", "Link clicks (platform insights)", "count", "tofu"),
    _measure("profile_visits", "Profile visits", "count", "tofu"),
    _measure("follows", "Follows from posts", "count", "tofu"),
    _measure("followers", "Followers reached (sum over posts)", "count", "tofu"),
    _measure("emv", "Earned media value", "money", "tofu"),
    _derived("engagements", "Engagements", "likes + comments + shares + saves", "count",
             "tofu", ("likes", "comments", "shares", "saves"), _engagements),
    _derived("engagement_rate", "Engagement rate on followers",
             "engagements / followers x 100", "percent", "tofu", ("engagements", "followers"),
             lambda f: _ratio(_engagements(f), _col(f, "followers"), 100)),
    _derived("engagement_rate_reach", "Engagement rate on reach", "engagements / reach x 100",
             "percent", "tofu", ("engagements", "reach"),
             lambda f: _ratio(_engagements(f), _col(f, "reach"), 100)),
    _derived("ctr", "Click-through rate", "link_clicks / impressions x 100", "percent", "tofu",
             ("link_clicks", "impressions"),
             lambda f: _ratio(_col(f, "link_clicks"), _col(f, "impressions"), 100)),
    _derived("conversion_rate", "Conversion rate", "orders / sessions x 100", "percent", "bofu",
             ("orders", "sessions"), lambda f: _ratio(_col(f, "orders"), _col(f, "sessions"), 100)),
    _derived("aov", "Average order value", "revenue / orders", "money", "bofu",
             ("revenue", "orders"), lambda f: _ratio(_col(f, "revenue"), _col(f, "orders"))),
    _derived("cpm", "Cost per thousand impressions", "cost / impressions x 1000", "money",
             "cost", ("cost", "impressions"),
             lambda f: _ratio(_col(f, "cost"), _col(f, "impressions"), 1000)),
    _derived("cpe", "Cost per engagement", "cost / engagements", "money", "cost",
             ("cost", "engagements"), lambda f: _ratio(_col(f, "cost"), _engagements(f))),
    _derived("cpc", "Cost per click", "cost / link_clicks", "money", "cost",
             ("cost", "link_clicks"), lambda f: _ratio(_col(f, "cost"), _col(f, "link_clicks"))),
    _derived("short_link_ctr", "Short-link click-through rate", "clicks / impressions x 100",
             "percent", "tofu", ("clicks", "impressions"),
             lambda f: _ratio(_col(f, "clicks"), _col(f, "impressions"), 100)),
    _derived("short_link_cpc", "Cost per short-link click", "cost / clicks", "money", "cost",
             ("cost", "clicks"), lambda f: _ratio(_col(f, "cost"), _col(f, "clicks"))),
    _derived("cpa", "Cost per acquisition", "cost / orders", "money", "cost",
             ("cost", "orders"), lambda f: _ratio(_col(f, "cost"), _col(f, "orders"))),
    _derived("cost_per_new_customer", "Cost per new customer", "cost / new_customers",
             "money", "cost", ("cost", "new_customers"),
             lambda f: _ratio(_col(f, "cost"), _col(f, "new_customers"))),
    _derived("cost_per_post", "Cost per content piece", "cost / posts", "money", "cost",
             ("cost", "posts"), lambda f: _ratio(_col(f, "cost"), _col(f, "posts"))),
    _derived("profit", "Revenue minus cost", "revenue - cost", "money", "bofu",
             ("revenue", "cost"), lambda f: _col(f, "revenue") - _col(f, "cost")),
    _derived("roas", "Return on ad spend", "revenue / cost", "ratio", "bofu",
             ("revenue", "cost"), lambda f: _ratio(_col(f, "revenue"), _col(f, "cost"))),
    _derived("roi", "Return on investment", "(revenue - cost) / cost x 100", "percent", "bofu",
             ("revenue", "cost"),
             lambda f: _ratio(_col(f, "revenue") - _col(f, "cost"), _col(f, "cost"), 100)),
    _measure("comments_scored", "Comments scored for sentiment", "count", "tofu"),
    _measure("mentions", "Brand mentions", "count", "tofu"),
    _derived("sentiment", "Comment sentiment (-1 to 1)", "sum of comment scores / comments "
             "scored", "ratio", "tofu", ("sentiment_milli", "comments_scored"),
             lambda f: _ratio(_col(f, "sentiment_milli"), _col(f, "comments_scored"), 0.001)),
    _derived("positive_comment_share", "Positive comments", "positive comments / comments "
             "scored x 100", "percent", "tofu", ("positive_comments", "comments_scored"),
             lambda f: _ratio(_col(f, "positive_comments"), _col(f, "comments_scored"), 100)),
    _derived("negative_comment_share", "Negative comments", "negative comments / comments "
             "scored x 100", "percent", "tofu", ("negative_comments", "comments_scored"),
             lambda f: _ratio(_col(f, "negative_comments"), _col(f, "comments_scored"), 100)),
    _measure("posts_checked", "Live posts checked against the brief", "count", "all"),
    _measure("posts_compliant", "Checked posts with no failed check", "count", "all"),
    _derived("compliance_rate", "Content compliance rate", "posts with no failed check / "
             "posts checked x 100", "percent", "all", ("posts_compliant", "posts_checked"),
             lambda f: _ratio(_col(f, "posts_compliant"), _col(f, "posts_checked"), 100)),
    _derived("audience_quality", "Audience quality (0 to 100)", "mean audit score of the "
             "posting accounts, per post", "ratio", "tofu",
             ("audience_quality_tenths", "audited_posts"),
             lambda f: _ratio(_col(f, "audience_quality_tenths"), _col(f, "audited_posts"),
                              0.1)),
    _measure("target_reach", "Reach inside the target audience", "count", "tofu"),
    _derived("target_share", "Share of reach in the target audience",
             "target_reach / reach x 100", "percent", "tofu", ("target_reach", "reach"),
             lambda f: _ratio(_col(f, "target_reach"), _col(f, "reach"), 100)),
    _derived("target_cpm", "Cost per thousand reached in the target audience",
             "cost / target_reach x 1000", "money", "cost", ("cost", "target_reach"),
             lambda f: _ratio(_col(f, "cost"), _col(f, "target_reach"), 1000)),
    _derived("emv_roi", "EMV return", "(emv - cost) / cost x 100", "percent", "tofu",
             ("emv", "cost"),
             lambda f: _ratio(_col(f, "emv") - _col(f, "cost"), _col(f, "cost"), 100)),
)}
