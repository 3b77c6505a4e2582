"""The command line: each command parses options, calls the workspace API, prints the result.

Errors a user can fix are printed as one clear message (exit 2), never a traceback.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, cast
from zoneinfo import ZoneInfo

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from creatorroi.cli_audit import audit
from creatorroi.cli_comments import comments_app
from creatorroi.cli_common import (
    DEFAULT_STORE,
    StoreOpt,
    WsOpt,
    _period,
    _ws,
    console,
    emit,
    err,
)
from creatorroi.cli_insights import insights_app
from creatorroi.cli_mmm import lift, mmm_app
from creatorroi.cli_quality import check
from creatorroi.cli_track import links_app, serve_links, track_app
from creatorroi.cli_web import users_app, web
from creatorroi.errors import CreatorROIError, ImportFailed
from creatorroi.metrics import DIMENSIONS, REGISTRY
from creatorroi.workspace import open_store

app = typer.Typer(help="What your influencer marketing really earned.", no_args_is_help=True,
                  pretty_exceptions_enable=False)


@app.command()
def init(workspace: Annotated[str, typer.Option("--workspace", "-w")] = "default",
         name: Annotated[str, typer.Option(help="brand name")] = "My brand",
         currency: Annotated[str, typer.Option(help="home currency (ISO 4217)")] = "EUR",
         timezone: Annotated[str, typer.Option(help="IANA time zone")] = "UTC",
         locale: Annotated[str, typer.Option(help="en, it, ko, zh_Hant or fa")] = "en",
         store: StoreOpt = DEFAULT_STORE) -> None:
    """Create a workspace (a brand) in the store."""
    ws = open_store(store).create_workspace(workspace, name, currency, timezone, locale)
    console.print(f"created workspace [bold]{ws.id}[/] ({ws.name}, {ws.currency}, "
                  f"{ws.timezone}) in {store}")


@app.command("import")
def import_(kind: Annotated[str, typer.Argument(help="what the file holds, e.g. orders, "
                                                     "shopify-orders, ga4, costs")],
            file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
            encoding: Annotated[str | None, typer.Option(help="force an encoding")] = None,
            lang: Annotated[str | None, typer.Option(help="language of messages")] = None,
            captured_at: Annotated[str | None, typer.Option(
                "--captured-at", help="when an insights export's numbers were read (ISO "
                                      "date or time; default: what the export says, else "
                                      "now)")] = None,
            store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Import one file, all or nothing; importing it again changes nothing."""
    ws = _ws(store, workspace)
    when = _instant(captured_at, ws.timezone) if captured_at else None
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed} rows"), TimeRemainingColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task(f"reading {file.name}", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        report = ws.import_file(kind, file, encoding=encoding, lang=lang, progress=progress,
                                captured_at=when)
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {w}")
    console.print(f"{file.name}: {report.rows_read} rows read, {report.new} new, "
                  f"{report.changed} changed")


@app.command()
def template(kind: Annotated[str, typer.Argument(help="a canonical kind, e.g. orders")],
             out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
             fmt: Annotated[str, typer.Option("--format")] = "csv") -> None:
    """Write the header row and one example row of a canonical import sheet."""
    from creatorroi.ingest import write_template

    if out is None:
        if fmt != "csv":
            raise CreatorROIError("--format xlsx needs --out FILE")
        write_template(kind, sys.stdout, "csv")
    else:
        write_template(kind, out, fmt)  # type: ignore[arg-type]
        console.print(f"wrote {out}")


@app.command()
def kpis(by: Annotated[str, typer.Option(help=f"one or more of {', '.join(DIMENSIONS)}, "
                                              "comma separated")] = "influencer",
         campaign: Annotated[str | None, typer.Option(help="campaign id")] = None,
         period: Annotated[str | None, typer.Option(help="FROM..TO (ISO dates)")] = None,
         columns: Annotated[str | None, typer.Option(help="KPIs to show, comma separated")] = None,
         fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
         list_: Annotated[bool, typer.Option("--list", help="list every KPI")] = False,
         as_of: Annotated[str | None, typer.Option(
             "--as-of", help="post metrics as of this ISO date or time (default: latest "
                             "snapshot)")] = None,
         store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Every KPI by influencer, campaign, platform, content type, tier, post or period."""
    if list_:
        emit(pd.DataFrame([(k.name, k.label, k.formula, k.unit, k.stage)
                           for k in REGISTRY.values()],
                          columns=["kpi", "label", "formula", "unit", "stage"]), fmt)
        return
    ws = _ws(store, workspace)
    start, end = _period(period)
    frame = ws.kpis(by, campaign=campaign, start=start, end=end,
                    as_of=_instant(as_of, ws.timezone) if as_of else None)
    dims = [d.strip().replace("-", "_") for d in by.split(",")]
    if columns:
        wanted = [c.strip() for c in columns.split(",")]
        unknown = [c for c in wanted if c not in frame.columns]
        if unknown:
            raise CreatorROIError(f"unknown KPI(s) {unknown}; see `creatorroi kpis --list`")
        frame = frame[[*dims, *(c for c in wanted if c not in dims)]]
    elif fmt == "table":
        frame = frame[[*dims, "cost", "orders", "revenue", "roi", "roas", "impressions",
                       "engagement_rate", "cpa"]]
    emit(frame, fmt, title=f"KPIs by {by} ({ws.currency})")


def _instant(text: str, zone: str) -> datetime:
    """``2024-03-27`` is the end of that day in the workspace's zone (snapshots taken that day
    count); a date-time without an offset is read in that zone too."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CreatorROIError(f"--as-of {text!r}: use an ISO date or date-time, e.g. "
                              "2024-03-27 or 2024-03-27T18:00") from None
    if len(text) <= 10:
        value = datetime.combine(value.date(), time.max)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(UTC)


