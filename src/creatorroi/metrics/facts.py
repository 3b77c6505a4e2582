"""The facts every KPI is summed from, each as one Ibis expression with the same columns.

Every fact row carries the keys a rollup can group by (influencer, campaign, post, local day)
and the currency of its money measures. Rules that decide where a number lands, written once:

* an attributed order belongs to the post its tracking asset names; otherwise to the
  influencer's latest post in that campaign published before the order (the post that last
  reached the buyer), otherwise to no post;
* a cost tied to no post is split over the influencer's posts in that campaign in whole minor
  units (largest remainder), so cost per platform or content type adds up to the total;
* post metrics come from each post's latest snapshot (or the latest on or before ``as_of``);
* days are cut in the workspace time zone;
* ``row_id`` names the order or cost line, so foreign-currency amounts can be converted line
  by line (each line rounded once, as a ledger does) rather than as daily sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import ibis
import ibis.expr.types as ir

from creatorroi.attribution import rules
from creatorroi.store.functions import timezone

COUNT_MEASURES = (
    "orders", "new_customers", "subscriptions", "sessions", "clicks", "unique_clicks", "posts",
    "reused_posts",
    "reach", "impressions", "views", "likes", "comments", "shares", "saves", "link_clicks",
    "profile_visits", "follows", "followers",
    # quality (see ``quality_facts``)
    "comments_scored", "sentiment_milli", "positive_comments", "negative_comments", "mentions",
    "posts_checked", "posts_compliant", "audited_posts", "audience_quality_tenths",
    "target_reach",
)
MONEY_MEASURES = ("revenue", "cost", "emv")
MEASURES = COUNT_MEASURES + MONEY_MEASURES
METRIC_ACTIONS = ("reach", "impressions", "views", "likes", "comments", "shares", "saves",
                  "link_clicks")


@dataclass(frozen=True)
class Source:
    """The workspace's tables, already filtered to it."""

    orders: ir.Table
    attributions: ir.Table
    costs: ir.Table
    posts: ir.Table
    post_metrics: ir.Table
    accounts: ir.Table
    follower_snapshots: ir.Table
    emv_rates: ir.Table
    session_days: ir.Table
    rules: rules.Tables
    timezone: str
    comments: ir.Table
    content_checks: ir.Table
    audience_audits: ir.Table
    briefs: ir.Table
    audience_demographics: ir.Table


