"""Promo codes: pattern rules, collisions and shop import sheets, checked against codes and
CSV rows written out by hand."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creatorroi.model import keys
from creatorroi.track.codes import CodeRow, assign_unique, export_codes, make_code


def test_default_pattern_gives_campaign_year_and_handle() -> None:
    assert make_code(campaign="Easter", year=2023, handle="@giulia.skin") == "EASTER23_GIULIASKIN"


@pytest.mark.parametrize(("name", "expected"), [
    ("김지수", "GIMJISU"), ("王小明 ", "WANGXIAOMING"), ("Giulía Rossi", "GIULIA"),
    ("Ørsted Ĳssel", "ORSTED"), ("سارا رضایی", "SR")])
def test_names_are_transliterated_to_upper_case_ascii(name: str, expected: str) -> None:
    assert make_code("{NAME}", campaign="x", handle="x", name=name) == expected


def test_all_placeholders_and_literal_text() -> None:
    code = make_code("{platform}-{YYYY}_{CAMPAIGN}", campaign="Black Friday", handle="x",
                     year=2024, platform="TikTok")
    assert code == "TIKTOK-2024_BLACKFRIDAY"


def test_avoid_ambiguous_drops_confusable_digits_from_words_only() -> None:
    # giulia_01 loses 0 and 1; the year keeps its digits; letters O, I, L stay.
    assert make_code(campaign="Spring", year=2025, handle="@giulia_01",
                     avoid_ambiguous=True) == "SPRING25_GIULIA"
    assert make_code("{HANDLE}", campaign="x", handle="lo5i7", avoid_ambiguous=True) == "LOI7"


def test_code_is_cut_to_max_length_without_trailing_separator() -> None:
    handle = "averyveryverylonghandle"
    assert make_code(campaign="Summer", year=2024, handle=handle, max_length=12) == "SUMMER24_AVE"
    assert make_code(campaign="Summer", year=2024, handle=handle, max_length=9) == "SUMMER24"


@pytest.mark.parametrize(("pattern", "kwargs", "message"), [
    ("{CAMPAIGN}_{FIRSTNAME}", {}, "unknown placeholder"),
    ("{NAME}", {"name": "!!! ???"}, "no letters or digits"),
    ("{NAME}", {}, "no name"),
    ("{CAMPAIGN}{YY}", {}, "no year"),
    ("{CAMPAIGN} {HANDLE}", {}, "outside placeholders"),
    ("{CAMPAIGN", {}, "outside placeholders"),
    ("__", {}, "empty code"),
])
def test_bad_patterns_and_values_are_refused(pattern: str, kwargs: dict[str, str],
                                             message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_code(pattern, campaign="Easter", handle="@giulia", **kwargs)  # type: ignore[arg-type]


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=20),
       st.booleans())
def test_codes_are_already_in_match_key_form(handle: str, campaign: str, ambiguous: bool) -> None:
    try:
        code = make_code(campaign=campaign, handle=handle, year=2024, avoid_ambiguous=ambiguous)
    except ValueError:
        return
    assert keys.promo_code(code) == code
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") and len(code) <= 32


def test_collisions_first_come_first_served_in_match_key_form() -> None:
    wanted = ["GIULIA", "GIULIA", "MARCO", "GIULIA2"]
    expected = ["GIULIA2", "GIULIA3", "MARCO", "GIULIA22"]
    assert assign_unique(wanted, ["giulia"]) == expected
    assert assign_unique(wanted, ["giulia"]) == expected  # deterministic
    assert assign_unique(["GIULIA"], ["giulía "]) == ["GIULIA2"]  # accents/case/space ignored


def test_collision_suffixes_skip_ambiguous_digits() -> None:
    assert assign_unique(["GIULIA"] * 3, ["GIULIA"], avoid_ambiguous=True) == [
        "GIULIA3", "GIULIA4", "GIULIA6"]


def test_collision_suffix_fits_max_length() -> None:
    assert assign_unique(["ABCDEFGH"] * 2, ["abcdefgh"], max_length=8) == ["ABCDEFG2", "ABCDEFG3"]


ROWS = [
    CodeRow("EASTER23_GIULIA", "Giulia Rossi", "Easter", "percentage", Decimal("20"),
            starts_on=date(2024, 3, 1), ends_on=date(2024, 3, 31), usage_limit=100,
            once_per_customer=True),
    CodeRow("TENOFF_MARCO", "Marco", "Easter", "fixed_amount", Decimal("15.00"), "eur"),
    CodeRow("SHIP_ANNA", "Anna", "Easter", "free_shipping"),
]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_shopify_sheet_for_matrixify() -> None:
    rows = _rows(export_codes(ROWS, "shopify"))
    assert rows[0] == ["Title", "Command", "Code", "Type", "Value Type", "Value", "Starts At",
                       "Ends At", "Limit Total Times", "Limit One Use Per Customer"]
    assert rows[1] == ["Easter - Giulia Rossi (EASTER23_GIULIA)", "MERGE", "EASTER23_GIULIA",
                       "Amount off Order", "Percentage", "20", "2024-03-01T00:00:00",
                       "2024-03-31T23:59:59", "100", "TRUE"]
    assert rows[2][3:6] == ["Amount off Order", "Fixed Amount", "15.00"]
    assert rows[3][3:6] == ["Free Shipping", "", ""]


def test_woocommerce_sheet_expires_the_day_after_the_last_day() -> None:
    rows = _rows(export_codes(ROWS, "woocommerce"))
    assert rows[0] == ["post_title", "post_excerpt", "post_status", "discount_type",
                       "coupon_amount", "free_shipping", "date_expires", "usage_limit",
                       "usage_limit_per_user"]
    assert rows[1] == ["EASTER23_GIULIA", "Giulia Rossi - Easter - from 2024-03-01", "publish",
                       "percent", "20", "no", "2024-04-01", "100", "1"]
    assert rows[2][3:5] == ["fixed_cart", "15.00"]
    assert rows[3][3:6] == ["fixed_cart", "0", "yes"]


def test_generic_sheet_keeps_every_field() -> None:
    rows = _rows(export_codes(ROWS, " CSV "))
    assert rows[1] == ["EASTER23_GIULIA", "Giulia Rossi", "Easter", "percentage", "20", "",
                       "2024-03-01", "2024-03-31", "100", "true"]
    assert rows[2] == ["TENOFF_MARCO", "Marco", "Easter", "fixed_amount", "15.00", "EUR",
                       "", "", "", "false"]


def test_values_are_plain_numbers() -> None:
    row = CodeRow("X1", "A", "B", "percentage", Decimal("2E+1"))
    assert _rows(export_codes([row], "csv"))[1][4] == "20"


@pytest.mark.parametrize("evil", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)"])
def test_text_cells_are_guarded_against_formulas(evil: str) -> None:
    row = CodeRow("CODE", evil, "Spring", "free_shipping")
    assert _rows(export_codes([row], "csv"))[1][1] == "'" + evil
    assert _rows(export_codes([row], "woocommerce"))[1][1] == "'" + evil + " - Spring"


def test_unknown_shop_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="shopify, woocommerce, csv"):
        export_codes(ROWS, "magento")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"discount_type": "percentage", "value": Decimal("120")}, "exceed 100"),
    ({"discount_type": "percentage"}, "positive value"),
    ({"discount_type": "free_shipping", "value": Decimal("5")}, "no value"),
    ({"discount_type": "bogo"}, "not one of"),
    ({"discount_type": "free_shipping", "starts_on": date(2024, 5, 2),
      "ends_on": date(2024, 5, 1)}, "before it starts"),
    ({"discount_type": "free_shipping", "code": "=1+1"}, "formula"),
    ({"discount_type": "fixed_amount", "value": Decimal(5), "currency": "EURO"}, "currency"),
])
def test_code_rows_are_checked(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"code": "CODE", "influencer": "A", "campaign": "B", **kwargs}
    with pytest.raises(ValueError, match=message):
        CodeRow(**fields)  # type: ignore[arg-type]
