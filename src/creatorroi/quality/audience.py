"""The audience audit of one account: is the audience real? A score, a verdict and reasons.

The score starts at 100 and every reason subtracts its ``penalty``, so the reasons always
explain the score exactly (``score == max(0, 100 - sum of penalties)``). Penalties, and why:

=====================  ==========  =====================================================
reason                 penalty     why
=====================  ==========  =====================================================
generic comments       10 / 20     lower 95% bound of the share >= 60% / 80%: most of
                                   the conversation could be pods or bought comments
promotional comments   10 / 20     lower bound >= 10% / 25%: bots advertising
repeated comments      5 a text,   one script from 3+ accounts is coordination
                       up to 15
comment bursts         10 / 15     bursts on one post / on two or more
comments per like      10          outside the platform's band: bought likes (too few
                                   comments) or pods and bots (too many)
engagement rate        20 / 10 / 5 below a third / below half / above three times the
                                   tier-and-platform benchmark of the workspace's accounts
follower jumps         15 each,    a robust outlier in daily growth that no viral post
                       up to 30    explains: the classic sign of bought followers
fake followers         15/30/45    lower 95% bound of the sample's fake share >= 15% /
                                   30% / 50% (real audiences show some inactive profiles)
missing evidence       15          no comments, no post metrics, no follower counts: the
                       (5: short   audit says what it could not check, and an account with
                       history)    none of the three lands below "watch" on silence alone
optional evidence      0           no follower sample, no peers: said, not scored
=====================  ==========  =====================================================

Shares are judged by the lower bound of their Wilson interval, so a handful of comments never
fails an account, and one more genuine comment never lowers its score. Everything here is
pure: the service (``creatorroi.audience_audit``) gathers the evidence from the store.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np

from creatorroi.quality.bots import BURST_MIN_COMMENTS, REPEAT_MIN_AUTHORS
from creatorroi.quality.fake_followers import FakeShare, wilson

Severity = Literal["info", "missing", "warning", "critical"]
Verdict = Literal["pass", "watch", "fail"]

# Comment signals: fewer comments than this are reported as thin evidence.
FEW_COMMENTS = 20
GENERIC_WATCH, GENERIC_FAIL = 0.60, 0.80
SPAM_WATCH, SPAM_FAIL = 0.10, 0.25
REPEAT_PENALTY, REPEAT_CAP = 5.0, 15.0

# Comments per like, (low, high) per platform. Instagram posts commonly get one to three
# comments per hundred likes; the band sits about an order of magnitude either side, so it
# flags anomalies rather than styles (a "comment to win" giveaway can exceed it honestly,
# which is why the reason says "may").
COMMENT_LIKE_BAND: dict[str, tuple[float, float]] = {
    "instagram": (0.004, 0.10),
    "tiktok": (0.002, 0.08),
    "youtube": (0.005, 0.20),
    "facebook": (0.005, 0.30),
}
DEFAULT_BAND = (0.003, 0.25)
# Fewer likes than this in total (or on one post) are too few to judge a ratio.
MIN_LIKES, MIN_POST_LIKES = 200, 50

# Engagement rate against the pooled rate of the workspace's other accounts in the same tier
# and on the same platform.
ER_FAIL, ER_WATCH, ER_HIGH = 1 / 3, 1 / 2, 3.0

# Follower growth: days of history needed, the robust z-score of a jump (Iglewicz and
# Hoaglin's 3.5 for outliers) and the smallest jump worth reporting (followers, and share of
# the audience), so noise on small accounts is not called a spike.
MIN_HISTORY_DAYS = 14
SPIKE_Z = 3.5
MIN_JUMP, MIN_JUMP_SHARE = 50, 0.005
# A post explains a jump when published in the 3 days before it and it reached this many
# times the account's median post (or more people than follow the account).
EXPLAIN_DAYS = 3
VIRAL_FACTOR = 3.0
SPIKE_PENALTY, SPIKE_CAP = 15.0, 30.0

# Fake followers: judged profiles needed to score the sample, and penalties by lower bound.
MIN_SAMPLE = 30
FAKE_STEPS = ((0.50, 45.0, "critical"), (0.30, 30.0, "critical"), (0.15, 15.0, "warning"))

MISSING_PENALTY, SHORT_HISTORY_PENALTY = 15.0, 5.0


@dataclass(frozen=True)
class Reason:
    """One finding: a stable code, an English msgid with its values, and what it cost."""

    code: str
    msgid: str
    values: Mapping[str, str | int]
    penalty: float
    severity: Severity

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "msgid": self.msgid, "values": dict(self.values),
                "penalty": self.penalty, "severity": self.severity}

    def render(self, tr: Any = None) -> str:
        if tr is not None:
            return str(tr(self.msgid, **self.values))
        return self.msgid.format(**self.values)


@dataclass(frozen=True)
class PostStats:
    """A post's latest metrics and the account's followers when it went out."""

    post_id: str
    published_at: datetime | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    views: int | None = None
    reach: int | None = None
    impressions: int | None = None
    followers: int | None = None

    @property
    def engagements(self) -> int | None:
        parts = [v for v in (self.likes, self.comments, self.shares, self.saves)
                 if v is not None]
        return sum(parts) if parts else None

    @property
    def exposure(self) -> int | None:
        """How many saw it: views, else reach, else impressions."""
        for v in (self.views, self.reach, self.impressions):
            if v is not None:
                return v
        return None


@dataclass(frozen=True)
class CommentStats:
    total: int
    generic: int
    spam: int
    low_effort: int
    repeated: Sequence[tuple[str, int]] = ()
    burst_posts: int = 0
    burst_minutes: int = 0


@dataclass(frozen=True)
class Benchmark:
    tier: str | None
    platform: str
    rate: float | None
    peers: int


@dataclass(frozen=True)
class AccountEvidence:
    account_id: str
    platform: str
    followers: int | None
    snapshots: Sequence[tuple[datetime, int]] = ()
    posts: Sequence[PostStats] = ()
    comments: CommentStats | None = None
    sample: FakeShare | None = None
    benchmark: Benchmark | None = None


@dataclass(frozen=True)
class Audit:
    score: float
    verdict: Verdict
    reasons: tuple[Reason, ...]
    engagement_rate: float | None = None
    benchmark_rate: float | None = None
    generic_share: float | None = None
    comment_like_ratio: float | None = None
    fake_follower_share: float | None = None
    spikes: int | None = None


@dataclass(frozen=True)
class DayGrowth:
    day: date
    growth: float
    followers: float


@dataclass(frozen=True)
class Spike:
    start: date
    end: date
    excess: float
    z: float
    usual: float = 0.0
    explained_by: PostStats | None = None


# ---- formatting for values (display-ready, language-neutral) ---------------------------

def pct(share: float) -> str:
    value = share * 100
    if value >= 10:
        return f"{value:.0f}%"
    return f"{value:.1f}%" if value >= 1 else f"{value:.2f}%"


def _count(x: float) -> int:
    return round(x)


# ---- scoring --------------------------------------------------------------------------

def score_of(reasons: Iterable[Reason]) -> float:
    return max(0.0, 100.0 - sum(r.penalty for r in reasons))


def verdict_for(score: float, watch_below: float, fail_below: float) -> Verdict:
    if score < fail_below:
        return "fail"
    return "watch" if score < watch_below else "pass"


# ---- engagement -----------------------------------------------------------------------

def pooled_engagement(posts: Sequence[PostStats], followers: int | None
                      ) -> tuple[int, int] | None:
    """(engagements, followers) summed over posts with engagement data; each post's
    followers at publication, else the account's latest count. None: nothing to pool."""
    eng = fol = 0
    used = False
    for p in posts:
        e = p.engagements
        f = p.followers if p.followers is not None else followers
        if e is None or not f:
            continue
        eng, fol, used = eng + e, fol + f, True
    return (eng, fol) if used else None


