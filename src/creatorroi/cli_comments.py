"""``creatorroi comments``: each comment's sentiment, and scoring them again with another model.

Per post, creator or campaign, sentiment is a KPI (``creatorroi kpis --columns sentiment``);
this door is for the single comments behind it, the worst ones first when asked, and for a
team that fetched a transformer model and wants every stored comment scored by it.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn

from creatorroi.cli_common import DEFAULT_STORE, StoreOpt, WsOpt, _ws, console, emit, err
from creatorroi.errors import CreatorROIError

comments_app = typer.Typer(help="Comments and brand mentions with their sentiment.",
                           no_args_is_help=True)
ORDERS = {"worst": "sentiment ASC, id", "best": "sentiment DESC, id", "newest":
          "created_at DESC NULLS LAST, id", "id": "id"}


@comments_app.command("list")
def list_comments(
        post: Annotated[str | None, typer.Option(help="one post's comments")] = None,
        influencer: Annotated[str | None, typer.Option(help="one creator's")] = None,
        kind: Annotated[str, typer.Option(help="comment or mention")] = "comment",
        label: Annotated[str | None, typer.Option(help="positive, neutral or negative")] = None,
        order: Annotated[str, typer.Option(help="worst, best, newest or id")] = "worst",
        limit: Annotated[int, typer.Option(min=1)] = 50,
        fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
        store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Comments with their language, sentiment score (-1 to 1) and label."""
    if kind not in ("comment", "mention"):
        raise CreatorROIError(f"--kind {kind!r}: use comment or mention")
    if order not in ORDERS:
        raise CreatorROIError(f"--order {order!r}: use {', '.join(ORDERS)}")
    if label is not None and label not in ("positive", "neutral", "negative"):
        raise CreatorROIError(f"--label {label!r}: use positive, neutral or negative")
    ws = _ws(store, workspace)
    where, params = ["kind = ?"], [kind]
    for column, value in (("post_id", post), ("influencer_id", influencer),
                          ("sentiment_label", label)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    frame = ws._frame(
        "SELECT id, post_id, influencer_id, created_at, language, sentiment, sentiment_label, "
        f"text FROM comments WHERE workspace_id = ? AND {' AND '.join(where)} "
        f"ORDER BY {ORDERS[order]} LIMIT {int(limit)}", params)
    emit(frame, fmt, title=f"{kind.title()}s ({len(frame)})")


@comments_app.command("rescore")
def rescore_comments(
        backend: Annotated[str | None, typer.Option(
            help="lexicon, or onnx:<folder> (default: the workspace's setting)")] = None,
        save: Annotated[bool, typer.Option(
            help="make it the workspace's backend for future imports")] = False,
        store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Score every stored comment and mention again, in one transaction."""
    from creatorroi.comments_import import rescore
    from creatorroi.quality.sentiment import get_backend

    ws = _ws(store, workspace)
    spec = backend or ws.settings.quality.sentiment_backend
    model = get_backend(spec)
    with Progress(TextColumn("scoring"), BarColumn(), TextColumn("{task.completed} rows"),
                  console=err, transient=True) as bar:
        task = bar.add_task("scoring", total=None)
        changed = rescore(ws, model, progress=lambda done, total: bar.update(
            task, completed=done, total=total))
    if save and spec != ws.settings.quality.sentiment_backend:
        quality = ws.settings.quality.model_copy(update={"sentiment_backend": spec})
        ws.update_settings(ws.settings.model_copy(update={"quality": quality}))
    console.print(f"scored with {model.name}: {changed} comments changed")
