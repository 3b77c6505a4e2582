"""Content monitoring: does each deliverable follow its brief?

For every post of a campaign: was it published on its planned day (give or take the brief's
grace days), does it carry the required hashtags and mentions, a disclosure its market accepts,
none of the banned words, and the creator's tracked link and promo code when the brief asks for
them. Each check gives one ``Finding`` (ok, warn, fail or pending) with a translatable message
and, when something is wrong, the edit that fixes it ("replace #sponsorred with #sponsored").

Pure: callers pass plain records (``Post``, ``Brief``, ``Assets``) and the day it is; the
service ``creatorroi.monitoring`` reads them from the store and writes the findings back.
Days are the workspace's local days, judged exactly as the content calendar judges them
(``creatorroi.dashboard.calendar.judge``), so the two never disagree about a late post.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from creatorroi.model import keys
from creatorroi.quality.caption import hashtags, links, mentions, tag_key
from creatorroi.quality.disclosure import accepted_tags, check_disclosure, market_of
from creatorroi.quality.nearmiss import near_miss
from creatorroi.quality.schedule import judge
from creatorroi.quality.text import clean, fold, script
from creatorroi.quality.verdict import Message, Status, Verdict

CHECKS = ("posted", "hashtags", "mentions", "disclosure", "banned_words", "link", "code")
LIST_SEPARATOR = "|"


# ---- records -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Brief:
    """What a deliverable must carry (a ``briefs`` row). Tags and handles without ``#``/``@``."""

    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    banned_words: tuple[str, ...] = ()
    disclosures: tuple[str, ...] = ()   # empty: the market's list from the settings
    market: str | None = None
    require_link: bool = False
    require_code: bool = False
    grace_days: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Brief:
        """A stored row: lists ``|``-joined, missing values as None or NaN."""
        def items(name: str) -> tuple[str, ...]:
            value = row.get(name)
            if not isinstance(value, str):
                return ()
            return tuple(v.strip() for v in value.split(LIST_SEPARATOR) if v.strip())

        market = row.get("market")
        grace = row.get("grace_days")
        return cls(items("hashtags"), items("mentions"), items("banned_words"),
                   items("disclosures"),
                   market.strip().upper() or None if isinstance(market, str) else None,
                   _flag(row.get("require_link")), _flag(row.get("require_code")),
                   int(grace) if grace is not None and grace == grace else 0)

    def over(self, base: Brief | None) -> Brief:
        """This (a creator's) brief laid over the campaign-wide one: a field set here wins.

        The store cannot tell an empty yes/no cell from "no", so a requirement the campaign
        sets stays on for every creator (a creator row may add one, never drop one), and a
        grace of 0 inherits the campaign's.
        """
        if base is None:
            return self
        return Brief(self.hashtags or base.hashtags, self.mentions or base.mentions,
                     self.banned_words or base.banned_words,
                     self.disclosures or base.disclosures, self.market or base.market,
                     self.require_link or base.require_link,
                     self.require_code or base.require_code,
                     self.grace_days or base.grace_days)


def _flag(value: Any) -> bool:
    return bool(value) and value == value  # NaN is truthy but means "not set"


@dataclass(frozen=True)
class Post:
    id: str
    campaign_id: str
    influencer_id: str
    content_type: str = "feed_post"
    planned_on: date | None = None
    published_at: datetime | None = None   # an instant; naive means UTC
    caption: str = ""
    hashtags: tuple[str, ...] = ()         # as exported, without '#'
    url: str | None = None


@dataclass(frozen=True)
class Assets:
    """The creator's tracking assets for the campaign, as match keys (see ``model.keys``)."""

    promo_codes: tuple[str, ...] = ()
    link_slugs: tuple[str, ...] = ()
    landing_paths: tuple[str, ...] = ()
    short_domain: str | None = None