def peer_benchmarks(rows: Sequence[tuple[str, str | None, str, tuple[int, int] | None]]
                    ) -> dict[str, Benchmark]:
    """Per account, the pooled engagement rate (sum engagements / sum followers) of the
    *other* accounts in its tier on its platform; rate None and peers 0 when it has none."""
    groups: dict[tuple[str | None, str], list[tuple[str, tuple[int, int]]]] = {}
    for account, tier, platform, pooled in rows:
        if pooled is not None and tier is not None:
            groups.setdefault((tier, platform), []).append((account, pooled))
    out: dict[str, Benchmark] = {}
    for account, tier, platform, _ in rows:
        peers = [p for a, p in groups.get((tier, platform), []) if a != account]
        fol = sum(f for _, f in peers)
        rate = sum(e for e, _ in peers) / fol if peers and fol else None
        out[account] = Benchmark(tier, platform, rate, len(peers) if rate is not None else 0)
    return out


# ---- follower growth ------------------------------------------------------------------

def daily_growth(snapshots: Sequence[tuple[datetime, int]], tz: str) -> list[DayGrowth]:
    """Follower growth per local day, linearly interpolated between irregular snapshots.

    Only days wholly inside the observed span count: growth inside a gap is spread evenly
    over it (a jump hidden in a month without snapshots cannot be dated, and is not).
    """
    points: dict[float, float] = {}
    for ts, followers in snapshots:
        points[ts.timestamp()] = float(followers)
    if len(points) < 2:
        return []
    xs = np.array(sorted(points))
    ys = np.array([points[x] for x in xs])
    zone = ZoneInfo(tz)

    def midnight(d: date) -> float:
        return datetime.combine(d, time(0), tzinfo=zone).timestamp()

    day = datetime.fromtimestamp(xs[0], zone).date()
    if midnight(day) < xs[0]:
        day += timedelta(days=1)
    out = []
    while midnight(day + timedelta(days=1)) <= xs[-1]:
        a, b = midnight(day), midnight(day + timedelta(days=1))
        fa, fb = np.interp([a, b], xs, ys)
        out.append(DayGrowth(day, float(fb - fa), float(fb)))
        day += timedelta(days=1)
    return out


