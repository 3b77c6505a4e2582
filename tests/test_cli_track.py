"""`creatorroi track ...` and `links ingest` as a user runs them, on a real DuckDB file."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creatorroi.cli import app, main
from creatorroi.links.clicklog import ClickLog, ClickRecord, encode_record

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = str(tmp_path / "track.duckdb")
    run("init", "--workspace", "acme", "--name", "Acme", "--currency", "EUR", "--store", url)
    files = {
        "influencers": "id,name\ngiulia,Giulia Rossi\njisoo,김지수\n",
        "accounts": "influencer_id,platform,handle\ngiulia,instagram,@giulia.skin\n"
                    "jisoo,tiktok,@지수\n",
        "campaigns": "id,name,goal_family,funnel_stage,starts_on,ends_on\n"
                     "easter,Easter 2024,sales,bofu,2024-03-15,2024-04-07\n",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        run("import", kind, str(path), "--store", url)
    run("track", "settings", "--short-domain", "go.acme.example", "--allow", "shop.acme.example",
        "--store", url)
    return url


def test_settings_are_validated_and_shown(store: str) -> None:
    shown = json.loads(run("track", "settings", "--utm-medium", "creator", "--store", store))
    assert shown["short_domain"] == "go.acme.example"
    assert shown["allowed_domains"] == ["shop.acme.example"]
    assert shown["utm"]["medium"] == "creator"
    bad = runner.invoke(app, ["track", "settings", "--trusted-proxy", "not-an-ip",
                              "--store", store])
    assert bad.exit_code != 0


def test_issue_list_and_export(store: str, tmp_path: Path) -> None:
    issued = json.loads(run("track", "issue", "--influencer", "jisoo", "--campaign", "easter",
                            "--destination", "https://shop.acme.example/k-beauty",
                            "--format", "json", "--store", store))
    by_kind = {a["kind"]: a for a in issued}
    # 지수 transliterates to JISU; "Easter 2024" loses its year before {YY} adds 24
    assert by_kind["promo_code"]["match_key"] == "EASTER24_JISU"
    assert by_kind["utm_link"]["short_url"] == "https://go.acme.example/jisu"
    listed = json.loads(run("track", "list", "--format", "json", "--store", store))
    assert sorted(a["match_key"] for a in listed) == ["EASTER24_JISU", "jisu"]
    out = tmp_path / "codes.csv"
    run("track", "export-codes", "--shop", "woocommerce", "--type", "fixed_amount",
        "--value", "15.00", "--out", str(out), "--store", store)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["post_title"], r["discount_type"], r["coupon_amount"]) for r in rows] == [
        ("EASTER24_JISU", "fixed_cart", "15.00")]
    assert rows[0]["date_expires"] == "2024-04-08"    # expires at 00:00 after the last day
    run("track", "kit", "--out", str(tmp_path / "kit"), "--store", store)
    assert sorted(p.name for p in (tmp_path / "kit").iterdir()) == ["jisu.png", "jisu.svg"]


def test_bad_roster_names_file_row_and_column(store: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("influencer,campaign,platform,destination\n"
                      "giulia,easter,instagram,https://shop.acme.example/\n"
                      "giulia,easter,instagram,ftp://shop.acme.example/\n", encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["creatorroi", "track", "roster", str(roster),
                                     "--store", store])
    with pytest.raises(SystemExit) as exit:
        main()
    assert exit.value.code == 2
    assert "roster.csv, row 3, column 'destination'" in capsys.readouterr().err
    assert json.loads(run("track", "list", "--format", "json", "--store", store)) == []


def test_links_ingest_counts_clicks_once(store: str, tmp_path: Path) -> None:
    run("track", "issue", "--influencer", "giulia", "--campaign", "easter", "--no-code",
        "--destination", "https://shop.acme.example/", "--store", store)
    log_dir = tmp_path / "clicks"
    log = ClickLog(log_dir / "acme", fsync=False)
    log.open()
    log.write_batch([encode_record(ClickRecord(
        id=f"c{i}", slug="giulia-skin", clicked_at=datetime(2024, 3, 20, 12, i, tzinfo=UTC),
        visitor_hash=f"v{i}", user_agent="Mozilla/5.0", referrer=None, is_bot=False,
        bot_reason=None, workspace_id="acme", asset_id="x")) for i in range(3)])
    log.close()
    first = run("links", "ingest", "--log-dir", str(log_dir), "--store", store)
    assert "3 new click(s)" in first
    again = run("links", "ingest", "--log-dir", str(log_dir), "--store", store)
    assert "0 log segment(s) read: 0 new click(s)" in again
    k = json.loads(run("kpis", "--by", "influencer", "--format", "json", "--store", store))
    assert [(r["influencer"], r["clicks"], r["unique_clicks"]) for r in k
            if r["clicks"]] == [("@giulia.skin", 3, 3)]


def test_a_typed_code_is_issued(store: str) -> None:
    issued = json.loads(run("track", "issue", "--influencer", "giulia", "--campaign", "easter",
                            "--no-link", "--code", "giulia20", "--format", "json",
                            "--store", store))
    assert [a["match_key"] for a in issued] == ["GIULIA20"]
