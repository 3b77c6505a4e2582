"""The attribution rules, one Ibis expression per method, run unchanged on DuckDB and PostgreSQL.

The rule (documented in docs/attribution.md):

1. Only orders that earned money count: not cancelled, not ``refunded`` / ``voided``, net > 0
   (partial refunds already reduced ``net_minor`` at import).
2. Each method yields at most one *touch* per order, naming an influencer and a campaign:
   * ``promo_code`` — a code on the order equals an issued code (case-, accent-, space-blind);
   * ``click`` — the order carries the id of a short-link click (bots excluded) made within the
     window before the order;
   * ``utm`` — a session tagged with an issued UTM link either carries the order's transaction
     id or belongs to the same visitor within the window before the order (last touch wins);
   * ``landing_page`` — the order's landing page, or a visit of the same visitor within the
     window, is an influencer's landing page;
   * ``affiliate`` — the order's affiliate id is an issued one;
   * ``survey`` — the buyer's "how did you hear about us?" answer names the influencer.
3. The order is credited once, to the touch whose method comes first in the workspace's
   priority (ties: the latest touch). Every touch is kept, so overlap between methods can be
   shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
from ibis import _

from creatorroi.model.enums import AttributionMethod

TOUCH_COLUMNS = ("order_id", "method", "influencer_id", "campaign_id", "asset_id", "touched_at")


@dataclass(frozen=True)
class Tables:
    """The workspace's rows of every table attribution reads."""

    orders: ir.Table
    order_codes: ir.Table
    sessions: ir.Table
    clicks: ir.Table
    assets: ir.Table
    survey_matches: ir.Table
    campaigns: ir.Table


def eligible_orders(orders: ir.Table) -> ir.Table:
    return orders.filter(
        ~orders.cancelled,
        ~orders.status.isin(["refunded", "voided"]),
        orders.net_minor > 0,
    )


def _touch(expr: ir.Table, method: AttributionMethod, at: ir.Value) -> ir.Table:
    return expr.select(
        order_id=expr.order_id,
        method=ibis.literal(method.value),
        influencer_id=expr.influencer_id,
        campaign_id=expr.campaign_id,
        asset_id=expr.asset_id,
        touched_at=at.cast("timestamp('UTC')"),
    )


def _latest_per_order(expr: ir.Table) -> ir.Table:
    """Keep one row per order: the latest touch (ties broken by asset id for determinism)."""
    ranked = expr.mutate(
        _rank=ibis.row_number().over(
            group_by=expr.order_id, order_by=[expr.touched_at.desc(), expr.asset_id]
        )
    )
    return ranked.filter(ranked._rank == 0).drop("_rank")


def _assets(t: Tables, kind: str) -> ir.Table:
    a = t.assets.filter(t.assets.kind == kind)
    return a.select(
        asset_id=a.id, influencer_id=a.influencer_id, campaign_id=a.campaign_id,
        match_key=a.match_key, utm_source=a.utm_source, utm_medium=a.utm_medium,
        utm_campaign=a.utm_campaign, utm_content=a.utm_content, utm_term=a.utm_term,
    )


def promo_code_touches(t: Tables, orders: ir.Table) -> ir.Table:
    codes = _assets(t, "promo_code")
    j = (
        orders.select("id", "created_at")
        .join(t.order_codes.select("order_id", "code"), _.id == t.order_codes.order_id)
        .join(codes, _.code == codes.match_key)
    )
    return _latest_per_order(_touch(j, AttributionMethod.PROMO_CODE, j.created_at))


def click_touches(t: Tables, orders: ir.Table, window_days: int) -> ir.Table:
    links = _assets(t, "utm_link")
    clicks = t.clicks.filter(~t.clicks.is_bot).select(
        click_id=t.clicks.id, slug=t.clicks.slug, clicked_at=t.clicks.clicked_at
    )
    o = orders.filter(orders.click_id.notnull()).select(
        order_id=orders.id, click=orders.click_id, created_at=orders.created_at
    )
    j = o.join(clicks, o.click == clicks.click_id).join(links, _.slug == links.match_key)
    j = j.filter(
        j.clicked_at <= j.created_at,
        j.clicked_at >= j.created_at - ibis.interval(days=window_days),
    )
    return _latest_per_order(_touch(j, AttributionMethod.CLICK, j.clicked_at))


def tagged_sessions(t: Tables) -> ir.Table:
    """Sessions matched to an issued UTM link: every UTM field the link sets must agree.

    When several links fit one session the most specific wins (most fields set).
    """
    links = _assets(t, "utm_link").filter(_.utm_campaign.notnull())
    s = t.sessions.filter(t.sessions.utm_campaign.notnull())
    j = s.join(links, s.utm_campaign == links.utm_campaign)
    for field in ("utm_source", "utm_medium", "utm_content", "utm_term"):
        j = j.filter(j[f"{field}_right"].isnull() | (j[field] == j[f"{field}_right"]))
    specificity = sum(
        (ibis.ifelse(j[f"{f}_right"].notnull(), 1, 0) for f in ("utm_source", "utm_medium",
                                                          "utm_content", "utm_term")),
        ibis.literal(0),
    )
    j = j.mutate(_spec=specificity)
    ranked = j.mutate(
        _rank=ibis.row_number().over(group_by=j.id, order_by=[j._spec.desc(), j.asset_id])
    )
    return ranked.filter(ranked._rank == 0).select(
        session_id=_.id, started_at=_.started_at, visitor_id=_.visitor_id,
        transaction_id=_.transaction_id, sessions=_.sessions, asset_id=_.asset_id,
        influencer_id=_.influencer_id, campaign_id=_.campaign_id,
    )


