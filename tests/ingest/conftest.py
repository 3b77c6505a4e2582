"""Shared helpers for the ingest tests: fixture paths and a default workspace context."""

from __future__ import annotations

from pathlib import Path

import pytest

from creatorroi.ingest import ParseContext

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def rome() -> ParseContext:
    """An Italian shop's workspace: Rome time, euro, a fixed salt."""
    return ParseContext(timezone="Europe/Rome", locale="it", salt="pepper", currency="EUR")

