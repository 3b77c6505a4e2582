"""What an influencer's KPIs are judged against: the pooled KPIs of her own tier, here.

Why the workspace's own tier and not a table of industry figures: DOMAIN.md ("Set goals
first") asks for baselines from the brand's own history, "not only industry benchmarks", and
neither DOMAIN.md nor the source articles in ``shared/seeds`` give per-tier numbers, only the
direction ("smaller tiers usually engage more"). A hard-coded table would be a figure no one
here can source. So a tier's benchmark is the core's own KPI for the tier over the same period
(``ws.kpis("tier")``): engagements summed over followers summed, cost over engagements summed,
so one tiny account does not swing it the way an average of rates would.

With a single influencer in a tier the benchmark is her own value; ``peers`` says how many
influencers a benchmark stands for, so a page can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from creatorroi.report.common import na, num, typed
from creatorroi.report.model import Kind, Value
from creatorroi.report.scope import Scope


@dataclass(frozen=True)
class Benchmark:
    key: str            # the KPI's column in ws.kpis
    label: str          # English msgid
    kind: Kind
    higher_is_better: bool


# The KPIs a creator is compared on, awareness first, money last (DOMAIN.md, "Compute").
BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("engagement_rate", "Engagement rate", "percent", True),
    Benchmark("engagement_rate_reach", "Engagement rate on reach", "percent", True),
    Benchmark("ctr", "Click-through rate", "percent", True),
    Benchmark("cpm", "CPM", "money", False),
    Benchmark("cpe", "CPE", "money", False),
    Benchmark("cpa", "CPA", "money", False),
    Benchmark("roas", "ROAS", "ratio", True),
    Benchmark("roi", "ROI", "percent", True),
)

BETTER, WORSE, SAME = "Better than tier", "Worse than tier", "Same as tier"


def by_tier(sc: Scope) -> dict[str, dict[str, Any]]:
    """Each tier's KPI row for the scope's period, keyed by tier (``micro``...)."""
    frame = sc.kpis("tier")
    return {str(r["tier"]): r.to_dict() for _, r in frame.iterrows()}


def peers(tiers: dict[str, str], tier: str | None) -> int:
    """How many influencers of the workspace share ``tier`` (what its benchmark pools)."""
    return sum(1 for t in tiers.values() if t == tier) if tier else 0


def versus(value: Any, bench: Any) -> float | None:
    """Relative difference to the benchmark, x100 (25.0: a quarter above it)."""
    v, b = num(value), num(bench)
    if v is None or b is None or b == 0:
        return None
    return (v / b - 1) * 100


def verdict(value: Any, bench: Any, higher_is_better: bool) -> str | None:
    """Better, worse or the same as the tier, for the KPI's direction (a CPE is better low)."""
    v, b = num(value), num(bench)
    if v is None or b is None:
        return None
    if abs(v - b) <= 1e-9 * max(abs(v), abs(b), 1.0):
        return SAME
    return BETTER if (v > b) == higher_is_better else WORSE


def cell(value: Any, kind: Kind) -> Value:
    return None if na(value) else typed(value, kind)


def rows(mine: pd.Series | dict[str, Any], tier_row: dict[str, Any] | None,
         programme: pd.Series | dict[str, Any]) -> list[tuple[Benchmark, Value, Value, Value,
                                                              float | None, str | None]]:
    """(benchmark, hers, her tier's, the programme's, difference, verdict) per KPI."""
    out = []
    for b in BENCHMARKS:
        hers = cell(mine.get(b.key), b.kind)
        tier = cell(tier_row.get(b.key), b.kind) if tier_row else None
        everyone = cell(programme.get(b.key), b.kind)
        out.append((b, hers, tier, everyone, versus(hers, tier),
                    verdict(hers, tier, b.higher_is_better)))
    return out
