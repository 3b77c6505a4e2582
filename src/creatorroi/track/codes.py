"""Promo codes: readable per-creator codes, unique in the shop, exported as an import sheet.

A code is how an order finds its creator when nobody clicked a link, so it has to survive being
read aloud in a story and typed on a phone. Codes are built from a pattern
(``{CAMPAIGN}{YY}_{HANDLE}`` → ``EASTER23_GIULIASKIN``) in upper-case ASCII letters, digits,
``_`` and ``-`` only, already in the form ``model.keys.promo_code`` gives, so the code we issue
and the code the shop records meet at attribution without further cleaning.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from anyascii import anyascii

from creatorroi.model import keys
from creatorroi.model.money import check_currency

DEFAULT_CODE_PATTERN = "{CAMPAIGN}{YY}_{HANDLE}"
PLACEHOLDERS = ("CAMPAIGN", "YY", "YYYY", "HANDLE", "NAME", "PLATFORM")
MAX_CODE_LENGTH = 255  # Shopify's limit; WooCommerce accepts longer, nobody types longer

# Digits a buyer reading a code off a screen mistakes for a letter: 0/O, 1/I/L, 2/Z, 5/S, 8/B.
AMBIGUOUS_DIGITS = frozenset("01258")

DiscountType = Literal["percentage", "fixed_amount", "free_shipping"]
DISCOUNT_TYPES: tuple[str, ...] = ("percentage", "fixed_amount", "free_shipping")
SHOPS = ("shopify", "woocommerce", "csv")

_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
_LITERAL_RE = re.compile(r"[A-Za-z0-9_-]*")
_SEPARATORS = "_-"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---- building codes -------------------------------------------------------------------------

def _letters_digits(text: str) -> str:
    """``Giulía.Skin`` → ``GIULIASKIN``, ``김지수`` → ``GIMJISU``: Latin letters and digits only.

    Dots, underscores and every other mark inside a handle or name are dropped: buyers type
    ``giuliaskin`` for ``giulia.skin``, and ``_``/``-`` stay free to separate pattern parts.
    """
    latin = anyascii(unicodedata.normalize("NFKC", text))
    return "".join(c for c in latin.upper() if c.isascii() and c.isalnum())


def _without_ambiguous(token: str) -> str:
    return "".join(c for c in token if c not in AMBIGUOUS_DIGITS)


def _check_length(max_length: int) -> None:
    if not 1 <= max_length <= MAX_CODE_LENGTH:
        raise ValueError(f"max_length must be between 1 and {MAX_CODE_LENGTH}, not {max_length}")


def _trim(code: str, max_length: int) -> str:
    return code[:max_length].strip(_SEPARATORS)


def make_code(pattern: str = DEFAULT_CODE_PATTERN, *, campaign: str, handle: str,
              name: str | None = None, year: int | None = None, platform: str | None = None,
              avoid_ambiguous: bool = False, max_length: int = 32) -> str:
    """The promo code ``pattern`` gives for one creator.

    Placeholders: ``{CAMPAIGN}``, ``{YY}`` / ``{YYYY}`` (of ``year``), ``{HANDLE}`` (without
    ``@``, dots and underscores), ``{NAME}`` (the first word of ``name``, transliterated: 김지수
    → ``GIMJISU``) and ``{PLATFORM}``. Text between placeholders may use letters, digits, ``_``
    and ``-`` and is upper-cased. The code is cut to ``max_length`` and never starts or ends
    with ``_`` or ``-``.

    ``avoid_ambiguous`` drops the digits 0 1 2 5 8 from the parts taken from names (campaign,
    handle, name, platform): a stray digit inside a word (``giulia_01``) is what buyers misread
    as O or I. Letters are always kept, since they spell the word the buyer recognises, and
    the year keeps its digits because it reads as a number.

    Raises ValueError for an unknown placeholder, a placeholder without its value, a value
    that has no letters or digits, or an empty result.
    """
    _check_length(max_length)
    values: dict[str, Callable[[], str]] = {
        "CAMPAIGN": lambda: _part("CAMPAIGN", campaign, avoid_ambiguous),
        "HANDLE": lambda: _part("HANDLE", keys.handle(handle), avoid_ambiguous),
        "NAME": lambda: _part("NAME", _first_word(name), avoid_ambiguous),
        "PLATFORM": lambda: _part("PLATFORM", platform, avoid_ambiguous),
        "YY": lambda: f"{_year(year) % 100:02d}",
        "YYYY": lambda: f"{_year(year):04d}",
    }
    out: list[str] = []
    pos = 0
    for match in _PLACEHOLDER_RE.finditer(pattern):
        out.append(_literal(pattern[pos:match.start()], pattern))
        key = match.group(1).strip().upper()
        if key not in values:
            raise ValueError(f"unknown placeholder {{{match.group(1)}}} in code pattern "
                             f"{pattern!r}; use one of: "
                             + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS))
        out.append(values[key]())
        pos = match.end()
    out.append(_literal(pattern[pos:], pattern))
    code = _trim("".join(out), max_length)
    if not code:
        raise ValueError(f"code pattern {pattern!r} gives an empty code")
    return code


def _literal(text: str, pattern: str) -> str:
    if not _LITERAL_RE.fullmatch(text):
        raise ValueError(f"code pattern {pattern!r}: text {text!r} outside placeholders may only "
                         "use letters A-Z, digits, '_' and '-' (or has an unmatched brace)")
    return text.upper()


def _part(label: str, raw: str | None, avoid_ambiguous: bool) -> str:
    if raw is None:
        raise ValueError(f"code pattern uses {{{label}}} but no {label.lower()} was given")
    token = _letters_digits(raw)
    if avoid_ambiguous:
        token = _without_ambiguous(token)
    if not token:
        raise ValueError(f"{label.lower()} {raw!r} gives no letters or digits for a promo code")
    return token


def _first_word(name: str | None) -> str | None:
    if name is None:
        return None
    words = unicodedata.normalize("NFKC", name).split()
    return words[0] if words else ""


def _year(year: int | None) -> int:
    if year is None:
        raise ValueError("code pattern uses {YY} or {YYYY} but no year was given")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year {year} is not a four-digit year")
    return year


def assign_unique(wanted: Sequence[str], taken: Iterable[str], *, avoid_ambiguous: bool = False,
                  max_length: int = 32) -> list[str]:
    """One code per entry of ``wanted``, none equal to a ``taken`` code or to each other.

    Codes compare in ``keys.promo_code`` form, as the shop and attribution compare them
    (``easter23_giulia`` is taken by ``EASTER23_GIULIA``). First come, first served in input
    order: the first ``GIULIA`` keeps its code, the next becomes ``GIULIA2``, then ``GIULIA3``.
    The base is shortened so that code and suffix fit ``max_length``. With ``avoid_ambiguous``
    suffixes containing 0 1 2 5 8 are skipped (``GIULIA3``, ``GIULIA4``, ``GIULIA6``, ...).
    """
    _check_length(max_length)
    seen = {keys.promo_code(t) for t in taken}
    result: list[str] = []
    for raw in wanted:
        base = _trim(keys.promo_code(raw), max_length)
        if not base:
            raise ValueError(f"{raw!r} is not a usable promo code")
        code = base
        n = 1
        while code in seen:
            n += 1
            suffix = str(n)
            if avoid_ambiguous and AMBIGUOUS_DIGITS.intersection(suffix):
                continue
            if len(suffix) >= max_length:
                raise ValueError(f"no free code for {raw!r} within {max_length} characters")
            code = base[:max_length - len(suffix)].rstrip(_SEPARATORS) + suffix
        seen.add(code)
        result.append(code)
    return result


# ---- export -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeRow:
    """One promo code as the shop should create it.

    ``value`` is the percentage (``20`` = 20 %) or the amount off; free shipping has none.
    ``ends_on`` is the last day the code works (inclusive). ``currency`` is only for
    ``fixed_amount``; shops take it in the store currency, the generic sheet records it.
    """

    code: str
    influencer: str
    campaign: str
    discount_type: DiscountType
    value: Decimal | None = None
    currency: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    usage_limit: int | None = None
    once_per_customer: bool = False

    def __post_init__(self) -> None:
        code = self.code.strip()
        object.__setattr__(self, "code", code)  # a pasted code often brings a space along
        if not code:
            raise ValueError("a promo code must not be empty")
        if code.startswith(_FORMULA_START):
            raise ValueError(f"promo code {code!r} must not start with = + - @ "
                             "(spreadsheets read it as a formula)")
        if len(code) > MAX_CODE_LENGTH:
            raise ValueError(f"promo code {code!r} is longer than {MAX_CODE_LENGTH} characters")
        if self.discount_type not in DISCOUNT_TYPES:
            raise ValueError(f"discount type {self.discount_type!r} is not one of: "
                             + ", ".join(DISCOUNT_TYPES))
        self._check_value()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError(f"code {code}: ends on {self.ends_on} before it starts on "
                             f"{self.starts_on}")
        if self.usage_limit is not None and self.usage_limit < 1:
            raise ValueError(f"code {code}: usage limit must be at least 1")

    def _check_value(self) -> None:
        value = self.value
        if self.discount_type == "free_shipping":
            if value is not None:
                raise ValueError(f"code {self.code}: free shipping takes no value")
            return
        if value is None or not value.is_finite() or value <= 0:
            raise ValueError(f"code {self.code}: {self.discount_type} needs a positive value")
        if self.discount_type == "percentage" and value > 100:
            raise ValueError(f"code {self.code}: a percentage cannot exceed 100")
        if self.currency is not None:
            object.__setattr__(self, "currency", check_currency(self.currency))


def safe_cell(text: str) -> str:
    """``=HYPERLINK(...)`` → ``'=HYPERLINK(...)``: guard against CSV formula injection.

    The sheet is opened in Excel or Sheets before it is imported; a creator or campaign name
    starting with ``= + - @`` (or a tab or carriage return) would run as a formula there, so
    such text cells get a leading apostrophe, which spreadsheets show as plain text.
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: Decimal | None) -> str:
    """``Decimal("15.00")`` → ``15.00``, ``Decimal("2E+1")`` → ``20``: plain, never exponent."""
    return "" if value is None else format(value, "f")


