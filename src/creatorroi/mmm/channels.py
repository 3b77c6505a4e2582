"""Which channel a visit came from: GA4's default channel groups, plus our creators' own links.

The mix model needs traffic by channel as it needs sales by day; the groups follow the rules
GA4 documents for its default channel group (evaluated in GA4's order, first match wins), so a
brand's numbers look like the ones in its analytics. Source lists are curated, not GA4's full
lists: the big search engines, social networks, video and shopping sites, with the short codes
UTM conventions use (``ig``, ``fb``, ``yt``).

One group GA4 does not have: ``Influencer``, for visits tagged with a creator medium
(``utm_medium=influencer``, the default of our UTM convention, or ``creator`` / ``kol``...).
GA4 puts ``ig / influencer`` into Organic Social; the model must not count creators' own
clicks as organic traffic, so this rule is checked right after Direct.

``coarse_group`` folds the 18 groups into the few the model uses (see ``COARSE``).
"""

from __future__ import annotations

import re
from collections.abc import Collection

DIRECT = "Direct"
INFLUENCER = "Influencer"
UNASSIGNED = "Unassigned"

GA4_GROUPS = (
    "Direct", "Cross-network", "Paid Shopping", "Paid Search", "Paid Social", "Paid Video",
    "Display", "Paid Other", "Organic Shopping", "Organic Social", "Organic Video",
    "Organic Search", "Referral", "Email", "Affiliates", "Audio", "SMS",
    "Mobile Push Notifications", "Unassigned",
)
GROUPS = (*GA4_GROUPS, INFLUENCER)

# Paid traffic of every kind goes to one column: the model credits ad spend from the spend
# columns, and affiliates, display and cross-network are bought media too. Organic video
# (YouTube, Twitch) is creator-platform traffic like organic social; marketplaces, SMS and
# push are too small and too unlike the others to get a column each.
COARSE: dict[str, str] = {
    "Direct": "direct",
    "Organic Search": "organic_search",
    "Organic Social": "organic_social",
    "Organic Video": "organic_social",
    "Paid Search": "paid",
    "Paid Social": "paid",
    "Paid Video": "paid",
    "Paid Shopping": "paid",
    "Paid Other": "paid",
    "Display": "paid",
    "Cross-network": "paid",
    "Affiliates": "paid",
    "Audio": "paid",
    "Referral": "referral",
    "Email": "email",
    "Influencer": "influencer",
    "Organic Shopping": "other",
    "SMS": "other",
    "Mobile Push Notifications": "other",
    "Unassigned": "other",
}
COARSE_GROUPS = ("direct", "organic_search", "organic_social", "paid", "referral", "email",
                 "influencer", "other")

INFLUENCER_MEDIUMS = frozenset({"influencer", "influencers", "creator", "creators", "kol",
                                "influencer-marketing", "influencer_marketing", "ugc"})

# Names matched against any dot-separated part of a source (``l.instagram.com``,
# ``search.yahoo.co.jp``); short codes only as the whole source.
_SEARCH = frozenset({"google", "bing", "yahoo", "baidu", "duckduckgo", "yandex", "naver",
                     "daum", "ecosia", "qwant", "seznam", "sogou", "startpage", "aol", "ask",
                     "so.com", "360", "brave", "msn", "coccoc", "petalsearch"})
_SOCIAL = frozenset({"facebook", "fb", "instagram", "ig", "insta", "twitter", "t.co", "x.com",
                     "linkedin", "lnkd.in", "pinterest", "pin.it", "reddit", "tiktok", "tt",
                     "snapchat", "threads", "tumblr", "vk", "weibo", "wechat", "weixin",
                     "kakao", "kakaotalk", "kakaostory", "band", "douyin", "xiaohongshu",
                     "rednote", "xhs", "quora", "discord", "telegram", "whatsapp", "messenger",
                     "bsky", "bluesky", "mastodon", "line", "plurk", "dcard", "ptt", "meta",
                     "medium.com", "lemon8", "rubika", "eitaa"})
_VIDEO = frozenset({"youtube", "yt", "youtu.be", "vimeo", "twitch", "dailymotion", "bilibili",
                    "youku", "iqiyi", "wistia", "netflix", "kick", "afreecatv", "chzzk",
                    "aparat"})
_SHOPPING = frozenset({"amazon", "ebay", "etsy", "walmart", "shopify", "aliexpress", "alibaba",
                       "taobao", "tmall", "jd", "rakuten", "coupang", "shopee", "lazada",
                       "mercadolibre", "zalando", "shopping", "gmarket", "11st", "momoshop",
                       "pchome", "digikala", "temu", "shein", "idealo", "target", "bestbuy"})
