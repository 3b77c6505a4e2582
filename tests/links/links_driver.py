"""A tiny ASGI client: one request through the app, the messages it sends collected."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    raw_headers: list[tuple[bytes, bytes]]


async def acall(app: Any, target: str = "/giulia", *, method: str = "GET",
                headers: Iterable[tuple[str, str]] = (),
                client: tuple[str, int] | None = ("203.0.113.9", 50000)) -> Response:
    raw_path, _, query = target.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method, "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path.encode("latin-1"), "query_string": query.encode("latin-1"),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        "client": client, "server": ("127.0.0.1", 8080),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    assert start["type"] == "http.response.start"
    body = b"".join(m.get("body", b"") for m in sent[1:])
    raw = list(start["headers"])
    return Response(start["status"],
                    {k.decode("latin-1"): v.decode("latin-1") for k, v in raw}, body, raw)


def call(app: Any, target: str = "/giulia", **kw: Any) -> Response:
    return asyncio.run(acall(app, target, **kw))