@dataclass(frozen=True)
class Context:
    """What a check needs beyond the post: the day it is, where, and the market rules."""

    today: date
    timezone: str = "UTC"
    disclosures: Mapping[str, Sequence[str]] = field(default_factory=dict)
    country: str | None = None   # the creator's, when the brief names no market


@dataclass(frozen=True)
class Finding:
    post_id: str
    campaign_id: str
    influencer_id: str
    check: str
    status: Status
    message: Message
    suggestions: tuple[Message, ...] = ()
    published: bool = False   # the post was live by ``Context.today``


# ---- 1. posted on time -------------------------------------------------------------------

def local_day(instant: datetime, timezone: str) -> date:
    """The workspace-local day of an instant (naive instants are UTC, as the store keeps)."""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone)).date()


def check_posted(planned: date | None, published: date | None, today: date,
                 grace_days: int = 0) -> Verdict:
    """On time (or within ``grace_days`` after the plan): ok; early: warn; later: fail;
    not live a day after the grace ran out: fail (missing); not due yet: pending."""
    j = judge(planned, published, today)
    p = planned.isoformat() if planned else ""
    d = published.isoformat() if published else ""
    if j.status == "unplanned":
        return Verdict("ok", Message("published on {day}; no planned day", {"day": d}))
    if j.status == "on_time":
        return Verdict("ok", Message("published on the planned day, {day}", {"day": d}))
    if j.status == "early":
        early = (planned - published).days if planned and published else 0
        return Verdict("warn", Message("published on {day}, {days} day(s) before the planned "
                                       "{planned}", {"day": d, "days": early, "planned": p}))
    if j.status == "late":
        late = j.days_late or 0
        values: dict[str, str | int] = {"day": d, "days": late, "planned": p}
        if late <= grace_days:
            return Verdict("ok", Message(
                "published on {day}, {days} day(s) after the planned {planned}, within the "
                "{grace} grace day(s)", {**values, "grace": grace_days}))
        return Verdict("fail", Message("published on {day}, {days} day(s) after the planned "
                                       "{planned}", values))
    if j.status == "missing" and planned is not None:
        if (today - planned).days <= grace_days:
            until = (planned + timedelta(days=grace_days)).isoformat()
            return Verdict("pending", Message("planned for {planned}, not published yet; "
                                              "grace until {until}",
                                              {"planned": p, "until": until}))
        return Verdict("fail", Message("not published: planned for {planned}, {days} day(s) "
                                       "ago", {"planned": p, "days": j.days_late or 0}))
    if j.status == "upcoming":
        return Verdict("pending", Message("planned for {planned}, not published yet",
                                          {"planned": p}))
    return Verdict("pending", Message("not planned and not published yet"))


# ---- 2-3. hashtags and mentions ----------------------------------------------------------

def _required(kind: str, required: Sequence[str], found: Mapping[str, str]) -> Verdict:
    """Each required tag present by key; a near miss among the others gets a "replace"."""
    mark = "#" if kind == "hashtags" else "@"
    wanted = {tag_key(r): r for r in required}
    missing = [k for k in wanted if k not in found]
    shown = ", ".join(f"{mark}{wanted[k]}" for k in wanted)
    if not missing:
        msgid = ("required hashtags present: {tags}" if kind == "hashtags"
                 else "required mentions present: {tags}")
        return Verdict("ok", Message(msgid, {"tags": shown}))
    others = [k for k in found if k not in wanted]
    fixes = []
    for k in missing:
        miss = near_miss(k, others)
        right = f"{mark}{wanted[k]}"
        fixes.append(Message("replace {wrong} with {right}",
                             {"wrong": f"{mark}{found[miss]}", "right": right})
                     if miss is not None else Message("add {right}", {"right": right}))
    msgid = "missing hashtags: {tags}" if kind == "hashtags" else "missing mentions: {tags}"
    return Verdict("fail", Message(msgid, {"tags": ", ".join(f"{mark}{wanted[k]}"
                                                              for k in missing)}),
                   tuple(fixes))


