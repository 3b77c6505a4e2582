"""`creatorroi users ...` and `creatorroi web` as an administrator runs them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from creatorroi.accounts import Accounts
from creatorroi.cli import app
from creatorroi.store import connect

runner = CliRunner()
PASSWORD = "correct horse battery"


def run(*args: str, input: str | None = None, ok: bool = True) -> str:
    result = runner.invoke(app, list(args), input=input)
    if ok:
        assert result.exit_code == 0, result.output
        return result.output
    # main() prints a CreatorROIError as one line; here it arrives as the exception
    assert result.exit_code != 0
    return f"{result.output}{result.exception}"


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = str(tmp_path / "web.duckdb")
    run("init", "--workspace", "acme", "--name", "Acme", "--store", url)
    run("init", "--workspace", "beta", "--name", "Beta", "--store", url)
    return url


def test_users_add_grant_revoke_and_token(store: str) -> None:
    out = run("users", "add", "olga@acme.example", "-w", "acme", "--role", "owner",
              "--password-stdin", "--store", store, input=PASSWORD + "\n")
    assert "owner of: acme" in out
    run("users", "grant", "olga@acme.example", "-w", "beta", "--role", "viewer",
        "--store", store)
    listing = run("users", "list", "--store", store)
    assert "acme (owner)" in listing and "beta (viewer)" in listing
    token = run("users", "token", "olga@acme.example", "--store", store).strip()
    run("users", "revoke", "olga@acme.example", "-w", "beta", "--store", store)
    acc = Accounts(connect(store))
    user = acc.token_user(token)
    assert user is not None and user.email == "olga@acme.example"
    assert [(m.workspace_id, m.role.value) for m in acc.memberships(user.id)] == \
        [("acme", "owner")]
    assert acc.authenticate("olga@acme.example", PASSWORD) is not None
    acc.store.close()


def test_users_add_refuses_a_short_password_and_writes_nothing(store: str) -> None:
    out = run("users", "add", "x@acme.example", "--password-stdin", "--store", store,
              input="short\n", ok=False)
    assert "10 characters" in out
    acc = Accounts(connect(store))
    assert not acc.has_users()
    acc.store.close()


def test_web_refuses_to_serve_a_store_without_users_beyond_loopback(store: str) -> None:
    out = run("web", "--host", "0.0.0.0", "--store", store, ok=False)
    assert "no users" in out and "users add" in out


def test_web_serves_the_dashboard_in_local_mode(store: str, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("creatorroi")
    proc = subprocess.Popen([str(exe), "web", "--store", store, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/w/acme", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert r.status_code == 200
        assert "Local mode" in r.text
        assert httpx.get(f"http://127.0.0.1:{port}/api/openapi.json").json()["info"][
            "title"] == "creatorroi"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
