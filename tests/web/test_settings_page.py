"""The settings page and API through the real app, on both stores.

Forms are submitted as a browser would: every field the page renders, with its shown value,
and only the fields a test means to change edited. Expected effects are worked out by hand
from tests/world.py.
"""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from markupsafe import escape

from creatorroi.i18n import translator

from conftest import USERS, Web, csrf_of

MARCH = "start=2024-03-01&end=2024-03-31"


class FormFields(HTMLParser):
    """The fields one form (by its action) would submit: inputs, checked boxes, selects."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.disabled = False        # inside <fieldset disabled>: a browser sends none of it
        self.select: str | None = None
        self.first_option: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif tag == "fieldset":
            self.disabled = "disabled" in a
        if not self.inside or self.disabled or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select, self.first_option = a.get("name"), None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
                self.fields.setdefault(self.select, self.first_option)
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "fieldset":
            self.disabled = False
        elif tag == "form":
            self.inside = False


def form_of(html: str, action: str = "/w/w/settings") -> dict[str, str]:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields


def save(c: Any, changes: dict[str, str], ws: str = "w") -> Any:
    fields = form_of(c.get(f"/w/{ws}/settings").text, f"/w/{ws}/settings")
    return c.post(f"/w/{ws}/settings", data={**fields, **changes}, follow_redirects=False)


def attributed(c: Any) -> tuple[int, int]:
    extra = c.get(f"/api/w/w/overview?{MARCH}").json()["extra"]
    return extra["attributed_orders"], extra["eligible_orders"]


def revision(web: Web) -> int:
    with web.server.lock:
        value = web.server.store.revision("w")
    assert value is not None
    return value


def stored(web: Web, sql: str) -> list[tuple[Any, ...]]:
    with web.server.lock:
        return web.server.store.fetch(sql)


# -- reading -------------------------------------------------------------------------------
def test_a_viewer_sees_the_settings_read_only(web: Web) -> None:
    v = web.client("viewer")
    page = v.get("/w/w/settings")
    assert page.status_code == 200
    assert 'value="Europe/Rome"' in page.text and 'value="EUR"' in page.text
    assert page.text.count("<fieldset disabled") == 4
    assert "Save settings" not in page.text and "Add member" not in page.text
    assert f'data-member="{USERS["analyst"]}" data-role="analyst"' in page.text
    assert form_of(page.text) == {"csrf_token": csrf_of(page.text)}  # nothing to submit
    body = web.api("viewer").get("/api/w/w/settings").json()
    assert (body["currency"], body["timezone"], body["attribution"]["window_days"]) == (
        "EUR", "Europe/Rome", 7)
    assert {"platform": "instagram", "action": "likes", "rate": "0.100000",
            "currency": "EUR"} in body["emv_rates"]
    assert {m["email"]: m["role"] for m in body["members"]} == {
        USERS["owner"]: "owner", USERS["analyst"]: "analyst", USERS["viewer"]: "viewer"}


def test_only_owners_change_settings(web: Web) -> None:
    for role in ("viewer", "analyst"):
        c = web.client(role)
        token = csrf_of(c.get("/w/w/settings").text)
        r = c.post("/w/w/settings", data={"csrf_token": token, "timezone": "UTC"})
        assert r.status_code == 403, role
        assert web.api(role).put("/api/w/w/settings", json={"timezone": "UTC"}).status_code \
            == 403
    o = web.client("outsider")
    token = csrf_of(o.get("/w/other/settings").text)
    assert o.get("/w/w/settings").status_code == 404
    assert o.post("/w/w/settings", data={"csrf_token": token}).status_code == 404
    owner = web.client("owner")
    fields = form_of(owner.get("/w/w/settings").text)
    del fields["csrf_token"]
    assert owner.post("/w/w/settings", data={**fields, "timezone": "UTC"}).status_code == 403
    assert stored(web, "SELECT timezone FROM workspaces WHERE id = 'w'") == [("Europe/Rome",)]


# -- refusing ------------------------------------------------------------------------------
def test_invalid_values_are_refused_per_field_in_italian_keeping_what_was_typed(
        web: Web) -> None:
    it = translator("it", "web")
    c = web.client("owner")
    c.cookies.set("cr_lang", "it")
    before = revision(web)
    r = save(c, {"timezone": "Mars/Olympus", "currency": "EURO", "tiers.macro": "5000",
                 "attribution.window_days": "0", "attribution.priority.1": "promo_code",
                 "emv.instagram.likes.rate": "dieci"})
    assert r.status_code == 422
    html = r.text
    assert 'lang="it"' in html

    def marked(field: str, message: str) -> None:
        fid = field.replace(".", "-")
        assert f'id="err-{fid}" data-field="{field}" role="alert">{escape(message)}</p>' \
            in html, field
        assert f'aria-describedby="err-{fid}"' in html

    # the importer's own words, already in Italian
    marked("timezone", "fuso orario 'Mars/Olympus' sconosciuto")
    marked("currency", "'EURO' non è un codice valuta")
    marked("emv.instagram.likes.rate", "'dieci' non è un numero")
    marked("tiers.macro", it("Each tier must start above the one before it: "
                             "micro < macro < mega."))
    marked("attribution.window_days",
           it("The attribution window must be from {low} to {high} days.", low=1, high=90))
    marked("attribution.priority.1",
           it("Each method must appear exactly once in the priority."))
    for kept in ('value="Mars/Olympus"', 'value="EURO"', 'value="5000"', 'value="dieci"'):
        assert kept in html
    assert stored(web, "SELECT currency, timezone FROM workspaces WHERE id = 'w'") == [
        ("EUR", "Europe/Rome")]
    assert revision(web) == before


def test_the_currency_of_a_workspace_with_data_cannot_change(web: Web) -> None:
    r = save(web.client("owner"), {"currency": "USD"})
    assert r.status_code == 422 and 'data-field="currency"' in r.text
    assert stored(web, "SELECT currency FROM workspaces WHERE id = 'w'") == [("EUR",)]
    # the outsider owns "other", which holds nothing yet: its currency may change
    r = save(web.client("outsider"), {"currency": "krw"}, ws="other")
    assert r.status_code == 303
    assert stored(web, "SELECT currency FROM workspaces WHERE id = 'other'") == [("KRW",)]


# -- saving --------------------------------------------------------------------------------
def test_a_longer_window_credits_one_more_order_and_the_cached_overview_follows(
        web: Web) -> None:
    # world.py, March: orders 1-7 and 9 are eligible (8 was refunded). 1-6 are credited by a
    # code, UTM visit, landing page, affiliate id or survey; 9's only trace is a UTM visit
    # 15 days before it, outside the default 7-day window and inside a 30-day one.
    c = web.client("owner")
    assert attributed(c) == (6, 8)
    assert attributed(c) == (6, 8)                       # served from the page cache
    before = revision(web)
    r = save(c, {"attribution.window_days": "30"})
    assert r.status_code == 303
    assert r.headers["location"].startswith("/w/w/settings?saved=1")
    assert revision(web) > before
    assert attributed(c) == (7, 8)
    page = c.get(r.headers["location"])
    assert 'id="saved"' in page.text and 'value="30"' in page.text


def test_time_zone_tiers_priority_and_rate_card_are_saved(web: Web) -> None:
    c = web.client("owner")
    r = save(c, {"timezone": "Asia/Seoul", "locale": "ko", "tiers.micro": "5,000",
                 "attribution.priority.0": "survey", "attribution.priority.5": "promo_code",
                 "attribution.survey_min_score": "90,5",
                 "emv.instagram.likes.rate": "0,25", "emv.instagram.impressions.remove": "1",
                 "emv.new.platform": "tiktok", "emv.new.action": "saves",
                 "emv.new.rate": "2", "emv.new.currency": "eur"})
    # tiktok/saves is on the default card already: the added row must say so
    assert r.status_code == 422 and 'data-field="emv.new.action"' in r.text
    r = save(c, {"timezone": "Asia/Seoul", "locale": "ko", "tiers.micro": "5,000",
                 "attribution.priority.0": "survey", "attribution.priority.5": "promo_code",
                 "attribution.survey_min_score": "90,5",
                 "emv.instagram.likes.rate": "0,25", "emv.instagram.impressions.remove": "1",
                 "emv.new.platform": "instagram", "emv.new.action": "saves",
                 "emv.new.rate": "2", "emv.new.currency": "eur"})
    assert r.status_code == 303, r.text
    body = web.api("viewer").get("/api/w/w/settings").json()
    assert (body["timezone"], body["locale"], body["tiers"]["micro"]) == (
        "Asia/Seoul", "ko", 5000)
    assert body["attribution"]["priority"] == [
        "survey", "click", "utm", "landing_page", "affiliate", "promo_code"]
    assert body["attribution"]["survey_min_score"] == 90.5
    card = {(r["platform"], r["action"]): (Decimal(r["rate"]), r["currency"])
            for r in body["emv_rates"] if r["platform"] == "instagram"}
    assert card == {("instagram", "likes"): (Decimal("0.25"), "EUR"),
                    ("instagram", "saves"): (Decimal("2"), "EUR")}
    assert len(body["emv_rates"]) == 90 - 1 + 1
    # the workspace's pages now show days in Seoul time
    assert 'value="Asia/Seoul"' in c.get("/w/w/settings").text


def test_saving_an_unchanged_form_changes_nothing(web: Web) -> None:
    before = revision(web)
    assert save(web.client("owner"), {}).status_code == 303
    assert revision(web) == before


# -- members -------------------------------------------------------------------------------
def member(c: Any, email: str, op: str = "set", role: str = "viewer", ws: str = "w") -> Any:
    token = csrf_of(c.get(f"/w/{ws}/settings").text)
    return c.post(f"/w/{ws}/settings/members", data={"csrf_token": token, "email": email,
                                                      "role": role, "op": op},
                  follow_redirects=False)


def test_owners_grant_change_and_revoke_roles_by_email(web: Web) -> None:
    owner, outsider = web.client("owner"), web.client("outsider")
    assert outsider.get("/w/w").status_code == 404
    assert member(owner, USERS["outsider"].upper(), role="analyst").status_code == 303
    assert outsider.get("/w/w/imports").status_code == 200
    assert 'enctype="multipart/form-data"' in outsider.get("/w/w/imports").text
    assert member(owner, USERS["outsider"], role="viewer").status_code == 303
    assert 'enctype="multipart/form-data"' not in outsider.get("/w/w/imports").text
    assert member(owner, USERS["outsider"], op="remove").status_code == 303
    assert outsider.get("/w/w").status_code == 404
    r = member(owner, "nobody@example.com")
    assert r.status_code == 422 and 'data-field="member.email"' in r.text
    assert member(web.client("analyst"), USERS["analyst"], role="owner").status_code == 403


def test_the_last_owner_cannot_leave_or_step_down(web: Web) -> None:
    owner = web.client("owner")
    for op, role in (("remove", "viewer"), ("set", "analyst")):
        r = member(owner, USERS["owner"], op=op, role=role)
        assert r.status_code == 422 and 'data-field="member.role"' in r.text
    assert member(owner, USERS["analyst"], role="owner").status_code == 303
    assert member(owner, USERS["owner"], role="viewer").status_code == 303  # two owners now
    assert web.client("owner").get("/w/w/settings").text.count("<fieldset disabled") == 4


# -- the API ---------------------------------------------------------------------------------
def test_api_put_validates_and_names_the_field(web: Web) -> None:
    api = web.api("owner")
    r = api.put("/api/w/w/settings", json={"attribution": {"window_days": 0}})
    assert r.status_code == 422 and r.json()["field"] == "attribution.window_days"
    r = api.put("/api/w/w/settings", json={"tiers": {"micro": "many"}})
    assert r.status_code == 422 and r.json()["field"] == "tiers.micro"
    r = api.put("/api/w/w/settings", json={"colour": "blue"})
    assert r.status_code == 422 and r.json()["field"] == "colour"
    r = api.put("/api/w/w/settings", json={"timezone": "Europe/Atlantis"})
    assert r.status_code == 422 and r.json()["fields"] == [
        {"field": "timezone", "reason": "unknown time zone 'Europe/Atlantis'"}]
    r = api.put("/api/w/w/settings", json={"attribution": {"window_days": 30},
                                           "timezone": "UTC"})
    assert r.status_code == 200
    assert (r.json()["timezone"], r.json()["attribution"]["window_days"]) == ("UTC", 30)
    assert attributed(web.client("viewer")) == (7, 8)
