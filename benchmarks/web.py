"""The web dashboard under a million orders: real server, real HTTP, beside two baselines.

    python benchmarks/web.py [--orders 1000000] [--influencers 500] [--sessions N]
                             [--requests 60] [--clients 4] [--keep] [--store PATH] [--warm]

``--keep`` keeps the store (its path is printed), ``--store`` runs on such a kept store instead
of building one, ``--warm`` starts ``web.cache.start_warmer`` in the server and lets the first
visitor in once it has built the overview. Quick run: ``--orders 20000 --influencers 50``.

Data (inserted straight into the store's tables with DuckDB SQL, like benchmarks/attribution.py):
N orders over two years, ``--influencers`` creators with an Instagram and a TikTok account and
monthly follower snapshots, a campaign per 25 creators (each creator in three campaigns, three
posts each with three metric snapshots), a promo code, a UTM link with clicks and a fee plus
samples (a tenth in USD, daily FX) per creator and campaign, per-post amplification, pay terms,
goals, sessions (a fifth tagged), survey answers. Attribution is left stale, as after an import.

Server: ``creatorroi.web.create_app(WebConfig(store))`` under uvicorn in its own process (what
``creatorroi web`` runs, plus two benchmark-only routes: ``/_bench/const`` returns a constant,
``/_bench/w/{ws}/auth`` returns a constant behind the same login + membership check every page
has). A user is created with ``creatorroi users add --password-stdin`` and every client logs in
by POST /login, so each request pays the real session and membership lookups (not local mode).

Measured, in this order:

1. baselines without the web layer, in this process: ``ws.attribute()`` on the stale store, then
   each page builder called directly (``overview(ws, Period())`` ...), no cache;
2. cold: the first view of each page kind over HTTP (the overview's first view also runs the
   attribution, as the first visitor after an import does), then every other variant's build;
3. warm, sequential: ``--requests`` requests per route over varied influencers, campaigns and
   periods, all of them already built once;
4. warm, concurrent: ``--clients`` logged-in clients at once, routes mixed;
5. both baseline routes while an uncached page builds: whether a build stalls the whole server.

PASS/FAIL: p95 of warm requests under 300 ms per route (the issue's target).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

WS = "bench"
EMAIL = "bench@brand.example"
PASSWORD = "bench password 1234"
TARGET_MS = 300.0
DAY0 = "2024-01-01"          # two years of data: 2024-01-01 .. 2025-12-31 (UTC)
# Periods a visitor picks: everything, a year, a quarter, a month.
PERIODS: list[tuple[date | None, date | None]] = [
    (None, None), (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2025, 10, 1), date(2025, 12, 31)), (date(2025, 12, 1), date(2025, 12, 31))]

SETUP = """
CREATE OR REPLACE TEMP TABLE _inf AS
  SELECT i, 'inf' || i AS id, 'creator' || i AS handle FROM range({I}) t(i);
CREATE OR REPLACE TEMP TABLE _camp AS
  SELECT c, 'camp' || c AS id, DATE '{D0}' + CAST(c * {STEP} AS INTEGER) AS starts_on
  FROM range({K}) t(c);
CREATE OR REPLACE TEMP TABLE _pair AS
  SELECT (row_number() OVER (ORDER BY i, c) - 1)::BIGINT AS p, * FROM (
    SELECT DISTINCT f.i, f.id AS inf_id, f.handle, k.c, k.id AS camp_id, k.starts_on
    FROM _inf f, range(3) j(j), _camp k WHERE k.c = (f.i + j.j * {S}) % {K});
CREATE OR REPLACE TEMP TABLE _post AS
  SELECT p, i, inf_id, camp_id, k, 'p' || p || '-' || k AS id,
    CASE WHEN (i + k) % 3 = 0 THEN 'tiktok' ELSE 'instagram' END AS platform,
    CASE WHEN (i + k) % 3 = 0 THEN 'video' WHEN k = 0 THEN 'reel' WHEN k = 1 THEN 'story'
         ELSE 'carousel' END AS content_type,
    TIMESTAMPTZ '{D0} 17:00:00+00' + to_days(CAST(starts_on - DATE '{D0}' AS INTEGER)
      + k * 15 + i % 7) AS published_at
  FROM _pair, range(3) t(k);

