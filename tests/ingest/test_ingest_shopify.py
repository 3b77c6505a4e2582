"""Shopify's orders export read as Shopify writes it (fixture: tests/data/shopify_orders_*.csv).

Expected amounts are worked out by hand from the fixture: gross = Subtotal + Discount Amount
(Shopify's subtotal is after discounts), net = max(0, gross - discount - refunded).
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from creatorroi.errors import ImportFailed
from creatorroi.ingest import ParseContext, ParsedImport, parse_file

KIND = "shopify-orders"
MONEY = ("Subtotal", "Shipping", "Taxes", "Total", "Discount Amount", "Refunded Amount",
         "Lineitem price", "Outstanding Balance", "Lineitem discount", "Tax 1 Value")

# (order_number, gross, discount, refunded, net, status, cancelled, subscription)
EXPECTED = [
    ("1001", 5900, 1180, 0, 4720, "paid", False, False),          # 47.20 + 11.80 off
    ("1002", 8900, 0, 0, 8900, "paid", False, False),             # 29 + 35 + 25, three rows
    ("1003", 3500, 0, 3990, 0, "refunded", False, False),         # refund incl. shipping
    ("1004", 7700, 770, 2500, 4430, "partially_refunded", False, False),  # 69.30 + 7.70
    ("1005", 2900, 0, 0, 2900, "voided", True, False),
    ("1006", 5900, 1180, 0, 4720, "paid", False, False),
    ("1007", 5900, 0, 0, 5900, "pending", False, False),
    ("1008", 2500, 0, 0, 2500, "paid", False, True),
    ("1009", 6400, 640, 0, 5760, "paid", False, False),           # 57.60 + 6.40
    ("1010", 3500, 700, 0, 2800, "paid", False, False),           # 28.00 + 7.00
    ("1011", 11800, 0, 0, 11800, "paid", False, False),
    ("1012", 123450, 0, 0, 123450, "authorized", False, False),
]


def read(path: Path, ctx: ParseContext | None = None) -> ParsedImport:
    return parse_file(path, KIND, ctx or ParseContext(timezone="Europe/Rome", salt="pepper"))


def salted(email: str) -> str:
    return hashlib.sha256(f"pepper{email}".encode()).hexdigest()


def test_one_order_per_name_with_hand_computed_amounts(data: Path) -> None:
    parsed = read(data / "shopify_orders_export.csv")
    assert parsed.rows_read == 16 and parsed.warnings == []
    orders = parsed.tables["orders"]
    got = list(zip(orders["order_number"], orders["gross_minor"], orders["discount_minor"],
                   orders["refunded_minor"], orders["net_minor"], orders["status"],
                   orders["cancelled"], orders["is_subscription"], strict=True))
    assert got == EXPECTED
    assert orders["id"].tolist() == [f"56012345670{n:02d}" for n in range(1, 13)]
    assert set(orders["source"]) == {"shopify"} and set(orders["currency"]) == {"EUR"}
    assert orders["is_new_customer"].isna().all()


def test_times_keep_the_offset_shopify_wrote(data: Path) -> None:
    orders = read(data / "shopify_orders_export.csv").tables["orders"].set_index("order_number")
    assert orders.loc["1001", "created_at"] == pd.Timestamp("2024-03-21 09:15:03", tz="UTC")
    assert orders.loc["1001", "source_tz"] == "+01:00"
    assert orders.loc["1011", "created_at"] == pd.Timestamp("2024-04-02 07:05:44", tz="UTC")
    assert orders.loc["1011", "source_tz"] == "+02:00"


def test_codes_customers_and_note_attributes(data: Path) -> None:
    parsed = read(data / "shopify_orders_export.csv")
    codes = parsed.tables["order_codes"]
    assert list(zip(codes["order_id"].str[-2:], codes["code"], strict=True)) == [
        ("01", "EASTER24_GIULIA"), ("04", "SPRING10"), ("06", "EASTER24_GIULIA"),
        ("06", "FREESHIP"), ("09", "MINJI_KR"), ("10", "EASTER24_SARA")]
    orders = parsed.tables["orders"].set_index("order_number")
    assert orders.loc["1001", "customer_hash"] == salted("anna.bianchi@example.com")
    assert orders.loc["1011", "customer_hash"] == orders.loc["1001", "customer_hash"]
    assert orders.loc["1012", "customer_hash"] is None
    assert (orders.loc["1001", "landing_page"], orders.loc["1001", "click_id"],
            orders.loc["1001", "referrer"]) == ("/pages/giulia", "ck_8f2a",
                                                "https://l.instagram.com/")
    assert (orders.loc["1010", "visitor_id"], orders.loc["1010", "affiliate_id"]) == (
        "GA1.1.1234567890.1711000000", "aff-77")
    assert "Email" not in parsed.tables["orders"].columns


def test_bad_export_names_every_bad_cell(data: Path) -> None:
    with pytest.raises(ImportFailed) as err:
        read(data / "shopify_orders_bad.csv")
    found = [(e.row, e.column, e.reason) for e in err.value.errors]
    assert found == [
        (2, "Subtotal", "'12,3,4' is not a number"),
        (3, "Currency", "'EURO' is not a currency code"),
        (4, "Created at", "required value is missing"),
        (7, "Name", "duplicate key, first seen on row 5"),
        (8, "Created at", "'21st of March' is not a date and time"),
        (8, "Discount Amount", "'-1.00' must not be negative"),
    ]
    assert err.value.total == 6


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_row_numbers_count_records_not_text_lines(data: Path, tmp_path: Path) -> None:
    rows = _rows(data / "shopify_orders_export.csv")
    header = rows[0]
    head_1009 = next(i for i, r in enumerate(rows) if r[0] == "#1009" and r[8])
    rows[head_1009][header.index("Subtotal")] = "n/a"
    path = tmp_path / "orders.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(ImportFailed) as err:
        read(path)
    [error] = err.value.errors
    assert (error.row, error.column) == (13, "Subtotal")  # #1007's notes span 3 text lines


def test_an_export_resaved_by_italian_excel(data: Path, tmp_path: Path) -> None:
    rows = _rows(data / "shopify_orders_export.csv")
    header = rows[0]
    money = [header.index(c) for c in MONEY]
    for row in rows[1:]:
        for i in money:
            row[i] = row[i].replace(".", ",")
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    path = tmp_path / "ordini.csv"
    path.write_bytes(out.getvalue().encode("cp1252", errors="replace"))
    ctx = ParseContext(timezone="Europe/Rome", locale="it", salt="pepper")
    original = read(data / "shopify_orders_export.csv").tables["orders"]
    resaved = read(path, ctx).tables["orders"]
    cols = ["id", "gross_minor", "discount_minor", "refunded_minor", "net_minor", "created_at"]
    pd.testing.assert_frame_equal(resaved[cols], original[cols])


def test_an_export_saved_as_xlsx_with_typed_numbers(data: Path, tmp_path: Path) -> None:
    rows = _rows(data / "shopify_orders_export.csv")
    header = rows[0]
    money = {header.index(c) for c in MONEY}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "orders_export"
    sheet.append(header)
    for row in rows[1:]:
        sheet.append([float(v) if i in money and v else (v or None) for i, v in enumerate(row)])
    path = tmp_path / "orders_export.xlsx"
    book.save(path)
    original = read(data / "shopify_orders_export.csv")
    typed = read(path)
    for table in original.tables:
        pd.testing.assert_frame_equal(typed.tables[table], original.tables[table])


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("Name,Email,Created at,Total\n#1,a@b.c,2024-03-21 10:00:00 +0100,10\n")
    with pytest.raises(ImportFailed) as err:
        read(path)
    assert err.value.errors[0].reason == (
        "missing required column(s): Currency, Subtotal; "
        "the file has: Name, Email, Created at, Total")


def test_reparsing_is_identical(data: Path) -> None:
    first = read(data / "shopify_orders_export.csv")
    again = read(data / "shopify_orders_export.csv")
    for table in first.tables:
        pd.testing.assert_frame_equal(first.tables[table], again.tables[table])
