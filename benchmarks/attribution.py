"""Attribution + influencer rollup at scale, beside two baselines measured in the same run.

    python benchmarks/attribution.py [--orders 1000000] [--sessions 10000000] [--influencers 500]

Data: N orders over two years, M sessions (a fifth tagged with an influencer's UTM link), 500
influencers with a promo code and a UTM link each; ~8% of orders carry a code, visitors link
sessions to orders. Timed, each from the same stored tables to the same influencer table:

* creatorroi — ``Workspace.attribute(force=True)`` (every method, materialised) plus
  ``kpis("influencer")`` (every KPI, FX, labels);
* SQL floor — the same promo-code + UTM-last-touch rule and rollup, hand-written for DuckDB;
* pandas — the same rule, vectorised as an analyst would write it.

The three must agree on orders and revenue per influencer, or the script fails. Peak memory is
the process's max RSS during each stage (ru_maxrss), reported in MB.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

import creatorroi

SETUP = """
CREATE OR REPLACE TEMP TABLE _inf AS
  SELECT i, 'inf' || i AS id, 'creator' || i AS handle FROM range({I}) t(i);
INSERT INTO influencers SELECT 'bench', id, 'Creator ' || i, NULL, 'IT' FROM _inf;
INSERT INTO accounts SELECT 'bench', 'instagram:' || handle, id, 'instagram', handle, NULL
  FROM _inf;
INSERT INTO follower_snapshots SELECT 'bench', 'instagram:' || handle,
  TIMESTAMPTZ '2023-01-01 00:00:00+00', 1000 + (i * 7919) % 2000000 FROM _inf;
INSERT INTO campaigns VALUES ('bench', 'always-on', 'Always on', 'sales', 'bofu', NULL, NULL,
  DATE '2023-01-01', NULL, true, NULL, NULL);
INSERT INTO tracking_assets SELECT 'bench', id || '-code', 'promo_code', id, 'always-on', NULL,
  'instagram', 'CODE_' || upper(handle), NULL, NULL, NULL, NULL, NULL, NULL FROM _inf;
INSERT INTO tracking_assets SELECT 'bench', id || '-link', 'utm_link', id, 'always-on', NULL,
  'instagram', handle, NULL, 'ig', 'influencer', handle, NULL, NULL FROM _inf;
INSERT INTO costs SELECT 'bench', id || '-fee', 'fee', 50000 + (i * 104729) % 500000,
  CASE WHEN i % 10 = 0 THEN 'USD' ELSE 'EUR' END, DATE '2023-06-01', id, 'always-on', NULL,
  NULL FROM _inf;
INSERT INTO fx_rates VALUES ('bench', 'USD', 'EUR', DATE '2023-01-01', 0.92);
INSERT INTO orders SELECT 'bench', 'o' || i, 'bench', 'o' || i,
  TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds((i * 63) % 63072000),
  'UTC', 'EUR', 1000 + (i * 7) % 9000, 0, 0, 1000 + (i * 7) % 9000,
  CASE WHEN i % 50 = 0 THEN 'refunded' ELSE 'paid' END, false, NULL, NULL,
  'c' || (i % 400000), 'v' || (i % {V}), NULL, NULL, NULL, false
  FROM range({N}) t(i);
INSERT INTO order_codes SELECT 'bench', 'o' || i, 'CODE_CREATOR' || ((i * 31) % {I})
  FROM range({N}) t(i) WHERE i % 12 = 0;
INSERT INTO sessions SELECT 'bench', 's' || i, 'bench',
  TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds((i * 6) % 63072000 + 0), 1,
  'v' || (i % {V}),
  CASE WHEN i % 5 = 0 THEN 'ig' ELSE 'google' END,
  CASE WHEN i % 5 = 0 THEN 'influencer' ELSE 'organic' END,
  CASE WHEN i % 5 = 0 THEN 'creator' || ((i * 17) % {I}) ELSE NULL END,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM range({M}) t(i);