def growth_spikes(days: Sequence[DayGrowth]) -> list[Spike]:
    """Days whose growth is a robust outlier (median and MAD), merged into episodes.

    MAD, not the standard deviation, because the spike itself would inflate a standard
    deviation and hide. Interpolated stretches grow in a straight line (MAD 0), so the scale
    is floored at one follower a day.
    """
    if len(days) < MIN_HISTORY_DAYS:
        return []
    g = np.array([d.growth for d in days])
    median = float(np.median(g))
    scale = max(1.4826 * float(np.median(np.abs(g - median))), 1.0)
    spikes: list[Spike] = []
    for d in days:
        excess = d.growth - median
        z = excess / scale
        if z < SPIKE_Z or excess < max(MIN_JUMP, MIN_JUMP_SHARE * d.followers):
            continue
        last = spikes[-1] if spikes else None
        if last is not None and last.end + timedelta(days=1) == d.day:
            spikes[-1] = Spike(last.start, d.day, last.excess + excess, max(last.z, z), median)
        else:
            spikes.append(Spike(d.day, d.day, excess, z, median))
    return spikes


def explain_spikes(spikes: Sequence[Spike], posts: Sequence[PostStats], tz: str,
                   followers: int | None) -> list[Spike]:
    """Attach to each spike the post that explains it: published in the ``EXPLAIN_DAYS``
    before (or during) it, reaching ``VIRAL_FACTOR`` times the account's median post or
    more people than follow the account."""
    zone = ZoneInfo(tz)
    exposures = [p.exposure for p in posts if p.exposure is not None]
    median = statistics.median(exposures) if len(exposures) >= 3 else None
    out = []
    for s in spikes:
        best: PostStats | None = None
        for p in posts:
            x = p.exposure
            if p.published_at is None or x is None:
                continue
            day = p.published_at.astimezone(zone).date()
            if not s.start - timedelta(days=EXPLAIN_DAYS) <= day <= s.end:
                continue
            viral = (median is not None and x >= VIRAL_FACTOR * median) or (
                followers is not None and followers > 0 and x >= followers)
            if viral and (best is None or x > (best.exposure or 0)):
                best = p
        out.append(Spike(s.start, s.end, s.excess, s.z, s.usual, best))
    return out


# ---- the reasons ----------------------------------------------------------------------

@dataclass
class _Reasons:
    items: list[Reason] = field(default_factory=list)

    def add(self, code: str, msgid: str, penalty: float, severity: Severity,
            **values: str | int) -> None:
        self.items.append(Reason(code, msgid, values, float(penalty), severity))


