"""Fixtures: real stores on both backends.

``store_url`` yields a fresh DuckDB file and a fresh PostgreSQL schema (127.0.0.1:5432,
database ``test``). When PostgreSQL does not answer, its tests skip locally but fail under
``CI=true``: the team-server path must be proven, not assumed.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).parent))

PG_DSN = os.environ.get("CREATORROI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    try:
        with psycopg.connect(PG_DSN, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return str(exc)


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    problem = _pg_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_DSN} is required under CI=true: {problem}")
        pytest.skip(f"PostgreSQL not available: {problem}")
    return PG_DSN


@pytest.fixture
def pg_url(pg_dsn: str) -> Iterator[str]:
    schema = f"cr_test_{uuid.uuid4().hex[:12]}"
    yield f"{pg_dsn}?schema={schema}"
    with psycopg.connect(pg_dsn, autocommit=True) as con:
        con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    return str(request.getfixturevalue("pg_url"))