@app.command()
def goals(as_of: Annotated[str | None, typer.Option(help="ISO date (default today)")] = None,
          fmt: Annotated[str, typer.Option("--format")] = "table",
          store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """SMART goals: target, result, met or not, and pacing to the deadline."""
    ws = _ws(store, workspace)
    frame = ws.goals(date.fromisoformat(as_of) if as_of else None)
    if fmt == "table" and not frame.empty:
        frame = frame[["goal", "metric", "target", "actual", "progress_pct", "expected_by_now",
                       "deadline", "status"]]
    emit(frame, fmt, title="Goals")


@app.command()
def payouts(campaign: Annotated[str | None, typer.Option()] = None,
            fmt: Annotated[str, typer.Option("--format")] = "table",
            store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """What each creator is owed under their pay terms."""
    emit(_ws(store, workspace).payouts(campaign), fmt, title="Payouts due")


@app.command()
def attribution(overlap: Annotated[bool, typer.Option("--overlap", help="method x method "
                                                      "matrix of orders found by both")] = False,
                fmt: Annotated[str, typer.Option("--format")] = "table",
                store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """What each attribution method found, what it was credited, and what stays unattributed."""
    ws = _ws(store, workspace)
    emit(ws.coverage(), fmt, title="Attribution coverage")
    if overlap:
        emit(ws.overlap().reset_index(), fmt, title="Overlap: orders found by both methods")


@app.command()
def performers(n: Annotated[int, typer.Option(help="how many top and low")] = 3,
               campaign: Annotated[str | None, typer.Option()] = None,
               fmt: Annotated[str, typer.Option("--format")] = "table",
               store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Top and low performers by ROI, with the call: keep, renegotiate, train or drop."""
    emit(_ws(store, workspace).performers(n, campaign), fmt, title="Performers")


@app.command()
def report(campaign: Annotated[str | None, typer.Option(help="campaign id")] = None,
           period: Annotated[str | None, typer.Option(help="FROM..TO, ISO dates")] = None,
           fmt: Annotated[str, typer.Option("--format", help="pdf, html, xlsx or md")] = "pdf",
           lang: Annotated[str | None, typer.Option(
               help="en, it, ko, zh-Hant or fa (default: the workspace's)")] = None,
           paper: Annotated[str, typer.Option(help="A4 or Letter (PDF)")] = "A4",
           out: Annotated[Path | None, typer.Option(help="file or folder to write")] = None,
           store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Write the direct ROI, indirect ROI and lessons-learned report as a file to send upward."""
    from creatorroi.report import FORMATS, Format, Paper, write_report

    if campaign and period:
        raise CreatorROIError("give --campaign or --period, not both")
    if fmt not in FORMATS:
        raise CreatorROIError(f"--format {fmt!r}: use {', '.join(FORMATS)}")
    if paper not in ("A4", "Letter"):
        raise CreatorROIError(f"--paper {paper!r}: use A4 or Letter")
    start, end = _period(period)
    path = write_report(_ws(store, workspace), out, fmt=cast(Format, fmt),
                        campaign=campaign, start=start, end=end, lang=lang,
                        paper=cast(Paper, paper))
    console.print(f"wrote {path}")


@app.command()
def demo(store: StoreOpt = DEFAULT_STORE,
         out: Annotated[Path, typer.Option(help="where the demo's export files go")] = Path(
             "demo-output"),
         scale: Annotated[float, typer.Option(help="order volume multiplier")] = 1.0) -> None:
    """Build a realistic demo brand, import it as a user would, and print its summary."""
    from creatorroi.demo import run_demo

    run_demo(store, out, scale=scale, console=console)


app.add_typer(track_app, name="track")
app.add_typer(links_app, name="links")
app.add_typer(users_app, name="users")
app.add_typer(mmm_app, name="mmm")
app.add_typer(insights_app, name="insights")
app.add_typer(comments_app, name="comments")
app.command("lift")(lift)
app.command("check")(check)
app.command("audit")(audit)
app.command("web")(web)
app.command("serve-links")(serve_links)


def main() -> None:
    try:
        app()
    except ImportFailed as exc:
        err.print(f"[red]import failed:[/] {exc}")
        raise SystemExit(2) from None
    except CreatorROIError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise SystemExit(2) from None


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "160")
    main()
