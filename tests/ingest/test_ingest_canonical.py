"""The canonical sheets: every kind's template, derived columns, and errors a user can act on."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creatorroi.errors import BadRowError, ConfigError, ImportFailed
from creatorroi.ingest import KIND_NAMES, ParseContext, ParsedImport, parse_file, write_template
from creatorroi.ingest.kinds import KINDS
from creatorroi.store.migrations import MIGRATIONS

FIXTURES = [HealthCheck.function_scoped_fixture]  # tmp_path is reused on purpose

CANONICAL = sorted(KINDS)
EXPECTED_DTYPE = {"VARCHAR": "object", "BIGINT": "Int64", "BOOLEAN": "boolean",
                  "DATE": "object", "DECIMAL": "object", "DOUBLE": "float64",
                  "TIMESTAMP": "datetime64[us, UTC]"}


def schema(table: str) -> list[tuple[str, str]]:
    """(column, type) pairs of ``table`` read straight from the DDL, without workspace_id."""
    ddl = next(s for m in MIGRATIONS for s in m.statements if f"CREATE TABLE {table} (" in s)
    cols = []
    for line in ddl.splitlines()[1:]:
        line = line.strip().rstrip(",")
        if line and not line.startswith(("PRIMARY KEY", ")")):
            name, sql_type = line.split()[:2]
            if name != "workspace_id":
                cols.append((name, sql_type.split("(")[0]))
    return cols


def sheet(tmp: Path, text: str, name: str = "sheet.csv") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def parse(tmp: Path, kind: str, text: str, ctx: ParseContext | None = None) -> ParsedImport:
    return parse_file(sheet(tmp, text), kind, ctx or ParseContext(timezone="Europe/Rome"))


def errors(tmp: Path, kind: str, text: str, ctx: ParseContext | None = None) -> list[BadRowError]:
    with pytest.raises(ImportFailed) as err:
        parse(tmp, kind, text, ctx)
    return err.value.errors


def test_kind_names_cover_every_canonical_kind_and_every_export() -> None:
    assert set(KIND_NAMES) == set(KINDS) | {"shopify-orders", "ga4", "instagram-insights",
                                            "tiktok-insights", "youtube-insights"}


@pytest.mark.parametrize("kind", CANONICAL)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_template_parses_into_the_store_schema(tmp_path: Path, kind: str, fmt: str) -> None:
    path = tmp_path / f"{kind}.{fmt}"
    write_template(kind, path, fmt)  # type: ignore[arg-type]
    parsed = parse_file(path, kind, ParseContext(timezone="Europe/Rome", salt="s"))
    assert parsed.rows_read == 1 and parsed.warnings == []
    for table, frame in parsed.tables.items():
        cols = schema(table)
        assert list(frame.columns) == [c for c, _ in cols]
        for name, sql_type in cols:
            assert str(frame[name].dtype) == EXPECTED_DTYPE[sql_type], (table, name)
        assert len(frame) == 1


def test_template_to_a_text_stream_and_unknown_templates() -> None:
    out = io.StringIO()
    write_template("costs", out)
    assert out.getvalue().splitlines()[0] == (
        "id,category,amount,currency,incurred_on,influencer_id,campaign_id,post_id,note")
    with pytest.raises(ConfigError):
        write_template("shopify-orders", io.StringIO())
    with pytest.raises(ConfigError):
        write_template("costs", io.StringIO(), "xlsx")


def test_template_values_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    write_template("orders", path)
    parsed = parse_file(path, "orders", ParseContext(salt="s"))
    [order] = parsed.tables["orders"].to_dict("records")
    assert order["id"] == "1001" and order["order_number"] == "1001"
    assert order["created_at"] == pd.Timestamp("2024-03-21 09:15:00", tz="UTC")
    assert order["source_tz"] == "+01:00"
    assert (order["gross_minor"], order["discount_minor"], order["refunded_minor"],
            order["net_minor"]) == (5900, 1180, 0, 4720)
    assert order["customer_hash"] == hashlib.sha256(b"sanna@example.com").hexdigest()
    assert order["is_new_customer"] is True and order["status"] == "paid"
    assert parsed.tables["order_codes"].to_dict("records") == [
        {"order_id": "1001", "code": "EASTER24_GIULIA"}]


def test_accounts_and_followers_share_the_account_id(tmp_path: Path) -> None:
    accounts = parse(tmp_path, "accounts",
                     "influencer_id,platform,handle\ngiulia,IG,@Giulia.Skin\n"
                     "giulia,TikTok,https://www.tiktok.com/@giulia_tt\n")
    assert accounts.tables["accounts"][["id", "platform", "handle"]].to_dict("records") == [
        {"id": "instagram:giulia.skin", "platform": "instagram", "handle": "giulia.skin"},
        {"id": "tiktok:giulia_tt", "platform": "tiktok", "handle": "giulia_tt"}]
    followers = parse(tmp_path, "followers",
                      "platform,handle,captured_at,followers\ninsta,giulia.skin,2024-03-01,"
                      "\"48,200\"\n")
    assert followers.tables["follower_snapshots"].to_dict("records") == [
        {"account_id": "instagram:giulia.skin",
         "captured_at": pd.Timestamp("2024-02-29 23:00", tz="UTC"), "followers": 48200}]


def test_asset_match_keys_by_kind(tmp_path: Path) -> None:
    text = ("id,kind,influencer_id,campaign_id,code,utm_source,utm_campaign\n"
            "a1,promo_code,giulia,easter,easter24 giulía,IG ,Giulia\n"
            "a2,landing_page,giulia,easter,https://shop.it/Pages/Giulia/?x=1,,\n"
            "a3,utm,giulia,easter,https://brand.com/Giulia,,\n"
            "a4,affiliate,giulia,easter, AFF-77 ,,\n")
    frame = parse(tmp_path, "assets", text).tables["tracking_assets"]
    assert frame["match_key"].tolist() == ["EASTER24GIULIA", "/pages/giulia", "giulia", "AFF-77"]
    assert frame["kind"].tolist() == ["promo_code", "landing_page", "utm_link", "affiliate"]
    assert frame.loc[0, "utm_source"] == "ig" and frame.loc[0, "utm_campaign"] == "giulia"


def test_money_percent_and_defaults(tmp_path: Path) -> None:
    terms = parse(tmp_path, "pay_terms",
                  "id,influencer_id,kind,currency,flat_fee,revenue_share,cap\n"
                  "t1,giulia,revenue share,KRW,\"₩500,000\",\"12,5%\",\n",
                  ParseContext(locale="it"))
    [row] = terms.tables["pay_terms"].to_dict("records")
    assert row["kind"] == "revenue_share" and row["flat_minor"] == 500000
    assert row["revenue_share"] == Decimal("0.125") and pd.isna(row["cap_minor"])
    campaigns = parse(tmp_path, "campaigns",
                      "id,name,goal_family,funnel_stage,starts_on,budget\n"
                      "c1,Spring,conversions,bottom,15/03/2024,\"15.000,00\"\n",
                      ParseContext(locale="it", currency="CHF"))
    [camp] = campaigns.tables["campaigns"].to_dict("records")
    assert (camp["goal_family"], camp["funnel_stage"], camp["starts_on"]) == (
        "sales", "bofu", date(2024, 3, 15))
    assert (camp["budget_minor"], camp["budget_currency"], camp["always_on"]) == (
        1500000, "CHF", False)


def test_clicks_keep_opaque_ids_and_hash_ip_addresses(tmp_path: Path) -> None:
    frame = parse(tmp_path, "clicks",
                  "id,slug,clicked_at,visitor_id\nk1,Giulia,2024-03-21T09:57:30Z,v-123\n"
                  "k2,giulia,2024-03-21T09:58:00Z,198.51.100.4\n").tables["clicks"]
    assert frame["slug"].tolist() == ["giulia", "giulia"]
    assert frame.loc[0, "visitor_hash"] == "v-123"
    assert frame.loc[1, "visitor_hash"] == hashlib.sha256(b"198.51.100.4").hexdigest()
    assert frame["is_bot"].tolist() == [False, False]


def test_sessions_sheet_normalises_utm_and_landing_page(tmp_path: Path) -> None:
    frame = parse(tmp_path, "sessions",
                  "id,started_at,utm_source,landing_page,revenue\n"
                  "s1,2024-03-21 09:58,IG,/Pages/Giulia/?cr_click=ck1,12.50\n").tables["sessions"]
    [row] = frame.to_dict("records")
    assert (row["sessions"], row["utm_source"], row["landing_page"], row["click_id"]) == (
        1, "ig", "/pages/giulia", "ck1")
    assert (row["revenue_minor"], row["currency"]) == (1250, "EUR")
    assert row["started_at"] == pd.Timestamp("2024-03-21 08:58", tz="UTC")


def test_missing_required_column_names_it_and_lists_the_columns(tmp_path: Path) -> None:
    [error] = errors(tmp_path, "costs", "id,category,amount\nx,fee,1\n")
    assert error.row is None and error.column is None
    assert error.reason == ("missing required column(s): currency, incurred_on; "
                            "the file has: id, category, amount")


def test_unknown_kind_and_bad_settings_are_whole_file_errors(tmp_path: Path) -> None:
    path = sheet(tmp_path, "id\n1\n")
    with pytest.raises(ImportFailed, match="unknown kind 'order'"):
        parse_file(path, "order", ParseContext())
    with pytest.raises(ImportFailed, match="unknown time zone"):
        parse_file(path, "influencers", ParseContext(timezone="Mars/Olympus"))


def test_duplicate_keys_name_both_rows(tmp_path: Path) -> None:
    text = ("influencer_id,platform,handle\ngiulia,instagram,@giulia\n"
            "minji,tiktok,minji\ngiulia2,ig,Giulia\n")
    [error] = errors(tmp_path, "accounts", text)
    assert (error.row, error.column) == (4, "platform, handle")
    assert error.reason == "duplicate key, first seen on row 2"


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    text = ("id,category,amount,currency,incurred_on\n"
            "c1,fee,12.00,EUR,2024-03-20\n"
            "c2,lunch,abc,EURO,someday\n"
            ",fee,,EUR,2024-03-20\n")
    found = [(e.row, e.column, e.reason) for e in errors(tmp_path, "costs", text)]
    assert found == [
        (3, "category", "'lunch' is not one of: fee, agent_fee, samples, shipping, production, "
                        "amplification, platform_fee, overhead, performance_pay"),
        (3, "amount", "'abc' is not a number"),
        (3, "currency", "'EURO' is not a currency code"),
        (3, "incurred_on", "'someday' is not a date"),
        (4, "id", "required value is missing"),
        (4, "amount", "required value is missing"),
    ]


def test_messages_follow_the_workspace_language(tmp_path: Path) -> None:
    text = "id,category,amount,currency,incurred_on\nc1,fee,abc,EUR,\n"
    it = [e.reason for e in errors(tmp_path, "costs", text, ParseContext(lang="it"))]
    assert it == ["'abc' non è un numero", "manca un valore obbligatorio"]
    ko = [e.reason for e in errors(tmp_path, "costs", text, ParseContext(lang="ko"))]
    assert ko == ["'abc'은(는) 숫자가 아닙니다", "필수 값이 없습니다"]
    with pytest.raises(ImportFailed, match="il file è vuoto"):
        parse(tmp_path, "costs", "", ParseContext(lang="it_IT"))


def test_header_only_and_unknown_columns_are_warnings(tmp_path: Path) -> None:
    parsed = parse(tmp_path, "influencers", "ID,Name,Instagram followers\n")
    assert parsed.rows_read == 0 and len(parsed.tables["influencers"]) == 0
    assert parsed.warnings == ["ignored column(s): Instagram followers",
                               "the file has no data rows"]


def test_progress_is_reported(tmp_path: Path) -> None:
    rows = "".join(f"i{n},Name {n}\n" for n in range(12_000))
    calls: list[tuple[int, int | None]] = []
    parse(tmp_path, "influencers", "id,name\n" + rows,
          ParseContext(progress=lambda done, total: calls.append((done, total))))
    assert calls == [(5000, 12000), (10000, 12000), (12000, 12000)]


cost_rows = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**9), st.sampled_from(["EUR", "KRW", "USD"]),
              st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))),
    min_size=1, max_size=15)
BAD_CELLS = {"category": "lunch", "amount": "12,3,4", "currency": "EURO",
             "incurred_on": "31/02/2024", "id": ""}


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(rows=cost_rows, data=st.data())
def test_a_bad_cell_anywhere_is_named_exactly(tmp_path: Path, rows: list[tuple[int, str, date]],
                                             data: st.DataObject) -> None:
    header = ["id", "category", "amount", "currency", "incurred_on"]
    lines = [[f"c{i}", "fee", str(Decimal(n).scaleb(-2)), cur, day.isoformat()]
             for i, (n, cur, day) in enumerate(rows)]
    target = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    column = data.draw(st.sampled_from(sorted(BAD_CELLS)))
    lines[target][header.index(column)] = BAD_CELLS[column]
    out = io.StringIO()
    csv.writer(out).writerows([header, *lines])
    [error] = errors(tmp_path, "costs", out.getvalue())
    assert (error.row, error.column) == (target + 2, column)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(amounts=st.lists(st.tuples(*[st.integers(min_value=0, max_value=10**7)] * 3),
                        min_size=1, max_size=10))
def test_net_revenue_never_exceeds_gross(tmp_path: Path,
                                         amounts: list[tuple[int, int, int]]) -> None:
    lines = [f"o{i},2024-03-21T10:00:00Z,EUR,{g / 100:.2f},{d / 100:.2f},{r / 100:.2f}"
             for i, (g, d, r) in enumerate(amounts)]
    text = "id,created_at,currency,gross,discount,refunded\n" + "\n".join(lines) + "\n"
    frame = parse(tmp_path, "orders", text).tables["orders"]
    assert (frame["net_minor"] <= frame["gross_minor"]).all()
    assert (frame["net_minor"] >= 0).all()
    for (g, d, r), net in zip(amounts, frame["net_minor"], strict=True):
        assert net == max(0, g - d - r)


def test_reparsing_gives_identical_frames(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    write_template("orders", path, "xlsx")
    first = parse_file(path, "orders", ParseContext(salt="s"))
    again = parse_file(path, "orders", ParseContext(salt="s"))
    for table in first.tables:
        pd.testing.assert_frame_equal(first.tables[table], again.tables[table])


def test_naive_times_use_the_workspace_zone(tmp_path: Path) -> None:
    text = "post_id,captured_at,likes\np1,27/03/2024 09:00,\"2.100\"\n"
    frame = parse(tmp_path, "post_metrics", text,
                  ParseContext(timezone="Asia/Seoul", locale="it")).tables["post_metrics"]
    assert frame.loc[0, "captured_at"] == datetime(2024, 3, 27, 0, 0, tzinfo=UTC)
    assert frame.loc[0, "likes"] == 2100 and frame.loc[0, "reach"] is pd.NA
