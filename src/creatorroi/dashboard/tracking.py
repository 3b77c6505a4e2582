"""The tracking page: every issued code, link and landing page, and what each one earned.

Per asset: human clicks and unique clicks on a short link (the same rule as the ``clicks`` and
``unique_clicks`` KPIs: bots dropped, a repeat by the same visitor within 30 minutes counted
once), and the orders attribution credited to the asset with their net revenue, each order
converted to the home currency on its own day as the rollup does. Days are the workspace's
local days, cut by the page's period (clicks by click time, orders by order time).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import ibis
import pandas as pd

from creatorroi.dashboard.common import open_scope
from creatorroi.dashboard.page import Page, Period
from creatorroi.metrics import facts
from creatorroi.report.common import na, table
from creatorroi.report.model import Figure, Kind, Table
from creatorroi.report.scope import Scope

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")

ASSET_COLUMNS: list[tuple[str, str, Kind]] = [
    ("id", "Asset", "text"), ("kind", "Kind", "text"), ("key", "Code or link", "text"),
    ("influencer", "Influencer", "text"), ("campaign", "Campaign", "text"),
    ("platform", "Platform", "text"), ("destination", "Destination", "text"),
    ("utm", "UTM", "text"), ("clicks", "Clicks", "count"),
    ("unique_clicks", "Unique clicks", "count"), ("orders", "Attributed orders", "count"),
    ("revenue", "Attributed revenue", "money"),
]


@dataclass(frozen=True)
class AssetStats:
    """Every asset (one row each, ``ASSET_COLUMNS`` plus ids) and the workspace's clicks."""

    frame: pd.DataFrame
    has_clicks: bool


def shared_text(kind: str, match_key: str, short_url: Any, destination: Any) -> str:
    """What a creator shares: the code, the short link, else the page's or link's address."""
    if kind == "utm_link" and not na(short_url):
        return str(short_url)
    if kind == "landing_page" and not na(destination):
        return str(destination)
    return str(match_key)


def qr_target(kind: str, short_url: Any, destination: Any) -> str | None:
    """The address a QR code carries: a link's short URL (else its tagged destination), or a
    landing page's address. Codes and affiliate ids have none, and neither has a link with
    no destination: the redirect service would not know where to send it (as ``kit``)."""
    if na(destination) or kind not in ("utm_link", "landing_page"):
        return None
    if kind == "utm_link" and not na(short_url):
        return str(short_url)
    return str(destination)


def asset_url(ws_id: str, asset_id: str, file: str) -> str:
    return f"/w/{quote(ws_id, safe='')}/tracking/{quote(asset_id, safe='')}/{file}"


def _clicks(sc: Scope) -> dict[str, tuple[int, int]]:
    """(clicks, unique clicks) per slug by humans in the scope's days, counted in the store."""
    src = sc.inp.source
    c = src.rules.clicks
    c = c.filter(~c.is_bot)
    prev = c.clicked_at.lag().over(
        group_by=[c.slug, c.visitor_hash, c.user_agent.fill_null("")],
        order_by=[c.clicked_at, c.id])
    c = c.mutate(_prev=prev)
    unique = (c.visitor_hash.isnull() | c._prev.isnull()
              | (c._prev < c.clicked_at - ibis.interval(
                  minutes=facts.UNIQUE_CLICK_GAP_MINUTES)))
    c = c.mutate(_unique=facts.flag(unique), _day=facts.local_day(src, c.clicked_at))
    if sc.kpi_start is not None:
        c = c.filter(c._day >= sc.kpi_start)
    if sc.kpi_end is not None:
        c = c.filter(c._day <= sc.kpi_end)
    counts = c.group_by(c.slug).aggregate(clicks=c.count(), unique_clicks=c._unique.sum())
    frame = counts.execute()
    return {str(s): (int(n), int(u)) for s, n, u in
            zip(frame["slug"], frame["clicks"], frame["unique_clicks"], strict=True)}


