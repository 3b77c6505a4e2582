"""Cell values as people type them: numbers, dates, booleans, lists in five locales."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import jdatetime
import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorroi.ingest.values import (
    Invalid,
    email_hash,
    guess_dayfirst,
    landing,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_list,
    parse_percent,
    visitor_key,
)
from creatorroi.model.money import exponent

LOCALES = ("en", "it", "ko", "zh_Hant", "fa")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("1234.56", "en", "1234.56"),
    ("1,234.56", "en", "1234.56"),
    ("1.234,56", "it", "1234.56"),
    ("1.234,56", "en", "1234.56"),  # two separators: the last one is the decimal
    ("1 234,56", "it", "1234.56"),
    ("1\u00a0234,56", "it", "1234.56"),
    ("1\u202f234,56", "fa", "1234.56"),
    ("1234,56", "en", "1234.56"),
    ("€ 12,50", "it", "12.50"),
    ("₩12,000", "ko", "12000"),
    ("12.50 USD", "en", "12.50"),
    ("US$1,234.50", "zh_Hant", "1234.50"),
    ("-12", "en", "-12"),
    ("(12)", "en", "-12"),
    ("(€ 1.234,00)", "it", "-1234.00"),
    ("12-", "en", "-12"),
    ("۱٬۲۳۴٫۵", "fa", "1234.5"),
    ("٠٫٥", "fa", "0.5"),
    ("١٢٣", "fa", "123"),
    ("１２３４．５", "ko", "1234.5"),
    ("1,234,567", "en", "1234567"),
    ("1.234.567", "it", "1234567"),
    ("0,125", "en", "0.125"),  # a leading 0 is never a thousands group
    (".5", "en", "0.5"),
    ("1.5E+03", "en", "1.5E+3"),
    ("\u200b42\u200b", "en", "42"),
])
def test_numbers_people_write(text: str, locale: str, expected: str) -> None:
    assert parse_decimal(text, locale) == Decimal(expected)


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("1,234", "en", "1234"), ("1,234", "ko", "1234"), ("1,234", "zh_Hant", "1234"),
    ("1,234", "it", "1.234"),
    ("1.234", "en", "1.234"), ("1.234", "it", "1234"),
])
def test_a_lone_separator_before_three_digits_follows_the_locale(
        text: str, locale: str, expected: str) -> None:
    assert parse_decimal(text, locale) == Decimal(expected)


def test_counts_read_a_lone_separator_as_thousands() -> None:
    assert parse_int("48,200", "it") == 48200
    assert parse_int("48.200", "en") == 48200
    with pytest.raises(Invalid, match="whole number"):
        parse_int("12.5", "en")


@pytest.mark.parametrize("text", ["abc", "12abc", "1,2,3", "--12", "(12", "12 EUR USD", "€", "",
                                  "1.234.5", "12.", "- (12)"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(Invalid, match="is not a number"):
        parse_decimal(text, "en")


def test_typed_spreadsheet_numbers_are_exact() -> None:
    assert parse_decimal(0.1) == Decimal("0.1")
    assert parse_decimal(12) == Decimal(12)
    assert parse_decimal(Decimal("1.50")) == Decimal("1.50")
    with pytest.raises(Invalid):
        parse_decimal(True)


def test_percent() -> None:
    assert parse_percent("12,5%", "it") == Decimal("12.5")
    assert parse_percent("12.5", "en") == Decimal("12.5")
    assert parse_percent("٪۱۰", "fa") == Decimal(10)
    with pytest.raises(Invalid, match="percentage"):
        parse_percent("ten", "en")


amounts = st.builds(
    lambda n, k: Decimal(n).scaleb(-k),
    st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=0, max_value=3))


@settings(max_examples=150, deadline=None)
@given(value=amounts, locale=st.sampled_from(LOCALES))
def test_babel_formatted_numbers_parse_back(value: Decimal, locale: str) -> None:
    assert parse_decimal(format_decimal(value, locale=locale), locale) == value


@settings(max_examples=100, deadline=None)
@given(value=amounts, digits=st.sampled_from([PERSIAN, ARABIC]))
def test_persian_numbers_parse_back(value: Decimal, digits: dict[int, str]) -> None:
    native = format_decimal(value, locale="fa", numbering_system="default")  # ٬ and ٫
    assert parse_decimal(native.translate(digits), "fa") == value
    latin = format_decimal(value, locale="fa")
    assert parse_decimal(latin.translate(digits), "fa") == value


@settings(max_examples=150, deadline=None)
@given(n=st.integers(min_value=-10**11, max_value=10**11), locale=st.sampled_from(LOCALES),
       currency=st.sampled_from(["EUR", "USD", "KRW", "TWD", "IRR", "GBP", "JPY"]))
def test_babel_formatted_money_parses_back(n: int, locale: str, currency: str) -> None:
    value = Decimal(n).scaleb(-exponent(currency))
    text = format_currency(value, currency, locale=locale)
    assert parse_decimal(text, locale) == value


@pytest.mark.parametrize(("text", "expected"), [
    ("true", True), ("YES", True), ("y", True), ("1", True), ("Sì", True), ("si", True),
    ("vero", True), ("예", True), ("是", True), ("بله", True),
    ("false", False), ("No", False), ("n", False), ("0", False), ("falso", False),
    ("아니오", False), ("否", False), ("خیر", False),
])
def test_booleans(text: str, expected: bool) -> None:
    assert parse_bool(text) is expected


def test_not_a_boolean() -> None:
    with pytest.raises(Invalid, match="yes or no"):
        parse_bool("maybe")
    assert parse_bool(True) is True
    assert parse_bool(0) is False


DAY = date(2024, 3, 21)


@pytest.mark.parametrize(("text", "locale"), [
    ("2024-03-21", "en"), ("20240321", "en"), ("21/03/2024", "it"), ("21/03/2024", "en"),
    ("03/21/2024", "en"), ("03/21/2024", "it"), ("21.03.2024", "en"), ("2024. 3. 21.", "ko"),
    ("2024/3/21", "zh_Hant"), ("2024年3月21日", "zh_Hant"), ("2024년 3월 21일", "ko"),
    ("۱۴۰۳/۰۱/۰۲", "fa"), ("1403/1/2", "fa"), ("۲ فروردین ۱۴۰۳", "fa"), ("21 مارس 2024", "fa"),
    ("Mar 21, 2024", "en"), ("21 marzo 2024", "it"), ("2024-03-21T10:15:00Z", "en"),
])
def test_dates_people_write(text: str, locale: str) -> None:
    assert parse_date(text, locale) == DAY


def test_ambiguous_day_month_follows_locale_then_column() -> None:
    assert parse_date("03/04/2024", "en") == date(2024, 3, 4)
    assert parse_date("03/04/2024", "it") == date(2024, 4, 3)
    column = ["03/04/2024", "13/04/2024"]
    hint = guess_dayfirst(column)
    assert hint is True
    assert parse_date(column[0], "en", hint) == date(2024, 4, 3)
    assert guess_dayfirst(["04/13/2024"]) is False
    assert guess_dayfirst(["2024-01-01", None]) is None


def test_excel_serials_and_typed_dates() -> None:
    assert parse_date(45372) == DAY
    assert parse_date(45372.5) == DAY
    assert parse_date(20240321) == DAY
    assert parse_date(datetime(2024, 3, 21, 9)) == DAY
    when, zone = parse_datetime(45372.5, "Europe/Rome")
    assert when == datetime(2024, 3, 21, 11, tzinfo=UTC) and zone == "Europe/Rome"


@pytest.mark.parametrize("text", ["2024-13-01", "31/02/2024", "yesterday", "2024", "12:00",
                                  "0001-01-01", "2024-03-21 25:00"])
def test_not_dates(text: str) -> None:
    with pytest.raises(Invalid):
        parse_datetime(text, "UTC")


@pytest.mark.parametrize(("text", "locale", "utc", "zone"), [
    ("2024-03-21 10:15:03 +0100", "en", datetime(2024, 3, 21, 9, 15, 3), "+01:00"),
    ("2024-03-21T10:15:03+05:30", "en", datetime(2024, 3, 21, 4, 45, 3), "+05:30"),
    ("2024-03-21T10:15:03Z", "en", datetime(2024, 3, 21, 10, 15, 3), "+00:00"),
    ("2024-03-21 10:15", "en", datetime(2024, 3, 21, 9, 15), "Europe/Rome"),
    ("2024-04-02 10:15", "en", datetime(2024, 4, 2, 8, 15), "Europe/Rome"),  # summer time
    ("2024. 3. 21. 오후 2:05:00", "ko", datetime(2024, 3, 21, 13, 5), "Europe/Rome"),
    ("2024/3/21 下午 02:05:00", "zh_Hant", datetime(2024, 3, 21, 13, 5), "Europe/Rome"),
    ("3/21/2024 2:05 PM", "en", datetime(2024, 3, 21, 13, 5), "Europe/Rome"),
    ("21/03/2024 14:05 UTC", "it", datetime(2024, 3, 21, 14, 5), "+00:00"),
    ("2024-03-21", "en", datetime(2024, 3, 20, 23), "Europe/Rome"),
])
def test_datetimes_to_utc_with_their_zone(text: str, locale: str, utc: datetime,
                                          zone: str) -> None:
    assert parse_datetime(text, "Europe/Rome", locale) == (utc.replace(tzinfo=UTC), zone)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2068, 12, 31))


@settings(max_examples=200, deadline=None)
@given(day=days, locale=st.sampled_from(LOCALES),
       width=st.sampled_from(["short", "medium", "long"]))
def test_babel_formatted_dates_parse_back(day: date, locale: str, width: str) -> None:
    assert parse_date(format_date(day, width, locale=locale), locale) == day


@settings(max_examples=100, deadline=None)
@given(day=days, pattern=st.sampled_from(["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y",
                                          "%Y/%m/%d", "%Y年%m月%d日", "%Y. %m. %d."]))
def test_numeric_date_patterns_parse_back(day: date, pattern: str) -> None:
    assert parse_date(day.strftime(pattern), "it") == day


@settings(max_examples=100, deadline=None)
@given(day=days)
def test_jalali_dates_in_persian_digits_parse_back(day: date) -> None:
    text = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d").translate(PERSIAN)
    assert parse_date(text, "fa") == day


@settings(max_examples=200, deadline=None)
@given(day=days, clock=st.times(), locale=st.sampled_from(LOCALES),
       width=st.sampled_from(["short", "medium"]))
def test_babel_formatted_datetimes_parse_back(day: date, clock: time, locale: str,
                                              width: str) -> None:
    local = datetime.combine(day, clock.replace(microsecond=0))
    if width == "short":
        local = local.replace(second=0)
    text = format_datetime(local, width, tzinfo=UTC, locale=locale)
    when, zone = parse_datetime(text, "UTC", locale)
    assert when == local.replace(tzinfo=UTC) and zone == "UTC"


def test_lists() -> None:
    assert parse_list("Giulia R.|줄리아| |Giulia R.") == ["Giulia R.", "줄리아"]
    assert parse_list("adv, glowup，ad") == ["adv", "glowup", "ad"]
    assert parse_list(None) == []


def test_emails_are_hashed_with_the_salt_and_never_kept() -> None:
    digest = email_hash(" Anna@Example.com ", "pepper")
    assert digest == email_hash("anna@example.com", "pepper")
    assert digest != email_hash("anna@example.com", "salt")
    assert digest is not None and "anna" not in digest and len(digest) == 64
    assert email_hash("", "pepper") is None


def test_raw_ip_addresses_are_hashed_but_opaque_ids_kept() -> None:
    assert visitor_key("GA1.1.123.456", "s") == "GA1.1.123.456"
    hashed = visitor_key("203.0.113.7", "s")
    assert hashed is not None and "203" not in hashed


def test_landing_pages_give_a_path_key_and_the_click_id() -> None:
    assert landing("https://shop.it/Pages/Giulia/?utm_source=ig&cr_click=ck9") == (
        "/pages/giulia", "ck9")
    assert landing("/") == ("/", None)
    assert landing(None) == (None, None)
