"""Content monitoring as a service: check every deliverable of the running campaigns, keep the
findings, and tell the team (terminal, JSON, Slack) what needs a look.

Why the findings are stored: a cron job runs this daily, and only a *change* deserves an alert.
Each run reads the previous statuses from ``content_checks`` before replacing them, in one
transaction, so running twice on the same day alerts once, and a run that dies half-way leaves
the last complete results in place. The checks themselves live in ``creatorroi.quality.content``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pandas as pd

from creatorroi.dashboard.campaigns import local_today
from creatorroi.errors import ConfigError, CreatorROIError
from creatorroi.i18n import translator
from creatorroi.quality.content import (
    CHECKS,
    Assets,
    Brief,
    Context,
    Finding,
    Post,
    check_post,
    compliance_rate,
    complies,
)
from creatorroi.quality.verdict import Message
from creatorroi.store.values import as_date

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

CHECK_LABELS = {"posted": "Posted", "hashtags": "Hashtags", "mentions": "Mentions",
                "disclosure": "Disclosure", "banned_words": "Banned words", "link": "Link",
                "code": "Promo code"}
ATTENTION = ("fail", "warn")
FINDING_COLUMNS = ["post_id", "campaign_id", "campaign", "influencer_id", "influencer",
                   "platform", "url", "check", "status", "previous_status", "changed",
                   "published", "msgid", "values", "suggestions", "message", "suggestion"]
SUMMARY_COLUMNS = ["posts", "published", "compliant_posts", "checks", "passed",
                   "compliance_rate", "attention"]
# Slack: at most 50 blocks a message and 3,000 characters a section.
SLACK_POSTS = 40
SLACK_SECTION_CHARS = 3000
_DELETE_CHUNK = 500


@dataclass(frozen=True)
class CheckRun:
    """One run's findings (a row per post and check) with their compliance summaries.

    ``only_new`` narrows ``reported`` (and so ``attention``) to findings whose status differs
    from the previous run's; ``findings`` always holds every row.
    """

    as_of: date
    checked_at: datetime
    campaigns: tuple[str, ...]
    posts: int
    findings: pd.DataFrame
    by_campaign: pd.DataFrame
    by_creator: pd.DataFrame
    compliance_rate: float | None
    published: int
    compliant: int
    only_new: bool = False

    @property
    def reported(self) -> pd.DataFrame:
        f = self.findings
        return f[f["changed"]] if self.only_new else f

    @property
    def attention(self) -> pd.DataFrame:
        """Findings that need a person: failed or warned (new ones only with ``only_new``)."""
        r = self.reported
        return r[r["status"].isin(ATTENTION)]

    @property
    def resolved(self) -> pd.DataFrame:
        """Checks that failed or warned last run and pass now."""
        f = self.findings
        return f[f["previous_status"].isin(ATTENTION) & (f["status"] == "ok")]

    @property
    def news(self) -> bool:
        """Something to alert about: new attention or a resolved problem."""
        return bool(len(self.attention) or len(self.resolved))


# ---- running -----------------------------------------------------------------------------

def run_checks(ws: Workspace, *, today: date | None = None, campaign: str | None = None,
               only_new: bool = False) -> CheckRun:
    """Check the deliverables of the campaigns running on ``today`` (workspace days) or of
    ``campaign`` (running or not), store the findings, and return them.

    Running: always-on, or started and not over more than the briefs' longest grace ago.
    """
    today = today or local_today(ws)
    if campaign is not None:
        ws._require("campaigns", campaign, "campaign")
    briefs = _briefs(ws)
    ids = _campaigns(ws, today, campaign, briefs)
    posts = ws._frame("SELECT id, campaign_id, influencer_id, platform, content_type, "
                      "planned_on, published_at, url, caption, hashtags FROM posts "
                      "WHERE workspace_id = ? ORDER BY id")
    posts = posts[posts["campaign_id"].isin(ids)]
    people = ws._frame("SELECT id, name, country FROM influencers WHERE workspace_id = ?")
    names = {str(r.id): str(r.name) for r in people.itertuples()}
    countries = {str(r.id): r.country if isinstance(r.country, str) else None
                 for r in people.itertuples()}
    campaign_names = _campaign_names(ws)
    assets = _assets(ws)
    settings = ws.settings.quality.disclosures
    found: list[Finding] = []
    meta: dict[str, tuple[str, str | None]] = {}
    for r in posts.to_dict("records"):
        post = _post(r)
        meta[post.id] = (str(r["platform"]), r["url"] if isinstance(r["url"], str) else None)
        brief = briefs.get((post.campaign_id, post.influencer_id), Brief()).over(
            briefs.get((post.campaign_id, "")))
        ctx = Context(today, ws.timezone, settings, countries.get(post.influencer_id))
        own = assets.get((post.campaign_id, post.influencer_id), [])
        found += check_post(post, brief, _assets_for(own, post.id, ws), ctx)
    checked_at = datetime.now(UTC)
    previous = _store(ws, list(meta), found, checked_at)
    frame = _frame(found, previous, meta, campaign_names, names)
    published_posts = _by_post(f for f in found if f.published)
    return CheckRun(
        today, checked_at, tuple(ids), len(meta), frame,
        _summary(found, ["campaign_id"], campaign_names, names),
        _summary(found, ["campaign_id", "influencer_id"], campaign_names, names),
        compliance_rate(found), len(published_posts),
        sum(complies(fs) for fs in published_posts.values()), only_new)


def _briefs(ws: Workspace) -> dict[tuple[str, str], Brief]:
    frame = ws._frame("SELECT * FROM briefs WHERE workspace_id = ?")
    return {(str(r["campaign_id"]), str(r["influencer_id"] or "")): Brief.from_row(r)
            for r in frame.to_dict("records")}


def _campaigns(ws: Workspace, today: date, named: str | None,
               briefs: Mapping[tuple[str, str], Brief]) -> list[str]:
    if named is not None:
        return [named]
    grace: dict[str, int] = defaultdict(int)
    for (cid, _), brief in briefs.items():
        grace[cid] = max(grace[cid], brief.grace_days)
    out = []
    # fetch, not a frame: a frame's empty DATE is NaT, which ``as_date`` passes through
    for cid, starts, ends, always in ws.store.fetch(
            "SELECT id, starts_on, ends_on, always_on FROM campaigns WHERE workspace_id = ? "
            "ORDER BY id", [ws.id]):
        start, end = as_date(starts), as_date(ends)
        running = start is None or start <= today
        if end is not None:
            running = running and today <= end + timedelta(days=grace[str(cid)])
        if bool(always) or running:
            out.append(str(cid))
    return out


def _campaign_names(ws: Workspace) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in ws.store.fetch(
        "SELECT id, name FROM campaigns WHERE workspace_id = ?", [ws.id])}


def _assets(ws: Workspace) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for kind, inf, camp, post, key in ws.store.fetch(
            "SELECT kind, influencer_id, campaign_id, post_id, match_key FROM tracking_assets "
            "WHERE workspace_id = ? ORDER BY id", [ws.id]):
        out[(str(camp), str(inf))].append({"kind": kind, "post_id": post, "key": key})
    return out


def _assets_for(rows: Sequence[Mapping[str, Any]], post_id: str, ws: Workspace) -> Assets:
    """The creator's assets for the campaign; one issued for another post does not count."""
    mine = [a for a in rows if not a["post_id"] or a["post_id"] == post_id]

    def keys(kind: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(a["key"]) for a in mine if a["kind"] == kind))

    return Assets(keys("promo_code"), keys("utm_link"), keys("landing_page"),
                  ws.settings.tracking.short_domain)


