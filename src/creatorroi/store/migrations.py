"""Versioned schema migrations, written once in the SQL subset DuckDB and PostgreSQL share.

Why one DDL text for both backends: the store must behave identically on the embedded default
and on a team server, and a single text cannot drift. Conventions that make that hold:

* money is ``BIGINT`` minor units beside an ISO currency (KRW has no minor unit, EUR has two);
  rates that are not money (FX, revenue share, EMV per action) are ``DECIMAL``;
* instants are ``TIMESTAMP WITH TIME ZONE`` (stored as UTC); the zone the source used is kept
  in ``source_tz`` so a reviewer can see how an export's local times were read;
* every row belongs to a workspace and every key is the source's own id, so re-importing a file
  upserts instead of duplicating;
* derived tables (``session_days``, ``attribution_touches``, ``attributions``) carry no
  primary key: they are rebuilt whole by each attribution run, unique by construction, and an
  index would only slow the rebuild of millions of rows.

A migration is never edited once released: add a new one. ``store.connect`` applies the ones a
store lacks, inside a transaction, so an upgrade either completes or leaves the store as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

TS = "TIMESTAMP WITH TIME ZONE"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


_V1 = (
    f"""CREATE TABLE workspaces (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        currency VARCHAR NOT NULL,
        timezone VARCHAR NOT NULL,
        locale VARCHAR NOT NULL,
        salt VARCHAR NOT NULL,
        settings VARCHAR NOT NULL,
        created_at {TS} NOT NULL,
        attributed_at {TS}
    )""",
    """CREATE TABLE influencers (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        aliases VARCHAR,
        country VARCHAR,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE accounts (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        handle VARCHAR NOT NULL,
        url VARCHAR,
        PRIMARY KEY (workspace_id, id)
    )""",
    f"""CREATE TABLE follower_snapshots (
        workspace_id VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        captured_at {TS} NOT NULL,
        followers BIGINT NOT NULL,
        PRIMARY KEY (workspace_id, account_id, captured_at)
    )""",
    """CREATE TABLE campaigns (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        goal_family VARCHAR NOT NULL,
        funnel_stage VARCHAR NOT NULL,
        business_goal VARCHAR,
        message VARCHAR,
        starts_on DATE NOT NULL,
        ends_on DATE,
        always_on BOOLEAN NOT NULL,
        budget_minor BIGINT,
        budget_currency VARCHAR,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE goals (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        metric VARCHAR NOT NULL,
        target DECIMAL(20, 4) NOT NULL,
        baseline DECIMAL(20, 4),
        starts_on DATE,
        deadline DATE NOT NULL,
        influencer_id VARCHAR,
        platform VARCHAR,
        description VARCHAR,
        PRIMARY KEY (workspace_id, id)
    )""",
    f"""CREATE TABLE posts (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        content_type VARCHAR NOT NULL,
        planned_on DATE,
        published_at {TS},
        url VARCHAR,
        caption VARCHAR,
        hashtags VARCHAR,
        reused BOOLEAN NOT NULL,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE tracking_assets (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        post_id VARCHAR,
        platform VARCHAR,
        match_key VARCHAR NOT NULL,
        destination VARCHAR,
        utm_source VARCHAR,
        utm_medium VARCHAR,
        utm_campaign VARCHAR,
        utm_content VARCHAR,
        utm_term VARCHAR,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE costs (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        amount_minor BIGINT NOT NULL,
        currency VARCHAR NOT NULL,
        incurred_on DATE NOT NULL,
        influencer_id VARCHAR,
        campaign_id VARCHAR,
        post_id VARCHAR,
        note VARCHAR,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE pay_terms (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL,
        campaign_id VARCHAR,
        kind VARCHAR NOT NULL,
        currency VARCHAR NOT NULL,
        flat_minor BIGINT,
        per_sale_minor BIGINT,
        per_click_minor BIGINT,
        per_engagement_minor BIGINT,
        revenue_share DECIMAL(9, 6),
        cap_minor BIGINT,
        PRIMARY KEY (workspace_id, id)
    )""",
    f"""CREATE TABLE orders (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        order_number VARCHAR,
        created_at {TS} NOT NULL,
        source_tz VARCHAR,
        currency VARCHAR NOT NULL,
        gross_minor BIGINT NOT NULL,
        discount_minor BIGINT NOT NULL,
        refunded_minor BIGINT NOT NULL,
        net_minor BIGINT NOT NULL,
        status VARCHAR NOT NULL,
        cancelled BOOLEAN NOT NULL,
        landing_page VARCHAR,
        referrer VARCHAR,
        customer_hash VARCHAR,
        visitor_id VARCHAR,
        click_id VARCHAR,
        affiliate_id VARCHAR,
        is_new_customer BOOLEAN,
        is_subscription BOOLEAN NOT NULL,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE order_codes (
        workspace_id VARCHAR NOT NULL,
        order_id VARCHAR NOT NULL,
        code VARCHAR NOT NULL,
        PRIMARY KEY (workspace_id, order_id, code)
    )""",
    f"""CREATE TABLE sessions (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        started_at {TS} NOT NULL,
        sessions BIGINT NOT NULL,
        visitor_id VARCHAR,
        utm_source VARCHAR,
        utm_medium VARCHAR,
        utm_campaign VARCHAR,
        utm_content VARCHAR,
        utm_term VARCHAR,
        landing_page VARCHAR,
        referrer VARCHAR,
        transaction_id VARCHAR,
        click_id VARCHAR,
        revenue_minor BIGINT,
        currency VARCHAR,
        PRIMARY KEY (workspace_id, id)
    )""",
    f"""CREATE TABLE clicks (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        slug VARCHAR NOT NULL,
        clicked_at {TS} NOT NULL,
        visitor_hash VARCHAR,
        user_agent VARCHAR,
        referrer VARCHAR,
        is_bot BOOLEAN NOT NULL,
        PRIMARY KEY (workspace_id, id)
    )""",
    f"""CREATE TABLE post_metrics (
        workspace_id VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        captured_at {TS} NOT NULL,
        reach BIGINT,
        impressions BIGINT,
        views BIGINT,
        likes BIGINT,
        comments BIGINT,
        shares BIGINT,
        saves BIGINT,
        link_clicks BIGINT,
        profile_visits BIGINT,
        follows BIGINT,
        PRIMARY KEY (workspace_id, post_id, captured_at)
    )""",
    f"""CREATE TABLE brand_followers (
        workspace_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        captured_at {TS} NOT NULL,
        followers BIGINT NOT NULL,
        PRIMARY KEY (workspace_id, platform, captured_at)
    )""",
    f"""CREATE TABLE survey_answers (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        order_id VARCHAR,
        answered_at {TS},
        question VARCHAR,
        answer VARCHAR NOT NULL,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE fx_rates (
        workspace_id VARCHAR NOT NULL,
        base VARCHAR NOT NULL,
        quote VARCHAR NOT NULL,
        rate_date DATE NOT NULL,
        rate DECIMAL(20, 10) NOT NULL,
        PRIMARY KEY (workspace_id, base, quote, rate_date)
    )""",
    """CREATE TABLE emv_rates (
        workspace_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        rate DECIMAL(18, 6) NOT NULL,
        currency VARCHAR NOT NULL,
        PRIMARY KEY (workspace_id, platform, action)
    )""",
    f"""CREATE TABLE imports (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        rows_read BIGINT NOT NULL,
        rows_new BIGINT NOT NULL,
        rows_changed BIGINT NOT NULL,
        imported_at {TS} NOT NULL,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE survey_matches (
        workspace_id VARCHAR NOT NULL,
        survey_id VARCHAR NOT NULL,
        order_id VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (workspace_id, survey_id)
    )""",
    f"""CREATE TABLE attribution_touches (
        workspace_id VARCHAR NOT NULL,
        order_id VARCHAR NOT NULL,
        method VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL,
        campaign_id VARCHAR,
        asset_id VARCHAR,
        touched_at {TS}
    )""",
    """CREATE TABLE session_days (
        workspace_id VARCHAR NOT NULL,
        method VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL,
        campaign_id VARCHAR,
        post_id VARCHAR,
        asset_id VARCHAR NOT NULL,
        day DATE NOT NULL,
        sessions BIGINT NOT NULL
    )""",
    f"""CREATE TABLE attributions (
        workspace_id VARCHAR NOT NULL,
        order_id VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL,
        campaign_id VARCHAR,
        asset_id VARCHAR,
        post_id VARCHAR,
        method VARCHAR NOT NULL,
        touched_at {TS}
    )""",
)

# Issued tracking assets carry what the brand needs to hand them out again (a landing page's
# offer and products); the click log's segments are remembered by size so a re-run of the
# ingest reads only what grew.
_V2 = (
    f"""CREATE TABLE landing_pages (
        workspace_id VARCHAR NOT NULL,
        asset_id VARCHAR NOT NULL,
        offer VARCHAR,
        products VARCHAR,
        updated_at {TS} NOT NULL,
        PRIMARY KEY (workspace_id, asset_id)
    )""",
    f"""CREATE TABLE click_segments (
        workspace_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        records BIGINT NOT NULL,
        skipped BIGINT NOT NULL,
        ingested_at {TS} NOT NULL,
        PRIMARY KEY (workspace_id, name)
    )""",
)

# Version 3: the web app's accounts. Users belong to workspaces with a role (an agency has many
# brands); passwords are argon2id hashes, and sessions and API tokens are kept only as SHA-256
# digests of their secret, so a copy of the store does not let anyone log in. ``revision``
# grows with every write to a workspace, so a cached number is known to be current.
_V3 = (
    f"""CREATE TABLE users (
        id VARCHAR PRIMARY KEY,
        email VARCHAR NOT NULL UNIQUE,
        name VARCHAR NOT NULL,
        password_hash VARCHAR NOT NULL,
        lang VARCHAR,
        created_at {TS} NOT NULL
    )""",
    """CREATE TABLE memberships (
        user_id VARCHAR NOT NULL,
        workspace_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        PRIMARY KEY (user_id, workspace_id)
    )""",
    f"""CREATE TABLE api_tokens (
        id VARCHAR PRIMARY KEY,
        user_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        secret_sha256 VARCHAR NOT NULL,
        created_at {TS} NOT NULL,
        last_used_at {TS}
    )""",
    f"""CREATE TABLE web_sessions (
        id_sha256 VARCHAR PRIMARY KEY,
        user_id VARCHAR NOT NULL,
        created_at {TS} NOT NULL,
        expires_at {TS} NOT NULL
    )""",
    """CREATE TABLE server_secrets (
        name VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL
    )""",
    "ALTER TABLE workspaces ADD COLUMN revision BIGINT NOT NULL DEFAULT 0",
)

# Version 4: what a marketing-mix model needs besides the influencer data: other channels'
# daily spend, controls (promotions, price changes, stock-outs) and brand-search volume. The
# model regresses sales on all of them, so they are kept by day and market. ``market`` is ''
# for "all markets" rather than NULL, because a key column must be NOT NULL to upsert on it.
# An event's ``value`` is a plain number (a discount or price change in percent), not money.
_V4 = (
    """CREATE TABLE channel_spend (
        workspace_id VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        spent_on DATE NOT NULL,
        market VARCHAR NOT NULL DEFAULT '',
        amount_minor BIGINT NOT NULL,
        currency VARCHAR NOT NULL,
        impressions BIGINT,
        clicks BIGINT,
        PRIMARY KEY (workspace_id, channel, spent_on, market)
    )""",
    """CREATE TABLE market_events (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        starts_on DATE NOT NULL,
        ends_on DATE NOT NULL,
        market VARCHAR NOT NULL DEFAULT '',
        value DOUBLE PRECISION,
        PRIMARY KEY (workspace_id, id)
    )""",
    """CREATE TABLE search_volume (
        workspace_id VARCHAR NOT NULL,
        day DATE NOT NULL,
        term VARCHAR NOT NULL DEFAULT 'brand',
        market VARCHAR NOT NULL DEFAULT '',
        volume BIGINT NOT NULL,
        PRIMARY KEY (workspace_id, day, term, market)
    )""",
    # Each fitted model (or lift analysis) is kept, with its options and its JSON result, so the
    # report and the web app read the estimate without refitting it.
    f"""CREATE TABLE model_runs (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        created_at {TS} NOT NULL,
        grain VARCHAR NOT NULL,
        starts_on DATE NOT NULL,
        ends_on DATE NOT NULL,
        subject VARCHAR NOT NULL DEFAULT '',
        params VARCHAR NOT NULL,
        result VARCHAR NOT NULL,
        PRIMARY KEY (workspace_id, id)
    )""",
)

# Version 5: content and audience quality. ``briefs`` say what each deliverable must carry
# (per campaign, or per creator where ``influencer_id`` is not ''); lists are '|'-joined, as
# ``posts.hashtags`` is. ``comments`` holds post comments and brand mentions (``kind``) with
# the sentiment scored at import, so a page over a million comments reads a column instead of
# re-scoring; the commenter is a salted hash, never the handle. ``audience_demographics`` keeps
# each insights snapshot's country/age/gender shares for a post or an account;
# ``follower_samples`` the profile features of a sample of an account's followers (the inputs
# of the fake-follower detector, the handle itself hashed). ``content_checks`` and
# ``audience_audits`` are derived: each ``creatorroi check`` / audit run replaces the rows of
# what it looked at, so they always say what the latest run found.
_V5 = (
    """CREATE TABLE briefs (
        workspace_id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        influencer_id VARCHAR NOT NULL DEFAULT '',
        market VARCHAR,
        hashtags VARCHAR,
        mentions VARCHAR,
        banned_words VARCHAR,
        disclosures VARCHAR,
        require_link BOOLEAN NOT NULL,
        require_code BOOLEAN NOT NULL,
        grace_days BIGINT NOT NULL,
        target_countries VARCHAR,
        target_ages VARCHAR,
        target_genders VARCHAR,
        PRIMARY KEY (workspace_id, campaign_id, influencer_id)
    )""",
    f"""CREATE TABLE comments (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        post_id VARCHAR,
        influencer_id VARCHAR,
        platform VARCHAR,
        author_hash VARCHAR,
        created_at {TS},
        text VARCHAR NOT NULL,
        likes BIGINT,
        url VARCHAR,
        language VARCHAR,
        sentiment DOUBLE PRECISION,
        sentiment_label VARCHAR,
        sentiment_backend VARCHAR,
        PRIMARY KEY (workspace_id, id)
    )""",
    f"""CREATE TABLE audience_demographics (
        workspace_id VARCHAR NOT NULL,
        subject VARCHAR NOT NULL,
        subject_id VARCHAR NOT NULL,
        captured_at {TS} NOT NULL,
        dimension VARCHAR NOT NULL,
        bucket VARCHAR NOT NULL,
        share DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (workspace_id, subject, subject_id, captured_at, dimension, bucket)
    )""",
    """CREATE TABLE follower_samples (
        workspace_id VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        follower_hash VARCHAR NOT NULL,
        has_picture BOOLEAN,
        username_length BIGINT,
        username_digits DOUBLE PRECISION,
        fullname_words BIGINT,
        fullname_digits DOUBLE PRECISION,
        name_is_username BOOLEAN,
        bio_length BIGINT,
        has_url BOOLEAN,
        private BOOLEAN,
        posts BIGINT,
        followers BIGINT,
        follows BIGINT,
        PRIMARY KEY (workspace_id, account_id, follower_hash)
    )""",
    f"""CREATE TABLE content_checks (
        workspace_id VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        check_name VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        detail VARCHAR,
        suggestion VARCHAR,
        checked_at {TS} NOT NULL,
        PRIMARY KEY (workspace_id, post_id, check_name)
    )""",
    f"""CREATE TABLE audience_audits (
        workspace_id VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        audited_at {TS} NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        verdict VARCHAR NOT NULL,
        reasons VARCHAR NOT NULL,
        engagement_rate DOUBLE PRECISION,
        benchmark_rate DOUBLE PRECISION,
        generic_share DOUBLE PRECISION,
        comment_like_ratio DOUBLE PRECISION,
        fake_follower_share DOUBLE PRECISION,
        spikes BIGINT,
        PRIMARY KEY (workspace_id, account_id)
    )""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _V1),
    Migration(2, "landing pages and click-log segments", _V2),
    Migration(3, "web accounts, sessions, API tokens and workspace revisions", _V3),
    Migration(4, "marketing-mix inputs and results: channel spend, market events, "
              "brand-search volume, model runs", _V4),
    Migration(5, "content and audience quality: briefs, comments and mentions, audience "
              "demographics, follower samples, content checks, audience audits", _V5),
)

LATEST = MIGRATIONS[-1].version