"""

FLOOR_SQL = """
WITH o AS (
  SELECT id, created_at, visitor_id, net_minor FROM orders
  WHERE workspace_id = 'bench' AND NOT cancelled AND status NOT IN ('refunded', 'voided')
    AND net_minor > 0
), codes AS (
  SELECT c.order_id, a.influencer_id, 0 AS prio, o.created_at AS touched_at
  FROM order_codes c JOIN o ON o.id = c.order_id
  JOIN tracking_assets a ON a.workspace_id = 'bench' AND a.kind = 'promo_code'
   AND a.match_key = c.code
  WHERE c.workspace_id = 'bench'
), tagged AS (
  SELECT s.visitor_id, s.started_at, a.influencer_id FROM sessions s
  JOIN tracking_assets a ON a.workspace_id = 'bench' AND a.kind = 'utm_link'
   AND a.utm_campaign = s.utm_campaign AND a.utm_source = s.utm_source
   AND a.utm_medium = s.utm_medium
  WHERE s.workspace_id = 'bench'
), utm AS (
  SELECT o.id AS order_id, t.influencer_id, 2 AS prio, t.started_at AS touched_at
  FROM o JOIN tagged t ON t.visitor_id = o.visitor_id
   AND t.started_at <= o.created_at AND t.started_at >= o.created_at - INTERVAL 7 DAY
), win AS (
  SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY order_id
                 ORDER BY prio, touched_at DESC) AS r FROM (SELECT * FROM codes UNION ALL
                 SELECT * FROM utm)) WHERE r = 1
), rev AS (
  SELECT w.influencer_id, count(*) AS orders, sum(o.net_minor) AS revenue
  FROM win w JOIN o ON o.id = w.order_id GROUP BY 1
), cost AS (
  SELECT influencer_id, sum(CASE WHEN currency = 'EUR' THEN amount_minor
                                 ELSE round(amount_minor * 0.92) END) AS cost
  FROM costs WHERE workspace_id = 'bench' GROUP BY 1
)
SELECT c.influencer_id, coalesce(r.orders, 0) AS orders, coalesce(r.revenue, 0) AS revenue,
       c.cost, (coalesce(r.revenue, 0) - c.cost) / c.cost * 100 AS roi
FROM cost c LEFT JOIN rev r USING (influencer_id) ORDER BY 1
"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, repeat: int) -> tuple[float, pd.DataFrame]:  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"  {label:<34} {best:8.2f} s   peak RSS so far {peak_mb():8.0f} MB", flush=True)
    return best, result  # type: ignore[return-value]


