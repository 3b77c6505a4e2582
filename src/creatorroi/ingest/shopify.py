"""Shopify's orders export (Admin > Orders > Export), read as Shopify writes it.

The export has one row per line item; an order's first row carries the order-level columns
(totals, currency, status) and its other rows repeat ``Name`` with those left blank. We keep
one order per ``Name``. Shopify's ``Subtotal`` is after discounts, so merchandise before
discounts (our gross) is ``Subtotal + Discount Amount``.
"""

from __future__ import annotations

from typing import Any

from creatorroi.ingest.canonical import complete_order, order_codes, read_currency
from creatorroi.ingest.context import (
    FileRejected,
    ParseContext,
    ParsedImport,
    Problems,
    Progress,
    build_frame,
)
from creatorroi.ingest.text import Cell, Sheet, clean
from creatorroi.ingest.values import (
    Invalid,
    as_text,
    email_hash,
    parse_datetime,
    parse_list,
    parse_money,
)
from creatorroi.model.money import to_minor

KIND = "shopify-orders"
SOURCE = "shopify"
REQUIRED = ("Name", "Created at", "Currency", "Subtotal")
# Columns only an order's first row fills; a second row of the same Name carrying them is a
# second order with the same Name, not a line item.
ORDER_LEVEL = ("Financial Status", "Currency", "Subtotal")
# ``Note Attributes`` keys (checkout apps and our snippet) -> order columns.
NOTE_KEYS = {
    "landing_site": "landing_page", "landing_page": "landing_page",
    "referring_site": "referrer", "referrer": "referrer", "referer": "referrer",
    "cr_click": "click_id", "click_id": "click_id",
    "affiliate": "affiliate_id", "affiliate_id": "affiliate_id", "ref": "affiliate_id",
    "visitor_id": "visitor_id", "client_id": "visitor_id",
}


def note_attributes(text: str | None) -> dict[str, str]:
    """``key: value`` lines of the Note Attributes cell, for the keys we know."""
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition(":")
        column = NOTE_KEYS.get(key.strip().casefold().replace(" ", "_"))
        if sep and column and value.strip() and column not in found:
            found[column] = value.strip()
    return found


COLUMNS = (*REQUIRED, "Email", "Financial Status", "Discount Code", "Discount Amount",
           "Refunded Amount", "Cancelled at", "Note Attributes", "Id", "Tags", "Source")


class _Cols:
    """Header positions of the columns we read (case and spacing tolerant), resolved once."""

    def __init__(self, header: list[str]) -> None:
        index: dict[str, int] = {}
        for i, label in enumerate(header):
            index.setdefault(" ".join(label.split()).casefold(), i)
        self._pos = {name: index.get(name.casefold()) for name in COLUMNS}
        self._name = self._pos["Name"]
        self._level = [p for c in ORDER_LEVEL if (p := self._pos[c]) is not None]

    def has(self, name: str) -> bool:
        return self._pos[name] is not None

    def name(self, cells: list[Cell]) -> str | None:
        i = self._name
        return as_text(clean(cells[i])) if i is not None and i < len(cells) else None

    def is_order_row(self, cells: list[Cell]) -> bool:
        n = len(cells)
        return any(i < n and clean(cells[i]) is not None for i in self._level)

    def values(self, cells: list[Cell]) -> dict[str, Cell]:
        n = len(cells)
        return {name: clean(cells[i]) if i is not None and i < n else None
                for name, i in self._pos.items()}


def _number_locale(sheet: Sheet, ctx: ParseContext) -> str:
    """Shopify writes ``1234.50``; only a file re-saved by a decimal-comma Excel (which also
    switches to ``;``) follows the workspace locale."""
    return ctx.locale if sheet.delimiter == ";" else "en"


