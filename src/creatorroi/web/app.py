"""The FastAPI application: one store, the routers, and how errors and cookies are answered."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from creatorroi.accounts import Accounts
from creatorroi.errors import CreatorROIError, NotFoundError
from creatorroi.web.cache import PageCache
from creatorroi.web.config import WebConfig
from creatorroi.web.deps import (
    ANON_COOKIE,
    LANG_COOKIE,
    LoginRequired,
    Server,
    WebError,
    server,
)
from creatorroi.web.i18n import environment, pick_language, web_translator

STATIC = Path(__file__).parent / "static"
# Inline SVG charts carry presentation attributes, hence 'unsafe-inline' for styles only;
# no script runs unless it is one of our own files.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def create_app(config: WebConfig | str) -> FastAPI:
    from creatorroi.web.routes import ROUTERS
    from creatorroi.workspace import open_store

    if isinstance(config, str):
        config = WebConfig(config)
    store_app = open_store(config.store_url)
    accounts = Accounts(store_app.store)
    srv = Server(config, store_app, accounts, accounts.server_secret(), threading.RLock())

    app = FastAPI(title="creatorroi", version="0.1.0",
                  description="Every number the creatorroi dashboard shows, as JSON. "
                              "Authenticate with `Authorization: Bearer cr_...` "
                              "(`creatorroi users token`). Money is an exact decimal string "
                              "in the workspace currency.",
                  openapi_url="/api/openapi.json", docs_url="/api/docs", redoc_url=None)
    app.state.server = srv
    app.state.templates = environment()
    app.state.page_cache = PageCache()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _install_handlers(app)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("content-security-policy", CSP)
        response.headers.setdefault("x-content-type-options", "nosniff")
        response.headers.setdefault("referrer-policy", "same-origin")
        response.headers.setdefault("x-frame-options", "DENY")
        if not request.url.path.startswith("/static"):
            response.headers.setdefault("cache-control", "no-store")
        anon = getattr(request.state, "new_anon", None)
        if anon:
            response.set_cookie(ANON_COOKIE, anon, httponly=True, samesite="lax",
                                secure=secure_cookies(request), path="/")
        return response

    return app


def secure_cookies(request: Request) -> bool:
    forced = server(request).config.secure_cookies
    if forced is not None:
        return forced
    return request.url.scheme == "https"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _message(request: Request, message: str, values: dict[str, object]) -> str:
    # The visitor found by the route's dependencies; else the cookie or the browser's
    # language, without reading the store from the event loop.
    known = getattr(request.state, "visitor", None)
    lang = known.lang if known is not None else pick_language(
        None, request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    return web_translator(lang)(message, **values)


def _error(request: Request, status: int, message: str, field: str | None = None,
           values: dict[str, object] | None = None,
           fields: list[dict[str, str]] | None = None) -> Response:
    values = values or {}
    text = _message(request, message, values)
    if _is_api(request):
        body: dict[str, Any] = {"detail": text, "field": field}
        if fields:
            body["fields"] = fields
        return JSONResponse(body, status_code=status)
    from creatorroi.web.render import render

    try:
        return render(request, "error.html.j2", status=status, status_code=status,
                      message=text, fields=fields or [])
    except WebError:
        return Response(text, status_code=status, media_type="text/plain; charset=utf-8")


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": _message(request, exc.message, {}), "field": None},
                                status_code=401,
                                headers={"www-authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        return _error(request, exc.status, exc.message, exc.field, exc.values)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(CreatorROIError)
    async def user_error(request: Request, exc: CreatorROIError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = []
        for e in exc.errors():
            loc = [str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body")]
            fields.append({"field": ".".join(loc) or "request", "reason": str(e.get("msg"))})
        first = fields[0]["field"] if fields else None
        return _error(request, 422, "Some values are not valid: {fields}.", first,
                      {"fields": ", ".join(f["field"] for f in fields)}, fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "Page not found.", 405: "This address does not accept that method.",
                    413: "The upload is too large."}
        message = messages.get(exc.status_code, str(exc.detail))
        return _error(request, exc.status_code, message)