def pandas_version(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What an analyst would write: load the tables, merge, filter, rank, group."""
    orders = con.execute("SELECT id, created_at, visitor_id, net_minor, status, cancelled "
                         "FROM orders WHERE workspace_id = 'bench'").df()
    codes = con.execute("SELECT order_id, code FROM order_codes "
                        "WHERE workspace_id = 'bench'").df()
    sessions = con.execute("SELECT visitor_id, started_at, utm_source, utm_medium, utm_campaign "
                           "FROM sessions WHERE workspace_id = 'bench'").df()
    assets = con.execute("SELECT influencer_id, kind, match_key, utm_source, utm_medium, "
                         "utm_campaign FROM tracking_assets WHERE workspace_id = 'bench'").df()
    costs = con.execute("SELECT influencer_id, amount_minor, currency FROM costs "
                        "WHERE workspace_id = 'bench'").df()
    o = orders[~orders.cancelled & ~orders.status.isin(["refunded", "voided"])
               & (orders.net_minor > 0)]
    promo = assets[assets.kind == "promo_code"][["influencer_id", "match_key"]]
    c = codes.merge(promo, left_on="code", right_on="match_key").merge(
        o[["id", "created_at"]], left_on="order_id", right_on="id")
    c = c.assign(prio=0, touched_at=c.created_at)[["order_id", "influencer_id", "prio",
                                                    "touched_at"]]
    links = assets[assets.kind == "utm_link"][["influencer_id", "utm_source", "utm_medium",
                                               "utm_campaign"]]
    tagged = sessions.merge(links, on=["utm_source", "utm_medium", "utm_campaign"])
    j = o[["id", "created_at", "visitor_id"]].merge(tagged, on="visitor_id")
    j = j[(j.started_at <= j.created_at)
          & (j.started_at >= j.created_at - pd.Timedelta(days=7))]
    u = j.assign(order_id=j.id, prio=2, touched_at=j.started_at)[
        ["order_id", "influencer_id", "prio", "touched_at"]]
    allt = pd.concat([c, u]).sort_values(["order_id", "prio", "touched_at"],
                                         ascending=[True, True, False])
    win = allt.drop_duplicates("order_id")
    rev = win.merge(o[["id", "net_minor"]], left_on="order_id", right_on="id").groupby(
        "influencer_id").agg(orders=("id", "size"), revenue=("net_minor", "sum"))
    costs["eur"] = costs.amount_minor.where(costs.currency == "EUR",
                                            (costs.amount_minor * 0.92).round())
    cost = costs.groupby("influencer_id").eur.sum().rename("cost")
    out = cost.to_frame().join(rev).fillna({"orders": 0, "revenue": 0})
    out["roi"] = (out.revenue - out.cost) / out.cost * 100
    return out.reset_index().sort_values("influencer_id")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--sessions", type=int, default=10_000_000)
    ap.add_argument("--influencers", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    tmp = args.dir or Path(tempfile.mkdtemp(prefix="cr-bench-"))
    path = tmp / "bench.duckdb"
    path.unlink(missing_ok=True)
    print(f"creatorroi attribution benchmark: {args.orders:,} orders, {args.sessions:,} "
          f"sessions, {args.influencers} influencers (store {path})")
    app = creatorroi.connect(str(path))
    ws = app.create_workspace("bench", "Bench brand", "EUR", "Europe/Rome", "it")
    t0 = time.perf_counter()
    con = app.store.raw
    con.execute(SETUP.format(I=args.influencers, N=args.orders, M=args.sessions,
                             V=max(args.orders // 2, 1)))
    con.execute("CHECKPOINT")
    print(f"  generated data in {time.perf_counter() - t0:.1f} s\n")

    def ours() -> pd.DataFrame:
        ws.attribute(force=True)
        return ws.kpis("influencer")

    t_ours, k = timed("creatorroi (attribute + kpis)", ours, args.repeat)
    t_sql, floor = timed("hand-written DuckDB SQL (floor)", lambda: con.execute(FLOOR_SQL).df(),
                         args.repeat)
    peak_before_pandas = peak_mb()
    t_pd, pdf = timed("pandas (vectorised)", lambda: pandas_version(con), 1)

    # All three must agree on orders and revenue per influencer.
    ours_by = {r.influencer.lstrip("@").replace("creator", "inf"): (r.orders, int(r.revenue * 100))
               for r in k.itertuples()}
    floor_by = {r.influencer_id: (r.orders, int(r.revenue)) for r in floor.itertuples()}
    pd_by = {r.influencer_id: (int(r.orders), int(r.revenue)) for r in pdf.itertuples()}
    if not (ours_by == floor_by == pd_by):
        diff = [i for i in floor_by if ours_by.get(i) != floor_by[i] or pd_by.get(i) != floor_by[i]]
        print(f"MISMATCH on {len(diff)} influencers, e.g. {diff[:3]}", file=sys.stderr)
        return 1
    total = sum(v[0] for v in floor_by.values())
    print(f"\n  all three agree: {total:,} orders credited to {len(floor_by)} influencers")
    print(f"  creatorroi / SQL floor = {t_ours / t_sql:.2f}x (target <= 1.3x)")
    print(f"  pandas / creatorroi    = {t_pd / t_ours:.2f}x (target >= 3x)")
    print(f"  peak RSS without pandas stage {peak_before_pandas:,.0f} MB, overall "
          f"{peak_mb():,.0f} MB (target < 4096 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
