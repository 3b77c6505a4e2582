"""The influencer pages: everyone at a glance, then one person's accounts, posts, codes, costs,
pay and KPIs against her tier.

Numbers come from one scope (``open_scope``) cut by influencer id, so every figure equals the
``ws.kpis("influencer")`` row of that person for the same period, and the list cannot disagree
with the detail page. Benchmarks: ``dashboard.benchmarks`` (her tier, in this workspace).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from creatorroi.dashboard import benchmarks, quality
from creatorroi.dashboard.common import group_table, open_scope, published_posts, trend_chart
from creatorroi.dashboard.page import Page, Period
from creatorroi.dashboard.tracking import asset_stats, assets_table, downloads
from creatorroi.errors import NotFoundError
from creatorroi.metrics import payouts
from creatorroi.model.money import from_minor
from creatorroi.model.tiers import tier_for
from creatorroi.report.common import count, money, na, num, table
from creatorroi.report.model import Chart, Column, Figure, Kind, Series, Table
from creatorroi.report.scope import Scope
from creatorroi.store.values import as_date

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

METRICS = ("reach", "impressions", "views", "likes", "comments", "shares", "saves",
           "link_clicks", "profile_visits", "follows")
METRIC_LABELS = {"reach": "Reach", "impressions": "Impressions", "views": "Views",
                 "likes": "Likes", "comments": "Comments", "shares": "Shares", "saves": "Saves",
                 "link_clicks": "Link clicks", "profile_visits": "Profile visits",
                 "follows": "Follows"}


def by_id(sc: Scope) -> Scope:
    """The scope with influencers keyed by id, not handle: two creators who share a label
    (a handle reused on two platforms, a name twice) stay two rows."""
    labels = dataclasses.replace(sc.inp.labels, influencer={})
    return dataclasses.replace(sc, inp=dataclasses.replace(sc.inp, labels=labels), _cache={})


def only(sc: Scope, influencer_id: str) -> Scope:
    """The scope cut to one influencer's facts: its ``kpis([])`` is her row of ``ws.kpis``."""
    raw = sc.raw[sc.raw["influencer_id"] == influencer_id].reset_index(drop=True)
    return dataclasses.replace(sc, raw=raw, _cache={})


def _tiers(ws: Workspace) -> pd.DataFrame:
    frame = ws.tiers()
    return frame.set_index("influencer_id") if len(frame) else frame


def _platforms(ws: Workspace) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for iid, platform in ws.store.fetch(
            "SELECT DISTINCT influencer_id, platform FROM accounts WHERE workspace_id = ? "
            "ORDER BY influencer_id, platform", [ws.id]):
        out.setdefault(iid, []).append(platform)
    return out


# -- the list ----------------------------------------------------------------------------------
LIST_COLUMNS: list[tuple[str, str, Kind]] = [
    ("id", "ID", "text"), ("influencer", "Influencer", "text"), ("name", "Name", "text"),
    ("tier", "Tier", "text"), ("followers", "Followers (largest account)", "count"),
    ("platforms", "Platforms", "text"), ("posts", "Posts", "count"), ("cost", "Spend", "money"),
    ("revenue", "Revenue", "money"), ("roi", "ROI", "percent"), ("roas", "ROAS", "ratio"),
    ("orders", "Orders", "count"), ("cpa", "CPA", "money"),
    ("engagement_rate", "Engagement rate", "percent"),
    ("tier_engagement_rate", "Tier engagement rate", "percent"),
    ("engagement_vs_tier", "Engagement rate vs tier", "percent"),
]


