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
from creatorroi.store.functions import timezone as local_time

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
    posts: ir.Table | None = None
    timezone: str = "UTC"
    # Tagged sessions of the current run, held in a temporary table (see engine.attribute).
    session_touches: ir.Table | None = None


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


def _session_touch(j: ir.Table, method: AttributionMethod) -> ir.Table:
    # Only what the joins need: millions of these rows are materialised per run, and the
    # asset's influencer, campaign and post are looked up after the rows are few.
    return j.select(
        method=ibis.literal(method.value), started_at=j.started_at, visitor_id=j.visitor_id,
        transaction_id=j.transaction_id, sessions=j.sessions, asset_id=j.asset_id,
    )


def tagged_sessions(t: Tables) -> ir.Table:
    """Sessions matched to an issued UTM link: every UTM field the link sets must agree.

    When several links fit one session the most specific wins (most fields set). Ranking is
    only needed where links share a ``utm_campaign``, so only those sessions pay for it.
    """
    links = t.assets.filter((t.assets.kind == "utm_link") & t.assets.utm_campaign.notnull())
    links = links.select(asset_id=links.id, influencer_id=links.influencer_id,
                         campaign_id=links.campaign_id, post_id=links.post_id,
                         l_campaign=links.utm_campaign, l_source=links.utm_source,
                         l_medium=links.utm_medium, l_content=links.utm_content,
                         l_term=links.utm_term)
    links = links.mutate(_shared=links.asset_id.count().over(group_by=links.l_campaign))
    s = t.sessions.filter(t.sessions.utm_campaign.notnull())
    j = s.join(links, s.utm_campaign == links.l_campaign)
    for field, own in (("utm_source", "l_source"), ("utm_medium", "l_medium"),
                       ("utm_content", "l_content"), ("utm_term", "l_term")):
        j = j.filter(j[own].isnull() | (j[field] == j[own]))
    unique = j.filter(j._shared == 1)
    shared = j.filter(j._shared > 1)
    spec = sum((ibis.ifelse(shared[c].notnull(), 1, 0)
                for c in ("l_source", "l_medium", "l_content", "l_term")), ibis.literal(0))
    shared = shared.mutate(_rank=ibis.row_number().over(
        group_by=shared.id, order_by=[spec.desc(), shared.asset_id]))
    shared = shared.filter(shared._rank == 0)
    return ibis.union(_session_touch(unique, AttributionMethod.UTM),
                      _session_touch(shared, AttributionMethod.UTM), distinct=False)


def landing_sessions(t: Tables) -> ir.Table:
    pages = t.assets.filter(t.assets.kind == "landing_page")
    pages = pages.select(asset_id=pages.id, influencer_id=pages.influencer_id,
                         campaign_id=pages.campaign_id, post_id=pages.post_id,
                         match_key=pages.match_key)
    s = t.sessions.filter(t.sessions.landing_page.notnull())
    j = s.join(pages, s.landing_page == pages.match_key)
    return _session_touch(j, AttributionMethod.LANDING_PAGE)


def session_touches(t: Tables) -> ir.Table:
    """What gets stored in ``session_touches``: each tagged session once per method."""
    return ibis.union(tagged_sessions(t), landing_sessions(t), distinct=False)


def _session_touches(orders: ir.Table, t: Tables, window_days: int,
                     method: AttributionMethod) -> ir.Table:
    """Tie stored session touches to orders by transaction id, or by visitor within the window."""
    assert t.session_touches is not None, "session touches are computed by engine.attribute"
    st = t.session_touches.filter(t.session_touches.method == method.value)
    o = orders.select(order_id=orders.id, order_number=orders.order_number,
                      o_visitor=orders.visitor_id, created_at=orders.created_at)
    with_txn = st.filter(st.transaction_id.notnull())
    by_txn_id = o.join(with_txn, o.order_id == with_txn.transaction_id)
    by_txn_no = o.join(with_txn, o.order_number == with_txn.transaction_id)
    by_visitor = o.filter(o.o_visitor.notnull()).join(
        st,
        [
            o.o_visitor == st.visitor_id,
            st.started_at <= o.created_at,
            st.started_at >= o.created_at - ibis.interval(days=window_days),
        ],
    )
    parts = [j.select("order_id", "asset_id", "started_at")
             for j in (by_txn_id, by_txn_no, by_visitor)]
    found = ibis.union(*parts, distinct=False)
    found = found.mutate(_rank=ibis.row_number().over(
        group_by=found.order_id, order_by=[found.started_at.desc(), found.asset_id]))
    found = found.filter(found._rank == 0)
    a = t.assets.select(a_id=t.assets.id, influencer_id=t.assets.influencer_id,
                        campaign_id=t.assets.campaign_id)
    found = found.join(a, found.asset_id == a.a_id)
    return _touch(found, method, found.started_at)


def utm_touches(t: Tables, orders: ir.Table, window_days: int) -> ir.Table:
    return _session_touches(orders, t, window_days, AttributionMethod.UTM)


def landing_page_touches(t: Tables, orders: ir.Table, window_days: int) -> ir.Table:
    pages = _assets(t, "landing_page")
    direct = orders.filter(orders.landing_page.notnull()).select(
        order_id=orders.id, landing_page=orders.landing_page, created_at=orders.created_at
    )
    direct = direct.join(pages, direct.landing_page == pages.match_key)
    via_order = _touch(direct, AttributionMethod.LANDING_PAGE, direct.created_at)
    via_session = _session_touches(orders, t, window_days, AttributionMethod.LANDING_PAGE)
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
    ic = t.assets.select("influencer_id", "campaign_id")
    if t.posts is not None:
        ic = ibis.union(ic, t.posts.select("influencer_id", "campaign_id"), distinct=False)
    ic = ic.distinct()
    camps = t.campaigns.select(c_id=t.campaigns.id, starts_on=t.campaigns.starts_on,
                               ends_on=t.campaigns.ends_on)
    ic = ic.join(camps, ic.campaign_id == camps.c_id)
    k = j.join(ic, j.influencer_id == ic.influencer_id)
    day = local_time(t.timezone, k.created_at).date()
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
