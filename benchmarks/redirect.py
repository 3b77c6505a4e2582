"""The click-redirect service under load, beside plain nginx answering the same 302.

    python benchmarks/redirect.py [--duration 10] [--server granian|uvicorn|both]
                                  [--workers 2] [--connections 64,256] [--no-fsync]

Each contender is started fresh on a free loopback port and hit by ``wrk --latency`` (2
threads, keep-alive, an Instagram in-app browser User-Agent) for ``--duration`` seconds at each
connection count:

* nginx — ``return 302`` from a temporary config (``daemon off``, ``access_log off``,
  ``worker_processes auto``): the floor no Python service can beat;
* granian / uvicorn — ``creatorroi.links`` with ``--workers``, durable click log on (fsync
  before every 302 unless ``--no-fsync``), rate limit off (wrk is one address).

Printed per run: requests/s, p50, p99 and the 302s wrk received. Afterwards the click log is
read back: every 302 wrk received must have its record (``persisted`` = records / 302s, capped
at 100%; records can exceed 302s by the requests in flight when wrk stopped). Targets: >= 20%
of nginx's requests/s and p99 < 20 ms at 64 connections, 100% persisted. The script exits
nonzero only when something crashed, not when a target is missed (it prints MET / NOT MET).

Needs ``wrk`` and ``nginx`` on PATH (Debian: ``apt-get install -y wrk nginx``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from creatorroi.links.clicklog import scan_clicks
from creatorroi.links.config import Link, ServiceConfig
from creatorroi.links.server import server_command, server_env

DESTINATION = ("https://www.shop.example/products/serum?utm_source=instagram"
               "&utm_medium=influencer&utm_campaign=spring&utm_content=giulia")
USER_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Mobile/15E148 Instagram 326.0.3.31.108 (iPhone14,5; iOS "
              "17_4; en_US; en; scale=3.00; 1170x2532; 580117008)")

# wrk prints one JSON line at the end: exact counts and percentiles (microseconds).
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    '\\nJSON {"requests":%d,"duration_us":%d,"status_errors":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"timeout":%d,"p50":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""

NGINX_CONF = """
daemon off;
master_process on;
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{
      add_header Cache-Control no-store always;
      add_header Referrer-Policy strict-origin-when-cross-origin always;
      return 302 "{location}";
    }}
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    ok = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=1):
                ok += 1
                if ok >= 5:  # a few answers: more than one worker is likely up
                    return
        except OSError:
            ok = 0
        time.sleep(0.2)
    raise RuntimeError(f"server not ready at {url} after {timeout:.0f}s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run_wrk(url: str, connections: int, duration: int, lua: Path) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s",
           "-s", str(lua), "-H", f"User-Agent: {USER_AGENT}", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("JSON "))
    data = json.loads(line[5:])
    seconds = data["duration_us"] / 1e6
    return {
        "rps": data["requests"] / seconds,
        "p50_ms": data["p50"] / 1000, "p99_ms": data["p99"] / 1000,
        "ok": data["requests"] - data["status_errors"],
        "requests": data["requests"],
        "errors": data["status_errors"] + data["connect"] + data["read"] + data["write"]
                  + data["timeout"],
    }


def bench_nginx(tmp: Path, conns: list[int], duration: int, lua: Path,
                location: str) -> dict[int, dict[str, float]]:
    port = free_port()
    ntmp = tmp / "nginx"
    ntmp.mkdir()
    conf = ntmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=ntmp, port=port, location=location))
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(ntmp)],
                            start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port, proc)
        return {c: run_wrk(f"http://127.0.0.1:{port}/giulia", c, duration, lua) for c in conns}
    finally:
        stop(proc)


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("nginx did not start listening")