def landing_sessions(t: Tables) -> ir.Table:
    pages = _assets(t, "landing_page")
    s = t.sessions.filter(t.sessions.landing_page.notnull())
    j = s.join(pages, s.landing_page == pages.match_key)
    return j.select(
        session_id=j.id, started_at=j.started_at, visitor_id=j.visitor_id,
        transaction_id=j.transaction_id, sessions=j.sessions, asset_id=j.asset_id,
        influencer_id=j.influencer_id, campaign_id=j.campaign_id,
    )


def _session_touches(orders: ir.Table, sessions: ir.Table, window_days: int,
                     method: AttributionMethod) -> ir.Table:
    """Tie sessions to orders by transaction id, or by visitor within the window."""
    o = orders.select(order_id=orders.id, order_number=orders.order_number,
                      o_visitor=orders.visitor_id, created_at=orders.created_at)
    by_txn_id = o.join(sessions, o.order_id == sessions.transaction_id)
    by_txn_no = o.join(sessions, o.order_number == sessions.transaction_id)
    by_visitor = o.filter(o.o_visitor.notnull()).join(
        sessions,
        [
            o.o_visitor == sessions.visitor_id,
            sessions.started_at <= o.created_at,
            sessions.started_at >= o.created_at - ibis.interval(days=window_days),
        ],
    )
    parts = [_touch(j, method, j.started_at) for j in (by_txn_id, by_txn_no, by_visitor)]
    return _latest_per_order(ibis.union(*parts, distinct=False))


def utm_touches(t: Tables, orders: ir.Table, window_days: int) -> ir.Table:
    return _session_touches(orders, tagged_sessions(t), window_days, AttributionMethod.UTM)


def landing_page_touches(t: Tables, orders: ir.Table, window_days: int) -> ir.Table:
    pages = _assets(t, "landing_page")
    direct = orders.filter(orders.landing_page.notnull()).select(
        order_id=orders.id, landing_page=orders.landing_page, created_at=orders.created_at
    )
    direct = direct.join(pages, direct.landing_page == pages.match_key)
    via_order = _touch(direct, AttributionMethod.LANDING_PAGE, direct.created_at)
    via_session = _session_touches(orders, landing_sessions(t), window_days,
                                   AttributionMethod.LANDING_PAGE)
    return _latest_per_order(ibis.union(via_order, via_session, distinct=False))


def affiliate_touches(t: Tables, orders: ir.Table) -> ir.Table:
    ids = _assets(t, "affiliate")
    o = orders.filter(orders.affiliate_id.notnull()).select(
        order_id=orders.id, affiliate_id=orders.affiliate_id, created_at=orders.created_at
    )
    j = o.join(ids, o.affiliate_id == ids.match_key)
    return _latest_per_order(_touch(j, AttributionMethod.AFFILIATE, j.created_at))


def survey_touches(t: Tables, orders: ir.Table) -> ir.Table:
    """A survey names a person, not a campaign: credit the influencer's campaign that was
    running on the order's day (else the latest one that had started)."""
    m = t.survey_matches.select("order_id", "influencer_id")
    o = orders.select(id=orders.id, created_at=orders.created_at)
    j = m.join(o, m.order_id == o.id)
    ic = t.assets.select("influencer_id", "campaign_id").distinct()
    camps = t.campaigns.select(c_id=t.campaigns.id, starts_on=t.campaigns.starts_on,
                               ends_on=t.campaigns.ends_on)
    ic = ic.join(camps, ic.campaign_id == camps.c_id)
    k = j.join(ic, j.influencer_id == ic.influencer_id)
    day = k.created_at.date()
    k = k.filter(k.starts_on <= day)
    running = ibis.ifelse(k.ends_on.isnull() | (k.ends_on >= day), 1, 0)
    k = k.mutate(_running=running)
    ranked = k.mutate(
        _rank=ibis.row_number().over(
            group_by=k.order_id, order_by=[k._running.desc(), k.starts_on.desc(), k.campaign_id]
        )
    )
    best = ranked.filter(ranked._rank == 0)
    best = best.mutate(asset_id=ibis.null("string"))
    return _touch(best, AttributionMethod.SURVEY, best.created_at)


def all_touches(t: Tables, window_days: int) -> ir.Table:
    orders = eligible_orders(t.orders)
    return ibis.union(
        promo_code_touches(t, orders),
        click_touches(t, orders, window_days),
        utm_touches(t, orders, window_days),
        landing_page_touches(t, orders, window_days),
        affiliate_touches(t, orders),
        survey_touches(t, orders),
        distinct=False,
    )


def winners(touches: ir.Table, priority: list[AttributionMethod]) -> ir.Table:
    """One credited touch per order: the highest-priority method, then the latest touch."""
    rank = ibis.cases(
        *[(touches.method == m.value, i) for i, m in enumerate(priority)], else_=len(priority)
    )
    ranked = touches.mutate(_prio=rank)
    ranked = ranked.mutate(
        _rank=ibis.row_number().over(
            group_by=ranked.order_id,
            order_by=[ranked._prio, ranked.touched_at.desc(), ranked.asset_id],
        )
    )
    return ranked.filter(ranked._rank == 0).drop("_prio", "_rank")
