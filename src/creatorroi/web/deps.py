"""Who is asking, in which language, for which workspace, and may she: decided once, here.

Every page and API route inside a workspace takes ``Ctx`` from ``in_workspace(role)``, so no
route can forget a check:

* the visitor is known by session cookie, by ``Authorization: Bearer cr_...`` token, or, only
  in local mode (a DuckDB store with no users, request from this computer), as the local owner;
* a workspace she is not a member of answers 404, exactly like one that does not exist, so its
  name does not leak; a role too low for the route answers 403;
* an unsafe method (POST, PUT, PATCH, DELETE) by cookie must carry the CSRF token, as the form
  field ``csrf_token`` or the ``X-CSRF-Token`` header; a token-authenticated script needs none,
  because a browser never sends that header on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import anyio
from fastapi import Depends, Query, Request

from creatorroi.accounts import Accounts, User
from creatorroi.dashboard import Period
from creatorroi.model.roles import Role
from creatorroi.report.render.fmt import Formatter
from creatorroi.web.config import WebConfig, is_loopback
from creatorroi.web.i18n import pick_language, web_translator

if TYPE_CHECKING:
    from creatorroi.workspace import App, Workspace

SESSION_COOKIE = "cr_session"
ANON_COOKIE = "cr_anon"
LANG_COOKIE = "cr_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOCAL_USER = User("local", "local@localhost", "Local user", None)


class WebError(Exception):
    """An HTTP answer with a message a user reads (an English msgid, translated on display)."""

    def __init__(self, status: int, message: str, field: str | None = None,
                 **values: object):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.values = values


class LoginRequired(WebError):
    def __init__(self) -> None:
        super().__init__(401, "Please log in.")


@dataclass
class Server:
    """What every request shares: the store (one connection, used by one request at a time)."""

    config: WebConfig
    app: App
    accounts: Accounts
    secret: bytes
    lock: threading.RLock

    @property
    def store(self) -> Any:
        return self.app.store

    def local_mode(self, client_host: str | None) -> bool:
        """No login: allowed only on a DuckDB store with no users, from this computer."""
        return (self.config.allow_local and self.store.backend == "duckdb"
                and is_loopback(client_host) and not self.accounts.has_users())


def server(request: Request) -> Server:
    return request.app.state.server


@dataclass
class Visitor:
    user: User | None        # None: not logged in
    local: bool              # local single-user mode
    via_token: bool          # authenticated by API token (no CSRF needed)
    lang: str
    anon: str | None         # the anonymous cookie's value, when not logged in
    session: str | None      # the session cookie's value, when logged in by cookie


def _binding(v: Visitor) -> str:
    if v.session:
        return "s:" + v.session
    if v.local:
        return "local"
    return "a:" + (v.anon or "")


def csrf_token(srv: Server, v: Visitor) -> str:
    """A token bound to this session (or this anonymous browser): HMAC, nothing stored."""
    return hmac.new(srv.secret, _binding(v).encode(), hashlib.sha256).hexdigest()


def visitor_of(request: Request) -> Visitor:
    """Identify the caller; cached on the request so every dependency sees the same one.

    Takes the store lock (reentrant): the shared connection must not be read while a page
    is being built on it. From async code call ``identify``, which waits in a thread.
    """
    cached = getattr(request.state, "visitor", None)
    if cached is not None:
        return cached
    srv = server(request)
    with srv.lock:
        return _identify(request, srv)


async def identify(request: Request) -> Visitor:
    """``visitor_of`` without blocking the event loop while a page build holds the store."""
    cached = getattr(request.state, "visitor", None)
    if cached is not None:
        return cached
    return await anyio.to_thread.run_sync(visitor_of, request)


def _identify(request: Request, srv: Server) -> Visitor:
    user: User | None = None
    via_token = local = False
    session = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = srv.accounts.token_user(auth[7:].strip())
        if user is None:
            raise WebError(401, "This API token is not valid.")
        via_token = True
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            user = srv.accounts.session_user(cookie)
            session = cookie if user is not None else None
        if user is None and srv.local_mode(request.client.host if request.client else None):
            user, local = LOCAL_USER, True
    lang = pick_language(user.lang if user and not local else None,
                         request.cookies.get(LANG_COOKIE),
                         request.headers.get("accept-language"))
    anon = None if (session or via_token) else request.cookies.get(ANON_COOKIE)
    if anon is None and not (session or via_token):
        anon = secrets.token_urlsafe(16)
        request.state.new_anon = anon
    v = Visitor(user, local, via_token, lang, anon, session)
    request.state.visitor = v
    return v


@dataclass
class Ctx:
    """A request inside one workspace, by someone allowed there."""

    request: Request
    server: Server
    visitor: Visitor
    ws: Workspace
    role: Role
    lang: str
    tr: Callable[..., str]
    fmt: Formatter
    csrf: str

    @property
    def user(self) -> User:
        assert self.visitor.user is not None
        return self.visitor.user

    def allows(self, role: Role) -> bool:
        return self.role.allows(role)


def role_of(srv: Server, v: Visitor, workspace_id: str) -> Role | None:
    if v.user is None:
        return None
    if v.local:
        ids = {r[0] for r in srv.store.fetch("SELECT id FROM workspaces")}
        return Role.OWNER if workspace_id in ids else None
    return srv.accounts.role_in(v.user.id, workspace_id)


def workspaces_of(srv: Server, v: Visitor) -> list[tuple[str, str, Role]]:
    """(id, name, role) of every workspace the visitor may open."""
    if v.user is None:
        return []
    if v.local:
        return [(i, n, Role.OWNER) for i, n in
                srv.store.fetch("SELECT id, name FROM workspaces ORDER BY name, id")]
    return [(m.workspace_id, m.workspace_name, m.role)
            for m in srv.accounts.memberships(v.user.id)]


async def check_csrf(request: Request, srv: Server, v: Visitor) -> None:
    if request.method in SAFE_METHODS or v.via_token:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_token(srv, v)):
        raise WebError(403, "This form has expired or did not come from this site. "
                            "Reload the page and try again.")


def in_workspace(needed: Role = Role.VIEWER) -> Callable[..., Awaitable[Ctx]]:
    """Dependency: the request's ``Ctx`` for path parameter ``ws``, or 401/403/404."""

    def admit(request: Request, ws: str) -> tuple[Visitor, Role, Workspace]:
        srv = server(request)
        with srv.lock:
            v = visitor_of(request)
            if v.user is None:
                raise LoginRequired()
            role = role_of(srv, v, ws)
            if role is None:
                raise WebError(404, "No such workspace.")
            if not role.allows(needed):
                raise WebError(403, "Your role in this workspace ({role}) cannot do this.",
                               role=role.value)
            return v, role, srv.app.workspace(ws)

    async def dependency(request: Request, ws: str) -> Ctx:
        srv = server(request)
        # in a thread: waiting for the store lock must not stall the event loop
        v, role, workspace = await anyio.to_thread.run_sync(admit, request, ws)
        await check_csrf(request, srv, v)
        lang = v.lang
        return Ctx(request, srv, v, workspace, role, lang, web_translator(lang),
                   Formatter(lang, workspace.currency, workspace.timezone),
                   csrf_token(srv, v))

    return dependency


async def signed_in(request: Request) -> Visitor:
    """Dependency for routes outside a workspace that still need a user (and CSRF on POST)."""
    srv = server(request)
    v = await identify(request)
    if v.user is None:
        raise LoginRequired()
    await check_csrf(request, srv, v)
    return v


def period(start: Annotated[date | None, Query(description="first local day (ISO date)")] = None,
           end: Annotated[date | None, Query(description="last local day (ISO date)")] = None,
           ) -> Period:
    if start is not None and end is not None and start > end:
        raise WebError(422, "The period starts on {start} but ends on {end}.", field="start",
                       start=start.isoformat(), end=end.isoformat())
    return Period(start, end)



# What routes declare: ``def page(ctx: Viewer, p: PeriodQ)``.
Viewer = Annotated[Ctx, Depends(in_workspace(Role.VIEWER))]
Analyst = Annotated[Ctx, Depends(in_workspace(Role.ANALYST))]
Owner = Annotated[Ctx, Depends(in_workspace(Role.OWNER))]
PeriodQ = Annotated[Period, Depends(period)]
SignedIn = Annotated[Visitor, Depends(signed_in)]
