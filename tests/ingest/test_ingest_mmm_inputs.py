"""The marketing-mix model's inputs: other channels' spend, market events, brand-search volume.

Each sheet is imported into a real store on both backends and read back with plain SQL, against
values worked out by hand; bad cells are named by file, row and column and write nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import creatorroi
from creatorroi.errors import BadRowError, ImportFailed
from creatorroi.workspace import Workspace

SPEND = ("channel,date,market,amount,currency,impressions,clicks\n"
         "meta_ads,2024-03-20,IT,412.50,EUR,58000,910\n"
         'google_ads,2024-03-20,,"1,250.00",USD,,\n'
         "email,2024-03-21,,0,,,\n"
         "tv,2024-03-22,KR,\"₩500,000\",KRW,,\n")
EVENTS = ("id,kind,name,starts_on,ends_on,market,value\n"
          "bf24,promotion,Black Friday sale,2024-11-29,2024-12-02,,25\n"
          ",Stock-out,Serum out of stock,2024-05-10,,IT,\n"
          ",price_change,Serum price up,2024-06-01,2024-06-30,,-7.5%\n")
SEARCH = ("date,term,market,volume\n"
          "2024-03-20,,,1840\n"
          '2024-03-20,lumina skincare,IT,"1,200"\n'
          "2024-03-21,,,0\n")


@pytest.fixture
def ws(store_url: str) -> Iterator[Workspace]:
    app = creatorroi.connect(store_url)
    yield app.create_workspace("w", "Lumina", "EUR", "Europe/Rome", "en")
    app.close()


def write(tmp: Path, text: str, name: str = "sheet.csv") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in ws.store.fetch(sql, [ws.id])]


def failed(ws: Workspace, tmp: Path, kind: str, text: str,
           lang: str | None = None) -> list[BadRowError]:
    path = write(tmp, text, "bad.csv")
    with pytest.raises(ImportFailed) as err:
        ws.import_file(kind, path, lang=lang)
    assert all(e.file == str(path) for e in err.value.errors)
    return err.value.errors


def count(ws: Workspace, table: str) -> int:
    return int(ws.store.fetch(f"SELECT count(*) FROM {table} WHERE workspace_id = ?",
                              [ws.id])[0][0])


# ---- imports ------------------------------------------------------------------------------

def test_channel_spend_is_stored_in_minor_units(ws: Workspace, tmp_path: Path) -> None:
    report = ws.import_file("channel-spend", write(tmp_path, SPEND))
    assert (report.rows_read, report.new, report.changed) == (4, 4, 0)
    assert rows(ws, "SELECT channel, spent_on, market, amount_minor, currency, impressions, "
                    "clicks FROM channel_spend WHERE workspace_id = ? ORDER BY channel") == [
        ("email", date(2024, 3, 21), "", 0, "EUR", None, None),  # the workspace currency
        ("google_ads", date(2024, 3, 20), "", 125000, "USD", None, None),
        ("meta_ads", date(2024, 3, 20), "IT", 41250, "EUR", 58000, 910),
        ("tv", date(2024, 3, 22), "KR", 500000, "KRW", None, None),  # KRW has no minor unit
    ]


def test_events_derive_ids_end_dates_and_markets(ws: Workspace, tmp_path: Path) -> None:
    report = ws.import_file("events", write(tmp_path, EVENTS))
    assert (report.new, report.changed) == (3, 0)
    text = "stockout\x1fserum out of stock\x1f2024-05-10\x1fIT"
    stockout = "stockout-2024-05-10-" + hashlib.sha256(text.encode()).hexdigest()[:12]
    text = "price_change\x1fserum price up\x1f2024-06-01\x1f"
    price = "price_change-2024-06-01-" + hashlib.sha256(text.encode()).hexdigest()[:12]
    assert sorted(rows(ws, "SELECT id, kind, name, starts_on, ends_on, market, value "
                           "FROM market_events WHERE workspace_id = ?")) == sorted([
        ("bf24", "promotion", "Black Friday sale", date(2024, 11, 29), date(2024, 12, 2), "",
         25.0),
        (stockout, "stockout", "Serum out of stock", date(2024, 5, 10), date(2024, 5, 10),
         "IT", None),
        (price, "price_change", "Serum price up", date(2024, 6, 1), date(2024, 6, 30), "",
         -7.5),
    ])


def test_brand_search_defaults_term_and_market(ws: Workspace, tmp_path: Path) -> None:
    report = ws.import_file("brand-search", write(tmp_path, SEARCH))
    assert (report.new, report.changed) == (3, 0)
    assert rows(ws, "SELECT day, term, market, volume FROM search_volume "
                    "WHERE workspace_id = ? ORDER BY day, term") == [
        (date(2024, 3, 20), "brand", "", 1840),
        (date(2024, 3, 20), "lumina skincare", "IT", 1200),
        (date(2024, 3, 21), "brand", "", 0),
    ]


@pytest.mark.parametrize(("kind", "text", "table"), [
    ("channel-spend", SPEND, "channel_spend"), ("events", EVENTS, "market_events"),
    ("brand-search", SEARCH, "search_volume")])
def test_reimport_changes_nothing_and_an_edit_changes_one_row(
        ws: Workspace, tmp_path: Path, kind: str, text: str, table: str) -> None:
    path = write(tmp_path, text)
    first = ws.import_file(kind, path)
    again = ws.import_file(kind, path)
    assert (again.new, again.changed) == (0, 0)
    # A later export that edits one number updates that row in place.
    edited = text.replace("412.50", "413.00").replace(",25\n", ",30\n").replace(",1840", ",1841")
    report = ws.import_file(kind, write(tmp_path, edited, "edited.csv"))
    assert (report.new, report.changed) == (0, 1)
    assert count(ws, table) == first.new


# ---- errors -------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "text", "table", "expected"), [
    ("channel-spend", "channel,date,amount\nmeta_ads,2024-03-20,12.00\n"
                      "google_ads,2024-03-20,abc\n",
     "channel_spend", (3, "amount", "'abc' is not a number")),
    ("channel-spend", "channel,date,amount\nmeta_ads,2024-03-20,-12.00\n",
     "channel_spend", (2, "amount", "'-12.00' must not be negative")),
    ("channel-spend", "channel,date,amount\nmeta_ads,someday,12.00\n",
     "channel_spend", (2, "date", "'someday' is not a date")),
    ("events", "kind,name,starts_on,ends_on\npromotion,Sale,2024-05-01,2024-05-03\n"
               "promotion,Spring sale,2024-05-10,2024-05-01\n",
     "market_events", (3, "ends_on", "ends on 2024-05-01, before it starts on 2024-05-10")),
    ("events", "kind,name,starts_on\nflash sale,Sale,2024-05-01\n",
     "market_events",
     (2, "kind", "'flash sale' is not one of: promotion, price_change, stockout, event")),
    ("brand-search", "date,volume\n2024-03-20,100\n2024-03-21,-5\n",
     "search_volume", (3, "volume", "'-5' must not be negative")),
])
def test_a_bad_cell_is_named_and_nothing_is_written(
        ws: Workspace, tmp_path: Path, kind: str, text: str, table: str,
        expected: tuple[int, str, str]) -> None:
    [error] = failed(ws, tmp_path, kind, text)
    assert (error.row, error.column, error.reason) == expected
    assert count(ws, table) == 0


def test_the_same_event_twice_is_a_duplicate_key(ws: Workspace, tmp_path: Path) -> None:
    text = "kind,name,starts_on\npromotion,Sale,2024-05-01\npromotion, sale ,2024-05-01\n"
    [error] = failed(ws, tmp_path, "events", text)
    assert (error.row, error.column, error.reason) == (
        3, "id", "duplicate key, first seen on row 2")


def test_errors_follow_the_language(ws: Workspace, tmp_path: Path) -> None:
    text = ("kind,name,starts_on,ends_on\nsaldi,Sale,2024-05-01,\n"
            "promotion,Spring sale,2024-05-10,2024-05-01\n")
    found = [(e.row, e.column, e.reason) for e in failed(ws, tmp_path, "events", text, "it")]
    assert found == [
        (2, "kind", "'saldi' non è tra i valori ammessi: promotion, price_change, stockout, "
                    "event"),
        (3, "ends_on", "la fine (2024-05-01) è prima dell'inizio (2024-05-10)"),
    ]


# ---- property -----------------------------------------------------------------------------

EXPONENT = {"EUR": 2, "USD": 2, "KRW": 0, "JPY": 0, "BHD": 3}
spend_rows = st.tuples(
    st.sampled_from(["meta_ads", "google_ads", "email", "TV spot", "Pinterest"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["", "IT", "KR", "TW", "IR"]),
    st.integers(min_value=0, max_value=10**13),
    st.sampled_from(sorted(EXPONENT)),
    st.none() | st.integers(min_value=0, max_value=10**12),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=spend_rows)
def test_any_valid_spend_row_round_trips_exactly(
        tmp_path: Path, row: tuple[str, date, str, int, str, int | None]) -> None:
    channel, day, market, minor, currency, impressions = row
    major = Decimal(minor).scaleb(-EXPONENT[currency])
    out = io.StringIO()
    csv.writer(out).writerows([
        ["channel", "date", "market", "amount", "currency", "impressions"],
        [channel, day.isoformat(), market, f"{major:f}", currency,
         "" if impressions is None else str(impressions)]])
    app = creatorroi.connect(str(tmp_path / "prop.duckdb"))
    try:
        ws = app.workspace("p") if not app.workspaces().empty else \
            app.create_workspace("p", "Property", "EUR", "UTC", "en")
        ws.import_file("channel-spend", write(tmp_path, out.getvalue()))
        [(amount, cur, imps)] = ws.store.fetch(
            "SELECT amount_minor, currency, impressions FROM channel_spend WHERE "
            "workspace_id = ? AND channel = ? AND spent_on = ? AND market = ?",
            [ws.id, channel, day, market])
    finally:
        app.close()
    assert (amount, cur, imps) == (minor, currency, impressions)
    assert Decimal(amount).scaleb(-EXPONENT[currency]) == major


# ---- the demo brand -----------------------------------------------------------------------

def test_the_demo_brands_mix_inputs_import_and_reimport_cleanly(tmp_path: Path) -> None:
    from creatorroi.demo_data import BRAND, generate

    files = generate(tmp_path / "demo", scale=0.02)
    assert [kind for kind, _ in files.mix_files] == ["channel-spend", "events", "brand-search"]
    app = creatorroi.connect(str(tmp_path / "demo.duckdb"))
    ws = app.create_workspace("demo", "Demo", BRAND["currency"], BRAND["timezone"],
                              BRAND["locale"])
    for kind, path in files.mix_files:
        report = ws.import_file(kind, path)
        assert report.new == report.rows_read == files.truth["files"][path.name] > 0, kind
        assert report.warnings == [], kind
        again = ws.import_file(kind, path)
        assert (again.new, again.changed) == (0, 0), kind
    channels = rows(ws, "SELECT DISTINCT channel, currency FROM channel_spend "
                        "WHERE workspace_id = ? ORDER BY channel")
    assert channels == [("email", "EUR"), ("google_ads", "EUR"), ("meta_ads", "EUR")]
    kinds = {k for (k,) in rows(ws, "SELECT kind FROM market_events WHERE workspace_id = ?")}
    assert kinds == {"promotion", "stockout", "price_change"}
    app.close()