def bench_service(tmp: Path, server: str, workers: int, fsync: bool, conns: list[int],
                  duration: int, lua: Path) -> tuple[dict[int, dict[str, float]], int, int]:
    log_dir = tmp / f"clicks-{server}"
    cfg = ServiceConfig(
        links={"giulia": Link("giulia", DESTINATION, "asset-giulia", "bench")},
        allowed_domains=("shop.example",), trusted_proxies=(), salt="bench-salt",
        log_dir=log_dir, rate_limit_per_minute=0, fsync=fsync)
    cfg_path = tmp / f"links-{server}.json"
    cfg.dump(cfg_path)
    port = free_port()
    proc = subprocess.Popen(
        server_command(port=port, workers=workers, server=server),  # type: ignore[arg-type]
        env=server_env(cfg_path), start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", proc)
        results = {c: run_wrk(f"http://127.0.0.1:{port}/giulia", c, duration, lua)
                   for c in conns}
    finally:
        stop(proc)
    records, skipped = scan_clicks(log_dir)
    return results, len(records), skipped


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--server", choices=["granian", "uvicorn", "both"], default="both")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", default="64,256")
    ap.add_argument("--no-fsync", action="store_true", help="click log without fsync")
    args = ap.parse_args()
    conns = [int(c) for c in args.connections.split(",")]
    missing = [t for t in ("wrk", "nginx") if shutil.which(t) is None]
    if missing and shutil.which("apt-get") and os.geteuid() == 0:
        print(f"installing {' '.join(missing)} from Debian ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=False,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y wrk nginx", file=sys.stderr)
            return 2
    servers = ["granian", "uvicorn"] if args.server == "both" else [args.server]
    print(f"redirect benchmark: {os.cpu_count()} CPUs, {args.duration}s per run, wrk -t2, "
          f"workers={args.workers}, fsync={'off' if args.no_fsync else 'on'}", flush=True)

    with tempfile.TemporaryDirectory(prefix="cr-redirect-bench-") as t:
        tmp = Path(t)
        lua = tmp / "count.lua"
        lua.write_text(WRK_LUA)
        location = DESTINATION + "&cr_click=06h2e9r2rgsvt238hg00000"
        table: dict[str, dict[int, dict[str, float]]] = {}
        persisted: dict[str, tuple[int, int, int]] = {}
        table["nginx"] = bench_nginx(tmp, conns, args.duration, lua, location)
        print("  nginx done", flush=True)
        for server in servers:
            res, n_records, skipped = bench_service(tmp, server, args.workers,
                                                    not args.no_fsync, conns, args.duration,
                                                    lua)
            table[server] = res
            persisted[server] = (sum(int(r["ok"]) for r in res.values()), n_records, skipped)
            print(f"  {server} done", flush=True)

    floor = table["nginx"]
    print()
    print(f"{'server':<9}{'conns':>6}{'req/s':>11}{'% nginx':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'302s':>10}{'errors':>8}")
    for name, res in table.items():
        for c, r in res.items():
            share = 100 * r["rps"] / floor[c]["rps"] if floor[c]["rps"] else 0.0
            print(f"{name:<9}{c:>6}{r['rps']:>11,.0f}{share:>8.1f}%{r['p50_ms']:>9.2f}"
                  f"{r['p99_ms']:>9.2f}{int(r['ok']):>10,}{int(r['errors']):>8}")
    print()
    ok_all = True
    c0 = conns[0]
    for server in servers:
        acked, n_records, skipped = persisted[server]
        share = min(1.0, n_records / acked) if acked else 1.0
        r = table[server][c0]
        checks = [
            (f"req/s >= 20% of nginx at {c0} conns",
             r["rps"] >= 0.2 * floor[c0]["rps"], f"{100 * r['rps'] / floor[c0]['rps']:.1f}%"),
            (f"p99 < 20 ms at {c0} conns", r["p99_ms"] < 20, f"{r['p99_ms']:.2f} ms"),
            ("100% of 302s persisted", n_records >= acked and skipped == 0,
             f"{100 * share:.2f}% ({n_records:,} records for {acked:,} 302s, "
             f"{skipped} corrupt)"),
        ]
        for label, met, value in checks:
            ok_all &= met
            print(f"{server:<9}{label:<40}{value:<48}{'MET' if met else 'NOT MET'}")
    print()
    print("all targets MET" if ok_all else "some targets NOT MET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
