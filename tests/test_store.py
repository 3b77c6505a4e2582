from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from creatorroi.store import connect
from creatorroi.store.migrations import LATEST


def _rates(*rates: str) -> pd.DataFrame:
    return pd.DataFrame({
        "base": ["USD"] * len(rates), "quote": ["EUR"] * len(rates),
        "rate_date": [date(2024, 1, i + 1) for i in range(len(rates))],
        "rate": [Decimal(r) for r in rates],
    })


def test_migrates_to_latest_and_reopens(store_url: str) -> None:
    store = connect(store_url)
    assert store.schema_version() == LATEST
    store.close()
    again = connect(store_url)  # a second open applies nothing and loses nothing
    assert again.schema_version() == LATEST


def test_upsert_counts_new_and_changed_and_is_idempotent(store_url: str) -> None:
    store = connect(store_url)
    key = ["base", "quote", "rate_date"]
    assert store.upsert("fx_rates", _rates("0.91", "0.92"), key, "w") == (2, 0)
    assert store.upsert("fx_rates", _rates("0.91", "0.92"), key, "w") == (0, 0)
    assert store.upsert("fx_rates", _rates("0.91", "0.95", "0.96"), key, "w") == (1, 1)
    rows = store.fetch("SELECT rate FROM fx_rates WHERE workspace_id = 'w' ORDER BY rate_date")
    assert [Decimal(r[0]) for r in rows] == [Decimal("0.91"), Decimal("0.95"), Decimal("0.96")]


def test_transaction_leaves_nothing_half_written(store_url: str) -> None:
    store = connect(store_url)
    key = ["base", "quote", "rate_date"]
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert("fx_rates", _rates("0.91"), key, "w")
        raise RuntimeError("second file of the import failed")
    assert store.fetch("SELECT count(*) FROM fx_rates")[0][0] == 0


def test_workspaces_do_not_see_each_other(store_url: str) -> None:
    store = connect(store_url)
    store.upsert("fx_rates", _rates("0.91"), ["base", "quote", "rate_date"], "a")
    store.upsert("fx_rates", _rates("0.80"), ["base", "quote", "rate_date"], "b")
    rows = store.fetch("SELECT workspace_id, rate FROM fx_rates ORDER BY workspace_id")
    assert [(w, Decimal(r)) for w, r in rows] == [("a", Decimal("0.91")), ("b", Decimal("0.80"))]


def test_stream_reads_every_row_in_chunks(store_url: str) -> None:
    store = connect(store_url)
    rates = [f"0.{i:02d}" for i in range(1, 28)]
    store.upsert("fx_rates", _rates(*rates), ["base", "quote", "rate_date"], "w")
    sql = "SELECT rate_date, rate FROM fx_rates WHERE workspace_id = ? ORDER BY rate_date"
    streamed = list(store.stream(sql, ["w"], chunk=5))
    assert streamed == store.fetch(sql, ["w"])
    assert [Decimal(r[1]) for r in streamed] == [Decimal(r) for r in rates]
