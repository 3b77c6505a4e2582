"""The mix model's table from a workspace's store: the one part of the model that reads it.

Sums happen in SQL (a million orders become a few hundred day x currency rows); only those
rows are converted to the workspace currency in Python, each at its day's rate, in Decimal and
rounded once to a minor unit, so the frames :func:`creatorroi.mmm.series.build_series` gets are
small and exact. Foreign-currency orders are converted as one sum per day and currency, not
line by line as the KPI ledger does: the two differ by under one minor unit per order, which a
model fitted in floats cannot see, and converting a million lines one by one would take
seconds.

What counts, and why:

* orders as attribution counts them (not cancelled, not refunded or voided, net above 0), on
  their local day; "new" is the order's flag, else the customer's first such order;
* sessions by channel group (``mmm.channels``), creators' own UTM medium as ``influencer``;
* influencer spend from ``costs`` placed by ``mmm.series.place_costs``, each line converted at
  its ``incurred_on`` rate (as the KPIs do) before it is split;
* other channels from ``channel_spend``; a channel named like influencer marketing is left
  out there, as the costs table already holds that money;
* ``floors``: each creator's attributed net revenue in the range, read from the attribution
  run's results and converted as the KPIs do (it equals ``ws.kpis("influencer", start=,
  end=)``'s revenue);
* ``groups``: ``<platform>/<tier>``, the platform she posted on most (in the range, else ever)
  and the tier of her account there at the start of the range.

Markets pick the holiday calendars. By default they are the countries of the workspace's
orders when orders carry one, else the country of the workspace's locale (``it-IT``) or time
zone (``Europe/Rome``), else its language (``ko`` -> KR), plus every market named in the
channel-spend, event and brand-search tables. Markets given explicitly also keep only the
rows of those tables for those markets (or for all markets, ``''``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytz

from creatorroi.errors import ConfigError, ModelRefused
from creatorroi.metrics.fx import RateTable
from creatorroi.mmm.calendar import calendar_controls, slug
from creatorroi.mmm.channels import INFLUENCER_MEDIUMS
from creatorroi.mmm.series import SeriesBundle, build_series
from creatorroi.mmm.spec import Grain
from creatorroi.model.money import exponent, from_minor
from creatorroi.model.tiers import tier_for

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

# channel_spend rows that are influencer marketing: the costs table is their source.
INFLUENCER_CHANNELS = frozenset({"influencer", "influencers", "creator", "creators",
                                 "influencer_marketing", "influencer_fees", "kol"})
# A language's main market, for a workspace whose locale and time zone name no country.
LANGUAGE_MARKET = {"it": "IT", "ko": "KR", "fa": "IR", "zh_hant": "TW", "zh_tw": "TW",
                   "zh": "CN", "zh_hans": "CN", "ja": "JP", "de": "DE", "fr": "FR",
                   "es": "ES", "pt": "BR", "nl": "NL", "en": "US", "tr": "TR", "ar": "SA",
                   "pl": "PL", "sv": "SE", "th": "TH", "vi": "VN", "id": "ID", "ru": "RU"}
_ZONE = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def load_series(ws: Workspace, *, grain: Grain = "day", start: date | None = None,
                end: date | None = None,
                markets: Sequence[str] | None = None) -> SeriesBundle:
    """The workspace's daily or weekly table for a mix model (see the module doc).

    ``start``/``end`` default to the first and last local day with an order; a weekly table
    keeps the whole ISO weeks inside them.
    """
    if grain not in ("day", "week"):
        raise ConfigError(f"grain {grain!r}: use 'day' or 'week'")
    ws.attribute()
    zone = _zone(ws.timezone)
    day_of = f"CAST(timezone('{zone}', {{col}}) AS DATE)"
    rates = ws._rates()
    home = ws.currency
    notes: list[str] = []
    if start is None or end is None:
        first, last = ws.store.fetch(
            f"SELECT min({day_of.format(col='created_at')}), "
            f"max({day_of.format(col='created_at')}) FROM orders WHERE workspace_id = ? "
            f"AND {_ELIGIBLE}", [ws.id])[0]
        if first is None:
            raise ModelRefused("no orders yet: a mix model explains sales, import orders first "
                               "(or give start and end)")
        start = start or _as_date(first)
        end = end or _as_date(last)
    if end < start:
        raise ConfigError(f"end {end} is before start {start}")
    if isinstance(markets, str):
        markets = [markets]
    explicit = markets is not None
    chosen = sorted({m.strip().upper() for m in markets or () if m.strip()}) if explicit \
        else default_markets(ws)
    market_sql, market_params = _market_filter(chosen if explicit else None)

    orders = _orders(ws, day_of, start, end, rates, notes)
    sessions = ws.store.frame(
        f"SELECT {day_of.format(col='started_at')} AS day, utm_source AS source, "
        "utm_medium AS medium, utm_campaign AS campaign, "
        f"CASE WHEN utm_source IS NULL AND utm_medium IS NULL THEN {_HOST} END AS referrer, "
        "sum(sessions) AS sessions FROM sessions WHERE workspace_id = ? "
        f"AND {day_of.format(col='started_at')} BETWEEN ? AND ? GROUP BY 1, 2, 3, 4, 5",
        [ws.id, start, end])
    costs, posts = _costs_and_posts(ws, day_of, rates, notes)
    channels = _channel_spend(ws, start, end, market_sql, market_params, rates, notes)
    search = _search(ws, start, end, chosen if explicit else None)
    events = ws.store.frame(
        "SELECT kind, name, starts_on, ends_on, market, value FROM market_events "
        f"WHERE workspace_id = ? AND starts_on <= ? {market_sql} "
        "AND (ends_on >= ? OR kind = 'price_change') ORDER BY starts_on, id",
        [ws.id, end, *market_params, start])
    cal = calendar_controls(start, end, chosen, events)
    creators = _creators(ws, day_of, start, end, posts)
    medium = ws.settings.tracking.utm.medium
    mediums = set(INFLUENCER_MEDIUMS)
    if "{" not in medium and medium.strip():
        mediums.add(medium.strip().casefold())
    if rates.warnings:
        notes.extend(sorted(rates.warnings))
    return build_series(orders=orders, sessions=sessions, influencer_spend=costs,
                        channel_spend=channels, search=search, calendar=cal, grain=grain,
                        start=start, end=end, currency=home, posts=posts, creators=creators,
                        influencer_mediums=mediums, warnings=tuple(notes))


_ELIGIBLE = "NOT cancelled AND status NOT IN ('refunded', 'voided') AND net_minor > 0"
# The referrer's host, in the string functions DuckDB and PostgreSQL share.
_HOST = ("lower(split_part(CASE WHEN position('://' IN referrer) > 0 "
         "THEN split_part(referrer, '://', 2) ELSE referrer END, '/', 1))")


def _zone(name: str) -> str:
    """The workspace's zone, checked so it can be written into SQL as a literal."""
    ZoneInfo(name)
    if not _ZONE.match(name):
        raise ConfigError(f"time zone {name!r} cannot be used in a query")
    return name


