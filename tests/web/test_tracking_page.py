"""The tracking page through the real app, on both backends: assets with clicks and orders
(checked by hand and by plain SQL), issuing from the form and the API, QR codes and landing
pages to download, and who may do what."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from creatorroi.model.settings import TrackingSettings

from conftest import Web, csrf_of
from world import put, ts

SHOP = "https://shop.lumina.example/serum"


def rows(page: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return next(t["rows"] for t in page["tables"] if t["key"] == table)


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-key="(\w+)"><span class="label">[^<]*</span>'
                           r'<bdi class="value">([^<]*)</bdi>', html))


def configure_links(web: Web) -> None:
    """A short-link domain and the brand's shop, as an owner sets them in Settings."""
    with web.server.lock:
        ws = web.server.app.workspace("w")
        ws.update_settings(ws.settings.model_copy(update={"tracking": TrackingSettings(
            short_domain="go.lumina.example", allowed_domains=["shop.lumina.example"])}))


def form(**values: Any) -> dict[str, Any]:
    data = {"influencer": "giulia", "campaign": "easter", "kind": ["promo_code", "utm_link"],
            "platform": "instagram", "placement": "Story", "destination": SHOP}
    data.update(values)
    return data


def issue(client: Any, **values: Any) -> Any:
    token = csrf_of(client.get("/w/w/tracking").text)
    return client.post("/w/w/tracking", data={**form(**values), "csrf_token": token},
                       follow_redirects=False)


def test_assets_with_orders_by_hand_and_by_sql(web: Web) -> None:
    r = web.client("viewer").get("/w/w/tracking")
    assert r.status_code == 200
    page = web.api("viewer").get("/api/w/w/tracking").json()
    f = {x["key"]: x["value"] for x in page["figures"]}
    # tests/world.py: two codes, a link, a landing page and an affiliate id; orders 1 (code,
    # 50.00), 2 (utm, 30.00), 3 (code, 40.00), 4 (page, 20.00), 5 (affiliate, 10.00)
    assert (f["assets"], f["promo_codes"], f["links"], f["landing_pages"]) == (5, 2, 1, 1)
    assert (f["orders"], f["revenue"]) == (5, "150.00")
    assert f["clicks"] is None            # no click log ingested: unknown, not zero
    assets = {a["id"]: a for a in rows(page, "assets")}
    assert {k: (a["orders"], a["revenue"]) for k, a in assets.items()} == {
        "g-code": (1, "50.00"), "g-link": (1, "30.00"), "j-code": (1, "40.00"),
        "j-page": (1, "20.00"), "j-aff": (1, "10.00")}
    with web.server.lock:
        by_sql = dict(web.server.store.fetch(
            "SELECT a.asset_id, sum(o.net_minor) FROM attributions a JOIN orders o ON "
            "o.workspace_id = a.workspace_id AND o.id = a.order_id WHERE a.workspace_id = 'w' "
            "AND a.asset_id IS NOT NULL GROUP BY a.asset_id"))
    assert {k: Decimal(a["revenue"]) * 100 for k, a in assets.items()} == by_sql
    g = assets["g-code"]
    assert (g["kind"], g["key"], g["influencer"], g["campaign"]) == (
        "promo_code", "EASTER24_GIULIA", "@giulia.skin", "Easter")
    assert assets["g-link"]["utm"] == "utm_source=ig&utm_medium=influencer&utm_campaign=giulia"
    # the HTML shows the API's numbers, and a copy button per code
    shown = figures(r.text)
    assert shown["revenue"] == "€150.00" and shown["assets"] == "5"
    assert 'data-copy="EASTER24_GIULIA"' in r.text and 'data-copy="EASTER24_JISOO"' in r.text
    by_kind = {k["kind"]: k for k in rows(page, "by_kind")}
    assert (by_kind["promo_code"]["assets"], by_kind["promo_code"]["revenue"]) == (2, "90.00")


