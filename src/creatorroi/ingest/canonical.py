"""The canonical sheets of ``kinds.py`` read into table rows.

Each ``Field`` type has one reader; a few kinds then check rules that span cells (an event
may not end before it starts) and derive store columns the sheet does not carry (account ids,
match keys, net revenue, hashed e-mails, event ids). Keys are normalised with ``model.keys``
here so that attribution, which uses the same functions, always meets them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from creatorroi.ingest.context import (
    FileRejected,
    ParseContext,
    ParsedImport,
    Problems,
    Progress,
    build_frame,
    table_spec,
)
from creatorroi.ingest.kinds import Field, Kind
from creatorroi.ingest.text import Cell, Sheet, clean
from creatorroi.ingest.values import (
    Invalid,
    as_text,
    email_hash,
    guess_dayfirst,
    landing,
    normal,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_list,
    parse_money,
    parse_percent,
    visitor_key,
)
from creatorroi.model import enums, keys
from creatorroi.model.money import check_currency, to_minor

Row = dict[str, Any]
Reader = Callable[[Cell], Any]
SOURCE = "canonical"
LIST_SEPARATOR = "|"

# Fields whose store column is not ``name`` (money otherwise becomes ``name_minor``).
_RENAME = {
    ("pay_terms", "flat_fee"): "flat_minor",
    ("fx_rates", "date"): "rate_date",
    ("clicks", "visitor_id"): "visitor_hash",
    ("channel-spend", "date"): "spent_on",
    ("brand-search", "date"): "day",
}
# Money that may be negative: a cost can be a credit note.
_SIGNED_MONEY = frozenset({("costs", "amount")})


def header_key(label: str) -> str:
    """``Customer Email `` and ``customer-email`` both name the field ``customer_email``."""
    return normal(label).casefold().replace(" ", "_").replace("-", "_")


def _enum_reader(name: str) -> Reader:
    enum = getattr(enums, name)

    def read(cell: Cell) -> str:
        text = as_text(cell) or ""
        try:
            return str(enum.parse(text).value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise Invalid("'{value}' is not one of: {allowed}", value=text,
                          allowed=allowed) from None

    return read


def _choice_reader(spec: str) -> Reader:
    """``Stock-out`` and ``STOCKOUT`` both mean ``stockout``: people type labels, not codes."""
    allowed = spec.split("|")
    by_key = {_choice_key(a): a for a in allowed}

    def read(cell: Cell) -> str:
        text = as_text(cell) or ""
        try:
            return by_key[_choice_key(text)]
        except KeyError:
            raise Invalid("'{value}' is not one of: {allowed}", value=text,
                          allowed=", ".join(allowed)) from None

    return read


def _choice_key(text: str) -> str:
    return header_key(text).replace("_", "")


def read_currency(cell: Cell) -> str:
    return _currency(as_text(cell) or "")


@lru_cache(maxsize=512)
def _currency(text: str) -> str:
    try:
        return check_currency(text)
    except ValueError:
        raise Invalid("'{value}' is not a currency code", value=text) from None


def _non_negative(read: Reader) -> Reader:
    def checked(cell: Cell) -> Any:
        value = read(cell)
        if value < 0:
            raise Invalid("'{value}' must not be negative", value=as_text(cell) or "")
        return value

    return checked


def reader_for(kind: Kind, f: Field, ctx: ParseContext, dayfirst: bool | None) -> Reader:
    """The function that turns one cell of field ``f`` into its Python value."""
    loc = ctx.locale
    t = f.type
    if t.startswith("enum:"):
        return _enum_reader(t.removeprefix("enum:"))
    if t.startswith("choice:"):
        return _choice_reader(t.removeprefix("choice:"))
    readers: dict[str, Reader] = {
        "str": as_text,
        "int": _non_negative(lambda c: parse_int(c, loc)),
        "decimal": lambda c: parse_decimal(c, loc),
        "bool": parse_bool,
        "date": lambda c: parse_date(c, loc, dayfirst),
        "datetime": lambda c: parse_datetime(c, ctx.timezone, loc, dayfirst),
        "money": lambda c: c,  # read in ``SheetReader.values`` once the currency is known
        "percent": lambda c: parse_percent(c, loc),
        "list": parse_list,
        "currency": read_currency,
    }
    return readers[t]


# ---- derived columns --------------------------------------------------------------------

Extra = list[tuple[str, Row]]


def _accounts(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["handle"] = keys.handle(v["handle"])
    row["id"] = f"{v['platform']}:{row['handle']}"
    return []


def _followers(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["account_id"] = f"{v['platform']}:{keys.handle(v['handle'])}"
    return []


def _campaigns(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["always_on"] = bool(v.get("always_on"))
    return []


def _posts(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["reused"] = bool(v.get("reused"))
    tags = [t.lstrip("#") for t in v.get("hashtags") or []]
    row["hashtags"] = LIST_SEPARATOR.join(t for t in tags if t) or None
    return []


def match_key(kind: str, code: str) -> str:
    """The value attribution looks an asset up by (see ``model.keys``)."""
    if kind == "promo_code":
        return keys.promo_code(code)
    if kind == "landing_page":
        return keys.path(code) or "/"
    if kind == "utm_link":
        return slug(code)
    return code.strip()


def slug(raw: str) -> str:
    """A short link's slug, lower-cased; a full link ``brand.com/Giulia`` gives ``giulia``."""
    text = raw.strip().rstrip("/")
    return text.rsplit("/", 1)[-1].lower() if "/" in text else text.lower()


