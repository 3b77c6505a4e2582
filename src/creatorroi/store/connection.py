"""Open a store by URL and write to it; reads go through Ibis so they run on either backend.

One setting picks the store: a path (or ``duckdb:///path``) for the embedded default, a
``postgresql://`` URL for a team server (``?schema=NAME`` keeps several stores in one
database). Writes are the only place where the backends differ (how a batch is staged), so
that difference lives here and nowhere else; the SQL that merges a staged batch is shared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import duckdb
import ibis
import pandas as pd
import psycopg
import pyarrow as pa

from creatorroi.errors import ConfigError
from creatorroi.store.migrations import MIGRATIONS

Backend = Literal["duckdb", "postgres"]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_STAGE = "_cr_incoming"


class UpsertResult(NamedTuple):
    new: int
    changed: int


def _quote(name: str) -> str:
    if not _IDENT.match(name):
        raise ConfigError(f"not a valid SQL identifier: {name!r}")
    return f'"{name}"'


class Store:
    """A migrated store: ``ibis`` is the read side, ``transaction``/``upsert`` the write side."""

    def __init__(self, url: str, backend: Backend, raw: Any, con: ibis.BaseBackend):
        self.url = url
        self.backend: Backend = backend
        self.raw = raw
        self.ibis = con
        self._depth = 0
        self._columns: dict[str, list[str]] = {}

    # -- reading ---------------------------------------------------------------------------
    def table(self, name: str) -> ibis.Table:
        return self.ibis.table(name)

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        sql = self._params(sql)
        if self.backend == "duckdb":
            return [tuple(r) for r in self.raw.execute(sql, list(params)).fetchall()]
        with self.raw.cursor() as cur:
            cur.execute(sql, list(params))
            return [tuple(r) for r in cur.fetchall()] if cur.description else []

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Rows of a query as a DataFrame, with the query's column names."""
        if self.backend == "duckdb":
            return self.raw.execute(self._params(sql), list(params)).df()
        with self.raw.cursor() as cur:
            cur.execute(self._params(sql), list(params))
            cols = [d.name for d in cur.description or []]
            return pd.DataFrame(cur.fetchall(), columns=cols)

    def stream(self, sql: str, params: Sequence[Any] = (), chunk: int = 10_000
               ) -> Iterator[tuple[Any, ...]]:
        """Rows of a query read piecewise (a DuckDB result fetched in chunks, a PostgreSQL
        server-side cursor), so a million-row result never sits in memory whole."""
        if self.backend == "duckdb":
            cur = self.raw.cursor()
            try:
                cur.execute(self._params(sql), list(params))
                while rows := cur.fetchmany(chunk):
                    yield from (tuple(r) for r in rows)
            finally:
                cur.close()
            return
        with self.transaction(), self.raw.cursor(name="creatorroi_stream") as named:
            named.itersize = chunk
            named.execute(self._params(sql), list(params))
            yield from (tuple(r) for r in named)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        sql = self._params(sql)
        if self.backend == "duckdb":
            self.raw.execute(sql, list(params))
        else:
            with self.raw.cursor() as cur:
                cur.execute(sql, list(params))

    def _params(self, sql: str) -> str:
        # Callers write DuckDB-style ``?`` placeholders; psycopg wants ``%s``.
        return sql if self.backend == "duckdb" else sql.replace("%", "%%").replace("?", "%s")

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            self._columns[table] = list(self.ibis.table(table).columns)
        return self._columns[table]

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: nested uses join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            if self.backend == "duckdb":
                self.raw.execute("BEGIN TRANSACTION")
                try:
                    yield
                except BaseException:
                    self.raw.execute("ROLLBACK")
                    raise
                self.raw.execute("COMMIT")
            else:
                with self.raw.transaction():
                    yield
        finally:
            self._depth = 0

    def upsert(self, table: str, frame: pd.DataFrame, key: Sequence[str],
               workspace_id: str | None = None) -> UpsertResult:
        """Insert rows or update them in place, keyed by the source's ids; returns how many
        keys were new and how many existing rows actually changed (so a re-import reports 0/0).
        """
        cols = self.columns(table)
        frame = frame.copy()
        if workspace_id is not None:
            frame.insert(0, "workspace_id", workspace_id)
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{table}: rows lack columns {missing}")
        frame = frame[cols]
        if frame.empty:
            return UpsertResult(0, 0)
        keys = ["workspace_id", *key] if workspace_id is not None else list(key)
        with self.transaction():
            self._stage(table, frame)
            t, s = _quote(table), _quote(_STAGE)
            on = " AND ".join(f"t.{_quote(k)} = s.{_quote(k)}" for k in keys)
            values = [c for c in cols if c not in keys]
            differs = " OR ".join(f"t.{_quote(c)} IS DISTINCT FROM s.{_quote(c)}" for c in values)
            new = self.fetch(f"SELECT count(*) FROM {s} s WHERE NOT EXISTS "
                             f"(SELECT 1 FROM {t} t WHERE {on})")[0][0]
            changed = 0
            if values:
                changed = self.fetch(f"SELECT count(*) FROM {s} s JOIN {t} t ON {on} "
                                     f"WHERE {differs}")[0][0]
            update = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in values)
            action = f"DO UPDATE SET {update}" if values else "DO NOTHING"
            collist = ", ".join(_quote(c) for c in cols)
            self.execute(f"INSERT INTO {t} ({collist}) SELECT {collist} FROM {s} "
                         f"ON CONFLICT ({', '.join(_quote(k) for k in keys)}) {action}")
            self._unstage()
            if workspace_id is not None and (new or changed):
                self.touch(workspace_id)
        return UpsertResult(int(new), int(changed))

    def touch(self, workspace_id: str) -> None:
        """Mark a workspace as written to, so numbers cached for an older revision are dropped."""
        self.execute("UPDATE workspaces SET revision = revision + 1 WHERE id = ?", [workspace_id])

    def revision(self, workspace_id: str) -> int | None:
        rows = self.fetch("SELECT revision FROM workspaces WHERE id = ?", [workspace_id])
        return int(rows[0][0]) if rows else None

    def replace(self, table: str, frame: pd.DataFrame, workspace_id: str) -> None:
        """Swap every row of one workspace in a derived table (attribution results)."""
        cols = self.columns(table)
        frame = frame.copy()
        frame.insert(0, "workspace_id", workspace_id)
        with self.transaction():
            self.execute(f"DELETE FROM {_quote(table)} WHERE workspace_id = ?", [workspace_id])
            if not frame.empty:
                self._stage(table, frame[cols])
                collist = ", ".join(_quote(c) for c in cols)
                self.execute(f"INSERT INTO {_quote(table)} ({collist}) "
                             f"SELECT {collist} FROM {_quote(_STAGE)}")
                self._unstage()

    def insert_select(self, table: str, select_sql: str, params: Sequence[Any] = ()) -> None:
        cols = ", ".join(_quote(c) for c in self.columns(table))
        self.execute(f"INSERT INTO {_quote(table)} ({cols}) {select_sql}", params)

    def _stage(self, table: str, frame: pd.DataFrame) -> None:
        if self.backend == "duckdb":
            # Copied into a temporary table, not registered: DuckDB keeps a registered Arrow
            # table alive until the transaction ends, so a million-row import streamed in
            # chunks would hold every chunk in memory at once.
            self.raw.execute(f"CREATE TEMP TABLE {_quote(_STAGE)} AS SELECT * FROM "
                             f"{_quote(table)} LIMIT 0")
            self.raw.from_arrow(pa.Table.from_pandas(frame, preserve_index=False)) \
                .insert_into(_STAGE)
            return
        cols = list(frame.columns)
        self.execute(f"CREATE TEMP TABLE {_quote(_STAGE)} (LIKE {_quote(table)}) ON COMMIT DROP")
        collist = ", ".join(_quote(c) for c in cols)
        with self.raw.cursor() as cur, cur.copy(
                f"COPY {_quote(_STAGE)} ({collist}) FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([None if _isna(v) else v for v in row])

    def _unstage(self) -> None:
        self.execute(f"DROP TABLE IF EXISTS {_quote(_STAGE)}")

    def close(self) -> None:
        self.raw.close()

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        return int(self.fetch("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0])

    def _migrate(self) -> None:
        self.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                     "name VARCHAR NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)")
        current = self.schema_version()
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with self.transaction():
                for statement in migration.statements:
                    self.execute(statement)
                self.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                             [migration.version, migration.name, datetime.now(UTC)])
        self._columns.clear()


def _isna(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def connect(url: str | Path) -> Store:
    """Open (creating if needed) and migrate the store at ``url``."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        store = _connect_postgres(text)
    else:
        path = text.removeprefix("duckdb://") if text.startswith("duckdb://") else text
        if path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        raw = duckdb.connect(path)
        store = Store(text, "duckdb", raw, ibis.duckdb.from_connection(raw))
    store._migrate()
    return store


def _connect_postgres(url: str) -> Store:
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    schema = query.pop("schema", None)
    kwargs: dict[str, Any] = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "dbname": unquote(parts.path.lstrip("/")) or "postgres",
        "user": unquote(parts.username) if parts.username else "postgres",
        "autocommit": True,
    }
    if parts.password:
        kwargs["password"] = unquote(parts.password)
    kwargs.update(query)
    try:
        raw = psycopg.connect(**kwargs)
    except psycopg.OperationalError as exc:
        raise ConfigError(f"cannot connect to PostgreSQL at {parts.hostname}: {exc}") from exc
    if schema:
        with raw.cursor() as cur:
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
            cur.execute(f"SET search_path TO {_quote(schema)}")
    return Store(url, "postgres", raw, ibis.postgres.from_connection(raw))
