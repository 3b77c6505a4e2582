"""Values as text for a language: numbers, money, percent, dates, with Babel's CLDR data.

Persian: CLDR's default numbering system for ``fa`` is ``arabext``. Babel 2.x honours it for
the *symbols* when asked (``numbering_system="default"`` gives the Persian group ``٬`` and
decimal ``٫`` separators) but leaves the digits ASCII ("12٬345٫60"). A Persian reader expects
Extended Arabic-Indic digits, which is what ``arabext`` means, so after Babel has formatted a
value we map 0-9 onto ۰-۹ (``DIGITS``). Dates keep Babel's Gregorian calendar with Persian month
names ("۵ مارس ۲۰۲۴"). Every other language keeps Babel's output as is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from babel.core import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, get_currency_precision

from creatorroi.report.model import Kind, Value

# Languages whose CLDR default numbering system has its own digits (see the module docstring).
DIGITS: dict[str, dict[int, int]] = {
    "fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
}
EMPTY = "—"   # how a missing value (None) is shown


def babel_locale(lang: str) -> Locale:
    return Locale.parse(lang)


@dataclass(frozen=True)
class Formatter:
    """Formats model values for one language, currency and time zone."""

    lang: str
    currency: str
    timezone: str = "UTC"

    @cached_property
    def locale(self) -> Locale:
        return babel_locale(self.lang)

    @cached_property
    def rtl(self) -> bool:
        return self.locale.text_direction == "rtl"

    @property
    def currency_decimals(self) -> int:
        return get_currency_precision(self.currency)

    def digits(self, text: str) -> str:
        """Map ASCII digits onto the language's own digits where it has them."""
        table = DIGITS.get(self.lang)
        return text.translate(table) if table else text

    def number(self, value: float | int | Decimal, decimals: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        text = format_decimal(value, format=pattern, locale=self.locale,
                              numbering_system="default")
        return self.digits(text)

    def money(self, value: float | int | Decimal) -> str:
        """Money in the report's currency, with the currency's own decimals (KRW: none)."""
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        text = format_currency(amount, self.currency, locale=self.locale,
                               numbering_system="default")
        return self.digits(text)

    def _money_rounded(self, amount: Decimal, decimals: int) -> str:
        pattern = copy.copy(self.locale.currency_formats["standard"])
        pattern.frac_prec = (decimals, decimals)
        return pattern.apply(amount, self.locale, currency=self.currency,
                             currency_digits=False, numbering_system="default")

    def percent(self, value: float | int | Decimal) -> str:
        """``value`` is already x100 (12.5 means 12.5 %); shown with at most one decimal."""
        pattern = copy.copy(self.locale.percent_formats[None])
        pattern.frac_prec = (0, 1)
        text = pattern.apply(Decimal(str(value)) / 100, self.locale, numbering_system="default")
        return self.digits(text)

    def ratio(self, value: float | int | Decimal) -> str:
        # a rate card's 0.005 per impression must not show as 0.01: small values keep 4
        return self.number(value, 4 if 0 < abs(float(value)) < 0.1 else 2)

    def date(self, value: date) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(ZoneInfo(self.timezone)).date() if value.tzinfo \
                else value.date()
        return self.digits(format_date(value, "medium", locale=self.locale))

    def datetime(self, value: datetime) -> str:
        """Date (medium) and time (short, no seconds) in the report's time zone, joined by the
        locale's own pattern."""
        tz = ZoneInfo(self.timezone)
        local = value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
        day = format_date(local.date(), "medium", locale=self.locale)
        time = format_time(local, "short", tzinfo=tz, locale=self.locale)
        glue = str(self.locale.datetime_formats.get("medium", "{1} {0}"))
        return self.digits(glue.replace("{1}", day).replace("{0}", time))

    def value(self, value: Value, kind: Kind) -> str:
        """Any model value by its kind; ``None`` shows as an em dash."""
        if value is None:
            return EMPTY
        if kind == "text" or isinstance(value, str):
            return str(value)
        if kind == "date" and isinstance(value, date):
            return self.date(value)
        if kind == "datetime" and isinstance(value, datetime):
            return self.datetime(value)
        if isinstance(value, date):        # a date under a numeric kind: show it as a date
            return self.date(value)
        if kind == "money":
            return self.money(value)
        if kind == "percent":
            return self.percent(value)
        if kind == "ratio":
            return self.ratio(value)
        if kind == "count":
            return self.number(value, 0 if float(value).is_integer() else 1)
        return self.number(value, 2)

    def axis(self, value: float, kind: Kind) -> str:
        """A chart axis tick: money without cents, percent and counts compact enough."""
        if kind == "money":
            return self.digits(self._money_rounded(Decimal(str(value)), 0))
        if kind == "percent":
            return self.percent(value)
        if kind == "ratio":
            return self.number(value, 0 if float(value).is_integer() else 1)
        return self.number(value, 0 if float(value).is_integer() else 1)
