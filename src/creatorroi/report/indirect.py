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
* **Incrementality**: the latest workspace-wide marketing-mix fit (``model_runs``, kind
  ``mmm``, subject ``''``) whose fitted period overlaps the report's. Direct attribution is the
  floor; the fit's creator multiplier (model incremental / attributed, over the fit's period)
  scales the scope's direct revenue into the estimate, and its interval into the estimate's
  (DOMAIN.md, method 8). The scope's cost is the direct ROI's. Without a fit, no number: one
  sentence says how to get one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from creatorroi.model.money import from_minor, to_minor
from creatorroi.report.common import Ctx, count, money, na, sentence, table, typed
from creatorroi.report.model import Column, Figure, Kind, Section, Sentence, Table
from creatorroi.report.scope import Scope
from creatorroi.report.vocab import CHANNELS, EMV_ACTIONS, INCREMENTALITY

# The fit is not to be trusted above this R-hat or with any divergent transition.
RHAT_MAX = 1.05
MIX_FORMAT = 1


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


def build(ctx: Ctx, posts: pd.DataFrame, attributed: int, eligible: int,
          run: MixRun | None = None) -> Section:
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
    mix_figures, mix_sentences, mix_tables = incrementality(ctx, run)
    sentences.extend(mix_sentences)
    tables = (_emv_table(ctx, posts), _content_table(ctx),
              _traffic_table(ctx, tr_frame), _followers_table(ctx, fol),
              table("new_relationships", "New creator relationships", [
                  ("influencer", "Influencer", "text"), ("first", "First activity", "date")],
                  [[w.influencer(r.influencer), r.first] for r in rel.itertuples()]),
              *mix_tables)
    return Section("indirect", "Indirect ROI", figures + mix_figures, tuple(sentences), tables)


# -- incrementality ------------------------------------------------------------------------
@dataclass(frozen=True)
class MixRun:
    """The marketing-mix fit a report shows: its row in ``model_runs`` and its result JSON."""

    id: str
    created_at: datetime
    grain: str
    start: date
    end: date
    result: dict[str, Any]


def mix_run(sc: Scope) -> MixRun | None:
    """The most recent workspace-wide fit whose period overlaps the report's, or None.

    Why overlap and not containment: a fit is refreshed each quarter, and a campaign report
    should use the fit that saw at least part of the campaign rather than none at all. A row
    whose result is unreadable or of another format is skipped, never guessed at.
    """
    rows = sc.ws.store.fetch(
        "SELECT id, created_at, grain, starts_on, ends_on, result FROM model_runs "
        "WHERE workspace_id = ? AND kind = 'mmm' AND subject = '' AND starts_on <= ? "
        "AND ends_on >= ? ORDER BY created_at DESC, id DESC", [sc.ws.id, sc.end, sc.start])
    for rid, created, grain, start, end, text in rows:
        try:
            result = json.loads(text)
        except (TypeError, ValueError):
            continue
        if isinstance(result, dict) and result.get("format") == MIX_FORMAT:
            return MixRun(str(rid), pd.Timestamp(created).to_pydatetime(), str(grain),
                          pd.Timestamp(start).date(), pd.Timestamp(end).date(), result)
    return None


