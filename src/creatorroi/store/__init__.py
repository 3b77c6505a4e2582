"""Where the data lives: a DuckDB file by default, PostgreSQL for a team."""

from creatorroi.store.connection import Store, UpsertResult, connect

__all__ = ["Store", "UpsertResult", "connect"]
