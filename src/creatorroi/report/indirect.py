"""Section "indirect": what the programme earned beyond tracked sales.

Rules, each a documented choice:

* **Production cost saved** = the cost allocated to the content pieces the brand reused on its
  own channels (``posts.reused``): every cost line tied to such a post plus its share of the
  influencer's untied fees (the same allocation as the post KPIs). Reusing a piece spares the
  brand from producing an equivalent one, and what the brand paid for it is the most defensible
  price of that piece.
* **Indirect traffic**: sessions are classified by their GA4 source / medium: *direct* is
  ``(direct) / (none)``, *organic search* is medium ``organic``. The period's sessions (days
  in the workspace time zone) are compared with the same number of days immediately before it
  and with the same dates one year earlier.
* **Brand follower growth** per platform = followers at the period's end minus followers the
  day before it starts (latest snapshot on or before each day); the prior trend is the growth
  over the same number of days just before the period.
* **New creator relationships**: influencers whose first ever post or cost line (in any
  campaign) falls inside the period.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from creatorroi.model.money import from_minor
from creatorroi.report.common import Ctx, count, money, na, sentence, table
from creatorroi.report.model import Figure, Section, Sentence, Table
from creatorroi.report.vocab import CHANNELS, EMV_ACTIONS


def _last_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def windows(start: date, end: date) -> dict[str, tuple[date, date]]:
    n = (end - start).days + 1
    return {"now": (start, end),
            "before": (start - timedelta(days=n), start - timedelta(days=1)),
            "last_year": (_last_year(start), _last_year(end))}


def traffic(ctx: Ctx) -> pd.DataFrame:
    """Direct and organic-search sessions per window: rows direct/organic, columns windows."""
    sc = ctx.scope
    wins = windows(sc.start, sc.end)
    lo = min(a for a, _ in wins.values()) - timedelta(days=1)
    hi = max(b for _, b in wins.values()) + timedelta(days=2)
    s = sc.frame(
        "SELECT started_at, sessions, utm_source, utm_medium FROM sessions "
        "WHERE workspace_id = ? AND started_at >= ? AND started_at < ? AND "
        "((utm_source = '(direct)' AND utm_medium = '(none)') OR utm_medium = 'organic')",
        [pd.Timestamp(lo, tz="UTC"), pd.Timestamp(hi, tz="UTC")])
    out = {ch: dict.fromkeys(wins, 0) for ch in CHANNELS}
    for r in s.itertuples():
        day = sc.local_day(r.started_at)
        channel = "organic" if r.utm_medium == "organic" else "direct"
        for name, (a, b) in wins.items():
            if day is not None and a <= day <= b:
                out[channel][name] += int(r.sessions)
    return pd.DataFrame(out).T


def _change(now: int, then: int) -> float | None:
    return (now - then) / then * 100 if then else None


def followers(ctx: Ctx) -> pd.DataFrame:
    sc = ctx.scope
    snaps = sc.frame("SELECT platform, captured_at, followers FROM brand_followers "
                     "WHERE workspace_id = ? ORDER BY captured_at")
    n = (sc.end - sc.start).days + 1
    rows = []
    if len(snaps):
        snaps["local_day"] = [sc.local_day(t) for t in snaps["captured_at"]]
    for platform, part in snaps.groupby("platform", sort=True) if len(snaps) else []:
        def at(day: date, part: pd.DataFrame = part) -> int | None:
            before = part[part["local_day"] <= day]
            return None if before.empty else int(before["followers"].iloc[-1])
        start, end = at(sc.start - timedelta(days=1)), at(sc.end)
        prior = at(sc.start - timedelta(days=n + 1))
        growth = None if start is None or end is None else end - start
        trend = None if start is None or prior is None else start - prior
        rows.append({"platform": platform, "start": start, "end": end, "growth": growth,
                     "trend": trend,
                     "excess": None if growth is None or trend is None else growth - trend})
    return pd.DataFrame(rows, columns=["platform", "start", "end", "growth", "trend", "excess"])


def relationships(ctx: Ctx) -> pd.DataFrame:
    sc = ctx.scope
    first: dict[str, date] = {}
    for iid, at in sc.ws.store.fetch("SELECT influencer_id, published_at FROM posts "
                                     "WHERE workspace_id = ? AND published_at IS NOT NULL",
                                     [sc.ws.id]):
        day = sc.local_day(at)
        if day is not None and (iid not in first or day < first[iid]):
            first[iid] = day
    for iid, day in sc.ws.store.fetch("SELECT influencer_id, incurred_on FROM costs "
                                      "WHERE workspace_id = ? AND influencer_id IS NOT NULL",
                                      [sc.ws.id]):
        d = pd.Timestamp(day).date()
        if iid not in first or d < first[iid]:
            first[iid] = d
    labels = sc.inp.labels.influencer
    rows = [{"influencer": labels.get(i, i), "first": d} for i, d in sorted(first.items())
            if sc.start <= d <= sc.end]
    return pd.DataFrame(rows, columns=["influencer", "first"])


def build(ctx: Ctx, posts: pd.DataFrame, attributed: int, eligible: int) -> Section:
    sc, w = ctx.scope, ctx.words
    total = sc.kpis([]).iloc[0]
    by_post = sc.kpis("post")
    reused_ids = set(posts.loc[posts["reused"].astype(bool), "id"])
    saved_costs = [c for p, c in zip(by_post["post"], by_post["cost"], strict=True)
                   if p in reused_ids and not na(c)]
    saved = sum(saved_costs, from_minor(0, sc.home))
    tr_frame = traffic(ctx)
    fol = followers(ctx)
    rel = relationships(ctx)
    growth = [g for g in fol["growth"] if not na(g)]
    figures = (
        Figure("impressions", "Impressions", count(total.impressions), "count"),
        Figure("reach", "Reach", count(total.reach), "count"),
        Figure("emv", "Earned media value", money(total.emv), "money"),
        Figure("posts", "Content pieces", count(total.posts), "count"),
        Figure("reused_posts", "Content pieces reused", count(total.reused_posts), "count"),
        Figure("cost_per_post", "Cost per content piece", money(total.cost_per_post), "money"),
        Figure("production_cost_saved", "Production cost saved", saved, "money"),
        Figure("direct_sessions", "Direct sessions", int(tr_frame.loc["direct", "now"]),
               "count"),
        Figure("organic_sessions", "Organic-search sessions",
               int(tr_frame.loc["organic", "now"]), "count"),
        Figure("follower_growth", "Brand follower growth", sum(growth) if growth else None,
               "count"),
        Figure("new_relationships", "New creator relationships", len(rel), "count"),
    )
    sentences: list[Sentence] = []
    if not na(total.emv):
        sentences.append(sentence(
            "The organic exposure would have cost {emv} as paid media (earned media value), "
            "against {cost} spent.", "good" if not na(total.cost) and total.emv >= total.cost
            else "neutral", emv=(total.emv, "money"), cost=(total.cost, "money")))
    sentences.append(sentence(
        "{posts} content pieces produced, {reused} reused on the brand's own channels: "
        "production cost saved {saved}.", posts=(total.posts, "count"),
        reused=(total.reused_posts, "count"), saved=(saved, "money")))
    for ch in CHANNELS:
        now, before, ly = (int(tr_frame.loc[ch, c]) for c in ("now", "before", "last_year"))
        ch_before = _change(now, before)
        sentences.append(sentence(
            "{channel} sessions: {now} in the period, {before} in the same number of days "
            "before, {last_year} in the same period last year.",
            "good" if ch_before is not None and ch_before > 0 else "neutral",
            channel=(w.word(CHANNELS, ch), "text"), now=(now, "count"),
            before=(before, "count"), last_year=(ly, "count")))
    if growth:
        trend = [t for t in fol["trend"] if not na(t)]
        if trend:
            g, t = sum(growth), sum(trend)
            sentences.append(sentence(
                "Brand followers grew by {growth}, against {trend} over the same number of "
                "days before.", "good" if g > t else "neutral", growth=(g, "count"),
                trend=(t, "count")))
    sentences.append(sentence("{count} new creator relationships started in the period.",
                              count=(len(rel), "count")))
    share = attributed / eligible * 100 if eligible else None
    sentences.append(sentence(
        "Direct attribution is a floor, not the whole effect: it credits {attributed} of the "
        "{eligible} orders in the period ({share}). Buyers who saw a creator and came back "
        "later through search or a direct visit are not counted.", "warning",
        attributed=(attributed, "count"), eligible=(eligible, "count"),
        share=(share, "percent")))
    sentences.append(sentence("No incrementality estimate is available yet for this scope."))
    tables = (_emv_table(ctx, posts), _content_table(ctx),
              _traffic_table(ctx, tr_frame), _followers_table(ctx, fol),
              table("new_relationships", "New creator relationships", [
                  ("influencer", "Influencer", "text"), ("first", "First activity", "date")],
                  [[w.influencer(r.influencer), r.first] for r in rel.itertuples()]))
    return Section("indirect", "Indirect ROI", figures, tuple(sentences), tables)


def _emv_table(ctx: Ctx, posts: pd.DataFrame) -> Table:
    platforms = sorted(set(posts["platform"]))
    rows: list[list[Any]] = []
    if platforms:
        marks = ", ".join("?" for _ in platforms)
        card = ctx.scope.frame(f"SELECT platform, action, rate, currency FROM emv_rates "
                               f"WHERE workspace_id = ? AND platform IN ({marks}) "
                               f"ORDER BY platform, action", platforms)
        rows = [[ctx.words.platform(r.platform), ctx.words.word(EMV_ACTIONS, r.action),
                 float(r.rate), r.currency] for r in card.itertuples()]
    return table("emv_rates", "EMV rate card used", [
        ("platform", "Platform", "text"), ("action", "Action", "text"),
        ("rate", "Value per action", "ratio"), ("currency", "Currency", "text")], rows,
        note="Earned media value = each action count x its value on this card.")


def _content_table(ctx: Ctx) -> Table:
    frame = ctx.scope.kpis("content_type")
    rows = [[ctx.words.content_type(r.content_type), r.posts, r.reused_posts, r.cost,
             r.cost_per_post, r.emv] for r in frame.itertuples()]
    return table("content", "Content produced", [
        ("content_type", "Content type", "text"), ("posts", "Content pieces", "count"),
        ("reused_posts", "Content pieces reused", "count"), ("cost", "Cost", "money"),
        ("cost_per_post", "Cost per content piece", "money"),
        ("emv", "Earned media value", "money")], rows,
        note="Production cost saved is the cost of the pieces reused on the brand's channels.")


def _traffic_table(ctx: Ctx, frame: pd.DataFrame) -> Table:
    rows = []
    for ch in CHANNELS:
        now, before, ly = (int(frame.loc[ch, c]) for c in ("now", "before", "last_year"))
        rows.append([ctx.words.word(CHANNELS, ch), now, before, _change(now, before), ly,
                     _change(now, ly)])
    return table("traffic", "Indirect traffic", [
        ("channel", "Channel", "text"), ("sessions", "Sessions", "count"),
        ("before", "Same number of days before", "count"),
        ("change_before", "Change", "percent"),
        ("last_year", "Same period last year", "count"),
        ("change_last_year", "Change on last year", "percent")], rows,
        note="Direct = source (direct) and medium (none); organic search = medium organic.")


def _followers_table(ctx: Ctx, fol: pd.DataFrame) -> Table:
    rows = [[ctx.words.platform(r.platform), r.start, r.end, r.growth, r.trend, r.excess]
            for r in fol.itertuples()]
    return table("brand_followers", "Brand followers", [
        ("platform", "Platform", "text"), ("start", "At the start", "count"),
        ("end", "At the end", "count"), ("growth", "Growth", "count"),
        ("trend", "Prior trend", "count"), ("excess", "Above trend", "count")], rows)

