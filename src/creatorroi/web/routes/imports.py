"""The imports page: upload a file, see what importing it would change, import it; the history.

An upload is staged (``creatorroi.uploads``), previewed with nothing written, and imported only
when an analyst presses "Import"; a file with bad cells shows every one of them, in the
reader's language, and is dropped. Size is checked twice: the declared Content-Length before
any byte is read, and the bytes actually received while the form is parsed, because a client
may send no length (chunked) or a false one.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import Message

from creatorroi import uploads
from creatorroi.dashboard.imports import history
from creatorroi.errors import ImportFailed, NotFoundError
from creatorroi.ingest import KIND_NAMES
from creatorroi.ingest.kinds import KINDS, SOURCE_FORMATS
from creatorroi.model.roles import Role
from creatorroi.report.vocab import DATA_TABLES
from creatorroi.uploads import Preview, UploadRejected
from creatorroi.web.deps import Analyst, Ctx, Viewer, WebError, server
from creatorroi.web.render import PageOut, api_page, page_response, render

router = APIRouter()

# Room for the multipart framing and the other fields around the file itself.
BODY_SLACK = 64 * 1024
STATUS = {"too_large": 413, "unsupported_type": 415, "bad_encoding": 422,
          "unknown_kind": 422, "empty": 422}
ENCODINGS = ("utf-8", "utf-16", "cp1252", "latin-1", "cp949", "cp950", "cp1256")
# What each table is called on the preview (English msgids; the report's words first).
TABLE_LABELS = {
    "influencers": "Influencers", "accounts": "Accounts", "campaigns": "Campaigns",
    "goals": "Goals", "tracking_assets": "Tracking assets", "pay_terms": "Pay terms",
    "order_codes": "Orders' discount codes", "emv_rates": "EMV rate card", **DATA_TABLES,
}
UPLOAD_NOT_FOUND = ("This upload is no longer here: it was discarded, imported, or it "
                    "expired after 24 hours. Upload the file again.")


# -- the body limit ------------------------------------------------------------------------
def size_text(n: int) -> str:
    """A byte count in binary units, written the same in every language."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
    return f"{n} B"


def _too_large(limit: int) -> WebError:
    return WebError(413, "The upload is larger than the limit of {limit}.", field="file",
                    limit=size_text(limit))


async def limit_body(request: Request) -> None:
    """Declared before the role check, which reads the form for its CSRF token: from here
    on, reading more than the limit stops the request with 413."""
    limit = server(request).config.max_upload_bytes
    cap = limit + BODY_SLACK
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise WebError(400, "The request's Content-Length is not a number.")
        if int(declared) > cap:
            raise _too_large(limit)
    receive = request.receive
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise _too_large(limit)
        return message

    # Starlette reads the body only through this callable; wrapping it is the one way to
    # count the bytes as they arrive, before the form parser has spooled them all.
    request._receive = counted


BodyLimit = Annotated[None, Depends(limit_body)]


# -- reading the form ----------------------------------------------------------------------
async def _read_upload(request: Request, ctx: Ctx,
                       kind: str | None = None) -> tuple[str, str | None, str | None, bytes]:
    """(kind, encoding, file name, bytes) of the form; the file read up to one byte past the
    limit, so an oversized one is known without holding it all."""
    form = await request.form()
    if kind is None:
        value = form.get("kind")
        kind = value.strip() if isinstance(value, str) else ""
    enc = form.get("encoding")
    encoding = enc.strip() or None if isinstance(enc, str) else None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise UploadRejected("empty", "Choose a file to upload.")
    limit = ctx.server.config.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected("too_large", "The file is larger than the limit of {limit}.",
                             limit=limit)
    return kind, encoding, file.filename, data


def _refusal(ctx: Ctx, exc: UploadRejected) -> str:
    """Why an upload was refused, in the reader's language; sizes in binary units."""
    values = {k: size_text(v) if k in ("size", "limit") and isinstance(v, int) else v
              for k, v in exc.values.items()}
    return ctx.tr(exc.msgid, **values)


def _stage(ctx: Ctx, kind: str, encoding: str | None, name: str | None,
           data: bytes) -> uploads.Staged:
    cfg = ctx.server.config
    return uploads.stage(ctx.ws, kind, name, data, cfg.upload_dir, cfg.max_upload_bytes,
                         encoding=encoding, lang=ctx.lang)


