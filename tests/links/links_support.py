"""Shared by the links tests: a small workspace's links."""

from __future__ import annotations

from pathlib import Path

from creatorroi.links.config import Link, ServiceConfig

SALT = "test-salt"
GIULIA = ("https://www.shop.example/products/serum?utm_source=instagram&utm_medium=influencer"
          "&utm_campaign=spring&utm_content=giulia")


def make_config(log_dir: Path, **kw: object) -> ServiceConfig:
    links = {
        "giulia": Link("giulia", GIULIA, "asset-giulia", "ws-acme"),
        "marco-22": Link("Marco-22", "https://shop.example/?utm_source=tiktok#reviews",
                         "asset-marco", "ws-acme"),
    }
    options: dict[str, object] = {
        "links": links, "allowed_domains": ("shop.example",),
        "trusted_proxies": ("10.0.0.0/8", "2001:db8::1"), "salt": SALT,
        "log_dir": log_dir, "rate_limit_per_minute": 0,
    }
    options.update(kw)
    return ServiceConfig(**options)  # type: ignore[arg-type]
