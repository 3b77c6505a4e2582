"""Value types: exact money, tiers, match keys, FX lookup. Property tests where an invariant
exists, hand-computed cases where a rule does."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creatorroi.metrics.fx import RateTable
from creatorroi.model import keys
from creatorroi.model.enums import Platform
from creatorroi.model.money import Money, exponent, from_minor, to_minor
from creatorroi.model.tiers import Tier, tier_for, validate_thresholds

CURRENCIES = st.sampled_from(["EUR", "USD", "KRW", "TWD", "IRR", "JPY", "KWD"])


def test_currency_exponents_follow_iso() -> None:
    assert (exponent("EUR"), exponent("KRW"), exponent("KWD")) == (2, 0, 3)


@given(st.integers(-10**15, 10**15), CURRENCIES)
def test_minor_units_round_trip(minor: int, currency: str) -> None:
    assert to_minor(from_minor(minor, currency), currency) == minor


def test_rounding_is_half_even_once() -> None:
    assert to_minor("0.125", "EUR") == 12 and to_minor("0.135", "EUR") == 14
    assert to_minor("1500.5", "KRW") == 1500                 # KRW has no minor unit


@given(st.lists(st.decimals(min_value=-10**9, max_value=10**9, places=2), max_size=30))
def test_money_sums_exactly(amounts: list[Decimal]) -> None:
    total = sum((Money.of(a, "EUR") for a in amounts), Money(0, "EUR"))
    assert total.amount == sum(amounts, Decimal(0))


def test_mixing_currencies_is_an_error() -> None:
    with pytest.raises(ValueError, match="FX"):
        Money.of("1", "EUR") + Money.of("1", "USD")
    with pytest.raises(ValueError):
        Money.of("1", "EURO")


@pytest.mark.parametrize(("followers", "tier"), [
    (0, Tier.NANO), (9_999, Tier.NANO), (10_000, Tier.MICRO), (99_999, Tier.MICRO),
    (100_000, Tier.MACRO), (999_999, Tier.MACRO), (1_000_000, Tier.MEGA)])
def test_default_tier_thresholds(followers: int, tier: Tier) -> None:
    assert tier_for(followers) == tier


def test_tier_thresholds_are_configurable_and_checked() -> None:
    custom = validate_thresholds({"micro": 5_000})
    assert tier_for(6_000, custom) == Tier.MICRO and tier_for(None) is None
    with pytest.raises(ValueError):
        validate_thresholds({"micro": 200_000})


@given(st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), max_size=20))
def test_promo_code_key_is_idempotent(code: str) -> None:
    once = keys.promo_code(code)
    assert keys.promo_code(once) == once


def test_keys_ignore_what_buyers_and_tools_vary() -> None:
    assert keys.promo_code(" easter24_giulía ") == keys.promo_code("EASTER24_GIULIA")
    assert keys.path("https://shop.it/Pages/Giulia/?utm_source=ig#x") == "/pages/giulia"
    assert keys.handle("https://www.instagram.com/Giulia.Skin/") == "giulia.skin"
    assert keys.utm("  IG ") == "ig" and keys.utm("  ") is None
    assert Platform.parse("IG") is Platform.INSTAGRAM and Platform.parse("Twitter") is Platform.X


def test_fx_uses_latest_rate_on_or_before_the_day_and_inverts() -> None:
    rates = RateTable.from_rows([("USD", "EUR", date(2024, 1, 1), Decimal("0.90")),
                                 ("USD", "EUR", date(2024, 1, 10), Decimal("0.95")),
                                 ("EUR", "KRW", date(2024, 1, 1), Decimal("1450"))])
    assert rates.rate("USD", "EUR", date(2024, 1, 9)) == Decimal("0.90")
    assert rates.rate("USD", "EUR", date(2024, 1, 10)) == Decimal("0.95")
    assert rates.rate("KRW", "EUR", date(2024, 2, 1)) == Decimal(1) / Decimal(1450)
    assert rates.rate("USD", "EUR", date(2023, 12, 1)) == Decimal("0.90")
    assert any("predates" in w for w in rates.warnings)
    assert rates.rate("GBP", "EUR", date(2024, 1, 1)) is None
