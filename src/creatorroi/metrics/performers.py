"""Top and low performers, with the call a programme manager would make and why.

The call (documented in docs/kpis.md):
* keep — ROI at or above 100 % (every euro spent came back at least twice);
* renegotiate — ROI between 0 and 100 %: profitable, but the fee leaves little margin;
* train — ROI below 0 but engagement rate at or above the programme's median: the audience
  responds, the content does not convert yet;
* drop — ROI below 0 and engagement below the median;
* no call — no cost recorded, so ROI is undefined.
"""

from __future__ import annotations

import pandas as pd


def _call(roi: float | None, er: float | None, median_er: float | None) -> str:
    if roi is None or pd.isna(roi):
        return "no call"
    if roi >= 100:
        return "keep"
    if roi >= 0:
        return "renegotiate"
    if er is not None and not pd.isna(er) and median_er is not None and er >= median_er:
        return "train"
    return "drop"


def rank(kpis: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    frame = kpis[kpis["influencer"] != "(unassigned)"].copy()
    median_er = frame["engagement_rate"].dropna().median() if len(frame) else None
    median_er = None if median_er is None or pd.isna(median_er) else float(median_er)
    frame["call"] = [_call(r, e, median_er)
                     for r, e in zip(frame["roi"], frame["engagement_rate"], strict=True)]
    ranked = frame.dropna(subset=["roi"]).sort_values("roi", ascending=False)
    top = ranked.head(n).assign(group="top")
    low = ranked.tail(n).iloc[::-1].assign(group="low")
    low = low[~low["influencer"].isin(top["influencer"])]
    cols = ["group", "influencer", "roi", "roas", "revenue", "cost", "orders",
            "engagement_rate", "call"]
    return pd.concat([top, low])[cols].reset_index(drop=True)
