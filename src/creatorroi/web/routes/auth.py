"""Logging in and out, the language picker, the workspace list and the user's API tokens."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from creatorroi.i18n import SUPPORTED
from creatorroi.web.app import secure_cookies
from creatorroi.web.deps import (
    LANG_COOKIE,
    SESSION_COOKIE,
    SignedIn,
    WebError,
    check_csrf,
    identify,
    server,
    visitor_of,
    workspaces_of,
)
from creatorroi.web.render import render

router = APIRouter()

# Failed logins per client address: after FAILURES within WINDOW seconds, wait.
FAILURES, WINDOW = 10, 15 * 60
_failed: dict[str, deque[float]] = defaultdict(deque)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//evil.example`` or ``https://...``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _throttled(host: str) -> bool:
    now = time.monotonic()
    q = _failed[host]
    while q and q[0] < now - WINDOW:
        q.popleft()
    return len(q) >= FAILURES


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:
    v = visitor_of(request)
    if v.user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html.j2", next=_safe_next(next), error=None, email="")


@router.post("/login", include_in_schema=False)
async def login(request: Request, email: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "",
                next: Annotated[str, Form()] = "/") -> Response:
    srv = server(request)
    v = await identify(request)
    await check_csrf(request, srv, v)
    host = request.client.host if request.client else "?"
    if _throttled(host):
        raise WebError(429, "Too many failed logins. Wait a few minutes and try again.")
    with srv.lock:
        user = srv.accounts.authenticate(email, password)
        secret = srv.accounts.open_session(user.id) if user else None
    if user is None or secret is None:
        _failed[host].append(time.monotonic())
        return render(request, "login.html.j2", status=400, next=_safe_next(next),
                      error="Wrong e-mail or password.", email=email)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax",
                        secure=secure_cookies(request), max_age=14 * 86400, path="/")
    if user.lang:
        response.set_cookie(LANG_COOKIE, user.lang, samesite="lax", path="/",
                            secure=secure_cookies(request), max_age=365 * 86400)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, v: SignedIn) -> Response:
    srv = server(request)
    if v.session:
        with srv.lock:
            srv.accounts.close_session(v.session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/lang", include_in_schema=False)
async def set_language(request: Request, lang: Annotated[str, Form()],
                       next: Annotated[str, Form()] = "/") -> Response:
    srv = server(request)
    v = await identify(request)
    await check_csrf(request, srv, v)
    if lang not in SUPPORTED:
        raise WebError(422, "Unknown language {lang}.", field="lang", lang=lang)
    if v.user is not None and not v.local:
        with srv.lock:
            srv.accounts.set_lang(v.user.id, lang)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, lang, samesite="lax", path="/",
                        secure=secure_cookies(request), max_age=365 * 86400)
    return response


@router.get("/", include_in_schema=False)
def home(request: Request, v: SignedIn) -> Response:
    srv = server(request)
    with srv.lock:
        spaces = workspaces_of(srv, v)
    if len(spaces) == 1:
        return RedirectResponse(f"/w/{spaces[0][0]}", status_code=303)
    return render(request, "home.html.j2", spaces=spaces)


@router.get("/account", include_in_schema=False)
def account(request: Request, v: SignedIn) -> Response:
    srv = server(request)
    tokens: list[Any] = []
    if v.user is not None and not v.local:
        with srv.lock:
            tokens = srv.accounts.tokens(v.user.id)
    return render(request, "account.html.j2", tokens=tokens, created=None)


@router.post("/account/tokens", include_in_schema=False)
def create_token(request: Request, v: SignedIn,
                 name: Annotated[str, Form()] = "") -> Response:
    srv = server(request)
    if v.local or v.user is None:
        raise WebError(400, "API tokens need a user account: create one with "
                            "`creatorroi users add`.")
    if not name.strip() or len(name) > 100:
        raise WebError(422, "Give the token a name (at most 100 characters).", field="name")
    with srv.lock:
        token = srv.accounts.create_token(v.user.id, name)
        tokens = srv.accounts.tokens(v.user.id)
    return render(request, "account.html.j2", tokens=tokens, created=token)


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def revoke_token(request: Request, token_id: str,
                 v: SignedIn) -> Response:
    srv = server(request)
    if v.user is not None and not v.local:
        with srv.lock:
            srv.accounts.revoke_token(v.user.id, token_id)
    return RedirectResponse("/account", status_code=303)


class WorkspaceOut(BaseModel):
    id: str
    name: str
    role: str


class MeOut(BaseModel):
    email: str
    name: str
    lang: str
    local: bool
    workspaces: list[WorkspaceOut]


@router.get("/api/me", response_model=MeOut, tags=["account"],
            summary="Who the token belongs to, and the workspaces it opens")
def me(request: Request, v: SignedIn) -> dict[str, Any]:
    srv = server(request)
    assert v.user is not None
    with srv.lock:
        spaces = workspaces_of(srv, v)
    return {"email": v.user.email, "name": v.user.name, "lang": v.lang, "local": v.local,
            "workspaces": [{"id": i, "name": n, "role": r.value} for i, n, r in spaces]}