def test_clicks_per_link_match_plain_sql(web: Web) -> None:
    with web.server.lock:
        ws = web.server.app.workspace("w")
        put(ws, "clicks", [
            dict(id="k1", slug="giulia", clicked_at=ts("2024-03-21T10:00:00Z"),
                 visitor_hash="v1", user_agent="Instagram", is_bot=False),
            dict(id="k2", slug="giulia", clicked_at=ts("2024-03-21T10:10:00Z"),
                 visitor_hash="v1", user_agent="Instagram", is_bot=False),  # a repeat
            dict(id="k3", slug="giulia", clicked_at=ts("2024-03-22T10:00:00Z"),
                 visitor_hash="v2", user_agent="Instagram", is_bot=False),
            dict(id="k4", slug="giulia", clicked_at=ts("2024-03-22T11:00:00Z"),
                 visitor_hash="v3", user_agent="facebookexternalhit", is_bot=True),
            dict(id="k5", slug="nobody", clicked_at=ts("2024-03-22T11:00:00Z"),
                 visitor_hash="v3", user_agent="x", is_bot=False)], ["id"])
        humans = dict(web.server.store.fetch(
            "SELECT slug, count(*) FROM clicks WHERE workspace_id = 'w' AND NOT is_bot "
            "GROUP BY slug"))
        core = ws.kpis("influencer").set_index("influencer").loc["@giulia.skin"]
    page = web.api("viewer").get("/api/w/w/tracking").json()
    link = next(a for a in rows(page, "assets") if a["id"] == "g-link")
    assert link["clicks"] == humans["giulia"] == 3
    assert link["unique_clicks"] == 2 == core.unique_clicks   # k2 repeats k1 within 30 min
    code = next(a for a in rows(page, "assets") if a["id"] == "g-code")
    assert code["clicks"] is None                               # codes are not clicked
    f = {x["key"]: x["value"] for x in page["figures"]}
    assert (f["clicks"], f["unique_clicks"]) == (3, 2)
    # a period: only the 22nd's human click
    day = web.api("viewer").get("/api/w/w/tracking?start=2024-03-22&end=2024-03-22").json()
    assert next(a for a in rows(day, "assets") if a["id"] == "g-link")["clicks"] == 1


def test_csv_export_of_assets(web: Web) -> None:
    r = web.client("viewer").get("/w/w/tracking?format=csv&table=assets")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    data = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert {d["id"]: d["revenue"] for d in data} == {
        "g-code": "50.00", "g-link": "30.00", "j-code": "40.00", "j-page": "20.00",
        "j-aff": "10.00"}