def _as_date(value: Any) -> date:
    return pd.Timestamp(value).date()


def to_home_minor(minor: int, currency: str, day: date | None, home: str,
                  rates: RateTable) -> int | None:
    """An amount in the home currency's minor units, rounded once (half-even); None when no
    rate converts it."""
    if currency == home:
        return int(minor)
    rate = rates.rate(currency, home, day)
    if rate is None:
        return None
    exact = (from_minor(int(minor), currency) * rate).scaleb(exponent(home))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _convert(frame: pd.DataFrame, cols: Iterable[str], home: str, rates: RateTable,
             what: str, notes: list[str]) -> pd.DataFrame:
    """Replace each money column (minor units in ``currency``) by home minor units; rows no
    rate converts are dropped and said so."""
    out = frame.copy()
    keep = [True] * len(out)
    cols = list(cols)
    lost = 0
    for c in cols:
        values = []
        for i, (v, cur, day) in enumerate(zip(out[c], out["currency"], out["day"],
                                              strict=True)):
            conv = to_home_minor(int(v), str(cur), _as_date(day), home, rates)
            if conv is None:
                keep[i] = False
                lost += 1
            values.append(0 if conv is None else conv)
        out[c] = pd.array(values, dtype="int64")
    if lost:
        notes.append(f"{what}: amounts with no exchange rate to {home} were left out")
    return out[keep].drop(columns=["currency"])


def _orders(ws: Workspace, day_of: str, start: date, end: date, rates: RateTable,
            notes: list[str]) -> pd.DataFrame:
    day = day_of.format(col="created_at")
    # New: the order's own flag, else the customer's first eligible order (as the KPIs say).
    raw = ws.store.frame(
        f"WITH o AS (SELECT created_at, currency, net_minor, COALESCE(is_new_customer, "
        f"CASE WHEN customer_hash IS NULL THEN NULL ELSE row_number() OVER ("
        f"PARTITION BY customer_hash ORDER BY created_at, id) = 1 END) AS is_new "
        f"FROM orders WHERE workspace_id = ? AND {_ELIGIBLE}) "
        f"SELECT {day} AS day, currency, count(*) AS orders, "
        f"sum(CASE WHEN is_new THEN 1 ELSE 0 END) AS new_orders, "
        f"sum(net_minor) AS revenue_minor, "
        f"sum(CASE WHEN is_new THEN net_minor ELSE 0 END) AS new_revenue_minor "
        f"FROM o WHERE {day} BETWEEN ? AND ? GROUP BY 1, 2", [ws.id, start, end])
    if raw.empty:
        return raw.drop(columns=["currency"])
    return _convert(raw, ["revenue_minor", "new_revenue_minor"], ws.currency, rates,
                    "orders", notes)


