"""Audience audit of every creator account: gather the evidence, judge it, store the verdicts.

The judging is ``quality.audience`` (pure); this module only reads the store and writes the
``audience_audits`` table. Comments are streamed, never loaded whole: one query sorted by
account and text feeds a ``CommentTally`` per account, and comment bursts are counted per
post and clock minute in SQL, so a million comments need memory for one account's distinct
texts at most (bounded further by the tally itself).

A comment belongs to an account through its post: the post's creator and platform name the
account (as the KPIs join posts to follower counts). Comments on posts the store does not know
are not audited.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from creatorroi.model.tiers import tier_for
from creatorroi.quality.audience import (
    AccountEvidence,
    Audit,
    CommentStats,
    PostStats,
    audit,
    peer_benchmarks,
    pooled_engagement,
)
from creatorroi.quality.bots import CommentTally, burst_minutes
from creatorroi.quality.fake_followers import FakeShare, FollowerProfile, estimate

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

COLUMNS = ["account_id", "influencer_id", "platform", "handle", "tier", "score", "verdict",
           "reasons", "engagement_rate", "benchmark_rate", "generic_share",
           "comment_like_ratio", "fake_follower_share", "spikes"]
CHUNK = 20_000
_SAMPLE_COLS = ("has_picture", "username_digits", "fullname_words", "name_is_username",
                "bio_length", "has_url", "private", "posts", "followers", "follows")


def _stream(ws: Workspace, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    return ws.store.stream(sql, params, CHUNK)


def _utc(value: Any) -> datetime | None:
    if value is None or (not isinstance(value, datetime) and pd.isna(value)):
        return None
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _snapshots(ws: Workspace, now: datetime) -> dict[str, list[tuple[datetime, int]]]:
    out: dict[str, list[tuple[datetime, int]]] = {}
    for account, at, followers in ws.store.fetch(
            "SELECT account_id, captured_at, followers FROM follower_snapshots "
            "WHERE workspace_id = ? AND captured_at <= ? ORDER BY account_id, captured_at",
            [ws.id, now]):
        ts = _utc(at)
        if ts is not None and followers is not None:
            out.setdefault(account, []).append((ts, int(followers)))
    return out


def _followers_at(snaps: list[tuple[datetime, int]], when: datetime | None) -> int | None:
    """The nearest snapshot at or before ``when``, else the first after (as the KPIs do)."""
    if not snaps:
        return None
    if when is None:
        return snaps[-1][1]
    i = bisect.bisect_right([s[0] for s in snaps], when)
    return snaps[i - 1][1] if i > 0 else snaps[0][1]


def _posts(ws: Workspace, now: datetime) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    rows = ws.store.fetch(
        "SELECT p.influencer_id, p.platform, p.id, p.published_at, m.likes, m.comments, "
        "m.shares, m.saves, m.views, m.reach, m.impressions FROM posts p LEFT JOIN ("
        "  SELECT post_id, likes, comments, shares, saves, views, reach, impressions, "
        "  row_number() OVER (PARTITION BY post_id ORDER BY captured_at DESC) AS r "
        "  FROM post_metrics WHERE workspace_id = ? AND captured_at <= ?) m "
        "ON m.post_id = p.id AND m.r = 1 "
        "WHERE p.workspace_id = ? AND p.published_at IS NOT NULL AND p.published_at <= ? "
        "ORDER BY p.id", [ws.id, now, ws.id, now])
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in rows:
        out.setdefault((r[0], r[1]), []).append(r[2:])
    return out


def _post_stats(rows: list[tuple[Any, ...]], snaps: list[tuple[datetime, int]]
                ) -> list[PostStats]:
    out = []
    for pid, at, likes, comments, shares, saves, views, reach, impressions in rows:
        published = _utc(at)
        out.append(PostStats(pid, published, _int(likes), _int(comments), _int(shares),
                             _int(saves), _int(views), _int(reach), _int(impressions),
                             _followers_at(snaps, published)))
    return out


_COMMENT_FROM = (
    "FROM comments c JOIN posts p ON p.workspace_id = c.workspace_id AND p.id = c.post_id "
    "WHERE c.workspace_id = ? AND c.kind = 'comment' "
    "AND (c.created_at IS NULL OR c.created_at <= ?) ")


def _comment_tallies(ws: Workspace, now: datetime) -> dict[tuple[str, str], CommentTally]:
    """One tally per (creator, platform); rows arrive sorted by text so that repeats of a
    script are neighbours, which keeps the tally's memory bound harmless."""
    tallies: dict[tuple[str, str], CommentTally] = {}
    for inf, platform, text, author in _stream(
            ws, "SELECT p.influencer_id, p.platform, c.text, c.author_hash " + _COMMENT_FROM
            + "ORDER BY p.influencer_id, p.platform, lower(c.text), c.id", [ws.id, now]):
        tally = tallies.get((inf, platform))
        if tally is None:
            tally = tallies[(inf, platform)] = CommentTally()
        tally.add(str(text), author)
    return tallies


