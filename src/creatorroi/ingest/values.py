"""Cell values as people type them in en, it, ko, zh-Hant and fa spreadsheets.

Every parser returns exact types (``Decimal``, ``date``, aware ``datetime``) or raises
``Invalid`` with an untranslated message id, so the caller can translate it into the user's
language and name the row and column. Ambiguities are decided once, here:

* ``1,234`` / ``1.234`` (one separator, three digits after it): the workspace locale's CLDR
  decimal symbol decides (it: comma is decimal; en, ko, zh_Hant and fa, whose Latin-digit
  numbers CLDR writes ``1,234.5``: dot is decimal). Counts, and money in a currency with
  fewer than three minor digits, read it as thousands: ``₩500,000`` or ``€ 1.234`` never
  mean a fraction of a won or a tenth of a cent.
* ``03/04/2024``: a column-wide guess (any first part above 12 means day-first for the whole
  column), else the locale's CLDR short date pattern: month-first for en (US Excel), day-first
  for the others.
* years 1300-1499 are Persian (Jalali) calendar years, converted with jdatetime.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import jdatetime
from babel.core import Locale, UnknownLocaleError
from babel.dates import get_date_format, get_month_names
from babel.numbers import get_currency_symbol, get_decimal_symbol, is_currency, list_currencies

from creatorroi.model import keys
from creatorroi.model.keys import CLICK_PARAM
from creatorroi.model.money import exponent

if TYPE_CHECKING:
    from creatorroi.ingest.text import Cell

LOCALES = ("en", "it", "ko", "zh_Hant", "fa")


class Invalid(ValueError):
    """A cell that cannot be read; ``msgid`` is translated by the caller with ``values``."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid.format(**values))
        self.msgid = msgid
        self.values = values


@lru_cache(maxsize=32)
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


@lru_cache(maxsize=32)
def decimal_comma(locale: str) -> bool:
    """Whether ``locale`` writes ``1,5`` for one and a half (CLDR, Latin digits)."""
    return bool(get_decimal_symbol(_locale(locale)) == ",")


@lru_cache(maxsize=32)
def default_dayfirst(locale: str) -> bool:
    """Read ``a/b/yyyy`` day-first unless the locale's short date starts with the month (en)."""
    pattern = str(get_date_format("short", _locale(locale)).pattern)
    return pattern.lstrip("'").upper()[:1] != "M"


# ---- text normalisation -----------------------------------------------------------------

_DIGITS = {**{0x06F0 + i: str(i) for i in range(10)}, **{0x0660 + i: str(i) for i in range(10)}}
_VALUE_TABLE: dict[int, str | None] = {
    **_DIGITS,
    0x2212: "-", 0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0xFE63: "-",
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u061c\u2060\ufeff\u00ad"
                               "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")),
}
_SPACES = re.compile(r"\s+")


def normal(text: str) -> str:
    """Compatibility-normalised text with ASCII digits, no invisible marks, single spaces."""
    if text.isascii():
        return " ".join(text.split())
    text = unicodedata.normalize("NFKC", text).translate(_VALUE_TABLE)
    return _SPACES.sub(" ", text).strip()


def as_text(cell: Cell) -> str | None:
    """A cell as text: Excel's ``1001.0`` is ``1001``; dates are ISO."""
    if type(cell) is str or cell is None:
        return cell
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return str(cell)


# ---- numbers ----------------------------------------------------------------------------

_SIMPLE = re.compile(r"(-?)(\d+)(?:\.(\d+))?")
_SCIENTIFIC = re.compile(r"[-+]?\d+(?:\.\d+)?[eE][-+]?\d+")
_SEPS = ".,'’\u066b\u066c"
_NUMBER = re.compile(
    r"(?P<open>\()?\s*(?P<s1>[-+])?\s*(?P<c1>[^\d\s.,()+\-'’%]{1,8})?\s*(?P<s2>[-+])?\s*"
    rf"(?P<body>[.,\u066b]?\d(?:[\d{_SEPS}]| (?=\d))*)"
    r"\s*(?P<c2>[^\d\s.,()+\-'’%]{1,8})?\s*(?P<s3>-)?\s*(?P<close>\))?"
)
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})*")
_EXTRA_SYMBOLS = ("ریال", "تومان", "원", "元", "圓", "円", "kr", "zł", "Fr")