INSERT INTO influencers SELECT '{W}', id, 'Creator ' || i, NULL, 'IT' FROM _inf;
INSERT INTO accounts SELECT '{W}', pl || ':' || handle, id, pl, handle, NULL
  FROM _inf, (VALUES ('instagram'), ('tiktok')) v(pl);
INSERT INTO follower_snapshots SELECT '{W}', pl || ':' || handle,
  TIMESTAMPTZ '{D0} 00:00:00+00' + to_months(m),
  (1000 + (i * 7919) % 2000000) * (100 + m * 2) // 100
    // (CASE WHEN pl = 'tiktok' THEN 2 ELSE 1 END)
  FROM _inf, (VALUES ('instagram'), ('tiktok')) v(pl), range(24) t(m);
INSERT INTO campaigns SELECT '{W}', id, 'Campaign ' || c,
  CASE WHEN c % 3 = 0 THEN 'awareness' ELSE 'sales' END,
  CASE WHEN c % 3 = 0 THEN 'tofu' ELSE 'bofu' END, NULL, NULL, starts_on,
  CASE WHEN c = 0 THEN NULL ELSE starts_on + 60 END, c = 0,
  CASE WHEN c = 0 THEN NULL ELSE 2000000 + c * 100000 END,
  CASE WHEN c = 0 THEN NULL ELSE 'EUR' END FROM _camp;
INSERT INTO goals SELECT '{W}', id || '-rev', id, 'revenue', 50000, NULL, NULL,
  starts_on + 90, NULL, NULL, NULL FROM _camp;
INSERT INTO goals SELECT '{W}', id || '-reach', id, 'reach', 2000000, NULL, NULL,
  starts_on + 60, NULL, NULL, NULL FROM _camp;
INSERT INTO posts SELECT '{W}', id, camp_id, inf_id, platform, content_type,
  CAST(published_at AS DATE), published_at, 'https://social.example/' || id, NULL, NULL,
  k = 2 AND i % 5 = 0 FROM _post;
INSERT INTO post_metrics SELECT '{W}', id, published_at + to_days(d),
  r, r * 13 // 10, CASE WHEN content_type IN ('reel', 'video') THEN r * 2 ELSE NULL END,
  r * 4 // 100, r // 300, r // 500, r // 400, r // 100, r // 200, r // 2000
  FROM (SELECT *, (500 + (i * 7919 + k * 104729) % 200000) * d // 30 AS r
        FROM _post, (VALUES (1), (7), (30)) v(d));
INSERT INTO tracking_assets SELECT '{W}', 'p' || p || '-code', 'promo_code', inf_id, camp_id,
  NULL, 'instagram', 'CODE' || p, NULL, NULL, NULL, NULL, NULL, NULL FROM _pair;
INSERT INTO tracking_assets SELECT '{W}', 'p' || p || '-link', 'utm_link', inf_id, camp_id,
  NULL, 'instagram', 'l' || p, 'https://shop.example/', 'ig', 'influencer',
  'c' || c || '-' || handle, NULL, NULL FROM _pair;
INSERT INTO costs SELECT '{W}', 'p' || p || '-fee', 'fee', 50000 + (i * 104729) % 500000,
  CASE WHEN i % 10 = 0 THEN 'USD' ELSE 'EUR' END, starts_on, inf_id, camp_id, NULL, NULL
  FROM _pair;
INSERT INTO costs SELECT '{W}', 'p' || p || '-samples', 'samples', 4000 + (p * 37) % 9000,
  'EUR', starts_on, inf_id, camp_id, NULL, NULL FROM _pair;
INSERT INTO costs SELECT '{W}', id || '-boost', 'amplification', 10000 + (i * 31) % 20000,
  'EUR', CAST(published_at AS DATE), inf_id, camp_id, id, NULL FROM _post WHERE (i + k) % 4 = 0;
INSERT INTO pay_terms SELECT '{W}', 'p' || p || '-terms', inf_id, camp_id, 'hybrid', 'EUR',
  20000, 300, NULL, NULL, 0.05, 200000 FROM _pair WHERE p % 2 = 0;
