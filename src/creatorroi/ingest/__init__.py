"""Ingest: read a brand's files into table-shaped frames, with no database I/O.

``parse_file(path, kind, ctx)`` reads one file (CSV/TSV in any common encoding, or XLSX; GA4
also as Data API JSON) and returns a ``ParsedImport`` whose frames have exactly the store
tables' columns. It is all-or-nothing: any bad cell raises ``ImportFailed`` listing every bad
cell found, so the store never holds half a file.

>>> from creatorroi.ingest import ParseContext, parse_file
>>> ctx = ParseContext(timezone="Europe/Rome", locale="it", salt="...")
>>> parsed = parse_file("orders_export.csv", "shopify-orders", ctx)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

from creatorroi.ingest import canonical, ga4, instagram, shopify, tiktok, youtube
from creatorroi.ingest.context import FileRejected, ParseContext, ParsedImport
from creatorroi.ingest.kinds import KINDS, SOURCE_FORMATS
from creatorroi.ingest.templates import write_template
from creatorroi.ingest.text import read_sheet
from creatorroi.ingest.values import zone
from creatorroi.model.money import check_currency

KIND_NAMES: tuple[str, ...] = (*KINDS, *SOURCE_FORMATS)
# Platform insight exports: rows matched to posts through ``ParseContext.post_index``.
INSIGHT_PARSERS = {m.KIND: m.parse for m in (instagram, tiktok, youtube)}


def parse_file(path: str | Path, kind: str, ctx: ParseContext) -> ParsedImport:
    """Parse ``path`` as ``kind`` (see ``KIND_NAMES``); raise ImportFailed on any bad input."""
    file = str(path)
    tr = ctx.tr()
    if kind not in KIND_NAMES:
        raise FileRejected(file, tr("unknown kind '{kind}'; expected one of: {kinds}",
                                    kind=kind, kinds=", ".join(KIND_NAMES)))
    ctx = _checked(file, ctx)
    source = Path(path)
    if kind == shopify.KIND:
        sheet = read_sheet(source, file, ctx, names=("orders", "shopify"))
        return shopify.parse(sheet, ctx, file)
    if kind == ga4.KIND:
        return ga4.parse(source, ctx, file)
    if kind in INSIGHT_PARSERS:
        return INSIGHT_PARSERS[kind](source, ctx, file)
    spec = KINDS[kind]
    sheet = read_sheet(source, file, ctx, names=(spec.name, spec.table))
    return canonical.parse(sheet, spec, ctx, file)


def _checked(file: str, ctx: ParseContext) -> ParseContext:
    """A bad workspace zone or currency is reported once, not once per cell."""
    tr = ctx.tr()
    try:
        zone(ctx.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise FileRejected(file, tr("unknown time zone '{zone}'", zone=ctx.timezone)) from None
    try:
        return replace(ctx, currency=check_currency(ctx.currency))
    except ValueError:
        raise FileRejected(file, tr("'{value}' is not a currency code",
                                    value=ctx.currency)) from None


__all__ = ["KIND_NAMES", "FileRejected", "ParseContext", "ParsedImport", "parse_file",
           "write_template"]
