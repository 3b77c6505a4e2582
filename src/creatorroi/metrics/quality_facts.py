"""Facts the quality checks add to every rollup: sentiment, compliance, audience, target reach.

They are facts like any other (same keys, summed by the rollup), so sentiment or compliance by
platform, tier or week comes for free. Ratios are kept as two sums (a total and its count)
and divided by the registry, so a group's figure is the pooled one, never an average of
averages:

* a comment's sentiment lands on its post (and so its creator and campaign) on the local day
  it was written (the post's day when the export gave no time); scores are summed in
  thousandths so the sum stays an integer on every backend;
* a published post that the latest ``creatorroi check`` looked at is *checked*; it is
  *compliant* when none of its checks failed;
* each published post carries the audience-quality score of the account that posted it (the
  latest audit), so "the audience quality of what we paid for" weighs accounts by their posts;
* target reach is the post's reach times the share of its audience inside the campaign's target
  (country x age x gender, each dimension the brief names; read from the post's latest
  demographics snapshot, else its account's). Dimensions are taken as independent, since
  insights give each one alone; a targeted dimension with no demographics leaves it unknown.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from creatorroi.metrics.facts import Source, _frame, flag, latest_metrics, local_day

_DIMENSIONS = ("country", "age", "gender")


def half_up(x: ir.NumericValue) -> ir.IntegerValue:
    """Rounded half up, the same on every backend (PostgreSQL's round on a double goes half
    to even, DuckDB's half away from zero, and a sum of a thousand scores would show it)."""
    return (x + 0.5).floor().cast("int64")


def comment_facts(src: Source) -> ir.Table:
    c = src.comments.filter(src.comments.kind == "comment")
    p = src.posts.select(p_id=src.posts.id, p_inf=src.posts.influencer_id,
                         p_camp=src.posts.campaign_id, p_at=src.posts.published_at)
    j = c.join(p, c.post_id == p.p_id)
    scored = j.sentiment.notnull()
    at = j.created_at.fill_null(j.p_at)
    return _frame(
        j, influencer_id=j.p_inf, campaign_id=j.p_camp, post_id=j.post_id,
        day=local_day(src, at), comments_scored=flag(scored),
        sentiment_milli=half_up(j.sentiment * 1000).fill_null(0),
        positive_comments=flag(j.sentiment_label == "positive"),
        negative_comments=flag(j.sentiment_label == "negative"),
    )


def mention_facts(src: Source) -> ir.Table:
    m = src.comments.filter(src.comments.kind == "mention")
    return _frame(m, influencer_id=m.influencer_id, day=local_day(src, m.created_at),
                  mentions=ibis.literal(1))


def compliance_facts(src: Source) -> ir.Table:
    k = src.content_checks
    per_post = k.group_by(c_post=k.post_id).aggregate(
        _checked=(k.status != "pending").sum(), _failed=(k.status == "fail").sum())
    p = src.posts.filter(src.posts.published_at.notnull())
    j = p.join(per_post, p.id == per_post.c_post)
    checked = j._checked > 0
    return _frame(j, influencer_id=j.influencer_id, campaign_id=j.campaign_id, post_id=j.id,
                  day=local_day(src, j.published_at), posts_checked=flag(checked),
                  posts_compliant=flag(checked & (j._failed == 0)))


def audience_facts(src: Source) -> ir.Table:
    p = src.posts.filter(src.posts.published_at.notnull())
    acc = src.accounts.select(a_id=src.accounts.id, a_inf=src.accounts.influencer_id,
                              a_plat=src.accounts.platform)
    a = src.audience_audits.select(au_id=src.audience_audits.account_id,
                                   score=src.audience_audits.score)
    j = p.join(acc, [p.influencer_id == acc.a_inf, p.platform == acc.a_plat])
    j = j.join(a, j.a_id == a.au_id)
    return _frame(j, influencer_id=j.influencer_id, campaign_id=j.campaign_id, post_id=j.id,
                  day=local_day(src, j.published_at), audited_posts=ibis.literal(1),
                  audience_quality_tenths=half_up(j.score * 10))


def _latest_demographics(src: Source) -> ir.Table:
    d = src.audience_demographics
    d = d.mutate(_last=d.captured_at.max().over(group_by=[d.subject, d.subject_id]))
    return d.filter(d.captured_at == d._last).drop("_last")


def target_facts(src: Source) -> ir.Table:
    b = src.briefs.filter(src.briefs.influencer_id == "")
    b = b.filter(b.target_countries.notnull() | b.target_ages.notnull()
                 | b.target_genders.notnull())
    b = b.select(b_camp=b.campaign_id, t_country=b.target_countries, t_age=b.target_ages,
                 t_gender=b.target_genders)
    d = _latest_demographics(src)
    post_subjects = d.filter(d.subject == "post").select(ps_id=d.subject_id).distinct()
    acc = src.accounts.select(a_id=src.accounts.id, a_inf=src.accounts.influencer_id,
                              a_plat=src.accounts.platform)
    p = src.posts.filter(src.posts.published_at.notnull())
    p = p.join(b, p.campaign_id == b.b_camp)
    p = p.left_join(post_subjects, p.id == post_subjects.ps_id)
    p = p.left_join(acc, [p.influencer_id == acc.a_inf, p.platform == acc.a_plat])
    p = p.mutate(_subject=ibis.ifelse(p.ps_id.notnull(), "post", "account"),
                 _subject_id=ibis.ifelse(p.ps_id.notnull(), p.id, p.a_id))
    wanted = p.select(w_post=p.id, w_subject=p._subject, w_subject_id=p._subject_id,
                      **{f"w_{dim}": targets_of(p, dim) for dim in _DIMENSIONS})
    j = d.join(wanted, [d.subject == wanted.w_subject, d.subject_id == wanted.w_subject_id])
    aggs = {}
    for dim in _DIMENSIONS:
        listed = "|" + j[f"w_{dim}"] + "|"
        inside = listed.contains("|" + j.bucket + "|")
        here = j.dimension == dim
        aggs[f"s_{dim}"] = ibis.ifelse(here & inside, j.share, 0.0).sum()
        aggs[f"n_{dim}"] = here.sum()
    shares = j.group_by(s_post=j.w_post).aggregate(**aggs)
    m = latest_metrics(src).select(m_post="post_id", m_reach="reach")
    q = p.left_join(shares, p.id == shares.s_post).left_join(m, p.id == m.m_post)
    factor: ir.NumericValue = ibis.literal(1.0)
    for dim in _DIMENSIONS:
        known = q[f"n_{dim}"].fill_null(0) > 0
        part = ibis.ifelse(targets_of(q, dim).isnull(), 1.0,
                           ibis.ifelse(known, q[f"s_{dim}"], ibis.null("float64")))
        factor = factor * part
    return _frame(q, influencer_id=q.influencer_id, campaign_id=q.campaign_id, post_id=q.id,
                  day=local_day(src, q.published_at),
                  target_reach=half_up(q.m_reach.cast("float64") * factor))


def targets_of(t: ir.Table, dim: str) -> ir.StringValue:
    """The brief's target buckets for ``dim``, '|'-joined (null: the brief does not target it)."""
    return t[f"t_{dim}"]


def quality_facts(src: Source) -> ir.Table:
    return ibis.union(comment_facts(src), mention_facts(src), compliance_facts(src),
                      audience_facts(src), target_facts(src), distinct=False)