def flag(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 or 0; PostgreSQL will not cast a boolean to bigint, so no backend is asked to."""
    return ibis.ifelse(condition, 1, 0)


def local_day(src: Source, ts: ir.TimestampValue) -> ir.DateValue:
    return timezone(src.timezone, ts).date()


def _frame(expr: ir.Table, **values: ir.Value) -> ir.Table:
    """Give a fact the shared column set: keys, currency, then every measure (null if absent)."""
    cols: dict[str, ir.Value] = {}
    for key, typ in (("influencer_id", "string"), ("campaign_id", "string"),
                     ("post_id", "string"), ("day", "date"), ("currency", "string"),
                     ("row_id", "string")):
        cols[key] = values[key].cast(typ) if key in values else ibis.null(typ)
    for m in MEASURES:
        cols[m] = values[m].cast("int64") if m in values else ibis.null("int64")
    return expr.select(**cols)


def new_customer_flags(src: Source) -> ir.Table:
    """Explicit flags win; otherwise a customer's first eligible order in the store is new."""
    o = rules.eligible_orders(src.orders)
    first = ibis.row_number().over(group_by=o.customer_hash, order_by=[o.created_at, o.id])
    o = o.mutate(_first=first)
    derived = ibis.ifelse(o.customer_hash.isnull(), ibis.null("boolean"), o._first == 0)
    return o.select(o_id=o.id, is_new=o.is_new_customer.fill_null(derived))


def order_facts(src: Source) -> ir.Table:
    a = src.attributions
    o = src.orders.select(o_id=src.orders.id, created_at=src.orders.created_at,
                          net_minor=src.orders.net_minor, currency=src.orders.currency,
                          is_subscription=src.orders.is_subscription)
    j = a.join(o, a.order_id == o.o_id)
    # Orders whose asset names no post land on the latest post published before them.
    p = src.posts.filter(src.posts.published_at.notnull()).select(
        p_id=src.posts.id, p_inf=src.posts.influencer_id, p_camp=src.posts.campaign_id,
        p_at=src.posts.published_at)
    loose = j.filter(j.post_id.isnull())
    cand = loose.join(p, [loose.influencer_id == p.p_inf, loose.campaign_id == p.p_camp,
                          p.p_at <= loose.created_at])
    cand = cand.mutate(_r=ibis.row_number().over(group_by=cand.order_id,
                                                 order_by=[cand.p_at.desc(), cand.p_id]))
    chosen = cand.filter(cand._r == 0).select(c_order=cand.order_id, c_post=cand.p_id)
    j = j.left_join(chosen, j.order_id == chosen.c_order)
    flags = new_customer_flags(src)
    j = j.left_join(flags, j.order_id == flags.o_id)
    return _frame(
        j, influencer_id=j.influencer_id, campaign_id=j.campaign_id,
        post_id=j.post_id.fill_null(j.c_post), day=local_day(src, j.created_at),
        currency=j.currency, row_id=j.order_id, orders=ibis.literal(1), revenue=j.net_minor,
        new_customers=flag(j.is_new.fill_null(False)),
        subscriptions=flag(j.is_subscription),
    )


def cost_facts(src: Source) -> ir.Table:
    c = src.costs
    posted = c.filter(c.post_id.notnull() | c.influencer_id.isnull() | c.campaign_id.isnull())
    direct = _frame(posted, influencer_id=posted.influencer_id, campaign_id=posted.campaign_id,
                    post_id=posted.post_id, day=posted.incurred_on, currency=posted.currency,
                    row_id=posted.id, cost=posted.amount_minor)
    loose = c.filter(c.post_id.isnull() & c.influencer_id.notnull() & c.campaign_id.notnull())
    p = src.posts.select(p_id=src.posts.id, p_inf=src.posts.influencer_id,
                         p_camp=src.posts.campaign_id)
    p = p.mutate(_n=p.p_id.count().over(group_by=[p.p_inf, p.p_camp]),
                 _k=ibis.row_number().over(group_by=[p.p_inf, p.p_camp], order_by=p.p_id))
    j = loose.left_join(p, [loose.influencer_id == p.p_inf, loose.campaign_id == p.p_camp])
    n = j._n.fill_null(1)
    # Floor division and a remainder taken from it, so negative amounts (credit notes) split
    # exactly too: SQL's % keeps the dividend's sign, floor division does not.
    base = j.amount_minor // n
    share = base + ibis.ifelse(j._k.fill_null(0) < j.amount_minor - base * n, 1, 0)
    spread = _frame(j, influencer_id=j.influencer_id, campaign_id=j.campaign_id,
                    post_id=j.p_id, day=j.incurred_on, currency=j.currency, row_id=j.id,
                    cost=share)
    return ibis.union(direct, spread, distinct=False)


def latest_metrics(src: Source, as_of: datetime | None = None) -> ir.Table:
    m = src.post_metrics
    if as_of is not None:
        m = m.filter(m.captured_at <= ibis.literal(as_of, "timestamp('UTC')"))
    m = m.mutate(_r=ibis.row_number().over(group_by=m.post_id, order_by=m.captured_at.desc()))
    return m.filter(m._r == 0).drop("_r")


def followers_at_post(src: Source) -> ir.Table:
    """Followers of the posting account at publication (nearest snapshot before, else after)."""
    p = src.posts.filter(src.posts.published_at.notnull())
    acc = src.accounts.select(a_id=src.accounts.id, a_inf=src.accounts.influencer_id,
                              a_plat=src.accounts.platform)
    snaps = src.follower_snapshots
    j = p.join(acc, [p.influencer_id == acc.a_inf, p.platform == acc.a_plat])
    j = j.join(snaps, j.a_id == snaps.account_id)
    before = flag(j.captured_at <= j.published_at)
    gap = (j.captured_at.epoch_seconds() - j.published_at.epoch_seconds()).abs()
    j = j.mutate(_r=ibis.row_number().over(group_by=j.id, order_by=[before.desc(), gap]))
    return j.filter(j._r == 0).select(f_post=j.id, followers=j.followers)


def post_facts(src: Source, as_of: datetime | None = None) -> ir.Table:
    p = src.posts
    m = latest_metrics(src, as_of).rename(m_post="post_id")
    j = p.left_join(m, p.id == m.m_post)
    f = followers_at_post(src)
    j = j.left_join(f, j.id == f.f_post)
    emv: ir.NumericValue = ibis.literal(0, "decimal(38, 6)")
    priced = ibis.literal(False)
    currency = ibis.null("string")
    for action in METRIC_ACTIONS:
        r = src.emv_rates.filter(src.emv_rates.action == action).select(
            **{f"r_plat_{action}": "platform", f"r_rate_{action}": "rate",
               f"r_cur_{action}": "currency"})
        j = j.left_join(r, j.platform == r[f"r_plat_{action}"])
        term = j[action].cast("decimal(38, 6)") * j[f"r_rate_{action}"]
        emv = emv + term.fill_null(0)
        priced = priced | term.notnull()
        currency = currency.fill_null(j[f"r_cur_{action}"])
    published = j.published_at.notnull()
    # EMV leaves SQL in millionths of the rate card's major unit; the rollup rounds it to the
    # currency's minor unit once, after summing, so no backend's decimal rounding is involved.
    emv_micro = ibis.ifelse(priced, emv * 1_000_000, ibis.null("decimal(38, 6)"))
    return _frame(
        j, influencer_id=j.influencer_id, campaign_id=j.campaign_id, post_id=j.id,
        day=local_day(src, j.published_at), currency=currency,
        posts=flag(published), reused_posts=flag(published & j.reused),
        reach=j.reach, impressions=j.impressions, views=j.views, likes=j.likes,
        comments=j.comments, shares=j.shares, saves=j.saves, link_clicks=j.link_clicks,
        profile_visits=j.profile_visits, follows=j.follows, followers=j.followers,
        emv=emv_micro.round(0),
    )


def session_facts(src: Source) -> ir.Table:
    s = src.session_days.filter(src.session_days.method == "utm")
    return _frame(s, influencer_id=s.influencer_id, campaign_id=s.campaign_id,
                  post_id=s.post_id, day=s.day, sessions=s.sessions)


# A repeat click by the same visitor on the same link within this gap is the same visit (the
# inactivity timeout web analytics uses for sessions), so it counts once as a unique click.
UNIQUE_CLICK_GAP_MINUTES = 30


def click_facts(src: Source) -> ir.Table:
    """Human clicks on issued short links; ``unique_clicks`` drops repeats within 30 minutes.

    A visitor is the salted IP hash plus the user agent (two phones behind one carrier NAT
    are two visitors); a click with no visitor hash is always unique.
    """
    c = src.rules.clicks.filter(~src.rules.clicks.is_bot)
    prev = c.clicked_at.lag().over(
        group_by=[c.slug, c.visitor_hash, c.user_agent.fill_null("")],
        order_by=[c.clicked_at, c.id])
    c = c.mutate(_prev=prev)
    unique = (c.visitor_hash.isnull() | c._prev.isnull()
              | (c._prev < c.clicked_at - ibis.interval(minutes=UNIQUE_CLICK_GAP_MINUTES)))
    c = c.mutate(_unique=flag(unique))
    a = src.rules.assets.filter(src.rules.assets.kind == "utm_link")
    j = c.join(a, c.slug == a.match_key)
    return _frame(j, influencer_id=j.influencer_id, campaign_id=j.campaign_id,
                  post_id=j.post_id, day=local_day(src, j.clicked_at), clicks=ibis.literal(1),
                  unique_clicks=j._unique)


def all_facts(src: Source, as_of: datetime | None = None) -> ir.Table:
    from creatorroi.metrics.quality_facts import quality_facts

    return ibis.union(order_facts(src), cost_facts(src), post_facts(src, as_of),
                      session_facts(src), click_facts(src), quality_facts(src),
                      distinct=False)
