"""How much attribution found, by which method, and where methods agree.

Direct attribution is a floor, never the whole truth: the unattributed share is always shown.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import ibis
import pandas as pd

from creatorroi.attribution import rules
from creatorroi.metrics.fx import RateTable
from creatorroi.model.enums import AttributionMethod
from creatorroi.model.money import exponent, from_minor
from creatorroi.store import Store


def _ws(store: Store, name: str, workspace_id: str) -> ibis.Table:
    t = store.table(name)
    return t.filter(t.workspace_id == workspace_id)


def _home_minor(frame: pd.DataFrame, rates: RateTable, home: str) -> pd.Series:
    out = []
    for cur, day, minor in zip(frame["currency"], frame["day"], frame["net"], strict=True):
        rate = rates.rate(cur, home, day)
        if rate is None:
            out.append(0)
            continue
        major = from_minor(int(minor), cur) * rate
        out.append(int(major.scaleb(exponent(home)).quantize(Decimal(1), ROUND_HALF_EVEN)))
    return pd.Series(out, index=frame.index, dtype="int64")


def coverage(store: Store, workspace_id: str, priority: list[AttributionMethod],
             rates: RateTable) -> pd.DataFrame:
    home = store.fetch("SELECT currency FROM workspaces WHERE id = ?", [workspace_id])[0][0]
    orders = rules.eligible_orders(_ws(store, "orders", workspace_id))
    o = orders.select(o_id=orders.id, net=orders.net_minor, currency=orders.currency,
                      day=orders.created_at.date())
    touches = _ws(store, "attribution_touches", workspace_id)
    credited = _ws(store, "attributions", workspace_id).select(c_order="order_id",
                                                              c_method="method")
    t = touches.join(o, touches.order_id == o.o_id).left_join(
        credited, [touches.order_id == credited.c_order, touches.method == credited.c_method])
    t = t.mutate(won=ibis.ifelse(t.c_order.notnull(), 1, 0))
    found = t.group_by(["method", "currency", "day"]).aggregate(
        orders=t.count(), net=t.net.sum(), won_orders=t.won.sum(),
        won_net=(t.net * t.won).sum()).execute()
    total = o.group_by(["currency", "day"]).aggregate(orders=o.count(), net=o.net.sum()).execute()

    total_orders = int(total["orders"].sum()) if len(total) else 0
    total_rev = int(_home_minor(total, rates, home).sum()) if len(total) else 0
    rows = []
    for method in priority:
        part = found[found["method"] == method.value]
        rev = _home_minor(part, rates, home) if len(part) else pd.Series(dtype="int64")
        won_rev = (_home_minor(part.assign(net=part["won_net"]), rates, home)
                   if len(part) else pd.Series(dtype="int64"))
        rows.append((method.value, int(part["orders"].sum()), int(rev.sum()),
                     int(part["won_orders"].sum()), int(won_rev.sum())))
    credited_orders = sum(r[3] for r in rows)
    credited_rev = sum(r[4] for r in rows)
    rows.append(("unattributed", total_orders - credited_orders, total_rev - credited_rev,
                 total_orders - credited_orders, total_rev - credited_rev))
    rows.append(("total", total_orders, total_rev, total_orders, total_rev))
    frame = pd.DataFrame(rows, columns=["method", "orders_found", "revenue_found",
                                        "orders_credited", "revenue_credited"])
    frame["share_of_orders"] = (frame["orders_credited"] / total_orders * 100
                                if total_orders else float("nan"))
    frame["share_of_revenue"] = (frame["revenue_credited"] / total_rev * 100
                                 if total_rev else float("nan"))
    for col in ("revenue_found", "revenue_credited"):
        frame[col] = [from_minor(int(v), home) for v in frame[col]]
    return frame


def overlap(store: Store, workspace_id: str) -> pd.DataFrame:
    t = _ws(store, "attribution_touches", workspace_id).select("order_id", "method")
    b = t.rename(order_b="order_id", method_b="method")
    j = t.join(b, t.order_id == b.order_b)
    counts = j.group_by(["method", "method_b"]).aggregate(orders=j.count()).execute()
    methods = [m.value for m in AttributionMethod]
    matrix = pd.DataFrame(0, index=pd.Index(methods, name="method"), columns=methods,
                          dtype="int64")
    for a, bm, n in counts.itertuples(index=False):
        matrix.loc[a, bm] = int(n)
    return matrix
