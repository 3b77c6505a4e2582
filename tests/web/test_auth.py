"""Logging in, sessions, tokens, CSRF and local mode, through the real app."""

from __future__ import annotations

import pytest

from creatorroi.accounts import Accounts
from creatorroi.store import connect

from conftest import PASSWORD, USERS, Web, WebWorld, csrf_of, login


def test_anonymous_pages_redirect_to_login_and_api_answers_401(web: Web) -> None:
    c = web.client(None, remote=True)
    r = c.get("/w/w?start=2024-03-01", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fw%2Fw%3Fstart%3D2024-03-01"
    r = c.get("/api/w/w/overview")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_login_sets_a_hardened_session_cookie_and_returns_to_next(web: Web) -> None:
    c = web.client(None)
    page = c.get("/login?next=/w/w")
    r = c.post("/login", data={"email": USERS["viewer"].upper(), "password": PASSWORD,
                               "next": "/w/w", "csrf_token": csrf_of(page.text)},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/w/w"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("cr_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert c.get("/w/w").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil"])
def test_login_never_redirects_off_site(web: Web, target: str) -> None:
    c = web.client(None)
    page = c.get("/login")
    r = c.post("/login", data={"email": USERS["owner"], "password": PASSWORD, "next": target,
                               "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_wrong_password_is_refused_with_a_translated_message(web: Web) -> None:
    c = web.client(None)
    c.cookies.set("cr_lang", "it")
    page = c.get("/login")
    r = c.post("/login", data={"email": USERS["owner"], "password": "wrong password!",
                               "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 400
    assert "cr_session" not in r.headers.get("set-cookie", "")
    assert "Password" not in r.text or "password" in r.text.lower()


def test_login_without_csrf_token_is_refused(web: Web) -> None:
    c = web.client(None)
    c.get("/login")
    r = c.post("/login", data={"email": USERS["owner"], "password": PASSWORD},
               follow_redirects=False)
    assert r.status_code == 403


def test_csrf_token_of_one_session_does_not_work_in_another(web: Web) -> None:
    a, b = web.client("owner"), web.client("owner")
    token_a = csrf_of(a.get("/w/w").text)
    r = b.post("/lang", data={"lang": "ko", "csrf_token": token_a}, follow_redirects=False)
    assert r.status_code == 403
    r = a.post("/lang", data={"lang": "ko", "csrf_token": token_a}, follow_redirects=False)
    assert r.status_code == 303


def test_logout_ends_the_session_on_the_server(web: Web) -> None:
    c = web.client("viewer")
    stolen = c.cookies.get("cr_session")
    token = csrf_of(c.get("/w/w").text)
    assert c.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code \
        == 303
    replay = web.client(None)
    replay.cookies.set("cr_session", stolen)
    assert replay.get("/w/w", follow_redirects=False).status_code == 303


def test_api_token_opens_the_api_without_csrf_and_a_bad_one_is_401(web: Web) -> None:
    api = web.api("viewer")
    me = api.get("/api/me").json()
    assert me["email"] == USERS["viewer"]
    assert [(w["id"], w["role"]) for w in me["workspaces"]] == [("w", "viewer")]
    bad = web.client(None, remote=True)
    r = bad.get("/api/me", headers={"authorization": "Bearer cr_abc_def"})
    assert r.status_code == 401


def test_store_keeps_only_digests_of_session_and_token_secrets(web: Web) -> None:
    c = web.client("owner")
    session = c.cookies.get("cr_session")
    token = web.server.accounts.create_token(web.server.accounts.by_email(USERS["owner"]).id,
                                             "t")
    dump = str(web.server.store.fetch("SELECT * FROM web_sessions")) + \
        str(web.server.store.fetch("SELECT * FROM api_tokens")) + \
        str(web.server.store.fetch("SELECT password_hash FROM users"))
    assert session not in dump and token.split("_", 2)[2] not in dump
    assert PASSWORD not in dump
    assert all(h.startswith("$argon2id$") for (h,) in
               web.server.store.fetch("SELECT password_hash FROM users"))


def test_new_password_ends_open_sessions(web: Web) -> None:
    c = web.client("analyst")
    acc = web.server.accounts
    acc.set_password(acc.by_email(USERS["analyst"]).id, "a brand new password")
    assert c.get("/w/w", follow_redirects=False).status_code == 303
    login(web.client(None), USERS["analyst"], "a brand new password")


def test_local_mode_only_for_a_duckdb_store_without_users_from_this_computer(
        tmp_path, store_url: str) -> None:
    from creatorroi.workspace import open_store

    import world

    app = open_store(store_url)
    world.build(app, "w")
    app.close()
    w = Web(WebWorld(store_url))
    try:
        here = w.client(None)
        far = w.client(None, remote=True)
        if store_url.startswith("postgresql"):
            assert here.get("/w/w", follow_redirects=False).status_code == 303
            return
        r = here.get("/w/w")
        assert r.status_code == 200 and "Local mode" in r.text
        assert far.get("/w/w", follow_redirects=False).status_code == 303
        # the moment a user exists, local mode ends
        w.server.accounts.add_user("first@brand.example", PASSWORD)
        assert here.get("/w/w", follow_redirects=False).status_code == 303
    finally:
        w.close()


def test_passwords_are_checked_for_length_and_emails_for_shape(store_url: str) -> None:
    acc = Accounts(connect(store_url))
    from creatorroi.errors import ConfigError

    with pytest.raises(ConfigError, match="10 characters"):
        acc.add_user("a@b.example", "short")
    with pytest.raises(ConfigError, match="not an e-mail"):
        acc.add_user("not-an-email", PASSWORD)
    acc.add_user("a@b.example", PASSWORD)
    with pytest.raises(ConfigError, match="already exists"):
        acc.add_user("A@B.example", PASSWORD)
    acc.store.close()
