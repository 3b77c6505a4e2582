"""The influencer pages through the real app, on both backends: the list, one influencer's
record, their API twins and CSV exports, checked against tests/world.py by hand and against
the core's own ``ws.kpis`` / ``ws.payouts``."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from creatorroi.report.render.fmt import Formatter

from conftest import Web
from world import put, ts

FMT = Formatter("en", "EUR", "Europe/Rome")


def figures(html: str) -> dict[str, str]:
    """Figure key -> the text the page shows."""
    return dict(re.findall(r'data-key="(\w+)"><span class="label">[^<]*</span>'
                           r'<bdi class="value">([^<]*)</bdi>', html))


def rows(page: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return next(t["rows"] for t in page["tables"] if t["key"] == table)


def workspace(web: Web) -> Any:
    return web.server.app.workspace("w")


def add_marco(web: Web) -> None:
    """A second micro-tier creator: 20,000 followers, one post with 120 engagements, so the
    micro benchmark pools (1000 + 120) engagements over (48,000 + 20,000) followers."""
    ws = workspace(web)
    with web.server.lock:
        put(ws, "influencers", [dict(id="marco", name="Marco Verdi", country="IT")], ["id"])
        put(ws, "accounts", [dict(id="instagram:marco.fit", influencer_id="marco",
                                  platform="instagram", handle="marco.fit")], ["id"])
        put(ws, "follower_snapshots", [dict(account_id="instagram:marco.fit",
                                            captured_at=ts("2024-03-01T00:00:00Z"),
                                            followers=20_000)], ["account_id", "captured_at"])
        put(ws, "posts", [dict(id="m1", campaign_id="easter", influencer_id="marco",
                               platform="instagram", content_type="reel",
                               published_at=ts("2024-03-22T12:00:00Z"), reused=False)], ["id"])
        put(ws, "post_metrics", [dict(post_id="m1", captured_at=ts("2024-03-23T12:00:00Z"),
                                      reach=3000, impressions=4000, likes=100, comments=10,
                                      shares=5, saves=5)], ["post_id", "captured_at"])


def test_list_shows_every_influencer_with_kpis_by_hand_and_as_the_core(web: Web) -> None:
    viewer = web.client("viewer")
    r = viewer.get("/w/w/influencers")
    assert r.status_code == 200
    assert 'href="/static/people.css"' in r.text
    assert 'href="/w/w/influencers/giulia"' in r.text and "@giulia.skin" in r.text
    page = web.api("viewer").get("/api/w/w/influencers").json()
    by_id = {row["id"]: row for row in rows(page, "influencers")}
    assert set(by_id) == {"giulia", "jisoo"}
    g, j = by_id["giulia"], by_id["jisoo"]
    # by hand from tests/world.py: giulia's fee 100 + samples 20; jisoo's USD 100 at 0.92
    assert (g["tier"], g["followers"], g["platforms"]) == ("micro", 48000, "instagram")
    assert (j["tier"], j["followers"], j["platforms"]) == ("macro", 250000, "tiktok")
    assert (g["cost"], g["revenue"], g["orders"], g["cpa"]) == ("120.00", "140.00", 3, "40.00")
    assert (j["cost"], j["revenue"], j["orders"]) == ("92.00", "70.00", 3)
    assert g["engagement_rate"] == pytest.approx(1000 / 48000 * 100)
    # and as the core computes them
    with web.server.lock:
        core = workspace(web).kpis("influencer").set_index("influencer")
    for row in by_id.values():
        k = core.loc[row["influencer"]]
        assert Decimal(row["cost"]) == k.cost and Decimal(row["revenue"]) == k.revenue
        assert row["roi"] == pytest.approx(float(k.roi))
        assert row["roas"] == pytest.approx(float(k.roas))
        assert row["posts"] == k.posts
    # the page shows the API's numbers
    shown = figures(r.text)
    assert shown["cost"] == FMT.money(Decimal(next(f["value"] for f in page["figures"]
                                                  if f["key"] == "cost")))
    assert shown["cost"] == "€212.00" and shown["influencers"] == "2"


def test_tier_benchmark_pools_the_tier(web: Web) -> None:
    add_marco(web)
    page = web.api("viewer").get("/api/w/w/influencers").json()
    g = {row["id"]: row for row in rows(page, "influencers")}["giulia"]
    tier_er = (1000 + 120) / (48_000 + 20_000) * 100
    assert g["tier_engagement_rate"] == pytest.approx(tier_er)
    assert g["engagement_vs_tier"] == pytest.approx((1000 / 48_000 * 100 / tier_er - 1) * 100)
    with web.server.lock:
        micro = workspace(web).kpis("tier").set_index("tier").loc["micro"]
    assert g["tier_engagement_rate"] == pytest.approx(float(micro.engagement_rate))

    detail = web.api("viewer").get("/api/w/w/influencers/giulia").json()
    bench = {r["metric"]: r for r in rows(detail, "benchmarks")}
    er = bench["Engagement rate"]
    assert er["benchmark"] == pytest.approx(tier_er) and er["state"] == "Better than tier"
    assert Decimal(bench["CPE"]["benchmark"]) == micro.cpe
    # giulia's CPE 120.00 / 1000 = 0.12 against the tier's 120.00 / 1120 = 0.11: worse
    assert bench["CPE"]["value"] == "0.12" and bench["CPE"]["state"] == "Worse than tier"
    assert detail["extra"]["tier_peers"] == 2


def test_detail_page_by_hand(web: Web) -> None:
    r = web.client("viewer").get("/w/w/influencers/giulia")
    assert r.status_code == 200
    page = web.api("viewer").get("/api/w/w/influencers/giulia").json()
    f = {x["key"]: x["value"] for x in page["figures"]}
    assert (f["cost"], f["revenue"], f["profit"], f["orders"]) == ("120.00", "140.00",
                                                                    "20.00", 3)
    assert f["followers"] == 48000 and f["last_post"] == "2024-03-20"
    assert page["extra"]["tier"] == "micro" and page["extra"]["handle"] == "@giulia.skin"
    shown = figures(r.text)
    for key, kind in (("cost", "money"), ("revenue", "money"), ("roi", "percent"),
                      ("roas", "ratio"), ("followers", "count")):
        value = Decimal(f[key]) if kind == "money" else f[key]
        assert shown[key] == FMT.value(value, kind), key

    accounts = rows(page, "accounts")
    assert [(a["handle"], a["followers"], a["snapshots"], a["tier"]) for a in accounts] == \
        [("@giulia.skin", 48000, 1, "micro")]
    # g1: two snapshots, the latest (27 March) is the one shown
    (post,) = rows(page, "posts")
    assert (post["post"], post["snapshots"], post["reach"], post["likes"]) == ("g1", 2, 10000,
                                                                                800)
    assert post["captured_at"].startswith("2024-03-27") and post["engagements"] == 1000
    snaps = rows(page, "snapshots")
    assert [(s["captured_at"][:10], s["reach"]) for s in snaps] == [("2024-03-21", 5000),
                                                                     ("2024-03-27", 10000)]
    costs = {c["cost"]: c for c in rows(page, "costs")}
    assert {k: (c["amount"], c["amount_home"], c["currency"]) for k, c in costs.items()} == \
        {"c1": ("100.00", "100.00", "EUR"), "c2": ("20.00", "20.00", "EUR")}
    # codes and links: orders credited to each asset, counted in plain SQL
    assets = {a["id"]: a for a in rows(page, "assets")}
    assert set(assets) == {"g-code", "g-link"}
    with web.server.lock:
        credited = dict(web.server.store.fetch(
            "SELECT asset_id, count(*) FROM attributions WHERE workspace_id = 'w' "
            "AND influencer_id = 'giulia' AND asset_id IS NOT NULL GROUP BY asset_id"))
    assert {k: a["orders"] for k, a in assets.items()} == credited == {"g-code": 1, "g-link": 1}
    assert (assets["g-code"]["revenue"], assets["g-link"]["revenue"]) == ("50.00", "30.00")
    assert 'data-copy="EASTER24_GIULIA"' in r.text
    # trend of her own revenue and spend: revenue adds up to her 140.00
    trend = next(c for c in page["charts"] if c["key"] == "trend")
    assert sum(v or 0 for v in trend["series"][0]["values"]) == pytest.approx(140.0)


def test_foreign_currency_costs_are_shown_as_entered_and_converted(web: Web) -> None:
    page = web.api("viewer").get("/api/w/w/influencers/jisoo").json()
    (c3,) = rows(page, "costs")
    # USD 100.00 on 21 March, at that day's 0.92
    assert (c3["currency"], c3["amount"], c3["amount_home"]) == ("USD", "100.00", "92.00")
    html = web.client("viewer").get("/w/w/influencers/jisoo").text
    assert "€92.00" in html and "$100.00" not in html and "€100.00" not in html


def test_payout_due_equals_ws_payouts(web: Web) -> None:
    ws = workspace(web)
    with web.server.lock:
        put(ws, "pay_terms", [
            dict(id="t-g", influencer_id="giulia", campaign_id="easter", kind="hybrid",
                 currency="EUR", flat_minor=5000, per_sale_minor=500),
            dict(id="t-g2", influencer_id="giulia", campaign_id=None, kind="per_engagement",
                 currency="EUR", per_engagement_minor=1, cap_minor=800),
            dict(id="t-j", influencer_id="jisoo", campaign_id="easter", kind="flat",
                 currency="EUR", flat_minor=7000)], ["id"])
        due = ws.payouts()
    page = web.api("viewer").get("/api/w/w/influencers/giulia").json()
    f = {x["key"]: x["value"] for x in page["figures"]}
    # by hand: 50.00 + 3 orders x 5.00, and min(1000 engagements x 0.01, cap 8.00)
    assert f["payout_due"] == "73.00"
    mine = due[due["influencer"] == "@giulia.skin"]
    assert Decimal(f["payout_due"]) == sum(mine["due_eur"], Decimal(0))
    terms = {t["terms"]: t for t in rows(page, "payouts")}
    assert (terms["t-g"]["due"], terms["t-g2"]["due"], terms["t-g2"]["performance"]) == \
        ("65.00", "8.00", "10.00")
    assert set(terms) == {"t-g", "t-g2"}
    html = web.client("viewer").get("/w/w/influencers/giulia").text
    assert figures(html)["payout_due"] == "€73.00"


def test_follower_history_has_one_point_per_snapshot(web: Web) -> None:
    ws = workspace(web)
    with web.server.lock:
        put(ws, "accounts", [dict(id="tiktok:giulia.tok", influencer_id="giulia",
                                  platform="tiktok", handle="giulia.tok")], ["id"])
        put(ws, "follower_snapshots", [
            dict(account_id="instagram:giulia.skin", captured_at=ts("2024-03-10T08:00:00Z"),
                 followers=48_500),
            dict(account_id="instagram:giulia.skin", captured_at=ts("2024-03-20T08:00:00Z"),
                 followers=49_200),
            dict(account_id="tiktok:giulia.tok", captured_at=ts("2024-03-10T08:00:00Z"),
                 followers=9_000),
            dict(account_id="tiktok:giulia.tok", captured_at=ts("2024-03-27T08:00:00Z"),
                 followers=12_000)], ["account_id", "captured_at"])
        stored = web.server.store.fetch(
            "SELECT a.handle, count(*) FROM follower_snapshots s JOIN accounts a ON "
            "a.workspace_id = s.workspace_id AND a.id = s.account_id WHERE s.workspace_id = "
            "'w' AND a.influencer_id = 'giulia' GROUP BY a.handle")
    page = web.api("viewer").get("/api/w/w/influencers/giulia").json()
    chart = next(c for c in page["charts"] if c["key"] == "followers")
    points = {s["name"]: [v for v in s["values"] if v is not None] for s in chart["series"]}
    assert {k: len(v) for k, v in points.items()} == \
        {f"@{h} ({'instagram' if h == 'giulia.skin' else 'tiktok'})": n for h, n in stored}
    assert points == {"@giulia.skin (instagram)": [48000.0, 48500.0, 49200.0],
                      "@giulia.tok (tiktok)": [9000.0, 12000.0]}
    assert chart["categories"] == ["2024-03-01", "2024-03-10", "2024-03-20", "2024-03-27"]
    html = web.client("viewer").get("/w/w/influencers/giulia").text
    svg = re.search(r'<svg[^>]*data-key="followers".*?</svg>', html, re.S)
    assert svg and svg.group(0).count('class="point"') == 5
    accounts = {a["handle"]: a for a in rows(page, "accounts")}
    assert accounts["@giulia.skin"]["followers"] == 49200
    assert accounts["@giulia.tok"]["tier"] == "micro"


def test_csv_exports_every_table(web: Web) -> None:
    c = web.client("viewer")
    r = c.get("/w/w/influencers?format=csv&table=influencers")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    data = {row["id"]: row for row in csv.DictReader(io.StringIO(r.text.lstrip("\ufeff")))}
    assert (data["giulia"]["cost"], data["jisoo"]["revenue"]) == ("120.00", "70.00")
    page = web.api("viewer").get("/api/w/w/influencers/giulia").json()
    for t in page["tables"]:
        r = c.get(f"/w/w/influencers/giulia?format=csv&table={t['key']}")
        assert r.status_code == 200, t["key"]
        got = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
        assert len(got) == len(t["rows"]), t["key"]
    snaps = list(csv.DictReader(io.StringIO(
        c.get("/w/w/influencers/giulia?format=csv&table=snapshots").text.lstrip("\ufeff"))))
    assert [s["reach"] for s in snaps] == ["5000", "10000"]
    assert c.get("/w/w/influencers/giulia?format=csv&table=nope").status_code == 404


def test_period_filters_the_numbers(web: Web) -> None:
    api = web.api("viewer")
    page = api.get("/api/w/w/influencers/giulia?start=2024-03-22&end=2024-03-31").json()
    f = {x["key"]: x["value"] for x in page["figures"]}
    with web.server.lock:
        core = workspace(web).kpis("influencer", start=date(2024, 3, 22),
                                   end=date(2024, 3, 31)).set_index("influencer")
    g = core.loc["@giulia.skin"]
    assert f["revenue"] == str(g.revenue) and f["orders"] == g.orders
    assert rows(page, "posts") == []     # g1 was published on 20 March
    assert api.get("/api/w/w/influencers?start=2024-04-02&end=2024-04-01").status_code == 422


def test_unknown_influencer_and_outsiders_get_404(web: Web) -> None:
    r = web.client("viewer").get("/w/w/influencers/nobody")
    assert r.status_code == 404 and "nobody" in r.text
    r = web.api("viewer").get("/api/w/w/influencers/nobody")
    assert r.status_code == 404 and r.json()["field"] == "iid"
    outsider = web.client("outsider")
    for url in ("/w/w/influencers", "/w/w/influencers/giulia"):
        assert outsider.get(url).status_code == 404
    assert web.api("outsider").get("/api/w/w/influencers").status_code == 404


def test_names_are_escaped_and_isolated(web: Web) -> None:
    ws = workspace(web)
    with web.server.lock:
        put(ws, "influencers", [dict(id="x1", name="<script>alert(1)</script>",
                                     country=None)], ["id"])
    html = web.client("viewer").get("/w/w/influencers").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    detail = web.client("viewer").get("/w/w/influencers/x1")
    assert detail.status_code == 200 and "<script>alert" not in detail.text
    # nothing recorded for her: KPIs unknown, no rows, yet the page stands
    page = web.api("viewer").get("/api/w/w/influencers/x1").json()
    assert rows(page, "posts") == [] and rows(page, "accounts") == []
    assert {x["key"]: x["value"] for x in page["figures"]}["followers"] is None


def test_persian_page_is_right_to_left_with_isolated_handles(web: Web) -> None:
    c = web.client("viewer")
    c.cookies.set("cr_lang", "fa")
    html = c.get("/w/w/influencers/giulia").text
    assert 'dir="rtl"' in html
    assert "<h1><bdi>@giulia.skin</bdi></h1>" in html
    assert '<bdi dir="ltr">@giulia.skin</bdi>' in html      # the accounts table's handle
    assert "۱۲۰" in html  # Persian digits from Babel via v()


def _kpi_frame(web: Web) -> pd.DataFrame:
    with web.server.lock:
        return workspace(web).kpis("influencer")


def test_list_equals_core_after_a_new_import(web: Web) -> None:
    """The page cache follows the store's revision: new data shows at once."""
    api = web.api("viewer")
    before = {r["id"]: r for r in rows(api.get("/api/w/w/influencers").json(),
                                       "influencers")}
    ws = workspace(web)
    with web.server.lock:
        put(ws, "costs", [dict(id="c9", category="fee", amount_minor=3000, currency="EUR",
                               incurred_on=date(2024, 3, 22), influencer_id="giulia",
                               campaign_id="easter")], ["id"])
    after = {r["id"]: r for r in rows(api.get("/api/w/w/influencers").json(), "influencers")}
    assert (before["giulia"]["cost"], after["giulia"]["cost"]) == ("120.00", "150.00")
    core = _kpi_frame(web).set_index("influencer").loc["@giulia.skin"]
    assert Decimal(after["giulia"]["cost"]) == core.cost

