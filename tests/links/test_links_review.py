"""Holes found in review: each is a request or a config an attacker controls."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from links_driver import call
from links_support import SALT, make_config

from creatorroi.errors import ConfigError
from creatorroi.ingest.values import visitor_key
from creatorroi.links.app import create_app
from creatorroi.links.clicklog import scan_clicks
from creatorroi.links.config import Link
from creatorroi.links.ratelimit import RateLimiter


@pytest.mark.parametrize("dest", [
    "https://evil.com\\.shop.example/",          # browsers read \ as /: evil.com
    "https://evil.com\\@shop.example/",
    "https://shop.example\\@evil.com/",
    "https://evil_com.shop.example./x",
])
def test_destinations_a_browser_reads_as_another_host_are_refused(log_dir: Path,
                                                                  dest: str) -> None:
    with pytest.raises(ConfigError, match="link 'promo'"):
        make_config(log_dir, links={"promo": Link("promo", dest, "a", "w")})


def test_a_destinations_own_encoded_parameter_is_not_overridden(log_dir: Path) -> None:
    app = create_app(make_config(log_dir, links={
        "p": Link("p", "https://shop.example/?a%5Fb=1", "a", "w")}))
    try:
        loc = call(app, "/p?a_b=2&c=3").headers["location"]
        assert [(k, v) for k, v in parse_qsl(urlsplit(loc).query) if k != "cr_click"] == [
            ("a_b", "1"), ("c", "3")]
    finally:
        app.clicklog.close()


def test_ipv6_clients_are_limited_per_64_and_hashed_canonically(log_dir: Path) -> None:
    app = create_app(make_config(log_dir, rate_limit_per_minute=60, rate_burst=2))
    app.limiter = RateLimiter(60, 2, clock=lambda: 1000.0)
    try:
        statuses = [call(app, client=(f"2001:db8:1:2::{i:x}", 1)).status for i in range(1, 5)]
        assert statuses == [302, 302, 429, 429]       # one /64, one bucket
        assert call(app, client=("2001:db8:1:3::1", 1)).status == 302   # the next /64
        # an IPv4-mapped address is the IPv4 client: same hash as the import path gives
        call(app, client=("::ffff:198.51.100.7", 1))
        hashes = [r.visitor_hash for r in scan_clicks(log_dir)[0]]
        assert hashes[-1] == hashlib.sha256((SALT + "198.51.100.7").encode()).hexdigest()
        assert hashes[-1] == visitor_key("::FFFF:198.51.100.7", SALT)
        assert hashes[0] == visitor_key("2001:DB8:1:2:0:0:0:1", SALT)
    finally:
        app.clicklog.close()


def test_padding_x_forwarded_for_does_not_hide_the_client(log_dir: Path) -> None:
    app = create_app(make_config(log_dir))
    try:
        padded = ", ".join(["9.9.9.9"] * 100 + ["198.51.100.7"])
        call(app, headers=[("X-Forwarded-For", padded)], client=("10.0.0.5", 1))
        [rec] = scan_clicks(log_dir)[0]
        assert rec.visitor_hash == visitor_key("198.51.100.7", SALT)
    finally:
        app.clicklog.close()
