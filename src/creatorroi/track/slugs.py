"""Short-link slugs: ``brand.link/giulia-skin-easter-24``, readable and safe as a path.

A slug is read aloud, typed from a story and printed under a QR code, so it is lower-case
ASCII words joined by single hyphens. It is also the key attribution looks a short link up
by (``ingest.canonical.slug``), which lower-cases and takes the last path segment; every slug
made here is already in that form. Words the redirect service routes itself (``api``,
``health``, ``static``, ...) are never handed out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from anyascii import anyascii

from creatorroi.model import keys

MAX_SLUG_LENGTH = 64
SLUG_RE = re.compile(r"(?=.{1,64}\Z)[a-z0-9]+(?:-[a-z0-9]+)*\Z")

# Paths the redirect service and the web app answer themselves. Dotted names cannot be made
# (slugs have no dots) but are listed so that ``is_valid_slug`` documents the whole set.
RESERVED_SLUGS = frozenset({
    "admin", "api", "assets", "favicon.ico", "health", "healthz", "login", "logout", "lp",
    "metrics", "qr", "robots.txt", "sitemap.xml", "static", "well-known",
})


def is_valid_slug(slug: str) -> bool:
    """Lower-case a-z, 0-9 and single inner hyphens, 1 to 64 characters, not reserved."""
    return bool(SLUG_RE.match(slug)) and slug not in RESERVED_SLUGS


def _words(text: str) -> str:
    latin = anyascii(unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")


def _fit(slug: str, length: int) -> str:
    return slug[:length].rstrip("-")


def make_slug(handle: str, campaign: str | None = None) -> str:
    """``@Giulia.Skin`` → ``giulia-skin``; with campaign ``Easter 24`` →
    ``giulia-skin-easter-24``.

    Non-Latin handles are transliterated (``김지수`` → ``gimjisu``), every run of other
    characters becomes one hyphen, and the result is cut to 64 characters. A reserved word
    counts as taken, so it gets the first collision suffix (``api`` → ``api-2``).
    Raises ValueError when nothing readable is left.
    """
    parts = [_words(keys.handle(handle))]
    if campaign is not None:
        parts.append(_words(campaign))
    slug = _fit("-".join(p for p in parts if p), MAX_SLUG_LENGTH)
    if not slug:
        raise ValueError(f"handle {handle!r} gives no letters or digits for a link")
    return assign_unique_slugs([slug], ())[0]


def assign_unique_slugs(wanted: Sequence[str], taken: Iterable[str]) -> list[str]:
    """One slug per entry of ``wanted``, none equal to a ``taken`` or reserved slug or to
    each other.

    First come, first served in input order; a collision gets ``-2``, ``-3``, ..., the base
    shortened so the slug stays within 64 characters. Taken slugs compare lower-cased, as
    attribution compares them. Raises ValueError for a wanted slug that is not valid.
    """
    seen = {t.strip().lower() for t in taken} | RESERVED_SLUGS
    result: list[str] = []
    for slug in wanted:
        if not SLUG_RE.match(slug):
            raise ValueError(f"{slug!r} is not a valid slug (a-z, 0-9 and single hyphens, "
                             f"at most {MAX_SLUG_LENGTH} characters)")
        candidate, n = slug, 1
        while candidate in seen:
            n += 1
            suffix = f"-{n}"
            candidate = _fit(slug, MAX_SLUG_LENGTH - len(suffix)) + suffix
        seen.add(candidate)
        result.append(candidate)
    return result
