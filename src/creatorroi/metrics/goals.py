"""SMART goal progress: target, result so far, and pacing to the deadline.

Pacing assumes an even path from the goal's start to its deadline: on day d of D the result
should be at least target x d / D. A goal whose metric is not a KPI is reported, not dropped.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from creatorroi.metrics.registry import REGISTRY
from creatorroi.metrics.rollup import RollupInput, rollup


def _status(actual: float | None, target: float, expected: float, today: date,
            deadline: date) -> str:
    if actual is None:
        return "no data"
    if actual >= target:
        return "met"
    if today > deadline:
        return "missed"
    return "on track" if actual >= expected else "behind"


def progress(goals: pd.DataFrame, campaigns: pd.DataFrame, inp: RollupInput,
             today: date) -> pd.DataFrame:
    starts = {r.id: r.starts_on for r in campaigns.itertuples()}
    rows = []
    for g in goals.itertuples():
        start = g.starts_on if not pd.isna(g.starts_on) else starts.get(g.campaign_id)
        start = pd.Timestamp(start).date() if start is not None else None
        deadline = pd.Timestamp(g.deadline).date()
        target = float(Decimal(g.target))
        actual: float | None = None
        note = ""
        if g.metric not in REGISTRY:
            note = f"unknown metric {g.metric!r}"
        else:
            dims = [] if pd.isna(g.influencer_id) else ["influencer"]
            dims += [] if pd.isna(g.platform) else ["platform"]
            frame = rollup(inp, dims, campaign=g.campaign_id, start=start,
                           end=min(deadline, today))
            if not pd.isna(g.influencer_id):
                label = inp.labels.influencer.get(g.influencer_id, g.influencer_id)
                frame = frame[frame["influencer"] == label]
            if not pd.isna(g.platform):
                frame = frame[frame["platform"] == g.platform]
            if len(frame) and not pd.isna(frame[g.metric].iloc[0]):
                actual = float(frame[g.metric].iloc[0])
        total_days = max((deadline - start).days, 1) if start else 1
        elapsed = min(max((today - start).days, 0), total_days) if start else total_days
        expected = target * elapsed / total_days
        rows.append({
            "goal": g.id, "campaign": g.campaign_id, "metric": g.metric,
            "influencer": None if pd.isna(g.influencer_id) else g.influencer_id,
            "platform": None if pd.isna(g.platform) else g.platform,
            "baseline": None if pd.isna(g.baseline) else float(Decimal(g.baseline)),
            "target": target, "actual": actual,
            "progress_pct": None if actual is None or not target else actual / target * 100,
            "expected_by_now": expected, "start": start, "deadline": deadline,
            "status": note or _status(actual, target, expected, today, deadline),
            "description": g.description,
        })
    return pd.DataFrame(rows)