def _int(value: int | None) -> str:
    return "" if value is None else str(value)


def _shopify(row: CodeRow) -> list[str]:
    percent = row.discount_type == "percentage"
    free = row.discount_type == "free_shipping"
    return [
        safe_cell(f"{row.campaign} - {row.influencer} ({row.code})"),
        "MERGE",
        row.code,
        "Free Shipping" if free else "Amount off Order",
        "" if free else ("Percentage" if percent else "Fixed Amount"),
        _number(row.value),
        f"{row.starts_on.isoformat()}T00:00:00" if row.starts_on else "",
        f"{row.ends_on.isoformat()}T23:59:59" if row.ends_on else "",
        _int(row.usage_limit),
        "TRUE" if row.once_per_customer else "FALSE",
    ]


def _woocommerce(row: CodeRow) -> list[str]:
    note = f"{row.influencer} - {row.campaign}"
    if row.starts_on:
        note += f" - from {row.starts_on.isoformat()}"
    expires = row.ends_on + timedelta(days=1) if row.ends_on else None
    return [
        row.code,
        safe_cell(note),
        "publish",
        "percent" if row.discount_type == "percentage" else "fixed_cart",
        _number(row.value) if row.value is not None else "0",
        "yes" if row.discount_type == "free_shipping" else "no",
        expires.isoformat() if expires else "",
        _int(row.usage_limit),
        "1" if row.once_per_customer else "",
    ]