def _kinds(ctx: Ctx) -> list[tuple[str, str]]:
    """Each kind with its description, in the reader's language where translated."""
    return [(k, ctx.tr(KINDS[k].help if k in KINDS else SOURCE_FORMATS[k]))
            for k in KIND_NAMES]


def _form_values(ctx: Ctx, kind: str | None = None,
                 encoding: str | None = None) -> dict[str, Any]:
    return {"kinds": _kinds(ctx), "encodings": ENCODINGS, "kind": kind or "",
            "encoding": encoding or "", "accept": ",".join(uploads.extensions("ga4")),
            "limit": size_text(ctx.server.config.max_upload_bytes),
            "table_labels": TABLE_LABELS, "can_upload": ctx.allows(Role.ANALYST)}


# -- pages ---------------------------------------------------------------------------------
def _imports_page(ctx: Ctx, *, status: int = 200, error: UploadRejected | None = None,
                  kind: str | None = None, encoding: str | None = None,
                  done: str | None = None) -> Response:
    with ctx.server.lock:
        page = history(ctx.ws)
    report = uploads.result(ctx.ws, done, ctx.server.config.upload_dir) if done else None
    errors = {error.field: _refusal(ctx, error)} if error else {}
    return page_response(ctx, page, "imports.html.j2", status=status, errors=errors,
                         report=report, **_form_values(ctx, kind, encoding))


def _preview_page(ctx: Ctx, pv: Preview) -> Response:
    return render(ctx.request, "import_preview.html.j2", ctx=ctx, status=200 if pv.ok else 422,
                  preview=pv, errors={},
                  **_form_values(ctx, pv.staged.kind, pv.staged.encoding))


@router.get("/w/{ws}/imports", include_in_schema=False)
def imports_page(ctx: Viewer, done: Annotated[str | None, Query(max_length=64)] = None
                 ) -> Response:
    return _imports_page(ctx, done=done)


@router.post("/w/{ws}/imports", include_in_schema=False)
async def upload(request: Request, _limit: BodyLimit, ctx: Analyst) -> Response:
    try:
        kind, encoding, name, data = await _read_upload(request, ctx)
    except UploadRejected as exc:
        return await run_in_threadpool(_imports_page, ctx, status=STATUS[exc.code], error=exc)
    return await run_in_threadpool(_stage_and_preview, ctx, kind, encoding, name, data)


def _stage_and_preview(ctx: Ctx, kind: str, encoding: str | None, name: str | None,
                       data: bytes) -> Response:
    try:
        staged = _stage(ctx, kind, encoding, name, data)
    except UploadRejected as exc:
        return _imports_page(ctx, status=STATUS[exc.code], error=exc, kind=kind,
                             encoding=encoding)
    pv = uploads.preview(ctx.ws, staged, ctx.lang, ctx.server.lock)
    if not pv.ok:  # nothing can be done with it but upload a corrected file
        uploads.discard(ctx.ws, staged.id, ctx.server.config.upload_dir)
    return _preview_page(ctx, pv)


@router.post("/w/{ws}/imports/{upload_id}/commit", include_in_schema=False)
def commit(ctx: Analyst, upload_id: str) -> Response:
    cfg = ctx.server.config
    with ctx.server.lock:
        try:
            # a second click finds the receipt; otherwise the staged file must still be here
            if uploads.result(ctx.ws, upload_id, cfg.upload_dir) is None:
                staged = uploads.load(ctx.ws, upload_id, cfg.upload_dir)
            uploads.commit(ctx.ws, upload_id, ctx.lang, cfg.upload_dir)
        except NotFoundError:
            raise WebError(404, UPLOAD_NOT_FOUND) from None
        except ImportFailed as exc:  # the workspace's settings changed since the preview
            return _preview_page(ctx, Preview(staged, 0, (), tuple(exc.errors), exc.total, ()))
    return RedirectResponse(f"/w/{ctx.ws.id}/imports?done={quote(upload_id)}",
                            status_code=303)


@router.post("/w/{ws}/imports/{upload_id}/discard", include_in_schema=False)
def discard(ctx: Analyst, upload_id: str) -> Response:
    uploads.discard(ctx.ws, upload_id, ctx.server.config.upload_dir)
    return RedirectResponse(f"/w/{ctx.ws.id}/imports", status_code=303)