def _costs_and_posts(ws: Workspace, day_of: str, rates: RateTable,
                     notes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every cost line (converted at its own date's rate) and every post, whatever the range:
    a fee is split over all the campaign's posts before the range cuts it."""
    costs = ws.store.frame(
        "SELECT id, category, amount_minor, currency, incurred_on AS day, influencer_id, "
        "campaign_id, post_id FROM costs WHERE workspace_id = ? ORDER BY id", [ws.id])
    if len(costs):
        costs = _convert(costs, ["amount_minor"], ws.currency, rates, "costs", notes)
    costs = costs.rename(columns={"day": "incurred_on"})
    posts = ws.store.frame(
        f"SELECT id, influencer_id, campaign_id, platform, "
        f"{day_of.format(col='published_at')} AS published_on FROM posts "
        "WHERE workspace_id = ? ORDER BY id", [ws.id])
    return costs, posts


def _channel_spend(ws: Workspace, start: date, end: date, market_sql: str,
                   market_params: list[Any], rates: RateTable,
                   notes: list[str]) -> pd.DataFrame:
    raw = ws.store.frame(
        "SELECT spent_on AS day, channel, currency, sum(amount_minor) AS amount_minor "
        f"FROM channel_spend WHERE workspace_id = ? AND spent_on BETWEEN ? AND ? {market_sql} "
        "GROUP BY 1, 2, 3", [ws.id, start, end, *market_params])
    if raw.empty:
        return raw.drop(columns=["currency"])
    own = raw["channel"].map(lambda c: slug(c) in INFLUENCER_CHANNELS)
    if own.any():
        names = ", ".join(sorted({str(c) for c in raw.loc[own, "channel"]}))
        notes.append(f"channel spend on {names} left out: influencer spend comes from the "
                     "costs table")
        raw = raw[~own]
    return _convert(raw, ["amount_minor"], ws.currency, rates, "channel spend", notes)


def _search(ws: Workspace, start: date, end: date,
            markets: list[str] | None) -> pd.DataFrame:
    """Brand-search volume per day. A row for all markets (``''``) is a total, so it is used
    when no markets were asked for; otherwise the named markets' rows are summed."""
    rows = ws.store.frame(
        "SELECT day, market, sum(volume) AS volume FROM search_volume WHERE workspace_id = ? "
        "AND term = 'brand' AND day BETWEEN ? AND ? GROUP BY 1, 2", [ws.id, start, end])
    if rows.empty:
        return rows
    if markets is None:
        total = rows[rows["market"] == ""]
        rows = total if len(total) else rows
    else:
        picked = rows[rows["market"].isin(markets)]
        rows = picked if len(picked) else rows[rows["market"] == ""]
    return rows.groupby("day", as_index=False)["volume"].sum()


def _creators(ws: Workspace, day_of: str, start: date, end: date,
              posts: pd.DataFrame) -> pd.DataFrame:
    """Name, ``platform/tier`` pool and attributed revenue floor of every influencer."""
    names = dict(ws.store.fetch("SELECT id, name FROM influencers WHERE workspace_id = ?",
                                [ws.id]))
    published = posts[posts["published_on"].notna()]
    days = pd.to_datetime(published["published_on"])
    in_range = published[(days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))]
    platform: dict[str, str] = {}
    for frame in (published, in_range):  # the range's posts win over the whole history
        counts = frame.groupby(["influencer_id", "platform"]).size().reset_index(name="n")
        counts = counts.sort_values(["influencer_id", "n", "platform"],
                                    ascending=[True, False, True])
        platform.update(counts.groupby("influencer_id")["platform"].first().to_dict())
    # Each account's count on the range's first day: the latest before, else the first after.
    snap = f"{day_of.format(col='s.captured_at')}"
    accounts = ws.store.frame(
        "SELECT influencer_id, platform, followers FROM (SELECT a.influencer_id, a.platform, "
        "s.followers, row_number() OVER (PARTITION BY a.id ORDER BY "
        f"CASE WHEN {snap} <= CAST(? AS DATE) THEN 0 ELSE 1 END, "
        f"abs({snap} - CAST(? AS DATE)), s.captured_at DESC) AS r FROM accounts a "
        "JOIN follower_snapshots s ON s.workspace_id = a.workspace_id AND s.account_id = a.id "
        "WHERE a.workspace_id = ?) t WHERE r = 1", [start, start, ws.id])
    followers: dict[str, int] = {}
    if len(accounts):
        accounts["main"] = accounts["influencer_id"].map(platform)
        accounts["on_main"] = accounts["platform"] == accounts["main"]
        has_main = accounts.groupby("influencer_id")["on_main"].transform("any")
        mine = accounts[accounts["on_main"] | ~has_main]
        # No post: her largest account's platform; several accounts there: the largest.
        best = mine.sort_values(["influencer_id", "followers"], ascending=[True, False]) \
            .groupby("influencer_id").first()
        for iid, row in best.iterrows():
            platform.setdefault(str(iid), str(row["platform"]))
            followers[str(iid)] = int(row["followers"])
    floors = attributed_revenue(ws, start, end)
    ids = sorted(set(names) | set(platform) | set(floors))
    rows_out = []
    for iid in ids:
        tier = tier_for(followers.get(iid), ws.settings.tiers)
        group = f"{platform.get(iid, 'other')}/{tier.value if tier else 'unknown'}"
        rows_out.append((iid, names.get(iid, iid), group, floors.get(iid, 0.0)))
    return pd.DataFrame(rows_out, columns=["influencer_id", "name", "group", "floor"])


def attributed_revenue(ws: Workspace, start: date, end: date) -> dict[str, float]:
    """Each influencer's attributed net revenue over [start, end] (local days), major units.

    The KPIs' rule: the orders attribution credited (``attributions``), on their local day,
    each foreign-currency order converted at its day's rate and rounded once; so it equals
    ``ws.kpis("influencer", start=, end=)``'s revenue, without building every other fact.
    """
    home = ws.currency
    day = f"CAST(timezone('{_zone(ws.timezone)}', o.created_at) AS DATE)"
    raw = ws.store.frame(
        f"SELECT a.influencer_id, o.currency, CASE WHEN o.currency <> ? THEN {day} END AS day, "
        "CASE WHEN o.currency <> ? THEN o.id END AS line, sum(o.net_minor) AS revenue_minor "
        "FROM attributions a JOIN orders o ON o.workspace_id = a.workspace_id "
        f"AND o.id = a.order_id WHERE a.workspace_id = ? AND {day} BETWEEN ? AND ? "
        "GROUP BY 1, 2, 3, 4", [home, home, ws.id, start, end])
    rates = ws._rates()
    totals: dict[str, int] = {}
    for iid, cur, d, _line, minor in raw.itertuples(index=False, name=None):
        conv = to_home_minor(int(minor), str(cur), None if pd.isna(d) else _as_date(d), home,
                             rates)
        if conv is not None:
            totals[str(iid)] = totals.get(str(iid), 0) + conv
    scale = 10 ** exponent(home)
    return {k: v / scale for k, v in totals.items()}


def _market_filter(markets: list[str] | None) -> tuple[str, list[Any]]:
    if markets is None:
        return "", []
    if not markets:
        return "AND market = ''", []
    marks = ", ".join("?" for _ in markets)
    return f"AND (market = '' OR upper(market) IN ({marks}))", list(markets)


def default_markets(ws: Workspace) -> list[str]:
    """The workspace's markets when none are asked for (see the module doc)."""
    found: set[str] = set()
    if "country" in ws.store.columns("orders"):
        found |= {str(r[0]).upper() for r in ws.store.fetch(
            "SELECT DISTINCT country FROM orders WHERE workspace_id = ? AND country IS NOT "
            "NULL", [ws.id]) if r[0]}
    if not found:
        home = home_market(ws.locale, ws.timezone)
        if home:
            found.add(home)
    for table in ("channel_spend", "market_events", "search_volume"):
        found |= {str(r[0]).strip().upper() for r in ws.store.fetch(
            f"SELECT DISTINCT market FROM {table} WHERE workspace_id = ? AND market <> ''",
            [ws.id]) if r[0] and str(r[0]).strip()}
    return sorted(found)


def home_market(locale: str, timezone: str) -> str | None:
    """A country code from a locale's region (``it-IT``), else the time zone's country
    (``Europe/Rome``), else the language's main market (``ko`` -> KR)."""
    parts = re.split(r"[-_]", locale.strip())
    for p in parts[1:]:
        if len(p) == 2 and p.isalpha():
            return p.upper()
    for country, zones in pytz.country_timezones.items():
        if timezone in zones:
            return str(country).upper()
    key = locale.strip().casefold().replace("-", "_")
    return LANGUAGE_MARKET.get(key) or LANGUAGE_MARKET.get(parts[0].casefold())
