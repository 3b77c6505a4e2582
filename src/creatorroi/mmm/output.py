"""A fit as plain JSON: what the CLI prints, the store keeps and the report reads."""

from __future__ import annotations

import math
from typing import Any

from creatorroi.mmm.spec import ChannelEstimate, Interval, MMMResult

FORMAT = 1


def result_json(result: MMMResult, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """``{"channels": {col: {"roas", "roas_low", "roas_high", "contribution", ...}},
    "diagnostics": {...}, ...}``; numbers are floats in the target's currency units."""
    labels = labels or {}
    out: dict[str, Any] = {
        "format": FORMAT, "grain": result.grain, "start": result.start.isoformat(),
        "end": result.end.isoformat(), "level": result.level,
        "target_total": result.target_total, "baseline": _flat(result.baseline, "baseline"),
        "channels": {c: _channel(e, labels.get(c)) for c, e in result.channels.items()},
        "diagnostics": result.diagnostics.as_dict(),
    }
    creators = result.extra.get("influencers")
    if creators:
        out["influencers"] = {
            "spend": creators["spend"], "attributed": creators["attributed"],
            **_flat(creators["incremental"], "incremental"), **_flat(creators["roas"], "roas"),
            **(_flat(creators["multiplier"], "multiplier") if creators["multiplier"] else
               {"multiplier": None, "multiplier_low": None, "multiplier_high": None})}
    return _finite(out)


def _channel(e: ChannelEstimate, label: str | None) -> dict[str, Any]:
    # ROI over the channel's own spend: (incremental revenue − spend) / spend.
    roi = Interval(e.roas.mean - 1, e.roas.low - 1, e.roas.high - 1)
    row: dict[str, Any] = {"kind": e.kind, "group": e.group, "spend": e.spend,
                           **_flat(e.roas, "roas"), **_flat(roi, "roi"),
                           **_flat(e.contribution, "contribution"), "attributed": e.floor}
    if label:
        row["label"] = label
    if e.multiplier is not None:
        row |= _flat(e.multiplier, "multiplier")
    return row


def _flat(i: Interval, name: str) -> dict[str, float]:
    return {name: i.mean, f"{name}_low": i.low, f"{name}_high": i.high}


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
