"""Google Analytics 4 reports: exploration CSVs as the UI downloads them, Data API CSVs, and
Data API ``runReport`` JSON responses, all read into the ``sessions`` table.

GA4 rows are aggregates (sessions per day and dimension values), not single visits, so a row's
id is a hash of its day and dimension values: re-importing an overlapping export updates the
same rows instead of adding new ones, and two rows with the same key in one file (split by a
dimension we do not keep, such as device) are summed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from creatorroi.ingest.context import (
    FileRejected,
    ParseContext,
    ParsedImport,
    Problems,
    Progress,
    build_frame,
)
from creatorroi.ingest.text import Cell, csv_sheet, decode, is_xlsx, read_bytes, xlsx_sheet
from creatorroi.ingest.text import clean as clean_cell
from creatorroi.ingest.values import (
    Invalid,
    as_text,
    landing,
    local_midnight,
    parse_date,
    parse_datetime,
    parse_int,
    parse_money,
)
from creatorroi.model import keys
from creatorroi.model.money import to_minor

KIND = "ga4"
SOURCE = "ga4"

# UI and Data API column names -> what we keep (matched case-insensitively).
COLUMNS = {
    "date": "date", "datehour": "datehour", "date + hour (yyyymmddhh)": "datehour",
    "session source": "source", "sessionsource": "source",
    "session medium": "medium", "sessionmedium": "medium",
    "session source / medium": "source_medium", "sessionsourcemedium": "source_medium",
    "session campaign": "campaign", "sessioncampaignname": "campaign",
    "session manual ad content": "content", "sessionmanualadcontent": "content",
    "session manual term": "term", "sessionmanualterm": "term",
    "landing page": "landing", "landingpage": "landing",
    "landing page + query string": "landing_qs", "landingpageplusquerystring": "landing_qs",
    "page referrer": "referrer", "pagereferrer": "referrer",
    "transaction id": "transaction_id", "transactionid": "transaction_id",
    "sessions": "sessions",
    "purchase revenue": "revenue", "purchaserevenue": "revenue",
    "total revenue": "total_revenue", "totalrevenue": "total_revenue",
}
# Used only when the session-scoped column is absent.
FALLBACK = {
    "session manual source": "source", "sessionmanualsource": "source",
    "session manual medium": "medium", "sessionmanualmedium": "medium",
    "session manual campaign name": "campaign", "sessionmanualcampaignname": "campaign",
    "session manual source / medium": "source_medium",
    "sessionmanualsourcemedium": "source_medium",
}
TOTAL_LABELS = frozenset({
    "grand total", "totals", "total", "totale", "합계", "총계", "總計", "总计", "合計",
    "جمع کل", "مجموع", "کل",
})
DIMENSIONS = ("date", "datehour", "source", "medium", "source_medium", "campaign", "content",
              "term", "landing", "landing_qs", "referrer", "transaction_id")
NOT_SET = frozenset({"(not set)", "(not provided)"})
_START = re.compile(r"#\s*start date\s*:\s*(\d{8})", re.I)


@dataclass
class _Report:
    header: list[str]
    rows: list[tuple[int, list[Cell]]]
    comments: list[str] = field(default_factory=list)
    delimiter: str | None = None
    json: bool = False
    currency: str | None = None
    timezone: str | None = None


def _from_json(text: str, file: str, ctx: ParseContext) -> _Report:
    tr = ctx.tr()
    try:
        doc = json.loads(text)
        reports = doc.get("reports", [doc]) if isinstance(doc, dict) else []
        header: list[str] = []
        rows: list[tuple[int, list[Cell]]] = []
        meta: dict[str, Any] = {}
        for report in reports:
            names = [h["name"] for h in report.get("dimensionHeaders", [])] + [
                h["name"] for h in report.get("metricHeaders", [])]
            if header and names != header:
                raise ValueError("reports with different columns")
            header = names
            meta = meta or report.get("metadata", {})
            for item in report.get("rows", []):
                cells: list[Cell] = [v.get("value") for v in item.get("dimensionValues", [])]
                cells += [v.get("value") for v in item.get("metricValues", [])]
                rows.append((len(rows) + 1, cells))
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise FileRejected(file, tr("not a GA4 Data API report: {error}", error=str(exc))) from None
    if not header:
        raise FileRejected(file, tr("not a GA4 Data API report: {error}", error="no headers"))
    return _Report(header, rows, json=True, currency=meta.get("currencyCode"),
                   timezone=meta.get("timeZone"))


def _load(path: Path, file: str, ctx: ParseContext) -> _Report:
    data = read_bytes(path, file, ctx.tr())
    if is_xlsx(data):
        sheet = xlsx_sheet(data, file, ctx, (KIND, "sessions"), comments=True)
    else:
        text, encoding = decode(data, file, ctx)
        if text.lstrip().startswith("{"):
            return _from_json(text, file, ctx)
        sheet = csv_sheet(text, file, ctx, comments=True, encoding=encoding)
    return _Report(sheet.header, sheet.rows, sheet.comments, sheet.delimiter)


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for table in (COLUMNS, FALLBACK):
        for i, label in enumerate(header):
            name = table.get(" ".join(label.split()).casefold())
            if name and name not in found:
                found[name] = i
    return found


def _dim(cell: Cell) -> str | None:
    text = as_text(clean_cell(cell))
    return None if text is None or text.casefold() in NOT_SET else text


def _is_total(cells: list[Cell], cols: dict[str, int]) -> bool:
    first = as_text(clean_cell(cells[0])) if cells else None
    if first and first.casefold() in TOTAL_LABELS:
        return True
    dims = [i for name, i in cols.items() if name in DIMENSIONS]
    return bool(dims) and all(clean_cell(cells[i]) is None for i in dims if i < len(cells))


def parse(path: Path, ctx: ParseContext, file: str) -> ParsedImport:
    tr = ctx.tr()
    report = _load(path, file, ctx)
    cols = _columns(report.header)
    labels = {name: report.header[i] for name, i in cols.items()}
    warnings: list[str] = []
    start: date | None = None
    if "date" not in cols and "datehour" not in cols:
        match = next((m for c in report.comments if (m := _START.match(c))), None)
        if match is None:
            raise FileRejected(file, tr("no date column and no '# Start date' line"))
        start = datetime.strptime(match.group(1), "%Y%m%d").date()
        warnings.append(tr("no date column: every row is dated {date}, the report's start date",
                           date=start.isoformat()))
    if "sessions" not in cols and "transaction_id" not in cols:
        raise FileRejected(file, tr(
            "missing required column(s): {missing}; the file has: {found}",
            missing="Sessions", found=", ".join(h for h in report.header if h) or "-"))
    tz = report.timezone or ctx.timezone
    currency = report.currency or ctx.currency
    loc = "en" if report.json or report.delimiter != ";" else ctx.locale
    rows = report.rows
    if rows and not report.json and _is_total(rows[0][1], cols):
        rows = rows[1:]
    problems = Problems(file)
    progress = Progress(ctx, len(rows))
    merged: dict[str, dict[str, Any]] = {}
    for done, (number, cells) in enumerate(rows, start=1):
        progress.tick(done)
        row = _row(number, cells, cols, labels, start, tz, loc, currency, problems, ctx)
        if row is None:
            continue
        old = merged.get(row["id"])
        if old is None:
            merged[row["id"]] = row
            continue
        old["sessions"] += row["sessions"]
        if row["_revenue"] is not None:
            old["_revenue"] = (old["_revenue"] or Decimal(0)) + row["_revenue"]
    progress.finish(len(rows))
    problems.raise_if_any()
    for row in merged.values():
        revenue = row.pop("_revenue")
        row["revenue_minor"] = None if revenue is None else to_minor(revenue, currency)
        row["currency"] = None if revenue is None else currency
    if not rows:
        warnings.append(tr("the file has no data rows"))
    tables = {"sessions": build_frame("sessions", merged.values())}
    return ParsedImport(KIND, file, len(rows), tables, warnings)


def _row(number: int, cells: list[Cell], cols: dict[str, int], labels: dict[str, str],
         start: date | None, tz: str, loc: str, currency: str, problems: Problems,
         ctx: ParseContext) -> dict[str, Any] | None:
    """One report row as a session aggregate, or None after recording its bad cells."""
    tr = ctx.tr()
    ok = True

    def cell(name: str) -> Cell:
        i = cols.get(name)
        return clean_cell(cells[i]) if i is not None and i < len(cells) else None

    def read(name: str, fn: Any, *args: Any) -> Any:
        nonlocal ok
        value = cell(name)
        if value is None:
            return None
        try:
            return fn(value, *args)
        except Invalid as exc:
            problems.add(number, labels[name], tr(exc.msgid, **exc.values))
            ok = False
            return None

    started: datetime | None
    if start is not None:
        started = local_midnight(start, tz)
    elif "datehour" in cols and cell("datehour") is not None:
        started = (read("datehour", parse_datetime, tz, loc) or (None,))[0]
    else:
        day = read("date", parse_date, loc)
        started = local_midnight(day, tz) if day is not None else None
        if day is None and ok:
            problems.add(number, labels.get("date", "date"), tr("required value is missing"))
            ok = False
    source, medium = _dim(cell("source")), _dim(cell("medium"))
    if "source_medium" in cols and source is None and medium is None:
        pair = _dim(cell("source_medium"))
        if pair:
            left, _, right = pair.partition(" / ")
            source, medium = left.strip() or None, right.strip() or None
    sessions = read("sessions", parse_int, loc)
    if sessions is not None and sessions < 0:
        problems.add(number, labels["sessions"], tr("'{value}' must not be negative",
                                                    value=as_text(cell("sessions"))))
        ok = False
    revenue_name = "revenue" if "revenue" in cols else "total_revenue"
    revenue = read(revenue_name, parse_money, currency, loc)
    if not ok or started is None:
        return None
    transaction = _dim(cell("transaction_id"))
    path, click = landing(_dim(cell("landing_qs")) or _dim(cell("landing")))
    row: dict[str, Any] = {
        "source": SOURCE,
        "started_at": started,
        "sessions": sessions if sessions is not None else (1 if transaction else 0),
        "visitor_id": None,
        "utm_source": keys.utm(source),
        "utm_medium": keys.utm(medium),
        "utm_campaign": keys.utm(_dim(cell("campaign"))),
        "utm_content": keys.utm(_dim(cell("content"))),
        "utm_term": keys.utm(_dim(cell("term"))),
        "landing_page": path,
        "referrer": _dim(cell("referrer")),
        "transaction_id": transaction,
        "click_id": click,
        "_revenue": revenue,
    }
    parts = [started.isoformat()] + [
        row[k] or "" for k in ("utm_source", "utm_medium", "utm_campaign", "utm_content",
                               "utm_term", "landing_page", "referrer", "transaction_id",
                               "click_id")]
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False)
    row["id"] = digest.hexdigest()
    return row
