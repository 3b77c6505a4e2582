"""People who use the web app: users, their workspaces and roles, login sessions, API tokens.

Passwords are argon2id hashes (argon2-cffi, with its recommended parameters, re-hashed on login
when those change). A session id or an API token is a random secret shown once; the store keeps
only its SHA-256 digest, so a copy of the database lets nobody in. Every lookup that answers
"may this person see that workspace" goes through ``role_in``, the one place access is decided.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from creatorroi.errors import ConfigError, NotFoundError
from creatorroi.i18n import SUPPORTED
from creatorroi.model.roles import Role
from creatorroi.store import Store

SESSION_DAYS = 14
MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HASHER = PasswordHasher()
# Verifying against this when the e-mail is unknown keeps login time the same either way.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    lang: str | None


@dataclass(frozen=True)
class Membership:
    workspace_id: str
    workspace_name: str
    role: Role


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters")


class Accounts:
    """Users, memberships, sessions and tokens in one store."""

    def __init__(self, store: Store):
        self.store = store

    # -- users -----------------------------------------------------------------------------
    def has_users(self) -> bool:
        return bool(self.store.fetch("SELECT 1 FROM users LIMIT 1"))

    def add_user(self, email: str, password: str, name: str = "",
                 lang: str | None = None) -> User:
        email = email.strip().lower()
        if not _EMAIL.match(email):
            raise ConfigError(f"{email!r} is not an e-mail address")
        check_password(password)
        if lang is not None and lang not in SUPPORTED:
            raise ConfigError(f"language {lang!r}: choose one of {', '.join(SUPPORTED)}")
        if self.store.fetch("SELECT 1 FROM users WHERE email = ?", [email]):
            raise ConfigError(f"a user {email} already exists")
        user = User(uuid.uuid4().hex, email, name.strip() or email.split("@")[0], lang)
        self.store.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
                           [user.id, user.email, user.name, _HASHER.hash(password), lang,
                            datetime.now(UTC)])
        return user

    def user(self, user_id: str) -> User | None:
        rows = self.store.fetch("SELECT id, email, name, lang FROM users WHERE id = ?", [user_id])
        return User(*rows[0]) if rows else None

    def by_email(self, email: str) -> User:
        rows = self.store.fetch("SELECT id, email, name, lang FROM users WHERE email = ?",
                                [email.strip().lower()])
        if not rows:
            raise NotFoundError(f"no user {email}")
        return User(*rows[0])

    def users(self) -> list[User]:
        return [User(*r) for r in self.store.fetch(
            "SELECT id, email, name, lang FROM users ORDER BY email")]

    def set_lang(self, user_id: str, lang: str | None) -> None:
        if lang is not None and lang not in SUPPORTED:
            raise ConfigError(f"language {lang!r}: choose one of {', '.join(SUPPORTED)}")
        self.store.execute("UPDATE users SET lang = ? WHERE id = ?", [lang, user_id])

    def set_password(self, user_id: str, password: str) -> None:
        check_password(password)
        with self.store.transaction():
            self.store.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                               [_HASHER.hash(password), user_id])
            # A new password ends every session the old one opened.
            self.store.execute("DELETE FROM web_sessions WHERE user_id = ?", [user_id])

    def authenticate(self, email: str, password: str) -> User | None:
        rows = self.store.fetch("SELECT id, email, name, lang, password_hash FROM users "
                                "WHERE email = ?", [email.strip().lower()])
        stored = rows[0][4] if rows else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if not rows:
            return None
        if _HASHER.check_needs_rehash(stored):
            self.store.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                               [_HASHER.hash(password), rows[0][0]])
        return User(*rows[0][:4])

    # -- memberships -----------------------------------------------------------------------
    def grant(self, user_id: str, workspace_id: str, role: Role | str) -> None:
        role = Role(role)
        if not self.store.fetch("SELECT 1 FROM workspaces WHERE id = ?", [workspace_id]):
            raise NotFoundError(f"no workspace {workspace_id!r}")
        with self.store.transaction():
            self.store.execute("DELETE FROM memberships WHERE user_id = ? AND workspace_id = ?",
                               [user_id, workspace_id])
            self.store.execute("INSERT INTO memberships VALUES (?, ?, ?)",
                               [user_id, workspace_id, role.value])

    def revoke(self, user_id: str, workspace_id: str) -> None:
        self.store.execute("DELETE FROM memberships WHERE user_id = ? AND workspace_id = ?",
                           [user_id, workspace_id])

    def memberships(self, user_id: str) -> list[Membership]:
        rows = self.store.fetch(
            "SELECT m.workspace_id, w.name, m.role FROM memberships m JOIN workspaces w "
            "ON w.id = m.workspace_id WHERE m.user_id = ? ORDER BY w.name, w.id", [user_id])
        return [Membership(w, n, Role(r)) for w, n, r in rows]

    def members(self, workspace_id: str) -> list[tuple[User, Role]]:
        rows = self.store.fetch(
            "SELECT u.id, u.email, u.name, u.lang, m.role FROM memberships m JOIN users u "
            "ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY u.email", [workspace_id])
        return [(User(*r[:4]), Role(r[4])) for r in rows]

    def role_in(self, user_id: str, workspace_id: str) -> Role | None:
        """The user's role in the workspace, or None: she may not know it exists."""
        rows = self.store.fetch("SELECT role FROM memberships WHERE user_id = ? "
                                "AND workspace_id = ?", [user_id, workspace_id])
        return Role(rows[0][0]) if rows else None

    # -- sessions --------------------------------------------------------------------------
    def open_session(self, user_id: str, days: int = SESSION_DAYS) -> str:
        secret = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        self.store.execute("INSERT INTO web_sessions VALUES (?, ?, ?, ?)",
                           [_digest(secret), user_id, now, now + timedelta(days=days)])
        return secret

    def session_user(self, secret: str) -> User | None:
        rows = self.store.fetch(
            "SELECT u.id, u.email, u.name, u.lang FROM web_sessions s JOIN users u "
            "ON u.id = s.user_id WHERE s.id_sha256 = ? AND s.expires_at > ?",
            [_digest(secret), datetime.now(UTC)])
        return User(*rows[0]) if rows else None

    def close_session(self, secret: str) -> None:
        self.store.execute("DELETE FROM web_sessions WHERE id_sha256 = ?", [_digest(secret)])

    # -- API tokens ------------------------------------------------------------------------
    def create_token(self, user_id: str, name: str) -> str:
        """Returns ``cr_<id>_<secret>``, shown once; only the secret's digest is kept."""
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        self.store.execute("INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?)",
                           [token_id, user_id, name.strip() or "token", _digest(secret),
                            datetime.now(UTC), None])
        return f"cr_{token_id}_{secret}"

    def token_user(self, token: str) -> User | None:
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != "cr":
            return None
        rows = self.store.fetch(
            "SELECT u.id, u.email, u.name, u.lang, t.secret_sha256 FROM api_tokens t "
            "JOIN users u ON u.id = t.user_id WHERE t.id = ?", [parts[1]])
        if not rows or not hmac.compare_digest(rows[0][4], _digest(parts[2])):
            return None
        self.store.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                           [datetime.now(UTC), parts[1]])
        return User(*rows[0][:4])

    def tokens(self, user_id: str) -> list[tuple[str, str, datetime, datetime | None]]:
        return [tuple(r) for r in self.store.fetch(
            "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? "
            "ORDER BY created_at", [user_id])]

    def revoke_token(self, user_id: str, token_id: str) -> None:
        self.store.execute("DELETE FROM api_tokens WHERE user_id = ? AND id = ?",
                           [user_id, token_id])

    # -- server secret ---------------------------------------------------------------------
    def server_secret(self) -> bytes:
        """A random key shared by every worker on this store (signs CSRF tokens)."""
        rows = self.store.fetch("SELECT value FROM server_secrets WHERE name = 'web'")
        if not rows:
            self.store.execute("INSERT INTO server_secrets VALUES ('web', ?) "
                               "ON CONFLICT (name) DO NOTHING", [secrets.token_hex(32)])
            rows = self.store.fetch("SELECT value FROM server_secrets WHERE name = 'web'")
        return bytes.fromhex(rows[0][0])