@lru_cache(maxsize=1)
def _currency_symbols() -> frozenset[str]:
    symbols = {s.casefold() for s in _EXTRA_SYMBOLS}
    for loc in LOCALES:
        for code in list_currencies():
            symbols.add(get_currency_symbol(code, locale=loc).casefold())
    return frozenset(symbols)


@lru_cache(maxsize=1024)
def _is_currency_token(token: str) -> bool:
    """``€``, ``US$``, ``EUR``, ``ریال``: what may stand beside an amount (not ``abc``)."""
    if all(unicodedata.category(c) == "Sc" for c in token):
        return True
    if len(token) == 3 and token.isalpha() and token.isascii() and is_currency(token.upper()):
        return True
    return token.casefold() in _currency_symbols()


def parse_decimal(cell: Cell, locale: str = "en", *, grouped: bool = False) -> Decimal:
    """An exact number from text like ``€ 1.234,50``, ``(12)``, ``۱٬۲۳۴٫۵``, ``₩12,000``.

    ``grouped``: a lone separator before exactly three digits is a thousands separator
    whatever the locale (for counts and money, which never have three decimals)."""
    if isinstance(cell, bool) or cell is None:
        raise Invalid("'{value}' is not a number", value=as_text(cell) or "")
    if isinstance(cell, Decimal):
        return cell
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise Invalid("'{value}' is not a number", value=str(cell))
        return Decimal(repr(cell))
    raw = str(cell)
    text = normal(raw)
    if m := _SIMPLE.fullmatch(text):
        frac = m.group(3)
        ambiguous = frac is not None and len(frac) == 3 and len(m.group(2)) <= 3 \
            and not m.group(2).startswith("0")
        if not ambiguous or (not decimal_comma(locale) and not grouped):
            return Decimal(text)
    if _SCIENTIFIC.fullmatch(text):
        return Decimal(text)
    m = _NUMBER.fullmatch(text)
    if m is None:
        raise Invalid("'{value}' is not a number", value=raw)
    signs = [s for s in (m["s1"], m["s2"], m["s3"]) if s]
    tokens = [t for t in (m["c1"], m["c2"]) if t]
    if (len(signs) > 1 or len(tokens) > 1 or bool(m["open"]) != bool(m["close"])
            or (m["open"] and signs) or not all(_is_currency_token(t) for t in tokens)):
        raise Invalid("'{value}' is not a number", value=raw)
    digits = _canonical_digits(m["body"], locale, grouped)
    if digits is None:
        raise Invalid("'{value}' is not a number", value=raw)
    negative = bool(m["open"]) or signs == ["-"]
    return Decimal(("-" if negative else "") + digits)


def _canonical_digits(body: str, locale: str, grouped_hint: bool) -> str | None:
    """``1.234,5`` -> ``1234.5``; None when the separators make no sense."""
    if "\u066b" in body:  # Arabic decimal separator: unambiguous
        whole, _, frac = body.partition("\u066b")
        whole = re.sub(r"[ ,.'’\u066c]", "", whole)
        return f"{whole or '0'}.{frac}" if (whole or "0").isdigit() and frac.isdigit() else None
    grouped = any(c in body for c in " '’\u066c")
    text = re.sub(r"[ '’\u066c]", "", body)
    dots, commas = text.count("."), text.count(",")
    if not dots and not commas:
        return text if text.isdigit() else None
    if dots and commas:
        decimal_sep = "." if text.rfind(".") > text.rfind(",") else ","
    elif grouped:
        decimal_sep = "." if dots else ","
    elif dots + commas > 1:
        decimal_sep = ""  # repeated: thousands only (1.234.567)
    else:
        sep = "." if dots else ","
        whole, _, frac = text.partition(sep)
        looks_grouped = len(frac) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0")
        if looks_grouped and (grouped_hint or (sep == ",") != decimal_comma(locale)):
            decimal_sep = ""
        else:
            decimal_sep = sep
    if decimal_sep:
        whole, _, frac = text.rpartition(decimal_sep)
        if not frac.isdigit():
            return None
    else:
        whole, frac = text, ""
    thousands = "," if decimal_sep == "." else "."
    if thousands in whole or (not decimal_sep and "," in whole):
        if not _GROUPED.fullmatch(whole.replace(".", ",")):
            return None
        whole = whole.replace(",", "").replace(".", "")
    if whole and not whole.isdigit():
        return None
    return f"{whole or '0'}.{frac}" if frac else whole


