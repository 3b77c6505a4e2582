"""A real server, real sockets, then ``kill -9``: no acknowledged click may be missing."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from links_support import make_config
from links_uas import HUMANS

from creatorroi.errors import ConfigError
from creatorroi.links.clicklog import scan_clicks, sealed_segments, segments
from creatorroi.links.server import server_command, spawn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, proc: object, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server died on start-up"  # type: ignore[attr-defined]
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("server never became ready")


def raw_status(port: int, target: str, method: str = "GET") -> int:
    """The status line of a request sent byte for byte (no client-side normalising)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .encode("latin-1"))
        head = s.recv(1024)
    return int(head.split(b" ", 2)[1])


ABUSE = [("/giulia", 302), ("/Giulia/", 302), ("/nobody", 404), ("/favicon.ico", 404),
         ("/%00", 400), ("/a%0d%0aSet-Cookie:x", 400), ("/../etc", 400), ("/%2e%2e/etc", 400),
         ("/" + "a" * 10_000, 414), ("/giulia?x=" + "y" * 5000, 414), ("/healthz", 200)]


async def fire(base: str, total: int, kill_after: int, pgid: int) -> list[str]:
    """``total`` clicks over 64 connections; SIGKILL the server group after ``kill_after``
    302s. Returns the click ids of every 302 received."""
    ids: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    killed = False

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal killed
        while not queue.empty():
            i = queue.get_nowait()
            try:
                r = await client.get(f"{base}/giulia?n={i}",
                                     headers={"User-Agent": HUMANS["instagram-ios"]})
            except httpx.HTTPError:
                continue  # after the kill: refused, reset or cut mid-answer
            if r.status_code == 302:
                ids.append(parse_qs(urlsplit(r.headers["location"]).query)["cr_click"][0])
            if len(ids) >= kill_after and not killed:
                killed = True
                os.killpg(pgid, signal.SIGKILL)

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=5) as client:
        await asyncio.gather(*[worker(client) for _ in range(64)])
    assert killed, "the server answered everything before it could be killed"
    return ids


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "uvicorn"])
def test_kill_9_mid_burst_loses_no_acknowledged_click(tmp_path: Path, server: str) -> None:
    log_dir = tmp_path / "clicks"
    cfg_path = tmp_path / "links.json"
    make_config(log_dir).dump(cfg_path)
    port = free_port()
    proc = spawn(cfg_path, port=port, workers=2, server=server)  # type: ignore[arg-type]
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, proc)
        for target, status in ABUSE:  # through the real HTTP parser, not just ASGI
            assert raw_status(port, target) == status, target
        assert raw_status(port, "/giulia", "HEAD") == 302
        assert raw_status(port, "/giulia", "DELETE") == 405
        ids = asyncio.run(fire(base, total=2000, kill_after=800, pgid=proc.pid))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    records, skipped = scan_clicks(log_dir)
    stored = {r.id for r in records}
    assert len(ids) >= 800 and len(set(ids)) == len(ids)
    missing = set(ids) - stored
    assert not missing, f"{len(missing)} acknowledged clicks lost"
    assert len(stored) == len(records)  # no duplicates
    # the raw GETs and the HEAD sent no User-Agent: stored, flagged; the burst's are people
    assert [r.bot_reason for r in records if r.is_bot] == ["empty-user-agent"] * 3
    assert {r.slug for r in records} == {"giulia"}
    # at most one torn line per worker's segment, never a corrupt record in the middle
    assert skipped <= len(segments(log_dir))
    # the dead workers' segments are sealed: ready to ingest
    deadline = time.monotonic() + 5
    while len(sealed_segments(log_dir)) < len(segments(log_dir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sealed_segments(log_dir) == segments(log_dir)


def test_server_command_and_spawn_refuse_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown server"):
        server_command(server="gunicorn")  # type: ignore[arg-type]
    bad = tmp_path / "links.json"
    bad.write_text("{}")
    with pytest.raises(ConfigError):
        spawn(bad)
    assert server_command(workers=3, server="uvicorn")[-1] == "on"
