"""The account audit: each signal on hand-built evidence, the score arithmetic, invariants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorroi.quality.audience import (
    AccountEvidence,
    Benchmark,
    CommentStats,
    DayGrowth,
    PostStats,
    audit,
    daily_growth,
    explain_spikes,
    growth_spikes,
    peer_benchmarks,
    pooled_engagement,
    score_of,
    verdict_for,
)
from creatorroi.quality.bots import CommentTally
from creatorroi.quality.fake_followers import FakeShare

T0 = datetime(2024, 2, 1, tzinfo=UTC)


def _day(k: int, hour: int = 0) -> datetime:
    return T0 + timedelta(days=k, hours=hour)


def _codes(a: object) -> dict[str, float]:
    return {r.code: r.penalty for r in a.reasons}  # type: ignore[attr-defined]


def _steady(days: int, start: int = 20_000, per_day: int = 20,
            jumps: dict[int, int] | None = None) -> list[tuple[datetime, int]]:
    out, extra = [], 0
    for k in range(days + 1):
        extra += (jumps or {}).get(k, 0)
        out.append((_day(k), start + per_day * k + extra))
    return out


HEALTHY_COMMENTS = CommentStats(total=50, generic=10, spam=0, low_effort=10)
POSTS = (PostStats("p1", _day(3, 18), likes=1000, comments=25, shares=10, saves=15,
                   views=12_000, followers=20_000),
         PostStats("p2", _day(10, 18), likes=900, comments=20, shares=5, saves=10,
                   views=11_000, followers=20_200))


def _evidence(**kw: object) -> AccountEvidence:
    base: dict[str, object] = dict(
        account_id="instagram:a", platform="instagram", followers=20_600,
        snapshots=tuple(_steady(30)), posts=POSTS, comments=HEALTHY_COMMENTS,
        sample=None, benchmark=Benchmark("micro", "instagram", 0.05, 4))
    base.update(kw)
    return AccountEvidence(**base)  # type: ignore[arg-type]


# ---- score arithmetic and verdicts ---------------------------------------------------

def test_verdict_thresholds() -> None:
    assert verdict_for(70, 70, 50) == "pass"
    assert verdict_for(69.9, 70, 50) == "watch"
    assert verdict_for(50, 70, 50) == "watch"
    assert verdict_for(49.9, 70, 50) == "fail"
    assert verdict_for(80, 85, 60) == "watch"          # a workspace's own thresholds


def test_a_healthy_account_passes_with_what_was_checked_said() -> None:
    a = audit(_evidence())
    # ER (1050 + 935) / (20,000 + 20,200) = 0.0494 against 0.05: in line
    assert a.engagement_rate == pytest.approx(1985 / 40_200)
    assert _codes(a) == {"engagement_in_line": 0, "no_follower_sample": 0}
    assert a.score == 100 and a.verdict == "pass" and a.spikes == 0
    assert a.generic_share == pytest.approx(10 / 50)
    assert a.comment_like_ratio == pytest.approx(45 / 1900)


def test_nothing_imported_is_said_and_lands_on_watch() -> None:
    a = audit(AccountEvidence("instagram:ghost", "instagram", None))
    assert _codes(a) == {"no_comments": 15, "no_metrics": 15, "no_follower_history": 15,
                         "no_follower_sample": 0}
    assert a.score == 55 and a.verdict == "watch"
    assert a.engagement_rate is None and a.spikes is None and a.generic_share is None


def test_penalties_add_up_and_the_score_stops_at_zero() -> None:
    bad = _evidence(
        comments=CommentStats(total=400, generic=380, spam=200, low_effort=390,
                              repeated=(("Collab? DM us", 40), ("promo page", 9),
                                        ("free followers", 3), ("x y z", 3)),
                              burst_posts=3, burst_minutes=7),
        posts=(PostStats("p1", _day(3), likes=5000, comments=2, followers=20_000),),
        snapshots=tuple(_steady(30, jumps={12: 4000, 20: 6000})),
        sample=FakeShare(200, 200, 140, 0.7, 0.63, 0.76),
        benchmark=Benchmark("micro", "instagram", 0.90, 3))   # ER 0.25: below a third
    a = audit(bad)
    # generic 20 + promotional 20 + repeated min(15, 4 x 5) + bursts 15 + low ER 20
    # + few comments per like 10 + jumps min(30, 2 x 15) + fake followers 45 = 175
    assert _codes(a) == {"generic_comments": 20, "promotional_comments": 20,
                         "repeated_comments": 15, "comment_bursts": 15, "low_engagement": 20,
                         "few_comments_per_like": 10, "follower_jumps": 30,
                         "fake_followers": 45}
    assert a.score == 0 and a.verdict == "fail" and a.spikes == 2


# ---- engagement against peers ------------------------------------------------------------

def test_pooled_benchmark_excludes_the_account_itself() -> None:
    rows = [("a", "micro", "instagram", (100, 1000)), ("b", "micro", "instagram", (300, 2000)),
            ("c", "micro", "instagram", (50, 5000)), ("d", "macro", "instagram", (900, 9000)),
            ("e", "micro", "tiktok", (10, 100)), ("f", None, "instagram", None)]
    b = peer_benchmarks(rows)
    assert b["a"].rate == pytest.approx(350 / 7000) and b["a"].peers == 2
    assert b["c"].rate == pytest.approx(400 / 3000)
    assert b["d"].rate is None and b["d"].peers == 0       # alone among macro on instagram
    assert b["e"].rate is None                             # alone on tiktok
    assert b["f"].rate is None


def test_followers_at_post_time_else_latest() -> None:
    posts = [PostStats("x", likes=10, comments=5, followers=1000),
             PostStats("y", likes=20, shares=5),                   # no count at post time
             PostStats("z", views=100)]                            # no engagement data
    assert pooled_engagement(posts, 2000) == (40, 3000)
    assert pooled_engagement([PostStats("z", views=100)], 2000) is None


@pytest.mark.parametrize(("bench", "code", "penalty"), [
    (0.20, "low_engagement", 20),      # 0.0494 / 0.20 = 0.25 < 1/3
    (0.12, "low_engagement", 10),      # 0.41 < 1/2
    (0.06, "engagement_in_line", 0),
    (0.015, "high_engagement", 5),     # 3.3 times
])
def test_engagement_against_the_benchmark(bench: float, code: str, penalty: float) -> None:
    a = audit(_evidence(benchmark=Benchmark("micro", "instagram", bench, 5)))
    assert _codes(a)[code] == penalty
    assert a.benchmark_rate == bench


def test_no_peers_is_said_not_invented() -> None:
    a = audit(_evidence(benchmark=Benchmark("mega", "instagram", None, 0)))
    reason = next(r for r in a.reasons if r.code == "no_peers")
    assert reason.penalty == 0 and reason.values["tier"] == "mega"
    assert a.benchmark_rate is None and a.engagement_rate is not None


# ---- comments per like -----------------------------------------------------------------

def test_comments_per_like_band_per_platform() -> None:
    few = (PostStats("p", likes=2000, comments=4, followers=20_000),)        # 0.2%
    many = (PostStats("p", likes=1000, comments=150, followers=20_000),)     # 15%
    assert _codes(audit(_evidence(posts=few)))["few_comments_per_like"] == 10
    assert _codes(audit(_evidence(posts=many)))["many_comments_per_like"] == 10
    # 15% of likes is usual on YouTube (0.5% to 20%)
    yt = audit(_evidence(platform="youtube", posts=many,
                         benchmark=Benchmark("micro", "youtube", 0.15, 2)))
    assert "many_comments_per_like" not in _codes(yt)
    # 150 likes are too few to judge
    thin = audit(_evidence(posts=(PostStats("p", likes=150, comments=0, followers=20_000),)))
    assert _codes(thin)["few_likes"] == 0 and thin.comment_like_ratio is None


# ---- comment signals ---------------------------------------------------------------------

def test_generic_share_is_judged_by_its_lower_bound() -> None:
    # 8 of 10 generic: share 80% but the lower bound is 0.49 -> not enough to say
    small = audit(_evidence(comments=CommentStats(10, 8, 0, 8)))
    assert "generic_comments" not in _codes(small) and "few_comments" in _codes(small)
    # 80 of 100: lower bound 0.71 -> 10; 95 of 100: 0.89 -> 20
    assert _codes(audit(_evidence(comments=CommentStats(100, 80, 0, 80))))[
        "generic_comments"] == 10
    assert _codes(audit(_evidence(comments=CommentStats(100, 95, 0, 95))))[
        "generic_comments"] == 20


def test_repeated_scripts_and_bursts() -> None:
    c = CommentStats(60, 5, 10, 15, repeated=(("DM us to be featured", 6),), burst_posts=1,
                     burst_minutes=2)
    codes = _codes(audit(_evidence(comments=c)))
    assert codes["repeated_comments"] == 5 and codes["comment_bursts"] == 10
    # 10 of 60 promotional: lower bound 0.093 < 0.10 -> not scored
    assert "promotional_comments" not in codes


# ---- follower growth -----------------------------------------------------------------------

def test_daily_growth_interpolates_irregular_snapshots() -> None:
    snaps = [(_day(0), 1000), (_day(2), 1200), (_day(3), 1500), (_day(7), 1900)]
    g = daily_growth(snaps, "UTC")
    assert [d.day for d in g] == [date(2024, 2, 1) + timedelta(days=k) for k in range(7)]
    assert [round(d.growth, 6) for d in g] == [100, 100, 300, 100, 100, 100, 100]
    assert g[2].followers == 1500


def test_daily_growth_cuts_days_in_the_workspace_zone() -> None:
    # 23:00 UTC is midnight in Rome: the snapshots are exactly at local day boundaries
    snaps = [(_day(k, -1), 1000 + 10 * k) for k in range(4)]
    rome = daily_growth(snaps, "Europe/Rome")
    assert [d.growth for d in rome] == pytest.approx([10, 10, 10])
    assert rome[0].day == date(2024, 2, 1)
    # in UTC the same snapshots leave only two whole days inside the span
    assert len(daily_growth(snaps, "UTC")) == 2


def test_spike_detection_is_robust() -> None:
    days = [DayGrowth(date(2024, 2, 1) + timedelta(days=k), 100.0 + (k % 3), 50_000.0)
            for k in range(20)]
    days[12] = DayGrowth(days[12].day, 5100.0, 55_000.0)
    days[13] = DayGrowth(days[13].day, 3100.0, 58_000.0)
    spikes = growth_spikes(days)
    assert len(spikes) == 1                           # two consecutive days: one episode
    s = spikes[0]
    assert (s.start, s.end) == (date(2024, 2, 13), date(2024, 2, 14))
    # median 101, MAD 1 -> scale 1.4826; excess 4999 + 2999
    assert s.excess == pytest.approx(4999 + 2999)
    assert s.z == pytest.approx(4999 / 1.4826)
    # a jump under 0.5% of the audience is noise, however regular the rest
    small = list(days)
    small[12] = DayGrowth(small[12].day, 300.0, 55_000.0)
    small[13] = DayGrowth(small[13].day, 101.0, 55_000.0)
    assert growth_spikes(small) == []
    assert growth_spikes(days[:13]) == []             # under 14 days of history


def test_a_viral_post_explains_a_jump_and_an_ordinary_one_does_not() -> None:
    snaps = tuple(_steady(30, start=30_000, per_day=30, jumps={15: 3000}))
    viral = PostStats("viral", _day(13, 18), likes=9000, comments=200, views=200_000,
                      followers=30_390)
    ordinary = [PostStats(f"o{k}", _day(k, 18), likes=1500, comments=40, views=8000 + k,
                          followers=30_000) for k in (2, 5, 8)]
    explained = audit(_evidence(snapshots=snaps, posts=(*ordinary, viral),
                                followers=33_900))
    assert explained.spikes == 0 and _codes(explained)["explained_jumps"] == 0
    reason = next(r for r in explained.reasons if r.code == "explained_jumps")
    assert reason.values["post"] == "viral" and reason.values["day"] == "2024-02-15"
    # the same jump after the same post published 4 days earlier is not explained
    early = PostStats("viral", _day(10, 18), likes=9000, comments=200, views=200_000,
                      followers=30_300)
    loose = audit(_evidence(snapshots=snaps, posts=(*ordinary, early), followers=33_900))
    assert loose.spikes == 1 and _codes(loose)["follower_jumps"] == 15
    assert "explained_jumps" not in _codes(loose)
    # nor is it explained by an ordinary post in the window
    dull = PostStats("dull", _day(14, 18), likes=1500, comments=40, views=9000,
                     followers=30_420)
    assert audit(_evidence(snapshots=snaps, posts=(*ordinary, dull))).spikes == 1


def test_reach_beyond_the_followers_is_viral_even_without_a_median() -> None:
    s = growth_spikes([DayGrowth(date(2024, 2, 1) + timedelta(days=k),
                                 3000.0 if k == 15 else 30.0, 33_000.0) for k in range(20)])
    one = PostStats("only", datetime(2024, 2, 14, 18, tzinfo=UTC), views=40_000)
    assert explain_spikes(s, [one], "UTC", 33_000)[0].explained_by == one
    assert explain_spikes(s, [one], "UTC", 50_000)[0].explained_by is None


# ---- fake followers ------------------------------------------------------------------------

@pytest.mark.parametrize(("fake", "judged", "code", "penalty"), [
    (12, 40, "fake_followers", 15),         # 30%: lower bound 0.18
    (20, 40, "fake_followers", 30),         # 50%: lower bound 0.35
    (140, 200, "fake_followers", 45),       # 70%: lower bound 0.63
    (6, 100, "fake_followers_usual", 0),    # 6%: lower bound 0.03
    (10, 20, "small_follower_sample", 0),   # too few to score
])
def test_fake_follower_steps(fake: int, judged: int, code: str, penalty: float) -> None:
    from creatorroi.quality.fake_followers import wilson

    low, high = wilson(fake, judged)
    a = audit(_evidence(sample=FakeShare(judged, judged, fake, fake / judged, low, high)))
    assert _codes(a)[code] == penalty
    assert a.fake_follower_share == pytest.approx(fake / judged)


# ---- invariants ------------------------------------------------------------------------------

GENERIC = ["wow", "Nice pic 😍", "🔥🔥", "bellissima", "대박", "好美", "عالی", "top"]
PROMO = ["Check my profile!", "DM for promo 💌", "follow me back", "www.cheap.example"]


@st.composite
def comment_pools(draw: st.DrawFn) -> list[tuple[str, str]]:
    texts = draw(st.lists(st.sampled_from(GENERIC + PROMO + ["genuine"]), max_size=60))
    authors = draw(st.lists(st.integers(0, 8), min_size=len(texts), max_size=len(texts)))
    return [(t if t != "genuine" else f"my own words number {i}", f"u{a}")
            for i, (t, a) in enumerate(zip(texts, authors, strict=True))]


@st.composite
def evidences(draw: st.DrawFn) -> tuple[AccountEvidence, list[tuple[str, str]]]:
    pool = draw(comment_pools())
    likes = draw(st.integers(0, 5000))
    comments = draw(st.integers(0, 800))
    posts = () if draw(st.booleans()) else (
        PostStats("p", _day(5), likes=likes, comments=comments, followers=20_000,
                  views=draw(st.integers(0, 90_000))),)
    jumps = draw(st.dictionaries(st.integers(1, 29), st.integers(0, 9000), max_size=3))
    snaps = () if draw(st.booleans()) else tuple(_steady(draw(st.integers(1, 30)),
                                                         jumps=jumps))
    n = draw(st.integers(0, 300))
    k = draw(st.integers(0, n))
    from creatorroi.quality.fake_followers import wilson

    sample = None if n == 0 else FakeShare(n, n, k, k / n, *wilson(k, n))
    bench = draw(st.sampled_from([None, 0.01, 0.05, 0.3]))
    e = AccountEvidence("instagram:x", "instagram", 20_600, snaps, posts, None, sample,
                        Benchmark("micro", "instagram", bench, 2 if bench else 0))
    return e, pool


def _with_comments(e: AccountEvidence, pool: list[tuple[str, str]]) -> AccountEvidence:
    t = CommentTally()
    for text, author in pool:
        t.add(text, author)
    stats = CommentStats(t.total, t.generic, t.spam, t.low_effort, tuple(t.repeated()))
    return AccountEvidence(e.account_id, e.platform, e.followers, e.snapshots, e.posts,
                           stats if t.total else None, e.sample, e.benchmark)


@settings(max_examples=150, deadline=None)
@given(evidences())
def test_score_is_bounded_and_explained_by_its_reasons(case: tuple[AccountEvidence, list[
        tuple[str, str]]]) -> None:
    e, pool = case
    a = audit(_with_comments(e, pool))
    assert 0 <= a.score <= 100
    assert a.score == score_of(a.reasons) == max(0.0, 100 - sum(r.penalty for r in a.reasons))
    assert all(r.penalty >= 0 for r in a.reasons)
    assert a.verdict == verdict_for(a.score, 70, 50)
    for r in a.reasons:                          # every msgid renders with its values
        assert r.render()


@settings(max_examples=150, deadline=None)
@given(evidences(), st.text(alphabet="abcdefghij ", min_size=6, max_size=30))
def test_a_genuine_comment_never_lowers_the_score(
        case: tuple[AccountEvidence, list[tuple[str, str]]], words: str) -> None:
    e, pool = case
    before = audit(_with_comments(e, pool)).score
    genuine = f"honest question about the routine: {words} (fan {len(pool)})"
    after = audit(_with_comments(e, [*pool, (genuine, "a-new-fan")])).score
    assert after >= before
