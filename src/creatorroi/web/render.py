"""Turning page data into answers: HTML through Jinja2, CSV per table, JSON for the API."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from pydantic import BaseModel, Field

from creatorroi.dashboard import Page, page_json, table_csv
from creatorroi.dashboard.common import scope_memo
from creatorroi.report.model import Chart, Kind, Table
from creatorroi.report.render.charts import svg
from creatorroi.report.render.fmt import Formatter
from creatorroi.web.cache import LRU, PageCache, page_key
from creatorroi.web.deps import Ctx, WebError, csrf_token, server, visitor_of, workspaces_of
from creatorroi.web.i18n import web_translator

CSV_TYPE = "text/csv; charset=utf-8"
JSONValue = str | int | float | bool | None


# -- API schema ----------------------------------------------------------------------------
class FigureOut(BaseModel):
    key: str
    label: str
    kind: str
    value: JSONValue = Field(description="money as an exact decimal string")


class ColumnOut(BaseModel):
    key: str
    label: str
    kind: str


class TableOut(BaseModel):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


class SeriesOut(BaseModel):
    name: str
    values: list[float | None]


class ChartOut(BaseModel):
    key: str
    title: str
    kind: str
    unit: str
    categories: list[str]
    series: list[SeriesOut]
    marks: list[list[str]]


class SentenceOut(BaseModel):
    msgid: str
    tone: str
    values: dict[str, Any]


class PeriodOut(BaseModel):
    start: str | None
    end: str | None


class PageOut(BaseModel):
    """Every number a page shows: figures, tables, charts, in the workspace currency."""

    page: str
    title: str
    currency: str
    period: PeriodOut
    figures: list[FigureOut]
    tables: list[TableOut]
    charts: list[ChartOut]
    sentences: list[SentenceOut]
    extra: dict[str, Any]


# JSON of the pages last served, by page object (held, so its id is not reused meanwhile).
_JSON = LRU(64)


def api_page(page: Page) -> dict[str, Any]:
    """The page as JSON values; a cached page's are computed once (nobody edits them: FastAPI
    only reads them to validate and encode the answer)."""
    hit = _JSON.get(id(page))
    if hit is not None and hit[0] is page:
        return hit[1]
    out = page_json(page)
    _JSON[id(page)] = (page, out)
    return out


# -- cached page building --------------------------------------------------------------------
def cached_page(ctx: Ctx, name: str, params: tuple[Hashable, ...],
                build: Callable[[], Page]) -> Page:
    """Build a page under the store lock, once per workspace revision and filters; the facts
    pulled for it serve every other page of the same revision and period."""
    srv = ctx.server
    cache = srv_cache(ctx)
    with srv.lock:
        revision = srv.store.revision(ctx.ws.id)
        key = page_key(ctx.ws.id, revision, name, *params)
        with scope_memo(cache.scope_memo(ctx.ws.id, revision)):
            return cache.get(key, build)


def srv_cache(ctx: Ctx) -> PageCache:
    cache: PageCache = ctx.request.app.state.page_cache
    return cache


# -- HTML ----------------------------------------------------------------------------------
# Values already formatted, by language, currency, zone, kind and the value's exact repr (so
# Decimal("1.0") and Decimal("1.00"), or 1 and 1.0, stay apart): a cached page shows the same
# values on every view, and Babel takes tens of microseconds a number.
_FORMATTED = LRU(50_000)


def value_filter(fmt: Formatter) -> Callable[[Any, Kind], str]:
    def fmt_value(value: Any, kind: Kind = "text") -> str:
        if value is None or isinstance(value, str):
            return fmt.value(value, kind)
        key = (fmt.lang, fmt.currency, fmt.timezone, kind, type(value), repr(value))
        text: str | None = _FORMATTED.get(key)
        if text is None:
            text = fmt.value(value, kind)
            _FORMATTED[key] = text
        return text
    return fmt_value


def chart_svg(fmt: Formatter, tr: Callable[..., str],
              fragments: Any = None) -> Callable[[Chart], Markup]:
    """The chart as inline SVG; a cached page's chart is drawn once per language."""
    def draw(chart: Chart) -> Markup:
        if fragments is None:
            return Markup(svg(chart, fmt, tr))  # the chart escapes every text it draws
        key = ("svg", id(chart), fmt.lang, fmt.currency, fmt.timezone)
        hit = fragments.get(key)
        if hit is not None and hit[0] is chart:
            html: Markup = hit[1]
            return html
        html = Markup(svg(chart, fmt, tr))
        fragments[key] = (chart, html)
        return html
    return draw