def _orders(ws: Workspace, sc: Scope,
            influencer: str | None = None) -> dict[str, tuple[int, Decimal | None]]:
    """(orders, net revenue in the home currency) credited to each asset in the scope's days;
    revenue is None when an order's currency has no rate (unknown, never a silent 0)."""
    sql = ("SELECT a.asset_id, o.net_minor, o.currency, o.created_at FROM attributions a "
           "JOIN orders o ON o.workspace_id = a.workspace_id AND o.id = a.order_id "
           "WHERE a.workspace_id = ? AND a.asset_id IS NOT NULL")
    params: list[object] = [ws.id]
    if influencer is not None:
        sql += " AND a.influencer_id = ?"
        params.append(influencer)
    rows = ws.store.fetch(sql, params)
    out: dict[str, tuple[int, Decimal | None]] = {}
    for asset, net, currency, created in rows:
        day = sc.local_day(created)
        if not sc.in_kpi_days(day):
            continue
        home = sc.to_home(int(net), str(currency), day)
        n, total = out.get(asset, (0, Decimal(0)))
        out[asset] = (n + 1, None if total is None or home is None else total + home)
    return out


def asset_stats(ws: Workspace, sc: Scope, influencer: str | None = None) -> AssetStats:
    """Every issued asset (of one influencer, if given) with clicks, orders and revenue."""
    assets = ws.tracking.assets()
    if influencer is not None:
        assets = assets[assets["influencer_id"] == influencer].reset_index(drop=True)
    clicks = _clicks(sc)
    has_clicks = "clicks" in sc.inp.present
    orders = _orders(ws, sc, influencer)
    campaigns = dict(ws.store.fetch("SELECT id, name FROM campaigns WHERE workspace_id = ?",
                                    [ws.id]))
    labels = sc.inp.labels.influencer
    records = []
    for a in assets.itertuples(index=False):
        kind = str(a.kind)
        n_clicks: int | None = None
        n_unique: int | None = None
        if kind == "utm_link" and has_clicks:
            n_clicks, n_unique = clicks.get(str(a.match_key), (0, 0))
        n_orders, revenue = orders.get(str(a.id), (0, Decimal(0)))
        utm = "&".join(f"{f}={getattr(a, f)}" for f in UTM_FIELDS if not na(getattr(a, f)))
        records.append({
            "id": a.id, "kind": kind,
            "key": shared_text(kind, str(a.match_key), a.short_url, a.destination),
            "influencer": labels.get(str(a.influencer_id), str(a.influencer_id)),
            "campaign": campaigns.get(a.campaign_id, a.campaign_id),
            "platform": None if na(a.platform) else a.platform,
            "destination": None if na(a.destination) else a.destination,
            "utm": utm or None, "clicks": n_clicks, "unique_clicks": n_unique,
            "orders": n_orders, "revenue": revenue,
            "influencer_id": a.influencer_id, "campaign_id": a.campaign_id,
            "qr": qr_target(kind, a.short_url, a.destination),
        })
    frame = pd.DataFrame(records, columns=[c for c, _, _ in ASSET_COLUMNS]
                         + ["influencer_id", "campaign_id", "qr"])
    return AssetStats(frame, has_clicks)


def assets_table(stats: AssetStats, key: str = "assets",
                 title: str = "Tracking assets") -> Table:
    cols = [c for c, _, _ in ASSET_COLUMNS]
    return table(key, title, ASSET_COLUMNS,
                 [[r[c] for c in cols] for _, r in stats.frame.iterrows()],
                 note=None if stats.has_clicks else
                 "No short-link clicks have been ingested yet: run creatorroi links ingest.")