def _date(value: Any) -> date | None:
    """A DATE cell of a frame; ``as_date`` passes NaT (a datetime) through as it is."""
    return None if value is None or pd.isna(value) else as_date(value)


def _post(r: Mapping[str, Any]) -> Post:
    stamp = r["published_at"]
    published: datetime | None = None
    if stamp is not None and not pd.isna(stamp):
        ts = pd.Timestamp(stamp)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        published = ts.to_pydatetime()
    tags = r["hashtags"]
    return Post(str(r["id"]), str(r["campaign_id"]), str(r["influencer_id"]),
                str(r["content_type"]), _date(r["planned_on"]), published,
                r["caption"] if isinstance(r["caption"], str) else "",
                tuple(t for t in tags.split("|") if t) if isinstance(tags, str) else (),
                r["url"] if isinstance(r["url"], str) else None)


def _store(ws: Workspace, post_ids: list[str], found: list[Finding],
           checked_at: datetime) -> dict[tuple[str, str], str]:
    """Replace the checked posts' rows in one transaction; return the statuses they had."""
    previous: dict[tuple[str, str], str] = {}
    rows = pd.DataFrame({
        "post_id": [f.post_id for f in found],
        "check_name": [f.check for f in found],
        "status": [f.status for f in found],
        "detail": [json.dumps(f.message.as_dict(), ensure_ascii=False) for f in found],
        "suggestion": [json.dumps([s.as_dict() for s in f.suggestions], ensure_ascii=False)
                       if f.suggestions else None for f in found],
        "checked_at": pd.Series([checked_at] * len(found), dtype="datetime64[us, UTC]"),
    })
    with ws.store.transaction():
        for i in range(0, len(post_ids), _DELETE_CHUNK):
            chunk = post_ids[i:i + _DELETE_CHUNK]
            marks = ", ".join("?" * len(chunk))
            for post, check, status in ws.store.fetch(
                    f"SELECT post_id, check_name, status FROM content_checks "
                    f"WHERE workspace_id = ? AND post_id IN ({marks})", [ws.id, *chunk]):
                previous[(str(post), str(check))] = str(status)
            ws.store.execute(f"DELETE FROM content_checks WHERE workspace_id = ? "
                             f"AND post_id IN ({marks})", [ws.id, *chunk])
        ws.store.upsert("content_checks", rows, ["post_id", "check_name"], workspace_id=ws.id)
    return previous