def parse(sheet: Sheet, ctx: ParseContext, file: str) -> ParsedImport:
    """One order per ``Name``; raise ImportFailed listing every bad cell."""
    tr = ctx.tr()
    cols = _Cols(sheet.header)
    missing = [c for c in REQUIRED if not cols.has(c)]
    if missing:
        raise FileRejected(file, tr(
            "missing required column(s): {missing}; the file has: {found}",
            missing=", ".join(missing), found=", ".join(h for h in sheet.header if h) or "-"))
    problems = Problems(file)
    progress = Progress(ctx, len(sheet.rows))
    groups: dict[str, list[tuple[int, list[Cell]]]] = {}
    for number, cells in sheet.rows:
        name = cols.name(cells)
        if name is None:
            problems.add(number, "Name", tr("required value is missing"))
            continue
        groups.setdefault(name, []).append((number, cells))
    orders: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    reader = _OrderReader(ctx, _number_locale(sheet, ctx), problems)
    done = 0
    for name, rows in groups.items():
        done += len(rows)
        progress.tick(done)
        heads = [r for r in rows if cols.is_order_row(r[1])] if len(rows) > 1 else rows
        head = heads[0] if heads else rows[0]
        for number, _ in heads[1:]:
            problems.add(number, "Name", tr("duplicate key, first seen on row {row}",
                                            row=head[0]))
        order = reader.order(name, head[0], cols.values(head[1]))
        if order is None:
            continue
        if order["id"] in seen_ids:
            problems.add(head[0], "Id", tr("duplicate key, first seen on row {row}",
                                           row=seen_ids[order["id"]]))
            continue
        seen_ids[order["id"]] = head[0]
        orders.append(order)
        codes.extend(r for _, r in order_codes(order["id"], order.pop("_codes")))
    progress.finish(len(sheet.rows))
    problems.raise_if_any()
    warnings = [] if sheet.rows else [tr("the file has no data rows")]
    tables = {"orders": build_frame("orders", orders),
              "order_codes": build_frame("order_codes", codes)}
    return ParsedImport(KIND, file, len(sheet.rows), tables, warnings)


class _OrderReader:
    """Turns an order's first row into an ``orders`` row, recording bad cells."""

    def __init__(self, ctx: ParseContext, locale: str, problems: Problems) -> None:
        self.ctx = ctx
        self.tr = ctx.tr()
        self.locale = locale
        self.problems = problems

    def _read(self, number: int, column: str, cell: Cell, fn: Any, *args: Any) -> Any:
        """``fn(cell)``; a missing required cell or a bad one is recorded and gives None."""
        if cell is None:
            if column in REQUIRED:
                self.problems.add(number, column, self.tr("required value is missing"))
            return None
        try:
            return fn(cell, *args)
        except Invalid as exc:
            self.problems.add(number, column, self.tr(exc.msgid, **exc.values))
            return None

    def order(self, name: str, number: int, v: dict[str, Cell]) -> dict[str, Any] | None:
        before = self.problems.total
        loc = self.locale
        created = self._read(number, "Created at", v["Created at"], parse_datetime,
                             self.ctx.timezone, loc)
        currency = self._read(number, "Currency", v["Currency"], read_currency)
        money = currency or self.ctx.currency
        subtotal = self._read(number, "Subtotal", v["Subtotal"], _amount, money, loc)
        discount = self._read(number, "Discount Amount", v["Discount Amount"], _amount, money,
                              loc)
        refunded = self._read(number, "Refunded Amount", v["Refunded Amount"], _amount, money,
                              loc)
        if self.problems.total > before:
            return None
        discount = discount or 0
        tags = f"{as_text(v['Tags']) or ''} {as_text(v['Source']) or ''}".casefold()
        order_number = name.lstrip("#").strip()
        row: dict[str, Any] = {
            "id": as_text(v["Id"]) or order_number,
            "source": SOURCE,
            "order_number": order_number,
            "created_at": created[0],
            "source_tz": created[1],
            "currency": currency,
            "gross_minor": to_minor(subtotal + discount, currency),
            "discount_minor": to_minor(discount, currency),
            "refunded_minor": to_minor(refunded or 0, currency),
            "status": as_text(v["Financial Status"]),
            "cancelled": v["Cancelled at"] is not None,
            "customer_hash": email_hash(as_text(v["Email"]), self.ctx.salt),
            "is_new_customer": None,
            "is_subscription": "subscription" in tags,
            **note_attributes(as_text(v["Note Attributes"])),
            "_codes": parse_list(v["Discount Code"]),
        }
        complete_order(row)
        return row


def _amount(cell: Cell, currency: str, locale: str) -> Any:
    value = parse_money(cell, currency, locale)
    if value < 0:
        raise Invalid("'{value}' must not be negative", value=as_text(cell) or "")
    return value
