"""creatorroi: what influencer marketing really earned, in numbers a CFO believes.

>>> import creatorroi
>>> ws = creatorroi.open("creatorroi.duckdb")          # the store's only workspace
>>> ws.kpis(by="influencer")                           # doctest: +SKIP

The workspace API (Ibis, pandas) is imported on first use, not here: the redirect service's
workers import ``creatorroi.links`` and must not pay a second and a hundred MB each for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from creatorroi.errors import BadRowError, CreatorROIError, ImportFailed

if TYPE_CHECKING:
    from creatorroi.workspace import App, Workspace

__version__ = "0.1.0"


def open(url: str | Path = "creatorroi.duckdb", workspace: str | None = None) -> Workspace:
    """Open a workspace in the store at ``url`` (a DuckDB path or ``postgresql://`` URL)."""
    from creatorroi.workspace import open_workspace

    return open_workspace(url, workspace)


def connect(url: str | Path = "creatorroi.duckdb") -> App:
    """The store at ``url`` with all its workspaces (an agency has many brands)."""
    from creatorroi.workspace import open_store

    return open_store(url)


def __getattr__(name: str) -> Any:
    if name in ("App", "Workspace"):
        from creatorroi import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'creatorroi' has no attribute {name!r}")


__all__ = ["App", "BadRowError", "CreatorROIError", "ImportFailed", "Workspace", "connect",
           "open"]
