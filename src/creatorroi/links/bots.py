"""Which requests are not a person clicking: link previewers, prefetchers and crawlers.

A flagged request is still redirected and still stored, with ``is_bot=True`` and the reason,
so click KPIs can leave it out while the raw log stays complete.

Checked in this order, first match wins:

1. Prefetch headers. Browsers mark speculative loads: ``Sec-Purpose: prefetch`` (also
   ``prefetch;prerender``; Chromium speculation rules and ``<link rel=prefetch>``),
   ``Purpose: prefetch`` (older Chromium/Safari), ``X-Moz: prefetch`` (old Firefox),
   ``Sec-Fetch-Purpose`` / ``Moz-Purpose`` (rare variants). Facebook's and Instagram's in-app
   browser (its "Liger" network engine) prefetches a linked page when a post scrolls into
   view; those requests carry ``X-Purpose: preview`` (with ``X-FB-HTTP-Engine: Liger``, which
   is reported only alongside it; it is not used on its own, so a change on Meta's side can
   never turn every in-app tap into a "bot").
2. An empty or missing User-Agent: every real browser sends one.
3. Named link previewers and search crawlers (``PREVIEWERS``): facebookexternalhit, Facebot,
   meta-externalagent, Twitterbot, Slackbot, WhatsApp, TelegramBot, LinkedInBot, Discordbot,
   SkypeUriPreview, Pinterestbot, redditbot, Applebot, Googlebot, bingbot, YandexBot,
   Baiduspider, DuckDuckBot, TikTokSpider and Bytespider (TikTok's fetchers; no TikTok
   prefetch header is documented), Snap URL Preview, Embedly, iframely, vkShare, Mastodon,
   AI fetchers (GPTBot, ChatGPT-User, ClaudeBot, PerplexityBot) and SEO crawlers.
4. ``crawlerdetect``'s list (some 1,460 User-Agent patterns: HTTP libraries, monitors, scrapers).

The in-app browsers themselves (Instagram ``Instagram 3xx.x``, Facebook ``FB_IAB/FBAV``,
TikTok ``musical_ly``/``trill``/``BytedanceWebview``) on a plain GET are people and pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from crawlerdetect import CrawlerDetect

#: User agents longer than this are cut before matching and storing (abuse guard).
MAX_USER_AGENT = 512

PREVIEWERS = (
    "facebookexternalhit", "facebookcatalog", "Facebot", "meta-externalagent",
    "meta-externalfetcher", "Twitterbot", "Slackbot", "Slack-ImgProxy", "WhatsApp",
    "TelegramBot", "LinkedInBot", "Discordbot", "SkypeUriPreview", "Pinterestbot",
    "redditbot", "Applebot", "Googlebot", "Google-InspectionTool", "GoogleOther",
    "AdsBot-Google", "Mediapartners-Google", "Google-PageRenderer", "FeedFetcher-Google",
    "bingbot", "BingPreview", "msnbot", "YandexBot", "YandexMobileBot", "Baiduspider",
    "DuckDuckBot", "DuckDuckGo-Favicons-Bot", "TikTokSpider", "Bytespider",
    "Snap URL Preview", "Embedly", "iframely", "vkShare", "Mastodon", "KakaoTalk-scrap",
    "Cardyb", "Qwantify", "PetalBot", "SemrushBot", "AhrefsBot", "Amazonbot", "GPTBot",
    "ChatGPT-User", "ClaudeBot", "PerplexityBot", "Yahoo! Slurp",
)
# Not listed on purpose: "Instagram", "FBAV", "musical_ly", "trill", "Pinterest/",
# "Snapchat/", "Line/": those are in-app browsers, i.e. people.
_PREVIEWER_RE = re.compile("|".join(re.escape(p) for p in PREVIEWERS), re.IGNORECASE)
_CANON = {p.lower(): p for p in PREVIEWERS}

_detector = CrawlerDetect()

#: Request headers (lower-case names) that mark a prefetch, with the values that do.
PREFETCH_HEADERS: dict[str, tuple[str, ...]] = {
    "sec-purpose": ("prefetch", "prerender"),
    "purpose": ("prefetch", "preview", "prerender"),
    "x-purpose": ("preview", "prefetch", "instant", "prerender"),
    "x-moz": ("prefetch",),
    "sec-fetch-purpose": ("prefetch", "prerender"),
    "moz-purpose": ("prefetch",),
}


def prefetch_reason(headers: Mapping[str, str]) -> str | None:
    """``"prefetch:<header>"`` when a request header marks a speculative load."""
    for name, values in PREFETCH_HEADERS.items():
        value = headers.get(name)
        if value and any(v in value.lower() for v in values):
            return f"prefetch:{name}"
    return None


@lru_cache(maxsize=16384)
def user_agent_reason(user_agent: str) -> str | None:
    """Why this User-Agent is a bot, or None; cached because it runs on every click."""
    if not user_agent.strip():
        return "empty-user-agent"
    m = _PREVIEWER_RE.search(user_agent)
    if m:
        return "previewer:" + _CANON.get(m.group(0).lower(), m.group(0))
    try:
        if _detector.isCrawler(user_agent):
            return f"crawler:{_detector.getMatches() or 'crawlerdetect'}"
    except Exception:  # a third-party regex must never fail a click
        return None
    return None


def bot_reason(user_agent: str | None, headers: Mapping[str, str]) -> str | None:
    """Why a request is not a person clicking, or None when it looks like one.

    ``headers`` maps lower-case header names to values (only the prefetch ones are read)."""
    reason = prefetch_reason(headers)
    if reason:
        return reason
    if not user_agent:
        return "empty-user-agent"
    return user_agent_reason(user_agent[:MAX_USER_AGENT])
