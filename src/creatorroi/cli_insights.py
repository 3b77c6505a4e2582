"""`creatorroi insights decay`: how fast posts collect their views or engagement, per content
type or platform, from the insight snapshots imported over time."""

from __future__ import annotations

from typing import Annotated

import typer

from creatorroi.cli_common import DEFAULT_STORE, StoreOpt, WsOpt, _ws, emit
from creatorroi.insights import decay_curves

insights_app = typer.Typer(help="Post insights over time: decay of views and engagement.",
                           no_args_is_help=True)


@insights_app.callback()
def insights() -> None:
    """Post insights over time (import them with `creatorroi import instagram-insights FILE`,
    tiktok-insights or youtube-insights)."""


@insights_app.command("decay")
def decay(metric: Annotated[str, typer.Option(help="views or engagements")] = "views",
          by: Annotated[str, typer.Option(help="content_type or platform")] = "content_type",
          days: Annotated[int, typer.Option(help="days since publication to show")] = 30,
          fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
          store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Share of each post's latest value reached day by day since publication: median and
    quartiles per group, and the median days to 50 % and 90 %."""
    frame = decay_curves(_ws(store, workspace), metric=metric, by=by, days=days)
    emit(frame, fmt, title=f"{metric} by {by}: share of the latest value reached")
