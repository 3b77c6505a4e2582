"""The campaign pages and their API through the real app, on both backends.

Expected numbers come from tests/world.py's documented data (worked out by hand) or from a
second road: ``ws.kpis(..., campaign=)`` against the page's tables, the CSV export against the
JSON. Pacing is judged against a fixed day passed as ``as_of``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from markupsafe import escape

from creatorroi.campaigns import add_goal, create_campaign

import world
from conftest import Web, csrf_of

AS_OF = "2024-03-26"      # day 11 of the 23 from the Easter start (15 March) to 7 April


def _ws(web: Web) -> Any:
    return web.server.app.workspace("w")


@pytest.fixture
def goals(web: Web) -> Web:
    """Two SMART goals on Easter, written by the core into the app's own store."""
    ws = _ws(web)
    add_goal(ws, campaign_id="easter", metric="orders", target=10, deadline=date(2024, 4, 7),
             baseline=4, description="Ten orders by Easter")
    add_goal(ws, campaign_id="easter", metric="revenue", target=Decimal(200),
             deadline=date(2024, 4, 7), influencer_id="jisoo")
    return web


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _cell(v: Any) -> str:
    """A JSON value as the CSV export writes it: text a spreadsheet would run as a formula
    ("@jisoo.glow", "-2.00" is a number and stays) gets a leading apostrophe."""
    if v is None:
        return ""
    text = str(v)
    if text[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return "'" + text
    return text


def _as_csv(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{k: _cell(v) for k, v in r.items()} for r in rows]


def _table(page: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in page["tables"] if t["key"] == key)


def _figures(page: dict[str, Any]) -> dict[str, Any]:
    return {f["key"]: f["value"] for f in page["figures"]}


def _invalid(html: str, field: str) -> bool:
    """The field's control is marked invalid and its message sits beside it."""
    control = re.search(rf'<(?:input|select|textarea)[^>]*name="{field}"[^>]*>', html)
    return bool(control and 'aria-invalid="true"' in control.group(0)
                and f'data-error-for="{field}"' in html)


def _value(html: str, field: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{field}" value="([^"]*)"', html)
    return match.group(1) if match else None


# -- reading -----------------------------------------------------------------------------------
def test_list_page_and_api_agree_with_the_world(web: Web) -> None:
    r = web.client("viewer").get("/w/w/campaigns")
    assert r.status_code == 200
    assert 'href="/w/w/campaigns/easter"' in r.text
    assert "€212.00" in r.text and "€210.00" in r.text
    page = web.api("viewer").get("/api/w/w/campaigns").json()
    assert page["page"] == "campaigns" and page["currency"] == "EUR"
    (row,) = _table(page, "campaigns")["rows"]
    # costs 100.00 + 20.00 + USD 100 at 0.92; orders 1-6 credited: 50+30+40+20+10+60
    assert (row["id"], row["cost"], row["revenue"], row["orders"]) == \
        ("easter", "212.00", "210.00", 6)
    assert (row["goal_family"], row["funnel_stage"]) == \
        ("Sales", "Bottom of the funnel (conversion)")
    kpis = _ws(web).kpis("campaign").set_index("campaign").loc["easter"]
    assert Decimal(row["cost"]) == kpis["cost"] and Decimal(row["revenue"]) == kpis["revenue"]
    assert row["roi"] == pytest.approx(float(kpis["roi"]))
    assert _figures(page)["cost"] == "212.00"
    # the page's own table, exported, is the API's table
    exported = web.client("viewer").get("/w/w/campaigns?format=csv&table=campaigns")
    assert exported.headers["content-type"].startswith("text/csv")
    assert _csv(exported.text) == _as_csv(_table(page, "campaigns")["rows"])
    persian = web.client("viewer")
    persian.cookies.set("cr_lang", "fa")
    r = persian.get("/w/w/campaigns")
    assert r.status_code == 200 and 'dir="rtl"' in r.text and "۲۱۲" in r.text


def test_detail_page_goals_pace_and_tables(goals: Web) -> None:
    web = goals
    r = web.client("viewer").get(f"/w/w/campaigns/easter?as_of={AS_OF}")
    assert r.status_code == 200
    assert "Ten orders by Easter" in r.text and 'class="progress met"' in r.text
    assert 'id="new-goal"' not in r.text                      # a viewer cannot add goals
    page = web.api("viewer").get(f"/api/w/w/campaigns/easter?as_of={AS_OF}").json()
    figures = _figures(page)
    assert (figures["cost"], figures["revenue"], figures["profit"], figures["orders"]) == \
        ("212.00", "210.00", "-2.00", 6)
    assert figures["budget"] is None and figures["budget_used"] is None
    goals_rows = {g["goal"]: g for g in _table(page, "goals")["rows"]}
    orders, revenue = goals_rows["easter-orders"], goals_rows["easter-revenue"]
    assert (orders["target"], orders["actual"], orders["status"]) == (10, 6, "Ahead")
    assert orders["progress"] == pytest.approx(60.0)
    assert orders["expected"] == pytest.approx(11 / 23 * 100)
    # jisoo's revenue: orders 3, 4 and 5 = 40 + 20 + 10, exact money
    assert (revenue["target"], revenue["actual"], revenue["status"]) == \
        ("200.00", "70.00", "Behind")
    assert revenue["influencer"] == "@jisoo.glow"
    # per influencer, as the core computes it for the campaign
    core = _ws(web).kpis("influencer", campaign="easter").set_index("influencer")
    by_inf = {r["influencer"]: r for r in _table(page, "by_influencer")["rows"]}
    assert set(by_inf) == set(core.index)
    for name, row in by_inf.items():
        assert Decimal(row["cost"]) == core.loc[name, "cost"]
        assert Decimal(row["revenue"]) == core.loc[name, "revenue"]
        assert row["orders"] == core.loc[name, "orders"]
    costs = {c["category"]: c for c in _table(page, "costs")["rows"]}
    assert costs["Influencer fee"]["cost"] == "192.00"          # 100.00 + 92.00
    assert costs["Product samples"]["cost"] == "20.00"
    assert sum(Decimal(c["cost"]) for c in costs.values()) == Decimal(figures["cost"])
    assert page["charts"][0]["key"] == "trend"
    for key in ("goals", "by_influencer", "costs"):
        exported = web.client("viewer").get(
            f"/w/w/campaigns/easter?as_of={AS_OF}&format=csv&table={key}")
        assert exported.status_code == 200
        assert _csv(exported.text) == _as_csv(_table(page, key)["rows"])


def test_pace_follows_the_as_of_day(goals: Web) -> None:
    api = goals.api("viewer")
    before = api.get("/api/w/w/campaigns/easter?as_of=2024-03-14").json()
    after = api.get("/api/w/w/campaigns/easter?as_of=2024-04-10").json()
    b = {g["goal"]: g for g in _table(before, "goals")["rows"]}
    a = {g["goal"]: g for g in _table(after, "goals")["rows"]}
    assert b["easter-orders"]["expected"] == 0                  # before the start
    assert a["easter-orders"]["expected"] == 100
    assert (a["easter-orders"]["status"], a["easter-revenue"]["status"]) == ("Missed", "Missed")
    listing = api.get("/api/w/w/campaigns?as_of=2024-03-26").json()
    row = _table(listing, "campaigns")["rows"][0]
    assert (row["goals_met"], row["goals"]) == (0, 2)
    assert api.get("/api/w/w/campaigns/easter?as_of=26-03-2024").status_code == 422
    assert goals.client("viewer").get("/w/w/campaigns?as_of=soon").status_code == 422


def test_budget_used_counts_the_whole_campaign(web: Web) -> None:
    ws = _ws(web)
    create_campaign(ws, id="spring", name="Spring", goal_family="awareness",
                    funnel_stage="tofu", starts_on=date(2024, 4, 1),
                    ends_on=date(2024, 4, 30), budget=Decimal("1000"))
    world.put(ws, "costs", [
        dict(id="s1", category="fee", amount_minor=25000, currency="EUR",
             incurred_on=date(2024, 4, 2), campaign_id="spring"),
        dict(id="s2", category="production", amount_minor=5000, currency="EUR",
             incurred_on=date(2024, 4, 20), campaign_id="spring")], ["id"])
    api = web.api("viewer")
    whole = _figures(api.get("/api/w/w/campaigns/spring").json())
    assert (whole["budget"], whole["cost"], whole["budget_used"]) == ("1000.00", "300.00", 30.0)
    part = _figures(api.get("/api/w/w/campaigns/spring?start=2024-04-01&end=2024-04-10")
                    .json())
    assert (part["cost"], part["budget_used"]) == ("250.00", 30.0)
    listing = _table(api.get("/api/w/w/campaigns").json(), "campaigns")["rows"]
    assert [r["id"] for r in listing] == ["spring", "easter"]    # newest first
    assert listing[0]["budget"] == "1000.00" and listing[0]["cost"] == "300.00"
    cut = api.get("/api/w/w/campaigns?start=2024-04-01&end=2024-04-10").json()
    assert _table(cut, "campaigns")["rows"][0]["cost"] == "250.00"
    card = next(c for c in cut["extra"]["cards"] if c["id"] == "spring")
    assert card["budget_used_pct"] == 30.0                          # the whole campaign's
    html = web.client("viewer").get("/w/w/campaigns").text
    assert 'style="width: 30.0%"' in html


def test_unknown_campaign_and_table_answer_404(web: Web) -> None:
    assert web.client("viewer").get("/w/w/campaigns/nope").status_code == 404
    r = web.api("viewer").get("/api/w/w/campaigns/nope")
    assert r.status_code == 404 and "nope" in r.json()["detail"]
    assert web.client("viewer").get("/w/w/campaigns?format=csv&table=nope").status_code == 404


def test_outsider_and_anonymous_never_see_the_workspace(web: Web) -> None:
    outsider = web.client("outsider")
    for path in ("/w/w/campaigns", "/w/w/campaigns/easter", "/api/w/w/campaigns",
                 "/api/w/w/campaigns/easter"):
        assert outsider.get(path).status_code == 404
    assert web.api("outsider").post("/api/w/w/campaigns", json={}).status_code == 404
    assert web.client(None, remote=True).get("/api/w/w/campaigns").status_code == 401


# -- the create form ---------------------------------------------------------------------------
FORM = {"id": "spring-24", "name": "Spring <glow> & co", "goal_family": "awareness",
        "funnel_stage": "tofu", "starts_on": "2024-04-01", "ends_on": "2024-04-30",
        "budget": "1500.50", "budget_currency": "EUR",
        "business_goal": "Raise sales from 200 to 350", "message": "Glow for spring"}


def test_form_is_offered_to_analysts_only_and_viewers_are_refused(web: Web) -> None:
    viewer = web.client("viewer")
    page = viewer.get("/w/w/campaigns").text
    assert 'id="new-campaign"' not in page
    r = viewer.post("/w/w/campaigns", data={**FORM, "csrf_token": csrf_of(page)},
                    follow_redirects=False)
    assert r.status_code == 403
    assert 'id="new-campaign"' in web.client("analyst").get("/w/w/campaigns").text
    assert 'id="new-campaign"' in web.client("owner").get("/w/w/campaigns").text


def test_form_without_or_with_a_foreign_csrf_token_is_refused(web: Web) -> None:
    analyst = web.client("analyst")
    assert analyst.post("/w/w/campaigns", data=FORM, follow_redirects=False).status_code == 403
    other = csrf_of(web.client("owner").get("/w/w/campaigns").text)
    r = analyst.post("/w/w/campaigns", data={**FORM, "csrf_token": other},
                     follow_redirects=False)
    assert r.status_code == 403
    assert _ws(web).store.fetch("SELECT count(*) FROM campaigns WHERE workspace_id = 'w'") \
        == [(1,)]


def test_create_campaign_form_happy_path(web: Web) -> None:
    analyst = web.client("analyst")
    token = csrf_of(analyst.get("/w/w/campaigns").text)
    r = analyst.post("/w/w/campaigns", data={**FORM, "csrf_token": token},
                     follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/w/w/campaigns/spring-24"
    page = analyst.get("/w/w/campaigns/spring-24")
    assert page.status_code == 200
    assert "Spring &lt;glow&gt; &amp; co" in page.text and "<glow>" not in page.text
    assert "Raise sales from 200 to 350" in page.text and "€1,500.50" in page.text
    row = _ws(web).store.fetch("SELECT name, goal_family, budget_minor, budget_currency "
                               "FROM campaigns WHERE workspace_id = 'w' AND id = 'spring-24'")
    assert row == [("Spring <glow> & co", "awareness", 150050, "EUR")]
    listing = analyst.get("/w/w/campaigns").text
    assert 'href="/w/w/campaigns/spring-24"' in listing


@pytest.mark.parametrize("lang", ["it"])
def test_every_form_error_is_shown_beside_its_field_with_the_values_kept(
        web: Web, lang: str) -> None:
    analyst = web.client("analyst")
    analyst.cookies.set("cr_lang", lang)
    token = csrf_of(analyst.get("/w/w/campaigns").text)
    cases = [
        ({"id": "spring 24!"}, "id"),
        ({"id": "easter"}, "id"),                                 # taken
        ({"name": "  "}, "name"),
        ({"goal_family": "vibes"}, "goal_family"),
        ({"funnel_stage": ""}, "funnel_stage"),
        ({"starts_on": ""}, "starts_on"),
        ({"starts_on": "2024-13-45"}, "starts_on"),
        ({"ends_on": "2024-03-01"}, "ends_on"),                   # before the start
        ({"always_on": "on"}, "ends_on"),                         # always on, yet an end
        ({"budget": "-5"}, "budget"),
        ({"budget": "lots"}, "budget"),
        ({"budget_currency": "XYZ"}, "budget_currency"),
        ({"message": "m" * 1001}, "message"),
    ]
    for changes, field in cases:
        data = {**FORM, **changes, "csrf_token": token}
        r = analyst.post("/w/w/campaigns", data=data, follow_redirects=False)
        assert r.status_code == 422, (changes, r.status_code)
        assert '<html lang="it"' in r.text
        assert _invalid(r.text, field), changes
        assert sum(_invalid(r.text, f) for f in FORM) == 1, changes
        for f in ("id", "name", "starts_on", "ends_on", "budget", "budget_currency"):
            assert _value(r.text, f) == str(escape(data[f])), (changes, f)
        assert ">Glow for spring</textarea>" in r.text or field == "message"
        assert 'value="awareness" selected' in r.text or field == "goal_family"
    assert _ws(web).store.fetch("SELECT count(*) FROM campaigns WHERE workspace_id = 'w'") \
        == [(1,)]


# -- the goal form -----------------------------------------------------------------------------
def test_goal_form_adds_a_goal_and_refuses_bad_ones(web: Web) -> None:
    analyst = web.client("analyst")
    analyst.cookies.set("cr_lang", "it")
    page = analyst.get("/w/w/campaigns/easter").text
    assert 'id="new-goal"' in page
    token = csrf_of(page)
    good = {"metric": "orders", "target": "10", "baseline": "4", "starts_on": "",
            "deadline": "2024-04-07", "influencer_id": "giulia", "platform": "instagram",
            "description": "Giulia: ten orders", "csrf_token": token}
    for changes, field in [({"metric": "vibes"}, "metric"), ({"target": "-1"}, "target"),
                           ({"target": ""}, "target"), ({"deadline": "2024-03-01"}, "deadline"),
                           ({"deadline": ""}, "deadline"),
                           ({"influencer_id": "nobody"}, "influencer_id")]:
        r = analyst.post("/w/w/campaigns/easter/goals", data={**good, **changes},
                         follow_redirects=False)
        assert r.status_code == 422, changes
        assert _invalid(r.text, field), changes
        assert "Giulia: ten orders</textarea>" in r.text
    r = analyst.post("/w/w/campaigns/easter/goals", data=good, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/w/w/campaigns/easter#goals"
    rows = _ws(web).store.fetch("SELECT id, metric, influencer_id, platform FROM goals "
                                "WHERE workspace_id = 'w'")
    assert rows == [("easter-orders", "orders", "giulia", "instagram")]
    assert "Giulia: ten orders" in analyst.get("/w/w/campaigns/easter").text
    viewer = web.client("viewer")
    r = viewer.post("/w/w/campaigns/easter/goals",
                    data={**good, "csrf_token": csrf_of(viewer.get("/w/w").text)},
                    follow_redirects=False)
    assert r.status_code == 403
    r = analyst.post("/w/w/campaigns/nope/goals", data=good, follow_redirects=False)
    assert r.status_code == 404


# -- the write API -----------------------------------------------------------------------------
def test_api_creates_campaigns_201_422_409(web: Web) -> None:
    api = web.api("analyst")
    body = {"id": "spring", "name": "Spring", "goal_family": "sales", "funnel_stage": "bofu",
            "starts_on": "2024-04-01", "ends_on": "2024-04-30", "budget": "1500.5",
            "budget_currency": "usd"}
    r = api.post("/api/w/w/campaigns", json=body)
    assert r.status_code == 201, r.text
    assert r.json() == {"id": "spring", "name": "Spring", "goal_family": "sales",
                        "funnel_stage": "bofu", "starts_on": "2024-04-01",
                        "ends_on": "2024-04-30", "always_on": False, "business_goal": None,
                        "message": None, "budget": "1500.50", "budget_currency": "USD"}
    # a dollar budget: shown in dollars, counted in euros at the rate of its start day (0.92)
    detail = web.api("viewer").get("/api/w/w/campaigns/spring").json()
    assert _figures(detail)["budget"] == "1380.46"
    assert detail["extra"]["campaign"]["budget"] == "1500.50"
    assert "$1,500.50" in web.client("viewer").get("/w/w/campaigns/spring").text
    again = api.post("/api/w/w/campaigns", json=body)
    assert again.status_code == 409 and again.json()["field"] == "id"
    for changes, field in [({"id": "bad id"}, "id"), ({"goal_family": "vibes"}, "goal_family"),
                           ({"budget": "-1"}, "budget"), ({"starts_on": "soon"}, "starts_on"),
                           ({"name": ""}, "name"), ({"colour": "red"}, "colour"),
                           ({"ends_on": "2024-03-01"}, "ends_on"),
                           ({"budget_currency": "XYZ"}, "budget_currency")]:
        r = api.post("/api/w/w/campaigns", json={**body, "id": "summer", **changes})
        assert r.status_code == 422, (changes, r.text)
        assert r.json()["field"] == field, changes
    assert web.api("viewer").post("/api/w/w/campaigns",
                                  json={**body, "id": "x"}).status_code == 403
    # a browser session must send the CSRF header, even to the JSON API
    analyst = web.client("analyst")
    r = analyst.post("/api/w/w/campaigns", json={**body, "id": "autumn"})
    assert r.status_code == 403
    token = csrf_of(analyst.get("/w/w/campaigns").text)
    r = analyst.post("/api/w/w/campaigns", json={**body, "id": "autumn"},
                     headers={"x-csrf-token": token})
    assert r.status_code == 201
    ids = {r["id"] for r in _table(web.api("viewer").get("/api/w/w/campaigns").json(),
                                   "campaigns")["rows"]}
    assert ids == {"easter", "spring", "autumn"}


def test_api_adds_goals_201_422_409(web: Web) -> None:
    api = web.api("analyst")
    r = api.post("/api/w/w/campaigns/easter/goals",
                 json={"metric": "revenue", "target": 200, "deadline": "2024-04-07",
                       "influencer_id": "jisoo", "platform": "tiktok"})
    assert r.status_code == 201, r.text
    assert r.json() == {"id": "easter-revenue", "campaign_id": "easter", "metric": "revenue",
                        "target": "200.0000", "baseline": None, "starts_on": None,
                        "deadline": "2024-04-07", "influencer_id": "jisoo",
                        "platform": "tiktok", "description": None}
    body = {"id": "g1", "metric": "orders", "target": "10", "deadline": "2024-04-07"}
    assert api.post("/api/w/w/campaigns/easter/goals", json=body).status_code == 201
    dup = api.post("/api/w/w/campaigns/easter/goals", json=body)
    assert dup.status_code == 409 and dup.json()["field"] == "id"
    for changes, field in [({"metric": "vibes"}, "metric"), ({"target": 0}, "target"),
                           ({"deadline": "2024-03-01"}, "deadline"),
                           ({"influencer_id": "nobody"}, "influencer_id"),
                           ({"platform": "myspace"}, "platform")]:
        r = api.post("/api/w/w/campaigns/easter/goals", json={**body, "id": "g2", **changes})
        assert r.status_code == 422, (changes, r.text)
        assert r.json()["field"] == field, changes
    assert api.post("/api/w/w/campaigns/nope/goals", json=body).status_code == 404
    assert web.api("viewer").post("/api/w/w/campaigns/easter/goals",
                                  json={**body, "id": "g3"}).status_code == 403
    page = web.api("viewer").get(f"/api/w/w/campaigns/easter?as_of={AS_OF}").json()
    assert {g["goal"] for g in _table(page, "goals")["rows"]} == {"easter-revenue", "g1"}