def parse_money(cell: Cell, currency: str, locale: str = "en") -> Decimal:
    """An amount in ``currency``'s major units (see ``parse_decimal`` for ``grouped``)."""
    return parse_decimal(cell, locale, grouped=exponent(currency) < 3)


def parse_int(cell: Cell, locale: str = "en") -> int:
    """A count: ``48,200`` and ``48.200`` are both forty-eight thousand two hundred."""
    value = parse_decimal(cell, locale, grouped=True)
    if value != value.to_integral_value():
        raise Invalid("'{value}' is not a whole number", value=as_text(cell) or "")
    return int(value)


def parse_percent(cell: Cell, locale: str = "en") -> Decimal:
    """``12.5``, ``12,5%`` or ``٪۱۲٫۵`` -> ``Decimal('12.5')`` (percent points, not a fraction)."""
    if isinstance(cell, str):
        text = normal(cell).replace("%", "").replace("\u066a", "").strip()
        try:
            return parse_decimal(text, locale)
        except Invalid:
            raise Invalid("'{value}' is not a percentage", value=cell) from None
    return parse_decimal(cell, locale)


# ---- booleans ---------------------------------------------------------------------------

_TRUE = frozenset({"true", "yes", "y", "1", "t", "sì", "si", "vero", "예", "네", "是", "بله", "آری",
                   "x", "✓"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "falso", "아니오", "아니요", "否", "خیر", "نه"})


