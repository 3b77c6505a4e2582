"""Exact money: integer minor units beside an ISO 4217 currency.

Floats never hold money. Amounts enter as text or Decimal, are rounded once (half-even, the
banker's rule accountants use) to the currency's minor unit, and are stored and summed as
integers. The exponent comes from the ISO data Babel ships, so KRW has none and EUR has two.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from babel.core import Locale
from babel.numbers import format_currency, get_currency_precision, is_currency


@cache
def exponent(currency: str) -> int:
    """Number of minor-unit digits of ``currency`` (EUR 2, KRW 0, KWD 3)."""
    return int(get_currency_precision(currency))


def check_currency(code: str) -> str:
    """Return ``code`` upper-cased if it is an ISO 4217 currency, else raise ValueError."""
    cur = code.strip().upper()
    if len(cur) != 3 or not is_currency(cur):
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return cur


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Round ``amount`` (major units) to the currency's minor unit and return it as an int."""
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    scaled = value.scaleb(exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """Major-unit Decimal for ``minor`` units, with exactly the currency's digits."""
    exp = exponent(currency)
    return Decimal(int(minor)).scaleb(-exp).quantize(Decimal(1).scaleb(-exp))


@dataclass(frozen=True, order=True)
class Money:
    """An exact amount in one currency. Adding two currencies is an error, not a guess."""

    minor: int
    currency: str

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        cur = check_currency(currency)
        return cls(to_minor(amount, cur), cur)

    @property
    def amount(self) -> Decimal:
        return from_minor(self.minor, self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency} without FX")

    def format(self, locale: str | Locale = "en") -> str:
        return format_currency(self.amount, self.currency, locale=locale)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
