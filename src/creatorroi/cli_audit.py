"""`creatorroi audit`: is each creator's audience real? Scores, verdicts, reasons, money at risk.

Runs the audit (``audience_audit.run_audit``, which also stores it for the web pages and
reports), then prints every account with its reasons in the reader's language and the money
spent on creators whose audience failed or needs watching.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Annotated, Any

import pandas as pd
import typer

from creatorroi.audience_audit import run_audit, spend_at_risk
from creatorroi.cli_common import DEFAULT_STORE, StoreOpt, WsOpt, _plain, _ws, console, emit
from creatorroi.errors import CreatorROIError
from creatorroi.i18n import translator

FORMATS = ("table", "json")
# Verdicts as the reader sees them (msgids).
VERDICTS = {"pass": "Pass", "watch": "Watch", "fail": "Fail"}


def _reason_text(tr: Any, reason: dict[str, Any]) -> str:
    try:
        return str(tr(reason["msgid"], **dict(reason.get("values") or {})))
    except (KeyError, IndexError, ValueError):
        return str(tr(reason["msgid"]))


def _as_of(text: str | None, tr: Any) -> datetime | None:
    if not text:
        return None
    try:
        day = datetime.fromisoformat(text)
    except ValueError:
        raise CreatorROIError(tr("'{value}' is not a date", value=text)) from None
    return day if day.tzinfo else day.replace(tzinfo=UTC)


def audit(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    lang: Annotated[str | None, typer.Option(help="language of the reasons")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="judge with what was known at this moment, ISO date or date-time "
                        "(default: now)")] = None,
    store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None,
) -> None:
    """Audit every creator account's audience (generic and bot comments, engagement against
    peers, follower jumps, fake followers) and show the money spent on audiences at risk."""
    tr = translator(lang)
    if fmt not in FORMATS:
        raise CreatorROIError(tr("unknown format {format}: use table or json", format=fmt))
    when = _as_of(as_of, tr)
    ws = _ws(store, workspace)
    tr = translator(lang or ws.locale)
    audits = run_audit(ws, now=when)
    risk = spend_at_risk(ws, audits)
    if fmt == "json":
        out = {
            "audits": [{
                **{k: _plain(r[k]) for k in ("account_id", "influencer_id", "platform",
                                             "handle", "tier", "score", "verdict",
                                             "engagement_rate", "benchmark_rate",
                                             "generic_share", "comment_like_ratio",
                                             "fake_follower_share", "spikes")},
                "reasons": [{**reason, "text": _reason_text(tr, reason)}
                            for reason in r["reasons"]],
            } for r in audits.to_dict("records")],
            "spend_at_risk": [{k: _plain(v) for k, v in r.items()}
                              for r in risk.to_dict("records")],
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    rows = pd.DataFrame({
        "account": [f"@{h} ({p})" for h, p in zip(audits["handle"], audits["platform"],
                                                   strict=True)],
        "tier": audits["tier"],
        "score": [round(float(s), 1) for s in audits["score"]],
        "verdict": [tr(VERDICTS.get(v, v)) for v in audits["verdict"]],
        "reasons": ["\n".join(f"-{r['penalty']:g} {_reason_text(tr, r)}" if r["penalty"]
                              else _reason_text(tr, r) for r in reasons)
                    for reasons in audits["reasons"]],
    })
    emit(rows, "table", title=tr("Audience audit"))
    if risk.empty:
        console.print(tr("No money is at risk: no audited audience failed or needs watching."),
                      markup=False)
        return
    shown = risk[["influencer", "accounts", "verdict", "score", "cost", "currency"]].copy()
    shown["verdict"] = [tr(VERDICTS.get(v, v)) for v in shown["verdict"]]
    emit(shown, "table", title=tr("Spend at risk: money spent on audiences that failed or need "
                                  "watching"))