def _generic(row: CodeRow) -> list[str]:
    return [
        row.code, safe_cell(row.influencer), safe_cell(row.campaign), row.discount_type,
        _number(row.value), row.currency or "",
        row.starts_on.isoformat() if row.starts_on else "",
        row.ends_on.isoformat() if row.ends_on else "",
        _int(row.usage_limit), "true" if row.once_per_customer else "false",
    ]


# Shopify via Matrixify's "Discounts" sheet (https://matrixify.app/documentation/discounts/;
# usage-limit and value-type names as Altera documents the same sheet). Command MERGE makes a
# re-import update the codes instead of failing. Starts At / Ends At are written without an
# offset, so they are read in the shop's time zone; ends_on is inclusive, hence 23:59:59.
SHOPIFY_COLUMNS = ("Title", "Command", "Code", "Type", "Value Type", "Value", "Starts At",
                   "Ends At", "Limit Total Times", "Limit One Use Per Customer")
# WooCommerce coupons as WebToffee's Smart Coupons importer reads them (post_title is the code;
# meta names as WooCommerce stores them). WooCommerce expires a coupon at 00:00 of
# date_expires, so that is the day after ends_on. Coupons have no start date: it goes in the
# description. Free shipping is a zero fixed_cart coupon with free_shipping=yes.
WOOCOMMERCE_COLUMNS = ("post_title", "post_excerpt", "post_status", "discount_type",
                       "coupon_amount", "free_shipping", "date_expires", "usage_limit",
                       "usage_limit_per_user")
GENERIC_COLUMNS = ("code", "influencer", "campaign", "discount_type", "value", "currency",
                   "starts_on", "ends_on", "usage_limit", "once_per_customer")

_FORMATS: dict[str, tuple[tuple[str, ...], Callable[[CodeRow], list[str]]]] = {
    "shopify": (SHOPIFY_COLUMNS, _shopify),
    "woocommerce": (WOOCOMMERCE_COLUMNS, _woocommerce),
    "csv": (GENERIC_COLUMNS, _generic),
}


def export_codes(rows: Sequence[CodeRow], shop: str) -> str:
    """The CSV text the shop's importer reads to create ``rows`` (``shop``: one of ``SHOPS``).

    Numbers are written plainly (``20``, ``15.00``), dates as ISO, and text cells are guarded
    against formula injection (see ``safe_cell``).
    """
    key = shop.strip().lower()
    if key not in _FORMATS:
        raise ValueError(f"unknown shop {shop!r}; choose one of: " + ", ".join(SHOPS))
    columns, to_cells = _FORMATS[key]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(to_cells(row))
    return buffer.getvalue()