def influencer_list(ws: Workspace, period: Period) -> Page:
    sc = open_scope(ws, period)
    kpis = by_id(sc).kpis("influencer").set_index("influencer")
    tiers = _tiers(ws)
    platforms = _platforms(ws)
    bench = benchmarks.by_tier(sc)
    labels = sc.inp.labels
    rows = []
    for iid, name in ws.store.fetch("SELECT id, name FROM influencers WHERE workspace_id = ? "
                                    "ORDER BY id", [ws.id]):
        k: dict[str, Any] = kpis.loc[iid].to_dict() if iid in kpis.index else {}
        tier = labels.tier.get(iid)
        followers = tiers.loc[iid, "followers"] if iid in tiers.index else None
        er = k.get("engagement_rate")
        tier_er = bench.get(tier, {}).get("engagement_rate") if tier else None
        rows.append([iid, labels.influencer.get(iid, iid), name, tier, followers,
                     ", ".join(platforms.get(iid, [])) or None, k.get("posts"), k.get("cost"),
                     k.get("revenue"), k.get("roi"), k.get("roas"), k.get("orders"),
                     k.get("cpa"), er, tier_er, benchmarks.versus(er, tier_er)])
    total = sc.kpis([]).iloc[0]
    figures = (
        Figure("influencers", "Influencers", len(rows), "count"),
        Figure("active", "Influencers with posts", sum(1 for r in rows if (r[6] or 0) > 0),
               "count"),
        Figure("cost", "Spend", money(total.cost), "money"),
        Figure("revenue", "Revenue", money(total.revenue), "money"),
        Figure("roi", "ROI", num(total.roi), "percent"),
        Figure("engagement_rate", "Engagement rate", num(total.engagement_rate), "percent"),
    )
    tables = (
        table("influencers", "Influencers", LIST_COLUMNS, rows,
              note="Tier engagement rate: engagements over followers of every influencer of "
                   "the same tier in this period, the brand's own benchmark."),
        group_table(sc, "by_tier", "tier", "Tier", "Results by tier"),
    )
    return Page("influencers", "Influencers", ws.currency, Period(sc.start, sc.end), figures,
                tables)


# -- one influencer -------------------------------------------------------------------------
def influencer_detail(ws: Workspace, influencer_id: str, period: Period, today: date) -> Page:
    found = ws.store.fetch("SELECT id, name, aliases, country FROM influencers "
                           "WHERE workspace_id = ? AND id = ?", [ws.id, influencer_id])
    if not found:
        raise NotFoundError(f"no influencer {influencer_id!r} in workspace {ws.id!r}")
    iid, name, aliases, country = found[0]
    sc = open_scope(ws, period)
    mine = only(sc, iid)
    total = mine.kpis([]).iloc[0]
    labels = sc.inp.labels
    tier = labels.tier.get(iid)
    tiers = _tiers(ws)
    followers = tiers.loc[iid, "followers"] if iid in tiers.index else None

    posts = published_posts(sc, influencer=iid)
    last_post = _last_post(ws, iid, sc)
    pay_table, due = _payouts(ws, sc, iid)
    stats = asset_stats(ws, sc, iid)
    figures = (
        Figure("followers", "Followers (largest account)", count(followers), "count"),
        Figure("posts", "Posts", count(total.posts), "count"),
        Figure("cost", "Spend", money(total.cost), "money"),
        Figure("revenue", "Revenue", money(total.revenue), "money"),
        Figure("profit", "Profit", money(total.profit), "money"),
        Figure("roi", "ROI", num(total.roi), "percent"),
        Figure("roas", "ROAS", num(total.roas), "ratio"),
        Figure("orders", "Orders", count(total.orders), "count"),
        Figure("cpa", "CPA", money(total.cpa), "money"),
        Figure("engagement_rate", "Engagement rate", num(total.engagement_rate), "percent"),
        Figure("clicks", "Clicks", count(total.clicks), "count"),
        Figure("payout_due", "Payout due", due, "money"),
        Figure("last_post", "Latest post", last_post, "date"),
        Figure("sentiment", "Comment sentiment (-1 to 1)", num(total.sentiment), "ratio"),
        Figure("compliance_rate", "Posts following the brief", num(total.compliance_rate),
               "percent"),
        Figure("audience_quality", "Audience quality (0 to 100)", num(total.audience_quality),
               "ratio"),
        Figure("target_share", "Reach in the target audience", num(total.target_share),
               "percent"),
    )
    audience, audited = quality.audits(ws, iid)
    states, problems = quality.compliance(ws, set(posts["id"]))
    tables = (
        _benchmark_table(sc, total, tier),
        _accounts(ws, iid),
        audience,
        _posts(ws, mine, iid, posts, states),
        _snapshots(ws, posts),
        assets_table(stats, "assets", "Codes and links"),
        _costs(ws, sc, iid),
        pay_table,
    )
    charts = (_follower_chart(ws, sc, iid),
              trend_chart(mine, posts))
    return Page("influencer", "Influencer", ws.currency, Period(sc.start, sc.end), figures,
                tables, charts,
                extra={"influencer_id": iid, "name": name, "handle":
                       labels.influencer.get(iid, iid), "aliases": aliases, "country": country,
                       "tier": tier, "tier_peers": benchmarks.peers(labels.tier, tier),
                       "days_since_post": None if last_post is None else
                       (today - last_post).days,
                       "downloads": downloads(ws, stats),
                       "audits": [{"handle": a.handle, "platform": a.platform,
                                   "verdict": a.verdict, "score": a.score,
                                   "reasons": [quality.plain(r) for r in a.reasons]}
                                  for a in audited],
                       "problems": [{"post": p.post, "status": p.status,
                                     "check": quality.CHECK_LABELS.get(p.check, p.check),
                                     "message": quality.plain(p.message),
                                     "suggestions": [quality.plain(m) for m in p.suggestions]}
                                    for p in problems]})