def _frame(found: list[Finding], previous: Mapping[tuple[str, str], str],
           meta: Mapping[str, tuple[str, str | None]], campaigns: Mapping[str, str],
           people: Mapping[str, str]) -> pd.DataFrame:
    rows = []
    for f in found:
        before = previous.get((f.post_id, f.check))
        platform, url = meta[f.post_id]
        rows.append({
            "post_id": f.post_id, "campaign_id": f.campaign_id,
            "campaign": campaigns.get(f.campaign_id, f.campaign_id),
            "influencer_id": f.influencer_id,
            "influencer": people.get(f.influencer_id, f.influencer_id),
            "platform": platform, "url": url, "check": f.check, "status": f.status,
            "previous_status": before, "changed": before != f.status,
            "published": f.published, "msgid": f.message.msgid,
            "values": dict(f.message.values),
            "suggestions": [s.as_dict() for s in f.suggestions],
            "message": f.message.render(),
            "suggestion": "; ".join(s.render() for s in f.suggestions) or None})
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _by_post(found: Any) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in found:
        out[f.post_id].append(f)
    return out


def _summary(found: list[Finding], by: list[str], campaigns: Mapping[str, str],
             people: Mapping[str, str]) -> pd.DataFrame:
    groups: dict[tuple[str, ...], list[Finding]] = defaultdict(list)
    for f in found:
        groups[tuple(getattr(f, k) for k in by)].append(f)
    rows = []
    for key, fs in sorted(groups.items()):
        posts = _by_post(fs)
        live = {p: v for p, v in posts.items() if v[0].published}
        decided = [f for f in fs if f.published and f.status != "pending"]
        row: dict[str, Any] = {"campaign_id": key[0],
                               "campaign": campaigns.get(key[0], key[0])}
        if len(key) > 1:
            row |= {"influencer_id": key[1], "influencer": people.get(key[1], key[1])}
        rows.append(row | {
            "posts": len(posts), "published": len(live),
            "compliant_posts": sum(complies(v) for v in live.values()),
            "checks": len(decided), "passed": sum(f.status != "fail" for f in decided),
            "compliance_rate": compliance_rate(fs),
            "attention": sum(f.status in ATTENTION for f in fs)})
    ids = ["campaign_id", "campaign"] + (["influencer_id", "influencer"] if len(by) > 1 else [])
    return pd.DataFrame(rows, columns=ids + SUMMARY_COLUMNS)


