"""Match keys: how codes, handles, paths and UTM values are normalised on both sides of a join.

Attribution joins what the shop recorded to what the brand issued. Buyers type ``easter24_giulía``
for ``EASTER24_GIULIA``; analytics lower-cases one UTM value and not another; landing pages come
with query strings and trailing slashes. Ingest and attribution call the same functions here, so
a key normalised at import always meets its counterpart.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from urllib.parse import urlsplit

from anyascii import anyascii

# The query parameter a creatorroi short link adds to the destination: the click's id, which
# the shop or analytics carries to the order so the click rule can credit it.
CLICK_PARAM = "cr_click"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def promo_code(raw: str) -> str:
    """Case-, accent- and space-insensitive form of a promo code (``easter24 giulía`` →
    ``EASTER24GIULIA``); ``-`` and ``_`` are kept since shops treat them as distinct."""
    text = _strip_accents(unicodedata.normalize("NFKC", raw)).upper()
    return "".join(c for c in text if not c.isspace())


def handle(raw: str) -> str:
    """A social handle without ``@``, URL prefix or case: ``@Giulia.Skin`` → ``giulia.skin``."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if "://" in text:
        text = urlsplit(text).path.strip("/").split("/")[-1]
    return text.lstrip("@").casefold()


def utm(raw: str | None) -> str | None:
    """UTM values compare case-insensitively and without surrounding spaces; empty is None."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", raw).strip().casefold()
    return text or None


def path(raw: str | None) -> str | None:
    """The path of a URL or path, lower-case, no query, fragment or trailing slash.

    ``https://shop.it/Pages/Giulia/?utm_source=ig`` and ``/pages/giulia`` give the same key.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    parts = urlsplit(text if "://" in text or text.startswith("/") else "/" + text)
    result = parts.path.rstrip("/").casefold()
    return result or "/"


def canonical_ip(raw: str) -> str:
    """One text per address, so hashes agree: ``::FFFF:1.2.3.4`` and ``1.2.3.4`` are one
    client, ``2001:DB8:0::1`` is ``2001:db8::1``; text that is not an address is kept."""
    text = raw.strip()
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)
    return str(addr)


def person_name(raw: str) -> str:
    """A name in Latin letters for fuzzy matching across scripts (김지수 → gimjisu)."""
    text = anyascii(unicodedata.normalize("NFKC", raw))
    return " ".join(_strip_accents(text).casefold().split())
