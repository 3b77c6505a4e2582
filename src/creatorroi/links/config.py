"""What the redirect service serves: the links, the allow list, the proxies and the salt.

A ``ServiceConfig`` is validated when it is built, so a service can never be started with a
link that points outside the workspace's allowed domains: the error names the slug and why.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit

from creatorroi.errors import ConfigError
from creatorroi.model.keys import CLICK_PARAM

#: A slug as it may appear in a request path: URL-unreserved characters, 1-128 of them.
SLUG_RE = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,127}")

#: Paths the service answers itself; never a link's slug.
RESERVED_SLUGS = frozenset({"healthz", "robots.txt", "favicon.ico"})

# Characters kept as they are when a destination's path, query or fragment is normalised;
# everything else (spaces, controls, CR/LF, non-ASCII) is percent-encoded.
_URL_SAFE = "/%:@!$&'()*+,;=-._~?[]"

_NetT = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Link:
    """One short link: ``/{slug}`` redirects to ``destination`` (absolute, UTMs included)."""

    slug: str
    destination: str
    asset_id: str
    workspace_id: str


def idna_host(host: str) -> str:
    """A host name as compared against the allow list: IDNA (punycode), lower case, no dot
    at the end. Raises ``ValueError`` for a host IDNA cannot encode."""
    host = host.strip().rstrip(".").lower()
    if not host:
        raise ValueError("empty host")
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError(f"host {host!r} is not a valid domain name") from exc


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``host`` (already IDNA lower-case) is an allowed domain or a subdomain of one:
    ``shop.example`` allows ``www.shop.example``, not ``evilshop.example`` or
    ``shop.example.evil.com``."""
    return any(host == d or host.endswith("." + d) for d in allowed)


@dataclass(frozen=True)
class Destination:
    """A link's destination split once, so a redirect only joins strings."""

    base: str  # scheme://host[:port]/path, normalised
    query: str  # the link's own query, normalised ("" when none)
    fragment: str  # "#..." or ""
    host: str  # IDNA lower-case
    own_keys: frozenset[str]  # lower-case names of the link's own query parameters


_HOST_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")


def parse_destination(url: str, allowed: tuple[str, ...]) -> Destination:
    """Check and normalise a destination; ``ValueError`` says what is wrong with it."""
    if not isinstance(url, str) or not url:
        raise ValueError("destination is empty")
    if len(url) > 4096:
        raise ValueError("destination is longer than 4096 characters")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise ValueError("destination contains control characters (CR, LF, NUL ...)")
    if "\\" in url:
        # Browsers read "\\" as "/": https://evil.com\\.shop.example/ opens evil.com.
        raise ValueError("destination contains a backslash")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"destination scheme {parts.scheme or '(none)'!r} is not http or https")
    if "@" in parts.netloc:
        raise ValueError("destination carries user info (user@host), which is refused")
    try:
        host = idna_host(parts.hostname or "")
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"destination host is invalid: {exc}") from exc
    if not _HOST_RE.fullmatch(host):
        raise ValueError(f"destination host {host!r} is not a host name")
    if not host_allowed(host, allowed):
        raise ValueError(f"destination host {host!r} is not in the allowed domains "
                         f"{', '.join(allowed) or '(none)'}")
    netloc = host if port is None else f"{host}:{port}"
    path = quote(parts.path or "/", safe=_URL_SAFE)
    query = quote(parts.query, safe=_URL_SAFE)
    # compared with incoming names after decoding, so decoded here too ("a%5Fb" is "a_b")
    keys = frozenset(unquote_plus(p.split("=", 1)[0]).strip().lower()
                     for p in query.split("&") if p)
    fragment = "#" + quote(parts.fragment, safe=_URL_SAFE + "#") if parts.fragment else ""
    return Destination(f"{parts.scheme.lower()}://{netloc}{path}", query, fragment, host, keys)


def _network(text: str) -> _NetT:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as exc:
        raise ConfigError(f"trusted proxy {text!r} is not an IP address or CIDR") from exc