def _assets(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["match_key"] = match_key(v["kind"], v["code"])
    _utm(row)
    return []


def _utm(row: Row) -> None:
    for name in ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"):
        row[name] = keys.utm(row.get(name))


def _pay_terms(row: Row, v: Row, ctx: ParseContext) -> Extra:
    if v.get("revenue_share") is not None:
        row["revenue_share"] = v["revenue_share"] / Decimal(100)
    return []


def complete_order(row: Row) -> None:
    """Defaults and derived amounts every order source shares; net never exceeds gross."""
    row["discount_minor"] = row.get("discount_minor") or 0
    row["refunded_minor"] = row.get("refunded_minor") or 0
    row["net_minor"] = max(0, row["gross_minor"] - row["discount_minor"] - row["refunded_minor"])
    number = row.get("order_number")
    row["order_number"] = number.lstrip("#").strip() or None if number else None
    status = (row.get("status") or "paid").strip().lower().replace(" ", "_")
    row["status"] = status
    row["cancelled"] = bool(row.get("cancelled"))
    row["is_subscription"] = bool(row.get("is_subscription"))
    path, click = landing(row.get("landing_page"))
    row["landing_page"] = path
    row["click_id"] = row.get("click_id") or click


def order_codes(order_id: str, codes: list[str]) -> Extra:
    normalised = dict.fromkeys(keys.promo_code(c) for c in codes)
    return [("order_codes", {"order_id": order_id, "code": c}) for c in normalised if c]


def _orders(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["source"] = SOURCE
    row["customer_hash"] = email_hash(row.pop("customer_email", None), ctx.salt)
    complete_order(row)
    return order_codes(row["id"], v.get("codes") or [])


def _sessions(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["source"] = SOURCE
    row["sessions"] = 1 if v.get("sessions") is None else v["sessions"]
    path, click = landing(v.get("landing_page"))
    row["landing_page"] = path
    row["click_id"] = row.get("click_id") or click
    _utm(row)
    return []


def _clicks(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["slug"] = slug(v["slug"])
    row["visitor_hash"] = visitor_key(v.get("visitor_id"), ctx.salt)
    row["is_bot"] = bool(v.get("is_bot"))
    return []


def _emv_rates(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["action"] = v["action"].strip().lower()
    return []


# The mix-model inputs key rows by market, where '' (not NULL, which no key may hold) means
# every market; a brand-search row without a term is the brand's own name.
ALL_MARKETS = ""
BRAND_TERM = "brand"


def _channel_spend(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["market"] = v.get("market") or ALL_MARKETS
    return []


def event_id(kind: str, name: str, starts_on: date, market: str) -> str:
    """A stable id for an event sheet row without one, so importing it again finds the row.

    Readable in front (kind and day), a digest of what tells two events apart behind; the name
    is compared case- and spacing-blind, as a person retyping it would not mean a new event.
    """
    text = "\x1f".join((kind, normal(name).casefold(), starts_on.isoformat(), market))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"{kind}-{starts_on.isoformat()}-{digest}"


def _events(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["market"] = v.get("market") or ALL_MARKETS
    row["ends_on"] = v.get("ends_on") or v["starts_on"]
    row["id"] = v.get("id") or event_id(v["kind"], v["name"], v["starts_on"], row["market"])
    return []


def _brand_search(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["term"] = v.get("term") or BRAND_TERM
    row["market"] = v.get("market") or ALL_MARKETS
    return []


# ---- content and audience quality -------------------------------------------------------

def _joined(values: list[str] | None, strip: str = "", upper: bool = False) -> str | None:
    """A '|'-joined list with the marks people type (``#``, ``@``) removed, duplicates once."""
    items = [normal(v).lstrip(strip).strip() for v in values or []]
    items = [i.upper() if upper else i for i in items if i]
    return LIST_SEPARATOR.join(dict.fromkeys(items)) or None


def _briefs(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["influencer_id"] = v.get("influencer_id") or ""
    row["market"] = (v.get("market") or "").strip().upper() or None
    row["hashtags"] = _joined(v.get("hashtags"), "#")
    row["mentions"] = _joined(v.get("mentions"), "@")
    row["banned_words"] = _joined(v.get("banned_words"))
    row["disclosures"] = _joined(v.get("disclosures"), "#")
    row["require_link"] = bool(v.get("require_link"))
    row["require_code"] = bool(v.get("require_code"))
    row["grace_days"] = v.get("grace_days") or 0
    row["target_countries"] = _joined(v.get("target_countries"), upper=True)
    row["target_ages"] = _joined([a.replace(" ", "") for a in v.get("target_ages") or []])
    row["target_genders"] = _joined([g.casefold() for g in v.get("target_genders") or []])
    return []


def demographic_bucket(dimension: str, bucket: str) -> str:
    """``it`` -> ``IT``, ``18 - 24`` -> ``18-24``, ``Female`` -> ``female``: one spelling per
    bucket, so snapshots from different exports add up and match a brief's target."""
    text = normal(bucket).strip()
    if dimension == "country":
        return text.upper()
    if dimension == "age":
        return text.replace(" ", "").replace("–", "-")
    return text.casefold()


def _audience(row: Row, v: Row, ctx: ParseContext) -> Extra:
    if v.get("post_id"):
        row["subject"], row["subject_id"] = "post", v["post_id"]
    else:
        row["subject"] = "account"
        row["subject_id"] = f"{v['platform']}:{keys.handle(v['handle'])}"
    row["bucket"] = demographic_bucket(v["dimension"], v["bucket"])
    row["share"] = float(v["share"]) / 100
    for name in ("post_id", "platform", "handle"):
        row.pop(name, None)
    return []


def _audience_subject(v: Row) -> Iterator[tuple[str, Invalid]]:
    if not v.get("post_id") and not (v.get("platform") and v.get("handle")):
        yield "captured_at", Invalid("give a post_id, or a platform and a handle")
    share = v.get("share")
    if share is not None and not 0 <= share <= 100:
        yield "share", Invalid("'{value}' is not a share between 0 and 100", value=str(share))


def follower_features(username: str, full_name: str | None) -> Row:
    """The profile features fake-follower studies use, computed before the handle is hashed:
    digits' share of the username and of the full name, full-name words, name equal to handle."""
    user = keys.handle(username)
    name = normal(full_name or "").strip()
    digits = sum(c.isdigit() for c in user)
    name_digits = sum(c.isdigit() for c in name)
    return {
        "username_length": len(user),
        "username_digits": digits / len(user) if user else 0.0,
        "fullname_words": len(name.split()),
        "fullname_digits": name_digits / len(name) if name else 0.0,
        "name_is_username": bool(name) and name.casefold().replace(" ", "") == user,
    }


def _follower_sample(row: Row, v: Row, ctx: ParseContext) -> Extra:
    row["account_id"] = f"{v['platform']}:{keys.handle(v['handle'])}"
    row.update(follower_features(v["follower"], v.get("full_name")))
    row["follower_hash"] = email_hash(keys.handle(v["follower"]), ctx.salt)
    row["bio_length"] = len(normal(v.get("bio") or "").strip())
    row["has_url"] = v.get("external_url")
    for name in ("platform", "handle", "follower", "full_name", "bio", "external_url"):
        row.pop(name, None)
    return []


def comment_id(*parts: object) -> str:
    """A stable id for a comment row without one, so importing the dump again finds it."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return "c-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _comments(row: Row, v: Row, ctx: ParseContext, kind: str = "comment") -> Extra:
    author = keys.handle(v["author"]) if v.get("author") else None
    row["kind"] = kind
    row["author_hash"] = email_hash(author, ctx.salt) if author else None
    row["id"] = v.get("id") or comment_id(kind, v.get("post_id"), v.get("platform"), author,
                                          row.get("created_at"), v["text"])
    row.pop("author", None)
    return []


def _mentions(row: Row, v: Row, ctx: ParseContext) -> Extra:
    return _comments(row, v, ctx, "mention")


DERIVE: dict[str, Callable[[Row, Row, ParseContext], Extra]] = {
    "accounts": _accounts, "followers": _followers, "campaigns": _campaigns,
    "posts": _posts, "assets": _assets, "pay_terms": _pay_terms, "orders": _orders,
    "sessions": _sessions, "clicks": _clicks, "emv_rates": _emv_rates,
    "channel-spend": _channel_spend, "events": _events, "brand-search": _brand_search,
    "briefs": _briefs, "audience": _audience, "follower-sample": _follower_sample,
    "comments": _comments, "mentions": _mentions,
}


# ---- checks across cells ----------------------------------------------------------------

def _event_dates(v: Row) -> Iterator[tuple[str, Invalid]]:
    start, end = v.get("starts_on"), v.get("ends_on")
    if start is not None and end is not None and end < start:
        yield "ends_on", Invalid("ends on {end}, before it starts on {start}",
                                 end=end.isoformat(), start=start.isoformat())


# Rules one cell cannot check alone; each names the field whose cell is reported.
_CHECK: dict[str, Callable[[Row], Iterator[tuple[str, Invalid]]]] = {
    "events": _event_dates,
    "audience": _audience_subject,
}


# ---- the sheet --------------------------------------------------------------------------

def sheet_columns(sheet: Sheet, kind: Kind, file: str, ctx: ParseContext) -> tuple[dict[str, int],
                                                                               list[str]]:
    tr = ctx.tr()
    names = {f.name for f in kind.fields}
    found: dict[str, int] = {}
    ignored: list[str] = []
    for i, label in enumerate(sheet.header):
        key = header_key(label)
        if not key:
            continue
        if key in found:
            raise FileRejected(file, tr("column '{column}' appears twice", column=label))
        if key in names:
            found[key] = i
        else:
            ignored.append(label)
    missing = [f.name for f in kind.fields if f.required and f.name not in found]
    if missing:
        raise FileRejected(file, tr(
            "missing required column(s): {missing}; the file has: {found}",
            missing=", ".join(missing), found=", ".join(h for h in sheet.header if h) or "-"))
    warnings = [tr("ignored column(s): {columns}", columns=", ".join(ignored))] if ignored else []
    return found, warnings


def _store_name(kind: Kind, f: Field) -> str:
    if (kind.name, f.name) in _RENAME:
        return _RENAME[kind.name, f.name]
    return f"{f.name}_minor" if f.type == "money" else f.name


def to_row(kind: Kind, values: Row, ctx: ParseContext) -> Row:
    """Typed sheet values -> store columns (before the kind's derived columns)."""
    row: Row = {}
    for f in kind.fields:
        value = values.get(f.name)
        col = _store_name(kind, f)
        if f.type == "money":
            if value is None:
                row[col] = None
                continue
            currency = values.get(f.currency_field) or ctx.currency
            row[f.currency_field] = currency
            row[col] = to_minor(value, currency)
        elif f.type == "datetime":
            row[col] = value[0] if value else None
            if kind.name == "orders" and value:
                row["source_tz"] = value[1]
        elif f.type == "list" and f.name not in ("codes",):
            row[col] = LIST_SEPARATOR.join(value) if value else None
        elif col not in row:
            row[col] = value
    return row


class SheetReader:
    """Reads one row's cells into typed values, collecting (position, column, reason) errors."""

    def __init__(self, sheet: Sheet, kind: Kind, ctx: ParseContext, found: dict[str, int]):
        self.kind = kind
        self.ctx = ctx
        self.tr = ctx.tr()
        self.found = found
        self.labels = {name: sheet.header[i] for name, i in found.items()}
        self.required = {f.name for f in kind.fields if f.required}
        self.money = [f for f in kind.fields if f.type == "money" and f.name in found]
        self.readers: dict[str, Reader] = {}
        for f in kind.fields:
            if f.name in found:
                hint = None
                if f.type in ("date", "datetime"):
                    i = found[f.name]
                    hint = guess_dayfirst(cells[i] for _, cells in sheet.rows if i < len(cells))
                self.readers[f.name] = reader_for(kind, f, ctx, hint)

    def values(self, cells: list[Cell]) -> tuple[Row, list[tuple[int, str, str]]]:
        values: Row = {}
        errors: list[tuple[int, str, str]] = []
        for name, index in self.found.items():
            cell = clean(cells[index]) if index < len(cells) else None
            if cell is None:
                values[name] = None
                if name in self.required:
                    errors.append((index, self.labels[name], self.tr("required value is missing")))
                continue
            try:
                values[name] = self.readers[name](cell)
            except Invalid as exc:
                errors.append((index, self.labels[name], self.tr(exc.msgid, **exc.values)))
        for f in self.money:
            cell = values.get(f.name)
            if cell is None:
                continue
            currency = values.get(f.currency_field) or self.ctx.currency
            try:
                amount = parse_money(cell, currency, self.ctx.locale)
                if amount < 0 and (self.kind.name, f.name) not in _SIGNED_MONEY:
                    raise Invalid("'{value}' must not be negative", value=as_text(cell) or "")
                values[f.name] = amount
            except Invalid as exc:
                errors.append((self.found[f.name], self.labels[f.name],
                               self.tr(exc.msgid, **exc.values)))
        if not errors and self.kind.name in _CHECK:
            for name, bad in _CHECK[self.kind.name](values):
                errors.append((self.found[name], self.labels[name],
                               self.tr(bad.msgid, **bad.values)))
        return values, sorted(errors)


def parse(sheet: Sheet, kind: Kind, ctx: ParseContext, file: str) -> ParsedImport:
    """Read a canonical sheet; raise ImportFailed listing every bad cell."""
    tr = ctx.tr()
    found, warnings = sheet_columns(sheet, kind, file, ctx)
    reader = SheetReader(sheet, kind, ctx, found)
    width = len(sheet.header)
    spec = table_spec(kind.table)
    key_label = ", ".join(reader.labels.get(k, k) for k in kind.key)
    problems = Problems(file)
    progress = Progress(ctx, len(sheet.rows))
    out: dict[str, list[Row]] = {kind.table: []}
    seen: dict[tuple[Any, ...], int] = {}
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        progress.tick(done)
        if len(cells) > width and any(clean(c) is not None for c in cells[width:]):
            problems.add(number, None, tr("row has {count} cells but the header has {expected}",
                                          count=len(cells), expected=width))
            continue
        values, errors = reader.values(cells)
        for _, column, reason in errors:
            problems.add(number, column, reason)
        if errors:
            continue
        row = to_row(kind, values, ctx)
        extra = DERIVE[kind.name](row, values, ctx) if kind.name in DERIVE else []
        key = tuple(row.get(k) for k in spec.key)
        if key in seen:
            problems.add(number, key_label,
                         tr("duplicate key, first seen on row {row}", row=seen[key]))
            continue
        seen[key] = number
        out[kind.table].append(row)
        for table, extra_row in extra:
            out.setdefault(table, []).append(extra_row)
    progress.finish(len(sheet.rows))
    problems.raise_if_any()
    if not sheet.rows:
        warnings.append(tr("the file has no data rows"))
    tables = {kind.table: build_frame(kind.table, out[kind.table])}
    if kind.name == "orders":
        tables["order_codes"] = build_frame("order_codes", out.get("order_codes", []))
    return ParsedImport(kind.name, file, len(sheet.rows), tables, warnings)
