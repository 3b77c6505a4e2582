"""The redirect service as a plain ASGI app (no framework: it answers one kind of request,
as fast as it can, and stores every click before answering).

Answers, checked in this order (only a 302 is a click, and only a 302 is stored):

* method other than GET or HEAD: ``405`` with ``Allow: GET, HEAD``;
* path + query longer than 2048 bytes: ``414``;
* ``/healthz``: ``200 ok``; ``/robots.txt``: ``200``, ``Disallow: /``;
* a slug that is not 1-128 of ``A-Z a-z 0-9 . _ ~ -`` (``/../etc``, ``/%00``,
  ``/a%0d%0aSet-Cookie:x``, a second path segment): ``400``; ``/`` gets the 404 page;
* an unknown slug (``/favicon.ico`` included): ``404`` with a small HTML page;
* a client over its rate limit: ``429`` with ``Retry-After: <seconds>``;
* more than ``max_pending`` clicks waiting for the disk, or the write/fsync failed:
  ``503`` with ``Retry-After: 1``;
* a known slug: ``302``, ``Location``, ``Cache-Control: no-store``,
  ``Referrer-Policy: strict-origin-when-cross-origin``, no body; stored before it is sent.

A HEAD is answered like a GET but stored with ``is_bot=True, bot_reason="head-request"``:
browsers never navigate with HEAD, link previewers do, and every click id handed out in a
``Location`` stays traceable to a record. Refused requests are not stored, so a flood can
neither fill the disk nor inflate clicks.

``Location`` is the link's destination, then ``cr_click=<click id>``, then the request's own
query parameters except ``utm_*``, ``cr_click`` and any parameter the destination already
has: the link's parameters always win. Everything in it is percent-encoded ASCII, so no
header can be injected through it; no other request data is ever echoed.

The client address is the socket peer, unless the peer is a trusted proxy: then it is the
right-most ``X-Forwarded-For`` address that is not a trusted proxy (a malformed header is
ignored and the peer stands). It is stored only as ``sha256(salt + address)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote_from_bytes, unquote_to_bytes

from creatorroi.errors import ConfigError
from creatorroi.links.bots import MAX_USER_AGENT, PREFETCH_HEADERS, bot_reason, user_agent_reason
from creatorroi.links.clicklog import (
    ClickLog,
    ClickLogError,
    Overloaded,
    format_line,
    iso_utc,
    new_click_id,
)
from creatorroi.links.config import SLUG_RE, Destination, ServiceConfig, host_allowed
from creatorroi.links.ratelimit import RateLimiter, retry_after
from creatorroi.model.keys import canonical_ip

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONFIG_ENV = "CREATORROI_LINKS_CONFIG"
MAX_TARGET = 2048  # bytes of path + query
MAX_REFERRER = 1024
REFERRER_POLICY = b"strict-origin-when-cross-origin"
_QUERY_SAFE = b"!$'()*+,;=:@/?%-._~"

_PREFETCH_NAMES = {name.encode("latin-1"): name for name in PREFETCH_HEADERS}

_NOT_FOUND_HTML = (b"<!doctype html><html lang=en><meta charset=utf-8>"
                   b"<meta name=robots content=noindex><title>Link not found</title>"
                   b"<body style=\"font:16px system-ui;margin:4em auto;max-width:30em\">"
                   b"<h1>Link not found</h1><p>This link does not exist or has expired."
                   b"</p></body></html>\n")


def _headers(content_type: bytes, body: bytes, *extra: tuple[bytes, bytes]) -> list[
        tuple[bytes, bytes]]:
    return [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"), *extra]


_TEXT = b"text/plain; charset=utf-8"
_CANNED: dict[int, tuple[bytes, list[tuple[bytes, bytes]]]] = {}
for _status, _body, _ctype in (
        (200, b"ok\n", _TEXT),
        (400, b"Bad request: malformed link.\n", _TEXT),
        (404, _NOT_FOUND_HTML, b"text/html; charset=utf-8"),
        (414, b"Request target too long.\n", _TEXT),
        (500, b"Internal error.\n", _TEXT)):
    _CANNED[_status] = (_body, _headers(_ctype, _body))
_ROBOTS = b"User-agent: *\nDisallow: /\n"
_ROBOTS_HEADERS = _headers(_TEXT, _ROBOTS)
_405 = b"Method not allowed.\n"
_405_HEADERS = _headers(_TEXT, _405, (b"allow", b"GET, HEAD"))
_429 = b"Too many requests.\n"
_503 = b"Service busy, try again.\n"


class RedirectApp:
    """The ASGI application; build it with ``create_app``."""

    def __init__(self, config: ServiceConfig, *, clicklog: ClickLog | None = None,
                 limiter: RateLimiter | None = None) -> None:
        self.config = config
        self.links = dict(config.links)
        # Defence in depth: ServiceConfig already refused such links; check once more here,
        # so a redirect can only ever lead to an allowed host.
        self.destinations: dict[str, Destination] = {}
        for slug, dest in config.destinations.items():
            if not host_allowed(dest.host, config.allowed_domains):
                raise ConfigError(f"link {slug!r}: host {dest.host!r} is not allowed")
            if config.click_param.lower() in dest.own_keys:
                raise ConfigError(f"link {slug!r}: its destination already has "
                                  f"{config.click_param}=")
            self.destinations[slug] = dest
        self.click_param = config.click_param
        self._click_key = config.click_param.lower()
        # "https://host/path?utm...&cr_click=" and "#fragment", ready to join with a click id
        self._prefix = {slug: (f"{d.base}?{d.query}&" if d.query else f"{d.base}?")
                        .encode("ascii") + config.click_param.encode("ascii") + b"="
                        for slug, d in self.destinations.items()}
        self.salt = config.salt
        self.proxies = config.proxy_networks
        self.clicklog = clicklog or ClickLog(config.log_dir, fsync=config.fsync)
        self.limiter = limiter or RateLimiter(config.rate_limit_per_minute, config.rate_burst)
        self._trusted = lru_cache(maxsize=4096)(self._is_trusted)
        self._visitor = lru_cache(maxsize=65536)(self._hash_ip)

    # --- ASGI entry -----------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            try:
                await self.http(scope, send)
            except Exception:
                # A bug must not hang the client; if the answer had started, this fails too.
                body, headers = _CANNED[500]
                with contextlib.suppress(Exception):
                    await _send(send, 500, headers, body, scope["method"] == "HEAD")
                raise
        elif kind == "lifespan":
            await self.lifespan(receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await asyncio.get_running_loop().run_in_executor(None, self.clicklog.open)
                except OSError as exc:
                    await send({"type": "lifespan.startup.failed",
                                "message": f"cannot open click log: {exc}"})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.clicklog.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # --- one request ----------------------------------------------------------------------

    async def http(self, scope: Scope, send: Send) -> None:
        method = scope["method"]
        head = method == "HEAD"
        if method != "GET" and not head:
            await _send(send, 405, _405_HEADERS, _405, False)
            return
        path: str = scope["path"]
        query: bytes = scope.get("query_string", b"")
        raw_path: bytes = scope.get("raw_path") or path.encode("utf-8", "surrogateescape")
        if len(raw_path) + len(query) > MAX_TARGET:
            await _canned(send, 414, head)
            return
        if path == "/healthz":
            await _canned(send, 200, head)
            return
        if path == "/robots.txt":
            await _send(send, 200, _ROBOTS_HEADERS, _ROBOTS, head)
            return
        slug = path[1:]
        if slug.endswith("/"):
            slug = slug[:-1]
        if not SLUG_RE.fullmatch(slug):
            await _canned(send, 404 if path == "/" else 400, head)
            return
        slug = slug.lower()
        dest = self.destinations.get(slug)
        if dest is None:  # favicon.ico included: reserved, never a link
            await _canned(send, 404, head)
            return

        user_agent = referrer = None
        forwarded: bytes | None = None
        marks: dict[str, str] = {}
        for name, value in scope["headers"]:
            if name == b"user-agent":
                user_agent = value[:MAX_USER_AGENT].decode("latin-1")
            elif name == b"referer":
                referrer = value[:MAX_REFERRER].decode("latin-1")
            elif name == b"x-forwarded-for":
                forwarded = value if forwarded is None else forwarded + b"," + value
            elif name in _PREFETCH_NAMES:
                marks[_PREFETCH_NAMES[name]] = value.decode("latin-1")

        client = scope.get("client")
        ip = client[0] if client else None
        if ip and self.proxies and self._trusted(ip):
            ip = self._forwarded_client(forwarded) or ip
        visitor, bucket = self._visitor(ip) if ip else (None, None)

        if bucket is not None and self.limiter.rate > 0:
            wait = self.limiter.check(bucket)
            if wait:
                await _refuse(send, 429, _429, retry_after(wait), head)
                return

        reason = bot_reason(user_agent, marks) if marks else \
            user_agent_reason(user_agent) if user_agent else "empty-user-agent"
        if head and reason is None:
            reason = "head-request"
        link = self.links[slug]
        now = time.time_ns()
        click_id = new_click_id(now)
        line = format_line(click_id, slug, iso_utc(now), visitor, user_agent, referrer,
                           reason is not None, reason, link.workspace_id, link.asset_id)
        try:
            await self.clicklog.append(line)
        except (Overloaded, ClickLogError):
            await _refuse(send, 503, _503, "1", head)
            return
        await send({"type": "http.response.start", "status": 302, "headers": [
            (b"location", self.location(slug, dest, click_id, query)),
            (b"cache-control", b"no-store"),
            (b"referrer-policy", REFERRER_POLICY),
            (b"content-length", b"0"),
        ]})
        await send({"type": "http.response.body", "body": b""})

    def location(self, slug: str, dest: Destination, click_id: str, query: bytes) -> bytes:
        """The redirect target: destination, click id, then the allowed incoming params."""
        loc = self._prefix[slug] + click_id.encode("ascii")
        if query:
            extra = self._passthrough(query, dest.own_keys)
            if extra:
                loc += b"&" + extra
        return loc + dest.fragment.encode("ascii") if dest.fragment else loc

    def _passthrough(self, query: bytes, own: frozenset[str]) -> bytes:
        kept = []
        for pair in query.split(b"&"):
            if not pair:
                continue
            name = unquote_to_bytes(pair.split(b"=", 1)[0].replace(b"+", b" "))
            key = name.decode("utf-8", "replace").strip().lower()
            if key.startswith("utm_") or key == self._click_key or key in own or not key:
                continue
            kept.append(quote_from_bytes(pair, safe=_QUERY_SAFE).encode("ascii"))
        return b"&".join(kept)

    # --- client address -------------------------------------------------------------------

    def _hash_ip(self, ip: str) -> tuple[str, str]:
        """The visitor hash ``sha256(salt + ip)`` of the canonical address (as
        ``ingest.values.visitor_key``), and the rate-limit bucket: the visitor for IPv4, the
        /64 for IPv6, since one subscriber holds a whole /64 and could rotate through it."""
        canonical = canonical_ip(ip)
        visitor = hashlib.sha256((self.salt + canonical).encode()).hexdigest()
        try:
            addr = ipaddress.ip_address(canonical)
        except ValueError:
            return visitor, visitor
        if addr.version == 6:
            net = ipaddress.ip_network(f"{canonical}/64", strict=False)
            return visitor, hashlib.sha256((self.salt + str(net)).encode()).hexdigest()
        return visitor, visitor

    def _is_trusted(self, ip: str) -> bool:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(addr in net for net in self.proxies)

    def _forwarded_client(self, forwarded: bytes | None) -> str | None:
        """The right-most X-Forwarded-For address that is not a trusted proxy; None when the
        header is missing or malformed (then the peer address stands)."""
        if not forwarded:
            return None
        # only the right-most entries matter: padding the header must not push the client out
        entries = forwarded.decode("latin-1").split(",")[-64:]
        last = None
        for raw in reversed(entries):
            try:
                addr = str(ipaddress.ip_address(raw.strip()))
            except ValueError:
                return None
            if not self._trusted(addr):
                return addr
            last = addr
        return last


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
                head: bool) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})


async def _canned(send: Send, status: int, head: bool) -> None:
    body, headers = _CANNED[status]
    await _send(send, status, headers, body, head)


async def _refuse(send: Send, status: int, body: bytes, after: str, head: bool) -> None:
    await _send(send, status, _headers(_TEXT, body, (b"retry-after", after.encode())), body,
                head)


def create_app(config: ServiceConfig) -> RedirectApp:
    """The ASGI app serving ``config``'s links (lifespan and http)."""
    return RedirectApp(config)


def app_from_env() -> RedirectApp:
    """Factory for ``uvicorn --factory`` / ``granian --factory``: the config is the JSON file
    named by ``$CREATORROI_LINKS_CONFIG``."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise ConfigError(f"set {CONFIG_ENV} to the links config JSON file")
    return create_app(ServiceConfig.load(path))
