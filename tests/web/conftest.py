"""Web fixtures: the hand-checked world (tests/world.py) served by the real app, on DuckDB and
PostgreSQL, with three users whose roles differ and a second workspace none of them may see
unless granted.

``client(store, as_=...)`` gives a TestClient logged in by a real POST /login (cookie + CSRF),
``api(store, token)`` one that sends a Bearer token.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402

from creatorroi.accounts import Accounts  # noqa: E402
from creatorroi.web import WebConfig, create_app  # noqa: E402
from creatorroi.workspace import open_store  # noqa: E402

import world  # noqa: E402

PASSWORD = "correct horse battery"
LOCAL = ("127.0.0.1", 50123)
REMOTE = ("203.0.113.9", 50123)
USERS = {"owner": "olga@brand.example", "analyst": "ahmed@brand.example",
         "viewer": "vera@brand.example", "outsider": "otto@other.example"}


@dataclass
class WebWorld:
    url: str
    ws: str = "w"
    other: str = "other"

    def app(self, **config: Any) -> Any:
        return create_app(WebConfig(self.url, **config))


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([0-9a-f]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    r = client.post("/login", data={"email": email, "password": password, "next": "/",
                                    "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


@pytest.fixture
def web_world(store_url: str) -> Iterator[WebWorld]:
    """World ``w`` plus an empty workspace ``other``; owner/analyst/viewer of ``w`` and an
    outsider who owns only ``other``."""
    app = open_store(store_url)
    world.build(app, "w")
    app.create_workspace("other", "Other brand", "USD", "America/New_York", "en")
    acc = Accounts(app.store)
    for role in ("owner", "analyst", "viewer"):
        user = acc.add_user(USERS[role], PASSWORD, role.title())
        acc.grant(user.id, "w", role)
    outsider = acc.add_user(USERS["outsider"], PASSWORD, "Otto")
    acc.grant(outsider.id, "other", "owner")
    app.close()
    yield WebWorld(store_url)


class Web:
    """The running app over ``web_world``: clients by role, tokens, the app's own store."""

    def __init__(self, world: WebWorld, **config: Any):
        self.world = world
        self.app = world.app(**config)
        self.server = self.app.state.server

    def client(self, as_: str | None = "owner", remote: bool = False) -> TestClient:
        """Logged in as ``as_`` by a real POST /login; None: anonymous."""
        c = TestClient(self.app, base_url="http://127.0.0.1", client=REMOTE if remote else LOCAL)
        if as_ is not None:
            login(c, USERS[as_])
        return c

    def api(self, role: str) -> TestClient:
        """A script's client: no cookies, a Bearer token of ``role``'s user."""
        token = self.server.accounts.create_token(
            self.server.accounts.by_email(USERS[role]).id, "test")
        return TestClient(self.app, base_url="http://127.0.0.1", client=REMOTE,
                          headers={"authorization": f"Bearer {token}"})

    def close(self) -> None:
        self.server.app.close()


@pytest.fixture
def web(web_world: WebWorld) -> Iterator[Web]:
    w = Web(web_world)
    yield w
    w.close()