# -- API -----------------------------------------------------------------------------------
class TableChangeOut(BaseModel):
    table: str
    new: int
    changed: int
    unchanged: int
    removed: int


class PreviewOut(BaseModel):
    """What importing the file would do; nothing was written."""

    kind: str
    file: str
    size: int
    sha256: str
    rows_read: int
    new: int
    changed: int
    unchanged: int
    warnings: list[str]
    tables: list[TableChangeOut]


class ReportOut(BaseModel):
    kind: str
    file: str
    rows_read: int
    new: int
    changed: int
    warnings: list[str]


class BadCellOut(BaseModel):
    file: str
    row: int | None
    column: str | None
    reason: str


class BadFileOut(BaseModel):
    detail: str
    field: str | None
    total: int
    errors: list[BadCellOut]


def _preview_json(pv: Preview) -> dict[str, Any]:
    s = pv.staged
    return {"kind": s.kind, "file": s.original, "size": s.size, "sha256": s.sha256,
            "rows_read": pv.rows_read, "new": pv.new, "changed": pv.changed,
            "unchanged": pv.unchanged, "warnings": list(pv.warnings),
            "tables": [{"table": t.table, "new": t.new, "changed": t.changed,
                        "unchanged": t.unchanged, "removed": t.removed} for t in pv.tables]}


def _bad_file(ctx: Ctx, file: str, errors: Any, total: int) -> JSONResponse:
    return JSONResponse({
        "detail": ctx.tr("{file} has {count} bad cells; nothing was imported.", file=file,
                         count=total),
        "field": "file", "total": total,
        "errors": [{"file": file, "row": e.row, "column": e.column, "reason": e.reason}
                   for e in errors]}, status_code=422)


_MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


@router.post("/api/w/{ws}/imports", tags=["imports"], status_code=201, openapi_extra=_MULTIPART,
             summary="Import a file (multipart field `file`), or preview it with dry_run",
             responses={200: {"model": PreviewOut, "description": "dry run: what would change"},
                        201: {"model": ReportOut, "description": "imported"},
                        413: {"description": "over the upload limit"},
                        415: {"description": "not a file type this kind accepts"},
                        422: {"model": BadFileOut, "description": "bad cells or parameters"}})
async def upload_api(request: Request, _limit: BodyLimit, ctx: Analyst,
                     kind: Annotated[str, Query(description="what the file holds",
                                                examples=["shopify-orders"])],
                     dry_run: bool = False,
                     encoding: Annotated[str | None, Query(description="force an encoding")]
                     = None) -> Response:
    cfg = ctx.server.config
    try:
        _, _, name, data = await _read_upload(request, ctx, kind)
        staged = await run_in_threadpool(_stage, ctx, kind, encoding, name, data)
    except UploadRejected as exc:
        return JSONResponse({"detail": _refusal(ctx, exc), "field": exc.field},
                            status_code=STATUS[exc.code])
    if dry_run:
        pv = await run_in_threadpool(uploads.preview, ctx.ws, staged, ctx.lang,
                                     ctx.server.lock)
        uploads.discard(ctx.ws, staged.id, cfg.upload_dir)
        if not pv.ok:
            return _bad_file(ctx, staged.original, pv.errors, pv.total_errors)
        return JSONResponse(_preview_json(pv), status_code=200)

    def run() -> Any:
        with ctx.server.lock:
            return uploads.commit(ctx.ws, staged.id, ctx.lang, cfg.upload_dir)

    try:
        report = await run_in_threadpool(run)
    except ImportFailed as exc:
        return _bad_file(ctx, staged.original, exc.errors, exc.total)
    return JSONResponse({"kind": report.kind, "file": report.file,
                         "rows_read": report.rows_read, "new": report.new,
                         "changed": report.changed, "warnings": list(report.warnings)},
                        status_code=201)


@router.get("/api/w/{ws}/imports", response_model=PageOut, tags=["imports"],
            summary="Import history: when, kind, file, rows read, new, changed, SHA-256")
def imports_api(ctx: Viewer) -> dict[str, Any]:
    with ctx.server.lock:
        page = history(ctx.ws)
    return api_page(page)