@dataclass(frozen=True)
class ServiceConfig:
    """Everything one redirect service needs. Built from code or ``ServiceConfig.load``;
    either way every link is checked against ``allowed_domains`` here.

    ``rate_limit_per_minute`` is per client address and per worker process (0 turns it off);
    ``rate_burst`` is how many requests a client may make at once before the limit applies.
    """

    links: Mapping[str, Link]
    allowed_domains: tuple[str, ...]
    trusted_proxies: tuple[str, ...]
    salt: str
    log_dir: Path
    rate_limit_per_minute: int = 600
    rate_burst: int = 120
    click_param: str = CLICK_PARAM
    fsync: bool = True
    destinations: Mapping[str, Destination] = field(init=False, repr=False, compare=False)
    proxy_networks: tuple[_NetT, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            allowed = tuple(sorted({idna_host(d.lstrip(".")) for d in self.allowed_domains}))
        except ValueError as exc:
            raise ConfigError(f"allowed_domains: {exc}") from exc
        if not self.salt:
            raise ConfigError("salt must not be empty: visitor hashes would be reversible")
        if self.rate_limit_per_minute < 0 or self.rate_burst < 1:
            raise ConfigError("rate_limit_per_minute must be >= 0 and rate_burst >= 1")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", self.click_param):
            raise ConfigError(f"click_param {self.click_param!r} is not a plain parameter name")
        links: dict[str, Link] = {}
        dests: dict[str, Destination] = {}
        for key, link in self.links.items():
            slug = link.slug.lower()
            if key.lower() != slug:
                raise ConfigError(f"link {key!r}: its slug is {link.slug!r}")
            if not SLUG_RE.fullmatch(slug):
                raise ConfigError(f"link {link.slug!r}: a slug is 1-128 of A-Z a-z 0-9 . _ ~ -"
                                  " and does not start with '.'")
            if slug in RESERVED_SLUGS:
                raise ConfigError(f"link {link.slug!r}: the slug is reserved by the service")
            if slug in links:
                raise ConfigError(f"link {link.slug!r}: the slug is listed twice")
            try:
                dests[slug] = parse_destination(link.destination, allowed)
                if self.click_param.lower() in dests[slug].own_keys:
                    raise ValueError(f"destination already carries {self.click_param}=")
            except ValueError as exc:
                raise ConfigError(f"link {link.slug!r}: {exc}") from exc
            links[slug] = link
        object.__setattr__(self, "allowed_domains", allowed)
        object.__setattr__(self, "links", MappingProxyType(links))
        object.__setattr__(self, "destinations", MappingProxyType(dests))
        object.__setattr__(self, "trusted_proxies", tuple(self.trusted_proxies))
        object.__setattr__(self, "proxy_networks",
                           tuple(_network(p) for p in self.trusted_proxies))
        object.__setattr__(self, "log_dir", Path(self.log_dir))

    def to_json(self) -> dict[str, Any]:
        return {
            "links": [vars(link) for link in self.links.values()],
            "allowed_domains": list(self.allowed_domains),
            "trusted_proxies": list(self.trusted_proxies),
            "salt": self.salt,
            "log_dir": str(self.log_dir),
            "rate_limit_per_minute": self.rate_limit_per_minute,
            "rate_burst": self.rate_burst,
            "click_param": self.click_param,
            "fsync": self.fsync,
        }

    def dump(self, path: Path | str) -> None:
        """Write the config as JSON, atomically (temporary file, fsync, rename)."""
        path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.to_json(), f, indent=2, ensure_ascii=False)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ServiceConfig:
        try:
            links = {}
            for item in data["links"]:
                link = Link(slug=str(item["slug"]), destination=str(item["destination"]),
                            asset_id=str(item["asset_id"]),
                            workspace_id=str(item["workspace_id"]))
                if link.slug.lower() in links:
                    raise ConfigError(f"link {link.slug!r}: the slug is listed twice")
                links[link.slug.lower()] = link
            return cls(
                links=links,
                allowed_domains=tuple(data["allowed_domains"]),
                trusted_proxies=tuple(data.get("trusted_proxies", ())),
                salt=str(data["salt"]),
                log_dir=Path(data["log_dir"]),
                rate_limit_per_minute=int(data.get("rate_limit_per_minute", 600)),
                rate_burst=int(data.get("rate_burst", 120)),
                click_param=str(data.get("click_param", CLICK_PARAM)),
                fsync=bool(data.get("fsync", True)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"links config: missing or bad field: {exc}") from exc

    @classmethod
    def load(cls, path: Path | str) -> ServiceConfig:
        """Read and validate a config written by ``dump`` (or by hand)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read links config {path}: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a JSON object")
        return cls.from_json(data)