def _last_post(ws: Workspace, iid: str, sc: Scope) -> date | None:
    """The local day of her latest publication (any time, not only in the period)."""
    rows = ws.store.fetch("SELECT max(published_at) FROM posts WHERE workspace_id = ? "
                          "AND influencer_id = ?", [ws.id, iid])
    return sc.local_day(rows[0][0]) if rows and rows[0][0] is not None else None


def _benchmark_table(sc: Scope, total: pd.Series, tier: str | None) -> Table:
    bench = benchmarks.by_tier(sc)
    programme = sc.kpis([]).iloc[0]
    rows, kinds = [], []
    for b, hers, theirs, everyone, diff, verdict in benchmarks.rows(
            total, bench.get(tier) if tier else None, programme):
        rows.append((b.label, hers, theirs, everyone, diff, verdict))
        kinds.append((None, b.kind, b.kind, b.kind, None, None))
    cols = (Column("metric", "KPI"), Column("value", "This influencer", "ratio"),
            Column("benchmark", "Tier benchmark", "ratio"),
            Column("programme", "All influencers", "ratio"),
            Column("versus", "Difference to tier", "percent"), Column("state", "Verdict"))
    return Table("benchmarks", "KPIs against the tier benchmark", cols, tuple(rows),
                 note="The benchmark is the brand's own: the same KPI over every influencer of "
                      "this tier in this period.", cell_kinds=tuple(kinds))


def _accounts(ws: Workspace, iid: str) -> Table:
    frame = ws._frame(
        "SELECT a.id, a.platform, a.handle, a.url, s.captured_at, s.followers FROM accounts a "
        "LEFT JOIN follower_snapshots s ON s.workspace_id = a.workspace_id "
        "AND s.account_id = a.id WHERE a.workspace_id = ? AND a.influencer_id = ? "
        "ORDER BY a.platform, a.handle, s.captured_at", [iid])
    rows = []
    for (_, platform, handle, url), snaps in frame.groupby(
            ["id", "platform", "handle", "url"], dropna=False, sort=False):
        taken = snaps[snaps["captured_at"].notna()]
        last = taken.iloc[-1] if len(taken) else None
        followers = None if last is None else int(last["followers"])
        tier = tier_for(followers, ws.settings.tiers)
        rows.append([platform, f"@{handle}", None if na(url) else url, followers,
                     None if last is None else _utc(last["captured_at"]),
                     len(taken), tier.value if tier else None])
    return table("accounts", "Accounts",
                 [("platform", "Platform", "text"), ("handle", "Handle", "text"),
                  ("url", "Profile", "text"), ("followers", "Followers", "count"),
                  ("captured_at", "Counted on", "datetime"),
                  ("snapshots", "Follower counts", "count"), ("tier", "Tier", "text")], rows)


def _follower_chart(ws: Workspace, sc: Scope, iid: str) -> Chart:
    """Followers per account over time, a point for each count taken: categories are the
    local days counts were taken on (a day with two counts of one account shows the later)."""
    frame = ws._frame(
        "SELECT a.platform, a.handle, s.captured_at, s.followers FROM accounts a "
        "JOIN follower_snapshots s ON s.workspace_id = a.workspace_id AND s.account_id = a.id "
        "WHERE a.workspace_id = ? AND a.influencer_id = ? "
        "ORDER BY a.platform, a.handle, s.captured_at", [iid])
    frame = frame.assign(day=[sc.local_day(t) for t in frame["captured_at"]])
    cats = sorted(set(frame["day"]))
    series = []
    for (platform, handle), part in frame.groupby(["platform", "handle"], sort=True):
        by_day = {d: float(f) for d, f in zip(part["day"], part["followers"], strict=True)}
        series.append(Series(f"@{handle} ({platform})", tuple(by_day.get(d) for d in cats)))
    return Chart("followers", "Followers over time", "line",
                 tuple(d.isoformat() for d in cats), tuple(series), unit="count")