# ---- rendering ---------------------------------------------------------------------------

def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def _messages(row: Mapping[str, Any], tr: Callable[..., str]) -> tuple[str, str]:
    text = Message(row["msgid"], row["values"]).render(tr)
    fixes = "; ".join(Message.from_dict(s).render(tr) for s in row["suggestions"])
    return text, fixes


def _headline(run: CheckRun, tr: Callable[..., str]) -> list[str]:
    lines = [tr("Content checks as of {day}: {posts} post(s) in {campaigns} campaign(s)",
                day=run.as_of.isoformat(), posts=run.posts, campaigns=len(run.campaigns))]
    if run.compliance_rate is None:
        lines.append(tr("No published post to check yet"))
    else:
        lines.append(tr("Compliance: {rate} of checks passed; {compliant} of {published} "
                        "published post(s) comply", rate=_percent(run.compliance_rate),
                        compliant=run.compliant, published=run.published))
    return lines


def _grouped(frame: pd.DataFrame) -> list[tuple[pd.Series, pd.DataFrame]]:
    """Findings by post, posts in first-seen order, checks in the order they run."""
    order = {c: i for i, c in enumerate(CHECKS)}
    out = []
    for _, part in frame.groupby("post_id", sort=False):
        part = part.sort_values("check", key=lambda s: s.map(order))
        out.append((part.iloc[0], part))
    return out


def render_text(run: CheckRun, lang: str | None = None) -> str:
    """A plain-text report for a terminal, an e-mail or a log."""
    tr = translator(lang)
    lines = _headline(run, tr)
    for r in run.by_campaign.itertuples():
        lines.append("  " + tr("{campaign}: {rate} of checks passed, {compliant} of "
                               "{published} published post(s) comply", campaign=r.campaign,
                               rate=_percent(r.compliance_rate), compliant=r.compliant_posts,
                               published=r.published))
    attention = run.attention
    lines.append("")
    if len(attention):
        lines.append(tr("Needs attention: {count}", count=len(attention)))
        for head, part in _grouped(attention):
            where = f"{head.campaign}, {head.influencer}, {head.platform}"
            url = _str(head.url)
            lines.append(f"- {head.post_id} ({where})" + (f" {url}" if url else ""))
            for row in part.to_dict("records"):
                text, fixes = _messages(row, tr)
                mark = "✗" if row["status"] == "fail" else "!"
                lines.append(f"    {mark} {tr(CHECK_LABELS[row['check']])}: {text}")
                if fixes:
                    lines.append(f"      → {fixes}")
    elif run.only_new and not run.news:
        lines.append(tr("Nothing new since the last run"))
    else:
        lines.append(tr("Nothing needs attention"))
    resolved = run.resolved
    if len(resolved):
        lines += ["", tr("Resolved since the last run: {count}", count=len(resolved))]
        for row in resolved.to_dict("records"):
            lines.append(f"- {row['post_id']}: {tr(CHECK_LABELS[row['check']])}")
    return "\n".join(lines) + "\n"


def render_json(run: CheckRun) -> str:
    """Everything, machine-readable: messages in English beside their msgid and values."""
    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]

    data = {
        "as_of": run.as_of.isoformat(), "checked_at": run.checked_at.isoformat(),
        "campaigns": list(run.campaigns), "posts": run.posts, "published": run.published,
        "compliant_posts": run.compliant, "compliance_rate": run.compliance_rate,
        "only_new": run.only_new,
        "by_campaign": records(run.by_campaign), "by_creator": records(run.by_creator),
        "needs_attention": records(run.attention), "resolved": records(run.resolved),
        "findings": records(run.reported),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict | list | str | bool) or value is None:
        return value
    if isinstance(value, float):
        return None if value != value else value
    if hasattr(value, "item"):
        return value.item()
    return value


