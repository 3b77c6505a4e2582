"""`creatorroi check`: content monitoring from a terminal or a cron job.

Made for cron: ``--only-new`` reports only what changed since the last run, ``--webhook``
posts to Slack (nothing when nothing changed), ``--fail-on-findings`` turns problems into exit
status 1 for CI-style alerting, and ``--out`` writes atomically so a reader never sees half a
report.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from creatorroi.cli_common import DEFAULT_STORE, StoreOpt, WsOpt, _ws, err
from creatorroi.errors import CreatorROIError
from creatorroi.i18n import translator
from creatorroi.monitoring import (
    post_webhook,
    render_json,
    render_text,
    run_checks,
    slack_payload,
)

FORMATS = ("text", "json", "slack")


def check(
    campaign: Annotated[str | None, typer.Option(
        help="check this campaign only (even if it is not running)")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="judge as of this day, YYYY-MM-DD (default: today in the workspace's "
                        "time zone)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, json or slack")] = "text",
    out: Annotated[Path | None, typer.Option(help="write the report to this file")] = None,
    webhook: Annotated[str | None, typer.Option(
        envvar="CREATORROI_CHECK_WEBHOOK",
        help="Slack incoming-webhook URL to post the findings to")] = None,
    only_new: Annotated[bool, typer.Option(
        "--only-new", help="report only findings whose status changed since the last run")
    ] = False,
    fail_on_findings: Annotated[bool, typer.Option(
        "--fail-on-findings", help="exit with status 1 when something needs attention")
    ] = False,
    lang: Annotated[str | None, typer.Option(help="language of the report")] = None,
    store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None,
) -> None:
    """Check every deliverable of the running campaigns against its brief: posted on time,
    hashtags, mentions, disclosure, banned words, tracked link and promo code."""
    tr = translator(lang)
    if fmt not in FORMATS:
        raise CreatorROIError(tr("unknown format {format}: use text, json or slack",
                                 format=fmt))
    day = _day(as_of, tr)
    ws = _ws(store, workspace)
    lang = lang or ws.locale
    run = run_checks(ws, today=day, campaign=campaign, only_new=only_new)
    if fmt == "json":
        report = render_json(run)
    elif fmt == "slack":
        report = json.dumps(slack_payload(run, lang), ensure_ascii=False, indent=2) + "\n"
    else:
        report = render_text(run, lang)
    if out is not None:
        write_atomic(out, report)
    else:
        sys.stdout.write(report)
    if webhook:
        if only_new and not run.news:
            err.print(tr("nothing new: no message posted"), markup=False)
        else:
            post_webhook(webhook, slack_payload(run, lang), lang=lang)
    if fail_on_findings and len(run.attention):
        raise typer.Exit(1)


def _day(text: str | None, tr: Callable[..., str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CreatorROIError(tr("--as-of {value}: use a date such as 2024-03-25",
                                 value=text)) from None


def write_atomic(path: Path, text: str) -> None:
    """Write beside ``path``, then rename over it: readers see the old file or the new one."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
