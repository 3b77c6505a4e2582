"""Decay curves: how fast a post collects its views or engagement after publication.

Each post's snapshots become the share of its latest value reached ``d`` days after it was
published (``d`` counted in 24-hour steps from the publication instant, so no time zone is
involved). Between snapshots the share is interpolated linearly, from 0 at publication to the
first snapshot; after the last snapshot nothing is assumed, so a post observed for 5 days says
nothing about day 6. Posts are then summarised per content type (or platform): the median and
interquartile range of the share on each day, and the median number of days posts took to
reach half and nine tenths of their latest value.

Shares are of the *latest* value, not of a lifetime total no one has observed: a post seen only
for its first week counts its week-one value as 100 %, which is why ``observed`` (the posts
with a snapshot on or after that day) is reported beside every number.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

METRICS = ("views", "engagements")
GROUPINGS = ("content_type", "platform")
ENGAGEMENT_PARTS = ("likes", "comments", "shares", "saves")
LEVELS = (0.5, 0.9)
COLUMNS = ("day", "posts", "observed", "median", "q1", "q3", "days_to_50", "days_to_90")
DAY = pd.Timedelta(days=1)


def metric_values(snapshots: pd.DataFrame, metric: str) -> pd.Series:
    """``views``, or ``engagements``: likes + comments + shares + saves, the parts the export
    has (a snapshot with none of them has no value)."""
    if metric == "views":
        return pd.to_numeric(snapshots["views"], errors="coerce").astype("float64")
    if metric == "engagements":
        parts = snapshots[list(ENGAGEMENT_PARTS)].apply(pd.to_numeric, errors="coerce")
        return parts.astype("float64").sum(axis=1, min_count=1)
    raise ValueError(f"unknown metric {metric!r}; expected one of {METRICS}")


def post_curve(ages: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The curve's corners: ages in days from publication and shares of the latest value,
    starting at (0, 0) unless a snapshot was taken at publication. None when the latest value
    is not positive (a share of nothing is undefined)."""
    order = np.argsort(ages, kind="stable")
    t, v = ages[order], values[order]
    keep = np.append(t[1:] != t[:-1], True)  # of snapshots at the same age, the last
    t, v = t[keep], v[keep]
    if len(t) == 0 or not v[-1] > 0:
        return None
    s = v / v[-1]
    if t[0] > 0:
        t, s = np.insert(t, 0, 0.0), np.insert(s, 0, 0.0)
    return t, s


def shares_on_days(t: np.ndarray, s: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Interpolated share on each day; NaN after the last snapshot."""
    out = np.interp(days, t, s)
    return np.where(days <= t[-1], out, np.nan)


def days_to(t: np.ndarray, s: np.ndarray, level: float) -> float:
    """The first time the interpolated curve reaches ``level`` (it does: it ends at 1)."""
    i = int(np.argmax(s >= level))
    if i == 0:
        return float(t[0])
    t0, t1, s0, s1 = t[i - 1], t[i], s[i - 1], s[i]
    return float(t0 + (level - s0) / (s1 - s0) * (t1 - t0))


def post_shares(snapshots: pd.DataFrame, posts: pd.DataFrame, metric: str = "views",
                by: str = "content_type", days: int = 30) -> pd.DataFrame:
    """One row per post and day 0..``days``: ``post_id``, ``by``, ``day``, ``share`` (NaN
    where the post was not observed that long), ``days_to_50``, ``days_to_90``."""
    cols = ["post_id", by, "day", "share", "days_to_50", "days_to_90"]
    published = posts[posts["published_at"].notna()][["id", "published_at", by]]
    snaps = snapshots.assign(_value=metric_values(snapshots, metric))[
        ["post_id", "captured_at", "_value"]]
    j = snaps.merge(published, left_on="post_id", right_on="id")
    j = j[j["_value"].notna()]
    age = (pd.to_datetime(j["captured_at"], utc=True)
           - pd.to_datetime(j["published_at"], utc=True)) / DAY
    j = j.assign(_age=age)[age >= 0]
    grid = np.arange(days + 1, dtype="float64")
    j = j.sort_values(["post_id", "_age"], kind="stable")
    post_ids = j["post_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, post_ids[1:] != post_ids[:-1]]) if len(j) else ()
    bounds = [*(int(i) for i in starts), len(j)]
    ages, values, groups = (j["_age"].to_numpy(float), j["_value"].to_numpy(float),
                            j[by].to_numpy())
    kept: list[tuple[str, object, np.ndarray, float, float]] = []
    for lo, hi in pairwise(bounds):
        curve = post_curve(ages[lo:hi], values[lo:hi])
        if curve is not None:
            t, s = curve
            kept.append((post_ids[lo], groups[lo], shares_on_days(t, s, grid),
                         days_to(t, s, LEVELS[0]), days_to(t, s, LEVELS[1])))
    if not kept:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols}).astype(
            {"post_id": object, by: object, "day": "int64"})
    width = len(grid)
    return pd.DataFrame({
        "post_id": np.repeat([k[0] for k in kept], width),
        by: np.repeat(np.array([k[1] for k in kept], dtype=object), width),
        "day": np.tile(grid.astype("int64"), len(kept)),
        "share": np.concatenate([k[2] for k in kept]),
        "days_to_50": np.repeat([k[3] for k in kept], width),
        "days_to_90": np.repeat([k[4] for k in kept], width),
    })[cols]


def curves(snapshots: pd.DataFrame, posts: pd.DataFrame, metric: str = "views",
           by: str = "content_type", days: int = 30) -> pd.DataFrame:
    """Per ``by`` group and day 0..``days``: posts in the group, posts observed that day, the
    median share and its quartiles, and the median days to 50 % and 90 % of the latest value.

    ``snapshots``: post_id, captured_at and the metric columns (post_metrics rows);
    ``posts``: id, published_at, content_type, platform.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {METRICS}")
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; expected one of {GROUPINGS}")
    if days < 0:
        raise ValueError("days must not be negative")
    per_post = post_shares(snapshots, posts, metric, by, days)
    share = per_post.groupby([by, "day"], sort=True)["share"]
    daily = pd.DataFrame({"observed": share.count(), "median": share.median(),
                          "q1": share.quantile(0.25), "q3": share.quantile(0.75)}).reset_index()
    totals = per_post.drop_duplicates("post_id").groupby(by, sort=True).agg(
        posts=("post_id", "size"), days_to_50=("days_to_50", "median"),
        days_to_90=("days_to_90", "median")).reset_index()
    frame = daily.merge(totals, on=by)[[by, *COLUMNS]]
    return frame.astype({"day": "int64", "posts": "int64", "observed": "int64",
                         "median": "float64", "q1": "float64", "q3": "float64",
                         "days_to_50": "float64", "days_to_90": "float64"})
