"""What every command module shares: the consoles, the store options and table output."""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from creatorroi.errors import CreatorROIError
from creatorroi.workspace import Workspace, open_store

# Piped output (make demo, CI logs) gets a readable width instead of Rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 132)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 132)

StoreOpt = Annotated[str, typer.Option("--store", envvar="CREATORROI_STORE",
                                       help="DuckDB file or postgresql:// URL")]
WsOpt = Annotated[str | None, typer.Option("--workspace", "-w", envvar="CREATORROI_WORKSPACE",
                                           help="workspace id (default: the only one)")]
DEFAULT_STORE = "creatorroi.duckdb"


def _ws(store: str, workspace: str | None) -> Workspace:
    return open_store(store).workspace(workspace)


def _period(text: str | None) -> tuple[date | None, date | None]:
    if not text:
        return None, None
    start, _, end = text.partition("..")
    try:
        return (date.fromisoformat(start) if start else None,
                date.fromisoformat(end) if end else None)
    except ValueError:
        raise CreatorROIError(f"--period {text!r}: use FROM..TO with ISO dates, "
                              "e.g. 2024-03-01..2024-04-30") from None


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return round(value, 4)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def emit(frame: pd.DataFrame, fmt: str, title: str | None = None) -> None:
    """Print a frame as a Rich table, CSV or JSON records."""
    if fmt == "csv":
        out = frame.copy()
        for c in out.columns:
            out[c] = [_plain(v) for v in out[c]]
        out.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        rows = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "table":
        table = Table(title=title, show_lines=False)
        for c in frame.columns:
            table.add_column(str(c), justify="right" if pd.api.types.is_numeric_dtype(
                frame[c]) or c in ("revenue", "cost") else "left")
        for row in frame.itertuples(index=False):
            table.add_row(*["—" if _plain(v) is None else str(_plain(v)) for v in row])
        console.print(table)
    else:
        raise CreatorROIError(f"unknown format {fmt!r}: use table, csv or json")
