"""How one web server runs: its store, upload limits, cookie policy, local single-user mode."""

from __future__ import annotations

import ipaddress
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True)
class WebConfig:
    store_url: str
    host: str = "127.0.0.1"
    max_upload_bytes: int = 50 * MiB
    upload_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir())
                             / "creatorroi-uploads")
    # None: Secure cookies whenever the request came over HTTPS (directly or via a trusted
    # proxy's X-Forwarded-Proto); True forces them, for a server behind TLS termination.
    secure_cookies: bool | None = None
    # Lets the app skip login on a DuckDB store with no users, for requests from this computer.
    allow_local: bool = True

    @property
    def loopback_only(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