def _comment_reasons(c: CommentStats | None, out: _Reasons) -> float | None:
    if c is None or c.total == 0:
        out.add("no_comments", "No comments were imported for this account, so generic, "
                "repeated, bursty and promotional comments were not checked.",
                MISSING_PENALTY, "missing")
        return None
    if c.total < FEW_COMMENTS:
        out.add("few_comments", "Only {count} comments were imported; comment signals are "
                "weak on so few.", 0, "info", count=c.total)
    low, _ = wilson(c.generic, c.total)
    if low >= GENERIC_WATCH:
        out.add("generic_comments", "{share} of {count} comments are generic reactions "
                "(emoji only, a few letters or stock phrases such as \"nice pic\"); at "
                "least {low} with 95% confidence.", 20 if low >= GENERIC_FAIL else 10,
                "critical" if low >= GENERIC_FAIL else "warning",
                share=pct(c.generic / c.total), count=c.total, low=pct(low))
    low, _ = wilson(c.spam, c.total)
    if low >= SPAM_WATCH:
        out.add("promotional_comments", "{share} of {count} comments advertise something "
                "(links, \"check my profile\", \"DM for promo\"); at least {low} with 95% "
                "confidence.", 20 if low >= SPAM_FAIL else 10,
                "critical" if low >= SPAM_FAIL else "warning",
                share=pct(c.spam / c.total), count=c.total, low=pct(low))
    if c.repeated:
        text, authors = c.repeated[0]
        out.add("repeated_comments", "Comment texts posted word for word by {min_authors} "
                "or more different accounts: {count}, for example \"{text}\" ({authors} "
                "accounts).", min(REPEAT_CAP, REPEAT_PENALTY * len(c.repeated)),
                "warning", count=len(c.repeated), min_authors=REPEAT_MIN_AUTHORS,
                text=text[:80], authors=authors)
    if c.burst_posts:
        out.add("comment_bursts", "Comment bursts on {posts} post(s): {min_comments} or more "
                "comments within one minute ({minutes} such minute(s)), far above the post's "
                "usual pace.", 15 if c.burst_posts >= 2 else 10, "warning", posts=c.burst_posts,
                min_comments=BURST_MIN_COMMENTS, minutes=c.burst_minutes)
    return c.low_effort / c.total


def _ratio_reasons(e: AccountEvidence, out: _Reasons) -> float | None:
    measured = [p for p in e.posts if p.likes is not None and p.comments is not None]
    likes = sum(p.likes or 0 for p in measured)
    comments = sum(p.comments or 0 for p in measured)
    if likes < MIN_LIKES:
        if e.posts and any(p.engagements is not None for p in e.posts):
            out.add("few_likes", "Too few likes ({likes}) to judge comments per like.", 0,
                    "info", likes=likes)
        return None
    ratio = comments / likes
    low, high = COMMENT_LIKE_BAND.get(e.platform, DEFAULT_BAND)
    judged = [p for p in measured if (p.likes or 0) >= MIN_POST_LIKES]
    outside = sum(not low <= (p.comments or 0) / (p.likes or 1) <= high for p in judged)
    values: dict[str, str | int] = dict(
        ratio=pct(ratio), comments=comments, likes=likes, low=pct(low), high=pct(high),
        platform=e.platform, outside=outside, posts=len(judged))
    if ratio < low:
        out.add("few_comments_per_like", "Comments are only {ratio} of likes ({comments} "
                "comments, {likes} likes) where {low} to {high} is usual on {platform}; "
                "{outside} of {posts} posts are outside that range. Likes may be bought.",
                10, "warning", **values)
    elif ratio > high:
        out.add("many_comments_per_like", "Comments are {ratio} of likes ({comments} "
                "comments, {likes} likes) where {low} to {high} is usual on {platform}; "
                "{outside} of {posts} posts are outside that range. Comments may come from "
                "engagement pods or bots.", 10, "warning", **values)
    return ratio


def _engagement_reasons(e: AccountEvidence, out: _Reasons
                        ) -> tuple[float | None, float | None]:
    pooled = pooled_engagement(e.posts, e.followers)
    if not e.posts or pooled is None:
        out.add("no_metrics", "No post metrics were imported, so engagement rate and "
                "comments per like were not checked.", MISSING_PENALTY, "missing")
        return None, None
    rate = pooled[0] / pooled[1]
    b = e.benchmark
    tier = b.tier if b is not None and b.tier else "-"
    if b is None or b.rate is None:
        out.add("no_peers", "No other {tier} accounts on {platform} in this workspace, so the "
                "engagement rate ({rate}) has no benchmark.", 0, "info", tier=tier,
                platform=e.platform, rate=pct(rate))
        return rate, None
    values: dict[str, str | int] = dict(rate=pct(rate), tier=tier, platform=e.platform,
                                        benchmark=pct(b.rate), peers=b.peers)
    times = rate / b.rate if b.rate > 0 else float("inf")
    if times < ER_FAIL:
        out.add("low_engagement", "Engagement rate {rate} is less than a third of the {tier} "
                "benchmark on {platform} ({benchmark} over {peers} accounts): many followers "
                "may not be real or active.", 20, "critical", **values)
    elif times < ER_WATCH:
        out.add("low_engagement", "Engagement rate {rate} is less than half the {tier} "
                "benchmark on {platform} ({benchmark} over {peers} accounts): many followers "
                "may not be real or active.", 10, "warning", **values)
    elif times > ER_HIGH:
        out.add("high_engagement", "Engagement rate {rate} is more than three times the "
                "{tier} benchmark on {platform} ({benchmark} over {peers} accounts): check "
                "for engagement pods or bought likes.", 5, "warning", **values)
    else:
        out.add("engagement_in_line", "Engagement rate {rate} is in line with the {tier} "
                "benchmark on {platform} ({benchmark} over {peers} accounts).", 0, "info",
                **values)
    return rate, b.rate


