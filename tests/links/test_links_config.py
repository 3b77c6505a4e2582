"""The links config: the allow list is enforced at load, never an open redirect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from links_support import GIULIA, make_config

from creatorroi.errors import ConfigError
from creatorroi.links.config import Link, ServiceConfig, host_allowed, idna_host


def one_link(log_dir: Path, destination: str, **kw: object) -> ServiceConfig:
    return make_config(log_dir, links={"promo": Link("promo", destination, "a1", "ws")}, **kw)


@pytest.mark.parametrize("destination", [
    "https://evil.example/",
    "https://shop.example.evil.com/",
    "https://evilshop.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/",
    "ftp://shop.example/file",
    "https:///nohost",
    "https://shop.example@evil.example/",
    "https://evil.example@shop.example/",  # user info is refused even when the host is ours
    "https://shop.example/a\r\nSet-Cookie: x=1",
    "https://shop.example/\x00",
    "",
])
def test_destination_outside_the_allow_list_is_refused_naming_the_slug(
        tmp_path: Path, destination: str) -> None:
    with pytest.raises(ConfigError, match="'promo'"):
        one_link(tmp_path, destination)


@pytest.mark.parametrize("destination", [
    "https://shop.example/",
    "https://www.shop.example/p?utm_source=ig",
    "http://deep.sub.shop.example:8443/x",
    "https://SHOP.EXAMPLE./caps",
])
def test_allowed_hosts_and_subdomains_load(tmp_path: Path, destination: str) -> None:
    assert one_link(tmp_path, destination).links["promo"].destination == destination


def test_idna_hosts_compare_in_punycode(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, allowed_domains=("bücher.example",), links={
        "b": Link("b", "https://www.BÜCHER.example/über uns?q=ä", "a", "w")})
    dest = cfg.destinations["b"]
    assert cfg.allowed_domains == ("xn--bcher-kva.example",)
    assert dest.base == "https://www.xn--bcher-kva.example/%C3%BCber%20uns"
    assert dest.query == "q=%C3%A4"
    assert host_allowed(idna_host("WWW.xn--BCHER-kva.example"), cfg.allowed_domains)
    with pytest.raises(ConfigError, match="'e'"):
        make_config(tmp_path, allowed_domains=("bücher.example",), links={
            "e": Link("e", "https://evil-bücher.example/", "a", "w")})


@pytest.mark.parametrize("slug", ["../etc", "a/b", ".hidden", "", "x" * 129, "sp ace", "é",
                                  "healthz", "robots.txt"])
def test_bad_or_reserved_slugs_are_refused(tmp_path: Path, slug: str) -> None:
    with pytest.raises(ConfigError):
        make_config(tmp_path, links={slug: Link(slug, GIULIA, "a", "w")})


def test_a_destination_carrying_the_click_param_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cr_click"):
        one_link(tmp_path, "https://shop.example/?cr_click=fixed")


def test_dump_and_load_round_trip_atomically(tmp_path: Path) -> None:
    cfg = make_config(tmp_path / "log", rate_limit_per_minute=120, rate_burst=10, fsync=False)
    path = tmp_path / "links.json"
    cfg.dump(path)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    again = ServiceConfig.load(path)
    assert again == cfg
    assert again.links["marco-22"].slug == "Marco-22"
    assert again.proxy_networks == cfg.proxy_networks


def test_load_refuses_a_hand_edited_evil_link(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    make_config(tmp_path / "log").dump(path)
    data = json.loads(path.read_text())
    data["links"].append({"slug": "sneaky", "destination": "https://shop.example.evil.com/",
                          "asset_id": "a", "workspace_id": "w"})
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match=r"'sneaky'.*not in the allowed domains"):
        ServiceConfig.load(path)


@pytest.mark.parametrize("content, message", [
    ("{", "not valid JSON"),
    ("[]", "expected a JSON object"),
    ('{"links": []}', "missing or bad field"),
])
def test_unreadable_configs_say_why(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "links.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        ServiceConfig.load(path)
    with pytest.raises(ConfigError, match="cannot read"):
        ServiceConfig.load(tmp_path / "missing.json")


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="trusted proxy"):
        make_config(tmp_path, trusted_proxies=("not-an-ip",))
    with pytest.raises(ConfigError, match="salt"):
        make_config(tmp_path, salt="")
    with pytest.raises(ConfigError, match="click_param"):
        make_config(tmp_path, click_param="a b")
    with pytest.raises(ConfigError, match="rate"):
        make_config(tmp_path, rate_limit_per_minute=-1)


def test_links_cannot_be_swapped_after_validation(tmp_path: Path) -> None:
    links = {"promo": Link("promo", GIULIA, "a", "w")}
    cfg = make_config(tmp_path, links=links)
    links["evil"] = Link("evil", "https://evil.example/", "a", "w")
    assert "evil" not in cfg.links
    with pytest.raises(TypeError):
        cfg.links["evil"] = links["evil"]  # type: ignore[index]