def _bursts(ws: Workspace, now: datetime) -> dict[tuple[str, str], tuple[int, int]]:
    """(posts with a burst, burst minutes) per (creator, platform), from per-minute counts."""
    per_post: dict[tuple[str, str, str], list[int]] = {}
    for inf, platform, post, n in _stream(
            ws, "SELECT p.influencer_id, p.platform, c.post_id, count(*) " + _COMMENT_FROM
            + "AND c.created_at IS NOT NULL GROUP BY p.influencer_id, p.platform, c.post_id, "
            "date_trunc('minute', c.created_at)", [ws.id, now]):
        per_post.setdefault((inf, platform, post), []).append(int(n))
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for (inf, platform, _), counts in per_post.items():
        minutes = burst_minutes(counts)
        if minutes:
            posts, total = out.get((inf, platform), (0, 0))
            out[(inf, platform)] = (posts + 1, total + minutes)
    return out


def _samples(ws: Workspace) -> dict[str, FakeShare]:
    cols = ", ".join(_SAMPLE_COLS)
    current: str | None = None
    profiles: list[FollowerProfile] = []
    out: dict[str, FakeShare] = {}
    for row in _stream(ws, f"SELECT account_id, {cols} FROM follower_samples "
                           "WHERE workspace_id = ? ORDER BY account_id", [ws.id]):
        if row[0] != current:
            if current is not None:
                out[current] = estimate(profiles)
            current, profiles = row[0], []
        values = [None if v is None or (isinstance(v, float) and pd.isna(v)) else v
                  for v in row[1:]]
        profiles.append(FollowerProfile(**dict(zip(_SAMPLE_COLS, values, strict=True))))
    if current is not None:
        out[current] = estimate(profiles)
    return out


def _comment_stats(tally: CommentTally | None, bursts: tuple[int, int]) -> CommentStats | None:
    if tally is None:
        return None
    return CommentStats(tally.total, tally.generic, tally.spam, tally.low_effort,
                        tuple(tally.repeated()), bursts[0], bursts[1])


def gather(ws: Workspace, now: datetime) -> tuple[pd.DataFrame, list[AccountEvidence]]:
    """Every account with its evidence as of ``now`` (accounts as a frame, evidence in the
    same order)."""
    accounts = ws.store.fetch("SELECT id, influencer_id, platform, handle FROM accounts "
                              "WHERE workspace_id = ? ORDER BY id", [ws.id])
    snaps = _snapshots(ws, now)
    posts = _posts(ws, now)
    tallies = _comment_tallies(ws, now)
    bursts = _bursts(ws, now)
    samples = _samples(ws)
    info, partial = [], []
    for account, inf, platform, handle in accounts:
        acc_snaps = snaps.get(account, [])
        latest = acc_snaps[-1][1] if acc_snaps else None
        tier = tier_for(latest, ws.settings.tiers)
        stats = _post_stats(posts.get((inf, platform), []), acc_snaps)
        info.append((account, inf, platform, handle, tier.value if tier else None))
        partial.append(AccountEvidence(
            account, platform, latest, tuple(acc_snaps), tuple(stats),
            _comment_stats(tallies.get((inf, platform)), bursts.get((inf, platform), (0, 0))),
            samples.get(account)))
    bench = peer_benchmarks([(e.account_id, row[4], e.platform,
                              pooled_engagement(e.posts, e.followers))
                             for row, e in zip(info, partial, strict=True)])
    evidence = [AccountEvidence(e.account_id, e.platform, e.followers, e.snapshots, e.posts,
                                e.comments, e.sample, bench[e.account_id]) for e in partial]
    frame = pd.DataFrame(info, columns=["account_id", "influencer_id", "platform", "handle",
                                        "tier"])
    return frame, evidence