def test_analyst_issues_a_code_and_link_from_the_form(web: Web) -> None:
    configure_links(web)
    analyst = web.client("analyst")
    r = issue(analyst, kind=["promo_code", "utm_link", "qr"])
    assert r.status_code == 303, r.text
    target = urlsplit(r.headers["location"])
    assert target.path == "/w/w/tracking" and target.fragment == "issued"
    new = parse_qs(target.query)["new"]
    assert sorted(new) == ["easter:giulia:code", "easter:giulia:instagram:story:link"]
    with web.server.lock:
        stored = dict(web.server.store.fetch(
            "SELECT id, match_key FROM tracking_assets WHERE workspace_id = 'w' AND id LIKE "
            "'easter:%'"))
    assert stored == {"easter:giulia:code": "EASTER24_GIULIASKIN",
                      "easter:giulia:instagram:story:link": "giulia-skin"}

    page = analyst.get(r.headers["location"])
    assert page.status_code == 200
    html = page.text
    assert 'id="issued"' in html
    assert 'data-copy="EASTER24_GIULIASKIN"' in html
    assert 'data-copy="https://go.lumina.example/giulia-skin"' in html
    assert re.search(r'<tr class="fresh"[^>]*data-id="easter:giulia:code"', html)
    qr_url = "/w/w/tracking/easter%3Agiulia%3Ainstagram%3Astory%3Alink/qr.svg"
    assert f'src="{qr_url}"' in html
    # QR codes only for links that lead somewhere: not for a code, nor world's link that has
    # no destination for the redirect service to send anyone to
    assert "easter%3Agiulia%3Acode/qr" not in html and "g-link/qr" not in html
    downloads = web.api("viewer").get("/api/w/w/tracking").json()["extra"]["downloads"]
    assert set(downloads) == {"easter:giulia:instagram:story:link"}

    svg = analyst.get(qr_url)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.headers["content-disposition"] == 'attachment; filename="giulia-skin.svg"'
    root = ET.fromstring(svg.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    png = analyst.get(qr_url.replace(".svg", ".png"))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.headers["content-disposition"] == 'attachment; filename="giulia-skin.png"'
    # a viewer may see and download, not issue
    viewer = web.client("viewer")
    assert viewer.get(qr_url).status_code == 200
    assert 'name="kind"' not in viewer.get("/w/w/tracking").text
    # a code has no QR code; an unknown asset is not found
    assert analyst.get("/w/w/tracking/g-code/qr.svg").status_code == 404
    assert analyst.get("/w/w/tracking/g-link/qr.svg").status_code == 404
    assert analyst.get("/w/w/tracking/nope/qr.png").status_code == 404


def test_issuing_again_changes_nothing(web: Web) -> None:
    configure_links(web)
    analyst = web.client("analyst")
    assert issue(analyst).status_code == 303
    with web.server.lock:
        before = web.server.store.fetch("SELECT id, match_key, destination FROM "
                                        "tracking_assets WHERE workspace_id = 'w' ORDER BY id")
    assert issue(analyst, destination="").status_code == 303   # the issued link is kept
    with web.server.lock:
        after = web.server.store.fetch("SELECT id, match_key, destination FROM "
                                       "tracking_assets WHERE workspace_id = 'w' ORDER BY id")
    assert before == after


def test_landing_page_download(web: Web) -> None:
    configure_links(web)
    analyst = web.client("analyst")
    r = issue(analyst, kind=["landing_page"], offer="10% off <b>now</b>",
              products="https://shop.lumina.example/products/serum")
    assert r.status_code == 303, r.text
    assert "easter%3Agiulia%3Alanding" in r.headers["location"]
    html = analyst.get(r.headers["location"]).text
    url = "/w/w/tracking/easter%3Agiulia%3Alanding/landing.html"
    assert f'href="{url}"' in html
    d = analyst.get(url)
    assert d.status_code == 200 and d.headers["content-type"].startswith("text/html")
    assert d.headers["content-disposition"] == \
        'attachment; filename="landing-pages-giulia-skin.html"'
    assert "noindex" in d.text and "10% off" in d.text and "<b>now</b>" not in d.text
    # world's own page has no link to point at, so nothing to download
    assert analyst.get("/w/w/tracking/j-page/landing.html").status_code == 404


def test_bad_input_comes_back_in_italian_with_the_typed_values(web: Web) -> None:
    configure_links(web)
    analyst = web.client("analyst")
    analyst.cookies.set("cr_lang", "it")
    r = issue(analyst, destination="https://evil.example/x?a=1", code="x!",
              placement="Storia <i>", kind=["promo_code", "qr"])
    assert r.status_code == 422
    html = r.text
    assert '<html lang="it"' in html
    assert 'data-field="destination"' in html and 'data-field="code"' in html
    assert 'name="destination" value="https://evil.example/x?a=1"' in html
    assert 'value="x!"' in html and 'value="Storia &lt;i&gt;"' in html
    assert '<option value="giulia" selected>' in html
    assert re.search(r'name="kind" value="qr" checked', html)
    assert not re.search(r'name="kind" value="utm_link" checked', html)
    assert 'aria-invalid="true" aria-describedby="err-destination"' in html
    assert "shop.lumina.example" in html          # the allowed domain is named
    assert "150,00" in html                       # the page itself formatted in Italian
    with web.server.lock:
        assert web.server.store.fetch("SELECT count(*) FROM tracking_assets WHERE "
                                      "workspace_id = 'w'") == [(5,)]


def test_form_names_missing_choices_and_link_setup(web: Web) -> None:
    analyst = web.client("analyst")
    r = issue(analyst, influencer="", campaign="nope", kind=["utm_link"])
    assert r.status_code == 422
    for name in ("influencer", "campaign", "kinds"):
        assert f'data-field="{name}"' in r.text, name
    assert "Settings" in r.text                    # no short-link domain yet


def test_who_may_issue(web: Web) -> None:
    configure_links(web)
    viewer = web.client("viewer")
    token = csrf_of(viewer.get("/w/w/tracking").text)
    r = viewer.post("/w/w/tracking", data={**form(), "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 403
    analyst = web.client("analyst")
    analyst.get("/w/w/tracking")
    r = analyst.post("/w/w/tracking", data=form(), follow_redirects=False)
    assert r.status_code == 403                    # no CSRF token
    outsider = web.client("outsider")
    token = csrf_of(outsider.get("/w/other").text)
    r = outsider.post("/w/w/tracking", data={**form(), "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 404
    for url in ("/w/w/tracking", "/w/w/tracking/g-link/qr.svg"):
        assert outsider.get(url).status_code == 404
    assert web.api("outsider").get("/api/w/w/tracking").status_code == 404
    with web.server.lock:
        assert web.server.store.fetch("SELECT count(*) FROM tracking_assets WHERE "
                                      "workspace_id = 'w'") == [(5,)]


def test_api_issues_and_names_the_field_it_refuses(web: Web) -> None:
    configure_links(web)
    body = {"influencer": "jisoo", "campaign": "easter", "kinds": ["promo_code", "qr"],
            "destination": "https://shop.lumina.example/"}
    assert web.api("viewer").post("/api/w/w/tracking", json=body).status_code == 403
    api = web.api("analyst")
    r = api.post("/api/w/w/tracking", json=body)
    assert r.status_code == 201, r.text
    issued = {a["kind"]: a for a in r.json()["issued"]}
    assert issued["promo_code"]["shared"] == "EASTER24_JISOOGLOW"
    link = issued["utm_link"]
    assert link["short_url"] == "https://go.lumina.example/jisoo-glow"
    assert link["shared"] == link["short_url"] and link["utm_source"] == "tiktok"
    assert link["qr_png"] == "/w/w/tracking/easter%3Ajisoo%3Aany%3Aany%3Alink/qr.png"
    assert issued["promo_code"]["qr_png"] is None
    # the issued link is on the page, with its count of clicks (none yet)
    page = web.api("viewer").get("/api/w/w/tracking").json()
    assert any(a["id"] == link["id"] for a in rows(page, "assets"))

    r = api.post("/api/w/w/tracking", json={**body, "influencer": "nobody"})
    assert r.status_code == 404 and r.json()["field"] == "influencer"
    r = api.post("/api/w/w/tracking", json={**body, "campaign": "nope"})
    assert r.status_code == 404 and r.json()["field"] == "campaign"
    r = api.post("/api/w/w/tracking", json={**body, "code": "no spaces"})
    assert r.status_code == 422 and r.json()["field"] == "code"
    r = api.post("/api/w/w/tracking", json={**body, "kinds": ["sticker"]})
    assert r.status_code == 422 and r.json()["field"].startswith("kinds")
    r = api.post("/api/w/w/tracking", json={**body, "destination": "https://evil.example/"})
    assert r.status_code == 422 and r.json()["field"] == "destination"
    r = api.post("/api/w/w/tracking", json={**body, "code": "EASTER24_GIULIA"})
    assert r.status_code == 422 and r.json()["field"] == "code"   # giulia's code


@pytest.mark.parametrize("lang", ["fa", "ko"])
def test_codes_and_links_stay_left_to_right(web: Web, lang: str) -> None:
    c = web.client("viewer")
    c.cookies.set("cr_lang", lang)
    html = c.get("/w/w/tracking").text
    assert '<bdi dir="ltr">EASTER24_GIULIA</bdi>' in html
    assert '<bdi dir="ltr">utm_source=ig&amp;utm_medium=influencer&amp;utm_campaign=giulia' \
        '</bdi>' in html
