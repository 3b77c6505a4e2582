"""The words a report shows inside tables and sentence fields, as msgids of the ``report`` domain.

Titles, labels and sentence texts are msgids the renderer translates. Table *cells* and
sentence *fields* are shown as given, so the few words that land there (a cost category, an
attribution method, a goal status ...) are translated here, by the builder, into the report's
language. Every msgid below must be in each ``report.po`` catalog (a test holds this).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from babel.core import Locale
from babel.dates import get_day_names
from babel.lists import format_list

PLATFORMS = {
    "instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube", "facebook": "Facebook",
    "x": "X", "linkedin": "LinkedIn", "pinterest": "Pinterest", "twitch": "Twitch",
    "snapchat": "Snapchat",
}
# Platform names are brands and stay as they are; these three are words.
PLATFORM_WORDS = {"blog": "Blog", "podcast": "Podcast", "other": "Other"}
CONTENT_TYPES = {
    "feed_post": "Feed post", "carousel": "Carousel", "reel": "Reel", "story": "Story",
    "video": "Video", "short": "Short video", "live": "Live", "blog": "Blog",
    "link_in_bio": "Link in bio", "podcast": "Podcast", "other": "Other",
}
COST_CATEGORIES = {
    "fee": "Influencer fee", "agent_fee": "Agent fee", "samples": "Product samples",
    "shipping": "Shipping", "production": "Production", "amplification": "Paid amplification",
    "platform_fee": "Platform fee", "overhead": "Overhead", "performance_pay": "Performance pay",
}
METHODS = {
    "promo_code": "Promo code", "click": "Short-link click", "utm": "UTM link",
    "landing_page": "Landing page", "affiliate": "Affiliate link",
    "survey": "Post-purchase survey", "unknown": "Other",
}
TIERS = {"nano": "Nano", "micro": "Micro", "macro": "Macro", "mega": "Mega"}
UNASSIGNED = "Unassigned"
GOAL_STATUS = {"met": "Met", "missed": "Not met", "on track": "On track", "behind": "Behind",
               "no data": "No data"}
UNKNOWN_METRIC = "Unknown metric"
GOAL_FAMILIES = {
    "awareness": "Brand awareness", "engagement": "Engagement", "sales": "Sales",
    "audience_growth": "Audience growth", "content": "Content production",
    "traffic": "Traffic", "seo": "Backlinks and SEO",
}
STAGES = {"tofu": "Top of the funnel (awareness)",
          "mofu": "Middle of the funnel (consideration)",
          "bofu": "Bottom of the funnel (conversion)"}
CALLS = {"keep": "Keep", "renegotiate": "Renegotiate", "train": "Train", "drop": "Drop",
         "no call": "No call"}
GROUPS = {"top": "Top", "low": "Low"}
CHANNELS = {"direct": "Direct", "organic": "Organic search"}
DATA_TABLES = {
    "orders": "Orders", "sessions": "Sessions", "costs": "Costs", "posts": "Posts",
    "post_metrics": "Post metrics", "clicks": "Short-link clicks",
    "follower_snapshots": "Follower counts", "brand_followers": "Brand followers",
    "fx_rates": "Exchange rates", "survey_answers": "Survey answers",
}
EMV_ACTIONS = {
    "impressions": "Impressions", "reach": "Reach", "views": "Views", "likes": "Likes",
    "comments": "Comments", "shares": "Shares", "saves": "Saves", "link_clicks": "Link clicks",
}
# The rows of the incrementality table (the mix model's estimate beside the floor).
INCREMENTALITY = {"floor": "Direct attribution (floor)", "multiplier": "Multiplier",
                  "revenue": "Estimated incremental revenue", "roi": "Incremental ROI",
                  "roas": "Incremental ROAS"}
# The grain a mix model was fitted on, as the methodology names it.
GRAINS = {"day": "daily", "week": "weekly"}
# The KPIs a report uses, each shown in the methodology with its registry label and formula.
KPIS_USED = ("cost", "revenue", "profit", "roi", "roas", "orders", "new_customers", "aov",
             "cpa", "cpe", "cpm", "cost_per_post", "impressions", "reach", "engagements",
             "engagement_rate", "emv", "emv_roi", "posts", "reused_posts")


def all_msgids() -> set[str]:
    """Every word this module can put into a cell or a sentence field."""
    from creatorroi.metrics.registry import REGISTRY

    out: set[str] = {UNASSIGNED, UNKNOWN_METRIC}
    for table in (PLATFORM_WORDS, CONTENT_TYPES, COST_CATEGORIES, METHODS, TIERS, GOAL_STATUS,
                  GOAL_FAMILIES, STAGES, CALLS, GROUPS, CHANNELS, DATA_TABLES, EMV_ACTIONS,
                  INCREMENTALITY, GRAINS):
        out.update(table.values())
    out.update(REGISTRY[k].label for k in KPIS_USED)
    return out


class Words:
    """Translate a domain value (``"fee"``, ``"micro"``) into the report's language."""

    def __init__(self, tr: Callable[..., str], lang: str):
        self.tr = tr
        self.lang = lang

    def join(self, items: Iterable[str]) -> str:
        """A list as the language writes one ("a، b و c" in Persian, "a, b e c" in Italian)."""
        values = [str(i) for i in items]
        return format_list(values, locale=self.lang) if values else ""

    def _pick(self, table: dict[str, str], value: object) -> str:
        if value is None or value == "(unassigned)":
            return self.tr(UNASSIGNED)
        text = str(value)
        return self.tr(table[text]) if text in table else text

    def platform(self, value: object) -> str:
        if isinstance(value, str) and value in PLATFORMS:
            return PLATFORMS[value]
        return self._pick(PLATFORM_WORDS, value)

    def content_type(self, value: object) -> str:
        return self._pick(CONTENT_TYPES, value)

    def category(self, value: object) -> str:
        return self._pick(COST_CATEGORIES, value)

    def method(self, value: object) -> str:
        return self._pick(METHODS, value)

    def tier(self, value: object) -> str:
        return self._pick(TIERS, value)

    def influencer(self, value: object) -> str:
        return self.tr(UNASSIGNED) if value in (None, "(unassigned)") else str(value)

    def word(self, table: dict[str, str], value: object) -> str:
        return self._pick(table, value)

    def weekday(self, index: int) -> str:
        """Monday is 0, as ``date.weekday()`` counts."""
        locale = Locale.parse(self.lang if self.lang != "zh_Hant" else "zh_Hant_TW")
        return str(get_day_names("wide", locale=locale)[index])
