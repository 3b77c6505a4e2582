"""``creatorroi web`` serves the dashboard; ``creatorroi users`` manages who may log in."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from creatorroi.accounts import Accounts
from creatorroi.cli_common import DEFAULT_STORE, StoreOpt, console
from creatorroi.errors import ConfigError
from creatorroi.model.roles import Role

users_app = typer.Typer(help="Web app users, their workspaces and roles, API tokens.",
                        no_args_is_help=True)


def _accounts(store: str) -> Accounts:
    from creatorroi.store import connect

    return Accounts(connect(store))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def add(email: Annotated[str, typer.Argument(help="login e-mail")],
        workspace: Annotated[list[str], typer.Option(
            "--workspace", "-w", help="workspace to join (repeat for several)")] = [],  # noqa: B006
        role: Annotated[Role, typer.Option(help="owner, analyst or viewer")] = Role.OWNER,
        name: Annotated[str, typer.Option(help="display name")] = "",
        lang: Annotated[str | None, typer.Option(help="en, it, ko, zh_Hant or fa")] = None,
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="read the password from the first line of stdin")] = False,
        store: StoreOpt = DEFAULT_STORE) -> None:
    """Create a user (the first one is usually the owner) and give her workspaces."""
    acc = _accounts(store)
    password = _read_password(password_stdin)
    spaces = workspace or [r[0] for r in acc.store.fetch("SELECT id FROM workspaces")]
    with acc.store.transaction():
        user = acc.add_user(email, password, name, lang)
        for ws in spaces:
            acc.grant(user.id, ws, role)
    console.print(f"user {user.email} added as {role.value} of: {', '.join(spaces) or 'none'}")


@users_app.command("grant")
def grant(email: str, workspace: Annotated[str, typer.Option("--workspace", "-w")],
          role: Annotated[Role, typer.Option()] = Role.VIEWER,
          store: StoreOpt = DEFAULT_STORE) -> None:
    """Give a user a role in a workspace (or change it)."""
    acc = _accounts(store)
    user = acc.by_email(email)
    acc.grant(user.id, workspace, role)
    console.print(f"{user.email} is {role.value} of {workspace}")


@users_app.command("revoke")
def revoke(email: str, workspace: Annotated[str, typer.Option("--workspace", "-w")],
           store: StoreOpt = DEFAULT_STORE) -> None:
    """Remove a user from a workspace."""
    acc = _accounts(store)
    acc.revoke(acc.by_email(email).id, workspace)
    console.print(f"{email} removed from {workspace}")


@users_app.command("list")
def list_(store: StoreOpt = DEFAULT_STORE) -> None:
    """Every user and her workspaces."""
    acc = _accounts(store)
    for user in acc.users():
        spaces = ", ".join(f"{m.workspace_id} ({m.role.value})"
                           for m in acc.memberships(user.id))
        console.print(f"{user.email}\t{user.name}\t{spaces or '-'}")


@users_app.command("password")
def password(email: str, password_stdin: Annotated[bool, typer.Option(
        "--password-stdin")] = False, store: StoreOpt = DEFAULT_STORE) -> None:
    """Set a new password (ends the user's open sessions)."""
    acc = _accounts(store)
    acc.set_password(acc.by_email(email).id, _read_password(password_stdin))
    console.print(f"password of {email} changed")


@users_app.command("token")
def token(email: str, name: Annotated[str, typer.Option(help="what the token is for")] = "cli",
          store: StoreOpt = DEFAULT_STORE) -> None:
    """Create an API token for scripts (printed once)."""
    acc = _accounts(store)
    print(acc.create_token(acc.by_email(email).id, name))


def web(host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option()] = 8000,
        max_upload_mb: Annotated[int, typer.Option(help="largest upload accepted")] = 50,
        secure_cookies: Annotated[bool | None, typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="force Secure cookies (default: when the request is HTTPS)")] = None,
        store: StoreOpt = DEFAULT_STORE) -> None:
    """Serve the web dashboard and its JSON API (/api/docs)."""
    import uvicorn

    from creatorroi.web import WebConfig, create_app
    from creatorroi.web.config import MiB

    config = WebConfig(store, host=host, max_upload_bytes=max_upload_mb * MiB,
                       secure_cookies=secure_cookies)
    app = create_app(config)
    srv = app.state.server
    if not srv.accounts.has_users():
        if srv.store.backend != "duckdb" or not config.loopback_only:
            raise ConfigError("this store has no users: create the first owner with "
                              "`creatorroi users add EMAIL` before serving it on "
                              f"{host} (local mode needs a DuckDB file and 127.0.0.1)")
        console.print("[yellow]local mode[/]: this store has no users, so requests from this "
                      "computer are let in without a login. Run `creatorroi users add` to "
                      "require one.")
    console.print(f"creatorroi on http://{host}:{port}/  (API docs: /api/docs)")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
