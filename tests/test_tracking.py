"""Issuing tracking assets through the workspace, and counting the clicks they earn."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

import creatorroi
from creatorroi.errors import ConfigError, ImportFailed
from creatorroi.links.clicklog import ClickLog, ClickRecord, encode_record
from creatorroi.model.settings import TrackingSettings

import world
from world import put


@pytest.fixture
def ws(store_url: str) -> creatorroi.Workspace:
    ws = world.build(creatorroi.connect(store_url))
    tracking = TrackingSettings(short_domain="go.lumina.example",
                                allowed_domains=["https://shop.lumina.example/"])
    ws.update_settings(ws.settings.model_copy(update={"tracking": tracking}))
    return ws


def _asset(frame: pd.DataFrame, kind: str) -> pd.Series:
    rows = frame[frame["kind"] == kind]
    assert len(rows) == 1, frame
    return rows.iloc[0]


def test_issue_code_and_link_by_the_workspace_convention(ws: creatorroi.Workspace) -> None:
    out = ws.tracking.issue("giulia", "easter", platform="instagram", placement="Story",
                            destination="https://Shop.Lumina.example/collections/serum?ref=x")
    code = _asset(out, "promo_code")
    # pattern {CAMPAIGN}{YY}_{HANDLE}: Easter, 2024, giulia.skin (dots dropped)
    assert code.match_key == "EASTER24_GIULIASKIN"
    link = _asset(out, "utm_link")
    # /giulia-skin is free, so the first link gets the bare handle
    assert link.match_key == "giulia-skin"
    assert link.short_url == "https://go.lumina.example/giulia-skin"
    parts = urlsplit(link.destination)
    assert parts.netloc == "shop.lumina.example" and parts.path == "/collections/serum"
    q = parse_qs(parts.query)
    assert q["ref"] == ["x"]
    assert q["utm_source"] == ["instagram"] and q["utm_medium"] == ["influencer"]
    assert q["utm_campaign"] == ["giulia.skin"] and q["utm_content"] == ["story"]
    # the stored UTM columns are what attribution matches GA4 sessions on
    row = ws.store.fetch("SELECT utm_source, utm_medium, utm_campaign, utm_content FROM "
                         "tracking_assets WHERE workspace_id = ? AND id = ?", [ws.id, link.id])
    assert row == [("instagram", "influencer", "giulia.skin", "story")]


def test_reissuing_changes_nothing_and_keeps_printed_codes(ws: creatorroi.Workspace) -> None:
    first = ws.tracking.issue("giulia", "easter", destination="https://shop.lumina.example/a")
    before = ws.store.fetch("SELECT id, match_key, destination FROM tracking_assets "
                            "WHERE workspace_id = ? ORDER BY id", [ws.id])
    again = ws.tracking.issue("giulia", "easter")  # no destination: the issued one stays
    after = ws.store.fetch("SELECT id, match_key, destination FROM tracking_assets "
                           "WHERE workspace_id = ? ORDER BY id", [ws.id])
    assert before == after
    assert list(first["match_key"]) == list(again["match_key"])


def test_collisions_get_a_suffix_and_slugs_fall_back_to_the_campaign(
        ws: creatorroi.Workspace) -> None:
    put(ws, "influencers", [dict(id="giulia2", name="Giulia Bianchi", aliases=None,
                                 country="IT")], ["id"])
    put(ws, "accounts", [dict(id="tiktok:giulia.skin", influencer_id="giulia2",
                              platform="tiktok", handle="giulia.skin")], ["id"])
    dest = "https://shop.lumina.example/"
    a = ws.tracking.issue("giulia", "easter", destination=dest)
    b = ws.tracking.issue("giulia2", "easter", destination=dest)
    assert _asset(a, "promo_code").match_key == "EASTER24_GIULIASKIN"
    assert _asset(b, "promo_code").match_key == "EASTER24_GIULIASKIN2"
    assert _asset(a, "utm_link").match_key == "giulia-skin"
    assert _asset(b, "utm_link").match_key == "giulia-skin-easter"


def test_explicit_code_taken_by_another_creator_is_refused(ws: creatorroi.Workspace) -> None:
    ws.tracking.issue("giulia", "easter", destination="https://shop.lumina.example/")
    with pytest.raises(ConfigError, match="EASTER24_GIULIASKIN is already issued"):
        ws.tracking.issue("jisoo", "easter", code="easter24_giuliaskin", kinds=("promo_code",))


@pytest.mark.parametrize("url, reason", [
    ("https://evil.example/", "not one of the brand.s domains"),
    ("https://shop.lumina.example.evil.com/", "not one of the brand.s domains"),
    ("javascript:alert(1)", "http"),
])
def test_destinations_outside_the_allow_list_are_refused(ws: creatorroi.Workspace, url: str,
                                                         reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        ws.tracking.issue("giulia", "easter", destination=url)
    assert ws.store.fetch("SELECT count(*) FROM tracking_assets WHERE workspace_id = ? AND "
                          "id LIKE 'easter:%'", [ws.id]) == [(0,)]


def test_links_need_the_short_domain_and_allow_list(store_url: str) -> None:
    ws = world.build(creatorroi.connect(store_url))
    with pytest.raises(ConfigError, match="short-link domain"):
        ws.tracking.issue("giulia", "easter", destination="https://shop.lumina.example/")


def _roster(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("influencer,campaign,platform,placement,destination,landing,offer,products\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_roster_issues_everything_or_names_every_bad_cell(ws: creatorroi.Workspace,
                                                          tmp_path: Path) -> None:
    bad = _roster(tmp_path, [
        "giulia,easter,instagram,bio,https://shop.lumina.example/serum,yes,20% off,",
        "nobody,easter,instagram,bio,https://shop.lumina.example/serum,no,,",
        "jisoo,easter,myspace,story,https://shop.lumina.example/serum,no,,",
        "jisoo,easter,tiktok,story,https://evil.example/,no,,",
    ])
    with pytest.raises(ImportFailed) as failed:
        ws.tracking.issue_roster(bad)
    found = {(e.row, e.column) for e in failed.value.errors}
    assert found == {(3, "influencer"), (4, "platform"), (5, "destination")}
    assert "roster.csv, row 3, column 'influencer'" in str(failed.value)
    assert ws.store.fetch("SELECT count(*) FROM tracking_assets WHERE workspace_id = ? AND "
                          "id LIKE 'easter:%'", [ws.id]) == [(0,)]

    good = _roster(tmp_path, [
        "giulia,easter,instagram,bio,https://shop.lumina.example/serum,yes,20% off,"
        "https://shop.lumina.example/products/serum|https://shop.lumina.example/products/mask",
        "jisoo,easter,tiktok,story,https://shop.lumina.example/serum,no,,",
    ])
    issued = ws.tracking.issue_roster(good)
    assert sorted(issued["kind"]) == ["landing_page", "promo_code", "promo_code", "utm_link",
                                      "utm_link"]
    page = _asset(issued[issued.influencer_id == "giulia"], "landing_page")
    assert page.match_key == "/pages/giulia-skin"
    assert page.destination == "https://shop.lumina.example/pages/giulia-skin"
    html = ws.tracking.landing_html(page.id)
    assert "noindex" in html and "Giulia Rossi" in html and "20% off" in html
    assert "EASTER24_GIULIASKIN" in html and "products/mask" in html
    # the same roster again: nothing new
    again = ws.tracking.issue_roster(good)
    assert sorted(again["match_key"]) == sorted(issued["match_key"])


def test_issued_landing_page_credits_orders_that_land_on_it(ws: creatorroi.Workspace) -> None:
    ws.tracking.issue("jisoo", "easter", destination="https://shop.lumina.example/", landing=True,
                      offer="10% off")
    put(ws, "orders", [world.order("10", "2024-03-26T10:00:00Z", 2500,
                                   landing="/pages/jisoo-glow", customer="c9")],
        ["id"])
    credited = ws.attributions().set_index("order_id")
    assert credited.loc["10", "influencer_id"] == "jisoo"
    assert credited.loc["10", "method"] == "landing_page"


def test_export_codes_for_a_shop(ws: creatorroi.Workspace) -> None:
    dest = "https://shop.lumina.example/"
    ws.tracking.issue("giulia", "easter", destination=dest)
    ws.tracking.issue("jisoo", "easter", destination=dest)
    with pytest.raises(ConfigError, match="percentage needs a positive value"):
        ws.tracking.export_codes("csv", campaign="easter")
    text = ws.tracking.export_codes("csv", campaign="easter", value=Decimal("20"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["value"] for r in rows} == {"20"} and {r["currency"] for r in rows} == {"EUR"}
    # world's own g-code/j-code assets plus the two just issued
    assert sorted(r["code"] for r in rows) == ["EASTER24_GIULIA", "EASTER24_GIULIASKIN",
                                               "EASTER24_JISOO", "EASTER24_JISOOGLOW"]
    assert {r["ends_on"] for r in rows} == {"2024-04-07"}
    shopify = list(csv.DictReader(io.StringIO(
        ws.tracking.export_codes("shopify", campaign="easter", value=Decimal("20")))))
    assert {r["Code"] for r in shopify} == {r["code"] for r in rows}
    assert {r["Value"] for r in shopify} == {"20"}


def test_kit_writes_qr_codes_and_pages(ws: creatorroi.Workspace, tmp_path: Path) -> None:
    ws.tracking.issue("giulia", "easter", destination="https://shop.lumina.example/",
                      landing=True, offer="Free gift")
    files = ws.tracking.kit(tmp_path / "kit", campaign="easter")
    names = sorted(p.name for p in files)
    assert names == ["giulia-skin.png", "giulia-skin.svg", "landing-pages-giulia-skin.html"]
    assert (tmp_path / "kit" / "giulia-skin.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "kit" / "giulia-skin.svg").read_text()


def _log_clicks(log_dir: Path, records: list[ClickRecord]) -> None:
    log = ClickLog(log_dir, fsync=False)
    log.open()
    log.write_batch([encode_record(r) for r in records])
    log.close()


def test_service_config_and_click_ingest_feed_kpis(ws: creatorroi.Workspace,
                                                   tmp_path: Path) -> None:
    out = ws.tracking.issue("giulia", "easter", destination="https://shop.lumina.example/s")
    link = _asset(out, "utm_link")
    config = ws.tracking.service_config(tmp_path / "log")
    assert config.links["giulia-skin"].destination == link.destination
    assert "giulia" not in config.links   # world's imported link has no destination to serve
    assert config.salt == ws._salt and config.allowed_domains == ("shop.lumina.example",)
    path = tmp_path / "links.json"
    config.dump(path)
    assert json.loads(path.read_text())  # a file the service processes can read

    salt = ws._salt
    def rec(id: str, minute: int, ip: str, bot: bool = False) -> ClickRecord:
        return ClickRecord(id=id, slug="giulia-skin",
                           clicked_at=datetime(2024, 3, 21, 10, minute, tzinfo=UTC),
                           visitor_hash=hashlib.sha256((salt + ip).encode()).hexdigest(),
                           user_agent="Mozilla/5.0 Instagram", referrer=None, is_bot=bot,
                           bot_reason="facebookexternalhit" if bot else None,
                           workspace_id=ws.id, asset_id=link.id)
    _log_clicks(tmp_path / "log", [rec("k1", 0, "10.0.0.1"), rec("k2", 10, "10.0.0.1"),
                                   rec("k3", 11, "10.0.0.2"), rec("k4", 12, "10.0.0.3", True)])
    first = ws.tracking.ingest_clicks(tmp_path / "log")
    assert (first.segments, first.new, first.bots) == (1, 4, 1)
    again = ws.tracking.ingest_clicks(tmp_path / "log")
    assert (again.segments, again.new) == (0, 0)
    g = ws.kpis("influencer").set_index("influencer").loc["@giulia.skin"]
    assert g.clicks == 3 and g.unique_clicks == 2      # k2 repeats k1 within 30 minutes

    # an order carrying a logged click id is credited by the click rule
    put(ws, "orders", [world.order("11", "2024-03-21T10:30:00Z", 4200, click="k3",
                                   customer="c10")], ["id"])
    credited = ws.attributions().set_index("order_id")
    assert credited.loc["11", "method"] == "click"
    assert credited.loc["11", "asset_id"] == link.id


def test_ingest_of_a_log_being_written_is_repeatable(ws: creatorroi.Workspace,
                                                     tmp_path: Path) -> None:
    ws.tracking.issue("giulia", "easter", destination="https://shop.lumina.example/s")

    async def write(n: int) -> None:
        log = ClickLog(tmp_path / "log", fsync=False)
        log.open()
        now = datetime(2024, 3, 22, 9, 0, tzinfo=UTC)
        await asyncio.gather(*(log.append(encode_record(ClickRecord(
            id=f"live{n}-{i}", slug="giulia-skin", clicked_at=now, visitor_hash=None,
            user_agent=None, referrer=None, is_bot=False, bot_reason=None, workspace_id=ws.id,
            asset_id="x"))) for i in range(5)))
        log.close()

    asyncio.run(write(1))
    assert ws.tracking.ingest_clicks(tmp_path / "log").new == 5
    asyncio.run(write(2))  # a second process's segment
    r = ws.tracking.ingest_clicks(tmp_path / "log")
    assert (r.segments, r.new) == (1, 5)
    assert ws.store.fetch("SELECT count(*) FROM clicks WHERE workspace_id = ?", [ws.id]) == [
        (10,)]


def test_a_roster_with_several_placements_shares_the_code(ws: creatorroi.Workspace,
                                                          tmp_path: Path) -> None:
    roster = _roster(tmp_path, [
        "giulia,easter,instagram,story,https://shop.lumina.example/serum,no,,",
        "giulia,easter,instagram,bio,https://shop.lumina.example/serum,no,,",
    ])
    issued = ws.tracking.issue_roster(roster)
    assert sorted(issued["match_key"]) == ["EASTER24_GIULIASKIN", "giulia-skin",
                                           "giulia-skin-easter"]
    ws.kpis("influencer")                      # attribution is now up to date
    stamp = ws.store.fetch("SELECT attributed_at FROM workspaces WHERE id = ?", [ws.id])
    ws.tracking.issue_roster(roster)           # the same roster again changes nothing at all
    assert ws.store.fetch("SELECT attributed_at FROM workspaces WHERE id = ?", [ws.id]) == stamp


def test_two_rows_wanting_different_codes_are_refused(ws: creatorroi.Workspace,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("influencer,campaign,platform,placement,destination,code\n"
                    "giulia,easter,instagram,bio,https://shop.lumina.example/,\n"
                    "giulia,easter,instagram,story,https://shop.lumina.example/,GIULIA20\n",
                    encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        ws.tracking.issue_roster(path)
    assert [(e.row, e.column) for e in failed.value.errors] == [(3, "code")]


def test_a_link_for_one_post_and_clear_errors_from_the_api(ws: creatorroi.Workspace) -> None:
    out = ws.tracking.issue("giulia", "easter", post="g1", kinds=("utm_link",),
                            destination="https://shop.lumina.example/")
    assert list(out["id"]) == ["easter:giulia:g1:link"]
    assert ws.store.fetch("SELECT post_id FROM tracking_assets WHERE workspace_id = ? AND "
                          "id = 'easter:giulia:g1:link'", [ws.id]) == [("g1",)]
    with pytest.raises(ConfigError, match="post 'j1' is jisoo's"):
        ws.tracking.issue("giulia", "easter", post="j1", destination="https://shop.lumina.example/")
    with pytest.raises(ConfigError, match="myspace"):
        ws.tracking.issue("giulia", "easter", platform="myspace")
    with pytest.raises(ConfigError, match="no click log"):
        ws.tracking.ingest_clicks(Path("/nonexistent/clicks"))


@pytest.mark.parametrize("change", [{"code_pattern": "{FOO}_{HANDLE}"},
                                    {"code_pattern": "{CAMPAIGN"},
                                    {"landing_path": "/p/{slug}/{x}"},
                                    {"landing_path": "pages/{slug}"}])
def test_unusable_settings_are_refused_when_saved(change: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        TrackingSettings.model_validate(change)
