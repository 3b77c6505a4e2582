"""UTM links: one tagging convention, links that always parse back to what was issued.

Analytics joins a visit to a creator by its ``utm_*`` values, so a link we issue must carry
exactly one, normalised set of them: values are the form ``model.keys.utm`` keeps unchanged,
tags left in a destination from an earlier campaign are removed, and the destination itself
is checked before a creator ever posts it (absolute http(s), a real host, no credentials, no
control characters, at most 2048 characters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote, unquote_plus, urlsplit

from anyascii import anyascii
from pydantic import BaseModel, ConfigDict, field_validator

from creatorroi.errors import CreatorROIError
from creatorroi.model import keys

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
MAX_URL_LENGTH = 2048  # what every browser, QR reader and link-in-bio tool still accepts

_NOT_VALUE = re.compile(r"[^a-z0-9._-]")
_HOST_RE = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))*")
# Characters kept as they are; everything else is percent-encoded. ``%`` is kept so that an
# already-encoded URL is not encoded twice: cleaning a clean URL changes nothing.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"
_FRAGMENT_SAFE = _QUERY_SAFE + "#"


class InvalidDestination(CreatorROIError, ValueError):
    """A destination or link that cannot be issued; the message says what to fix."""


def normalize_value(value: str | None) -> str | None:
    """``  Instagram Story `` → ``instagram-story``, ``김지수`` → ``gimjisu``; empty → None.

    Lower-case ASCII letters, digits, ``.``, ``_`` and ``-`` only: whitespace runs become one
    ``-``, other characters are transliterated or dropped. Such a value is one that
    ``keys.utm`` leaves unchanged and no analytics tool re-cases or re-encodes.
    """
    if value is None:
        return None
    text = anyascii(unicodedata.normalize("NFKC", value).strip()).lower()
    text = "-".join(text.split())
    text = re.sub(r"-{2,}", "-", _NOT_VALUE.sub("", text))
    return text or None


@dataclass(frozen=True)
class Utm:
    """The five UTM values of one link; content and term are optional."""

    source: str
    medium: str
    campaign: str
    content: str | None = None
    term: str | None = None

    def as_params(self) -> dict[str, str]:
        """``{"utm_source": ..., ...}`` in the fixed order, without the unset ones."""
        values = (self.source, self.medium, self.campaign, self.content, self.term)
        return {k: v for k, v in zip(UTM_KEYS, values, strict=True) if v is not None}


_TEMPLATE_NAMES = ("platform", "handle", "campaign", "placement", "influencer")
_TEMPLATE_RE = re.compile(r"\{([^{}]*)\}")


class UtmConvention(BaseModel):
    """How a brand fills the UTM fields, as templates over ``{platform}``, ``{handle}``,
    ``{campaign}``, ``{placement}`` and ``{influencer}``.

    The default is the convention the analysts asked for: source = the platform, medium =
    ``influencer``, campaign = the creator's handle (use ``{campaign}`` to tag the promotion
    instead), content = the placement (bio, story, feed). A brand that tags differently
    changes the templates, never the code.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = "{platform}"
    medium: str = "influencer"
    campaign: str = "{handle}"
    content: str | None = "{placement}"
    term: str | None = None

    @field_validator("source", "medium", "campaign", "content", "term")
    @classmethod
    def _known_placeholders(cls, template: str | None) -> str | None:
        if template is None:
            return None
        for name in _TEMPLATE_RE.findall(template):
            if name not in _TEMPLATE_NAMES:
                raise ValueError(f"unknown placeholder {{{name}}}; use one of: "
                                 + ", ".join(f"{{{n}}}" for n in _TEMPLATE_NAMES))
        if template.count("{") != template.count("}"):
            raise ValueError(f"unmatched brace in {template!r}")
        return template

    def utm_for(self, *, platform: str, handle: str, campaign: str,
                placement: str | None = None, influencer: str | None = None) -> Utm:
        """The normalised UTM values for one creator's link on one platform and placement.

        Raises ValueError when source, medium or campaign come out empty.
        """
        values = {"platform": platform, "handle": keys.handle(handle), "campaign": campaign,
                  "placement": placement or "", "influencer": influencer or ""}

        def fill(template: str | None) -> str | None:
            if template is None:
                return None
            return normalize_value(_TEMPLATE_RE.sub(lambda m: values[m.group(1)], template))

        required = {}
        for field in ("source", "medium", "campaign"):
            value = fill(getattr(self, field))
            if value is None:
                raise ValueError(f"utm_{field} is empty: template {getattr(self, field)!r} "
                                 f"with {values}")
            required[field] = value
        return Utm(**required, content=fill(self.content), term=fill(self.term))


