"""Performance-based pay due to each creator under their pay terms.

due = flat fee + min(cap, per_sale x orders + per_click x clicks + per_engagement x
engagements + revenue_share x attributed net revenue). Counts come from the same KPIs the
reports show (clicks: short-link clicks by humans, else the platform's link clicks). Amounts are
in the pay terms' currency; revenue is converted from the home currency at the latest rate.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pandas as pd

from creatorroi.metrics.rollup import RollupInput, rollup
from creatorroi.model.money import exponent, from_minor, to_minor


def _int(value: object) -> int:
    return 0 if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def compute(terms: pd.DataFrame, inp: RollupInput) -> pd.DataFrame:
    rows = []
    cache: dict[str | None, pd.DataFrame] = {}
    for t in terms.itertuples():
        camp = None if pd.isna(t.campaign_id) else t.campaign_id
        if camp not in cache:
            cache[camp] = rollup(inp, ["influencer"], campaign=camp)
        frame = cache[camp]
        label = inp.labels.influencer.get(t.influencer_id, t.influencer_id)
        match = frame[frame["influencer"] == label]
        kpi = match.iloc[0].to_dict() if len(match) else {}
        orders = _int(kpi.get("orders"))
        clicks = _int(kpi.get("clicks")) or _int(kpi.get("link_clicks"))
        engagements = _int(kpi.get("engagements"))
        revenue = kpi.get("revenue")
        revenue_home = Decimal(0) if revenue is None or pd.isna(revenue) else Decimal(revenue)
        cur = t.currency
        rate = inp.rates.rate(inp.home, cur, None) or Decimal(0)
        revenue_pay_minor = to_minor(revenue_home * rate, cur)
        share = Decimal(0) if pd.isna(t.revenue_share) else Decimal(t.revenue_share)
        performance = (
            _int(t.per_sale_minor) * orders + _int(t.per_click_minor) * clicks
            + _int(t.per_engagement_minor) * engagements
            + int((share * revenue_pay_minor).quantize(Decimal(1), ROUND_HALF_EVEN))
        )
        capped = performance if pd.isna(t.cap_minor) else min(performance, int(t.cap_minor))
        due = _int(t.flat_minor) + capped
        back = inp.rates.rate(cur, inp.home, None)
        due_home = (None if back is None else from_minor(
            to_minor(from_minor(due, cur) * back, inp.home), inp.home))
        rows.append({
            "terms": t.id, "influencer": label, "campaign": camp, "kind": t.kind,
            "currency": cur, "orders": orders, "clicks": clicks, "engagements": engagements,
            "revenue": from_minor(revenue_pay_minor, cur),
            "flat_fee": from_minor(_int(t.flat_minor), cur),
            "performance": from_minor(performance, cur),
            "cap_applied": capped < performance,
            "due": from_minor(due, cur),
            f"due_{inp.home.lower()}": due_home,
        })
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["due"] = [d.quantize(Decimal(1).scaleb(-exponent(c)))
                        for d, c in zip(frame["due"], frame["currency"], strict=True)]
    return frame
