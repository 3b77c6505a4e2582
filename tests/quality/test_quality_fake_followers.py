"""The rule-based fake-follower classifier and the share it estimates, with its interval."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest

from creatorroi.ingest.canonical import follower_features
from creatorroi.quality.fake_followers import (
    FollowerProfile,
    estimate,
    is_fake,
    red_flags,
    wilson,
)

REAL = FollowerProfile(has_picture=True, username_digits=0.0, fullname_words=2,
                       name_is_username=False, bio_length=28, has_url=False, private=False,
                       posts=120, followers=340, follows=410)
BOT = FollowerProfile(has_picture=False, username_digits=8 / 12, fullname_words=0,
                      name_is_username=False, bio_length=0, has_url=False, private=False,
                      posts=0, followers=3, follows=900)


def test_flags_are_the_documented_signs() -> None:
    assert red_flags(REAL) == ([], 6)
    assert red_flags(BOT) == (["no_picture", "digit_username", "no_bio", "few_posts",
                               "few_followers", "follows_many"], 6)
    assert is_fake(REAL) is False and is_fake(BOT) is True


def test_two_flags_make_a_fake_one_does_not() -> None:
    lurker = FollowerProfile(has_picture=True, username_digits=0.0, bio_length=0,
                             posts=40, followers=250, follows=300)       # no bio only
    assert red_flags(lurker)[0] == ["no_bio"] and is_fake(lurker) is False
    quiet = FollowerProfile(has_picture=True, username_digits=0.0, bio_length=0,
                            posts=2, followers=250, follows=300)         # no bio, 2 posts
    assert is_fake(quiet) is True


def test_thresholds_sit_where_documented() -> None:
    base = dict(has_picture=True, bio_length=10, posts=50, followers=500, follows=100)
    assert red_flags(FollowerProfile(username_digits=0.25, **base))[0] == ["digit_username"]
    assert red_flags(FollowerProfile(username_digits=0.24, **base))[0] == []
    assert "few_followers" in red_flags(FollowerProfile(**{**base, "followers": 99}))[0]
    assert "few_followers" not in red_flags(FollowerProfile(**{**base, "followers": 100}))[0]
    assert "follows_many" in red_flags(FollowerProfile(**{**base, "follows": 1500}))[0]
    assert "follows_many" not in red_flags(FollowerProfile(**{**base, "follows": 1499}))[0]


def test_unknown_features_are_not_guessed() -> None:
    sparse = FollowerProfile(has_picture=True, posts=300)
    assert red_flags(sparse) == ([], 2) and is_fake(sparse) is None
    # two flags already raised are proof enough, whatever else is unknown
    assert is_fake(FollowerProfile(has_picture=False, posts=0)) is True


def test_features_of_an_imported_follower_match_the_classifier() -> None:
    f = follower_features("@user83920471", "")
    assert f["username_digits"] == pytest.approx(8 / 12) and f["fullname_words"] == 0


def test_share_and_wilson_interval_by_hand() -> None:
    sample = [BOT] * 12 + [REAL] * 28 + [FollowerProfile(has_picture=True)] * 5
    s = estimate(sample)
    assert (s.sampled, s.judged, s.fake) == (45, 40, 12)
    assert s.share == pytest.approx(0.3)
    # p = 0.3, n = 40, z = 1.96: centre 0.3175, half-width 0.1368
    assert s.low == pytest.approx(0.18075, abs=1e-4)
    assert s.high == pytest.approx(0.45430, abs=1e-4)
    empty = estimate([])
    assert empty.judged == 0 and empty.share is None and empty.low is None


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 1), (3, 30), (25, 30), (50, 50),
                                      (7, 1000)])
def test_wilson_agrees_with_scipy(k: int, n: int) -> None:
    ci = binomtest(k, n).proportion_ci(method="wilson")
    low, high = wilson(k, n)
    assert low == pytest.approx(ci.low, abs=1e-9) and high == pytest.approx(ci.high, abs=1e-9)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_wilson_bounds_hold_the_share_and_fall_with_more_non_fakes(k: int, n: int) -> None:
    k = min(k, n)
    low, high = wilson(k, n)
    assert 0 <= low <= k / n <= high <= 1
    # one more observation that is not a success never raises the lower bound: the audit
    # relies on this so a genuine comment can never lower an account's score
    assert wilson(k, n + 1)[0] <= low + 1e-12
