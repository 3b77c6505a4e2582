"""Section "lessons": what worked, what to stop, written as sentences generated from the data.

Each sentence names the numbers behind it. The calls on creators (keep, renegotiate, train,
drop) are ``metrics.performers``'s; best and worst posts are ranked by revenue (engagement rate
breaks ties and ranks posts when no post sold); patterns compare groups on ROI; posting
weekday and hour (workspace time zone) compare revenue per post; tiers are compared on CPA.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from creatorroi.metrics import performers
from creatorroi.model.money import exponent
from creatorroi.model.tiers import Tier
from creatorroi.report import quality
from creatorroi.report.common import Ctx, na, sentence, table
from creatorroi.report.direct import group_label
from creatorroi.report.model import Kind, Section, Sentence, Table
from creatorroi.report.vocab import CALLS, GROUPS

CALL_SENTENCES = {
    "keep": ("{influencer}: ROI {roi}, {revenue} revenue for {cost} spent. Keep working "
             "together.", "good"),
    "renegotiate": ("{influencer}: profitable but thin, ROI {roi} ({revenue} revenue for "
                    "{cost} spent). Renegotiate the fee.", "neutral"),
    "train": ("{influencer}: ROI {roi}, but engagement rate {engagement_rate} is above the "
              "programme's median. Train on content that converts.", "neutral"),
    "drop": ("{influencer}: ROI {roi} ({revenue} revenue for {cost} spent) and engagement "
             "below the median. Drop.", "bad"),
}
PATTERNS = {
    "content_type": "Best content type by ROI: {best} ({best_roi}); weakest: {worst} "
                    "({worst_roi}).",
    "platform": "Best platform by ROI: {best} ({best_roi}); weakest: {worst} ({worst_roi}).",
    "tier": "Best tier by ROI: {best} ({best_roi}); weakest: {worst} ({worst_roi}).",
}
HOUR_BLOCK = 4


def build(ctx: Ctx, posts: pd.DataFrame) -> Section:
    sc = ctx.scope
    sentences: list[Sentence] = []
    by_inf = sc.kpis("influencer")
    # Up to three each side, but never the same creator called top and low at once.
    ranked = performers.rank(by_inf, max(1, min(3, int(by_inf["roi"].notna().sum()) // 2)))
    for r in ranked.itertuples():
        if r.call in CALL_SENTENCES:
            msgid, tone = CALL_SENTENCES[r.call]
            sentences.append(sentence(
                msgid, tone, influencer=(ctx.words.influencer(r.influencer), "text"),
                roi=(r.roi, "percent"), revenue=(r.revenue, "money"), cost=(r.cost, "money"),
                engagement_rate=(r.engagement_rate, "percent")))
    by_post = _posts(ctx, posts)
    sentences.extend(_post_sentences(ctx, by_post))
    for dim, msgid in PATTERNS.items():
        s = _pattern(ctx, dim, msgid)
        if s is not None:
            sentences.append(s)
    sentences.extend(_timing(ctx, by_post))
    tier = _tiers_cpa(ctx)
    if tier is not None:
        sentences.append(tier)
    sentences.extend(quality.sentences(ctx))
    if not sentences:
        sentences.append(sentence("Too little data in this scope to draw lessons."))
    best = min(5, (len(by_post) + 1) // 2)   # the rest, up to five, are the weakest
    tables: tuple[Table, ...] = (_performers_table(ctx, ranked),
              _posts_table(ctx, "best_posts", "Best posts", by_post.head(best)),
              _posts_table(ctx, "worst_posts", "Weakest posts",
                           by_post.iloc[best:].iloc[::-1].head(5)),
              _weekday_table(ctx, by_post))
    extra = quality.quality_table(ctx)
    if extra.rows:
        tables = (*tables, extra)
    return Section("lessons", "Lessons learned", (), tuple(sentences), tables)


def _posts(ctx: Ctx, posts: pd.DataFrame) -> pd.DataFrame:
    """Posts of the scope with their KPIs, best first (revenue, then engagement rate)."""
    k = ctx.scope.kpis("post")
    frame = posts.merge(k, left_on="id", right_on="post", how="inner", suffixes=("", "_k"))
    if frame.empty:
        return frame
    frame["_rev"] = [float(v) if not na(v) else -1.0 for v in frame["revenue"]]
    frame["_er"] = [float(v) if not na(v) else -1.0 for v in frame["engagement_rate"]]
    return frame.sort_values(["_rev", "_er", "id"], ascending=[False, False, True]) \
        .reset_index(drop=True)


def _post_sentences(ctx: Ctx, frame: pd.DataFrame) -> list[Sentence]:
    if frame.empty:
        return []
    w = ctx.words
    out = []

    def about(r: Any) -> dict[str, tuple[Any, Any]]:
        return {"influencer": (w.influencer(r.influencer), "text"),
                "platform": (w.platform(r.platform), "text"),
                "content_type": (w.content_type(r.content_type), "text"),
                "date": (r.local_day, "date"), "revenue": (r.revenue, "money"),
                "orders": (r.orders, "count"), "engagement_rate": (r.engagement_rate, "percent")}

    best = frame.iloc[0]
    out.append(sentence("Best post: {content_type} by {influencer} on {platform} ({date}), "
                        "{revenue} from {orders} orders.", "good", **about(best)))
    if len(frame) > 1:
        worst = frame.iloc[-1]
        out.append(sentence("Weakest post: {content_type} by {influencer} on {platform} "
                            "({date}), {revenue} from {orders} orders.", "bad", **about(worst)))
    rated = frame[[not na(v) for v in frame["engagement_rate"]]]
    if len(rated):
        top = rated.sort_values("_er", ascending=False).iloc[0]
        out.append(sentence("Highest engagement: {content_type} by {influencer} on "
                            "{platform} ({date}), engagement rate {engagement_rate}.", "good",
                            **about(top)))
    return out


def _pattern(ctx: Ctx, dim: str, msgid: str) -> Sentence | None:
    frame = ctx.scope.kpis(dim)
    frame = frame[[not na(v) and k != "(unassigned)" for v, k in
                   zip(frame["roi"], frame[dim], strict=True)]]
    if len(frame) < 2:
        return None
    frame = frame.sort_values("roi", ascending=False)
    best, worst = frame.iloc[0], frame.iloc[-1]
    name = group_label(ctx, dim)
    return sentence(msgid, "neutral", best=(name(best[dim]), "text"),
                    best_roi=(best.roi, "percent"), worst=(name(worst[dim]), "text"),
                    worst_roi=(worst.roi, "percent"))


def _per_post(frame: pd.DataFrame, key: str, home: str) -> pd.DataFrame:
    quantum = Decimal(1).scaleb(-exponent(home))
    rows = []
    for k, part in frame.groupby(key, sort=True):
        rev = [v for v in part["revenue"] if not na(v)]
        rates = [float(v) for v in part["engagement_rate"] if not na(v)]
        rows.append({key: k, "posts": len(part),
                     "revenue_per_post": (sum(rev, Decimal(0)) / len(part)).quantize(
                         quantum) if rev else None,
                     "engagement_rate": sum(rates) / len(rates) if rates else None})
    return pd.DataFrame(rows, columns=[key, "posts", "revenue_per_post", "engagement_rate"])


def _timing(ctx: Ctx, by_post: pd.DataFrame) -> list[Sentence]:
    if by_post.empty:
        return []
    frame = by_post.assign(
        weekday=[t.weekday() for t in by_post["local_time"]],
        block=[t.hour // HOUR_BLOCK * HOUR_BLOCK for t in by_post["local_time"]])
    out = []
    days = _per_post(frame, "weekday", ctx.scope.home).dropna(subset=["revenue_per_post"])
    if len(days) >= 2:
        best = days.sort_values("revenue_per_post", ascending=False).iloc[0]
        out.append(sentence("Posts published on {weekday} earned the most per post: {revenue}.",
                            weekday=(ctx.words.weekday(int(best.weekday)), "text"),
                            revenue=(best.revenue_per_post, "money")))
    hours = _per_post(frame, "block", ctx.scope.home).dropna(subset=["revenue_per_post"])
    if len(hours) >= 2:
        best = hours.sort_values("revenue_per_post", ascending=False).iloc[0]
        start = int(best.block)
        out.append(sentence("Posts published between {start} and {end} earned the most per "
                            "post: {revenue}.", start=(f"{start:02d}:00", "text"),
                            end=(f"{start + HOUR_BLOCK:02d}:00", "text"),
                            revenue=(best.revenue_per_post, "money")))
    return out


def _tiers_cpa(ctx: Ctx) -> Sentence | None:
    """Do smaller tiers buy an order for less than larger ones, for this brand?"""
    rank = {t.value: i for i, t in enumerate(Tier)}
    frame = ctx.scope.kpis("tier")
    frame = frame[[t in rank and not na(c) for t, c in zip(frame["tier"], frame["cpa"],
                                                           strict=True)]]
    if len(frame) < 2:
        return None
    frame = frame.assign(_r=[rank[t] for t in frame["tier"]]).sort_values("_r")
    small, large = frame.iloc[0], frame.iloc[-1]
    values: dict[str, tuple[Any, Kind]] = {
        "small": (ctx.words.tier(small.tier), "text"), "small_cpa": (small.cpa, "money"),
        "large": (ctx.words.tier(large.tier), "text"), "large_cpa": (large.cpa, "money")}
    if small.cpa < large.cpa:
        return sentence("Smaller creators cost less per order: {small} {small_cpa} against "
                        "{large} {large_cpa}.", "good", **values)
    return sentence("Smaller creators did not cost less per order: {small} {small_cpa} "
                    "against {large} {large_cpa}.", "neutral", **values)


def _performers_table(ctx: Ctx, ranked: pd.DataFrame) -> Table:
    w = ctx.words
    rows = [[w.word(GROUPS, r.group), w.influencer(r.influencer), r.roi, r.roas, r.revenue,
             r.cost, r.orders, r.engagement_rate, w.word(CALLS, r.call)]
            for r in ranked.itertuples()]
    return table("performers", "Top and low performers", [
        ("group", "Group", "text"), ("influencer", "Influencer", "text"),
        ("roi", "ROI", "percent"), ("roas", "ROAS", "ratio"), ("revenue", "Revenue", "money"),
        ("cost", "Cost", "money"), ("orders", "Orders", "count"),
        ("engagement_rate", "Engagement rate", "percent"), ("call", "Call", "text")], rows,
        note="Keep: ROI of 100% or more. Renegotiate: 0 to 100%. Train: negative ROI with "
             "engagement above the median. Drop: negative ROI, engagement below the median.")


def _posts_table(ctx: Ctx, key: str, title: str, frame: pd.DataFrame) -> Table:
    w = ctx.words
    rows = [[r.local_day, w.influencer(r.influencer), w.platform(r.platform),
             w.content_type(r.content_type), r.revenue, r.orders, r.cost, r.engagement_rate]
            for r in frame.itertuples()]
    return table(key, title, [
        ("date", "Date", "date"), ("influencer", "Influencer", "text"),
        ("platform", "Platform", "text"), ("content_type", "Content type", "text"),
        ("revenue", "Revenue", "money"), ("orders", "Orders", "count"),
        ("cost", "Cost", "money"), ("engagement_rate", "Engagement rate", "percent")], rows)


def _weekday_table(ctx: Ctx, by_post: pd.DataFrame) -> Table:
    rows: list[list[Any]] = []
    if not by_post.empty:
        frame = by_post.assign(weekday=[t.weekday() for t in by_post["local_time"]])
        per_day = _per_post(frame, "weekday", ctx.scope.home)
        rows = [[ctx.words.weekday(int(r.weekday)), r.posts, r.revenue_per_post,
                 r.engagement_rate] for r in per_day.itertuples()]
    return table("posting_days", "Results by posting day", [
        ("weekday", "Posting day", "text"), ("posts", "Posts", "count"),
        ("revenue_per_post", "Revenue per post", "money"),
        ("engagement_rate", "Engagement rate", "percent")], rows)
