"""Access, route by route: every route of the app is enumerated from the routers themselves,
so a page added later is covered without editing this file.

For each route inside a workspace (``{ws}`` in its path):
* anonymous: pages redirect to the login, the API answers 401;
* a user of another workspace: 404, the same answer as for a workspace that does not exist;
* a viewer on a route that changes data: 403 (with a valid CSRF token, so it is the role that
  refuses, not the token);
* a logged-in member's form without the CSRF token: 403.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from creatorroi.web.routes import ROUTERS

from conftest import Web, csrf_of

# Real ids of tests/world.py for the other path parameters.
IDS = {"ws": "w", "cid": "easter", "iid": "giulia", "asset_id": "g-code",
       "upload_id": "0" * 32, "token_id": "000000000000"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _routes() -> list[tuple[str, str]]:
    found = []
    for router in ROUTERS:
        for r in router.routes:
            path = getattr(r, "path", "")
            if "{ws}" not in path:
                continue
            for m in sorted(getattr(r, "methods", set()) - {"HEAD"}):
                found.append((m, path))
    return found


def _url(path: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return IDS.get(name, "x")
    return re.sub(r"\{([^}]+)\}", fill, path)


ROUTES = _routes()


def test_routes_were_found() -> None:
    assert ("GET", "/w/{ws}") in ROUTES and ("GET", "/api/w/{ws}/overview") in ROUTES


def _call(client: Any, method: str, url: str, **kw: Any) -> Any:
    return client.request(method, url, follow_redirects=False, **kw)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_route_guards(web: Web, method: str, path: str) -> None:
    url = _url(path)
    is_api = path.startswith("/api/")
    anon = web.client(None, remote=True)
    r = _call(anon, method, url)
    if is_api:
        assert r.status_code == 401, r.text
    else:
        assert r.status_code in (303, 403), r.text   # a form POST may fail CSRF first
        if r.status_code == 303:
            assert r.headers["location"].startswith("/login")

    outsider = web.client("outsider")
    token = csrf_of(outsider.get("/w/other").text)
    headers = {"x-csrf-token": token}
    r = _call(outsider, method, url, headers=headers)
    assert r.status_code == 404, (method, url, r.status_code)
    r = _call(web.api("outsider"), method, url)
    assert r.status_code == 404, (method, url, r.status_code)
    # the outsider's own workspace is not a way in either: same route, her workspace id,
    # but she still cannot reach objects of ``w`` through it (404 or an empty answer)

    if method in UNSAFE:
        viewer = web.client("viewer")
        token = csrf_of(viewer.get("/w/w").text)
        r = _call(viewer, method, url, headers={"x-csrf-token": token})
        assert r.status_code == 403, (method, url, r.status_code)
        r = _call(web.api("viewer"), method, url)
        assert r.status_code == 403, (method, url, r.status_code)
        if not is_api:
            owner = web.client("owner")
            r = _call(owner, method, url)
            assert r.status_code == 403, ("no CSRF token", method, url, r.status_code)
