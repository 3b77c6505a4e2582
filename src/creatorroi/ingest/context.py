"""What every parser shares: the workspace settings it reads with, the result it returns, the
error collector that makes an import all-or-nothing, and the table shapes it must produce.

Table shapes are read from ``store.migrations`` rather than restated here, so a parser's output
cannot drift from the schema the store writes: a new migration changes both at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from creatorroi.errors import BadRowError, CreatorROIError, ImportFailed
from creatorroi.i18n import translator
from creatorroi.store.migrations import MIGRATIONS

MAX_ERRORS = 200
PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class ParseContext:
    """Workspace settings that decide how ambiguous cells are read."""

    timezone: str = "UTC"
    locale: str = "en"
    salt: str = ""
    currency: str = "EUR"
    lang: str = "en"
    encoding: str | None = None
    progress: Callable[[int, int | None], None] | None = None
    # Platform insight exports name posts by permalink or platform id, not by our post ids:
    # the workspace passes its posts keyed by ``ingest.insights.post_keys`` so the parser stays
    # free of I/O. ``captured_at`` is when an export's numbers were read, if the user says.
    post_index: Mapping[str, str] = field(default_factory=dict)
    captured_at: datetime | None = None

    def tr(self) -> Callable[..., str]:
        """The message translator for ``lang`` (cached: parsers call this per row)."""
        return _translator(self.lang)


@lru_cache(maxsize=16)
def _translator(lang: str) -> Callable[..., str]:
    return translator(lang)


@dataclass
class ParsedImport:
    """A file read into table-shaped frames, ready for the store to upsert."""

    kind: str
    file: str
    rows_read: int
    tables: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)


class FileRejected(ImportFailed, BadRowError):
    """A whole-file problem (unknown kind, unreadable encoding, missing column, empty file).

    It is both the ``ImportFailed`` every failed import raises (holding one ``BadRowError``
    with no row or column) and that ``BadRowError`` itself, so callers catching either see it.
    """

    def __init__(self, file: str | Path, reason: str):
        error = BadRowError(file, None, None, reason)
        # Neither parent __init__ fits both signatures; set what each one promises.
        CreatorROIError.__init__(self, str(error))
        self.file = str(file)
        self.errors = [error]
        self.total = 1
        self.row = None
        self.column = None
        self.reason = reason


class Problems:
    """Collects bad cells so one pass reports them all (the first ``MAX_ERRORS`` kept)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[BadRowError] = []
        self.total = 0

    def add(self, row: int | None, column: str | None, reason: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(BadRowError(self.file, row, column, reason))

    def raise_if_any(self) -> None:
        if self.total:
            ordered = sorted(self.errors, key=lambda e: e.row or 0)
            raise ImportFailed(self.file, ordered, self.total)


class Progress:
    """Calls ``ctx.progress`` about every ``PROGRESS_EVERY`` rows and once at the end."""

    def __init__(self, ctx: ParseContext, total: int | None) -> None:
        self._fn = ctx.progress
        self._total = total
        self._last = 0

    def tick(self, done: int) -> None:
        if self._fn is not None and done - self._last >= PROGRESS_EVERY:
            self._last = done
            self._fn(done, self._total)

    def finish(self, done: int) -> None:
        if self._fn is not None:
            self._fn(done, self._total)


# ---- table shapes, read from the migrations ---------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    not_null: bool


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


_CREATE = re.compile(r"CREATE TABLE (\w+) \((.*)\)\s*$", re.S)
_ADD = re.compile(r"ALTER TABLE (\w+) ADD COLUMN (\w+) (.+?)\s*$", re.S)
_PK = re.compile(r"PRIMARY KEY \(([^)]*)\)")
_DEFAULT = re.compile(r"\bDEFAULT\s+('[^']*'|\S+)")
_SKIP = "workspace_id"


def _column(text: str) -> Column:
    name, _, rest = text.strip().rstrip(",").partition(" ")
    rest = _DEFAULT.sub("", rest)  # a default is the store's business, not the row's type
    not_null = "NOT NULL" in rest
    sql_type = rest.replace("NOT NULL", "").replace("PRIMARY KEY", "").strip()
    return Column(name, sql_type.upper(), not_null)


@lru_cache(maxsize=1)
def _schema() -> dict[str, TableSpec]:
    tables: dict[str, TableSpec] = {}
    for migration in MIGRATIONS:
        for stmt in migration.statements:
            if m := _CREATE.match(stmt.strip()):
                cols: list[Column] = []
                key: tuple[str, ...] = ()
                for line in m.group(2).split("\n"):
                    line = line.strip().rstrip(",")
                    if not line:
                        continue
                    if pk := _PK.match(line):
                        key = tuple(k.strip() for k in pk.group(1).split(",") if k.strip() != _SKIP)
                    else:
                        col = _column(line)
                        if col.name != _SKIP:
                            cols.append(col)
                tables[m.group(1)] = TableSpec(m.group(1), tuple(cols), key)
            elif (m := _ADD.match(stmt.strip())) and m.group(1) in tables:
                old = tables[m.group(1)]
                col = _column(f"{m.group(2)} {m.group(3)}")
                tables[old.name] = TableSpec(old.name, (*old.columns, col), old.key)
    return tables


def table_spec(table: str) -> TableSpec:
    """Columns (without ``workspace_id``) and primary key of ``table`` at the latest migration."""
    return _schema()[table]


def _typed(values: list[Any], sql_type: str) -> Any:
    if sql_type == "BIGINT":
        return pd.array(values, dtype="Int64")
    if sql_type == "BOOLEAN":
        return pd.array(values, dtype="boolean")
    if sql_type.startswith("TIMESTAMP"):
        return pd.array(values, dtype="datetime64[us, UTC]")
    if sql_type.startswith("DOUBLE") or sql_type in ("REAL", "FLOAT"):
        return pd.array([float("nan") if v is None else float(v) for v in values], dtype="float64")
    # VARCHAR, DATE, DECIMAL: plain Python objects (str, datetime.date, Decimal) or None. A
    # Series, not an array: pandas 3 would otherwise infer its own string dtype for text.
    return pd.Series(values, dtype=object)


def build_frame(table: str, rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A frame with exactly ``table``'s columns in schema order and the agreed dtypes."""
    spec = table_spec(table)
    materialised = list(rows)
    data = {
        col.name: _typed([r.get(col.name) for r in materialised], col.sql_type)
        for col in spec.columns
    }
    return pd.DataFrame(data, columns=list(spec.names))
