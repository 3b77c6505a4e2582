"""A transparent fake-follower classifier on public profile features, and the share it finds.

Why rules and not a model: a marketer must be able to read why a follower counts as fake
("no profile picture, no posts") and a model trained on one public data set would carry that
set's quirks silently. Each red flag below is a sign fake-follower studies agree on; a profile
raising ``FAKE_AT`` or more flags is counted as fake.

The thresholds were chosen by a grid search on the *train* split of the public Instagram
fake/spammer data set only (``benchmarks/audience.py --tune``); ``benchmarks/audience.py``
reports precision and recall on its held-out *test* split beside baselines and a logistic
regression. A profile whose features are mostly unknown is not judged at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class FollowerProfile:
    """The features ``ingest.canonical.follower_features`` keeps of one follower (None:
    not in the export)."""

    has_picture: bool | None = None
    username_digits: float | None = None
    fullname_words: int | None = None
    name_is_username: bool | None = None
    bio_length: int | None = None
    has_url: bool | None = None
    private: bool | None = None
    posts: int | None = None
    followers: int | None = None
    follows: int | None = None


# Digits' share of the username at or above which it looks machine-made ("anna_83920471").
DIGITS_AT = 0.25
# A profile with this many posts or fewer has never really been used.
FEW_POSTS = 3
# Fewer followers than this: nobody follows the account back.
FEW_FOLLOWERS = 100
# Following this many times more accounts than follow it: a follow-for-follow bot.
FOLLOW_RATIO = 3.0
# Red flags needed to count a profile as fake, and features needed to judge it at all.
FAKE_AT = 2
MIN_KNOWN = 4


def _follows_many(p: FollowerProfile) -> bool | None:
    if p.follows is None or p.followers is None:
        return None
    return p.follows >= FOLLOW_RATIO * max(p.followers, 1)


# name -> test (None when the feature is missing). Names are stable codes for reasons.
RED_FLAGS: dict[str, Callable[[FollowerProfile], bool | None]] = {
    "no_picture": lambda p: None if p.has_picture is None else not p.has_picture,
    "digit_username": lambda p: (None if p.username_digits is None
                                 else p.username_digits >= DIGITS_AT),
    "no_bio": lambda p: None if p.bio_length is None else p.bio_length == 0,
    "few_posts": lambda p: None if p.posts is None else p.posts <= FEW_POSTS,
    "few_followers": lambda p: None if p.followers is None else p.followers < FEW_FOLLOWERS,
    "follows_many": _follows_many,
}


def red_flags(profile: FollowerProfile) -> tuple[list[str], int]:
    """The flags a profile raises, and how many flags could be evaluated at all."""
    raised, known = [], 0
    for name, test in RED_FLAGS.items():
        result = test(profile)
        if result is None:
            continue
        known += 1
        if result:
            raised.append(name)
    return raised, known


def is_fake(profile: FollowerProfile) -> bool | None:
    """True or False; None when too few features are known to judge."""
    raised, known = red_flags(profile)
    if len(raised) >= FAKE_AT:
        return True
    if known < MIN_KNOWN:
        return None
    return False


Z95 = NormalDist().inv_cdf(0.975)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (95% by default).

    Chosen over the normal approximation because follower samples are often small and fake
    shares near 0: Wilson never leaves [0, 1] and stays honest at a handful of observations.
    """
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class FakeShare:
    """What a follower sample says: judged profiles, fakes among them, share and its 95% CI."""

    sampled: int
    judged: int
    fake: int
    share: float | None
    low: float | None
    high: float | None


def estimate(profiles: Iterable[FollowerProfile]) -> FakeShare:
    sampled = judged = fake = 0
    for p in profiles:
        sampled += 1
        verdict = is_fake(p)
        if verdict is None:
            continue
        judged += 1
        fake += verdict
    if not judged:
        return FakeShare(sampled, 0, 0, None, None, None)
    low, high = wilson(fake, judged)
    return FakeShare(sampled, judged, fake, fake / judged, low, high)