INSERT INTO fx_rates SELECT '{W}', 'USD', 'EUR', DATE '{D0}' + CAST(d AS INTEGER),
  0.90 + (d % 50) / 1000.0 FROM range(731) t(d);
INSERT INTO orders SELECT '{W}', 'o' || i, 'shopify', '#' || (100000 + i),
  TIMESTAMPTZ '{D0} 00:00:00+00' + to_seconds((i * 63) % 63072000),
  'UTC', 'EUR', 1000 + (i * 7) % 9000, 0, 0, 1000 + (i * 7) % 9000,
  CASE WHEN i % 50 = 0 THEN 'refunded' ELSE 'paid' END, i % 200 = 0, NULL, NULL,
  'c' || (i % {C}), 'v' || (i % {V}), CASE WHEN i % 40 = 7 THEN 'k' || i END, NULL, NULL,
  i % 25 = 0
  FROM range({N}) t(i);
INSERT INTO order_codes SELECT '{W}', 'o' || i, 'CODE' || ((i * 31) % {P})
  FROM range({N}) t(i) WHERE i % 12 = 0;
INSERT INTO clicks SELECT '{W}', 'k' || i, 'l' || ((i * 13) % {P}),
  TIMESTAMPTZ '{D0} 00:00:00+00' + to_seconds((i * 63) % 63072000 - 1800),
  'h' || (i % 50000), 'Mozilla/5.0 (iPhone)', NULL, false
  FROM range({N}) t(i) WHERE i % 40 = 7;