def check_hashtags(caption: str, exported: Sequence[str], required: Sequence[str]) -> Verdict:
    """Tags in the caption or the export's hashtag list, compared case-blind after ``clean``."""
    found: dict[str, str] = {}
    for t in hashtags(caption):
        found.setdefault(t.key, t.text)
    for raw in exported:
        text = clean(raw).lstrip("#")
        if text:
            found.setdefault(tag_key(text), text)
    return _required("hashtags", required, found)


def check_mentions(caption: str, required: Sequence[str]) -> Verdict:
    """Handles compared case-blind; ``.`` and ``_`` are part of a handle, so exact."""
    found: dict[str, str] = {}
    for t in mentions(caption):
        found.setdefault(t.key, t.text)
    return _required("mentions", required, found)


# ---- 5. banned words ---------------------------------------------------------------------

_NO_SPACES = {"han", "kana", "hangul"}


def _unaccent(text: str) -> str:
    """Folded, with accents dropped from Latin letters only (``ば`` keeps its dakuten)."""
    out: list[str] = []
    base_latin = False
    for c in unicodedata.normalize("NFKD", fold(text)):
        if unicodedata.combining(c):
            if base_latin:
                continue
        else:
            base_latin = script(c) == "latin"
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=4096)
def _banned_pattern(word: str) -> re.Pattern[str]:
    plain = _unaccent(word)
    body = r"\s+".join(re.escape(w) for w in plain.split())
    if any(script(c) in _NO_SPACES for c in plain):
        return re.compile(body)   # CJK runs words together: a substring is a use
    return re.compile(rf"(?<!\w){body}(?!\w)")


def check_banned(caption: str, exported: Sequence[str], banned: Sequence[str]) -> Verdict:
    """Whole words for space-separated scripts, substrings for Chinese, Japanese, Korean."""
    text = _unaccent(" ".join([caption, *(f"#{t}" for t in exported)]))
    used = [w for w in banned if _unaccent(w).strip() and _banned_pattern(w).search(text)]
    if not used:
        return Verdict("ok", Message("no banned words"))
    words = ", ".join(used)
    return Verdict("fail", Message("banned words used: {words}", {"words": words}),
                   (Message("remove {words}", {"words": words}),))


# ---- 6. tracked link ---------------------------------------------------------------------

def check_link(caption: str, assets: Assets, content_type: str = "",
               post_url: str | None = None) -> Verdict:
    """A short link (its slug as the URL's last segment) or landing page (its path) of the
    creator's in the caption; a ``link_in_bio`` deliverable may carry it as its own URL."""
    if not assets.link_slugs and not assets.landing_paths:
        return Verdict("fail", Message("no tracked link issued to this creator for the campaign"))
    found = links(caption)
    if content_type == "link_in_bio" and post_url:
        found += links(post_url)
    slugs = set(assets.link_slugs)
    paths = {p for p in assets.landing_paths if p != "/"}
    for link in found:
        segment = link.path.rstrip("/").rsplit("/", 1)[-1].lower()
        if (segment and segment in slugs) or keys.path(link.path or "/") in paths:
            return Verdict("ok", Message("tracked link present: {link}",
                                         {"link": f"{link.host}{link.path}"}))
    if assets.link_slugs:
        slug = assets.link_slugs[0]
        right = f"https://{assets.short_domain}/{slug}" if assets.short_domain else f"…/{slug}"
    else:
        right = assets.landing_paths[0]
    return Verdict("fail", Message("no tracked link in the caption"),
                   (Message("add {right}", {"right": right}),))


# ---- 7. promo code -----------------------------------------------------------------------

def _code_pattern(code: str) -> re.Pattern[str]:
    chars = [re.escape(c) for c in code if not c.isspace()]
    return re.compile(r"(?<![^\W_])" + r"\s*".join(chars) + r"(?![^\W_])")