def parse_bool(cell: Cell) -> bool:
    """Yes/no in the five languages (``sì``, ``예``, ``是``, ``بله``), ``1``/``0``, ``x``."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    key = unicodedata.normalize("NFC", str(cell)).strip().casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise Invalid("'{value}' is not yes or no", value=as_text(cell) or "")


# ---- dates and times --------------------------------------------------------------------

_TZ = r"(?P<tz>Z|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?)"
_CLOCK = (r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?")
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ]" + _CLOCK + r")?\s*" + _TZ + "?",
    re.I,
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?P<h>\d{2})?")
_YMD = re.compile(r"(?P<y>\d{4})\s*([./-])\s*(?P<m>\d{1,2})\s*\2\s*(?P<d>\d{1,2})\.?")
_YMD_SHORT = re.compile(r"(?P<y>\d{2})\. (?P<m>\d{1,2})\. (?P<d>\d{1,2})\.")  # ko: 24. 3. 21.
_CJK = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]")
_DMY = re.compile(r"(?P<a>\d{1,2})\s*([./-])\s*(?P<b>\d{1,2})\s*\2\s*(?P<y>\d{4}|\d{2})(?!\d)")
_NAMED_DMY = re.compile(r"(?P<d>\d{1,2})\.?\s+(?P<name>[^\d\s,.]+)\.?,?\s+(?P<y>\d{4})")
_NAMED_MDY = re.compile(r"(?P<name>[^\d\s,.]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})")
_TIME = re.compile(
    r"(?P<pre>[^\d\s:+\-]+)?\s*" + _CLOCK + r"\s*(?P<post>[^\d\s:+\-]+)?\s*" + _TZ + "?", re.I
)
_TZ_ONLY = re.compile(_TZ, re.I)
_TIME_LEAD = " ,\u060cT"
_AM = frozenset({"am", "a", "오전", "上午", "凌晨", "早上", "清晨", "午夜", "午前", "قظ"})
_PM = frozenset({"pm", "p", "오후", "下午", "中午", "晚上", "傍晚", "午後", "بظ"})
_EXCEL_EPOCH = datetime(1899, 12, 30)


@lru_cache(maxsize=1)
def _month_names() -> dict[str, tuple[int, bool]]:
    """Month name (any supported language, wide or abbreviated) -> (month, is_jalali)."""
    names: dict[str, tuple[int, bool]] = {}
    for loc in LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for month, name in get_month_names(width, context, loc).items():
                    names.setdefault(normal(str(name)).casefold().rstrip("."), (month, False))
    for month, name in enumerate(jdatetime.date.j_months_fa, start=1):
        names[normal(name).casefold()] = (month, True)
    return names


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make_date(year: int, month: int, day: int, jalali: bool = False) -> date:
    if jalali or 1300 <= year <= 1499:
        return jdatetime.date(year, month, day).togregorian()
    if not 1900 <= year <= 2199:
        raise ValueError(year)
    return date(year, month, day)


def guess_dayfirst(cells: Iterable[Cell]) -> bool | None:
    """Day-first or month-first for a whole column, when one of its values settles it."""
    for cell in cells:
        if not isinstance(cell, str):
            continue
        m = _DMY.match(normal(cell))
        if m is None:
            continue
        if int(m["a"]) > 12:
            return True
        if int(m["b"]) > 12:
            return False
    return None


def _split_date(text: str, locale: str, dayfirst: bool | None) -> tuple[date, str]:
    """The calendar day at the start of ``text`` and the text after it."""
    if m := _YMD.match(text) or _CJK.match(text) or _YMD_SHORT.match(text):
        return _make_date(_year(m["y"]), int(m["m"]), int(m["d"])), text[m.end():]
    if m := _DMY.match(text):
        a, b = int(m["a"]), int(m["b"])
        if dayfirst is not None:
            first = dayfirst
        elif a > 12 or b > 12:
            first = a > 12
        else:
            first = m.group(2) == "." or default_dayfirst(locale)
        day, month = (a, b) if first else (b, a)
        return _make_date(_year(m["y"]), month, day), text[m.end():]
    if m := _NAMED_DMY.match(text) or _NAMED_MDY.match(text):
        found = _month_names().get(m["name"].casefold().rstrip("."))
        if found is not None:
            return _make_date(int(m["y"]), found[0], int(m["d"]), found[1]), text[m.end():]
    raise ValueError(text)


def _clock(rest: str) -> tuple[time | None, timedelta | None]:
    """Time of day and UTC offset from what follows the date ('' -> no time, no offset)."""
    rest = rest.lstrip(_TIME_LEAD)
    if not rest:
        return None, None
    m = _TIME.fullmatch(rest)
    if m is None:
        if only := _TZ_ONLY.fullmatch(rest):
            return None, _offset(only["tz"])
        raise ValueError(rest)
    hour = int(m["h"])
    post, tz = m["post"], m["tz"]
    if post and tz is None and _TZ_ONLY.fullmatch(post):
        post, tz = None, post
    marker = (m["pre"] or post or "").casefold().replace(".", "")
    if marker:
        if marker in _PM and hour < 12:
            hour += 12
        elif marker in _AM and hour == 12:
            hour = 0
        elif marker not in _PM and marker not in _AM:
            raise ValueError(marker)
    micro = int((m["f"] or "0")[:6].ljust(6, "0"))
    clock = time(hour, int(m["mi"]), int(m["s"] or 0), micro)
    return clock, _offset(tz) if tz else None


@lru_cache(maxsize=256)
def _offset(tz: str) -> timedelta:
    text = tz.upper().removeprefix("UTC").removeprefix("GMT")
    if text in ("", "Z"):
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14 or minutes > 59:
        raise ValueError(tz)
    return sign * timedelta(hours=hours, minutes=minutes)


def _moment(text: str, locale: str, dayfirst: bool | None) -> tuple[date, time | None,
                                                                    timedelta | None]:
    if m := _COMPACT.fullmatch(text):
        day = _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
        return day, (time(int(m["h"])) if m["h"] else None), None
    if m := _ISO.fullmatch(text):  # the fast path: Shopify, ISO exports
        day = _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
        clock = None
        if m["h"]:
            micro = int((m["f"] or "0")[:6].ljust(6, "0"))
            clock = time(int(m["h"]), int(m["mi"]), int(m["s"] or 0), micro)
        return day, clock, _offset(m["tz"]) if m["tz"] else None
    day, rest = _split_date(text, locale, dayfirst)
    clock, offset = _clock(rest)
    return day, clock, offset


def _excel_serial(value: float) -> datetime:
    if not 1 <= value < 2958466:
        raise ValueError(value)
    return _EXCEL_EPOCH + timedelta(days=value)


def _typed_moment(cell: Cell) -> datetime | None:
    """A naive datetime from a typed spreadsheet cell, or None for text cells."""
    if isinstance(cell, datetime):
        return cell
    if isinstance(cell, date):
        return datetime.combine(cell, time())
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        if isinstance(cell, int) or (isinstance(cell, float) and cell.is_integer()):
            number = int(cell)
            if 19000101 <= number <= 21991231:  # GA4-style 20240321 typed as a number
                return datetime.strptime(str(number), "%Y%m%d")
        return _excel_serial(float(cell))
    return None


def parse_date(cell: Cell, locale: str = "en", dayfirst: bool | None = None) -> date:
    """A calendar day from any supported spelling (time of day, if any, is ignored)."""
    if cell is None:
        raise Invalid("'{value}' is not a date", value="")
    try:
        typed = _typed_moment(cell)
        if typed is not None:
            return typed.date()
        return _moment(normal(str(cell)), locale, dayfirst)[0]
    except (ValueError, OverflowError):
        raise Invalid("'{value}' is not a date", value=as_text(cell) or "") from None


def parse_datetime(
    cell: Cell, tz: str, locale: str = "en", dayfirst: bool | None = None
) -> tuple[datetime, str]:
    """The instant in UTC and the zone it was read in: the text's offset (``+01:00``) or, for
    a naive value, the workspace zone ``tz``. A bare date means local midnight."""
    if cell is None:
        raise Invalid("'{value}' is not a date and time", value="")
    try:
        typed = _typed_moment(cell)
        if typed is not None and typed.tzinfo is not None:
            return typed.astimezone(UTC), _offset_text(typed.utcoffset() or timedelta(0))
        if typed is not None:
            return typed.replace(tzinfo=zone(tz)).astimezone(UTC), tz
        day, clock, offset = _moment(normal(str(cell)), locale, dayfirst)
    except (ValueError, OverflowError):
        raise Invalid("'{value}' is not a date and time", value=as_text(cell) or "") from None
    local = datetime.combine(day, clock or time())
    if offset is None:
        return local.replace(tzinfo=zone(tz)).astimezone(UTC), tz
    return local.replace(tzinfo=timezone(offset)).astimezone(UTC), _offset_text(offset)


@lru_cache(maxsize=256)
def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_midnight(day: date, tz: str) -> datetime:
    """The UTC instant a local calendar day starts (how analytics tools cut their days)."""
    return datetime.combine(day, time()).replace(tzinfo=zone(tz)).astimezone(UTC)


# ---- lists, codes, people ---------------------------------------------------------------

_LIST_SPLIT = re.compile(r"[,\u060c\u3001]")


def parse_list(cell: Cell) -> list[str]:
    """``a|b`` or ``a, b`` (also Persian ``،`` and Chinese ``、``) -> unique, trimmed items."""
    text = unicodedata.normalize("NFKC", as_text(cell) or "")
    parts = text.split("|") if "|" in text else _LIST_SPLIT.split(text)
    seen: dict[str, None] = {}
    for part in parts:
        item = part.strip()
        if item:
            seen.setdefault(item, None)
    return list(seen)


def email_hash(email: str | None, salt: str) -> str | None:
    """sha256(salt + e-mail), the e-mail trimmed and case-folded; the address is never kept."""
    if not email:
        return None
    norm = unicodedata.normalize("NFKC", email).strip().casefold()
    return hashlib.sha256((salt + norm).encode("utf-8")).hexdigest() if norm else None


def visitor_key(raw: str | None, salt: str) -> str | None:
    """Opaque visitor ids are kept as given; a raw IP address is personal data, so hashed
    (in its canonical form, as the redirect service hashes it)."""
    if not raw:
        return None
    try:
        ipaddress.ip_address(raw.strip())
    except ValueError:
        return raw
    return hashlib.sha256((salt + keys.canonical_ip(raw)).encode("utf-8")).hexdigest()


def landing(raw: str | None) -> tuple[str | None, str | None]:
    """The landing-page match key and the ``cr_click`` id its query string may carry."""
    if not raw:
        return None, None
    query = urlsplit(raw.strip()).query
    click = parse_qs(query).get(CLICK_PARAM, [None])[0] if query else None
    return keys.path(raw), click or None
