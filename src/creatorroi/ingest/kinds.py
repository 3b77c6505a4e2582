"""The canonical import formats: one sheet layout per entity, the same for CSV and XLSX.

A user who has no connector fills one of these sheets (``creatorroi template KIND`` writes the
header and an example row). Column names are the user's vocabulary; money is a decimal amount
in major units beside its currency, never minor units. Each ``Field`` says how a cell is read,
so parsing, templates and docs come from one table.

Field types:
  str, int, decimal, bool, date, datetime, money (major-unit decimal; paired with the currency
  column named by ``currency_field``), percent (``12.5`` or ``12,5%`` → 12.5), list (``|`` or
  ``,`` separated), enum:<EnumName> (one of creatorroi.model.enums), choice:<a|b|c> (one of
  a short list only this sheet uses), currency (ISO 4217).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    example: str = ""
    help: str = ""
    currency_field: str = "currency"


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    help: str

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


F = Field

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("influencers", "influencers", ("id",), (
            F("id", "str", True, "giulia", "your id for the creator; used by every other sheet"),
            F("name", "str", True, "Giulia Rossi"),
            F("aliases", "list", False, "Giulia R.|줄리아",
              "other names buyers may type in surveys"),
            F("country", "str", False, "IT"),
        ), "Creators you work with."),
        Kind("accounts", "accounts", ("platform", "handle"), (
            F("influencer_id", "str", True, "giulia"),
            F("platform", "enum:Platform", True, "instagram"),
            F("handle", "str", True, "@giulia.skin", "leading @ optional"),
            F("url", "str", False, "https://instagram.com/giulia.skin"),
        ), "A creator's account on one platform."),
        Kind("followers", "follower_snapshots", ("platform", "handle", "captured_at"), (
            F("platform", "enum:Platform", True, "instagram"),
            F("handle", "str", True, "@giulia.skin"),
            F("captured_at", "datetime", True, "2024-03-01 09:00"),
            F("followers", "int", True, "48200"),
        ), "Follower counts of creator accounts over time (tiers come from these)."),
        Kind("campaigns", "campaigns", ("id",), (
            F("id", "str", True, "easter24"),
            F("name", "str", True, "Easter 2024"),
            F("goal_family", "enum:GoalFamily", True, "sales"),
            F("funnel_stage", "enum:FunnelStage", True, "bofu"),
            F("business_goal", "str", False, "Raise online sales from 200 to 350 orders in Q2"),
            F("message", "str", False, "Glow for spring: 20% off the vitamin C serum"),
            F("starts_on", "date", True, "2024-03-15"),
            F("ends_on", "date", False, "2024-04-07", "empty for always-on programmes"),
            F("always_on", "bool", False, "false"),
            F("budget", "money", False, "15000.00", currency_field="budget_currency"),
            F("budget_currency", "currency", False, "EUR"),
        ), "Campaigns and always-on programmes."),
        Kind("goals", "goals", ("id",), (
            F("id", "str", True, "easter24-orders"),
            F("campaign_id", "str", True, "easter24"),
            F("metric", "str", True, "orders", "any KPI name, see `creatorroi kpis --list`"),
            F("target", "decimal", True, "350"),
            F("baseline", "decimal", False, "200"),
            F("starts_on", "date", False, "2024-03-15", "defaults to the campaign start"),
            F("deadline", "date", True, "2024-04-07"),
            F("influencer_id", "str", False, "", "empty: the whole campaign"),
            F("platform", "enum:Platform", False, ""),
            F("description", "str", False, "Raise orders from influencer codes from 200 to 350"),
        ), "SMART goals: metric, target, baseline and deadline."),
        Kind("posts", "posts", ("id",), (
            F("id", "str", True, "giulia-easter-reel-1"),
            F("campaign_id", "str", True, "easter24"),
            F("influencer_id", "str", True, "giulia"),
            F("platform", "enum:Platform", True, "instagram"),
            F("content_type", "enum:ContentType", True, "reel"),
            F("planned_on", "date", False, "2024-03-20"),
            F("published_at", "datetime", False, "2024-03-20 18:30"),
            F("url", "str", False, "https://instagram.com/p/abc123"),
            F("caption", "str", False, "Il mio siero preferito #adv #glowup"),
            F("hashtags", "list", False, "adv|glowup"),
            F("reused", "bool", False, "false", "the brand reused this content (site, ads)"),
        ), "Deliverables: planned and published posts."),
        Kind("assets", "tracking_assets", ("id",), (
            F("id", "str", True, "giulia-easter-code"),
            F("kind", "enum:AssetKind", True, "promo_code"),
            F("influencer_id", "str", True, "giulia"),
            F("campaign_id", "str", True, "easter24"),
            F("code", "str", True, "EASTER24_GIULIA",
              "promo code, short-link slug, landing page path or affiliate id"),
            F("post_id", "str", False, ""),
            F("platform", "enum:Platform", False, "instagram"),
            F("destination", "str", False, "https://shop.example/collections/serum"),
            F("utm_source", "str", False, ""),
            F("utm_medium", "str", False, ""),
            F("utm_campaign", "str", False, ""),
            F("utm_content", "str", False, ""),
            F("utm_term", "str", False, ""),
        ), "Tracking assets: promo codes, UTM short links, landing pages, affiliate ids."),
        Kind("costs", "costs", ("id",), (
            F("id", "str", True, "giulia-easter-fee"),
            F("category", "enum:CostCategory", True, "fee"),
            F("amount", "money", True, "1200.00"),
            F("currency", "currency", True, "EUR"),
            F("incurred_on", "date", True, "2024-03-20"),
            F("influencer_id", "str", False, "giulia"),
            F("campaign_id", "str", False, "easter24"),
            F("post_id", "str", False, ""),
            F("note", "str", False, "2 reels + 3 stories"),
        ), "Every cost: fees, agents, samples, shipping, production, amplification, overhead."),
        Kind("pay_terms", "pay_terms", ("id",), (
            F("id", "str", True, "giulia-easter"),
            F("influencer_id", "str", True, "giulia"),
            F("campaign_id", "str", False, "easter24"),
            F("kind", "enum:PayKind", True, "hybrid"),
            F("currency", "currency", True, "EUR"),
            F("flat_fee", "money", False, "500.00"),
            F("per_sale", "money", False, "3.00"),
            F("per_click", "money", False, ""),
            F("per_engagement", "money", False, ""),
            F("revenue_share", "percent", False, "10", "percent of attributed net revenue"),
            F("cap", "money", False, "2500.00", "the most the performance part may pay"),
        ), "How each creator is paid: flat, per sale/click/engagement, revenue share, hybrid."),
        Kind("orders", "orders", ("id",), (
            F("id", "str", True, "1001"),
            F("order_number", "str", False, "#1001"),
            F("created_at", "datetime", True, "2024-03-21 10:15:00+01:00"),
            F("currency", "currency", True, "EUR"),
            F("gross", "money", True, "59.00", "merchandise before discounts"),
            F("discount", "money", False, "11.80"),
            F("refunded", "money", False, "0"),
            F("status", "str", False, "paid", "paid, refunded, voided, ..."),
            F("cancelled", "bool", False, "false"),
            F("codes", "list", False, "EASTER24_GIULIA"),
            F("landing_page", "str", False, "/pages/giulia"),
            F("referrer", "str", False, "https://l.instagram.com/"),
            F("customer_email", "str", False, "anna@example.com", "hashed at import, never stored"),
            F("visitor_id", "str", False, "", "analytics client id, to join sessions"),
            F("click_id", "str", False, "", "the cr_click id a short link carried"),
            F("affiliate_id", "str", False, ""),
            F("is_new_customer", "bool", False, "true", "empty: derived from order history"),
            F("is_subscription", "bool", False, "false"),
        ), "Orders from any shop; net revenue = gross - discount - refunded."),
        Kind("sessions", "sessions", ("id",), (
            F("id", "str", True, "s-0001"),
            F("started_at", "datetime", True, "2024-03-21 09:58:00+01:00"),
            F("sessions", "int", False, "1"),
            F("visitor_id", "str", False, "GA1.1.123.456"),
            F("utm_source", "str", False, "ig"),
            F("utm_medium", "str", False, "influencer"),
            F("utm_campaign", "str", False, "giulia"),
            F("utm_content", "str", False, "story"),
            F("utm_term", "str", False, ""),
            F("landing_page", "str", False, "/collections/serum"),
            F("referrer", "str", False, ""),
            F("transaction_id", "str", False, ""),
            F("click_id", "str", False, ""),
            F("revenue", "money", False, ""),
            F("currency", "currency", False, ""),
        ), "Web sessions with their UTM fields and landing page."),
        Kind("clicks", "clicks", ("id",), (
            F("id", "str", True, "c-0001"),
            F("slug", "str", True, "giulia"),
            F("clicked_at", "datetime", True, "2024-03-21 09:57:30+01:00"),
            F("visitor_id", "str", False, ""),
            F("user_agent", "str", False, "Mozilla/5.0 (iPhone; ...) Instagram 320.0"),
            F("referrer", "str", False, ""),
            F("is_bot", "bool", False, "false"),
        ), "Short-link clicks (from creatorroi's redirect service or another shortener)."),
        Kind("post_metrics", "post_metrics", ("post_id", "captured_at"), (
            F("post_id", "str", True, "giulia-easter-reel-1"),
            F("captured_at", "datetime", True, "2024-03-27 09:00"),
            F("reach", "int", False, "31000"),
            F("impressions", "int", False, "42000"),
            F("views", "int", False, "56000"),
            F("likes", "int", False, "2100"),
            F("comments", "int", False, "130"),
            F("shares", "int", False, "85"),
            F("saves", "int", False, "240"),
            F("link_clicks", "int", False, "610"),
            F("profile_visits", "int", False, "900"),
            F("follows", "int", False, "120"),
        ), "Post insights, one row per post and capture time (metrics are time series)."),
        Kind("brand_followers", "brand_followers", ("platform", "captured_at"), (
            F("platform", "enum:Platform", True, "instagram"),
            F("captured_at", "datetime", True, "2024-03-01 00:00"),
            F("followers", "int", True, "25400"),
        ), "The brand's own follower counts over time."),
        Kind("surveys", "survey_answers", ("id",), (
            F("id", "str", True, "r-0001"),
            F("order_id", "str", False, "1001"),
            F("answered_at", "datetime", False, "2024-03-21 10:20"),
            F("question", "str", False, "How did you hear about us?"),
            F("answer", "str", True, "giulia rossi su instagram"),
        ), "Post-purchase survey answers."),
        Kind("fx_rates", "fx_rates", ("base", "quote", "date"), (
            F("base", "currency", True, "USD"),
            F("quote", "currency", True, "EUR"),
            F("date", "date", True, "2024-03-20"),
            F("rate", "decimal", True, "0.9190", "1 base = rate quote"),
        ), "Dated exchange rates; the latest rate on or before a day is used."),
        Kind("emv_rates", "emv_rates", ("platform", "action"), (
            F("platform", "enum:Platform", True, "instagram"),
            F("action", "str", True, "likes",
              "impressions, reach, views, likes, comments, shares, saves, link_clicks"),
            F("rate", "decimal", True, "0.10", "value of one action in the currency"),
            F("currency", "currency", True, "EUR"),
        ), "The earned-media-value rate card."),
        # The marketing-mix model's inputs beyond influencer data (see docs/import.md).
        Kind("channel-spend", "channel_spend", ("channel", "date", "market"), (
            F("channel", "str", True, "meta_ads",
              "any channel name: meta_ads, google_ads, email, tv, ..."),
            F("date", "date", True, "2024-03-20", "the day the money was spent"),
            F("market", "str", False, "IT", "empty: all markets"),
            F("amount", "money", True, "412.50"),
            F("currency", "currency", False, "EUR", "empty: the workspace currency"),
            F("impressions", "int", False, "58000"),
            F("clicks", "int", False, "910"),
        ), "Daily spend on other marketing channels (ads, e-mail, TV) for the mix model."),
        Kind("events", "market_events", ("id",), (
            F("id", "str", False, "bf24-sale",
              "empty: derived from kind, name, starts_on and market"),
            F("kind", "choice:promotion|price_change|stockout|event", True, "promotion"),
            F("name", "str", True, "Black Friday sale"),
            F("starts_on", "date", True, "2024-11-29"),
            F("ends_on", "date", False, "2024-12-02", "empty: the day it starts"),
            F("market", "str", False, "", "empty: all markets"),
            F("value", "percent", False, "25", "discount or price change in percent"),
        ), "Promotions, price changes, stock-outs and other events: the mix model's controls."),
        Kind("brand-search", "search_volume", ("date", "term", "market"), (
            F("date", "date", True, "2024-03-20"),
            F("term", "str", False, "lumina skincare", "empty: brand"),
            F("market", "str", False, "IT", "empty: all markets"),
            F("volume", "int", True, "1840", "searches, or the tool's index (Google Trends)"),
        ), "Daily brand-search volume (Google Trends, Search Console) for the mix model."),
        # Content and audience quality (see docs/quality.md).
        Kind("briefs", "briefs", ("campaign_id", "influencer_id"), (
            F("campaign_id", "str", True, "easter24"),
            F("influencer_id", "str", False, "", "empty: every creator in the campaign"),
            F("market", "str", False, "IT",
              "country whose disclosure rules apply (ISO code); empty: the creator's country"),
            F("hashtags", "list", False, "#GlowWithLumina", "required hashtags"),
            F("mentions", "list", False, "@lumina.skincare", "required mentions"),
            F("banned_words", "list", False, "cheap|miracle", "words the brief forbids"),
            F("disclosures", "list", False, "",
              "accepted disclosure tags; empty: the market's list (settings)"),
            F("require_link", "bool", False, "false", "a tracked link must be in the caption"),
            F("require_code", "bool", False, "true", "the creator's promo code must appear"),
            F("grace_days", "int", False, "0", "days a post may be late before it is flagged"),
            F("target_countries", "list", False, "IT|CH", "the campaign's target audience"),
            F("target_ages", "list", False, "18-24|25-34"),
            F("target_genders", "list", False, "female"),
        ), "What every deliverable must carry: hashtags, mentions, disclosure, banned words; "
           "and who the campaign targets."),
        Kind("comments", "comments", ("id",), (
            F("id", "str", False, "17890012345", "empty: derived from post, author, time, text"),
            F("post_id", "str", True, "giulia-easter-reel-1"),
            F("author", "str", False, "@anna_b", "hashed at import, never stored"),
            F("created_at", "datetime", False, "2024-03-20 19:02"),
            F("text", "str", True, "Lo adoro! 😍"),
            F("likes", "int", False, "3"),
        ), "Comments on creators' posts (CSV, JSON or JSON Lines; millions of rows stream)."),
        Kind("mentions", "comments", ("id",), (
            F("id", "str", False, "", "empty: derived from platform, author, time, text"),
            F("platform", "enum:Platform", False, "x"),
            F("author", "str", False, "@someone", "hashed at import, never stored"),
            F("created_at", "datetime", False, "2024-03-22 08:15"),
            F("text", "str", True, "Just tried @lumina serum, love it"),
            F("url", "str", False, ""),
            F("likes", "int", False, "12"),
            F("influencer_id", "str", False, "", "the creator the mention is about, if any"),
        ), "Brand mentions from a social-listening tool (CSV, JSON or JSON Lines)."),
        Kind("audience", "audience_demographics", ("subject", "subject_id", "captured_at",
                                                   "dimension", "bucket"), (
            F("post_id", "str", False, "", "a post's audience; or give platform and handle"),
            F("platform", "enum:Platform", False, "instagram"),
            F("handle", "str", False, "@giulia.skin", "an account's audience"),
            F("captured_at", "datetime", True, "2024-03-27 09:00"),
            F("dimension", "choice:country|age|gender", True, "country"),
            F("bucket", "str", True, "IT", "country code, age range (18-24, 65+) or gender"),
            F("share", "percent", True, "62.5", "percent of the audience in this bucket"),
        ), "Audience demographics from insights: country, age and gender shares."),
        Kind("follower-sample", "follower_samples", ("account_id", "follower_hash"), (
            F("platform", "enum:Platform", True, "instagram"),
            F("handle", "str", True, "@giulia.skin", "the creator's account"),
            F("follower", "str", True, "@anna_b", "the follower's username; hashed at import"),
            F("full_name", "str", False, "Anna B", "only its word count is kept"),
            F("bio", "str", False, "", "only its length is kept"),
            F("has_picture", "bool", False, "true"),
            F("external_url", "bool", False, "false"),
            F("private", "bool", False, "false"),
            F("posts", "int", False, "120"),
            F("followers", "int", False, "340"),
            F("follows", "int", False, "410"),
        ), "A sample of an account's followers with their profile counts, to estimate how "
           "many are fake."),
    )
}

# Formats other tools export, read as they are written.
SOURCE_FORMATS: dict[str, str] = {
    "shopify-orders": "Shopify orders export CSV (Orders > Export), one row per line item",
    "ga4": "Google Analytics 4 exploration CSV or Data API report (CSV or JSON)",
    "instagram-insights": "Instagram / Meta Business Suite content export CSV",
    "tiktok-insights": "TikTok Studio analytics content export (CSV or XLSX)",
    "youtube-insights": "YouTube Studio advanced-mode export (Table data.csv)",
}

# Kinds read row by row in chunks, never whole (comment dumps run to millions of rows).
STREAMED_KINDS: frozenset[str] = frozenset({"comments", "mentions"})