_EMAIL = frozenset({"email", "e-mail", "e_mail", "e mail"})

_PAID = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")
_SHOP_CAMPAIGN = re.compile(r"^(.*(([^a-df-z]|^)shop|shopping).*)$")
_DISPLAY = frozenset({"display", "banner", "expandable", "interstitial", "cpm"})
_SOCIAL_MEDIUMS = frozenset({"social", "social-network", "social-media", "sm", "social network",
                             "social media"})
_DIRECT_MEDIUMS = frozenset({"", "(none)", "(not set)", "none"})
_TLDS = frozenset({"com", "net", "org", "co", "io", "it", "kr", "tw", "ir", "jp", "cn", "de",
                   "fr", "uk", "es", "www", "m", "l", "lm", "mobile", "app", "web"})


def _clean(value: object) -> str:
    if value is None or not isinstance(value, str):
        return ""
    return " ".join(value.strip().casefold().split())


def _matches(source: str, names: frozenset[str]) -> bool:
    if not source:
        return False
    host = source.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    if source in names or host in names:
        return True
    for prefix in ("www.", "m.", "l.", "lm.", "mobile."):
        host = host.removeprefix(prefix)
    if host in names:
        return True
    labels = [p for p in host.split(".") if p and p not in _TLDS]
    return len(labels) < 4 and any(p in names and len(p) > 2 for p in labels)


def channel_group(source: str | None, medium: str | None, campaign: str | None = None, *,
                  influencer_mediums: Collection[str] = INFLUENCER_MEDIUMS) -> str:
    """The GA4 default channel group of a visit (or ``Influencer``); never raises.

    Case- and space-blind. A visit with neither source nor medium is Direct, as GA4 reports
    one with no referrer; ``(direct)`` with a medium other than ``(none)``/``(not set)`` is not.
    """
    src, med, camp = _clean(source), _clean(medium), _clean(campaign)
    if src in ("(direct)", "direct", "") and med in _DIRECT_MEDIUMS:
        return DIRECT
    if med and med in {_clean(m) for m in influencer_mediums}:
        return INFLUENCER
    if "cross-network" in camp:
        return "Cross-network"
    paid = bool(_PAID.match(med))
    shop = _matches(src, _SHOPPING) or bool(_SHOP_CAMPAIGN.match(camp))
    search, social, video = (_matches(src, _SEARCH), _matches(src, _SOCIAL),
                             _matches(src, _VIDEO))
    if paid:
        if shop:
            return "Paid Shopping"
        if search:
            return "Paid Search"
        if social:
            return "Paid Social"
        if video:
            return "Paid Video"
    if med in _DISPLAY:
        return "Display"
    if paid:
        return "Paid Other"
    if shop:
        return "Organic Shopping"
    if social or med in _SOCIAL_MEDIUMS:
        return "Organic Social"
    if video or "video" in med:
        return "Organic Video"
    if search or med == "organic":
        return "Organic Search"
    if med in ("referral", "app", "link"):
        return "Referral"
    if src in _EMAIL or med in _EMAIL:
        return "Email"
    if med == "affiliate":
        return "Affiliates"
    if med == "audio":
        return "Audio"
    if src == "sms" or med == "sms":
        return "SMS"
    if med.endswith("push") or "mobile" in med or "notification" in med or src == "firebase":
        return "Mobile Push Notifications"
    return UNASSIGNED


def coarse_group(ga4_group: str) -> str:
    """The model's group for a GA4 group name (case-blind); ``other`` for anything unknown."""
    key = _clean(ga4_group)
    for name, coarse in COARSE.items():
        if name.casefold() == key:
            return coarse
    return "other"


def session_channel(source: str | None, medium: str | None, campaign: str | None = None,
                    referrer: str | None = None, *,
                    influencer_mediums: Collection[str] = INFLUENCER_MEDIUMS) -> str:
    """``channel_group`` of a stored session row: an untagged visit with a referrer is a
    referral from the referrer's site, as GA4 derives source and medium when no UTM is set."""
    if not _clean(source) and not _clean(medium) and _clean(referrer):
        ref = _clean(referrer)
        host = ref.split("://", 1)[-1].split("/", 1)[0]
        return channel_group(host, "referral", campaign, influencer_mediums=influencer_mediums)
    return channel_group(source, medium, campaign, influencer_mediums=influencer_mediums)