def _utc(value: Any) -> datetime | None:
    """A stored timestamp as an aware datetime (the formatter shows it in local time)."""
    if na(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.to_pydatetime()


def _posts(ws: Workspace, mine: Scope, iid: str, posts: pd.DataFrame,
           states: dict[str, str]) -> Table:
    """Each post published in the period: its latest metric snapshot, how many were taken,
    and the KPIs the rollup gives it (engagement rate on followers at publication)."""
    ids = list(posts["id"])
    latest = _snapshot_frame(ws, ids)
    per_post = mine.kpis("post").set_index("post") if ids else pd.DataFrame()
    info = {r[0]: r[1:] for r in ws.store.fetch(
        "SELECT p.id, c.name, p.url FROM posts p LEFT JOIN campaigns c ON c.workspace_id = "
        "p.workspace_id AND c.id = p.campaign_id WHERE p.workspace_id = ? AND "
        "p.influencer_id = ?", [ws.id, iid])}
    rows = []
    for p in posts.sort_values(["published_at", "id"]).itertuples(index=False):
        snaps = latest[latest["post_id"] == p.id]
        last = snaps.iloc[-1] if len(snaps) else None
        k = per_post.loc[p.id] if p.id in per_post.index else None
        camp, url = info.get(p.id, (None, None))
        metric = [None if last is None or na(last[m]) else int(last[m]) for m in METRICS]
        rows.append([p.id, camp, p.platform, p.content_type,
                     mine.local_time(p.published_at), None if na(url) else url,
                     None if last is None else _utc(last["captured_at"]),
                     len(snaps), *metric,
                     None if k is None else k["engagements"],
                     None if k is None else k["engagement_rate"],
                     None if k is None else k["cost"], None if k is None else k["revenue"],
                     None if k is None else k["sentiment"], quality.state_of(states, p.id)])
    return table("posts", "Posts",
                 [("post", "Post", "text"), ("campaign", "Campaign", "text"),
                  ("platform", "Platform", "text"), ("content_type", "Content type", "text"),
                  ("published_at", "Published", "datetime"), ("url", "Address", "text"),
                  ("captured_at", "Latest snapshot", "datetime"),
                  ("snapshots", "Snapshots", "count"),
                  *[(m, METRIC_LABELS[m], "count") for m in METRICS],
                  ("engagements", "Engagements", "count"),
                  ("engagement_rate", "Engagement rate", "percent"),
                  ("cost", "Cost", "money"), ("revenue", "Revenue", "money"),
                  ("sentiment", "Comment sentiment", "ratio"),
                  ("compliance", "Brief and disclosure", "text")], rows,
                 note="Metrics are each post's latest snapshot: posts live on, so later "
                      "snapshots replace earlier ones.")


def _snapshot_frame(ws: Workspace, post_ids: list[str]) -> pd.DataFrame:
    cols = ", ".join(("post_id", "captured_at", *METRICS))
    frame = ws._frame(f"SELECT {cols} FROM post_metrics WHERE workspace_id = ? "
                      "ORDER BY post_id, captured_at")
    return frame[frame["post_id"].isin(set(post_ids))].reset_index(drop=True)


def _snapshots(ws: Workspace, posts: pd.DataFrame) -> Table:
    frame = _snapshot_frame(ws, list(posts["id"]))
    rows = [[r["post_id"], _utc(r["captured_at"]),
             *[None if na(r[m]) else int(r[m]) for m in METRICS]]
            for _, r in frame.iterrows()]
    return table("snapshots", "Metric snapshots",
                 [("post", "Post", "text"), ("captured_at", "Taken", "datetime"),
                  *[(m, METRIC_LABELS[m], "count") for m in METRICS]], rows)


def _costs(ws: Workspace, sc: Scope, iid: str) -> Table:
    """Her cost lines in the period, as entered and in the home currency (each line converted
    on its own day, rounded once, as the rollup does)."""
    frame = ws._frame(
        "SELECT c.id, c.incurred_on, c.category, m.name AS campaign, c.post_id, c.currency, "
        "c.amount_minor, c.note FROM costs c LEFT JOIN campaigns m ON m.workspace_id = "
        "c.workspace_id AND m.id = c.campaign_id WHERE c.workspace_id = ? AND "
        "c.influencer_id = ? ORDER BY c.incurred_on, c.id", [iid])
    rows, kinds = [], []
    for r in frame.itertuples(index=False):
        day = as_date(r.incurred_on)
        if not sc.in_kpi_days(day):
            continue
        amount = from_minor(int(r.amount_minor), str(r.currency))
        rows.append((r.id, day, r.category, None if na(r.campaign) else r.campaign,
                     None if na(r.post_id) else r.post_id, r.currency, amount,
                     sc.to_home(int(r.amount_minor), str(r.currency), day),
                     None if na(r.note) else r.note))
        kinds.append(_foreign(9, (6,), r.currency != ws.currency))
    cols = (Column("cost", "Cost line"), Column("incurred_on", "Date", "date"),
            Column("category", "Category"), Column("campaign", "Campaign"),
            Column("post", "Post"), Column("currency", "Currency"),
            Column("amount", "Amount", "money"), Column("amount_home", "Amount (home currency)",
                                                        "money"),
            Column("note", "Note"))
    return Table("costs", "Costs", cols, tuple(rows), cell_kinds=tuple(kinds))


def _foreign(width: int, amounts: tuple[int, ...], foreign: bool) -> tuple[Kind | None, ...]:
    """Cell kinds of a row whose ``amounts`` columns are in a foreign currency: plain
    decimals, since ``money`` formats in the workspace's currency (the row names its own)."""
    kind: Kind = "ratio"
    return tuple(kind if foreign and i in amounts else None for i in range(width))


def _payouts(ws: Workspace, sc: Scope, iid: str) -> tuple[Table, Decimal | None]:
    """Her pay terms with what each makes due now (as ``ws.payouts``), and the total due in the
    home currency (None when a term's currency has no rate)."""
    terms = ws._frame("SELECT id, campaign_id, kind, currency, flat_minor, per_sale_minor, "
                      "per_click_minor, per_engagement_minor, revenue_share, cap_minor "
                      "FROM pay_terms WHERE workspace_id = ? AND influencer_id = ? ORDER BY id",
                      [iid])
    # Only her terms: ``ws.payouts()`` would roll up every creator's campaigns to show one.
    names = ", ".join(ws.store.columns("pay_terms")[1:])
    own = ws._frame(f"SELECT {names} FROM pay_terms WHERE workspace_id = ? "
                    "AND influencer_id = ? ORDER BY id", [iid])
    due_all = payouts.compute(own, ws._rollup_input()) if len(own) else pd.DataFrame()
    home_col = f"due_{ws.currency.lower()}"
    by_terms = {r["terms"]: r for _, r in due_all.iterrows()} if len(due_all) else {}

    def amount(minor: Any, cur: str) -> Decimal | None:
        return None if na(minor) else from_minor(int(minor), cur)

    rows, kinds = [], []
    total: Decimal | None = Decimal(0)
    for t in terms.itertuples(index=False):
        p = by_terms.get(t.id)
        cur = str(t.currency)
        due_home = None if p is None or na(p[home_col]) else Decimal(p[home_col])
        total = None if total is None or due_home is None else total + due_home
        rows.append((t.id, None if na(t.campaign_id) else t.campaign_id, t.kind, cur,
                     amount(t.flat_minor, cur), amount(t.per_sale_minor, cur),
                     amount(t.per_click_minor, cur), amount(t.per_engagement_minor, cur),
                     None if na(t.revenue_share) else float(t.revenue_share) * 100,
                     amount(t.cap_minor, cur),
                     None if p is None else int(p["orders"]),
                     None if p is None else int(p["clicks"]),
                     None if p is None else int(p["engagements"]),
                     None if p is None else Decimal(p["performance"]),
                     None if p is None else Decimal(p["due"]), due_home))
        kinds.append(_foreign(16, (4, 5, 6, 7, 9, 13, 14), cur != ws.currency))
    cols = (Column("terms", "Pay terms"), Column("campaign", "Campaign"), Column("kind", "Kind"),
            Column("currency", "Currency"), Column("flat_fee", "Flat fee", "money"),
            Column("per_sale", "Per sale", "money"), Column("per_click", "Per click", "money"),
            Column("per_engagement", "Per engagement", "money"),
            Column("revenue_share", "Revenue share", "percent"), Column("cap", "Cap", "money"),
            Column("orders", "Orders", "count"), Column("clicks", "Clicks", "count"),
            Column("engagements", "Engagements", "count"),
            Column("performance", "Performance pay", "money"), Column("due", "Due", "money"),
            Column("due_home", "Due (home currency)", "money"))
    table_ = Table("payouts", "Pay terms and payout due", cols, tuple(rows),
                   note="Due to date under each term, over all of the campaign's results "
                        "(not only this period).", cell_kinds=tuple(kinds))
    return table_, (total if len(terms) else None)