def _str(value: Any) -> str | None:
    """A text cell, or None (pandas' string columns give NaN for a missing value)."""
    return value if isinstance(value, str) and value else None


def _mrkdwn(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int = SLACK_SECTION_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def slack_payload(run: CheckRun, lang: str | None = None) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` for notifications, ``blocks`` to read.

    Posts needing attention get a section each, up to ``SLACK_POSTS`` (then "and N more"),
    each section cut to Slack's 3,000 characters, so the message is never refused.
    """
    tr = translator(lang)
    head = _headline(run, tr)
    attention = run.attention
    status = (tr("Needs attention: {count}", count=len(attention)) if len(attention) else
              tr("Nothing new since the last run") if run.only_new and not run.news else
              tr("Nothing needs attention"))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(head[0], 150)}},
        {"type": "section", "text": {"type": "mrkdwn",
                                     "text": _cut(_mrkdwn("\n".join([*head[1:], status])))}},
    ]
    groups = _grouped(attention) if len(attention) else []
    for head_row, part in groups[:SLACK_POSTS]:
        title = f"*{_mrkdwn(str(head_row.post_id))}* · {_mrkdwn(str(head_row.campaign))} · " \
                f"{_mrkdwn(str(head_row.influencer))}"
        url = _str(head_row.url)
        if url:
            safe = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
            title += f" · <{safe}|{_mrkdwn(str(head_row.platform))}>"
        lines = [title]
        for row in part.to_dict("records"):
            text, fixes = _messages(row, tr)
            icon = ":x:" if row["status"] == "fail" else ":warning:"
            line = f"{icon} *{_mrkdwn(tr(CHECK_LABELS[row['check']]))}*: {_mrkdwn(text)}"
            lines.append(line + (f" → {_mrkdwn(fixes)}" if fixes else ""))
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": _cut("\n".join(lines))}})
    if len(groups) > SLACK_POSTS:
        blocks.append({"type": "context", "elements": [{
            "type": "mrkdwn", "text": tr("and {count} more", count=len(groups) - SLACK_POSTS)}]})
    resolved = run.resolved
    if len(resolved):
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(
            _mrkdwn(tr("Resolved since the last run: {count}", count=len(resolved))))}]})
    return {"text": _cut(" — ".join([head[0], status]), 3000), "blocks": blocks}


# ---- webhook -----------------------------------------------------------------------------

_sleep = time.sleep   # tests replace it: backoff without waiting


def _retryable(status: int) -> bool:
    return status >= 500 or status == 429


def post_webhook(url: str, payload: Mapping[str, Any], timeout: float = 10.0,
                 retries: int = 2, *, backoff: float = 1.0, lang: str | None = None) -> int:
    """POST ``payload`` as JSON; retry server errors, rate limits and timeouts ``retries``
    times (waiting ``backoff``, then twice as long ...). Returns the HTTP status.

    Errors name the host only: an incoming-webhook URL's path is its secret.
    """
    tr = translator(lang)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(tr("the webhook must be an http:// or https:// URL"))
    host = parts.hostname
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    for attempt in range(retries + 1):
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "creatorroi"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            if not _retryable(exc.code) or attempt == retries:
                raise CreatorROIError(tr("the webhook at {host} answered HTTP {status}",
                                         host=host, status=exc.code)) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            if attempt == retries:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                raise CreatorROIError(tr("the webhook at {host} did not answer: {reason}",
                                         host=host, reason=str(reason) or type(exc).__name__)
                                      ) from None
        _sleep(backoff * 2 ** attempt)
    raise AssertionError("unreachable")  # pragma: no cover
