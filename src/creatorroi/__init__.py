"""creatorroi: what influencer marketing really earned, in numbers a CFO believes.

>>> import creatorroi
>>> ws = creatorroi.open("creatorroi.duckdb")          # the store's only workspace
>>> ws.kpis(by="influencer")                           # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from creatorroi.errors import BadRowError, CreatorROIError, ImportFailed
from creatorroi.workspace import App, Workspace, open_store, open_workspace

__version__ = "0.1.0"


def open(url: str | Path = "creatorroi.duckdb", workspace: str | None = None) -> Workspace:
    """Open a workspace in the store at ``url`` (a DuckDB path or ``postgresql://`` URL)."""
    return open_workspace(url, workspace)


connect = open_store

__all__ = ["App", "BadRowError", "CreatorROIError", "ImportFailed", "Workspace", "connect",
           "open"]
