"""The domain's closed vocabularies, with the spellings real exports use mapped onto them.

Exports say ``ig``, ``IG``, ``Instagram`` or ``insta`` for the same platform; UTM conventions
use short codes (``utm_source=ig``). Each enum parses every spelling a user is likely to meet so
that one import path serves them all.
"""

from __future__ import annotations

from enum import StrEnum


class _Parsable(StrEnum):
    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {}

    @classmethod
    def parse(cls, raw: str) -> _Parsable:
        """Return the member for ``raw`` (case, spaces and dashes ignored) or raise ValueError."""
        key = raw.strip().casefold().replace("-", "_").replace(" ", "_")
        key = cls.aliases().get(key, key)
        try:
            return cls(key)
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise ValueError(f"{raw!r} is not one of: {allowed}") from None


class Platform(_Parsable):
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    FACEBOOK = "facebook"
    X = "x"
    LINKEDIN = "linkedin"
    PINTEREST = "pinterest"
    TWITCH = "twitch"
    SNAPCHAT = "snapchat"
    BLOG = "blog"
    PODCAST = "podcast"
    OTHER = "other"

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {
            "ig": "instagram", "insta": "instagram", "instagram.com": "instagram",
            "tt": "tiktok", "tik_tok": "tiktok", "tiktok.com": "tiktok",
            "yt": "youtube", "youtube.com": "youtube", "you_tube": "youtube",
            "fb": "facebook", "facebook.com": "facebook", "meta": "facebook",
            "twitter": "x", "tw": "x", "x.com": "x", "li": "linkedin", "pin": "pinterest",
            "web": "blog", "website": "blog",
        }


class ContentType(_Parsable):
    FEED_POST = "feed_post"
    CAROUSEL = "carousel"
    REEL = "reel"
    STORY = "story"
    VIDEO = "video"
    SHORT = "short"
    LIVE = "live"
    BLOG = "blog"
    LINK_IN_BIO = "link_in_bio"
    PODCAST = "podcast"
    OTHER = "other"

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {
            "post": "feed_post", "feed": "feed_post", "photo": "feed_post", "image": "feed_post",
            "reels": "reel", "stories": "story", "shorts": "short", "youtube_short": "short",
            "bio": "link_in_bio", "link": "link_in_bio", "article": "blog", "livestream": "live",
        }


class FunnelStage(_Parsable):
    TOFU = "tofu"
    MOFU = "mofu"
    BOFU = "bofu"

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {
            "top": "tofu", "awareness": "tofu", "middle": "mofu", "consideration": "mofu",
            "bottom": "bofu", "conversion": "bofu",
        }


class GoalFamily(_Parsable):
    AWARENESS = "awareness"
    ENGAGEMENT = "engagement"
    SALES = "sales"
    AUDIENCE_GROWTH = "audience_growth"
    CONTENT = "content"
    TRAFFIC = "traffic"
    SEO = "seo"

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {
            "brand_awareness": "awareness", "conversions": "sales", "conversion": "sales",
            "growth": "audience_growth", "followers": "audience_growth",
            "content_production": "content", "backlinks": "seo",
        }


class CostCategory(_Parsable):
    FEE = "fee"
    AGENT_FEE = "agent_fee"
    SAMPLES = "samples"
    SHIPPING = "shipping"
    PRODUCTION = "production"
    AMPLIFICATION = "amplification"
    PLATFORM_FEE = "platform_fee"
    OVERHEAD = "overhead"
    PERFORMANCE_PAY = "performance_pay"

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {
            "influencer_fee": "fee", "agent": "agent_fee", "agency_fee": "agent_fee",
            "product": "samples", "product_samples": "samples", "gifting": "samples",
            "paid": "amplification", "paid_amplification": "amplification",
            "boost": "amplification",
            "admin": "overhead", "administrative": "overhead", "commission": "performance_pay",
        }


class PayKind(_Parsable):
    FLAT = "flat"
    PER_SALE = "per_sale"
    PER_CLICK = "per_click"
    PER_ENGAGEMENT = "per_engagement"
    REVENUE_SHARE = "revenue_share"
    HYBRID = "hybrid"


class AssetKind(_Parsable):
    PROMO_CODE = "promo_code"
    UTM_LINK = "utm_link"
    LANDING_PAGE = "landing_page"
    AFFILIATE = "affiliate"

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {"code": "promo_code", "utm": "utm_link", "link": "utm_link",
                "short_link": "utm_link", "landing": "landing_page",
                "affiliate_id": "affiliate"}


class AttributionMethod(_Parsable):
    """Ways an order can be tied to an influencer, in the default order of trust."""

    PROMO_CODE = "promo_code"
    CLICK = "click"
    UTM = "utm"
    LANDING_PAGE = "landing_page"
    AFFILIATE = "affiliate"
    SURVEY = "survey"