INSERT INTO clicks SELECT '{W}', 'x' || i, 'l' || ((i * 7) % {P}),
  TIMESTAMPTZ '{D0} 00:00:00+00' + to_seconds((i * 631) % 63072000),
  'h' || (i % 50000), 'Mozilla/5.0 (iPhone)', NULL, i % 33 = 0
  FROM range({N} // 10) t(i);
INSERT INTO sessions SELECT '{W}', 's' || t.n, 'ga4',
  TIMESTAMPTZ '{D0} 00:00:00+00' + to_seconds((t.n * 6) % 63072000), 1, 'v' || (t.n % {V}),
  CASE WHEN t.n % 5 = 0 THEN 'ig' ELSE 'google' END,
  CASE WHEN t.n % 5 = 0 THEN 'influencer' ELSE 'organic' END,
  CASE WHEN t.n % 5 = 0 THEN 'c' || q.c || '-' || q.handle ELSE NULL END,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM range({M}) t(n) LEFT JOIN _pair q ON q.p = (t.n * 17) % {P};
INSERT INTO survey_answers SELECT '{W}', 'a' || i, 'o' || (i * 500 + 3),
  TIMESTAMPTZ '{D0} 00:00:00+00' + to_seconds(((i * 500 + 3) * 63) % 63072000 + 600),
  'How did you hear about us?',
  CASE WHEN i % 3 = 0 THEN 'a friend' ELSE 'creator' || ((i * 11) % {I}) || ' on instagram' END
  FROM range({N} // 500) t(i);
"""


# -- the server process ----------------------------------------------------------------------
def serve(store: str, port: int, warm: bool) -> None:
    """What ``creatorroi web`` runs, plus the two benchmark-only constant routes."""
    import uvicorn
    from fastapi.responses import PlainTextResponse

    from creatorroi.web import WebConfig, create_app
    from creatorroi.web.deps import Viewer

    app = create_app(WebConfig(store))

    @app.get("/_bench/const")
    def const() -> PlainTextResponse:
        return PlainTextResponse("ok")

    def auth(ctx: Viewer) -> PlainTextResponse:
        return PlainTextResponse(ctx.ws.id)

    # This module's annotations are strings FastAPI resolves in the module's globals, where
    # Viewer is not: give it the objects.
    auth.__annotations__ = {"ctx": Viewer, "return": PlainTextResponse}
    app.get("/_bench/w/{ws}/auth")(auth)

    warmer: Any = None
    if warm:
        from creatorroi.web.cache import start_warmer

        warmer = start_warmer(app)

    @app.get("/_bench/warmed")
    def warmed() -> PlainTextResponse:
        """Whether the warmer's first round is done (reads no store)."""
        return PlainTextResponse("yes" if warmer is None or warmer.ready.is_set() else "no")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)


# -- building the store ----------------------------------------------------------------------
def build_store(path: Path, orders: int, influencers: int, sessions: int) -> float:
    import creatorroi

    app = creatorroi.connect(str(path))
    app.create_workspace(WS, "Bench brand", "EUR", "UTC", "en")
    k = max(3, influencers // 25)
    step = max(1, 640 // k)
    t0 = time.perf_counter()
    app.store.raw.execute(SETUP.format(
        W=WS, D0=DAY0, I=influencers, K=k, S=k // 3 + 1, STEP=step, N=orders, M=sessions,
        P=_pairs(influencers, k), V=max(orders // 2, 1), C=max(orders * 2 // 5, 1)))
    app.store.raw.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t0
    app.close()
    return elapsed


def _pairs(influencers: int, k: int) -> int:
    s = k // 3 + 1
    return sum(len({(i + j * s) % k for j in range(3)}) for i in range(influencers))


def store_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


# -- measuring -------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    rank = max(1, min(len(s), int(-(-q * len(s) // 100))))
    return s[rank - 1]


@dataclass
class Route:
    key: str
    label: str
    html: bool
    paths: list[str]                       # one path per variant (entity x period)
    cold_ms: float | None = None
    builds_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    conc_ms: list[float] = field(default_factory=list)
    available: bool = True
    bytes: int = 0


def query(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    return f"?start={start.isoformat()}&end={end.isoformat()}"


def routes(campaigns: list[str], influencers: list[str]) -> list[Route]:
    def for_each(fmt: str, ids: list[str], periods: list[tuple[date | None, date | None]]
                 ) -> list[str]:
        return [fmt.format(ws=WS, id=i) + query(*p) for i in ids for p in periods]

    two = PERIODS[:2]
    return [
        Route("overview", "overview page", True, for_each("/w/{ws}", [""], PERIODS)),
        Route("overview_api", "overview API", False,
              for_each("/api/w/{ws}/overview", [""], PERIODS)),
        Route("campaign", "campaign page", True,
              for_each("/w/{ws}/campaigns/{id}", campaigns, two)),
        Route("campaign_api", "campaign API", False,
              for_each("/api/w/{ws}/campaigns/{id}", campaigns, two)),
        Route("influencer", "influencer page", True,
              for_each("/w/{ws}/influencers/{id}", influencers, two)),
        Route("influencer_api", "influencer API", False,
              for_each("/api/w/{ws}/influencers/{id}", influencers, two)),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(store: Path, port: int, warm: bool, log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", str(store),
           "--port", str(port)] + (["--warm"] if warm else [])
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_bench/const", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(proc)
    raise RuntimeError("server did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def logged_in(base: str) -> Any:
    import httpx

    client = httpx.Client(base_url=base, timeout=600)
    page = client.get("/login")
    match = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
    if not match:
        raise RuntimeError("the login page carries no CSRF token")
    r = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "next": "/",
                                    "csrf_token": match.group(1)})
    if r.status_code != 303 or "cr_session" not in client.cookies:
        raise RuntimeError(f"login failed: {r.status_code} {r.text[:200]}")
    return client


def timed_get(client: Any, path: str) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    r = client.get(path)
    ms = (time.perf_counter() - t0) * 1000
    return ms, r.status_code, len(r.content)


def expect_ok(path: str, status: int) -> None:
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")


# -- direct baselines (no web layer) --------------------------------------------------------
def direct_builders() -> dict[str, Callable[..., Any]]:
    """Page builders by route key, where this checkout has them: ``(ws, id, Period)``."""
    from creatorroi.dashboard.overview import overview

    out: dict[str, Callable[..., Any]] = {"overview": lambda ws, _id, p: overview(ws, p)}
    try:
        from creatorroi.dashboard.campaigns import campaign_detail

        out["campaign"] = lambda ws, cid, p: campaign_detail(ws, cid, p, date.today())
    except ImportError:
        pass
    try:
        from creatorroi.dashboard.influencers import influencer_detail

        out["influencer"] = lambda ws, iid, p: influencer_detail(ws, iid, p, date.today())
    except ImportError:
        pass
    return out


def baseline(store: Path, campaign: str, influencer: str, repeat: int) -> dict[str, Any]:
    import creatorroi
    from creatorroi.dashboard import Period

    app = creatorroi.connect(str(store))
    ws = app.workspace(WS)
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    ws.attribute()
    out["attribute"] = time.perf_counter() - t0
    ids = {"overview": "", "campaign": campaign, "influencer": influencer}
    for key, fn in direct_builders().items():
        times = []
        try:
            for _ in range(repeat):
                t0 = time.perf_counter()
                fn(ws, ids[key], Period())
                times.append(time.perf_counter() - t0)
        except TypeError as exc:   # a colleague's builder with another signature
            out[key] = f"not measured ({exc})"
            continue
        out[key] = times
    # As after an import: attribution stale and a new revision, so the server starts cold.
    app.store.execute("UPDATE workspaces SET attributed_at = NULL, revision = revision + 1 "
                      "WHERE id = ?", [WS])
    app.close()
    return out


# -- the run ----------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--influencers", type=int, default=500)
    ap.add_argument("--sessions", type=int, default=None, help="default: 3 x orders")
    ap.add_argument("--requests", type=int, default=60, help="warm requests per route")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients")
    ap.add_argument("--keep", action="store_true", help="keep the store (path printed)")
    ap.add_argument("--warm", action="store_true",
                    help="start the server's background cache warmer (web.cache.start_warmer)")
    ap.add_argument("--store", type=Path, default=None,
                    help="reuse a store built by an earlier --keep run")
    ap.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.warm)
        return 0
    sessions = 3 * args.orders if args.sessions is None else args.sessions
    tmp = Path(tempfile.mkdtemp(prefix="cr-web-bench-"))
    try:
        return run(args, sessions, tmp)
    finally:
        if args.keep:
            print(f"\nstore kept: {tmp / 'bench.duckdb'}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, sessions: int, tmp: Path) -> int:
    path = tmp / "bench.duckdb"
    print(f"creatorroi web benchmark: {args.orders:,} orders, {sessions:,} sessions, "
          f"{args.influencers} influencers, {os.cpu_count()} CPUs", flush=True)
    if args.store:
        shutil.copy(args.store, path)
        print(f"  store copied from {args.store}")
    else:
        built = build_store(path, args.orders, args.influencers, sessions)
        print(f"  dataset built in {built:.1f} s", flush=True)
    print(f"  store size {store_size(path) / 2**20:,.0f} MiB ({path})", flush=True)
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    n_camp = con.execute("SELECT count(*) FROM campaigns").fetchone()[0]  # type: ignore[index]
    has_user = con.execute("SELECT count(*) FROM users WHERE email = ?",
                           [EMAIL]).fetchone()[0]  # type: ignore[index]
    con.close()
    if not has_user:   # a real owner, as `creatorroi web` wants before serving anyone
        subprocess.run([sys.executable, "-m", "creatorroi.cli", "users", "add", EMAIL,
                        "--workspace", WS, "--role", "owner", "--name", "Bench",
                        "--password-stdin", "--store", str(path)],
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    rng = random.Random(7)
    camps = [f"camp{c}" for c in sorted(rng.sample(range(n_camp), min(5, n_camp)))]
    infs = [f"inf{i}" for i in sorted(rng.sample(range(args.influencers),
                                                  min(5, args.influencers)))]

    print("\n1. baselines without the web layer (in process, no cache)", flush=True)
    base = baseline(path, camps[0], infs[0], 2)
    print(f"  ws.attribute() on the stale store       {base['attribute'] * 1000:9.0f} ms")
    for key, val in base.items():
        if key == "attribute":
            continue
        if isinstance(val, str):
            print(f"  {key:<38} {val}")
        else:
            print(f"  {key + ' page built directly':<38} {min(val) * 1000:9.0f} ms (best of "
                  f"{len(val)})")

    port = free_port()
    started = time.perf_counter()
    server = start_server(path, port, args.warm, tmp / "server.log")
    try:
        table = measure(f"http://127.0.0.1:{port}", camps, infs, args, started)
    finally:
        stop(server)
        log = (tmp / "server.log").read_text(errors="replace").strip()
        if log:
            print("\nserver output:\n" + log[-3000:])
    return report(table, base)


def measure(base_url: str, camps: list[str], infs: list[str],
            args: argparse.Namespace, started: float) -> dict[str, Any]:
    import httpx

    warm_s = None
    if args.warm:
        # Logging in while the warmer builds fails (the login route reads the store outside
        # its lock), so the first visitor is let in once the warmer's first round is done.
        while httpx.get(base_url + "/_bench/warmed", timeout=600).text != "yes":
            time.sleep(0.1)
        warm_s = time.perf_counter() - started
        print(f"\n   background warmer: overview built {warm_s:.1f} s after the server "
              "started", flush=True)
    client = logged_in(base_url)
    rs = routes(camps, infs)
    for r in rs:
        # Probed with an invalid date, so nothing is built: a served route answers 422, one
        # nobody serves yet Starlette's 404.
        status = client.get(r.paths[0].split("?")[0] + "?start=x").status_code
        r.available = status != 404
    print("\n2. cold: first view of each page kind (the overview's includes attribution)",
          flush=True)
    for r in rs:
        if not r.available:
            print(f"  {r.label:<20} not served yet (404): skipped")
            continue
        # Twins share the cache entry of the page they mirror: ask the API for another period.
        path = r.paths[1] if r.key.endswith("_api") and len(r.paths) > 1 else r.paths[0]
        ms, status, size = timed_get(client, path)
        expect_ok(path, status)
        r.cold_ms = ms
        print(f"  {r.label:<20} {ms:9.0f} ms  {path}", flush=True)
    for r in rs:
        if not r.available:
            continue
        for path in r.paths:
            ms, status, size = timed_get(client, path)
            expect_ok(path, status)
            r.builds_ms.append(ms)
            r.bytes = max(r.bytes, size)

    print(f"\n3. warm, sequential: {args.requests} requests per route", flush=True)
    rng = random.Random(11)
    def ok_ms(path: str) -> float:
        ms, status, _ = timed_get(client, path)
        expect_ok(path, status)
        return ms

    const_ms = [ok_ms("/_bench/const") for _ in range(args.requests)]
    auth_ms = [ok_ms(f"/_bench/w/{WS}/auth") for _ in range(args.requests)]
    for r in rs:
        if not r.available:
            continue
        for _ in range(args.requests):
            path = rng.choice(r.paths)
            ms, status, _size = timed_get(client, path)
            expect_ok(path, status)
            r.warm_ms.append(ms)

    print(f"4. warm, concurrent: {args.clients} clients, routes mixed", flush=True)
    live = [r for r in rs if r.available]
    clients = [logged_in(base_url) for _ in range(args.clients)]
    lock = threading.Lock()
    conc_const: list[float] = []
    per_client = max(1, args.requests * len(live) // args.clients)
    errors: list[str] = []

    def worker(c: Any, seed: int) -> None:
        wr = random.Random(seed)
        for n in range(per_client):
            if n % 6 == 0:
                ms, status, _ = timed_get(c, "/_bench/const")
                with lock:
                    conc_const.append(ms)
            r = wr.choice(live)
            path = wr.choice(r.paths)
            ms, status, _ = timed_get(c, path)
            with lock:
                r.conc_ms.append(ms)
                if status != 200:
                    errors.append(f"{path}: {status}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(c, i)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conc_s = time.perf_counter() - t0
    conc_n = sum(len(r.conc_ms) for r in live) + len(conc_const)
    if errors:
        raise RuntimeError(f"concurrent run failed: {errors[:3]}")

    print("5. the constant route while a page builds (does a build block the server?)",
          flush=True)
    blocked: dict[str, list[float]] = {"/_bench/const": [], f"/_bench/w/{WS}/auth": []}
    fresh = f"/w/{WS}?start=2024-03-01&end=2024-05-31"   # a period nobody asked for yet
    done = threading.Event()

    def poll(path: str, c: Any) -> None:
        while not done.is_set():
            ms, status, _ = timed_get(c, path)
            blocked[path].append(ms)
            if status != 200:
                errors.append(f"{path}: {status}")
            time.sleep(0.02)

    # Logged in before the build starts: the login routes read the store outside its lock
    # (auth.login_form -> deps.visitor_of), which fails while a build holds the connection.
    polling = [logged_in(base_url) for _ in blocked]
    pollers = [threading.Thread(target=poll, args=(p, c))
               for p, c in zip(blocked, polling, strict=True)]
    for t in pollers:
        t.start()
    time.sleep(0.3)
    build_ms, status, _ = timed_get(client, fresh)
    done.set()
    for t in pollers:
        t.join()
    expect_ok(fresh, status)
    if errors:
        raise RuntimeError(f"polling during the build failed: {errors[:3]}")
    for c in (client, *clients, *polling):
        c.close()
    return {"warm_s": warm_s, "routes": rs, "const": const_ms, "auth": auth_ms,
            "conc_const": conc_const, "conc_s": conc_s, "conc_n": conc_n, "blocked": blocked,
            "build_ms": build_ms, "clients": args.clients}


def _row(label: str, values: list[float], target: bool = True) -> str:
    if not values:
        return f"  {label:<22}{'-':>9}"
    p95 = pct(values, 95)
    verdict = ("PASS" if p95 < TARGET_MS else "FAIL") if target else ""
    return (f"  {label:<22}{pct(values, 50):9.1f}{p95:9.1f}{max(values):9.1f}{len(values):6d}"
            f"  {verdict}")


def report(t: dict[str, Any], base: dict[str, Any]) -> int:
    rs: list[Route] = t["routes"]
    head = f"  {'':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'n':>6}"
    if t["warm_s"] is not None:
        print(f"\n== --warm: the background warmer had the overview built {t['warm_s']:.1f} s "
              "after the server started; first views below came after that ==")
    print("\n== cold: first view of each page kind, then every variant's first build ==")
    print("  (in this order: a campaign or influencer page viewed after the overview reuses the "
          "facts the\n   overview pulled for the same period, as in a visitor's session)")
    print(f"  {'':<22}{'first ms':>9}{'p50 ms':>9}{'max ms':>9}{'n':>6}{'max KiB':>9}")
    for r in rs:
        if r.cold_ms is None:
            print(f"  {r.label:<22} not served yet")
            continue
        print(f"  {r.label:<22}{r.cold_ms:9.0f}{pct(r.builds_ms, 50):9.0f}"
              f"{max(r.builds_ms):9.0f}{len(r.builds_ms):6d}{r.bytes / 1024:9.0f}")
    print("\n== warm, sequential (target: p95 < 300 ms) ==")
    print(head)
    print(_row("baseline: constant", t["const"], False))
    print(_row("baseline: login+member", t["auth"], False))
    failed = 0
    for r in rs:
        if r.available:
            print(_row(r.label, r.warm_ms))
            failed += pct(r.warm_ms, 95) >= TARGET_MS
    print(f"\n== warm, {t['clients']} concurrent clients: {t['conc_n'] / t['conc_s']:.0f} "
          f"requests/s ==")
    print(head)
    print(_row("baseline: constant", t["conc_const"], False))
    for r in rs:
        if r.available:
            print(_row(r.label, r.conc_ms))
            failed += pct(r.conc_ms, 95) >= TARGET_MS
    print(f"\n== baselines while an uncached overview builds ({t['build_ms']:.0f} ms) ==")
    print(head)
    for path, label in zip(t["blocked"], ("constant", "login+member"), strict=True):
        print(_row(f"{label}, in build", t["blocked"][path], False))
    print("\n== baselines without the web layer (in process) ==")
    print(f"  ws.attribute() (stale store)  {base['attribute'] * 1000:9.0f} ms")
    for key, val in base.items():
        if key != "attribute" and not isinstance(val, str):
            print(f"  {key + ' built directly':<30}{min(val) * 1000:9.0f} ms")
    missing = [r.label for r in rs if not r.available]
    if missing:
        print(f"\nnot measured (route not served yet): {', '.join(missing)}")
    print("\n" + ("every measured route PASS" if not failed else f"{failed} FAIL"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