def sort_value(value: Any) -> str:
    """What a column sorts by in the browser: numbers and ISO dates as plain text."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


# Text columns whose values are words of our vocabulary (translated), not names (shown as given).
VOCAB_COLUMNS = frozenset({"call", "group", "status", "category", "method", "funnel_stage",
                           "goal_family", "kind", "role", "platform", "content_type", "tier",
                           "state", "metric", "action", "severity", "pacing", "source",
                           "stage", "compliance"})


def query_with(request: Request) -> Callable[..., str]:
    def build(**changes: Any) -> str:
        params = dict(request.query_params)
        params.update({k: str(v) for k, v in changes.items() if v is not None})
        return urlencode(params)
    return build


def cell_text(tr: Callable[..., str]) -> Callable[[str, str, str], str]:
    def text(table: str, column: str, value: str) -> str:
        return tr(value) if column in VOCAB_COLUMNS else value
    return text


def rows_html(t: Table, fmt: Formatter, text: Callable[[str, str, str], str]) -> Markup:
    """The ``<tr>`` rows of ``macros.data_table``: each cell sorts by ``data-v`` (its raw
    value) and shows the value formatted by its kind, or translated vocabulary."""
    cols = t.columns
    out = []
    for r, row in enumerate(t.rows):
        cells = ["<tr>"]
        for i, c in enumerate(cols):
            value = row[i]
            kind = t.kind(r, i)
            if kind == "text" and isinstance(value, str):
                # names, handles and codes keep their own direction inside a Persian page
                shown = escape(text(t.key, c.key, value))
                if c.key not in VOCAB_COLUMNS:
                    shown = Markup("<bdi>") + shown + Markup("</bdi>")
            else:
                shown = Markup("<bdi>") + escape(fmt.value(value, kind)) + Markup("</bdi>")
            cells.append(f'<td data-v="{escape(sort_value(value))}" class="k-{escape(kind)}">'
                         f"{shown}</td>")
        cells.append("</tr>\n")
        out.append("".join(cells))
    return Markup("".join(out))


def table_rows(fmt: Formatter, tr: Callable[..., str],
               fragments: Any = None) -> Callable[[Table], Markup]:
    """``rows_html`` for one language; a cached page's table is formatted once per language
    (5,000 cells of a 500-influencer table cost more than everything else on the page)."""
    text = cell_text(tr)

    def rows(t: Table) -> Markup:
        if fragments is None:
            return rows_html(t, fmt, text)
        key = (id(t), fmt.lang, fmt.currency, fmt.timezone)
        hit = fragments.get(key)
        if hit is not None and hit[0] is t:
            html: Markup = hit[1]
            return html
        html = rows_html(t, fmt, text)
        fragments[key] = (t, html)
        return html
    return rows


def render(request: Request, template: str, *, ctx: Ctx | None = None, status: int = 200,
           **values: Any) -> HTMLResponse:
    """A template in the visitor's language; inside a workspace, pass its ``ctx``."""
    srv = server(request)
    with srv.lock:   # a visitor not yet identified is looked up in the store (session)
        v = visitor_of(request)
        spaces = workspaces_of(srv, v)
    tr = ctx.tr if ctx else web_translator(v.lang)
    fmt = ctx.fmt if ctx else Formatter(v.lang, "EUR")
    env = request.app.state.templates
    cache = getattr(request.app.state, "page_cache", None)
    fragments = cache.fragments if cache else None
    html = env.get_template(template).render(
        ctx=ctx, ws=ctx.ws if ctx else None, role=ctx.role if ctx else None, visitor=v,
        _=tr, lang=v.lang, rtl=fmt.rtl, csrf=csrf_token(srv, v), v=value_filter(fmt), fmt=fmt,
        chart=chart_svg(fmt, tr, fragments), sort_value=sort_value, workspaces=spaces,
        request=request, local=v.local, query_with=query_with(request),
        cell_text=cell_text(tr), table_rows=table_rows(fmt, tr, fragments), **values)
    return HTMLResponse(html, status_code=status)


def csv_response(table: Table, filename: str) -> Response:
    # A byte-order mark so Excel opens UTF-8 (Korean, Persian handles) correctly.
    body = "\ufeff" + table_csv(table)
    return Response(body, media_type=CSV_TYPE,
                    headers={"content-disposition": f'attachment; filename="{filename}.csv"'})


def page_response(ctx: Ctx, page: Page, template: str, **values: Any) -> Response:
    """The page as HTML, or one of its tables as CSV when asked ``?format=csv&table=KEY``."""
    request: Request = ctx.request
    if request.query_params.get("format") == "csv":
        key = request.query_params.get("table", "")
        try:
            table = page.table(key)
        except KeyError:
            raise WebError(404, "This page has no table {table}.", field="table",
                           table=key) from None
        return csv_response(table, f"{ctx.ws.id}-{page.key}-{key}")
    return render(request, template, ctx=ctx, page=page, **values)