def _growth_reasons(e: AccountEvidence, tz: str, out: _Reasons) -> int | None:
    if not e.snapshots:
        out.add("no_follower_history", "No follower counts were imported, so follower growth "
                "was not checked and the engagement rate has no audience size.",
                MISSING_PENALTY, "missing")
        return None
    days = daily_growth(e.snapshots, tz)
    if len(days) < MIN_HISTORY_DAYS:
        out.add("short_follower_history", "Follower counts cover {days} days; follower jumps "
                "need at least {needed}.", SHORT_HISTORY_PENALTY, "missing", days=len(days),
                needed=MIN_HISTORY_DAYS)
        return None
    spikes = explain_spikes(growth_spikes(days), e.posts, tz, e.followers)
    loose = [s for s in spikes if s.explained_by is None]
    viral = [s for s in spikes if s.explained_by is not None]
    if loose:
        top = max(loose, key=lambda s: s.excess)
        out.add("follower_jumps", "Follower jumps no viral post explains: {count}; the "
                "largest, {growth} followers on {day} against a usual {usual} a day. "
                "Followers may have been bought.",
                min(SPIKE_CAP, SPIKE_PENALTY * len(loose)), "critical", count=len(loose),
                growth=_count(top.excess), day=top.start.isoformat(),
                usual=_count(top.usual))
    if viral:
        top = max(viral, key=lambda s: s.excess)
        post = top.explained_by
        out.add("explained_jumps", "Follower jumps right after a post that reached far "
                "beyond the usual audience: {count}; the largest, {growth} followers on {day}, "
                "followed post {post}. Not counted against the account.", 0, "info",
                count=len(viral),
                growth=_count(top.excess), day=top.start.isoformat(),
                post=post.post_id if post else "")
    return len(loose)


def _sample_reasons(s: FakeShare | None, out: _Reasons) -> float | None:
    if s is None or s.sampled == 0:
        out.add("no_follower_sample", "No follower sample was imported, so fake followers "
                "were not estimated.", 0, "info")
        return None
    if s.share is None or s.low is None or s.high is None or s.judged < MIN_SAMPLE:
        out.add("small_follower_sample", "The follower sample has {count} profiles that could "
                "be judged; at least {needed} are needed to score fake followers.", 0, "info",
                count=s.judged, needed=MIN_SAMPLE)
        return s.share
    values: dict[str, str | int] = dict(share=pct(s.share), count=s.judged, low=pct(s.low),
                                        high=pct(s.high))
    for floor, penalty, severity in FAKE_STEPS:
        if s.low >= floor:
            out.add("fake_followers", "{share} of {count} sampled followers look fake (95% "
                    "range {low} to {high}): no profile picture, no posts, digit-heavy names "
                    "and similar signs.", penalty, "critical" if severity == "critical"
                    else "warning", **values)
            return s.share
    out.add("fake_followers_usual", "{share} of {count} sampled followers look fake (95% "
            "range {low} to {high}), within what real audiences show.", 0, "info", **values)
    return s.share


def audit(e: AccountEvidence, *, tz: str = "UTC", watch_below: float = 70.0,
          fail_below: float = 50.0) -> Audit:
    """Score one account from its evidence; every check that could not run says so."""
    out = _Reasons()
    low_effort = _comment_reasons(e.comments, out)
    rate, bench = _engagement_reasons(e, out)
    ratio = _ratio_reasons(e, out) if rate is not None else None
    spikes = _growth_reasons(e, tz, out)
    fake = _sample_reasons(e.sample, out)
    reasons = tuple(sorted(out.items, key=lambda r: -r.penalty))
    score = score_of(reasons)
    return Audit(score, verdict_for(score, watch_below, fail_below), reasons, rate, bench,
                 low_effort, ratio, fake, spikes)