def check_code(caption: str, codes: Sequence[str]) -> Verdict:
    """The creator's code, case- and accent-blind, spaces ignored (``easter24 giulia``)."""
    if not codes:
        return Verdict("fail", Message("no promo code issued to this creator for the campaign"))
    text = " ".join(keys.promo_code(w) for w in clean(caption).split())
    for code in codes:
        if _code_pattern(keys.promo_code(code)).search(text):
            return Verdict("ok", Message("promo code {code} present", {"code": code}))
    words = [w.strip(".,;:!?()[]{}'\"«»“”") for w in clean(caption).split()]
    words = [w for w in words if w]
    candidates = {keys.promo_code(w): w for w in words}
    for a, b in pairwise(words):
        candidates.setdefault(keys.promo_code(a + b), f"{a} {b}")
    code = codes[0]
    for c in codes:
        key = keys.promo_code(c)
        close = [k for k in candidates if abs(len(k) - len(key)) <= 1]
        miss = near_miss(key, close)
        if miss is not None:
            return Verdict("fail", Message("promo code {code} not in the caption", {"code": c}),
                           (Message("replace {wrong} with {right}",
                                    {"wrong": candidates[miss], "right": c}),))
    return Verdict("fail", Message("promo code {code} not in the caption", {"code": code}),
                   (Message("add {right}", {"right": code}),))


# ---- a post, and the rate ----------------------------------------------------------------

_PENDING = Message("checked once the post is published")


def check_post(post: Post, brief: Brief, assets: Assets, ctx: Context) -> list[Finding]:
    """Every check that applies to ``post``: ``posted`` and ``disclosure`` always, the others
    when the brief asks for them. Checks of the caption wait (pending) until it is live."""
    published = local_day(post.published_at, ctx.timezone) if post.published_at else None
    live = published is not None and published <= ctx.today
    verdicts: dict[str, Verdict] = {
        "posted": check_posted(post.planned_on, published, ctx.today, brief.grace_days)}
    applies = {"hashtags": bool(brief.hashtags), "mentions": bool(brief.mentions),
               "disclosure": True, "banned_words": bool(brief.banned_words),
               "link": brief.require_link, "code": brief.require_code}
    caption = post.caption or ""
    for name in (n for n in CHECKS[1:] if applies[n]):
        if not live:
            verdicts[name] = Verdict("pending", _PENDING)
        elif name == "hashtags":
            verdicts[name] = check_hashtags(caption, post.hashtags, brief.hashtags)
        elif name == "mentions":
            verdicts[name] = check_mentions(caption, brief.mentions)
        elif name == "disclosure":
            market = market_of(brief.market, ctx.country)
            accepted = accepted_tags(market, brief.disclosures, ctx.disclosures)
            verdicts[name] = check_disclosure(caption, post.hashtags, market, accepted,
                                              ctx.disclosures)
        elif name == "banned_words":
            verdicts[name] = check_banned(caption, post.hashtags, brief.banned_words)
        elif name == "link":
            verdicts[name] = check_link(caption, assets, post.content_type, post.url)
        else:
            verdicts[name] = check_code(caption, assets.promo_codes)
    return [Finding(post.id, post.campaign_id, post.influencer_id, name, v.status, v.message,
                    v.suggestions, live) for name, v in verdicts.items()]


def compliance_rate(findings: Iterable[Finding]) -> float | None:
    """Of the checks made on published posts, the share that did not fail (0 to 1).

    Counted: every finding of a post live by the day checked (``published``), ``ok`` and
    ``warn`` as passed, ``fail`` as not; ``pending`` findings are left out, and so are posts
    not yet live (a missing post is a delivery problem, reported on its own, not a share of
    content checks). None when nothing was checked. A *post* complies when none of its checks
    fails: see ``complies``.
    """
    decided = [f for f in findings if f.published and f.status != "pending"]
    if not decided:
        return None
    return sum(f.status != "fail" for f in decided) / len(decided)


def complies(findings: Iterable[Finding]) -> bool:
    """A post complies when none of its checks fails."""
    return all(f.status != "fail" for f in findings)
