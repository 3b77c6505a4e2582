"""Run the redirect service under granian (default, faster) or uvicorn, several workers.

The server runs as a child process with the app factory ``creatorroi.links.app:app_from_env``
and ``$CREATORROI_LINKS_CONFIG`` pointing at the config; ``serve`` validates the config first,
so a bad link is reported before anything listens.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Literal

from creatorroi.errors import ConfigError
from creatorroi.links.app import CONFIG_ENV
from creatorroi.links.config import ServiceConfig

Server = Literal["granian", "uvicorn"]
FACTORY = "creatorroi.links.app:app_from_env"


def server_command(*, host: str = "127.0.0.1", port: int = 8080, workers: int = 2,
                   server: Server = "granian") -> list[str]:
    """The command line that runs the service (the config comes from the environment)."""
    if server == "granian":
        return [sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
                "--host", host, "--port", str(port), "--workers", str(workers),
                "--loop", "uvloop", "--http", "1", "--no-ws", "--backlog", "4096",
                # one Rust runtime thread per worker: with one core per worker, more threads
                # only contend with the Python thread (measured: about +15% requests/s)
                "--runtime-mode", "st", "--runtime-threads", "1", "--backpressure", "256",
                "--log-level", "warning", FACTORY]
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "--factory", FACTORY, "--host", host,
                "--port", str(port), "--workers", str(workers), "--loop", "uvloop",
                "--http", "httptools", "--no-access-log", "--backlog", "4096",
                "--log-level", "warning", "--lifespan", "on"]
    raise ConfigError(f"unknown server {server!r}: use granian or uvicorn")


def server_env(config_path: Path | str) -> dict[str, str]:
    """The environment for ``server_command``: this one plus the config path."""
    return {**os.environ, CONFIG_ENV: str(Path(config_path).resolve())}


def spawn(config_path: Path | str, *, host: str = "127.0.0.1", port: int = 8080,
          workers: int = 2, server: Server = "granian") -> subprocess.Popen[bytes]:
    """Start the service in its own process group (so it can be stopped as a whole)."""
    ServiceConfig.load(config_path)
    return subprocess.Popen(
        server_command(host=host, port=port, workers=workers, server=server),
        env=server_env(config_path), start_new_session=True)


def serve(config_path: Path, *, host: str = "127.0.0.1", port: int = 8080, workers: int = 2,
          server: Server = "granian") -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); used by ``creatorroi serve-links``."""
    proc = spawn(config_path, host=host, port=port, workers=workers, server=server)

    def forward(signum: int, _frame: object) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = proc.wait()
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    if code not in (0, -signal.SIGINT, -signal.SIGTERM):
        raise ConfigError(f"{server} exited with status {code}")