def downloads(ws: Workspace, stats: AssetStats) -> dict[str, dict[str, str]]:
    """Per asset, the files the page offers: QR codes for links and pages, the landing page."""
    issued = {r[0] for r in ws.store.fetch(
        "SELECT asset_id FROM landing_pages WHERE workspace_id = ?", [ws.id])}
    f = stats.frame
    linked = {(i, c) for i, c, k, d in zip(f["influencer_id"], f["campaign_id"], f["kind"],
                                           f["destination"], strict=True)
              if k == "utm_link" and not na(d)}
    out: dict[str, dict[str, str]] = {}
    for r in f.itertuples(index=False):
        files: dict[str, str] = {}
        if not na(r.qr):
            files["qr_svg"] = asset_url(ws.id, str(r.id), "qr.svg")
            files["qr_png"] = asset_url(ws.id, str(r.id), "qr.png")
        if r.kind == "landing_page" and r.id in issued and \
                (r.influencer_id, r.campaign_id) in linked:
            files["landing_html"] = asset_url(ws.id, str(r.id), "landing.html")
        if files:
            out[str(r.id)] = files
    return out


def choices(ws: Workspace, sc: Scope) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The influencers and campaigns assets can be issued for, as a form's options."""
    labels = sc.inp.labels.influencer
    people = [{"id": i, "label": labels.get(i, i), "name": n} for i, n in ws.store.fetch(
        "SELECT id, name FROM influencers WHERE workspace_id = ? ORDER BY name, id", [ws.id])]
    camps = [{"id": i, "name": n} for i, n in ws.store.fetch(
        "SELECT id, name FROM campaigns WHERE workspace_id = ? ORDER BY starts_on DESC, id",
        [ws.id])]
    return people, camps


def tracking_page(ws: Workspace, period: Period) -> Page:
    sc = open_scope(ws, period)
    stats = asset_stats(ws, sc)
    f = stats.frame
    kinds = Counter(f["kind"])
    links = f[f["kind"] == "utm_link"]
    clicks = int(links["clicks"].fillna(0).sum()) if stats.has_clicks else None
    unique = int(links["unique_clicks"].fillna(0).sum()) if stats.has_clicks else None
    revenue = _sum_money(f["revenue"])
    figures = (
        Figure("assets", "Tracking assets", len(f), "count"),
        Figure("promo_codes", "Promo codes", kinds.get("promo_code", 0), "count"),
        Figure("links", "Short links", kinds.get("utm_link", 0), "count"),
        Figure("landing_pages", "Landing pages", kinds.get("landing_page", 0), "count"),
        Figure("clicks", "Clicks", clicks, "count"),
        Figure("unique_clicks", "Unique clicks", unique, "count"),
        Figure("orders", "Attributed orders", int(f["orders"].sum()), "count"),
        Figure("revenue", "Attributed revenue", revenue, "money"),
    )
    by_kind = []
    for kind in sorted(kinds):
        part = f[f["kind"] == kind]
        link = kind == "utm_link" and stats.has_clicks
        by_kind.append([kind, len(part),
                        int(part["clicks"].fillna(0).sum()) if link else None,
                        int(part["unique_clicks"].fillna(0).sum()) if link else None,
                        int(part["orders"].sum()), _sum_money(part["revenue"])])
    kind_table = table("by_kind", "Results by kind of asset",
                       [("kind", "Kind", "text"), ("assets", "Assets", "count"),
                        ("clicks", "Clicks", "count"), ("unique_clicks", "Unique clicks",
                                                         "count"),
                        ("orders", "Attributed orders", "count"),
                        ("revenue", "Attributed revenue", "money")], by_kind)
    people, camps = choices(ws, sc)
    return Page("tracking", "Tracking", ws.currency, Period(sc.start, sc.end), figures,
                (assets_table(stats), kind_table),
                extra={"downloads": downloads(ws, stats), "influencers": people,
                       "campaigns": camps,
                       "short_domain": ws.settings.tracking.short_domain,
                       "allowed_domains": list(ws.settings.tracking.allowed_domains)})


def _sum_money(values: pd.Series) -> Decimal | None:
    total = Decimal(0)
    for v in values:
        if v is None or (not isinstance(v, Decimal) and pd.isna(v)):
            return None
        total += v
    return total
