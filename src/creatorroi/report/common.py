"""Small helpers every section builder shares: typed values out of pandas cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from creatorroi.report.model import Column, Kind, Sentence, Table, Value
from creatorroi.report.scope import Scope
from creatorroi.report.vocab import Words


@dataclass
class Ctx:
    scope: Scope
    tr: Callable[..., str]
    words: Words


def na(v: Any) -> bool:
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def money(v: Any) -> Decimal | None:
    return None if na(v) else (v if isinstance(v, Decimal) else Decimal(str(v)))


def pct(v: Any) -> float | None:
    return None if na(v) else float(v)


ratio = pct


def count(v: Any) -> int | None:
    return None if na(v) else int(v)


def num(v: Any) -> float | None:
    """A chart value: every kind as a float, NA as None."""
    return None if na(v) else float(v)


def typed(v: Any, kind: Kind) -> Value:
    if kind == "money":
        return money(v)
    if kind in ("percent", "ratio"):
        return pct(v)
    if kind == "count":
        return count(v)
    if na(v):
        return None
    return v  # type: ignore[no-any-return,unused-ignore]


def sentence(msgid: str, tone: str = "neutral", **values: tuple[Any, Kind]) -> Sentence:
    return Sentence(msgid, tuple((k, typed(v, kind), kind) for k, (v, kind) in values.items()),
                    tone)  # type: ignore[arg-type]


def table(key: str, title: str, columns: list[tuple[str, str, Kind]],
          rows: list[list[Any]], note: str | None = None) -> Table:
    cols = tuple(Column(k, label, kind) for k, label, kind in columns)
    out = tuple(tuple(typed(v, c.kind) for v, c in zip(r, cols, strict=True)) for r in rows)
    return Table(key, title, cols, out, note)


# The KPI columns of every per-group table (by influencer, platform, content type, tier).
GROUP_COLUMNS: list[tuple[str, str, Kind]] = [
    ("posts", "Posts", "count"), ("cost", "Cost", "money"), ("revenue", "Revenue", "money"),
    ("profit", "Profit", "money"), ("roi", "ROI", "percent"), ("roas", "ROAS", "ratio"),
    ("orders", "Orders", "count"), ("cpa", "CPA", "money"), ("cpe", "CPE", "money"),
    ("cpm", "CPM", "money"), ("engagement_rate", "Engagement rate", "percent"),
]
