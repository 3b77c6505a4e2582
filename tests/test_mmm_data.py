"""The mix model's table read from a real store (DuckDB and PostgreSQL), against plain SQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pandas as pd
import psycopg
import pytest

from creatorroi.errors import ModelRefused
from creatorroi.mmm.series import SeriesBundle
from creatorroi.mmm_data import default_markets, home_market, load_series
from creatorroi.workspace import Workspace, open_store

from world import build, order, put, ts

START, END = date(2024, 3, 1), date(2024, 4, 30)


def brand(url: str) -> Workspace:
    """The test world plus a third creator, a platform fee, a US order and a late order."""
    w = build(open_store(url))
    # A third creator: three posts and a fee of 100.00 for the campaign, no post named.
    put(w, "influencers", [dict(id="marta", name="Marta B", aliases=None, country="IT")],
        ["id"])
    put(w, "accounts", [dict(id="instagram:marta", influencer_id="marta", platform="instagram",
                             handle="marta"),
                        dict(id="youtube:marta", influencer_id="marta", platform="youtube",
                             handle="marta")], ["id"])
    put(w, "follower_snapshots", [
        dict(account_id="instagram:marta", captured_at=ts("2024-02-01T00:00:00Z"),
             followers=5_000),
        dict(account_id="youtube:marta", captured_at=ts("2024-02-01T00:00:00Z"),
             followers=900_000),
        dict(account_id="instagram:giulia.skin", captured_at=ts("2024-06-01T00:00:00Z"),
             followers=150_000)], ["account_id", "captured_at"])
    put(w, "posts", [
        dict(id=f"m{i}", campaign_id="easter", influencer_id="marta", platform=plat,
             content_type="reel", published_at=ts(at), reused=False)
        for i, (plat, at) in enumerate([("instagram", "2024-03-26T23:30:00Z"),  # 27th in Rome
                                        ("instagram", "2024-03-28T10:00:00Z"),
                                        ("youtube", "2024-04-02T10:00:00Z")])]
        + [dict(id="m9", campaign_id="easter", influencer_id="marta", platform="instagram",
                content_type="story", published_at=None, reused=False)], ["id"])
    put(w, "costs", [
        dict(id="m-fee", category="fee", amount_minor=10000, currency="EUR",
             incurred_on=date(2024, 3, 10), influencer_id="marta", campaign_id="easter"),
        dict(id="m-boost", category="amplification", amount_minor=5000, currency="EUR",
             incurred_on=date(2024, 4, 3), influencer_id="marta", campaign_id="easter",
             post_id="m2"),
        dict(id="tool", category="platform_fee", amount_minor=30000, currency="EUR",
             incurred_on=date(2024, 3, 1)),
        dict(id="g-june", category="samples", amount_minor=1500, currency="EUR",
             incurred_on=date(2024, 6, 10), influencer_id="giulia")], ["id"])
    # A US order converted at the day's rate; a late-evening UTC order on Rome's next day.
    put(w, "orders", [order("10", "2024-03-22T12:00:00Z", 1000, currency="USD", customer="c9"),
                      order("11", "2024-03-26T23:10:00Z", 2500, customer="c1")], ["id"])
    return w


@pytest.fixture
def ws(store_url: str) -> Workspace:
    """A fresh brand, for tests that write to it."""
    return brand(store_url)


@pytest.fixture(scope="module",
                params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, SeriesBundle]]:
    """One brand per backend and its table for March-April, for the tests that only read."""
    if request.param == "duckdb":
        url = str(tmp_path_factory.mktemp("mmm") / "store.duckdb")
        schema = None
    else:
        schema = f"cr_test_{uuid.uuid4().hex[:12]}"
        url = f"{request.getfixturevalue('pg_dsn')}?schema={schema}"
    w = brand(url)
    yield w, load_series(w, start=START, end=END)
    w.store.close()
    if schema is not None:
        with psycopg.connect(request.getfixturevalue("pg_dsn"), autocommit=True) as con:
            con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def plain_daily(ws: Workspace) -> dict[date, tuple[int, int]]:
    rows = ws.store.fetch(
        "SELECT CAST(timezone('Europe/Rome', created_at) AS DATE), count(*), sum(net_minor) "
        "FROM orders WHERE workspace_id = ? AND currency = 'EUR' AND NOT cancelled "
        "AND status NOT IN ('refunded', 'voided') AND net_minor > 0 GROUP BY 1", [ws.id])
    return {pd.Timestamp(d).date(): (int(n), int(s)) for d, n, s in rows}


def by_day(frame: pd.DataFrame, col: str) -> dict[date, float]:
    return {d.date(): v for d, v in zip(frame["date"], frame[col], strict=True) if v}


def test_daily_orders_against_sql(shared: tuple[Workspace, SeriesBundle]) -> None:
    ws, b = shared
    f = b.frame
    assert len(f) == (END - START).days + 1
    assert list(f["date"].dt.date) == list(pd.date_range(START, END).date)
    plain = plain_daily(ws)
    usd = {date(2024, 3, 22): (1, 920)}  # 10.00 USD at 0.92 (the rate of 21 March on)
    expected = {d: (plain.get(d, (0, 0))[0] + usd.get(d, (0, 0))[0],
                    plain.get(d, (0, 0))[1] + usd.get(d, (0, 0))[1])
                for d in set(plain) | set(usd)}
    assert by_day(f, "orders") == {d: n for d, (n, _) in expected.items()}
    assert by_day(f, "revenue") == {d: s / 100 for d, (_, s) in expected.items()}
    assert by_day(f, "orders")[date(2024, 3, 27)] == 1
    # new: c1 ordered on the 21st, so order 11 is not new; c9's USD order is.
    assert by_day(f, "new_orders")[date(2024, 3, 22)] == 3
    assert date(2024, 3, 27) not in by_day(f, "new_orders")
    assert f.drop(columns="date").isna().sum().sum() == 0


def test_influencer_spend_placed_and_totalled(shared: tuple[Workspace, SeriesBundle]) -> None:
    ws, b = shared
    f = b.frame
    assert by_day(f, "inf_marta") == {date(2024, 3, 27): 33.33, date(2024, 3, 28): 33.33,
                                      date(2024, 4, 2): 33.34, date(2024, 4, 3): 50.0}
    assert by_day(f, "inf_giulia") == {date(2024, 3, 20): 120.0}   # fee + samples on g1
    assert by_day(f, "inf_jisoo") == {date(2024, 3, 21): 92.0}     # 100 USD at 0.92
    # Every cost of a creator lands on some day of the range: the totals agree.
    total = sum(f[c].sum() for c in b.spec.spend if c.startswith("inf_"))
    kpis = ws.kpis("influencer", start=START, end=END)
    creator_costs = kpis[kpis["influencer"] != "(unassigned)"]["cost"].sum()
    assert round(total, 2) == float(creator_costs) == 120 + 92 + 150
    assert any("name no influencer" in w for w in b.warnings)


def test_spec_groups_floors_labels(shared: tuple[Workspace, SeriesBundle]) -> None:
    ws, b = shared
    spec = b.spec
    assert spec.date == "date" and spec.target == "revenue"
    assert spec.spend == ("inf_giulia", "inf_jisoo", "inf_marta")
    # marta posted most on instagram, where she has 5,000 followers (her YouTube is bigger)
    assert dict(spec.groups) == {"inf_giulia": "instagram/micro", "inf_jisoo": "tiktok/macro",
                                 "inf_marta": "instagram/nano"}
    kpis = ws.kpis("influencer", start=START, end=END)
    revenue = dict(zip(kpis["influencer"], kpis["revenue"], strict=True))
    assert spec.floors["inf_giulia"] == float(revenue["@giulia.skin"]) == 140.0
    assert spec.floors["inf_jisoo"] == float(revenue["@jisoo.glow"])
    assert spec.floors["inf_marta"] == 0.0
    assert b.labels["inf_jisoo"] == "김지수"
    assert b.ids["inf_marta"] == "marta"
    # The tier is the one at the start of the range: giulia grew to 150k by June.
    later = load_series(ws, start=date(2024, 6, 2), end=date(2024, 6, 30))
    assert later.spec.spend == ("inf_giulia",)
    assert dict(later.spec.groups) == {"inf_giulia": "instagram/macro"}
    assert "sessions_influencer" not in later.frame.columns


def test_sessions_by_channel(shared: tuple[Workspace, SeriesBundle]) -> None:
    _, b = shared
    f = b.frame
    # s0: google/organic x5; s1, s2, s9: ig/influencer (creators' own links, not organic)
    assert by_day(f, "sessions_organic_search") == {date(2024, 3, 21): 5}
    assert by_day(f, "sessions_influencer") == {date(2024, 3, 10): 1, date(2024, 3, 20): 1,
                                                date(2024, 3, 21): 1}
    assert "sessions_organic_social" not in f.columns


def test_channel_spend_events_and_search(ws: Workspace) -> None:
    ws.store.upsert("channel_spend", pd.DataFrame([
        dict(channel="meta_ads", spent_on=date(2024, 3, 5), market="", amount_minor=12345,
             currency="EUR", impressions=1000, clicks=10),
        dict(channel="meta_ads", spent_on=date(2024, 3, 5), market="US", amount_minor=1000,
             currency="USD", impressions=None, clicks=None),
        dict(channel="google_ads", spent_on=date(2024, 3, 6), market="IT", amount_minor=500,
             currency="EUR", impressions=None, clicks=None),
        dict(channel="Influencer", spent_on=date(2024, 3, 6), market="", amount_minor=999,
             currency="EUR", impressions=None, clicks=None),
    ]).astype({"impressions": "Int64", "clicks": "Int64"}), ["channel", "spent_on", "market"],
        workspace_id=ws.id)
    ws.store.upsert("market_events", pd.DataFrame([
        dict(id="e1", kind="promotion", name="Spring sale", starts_on=date(2024, 3, 8),
             ends_on=date(2024, 3, 10), market="", value=20.0),
        dict(id="e2", kind="stockout", name="Serum", starts_on=date(2024, 3, 12),
             ends_on=date(2024, 3, 12), market="IT", value=None),
    ]), ["id"], workspace_id=ws.id)
    ws.store.upsert("search_volume", pd.DataFrame([
        dict(day=date(2024, 3, 2), term="brand", market="", volume=80),
        dict(day=date(2024, 3, 2), term="brand", market="IT", volume=50),
        dict(day=date(2024, 3, 3), term="competitor", market="", volume=999),
    ]), ["day", "term", "market"], workspace_id=ws.id)
    assert default_markets(ws) == ["IT", "US"]
    b = load_series(ws, start=START, end=END)
    f = b.frame
    assert by_day(f, "spend_meta_ads") == {date(2024, 3, 5): 132.45}  # + 10 USD at 0.90
    assert by_day(f, "spend_google_ads") == {date(2024, 3, 6): 5.0}
    assert "spend_influencer" not in f.columns
    assert any("Influencer" in w and "left out" in w for w in b.warnings)
    assert by_day(f, "brand_search") == {date(2024, 3, 2): 80}
    assert by_day(f, "promo") == {date(2024, 3, d): 20.0 for d in (8, 9, 10)}
    assert by_day(f, "stockout") == {date(2024, 3, 12): 0.5}  # IT of IT and US
    assert {"promo", "stockout", "holiday_easter"} <= set(b.spec.controls)
    assert b.frame.loc[b.frame["date"] == pd.Timestamp("2024-03-29"),
                       "holiday_easter"].item() == 0.5  # Good Friday: a US retail day only
    # Only Italy, asked for: US rows are left out, IT and all-market rows kept.
    it = load_series(ws, start=START, end=END, markets=["it"])
    assert by_day(it.frame, "spend_meta_ads") == {date(2024, 3, 5): 123.45}
    assert by_day(it.frame, "brand_search") == {date(2024, 3, 2): 50}
    assert by_day(it.frame, "stockout") == {date(2024, 3, 12): 1.0}


def test_weekly_and_default_range(shared: tuple[Workspace, SeriesBundle]) -> None:
    ws, _ = shared
    b = load_series(ws)  # first to last order day: 21 to 27 March
    assert b.frame["date"].iloc[0].date() == date(2024, 3, 21)
    assert b.frame["date"].iloc[-1].date() == date(2024, 3, 27)
    w = load_series(ws, grain="week", start=START, end=END)
    assert [d.date() for d in w.frame["date"]][:2] == [date(2024, 3, 4), date(2024, 3, 11)]
    assert w.frame["date"].iloc[-1].date() == date(2024, 4, 22)
    daily = load_series(ws, start=date(2024, 3, 4), end=date(2024, 4, 28)).frame
    assert w.frame["revenue"].sum() == pytest.approx(daily["revenue"].sum())
    assert w.frame["orders"].sum() == daily["orders"].sum()
    week = w.frame.set_index("date").loc["2024-03-18"]
    assert week["revenue"] == pytest.approx(daily.set_index("date").loc[
        "2024-03-18":"2024-03-24", "revenue"].sum())


def test_no_orders_is_refused(store_url: str) -> None:
    ws = open_store(store_url).create_workspace("empty", "Empty", "EUR", "Europe/Rome", "it")
    with pytest.raises(ModelRefused, match="no orders"):
        load_series(ws)
    b = load_series(ws, start=date(2024, 1, 1), end=date(2024, 1, 7))
    assert list(b.frame["revenue"]) == [0.0] * 7


def test_home_market() -> None:
    assert home_market("it", "Europe/Rome") == "IT"
    assert home_market("en-GB", "UTC") == "GB"
    assert home_market("en", "Asia/Seoul") == "KR"
    assert home_market("fa", "UTC") == "IR"
    assert home_market("zh_Hant", "UTC") == "TW"
    assert home_market("en", "UTC") == "US"


def test_fx_decimal_is_used() -> None:
    from creatorroi.metrics.fx import RateTable
    from creatorroi.mmm_data import to_home_minor

    rates = RateTable.from_rows([("USD", "EUR", date(2024, 1, 1), Decimal("0.925"))])
    assert to_home_minor(1, "USD", date(2024, 2, 1), "EUR", rates) == 1    # 0.925 -> 1
    assert to_home_minor(2, "USD", date(2024, 2, 1), "EUR", rates) == 2    # 1.85 -> 2
    assert to_home_minor(100, "USD", None, "KRW", rates) is None