# ---- destinations -----------------------------------------------------------------------------

class _Parts(NamedTuple):
    scheme: str
    host: str  # ASCII (punycode), lower-case
    port: int | None
    path: str
    query: list[str]  # raw ``key=value`` segments, percent-encoded
    fragment: str

    def url(self, extra_query: Sequence[str] = ()) -> str:
        netloc = self.host if self.port is None else f"{self.host}:{self.port}"
        query = "&".join([*self.query, *extra_query])
        return (f"{self.scheme}://{netloc}{self.path}" + (f"?{query}" if query else "")
                + (f"#{self.fragment}" if self.fragment else ""))


def _param_key(segment: str) -> str:
    return unquote_plus(segment.split("=", 1)[0]).strip()


def _is_utm(segment: str) -> bool:
    return _param_key(segment).lower().startswith("utm_")


def _ascii_host(host: str) -> str | None:
    """``Bücher.DE.`` → ``xn--bcher-kva.de``; None for what is not a domain name or IPv4."""
    host = host.strip().lower().rstrip(".")
    if not host:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return ascii_host if _HOST_RE.fullmatch(ascii_host) else None


def _split(url: str) -> _Parts:
    """Check ``url`` as a destination and split it, normalised; utm parameters still in."""
    if not isinstance(url, str):
        raise InvalidDestination(f"a destination must be text, not {type(url).__name__}")
    text = url.strip()
    if not text:
        raise InvalidDestination("the destination is empty")
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise InvalidDestination(f"{text!r} contains a control character (a line break or tab "
                                 "pasted with it?)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidDestination(f"{text!r} is not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidDestination(f"{text!r} must start with https:// (or http://)")
    if "@" in parts.netloc:
        raise InvalidDestination(f"{text!r} contains a user name or password; remove the part "
                                 "before '@'")
    if not parts.hostname:
        raise InvalidDestination(f"{text!r} has no host name")
    host = _ascii_host(parts.hostname)
    if host is None:
        raise InvalidDestination(f"{parts.hostname!r} in {text!r} is not a valid domain name")
    query = [quote(s, safe=_QUERY_SAFE) for s in parts.query.split("&") if s]
    return _Parts(scheme, host, port, quote(parts.path, safe=_PATH_SAFE) or "/", query,
                  quote(parts.fragment, safe=_FRAGMENT_SAFE))


def clean_destination(url: str) -> str:
    """``HTTPS://Shop.IT/a b?x=1&utm_source=old`` → ``https://shop.it/a%20b?x=1``.

    The destination as a link is built on: checked, host lower-case (international names in
    punycode), unsafe characters percent-encoded, every ``utm_*`` parameter removed (they
    belong to the link, not the page); other parameters, path and fragment kept in order.
    Raises InvalidDestination.
    """
    parts = _split(url)
    return parts._replace(query=[s for s in parts.query if not _is_utm(s)]).url()


def build_url(destination: str, utm: Utm, *, extra: Mapping[str, str] | None = None) -> str:
    """``destination`` tagged with ``utm`` (and ``extra`` parameters, appended last).

    Any ``utm_*`` already in the destination is dropped, ours win: a destination copied from
    an earlier campaign's link would otherwise split one visit across two campaigns. Values
    are normalised (``normalize_value``) and appended as source, medium, campaign, content,
    term. ``extra`` replaces destination parameters of the same name; it may not set the five
    UTM fields. Raises InvalidDestination for a bad destination or an over-long link, and
    ValueError for an empty source, medium or campaign.
    """
    parts = _split(destination)
    tags: list[str] = []
    for key, raw in zip(UTM_KEYS, (utm.source, utm.medium, utm.campaign, utm.content, utm.term),
                        strict=True):
        value = normalize_value(raw)
        if value is None and key in UTM_KEYS[:3]:
            raise ValueError(f"{key} is empty; a link needs source, medium and campaign")
        if value is not None:
            tags.append(f"{key}={value}")
    replaced: set[str] = set()
    for key, value in (extra or {}).items():
        name = key.strip()
        if not name or name.lower() in UTM_KEYS:
            raise ValueError(f"extra parameter {key!r}: set UTM fields through Utm")
        replaced.add(name)
        tags.append(f"{quote(name, safe='')}={quote(value, safe='')}")
    query = [s for s in parts.query if not _is_utm(s) and _param_key(s) not in replaced]
    url = parts._replace(query=query).url(tags)
    if len(url) > MAX_URL_LENGTH:
        raise InvalidDestination(f"the tagged link is {len(url)} characters; the limit is "
                                 f"{MAX_URL_LENGTH} - shorten the destination")
    return url


def parse_url(url: str) -> tuple[str, Utm | None]:
    """``(destination, utm)``: the inverse of ``build_url``.

    The destination is cleaned as ``clean_destination`` cleans it; ``utm`` holds the
    normalised values (the first of each), or None unless source, medium and campaign are all
    there. Raises InvalidDestination only.
    """
    parts = _split(url)
    found: dict[str, str | None] = {}
    for segment in parts.query:
        key = _param_key(segment).lower()
        if key in UTM_KEYS and key not in found:
            _, _, raw = segment.partition("=")
            found[key] = normalize_value(unquote_plus(raw))
    destination = parts._replace(query=[s for s in parts.query if not _is_utm(s)]).url()
    source, medium, campaign, content, term = (found.get(k) for k in UTM_KEYS)
    if source is None or medium is None or campaign is None:
        return destination, None
    return destination, Utm(source, medium, campaign, content, term)


# ---- allowed domains ----------------------------------------------------------------------------

def _domain(entry: str) -> str | None:
    text = entry.strip()
    if "://" in text:
        try:
            text = urlsplit(text).hostname or ""
        except ValueError:
            return None
    return _ascii_host(text.removeprefix("*.").lstrip("."))


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    """Whether ``host`` is one of ``allowed`` or a subdomain of one.

    ``shop.example`` allows ``www.shop.example``, not ``evilshop.example`` nor
    ``shop.example.evil.com``. International names compare in punycode, so ``bücher.de`` and
    ``xn--bcher-kva.de`` are the same host. A host that is not a domain name is not allowed.
    """
    name = _ascii_host(re.sub(r":\d+$", "", host.strip()))
    if name is None:
        return False
    for entry in allowed:
        domain = _domain(entry)
        if domain and (name == domain or name.endswith("." + domain)):
            return True
    return False


def check_allowed(url: str, allowed_domains: Sequence[str]) -> None:
    """Raise InvalidDestination unless ``url`` is a valid destination on an allowed domain.

    Creators and staff paste destinations; a typo or a lookalike domain would send a whole
    campaign's traffic elsewhere, and an open redirect is a phishing tool.
    """
    host = _split(url).host
    if not host_allowed(host, allowed_domains):
        choices = ", ".join(allowed_domains) or "(none configured)"
        raise InvalidDestination(f"{host} is not one of the brand's domains: {choices}")