def _num(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and not na(value)
    return float(value) if ok else None


def _money_of(sc: Scope, value: Any) -> Decimal | None:
    """A float of the fit (home-currency units) as the report's money: rounded once."""
    x = _num(value)
    return None if x is None else from_minor(to_minor(Decimal(str(x)), sc.home), sc.home)


def _times(sc: Scope, amount: Decimal | None, factor: float | None) -> Decimal | None:
    if amount is None or factor is None:
        return None
    return from_minor(to_minor(amount * Decimal(str(factor)), sc.home), sc.home)


def _roi(revenue: Decimal | None, cost: Decimal | None) -> tuple[float | None, float | None]:
    """ROI and ROAS by the registry's formulas, over the same cost as the direct ROI."""
    if revenue is None or cost is None or cost == 0:
        return None, None
    return float((revenue - cost) / cost * 100), float(revenue / cost)


def incrementality(ctx: Ctx, run: MixRun | None
                   ) -> tuple[tuple[Figure, ...], list[Sentence], tuple[Table, ...]]:
    """Direct attribution as the floor beside the mix model's estimate with its interval."""
    if run is None:
        return (), [sentence("No incrementality estimate yet: fit the marketing-mix model with "
                             "`creatorroi mmm fit` to estimate the revenue creators caused "
                             "beyond direct attribution.")], ()
    sc = ctx.scope
    res = run.result
    when: dict[str, tuple[Any, Kind]] = {
        "fitted": (sc.local_day(run.created_at), "date"), "start": (run.start, "date"),
        "end": (run.end, "date")}
    diag = res.get("diagnostics") or {}
    out: list[Sentence] = []
    figures: tuple[Figure, ...] = ()
    tables: list[Table] = []
    creators = res.get("influencers") or {}
    m = _num(creators.get("multiplier"))
    if not creators:
        out.append(sentence("The latest marketing-mix model (fitted on {fitted}, {start} to "
                            "{end}) holds no creator spend, so it gives no incrementality "
                            "estimate for creators.", "neutral", **when))
    elif m is None:
        out.append(sentence("The latest marketing-mix model (fitted on {fitted}, {start} to "
                            "{end}) gives no multiplier for creators: none had directly "
                            "attributed revenue in its period.", "neutral", **when))
    else:
        m_lo, m_hi = _num(creators.get("multiplier_low")), _num(creators.get("multiplier_high"))
        level = _num(res.get("level"))
        total = sc.kpis([]).iloc[0]
        direct, cost = money(total.revenue), money(total.cost)
        est, lo, hi = (_times(sc, direct, f) for f in (m, m_lo, m_hi))
        (roi, roas), (roi_lo, roas_lo), (roi_hi, roas_hi) = (_roi(v, cost) for v in (est, lo, hi))
        figures = (Figure("incremental_revenue", "Estimated incremental revenue", est, "money"),)
        out.append(sentence(
            "The marketing-mix model fitted on {fitted} ({start} to {end}) finds that creators "
            "caused {multiplier} times the revenue direct attribution credits them ({low} to "
            "{high}, {level} credible interval).", "neutral", **when, multiplier=(m, "ratio"),
            low=(m_lo, "ratio"), high=(m_hi, "ratio"),
            level=(None if level is None else level * 100, "percent")))
        values: dict[str, tuple[Any, Kind]] = dict(
            direct=(direct, "money"), estimate=(est, "money"), low=(lo, "money"),
            high=(hi, "money"))
        if roi is None:
            out.append(sentence("Direct attribution credits {direct} in this scope: that is the "
                                "floor. Estimated incremental revenue: {estimate} ({low} to "
                                "{high}).", "neutral", **values))
        else:
            out.append(sentence(
                "Direct attribution credits {direct} in this scope: that is the floor. "
                "Estimated incremental revenue: {estimate} ({low} to {high}), for an "
                "incremental ROI of {roi} and ROAS of {roas} on a cost of {cost}.",
                "good" if roi >= 0 else "bad", **values, roi=(roi, "percent"),
                roas=(roas, "ratio"), cost=(cost, "money")))
        tables.append(_mix_table(ctx, [
            ("floor", direct, None, None, "money"), ("multiplier", m, m_lo, m_hi, "ratio"),
            ("revenue", est, lo, hi, "money"), ("roi", roi, roi_lo, roi_hi, "percent"),
            ("roas", roas, roas_lo, roas_hi, "ratio")]))
    if creators:
        by_creator = _creator_table(ctx, res)
        if by_creator.rows:
            tables.append(by_creator)
    rhat, div = _num(diag.get("rhat_max")), _num(diag.get("divergences"))
    if (rhat is not None and rhat > RHAT_MAX) or (div is not None and div > 0):
        out.append(sentence(
            "The model's sampler has not converged (R-hat {rhat}, {divergences} divergent "
            "transitions): do not rely on this estimate yet.", "bad", rhat=(rhat, "ratio"),
            divergences=(0 if div is None else div, "count")))
    for text in diag.get("warnings") or ():
        out.append(sentence("Model warning: {warning}", "warning", warning=(str(text), "text")))
    return figures, out, tuple(tables)


def _mix_table(ctx: Ctx, rows: list[tuple[str, Any, Any, Any, Kind]]) -> Table:
    """Estimate and interval per measure; each row in its own unit (money, ratio, percent)."""
    cols = (Column("measure", "Measure"), Column("estimate", "Estimate", "ratio"),
            Column("low", "Interval low", "ratio"), Column("high", "Interval high", "ratio"))
    return Table(
        "incrementality", "Incrementality",
        cols, tuple((ctx.tr(INCREMENTALITY[key]), *(typed(v, kind) for v in (est, lo, hi)))
                    for key, est, lo, hi, kind in rows),
        note="Direct attribution is the floor; the estimate is the scope's direct revenue x "
             "the model's multiplier, and the interval is the multiplier's.",
        cell_kinds=tuple((None, kind, kind, kind) for *_, kind in rows))


def _creator_table(ctx: Ctx, res: dict[str, Any]) -> Table:
    """The scope's creators the fit saw: what it attributed, what it estimates, the ratio."""
    sc = ctx.scope
    channels: dict[str, Any] = res.get("channels") or {}
    present = sorted({str(i) for i in sc.raw["influencer_id"] if not na(i)})
    ids = res.get("ids")
    if isinstance(ids, dict):
        column_of = {str(i): str(c) for c, i in ids.items()
                     if isinstance(channels.get(c), dict)
                     and channels[c].get("kind") == "influencer"}
    else:   # an older result: the fit named each creator's column inf_<slug of its id>
        from creatorroi.mmm.calendar import slug

        column_of = {i: f"inf_{slug(i)}" for i in present}
    labels = sc.inp.labels.influencer
    rows = []
    for iid in present:
        ch = channels.get(column_of.get(iid, ""))
        if not isinstance(ch, dict) or ch.get("kind", "influencer") != "influencer":
            continue
        rows.append([ctx.words.influencer(labels.get(iid, iid)),
                     _money_of(sc, ch.get("attributed")), _money_of(sc, ch.get("contribution")),
                     _money_of(sc, ch.get("contribution_low")),
                     _money_of(sc, ch.get("contribution_high")), _num(ch.get("multiplier"))])
    rows.sort(key=lambda r: str(r[0]))
    return table("incrementality_by_creator", "Incrementality by creator", [
        ("influencer", "Influencer", "text"), ("attributed", "Attributed in the fit", "money"),
        ("incremental", "Incremental revenue (model)", "money"),
        ("low", "Interval low", "money"), ("high", "Interval high", "money"),
        ("multiplier", "Multiplier", "ratio")], rows,
        note="Over the fit's period: the revenue direct attribution credited each creator, and "
             "what the model credits, never below it.")


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