def _row(a: Audit) -> dict[str, Any]:
    return {"score": a.score, "verdict": a.verdict,
            "reasons": [r.as_dict() for r in a.reasons], "engagement_rate": a.engagement_rate,
            "benchmark_rate": a.benchmark_rate, "generic_share": a.generic_share,
            "comment_like_ratio": a.comment_like_ratio,
            "fake_follower_share": a.fake_follower_share, "spikes": a.spikes}


def run_audit(ws: Workspace, *, now: datetime | None = None) -> pd.DataFrame:
    """Audit every account as of ``now`` (default: this moment) and replace the stored
    audits with the result, in one transaction. One row per account, worst score first."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    q = ws.settings.quality
    accounts, evidence = gather(ws, now)
    rows = [_row(audit(e, tz=ws.timezone, watch_below=q.watch_below,
                       fail_below=q.fail_below)) for e in evidence]
    result = pd.concat([accounts.reset_index(drop=True),
                        pd.DataFrame(rows, columns=COLUMNS[5:])], axis=1)[COLUMNS]
    result["spikes"] = result["spikes"].astype("Int64")
    stored = pd.DataFrame({
        "account_id": result["account_id"],
        "audited_at": pd.Series([pd.Timestamp(now)] * len(result), dtype="datetime64[us, UTC]"),
        "score": result["score"].astype(float),
        "verdict": result["verdict"],
        "reasons": [json.dumps(r, ensure_ascii=False) for r in result["reasons"]],
        **{c: pd.to_numeric(result[c], errors="coerce").astype(float)
           for c in ("engagement_rate", "benchmark_rate", "generic_share",
                     "comment_like_ratio", "fake_follower_share")},
        "spikes": result["spikes"],
    })
    with ws.store.transaction():
        ws.store.replace("audience_audits", stored, ws.id)
        ws.store.touch(ws.id)
    return result.sort_values(["score", "account_id"]).reset_index(drop=True)


def stored_audits(ws: Workspace) -> pd.DataFrame:
    """The latest stored audits (empty when ``run_audit`` never ran)."""
    rows = ws.store.fetch(
        "SELECT u.account_id, a.influencer_id, a.platform, a.handle, u.score, u.verdict, "
        "u.reasons FROM audience_audits u JOIN accounts a ON a.workspace_id = u.workspace_id "
        "AND a.id = u.account_id WHERE u.workspace_id = ? ORDER BY u.score, u.account_id",
        [ws.id])
    frame = pd.DataFrame(rows, columns=["account_id", "influencer_id", "platform", "handle",
                                        "score", "verdict", "reasons"])
    frame["reasons"] = [json.loads(r or "[]") for r in frame["reasons"]]
    return frame


def spend_at_risk(ws: Workspace, audits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Money spent on creators whose audience failed or needs watching: money spent on a fake
    audience is lost. One row per creator (worst account), cost in the home currency as
    Decimal (``kpis("influencer")``), biggest first; NA where no cost was recorded."""
    if audits is None:
        audits = stored_audits(ws)
        if audits.empty:
            audits = run_audit(ws)
    cols = ["influencer_id", "influencer", "verdict", "score", "accounts", "cost", "currency"]
    risky = audits[audits["verdict"].isin(["fail", "watch"])]
    if risky.empty:
        return pd.DataFrame(columns=cols)
    kpis = ws.kpis("influencer")
    labels = ws._rollup_input().labels.influencer
    cost_by_label = dict(zip(kpis["influencer"], kpis["cost"], strict=True))
    out = []
    for inf, group in risky.groupby("influencer_id", sort=True):
        worst = group.sort_values("score").iloc[0]
        label = labels.get(str(inf), str(inf))
        cost = cost_by_label.get(label)
        accounts = ", ".join(f"@{h} ({p})" for h, p in zip(group["handle"], group["platform"],
                                                            strict=True))
        out.append((inf, label, worst["verdict"], float(worst["score"]), accounts,
                    cost if isinstance(cost, Decimal) else pd.NA, ws.currency))
    frame = pd.DataFrame(out, columns=cols)
    key = [c if isinstance(c, Decimal) else Decimal(-1) for c in frame["cost"]]
    return frame.iloc[sorted(range(len(frame)), key=lambda i: -key[i])].reset_index(drop=True)
