"""What the quality checks found, as page data: each deliverable's compliance and what to fix,
each account's audience audit with its reasons.

Both read the derived tables the checks write (``content_checks`` by ``creatorroi check``,
``audience_audits`` by ``creatorroi audit``), so a page shows what the latest run found and
says when no run has looked yet, rather than judging again on every request. Messages stay
msgids with values, translated when the page is rendered in the reader's language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from creatorroi.report.common import table
from creatorroi.report.model import Table

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

# A deliverable's compliance, as the calendar and the influencer page word it (msgids).
COMPLIANCE_LABELS = {"compliant": "Compliant", "needs_fixing": "Needs fixing",
                     "pending": "Not live yet", "not_checked": "Not checked"}
CHECK_LABELS = {"posted": "Posted on time", "hashtags": "Hashtags", "mentions": "Mentions",
                "disclosure": "Disclosure", "banned_words": "Banned words", "link": "Link",
                "code": "Promo code"}
VERDICT_LABELS = {"pass": "Pass", "watch": "Watch", "fail": "Fail"}


@dataclass(frozen=True)
class Message:
    """An English msgid and its values; the template translates it."""

    msgid: str
    values: dict[str, Any]


def plain(m: Message | None) -> dict[str, Any] | None:
    """A message as page data (JSON for the API, a dict for the template)."""
    return None if m is None else {"msgid": m.msgid, "values": m.values}


@dataclass(frozen=True)
class Problem:
    post: str
    check: str
    status: str
    message: Message | None
    suggestions: tuple[Message, ...]


def _messages(raw: Any) -> list[Message]:
    """``{msgid, values}`` or a list of them, as the checks store a finding and its fixes."""
    if not isinstance(raw, str) or not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return [Message(raw, {})]
    out = []
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict) and isinstance(item.get("msgid"), str):
            values = item.get("values") or {}
            out.append(Message(item["msgid"], {str(k): v for k, v in dict(values).items()}))
    return out


def _message(raw: Any) -> Message | None:
    found = _messages(raw)
    return found[0] if found else None


def compliance(ws: Workspace, post_ids: set[str] | None = None
               ) -> tuple[dict[str, str], list[Problem]]:
    """Each checked post's state (see ``COMPLIANCE_LABELS``) and its failed or warned checks.

    A post no check run has looked at is ``not_checked``; one whose checks are all pending
    (planned, not live) is ``pending``; any failed check makes it ``needs_fixing``.
    """
    rows = ws.store.fetch("SELECT post_id, check_name, status, detail, suggestion "
                          "FROM content_checks WHERE workspace_id = ? "
                          "ORDER BY post_id, check_name", [ws.id])
    states: dict[str, str] = {}
    problems: list[Problem] = []
    seen: dict[str, set[str]] = {}
    for post, check, status, detail, suggestion in rows:
        if post_ids is not None and post not in post_ids:
            continue
        seen.setdefault(post, set()).add(status)
        if status in ("fail", "warn"):
            problems.append(Problem(post, check, status, _message(detail),
                                    tuple(_messages(suggestion))))
    for post, statuses in seen.items():
        if "fail" in statuses:
            states[post] = "needs_fixing"
        elif statuses <= {"pending"}:
            states[post] = "pending"
        else:
            states[post] = "compliant"
    return states, problems


def state_of(states: dict[str, str], post: str) -> str:
    return COMPLIANCE_LABELS[states.get(post, "not_checked")]


@dataclass(frozen=True)
class AccountAudit:
    handle: str
    platform: str
    verdict: str
    score: float
    reasons: tuple[Message, ...]


def audits(ws: Workspace, influencer_id: str) -> tuple[Table, list[AccountAudit]]:
    """The latest audience audit of each of the influencer's accounts, with its reasons."""
    rows = ws.store.fetch(
        "SELECT a.platform, a.handle, u.score, u.verdict, u.reasons, u.engagement_rate, "
        "u.benchmark_rate, u.generic_share, u.comment_like_ratio, u.fake_follower_share, "
        "u.spikes, u.audited_at FROM accounts a JOIN audience_audits u "
        "ON u.workspace_id = a.workspace_id AND u.account_id = a.id "
        "WHERE a.workspace_id = ? AND a.influencer_id = ? ORDER BY a.platform, a.handle",
        [ws.id, influencer_id])
    out: list[AccountAudit] = []
    cells = []
    for (platform, handle, score, verdict, reasons, er, bench, generic, ratio, fake, spikes,
         at) in rows:
        parsed = _messages(reasons)
        out.append(AccountAudit(f"@{handle}", platform, verdict, float(score), tuple(parsed)))
        cells.append([platform, f"@{handle}", float(score), VERDICT_LABELS.get(verdict, verdict),
                      _pct(er), _pct(bench), _pct(generic), ratio, _pct(fake), spikes, at])
    t = table("audience", "Audience quality", [
        ("platform", "Platform", "text"), ("handle", "Handle", "text"),
        ("score", "Score (0-100)", "ratio"), ("state", "Verdict", "text"),
        ("engagement_rate", "Engagement rate", "percent"),
        ("benchmark", "Tier and platform benchmark", "percent"),
        ("generic_share", "Generic or bot-like comments", "percent"),
        ("comment_like_ratio", "Comments per like", "ratio"),
        ("fake_followers", "Fake followers in the sample", "percent"),
        ("spikes", "Unexplained follower jumps", "count"),
        ("audited_at", "Audited", "datetime")], cells,
        note="From the latest `creatorroi audit`. The score starts at 100 and loses points "
             "for each warning sign listed below it.")
    return t, out


def _pct(share: Any) -> float | None:
    """Stored shares are fractions; pages show percent."""
    return None if share is None else float(share) * 100
