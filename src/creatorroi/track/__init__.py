"""Tracking assets a brand issues to creators: promo codes, UTM links, short-link slugs, QR
codes and landing pages.

Pure functions only: they take values and return text or bytes; storing, serving and
sending them is the job of the store, the web app and the redirect service.
"""

from __future__ import annotations

from creatorroi.track.codes import (
    DEFAULT_CODE_PATTERN,
    CodeRow,
    assign_unique,
    export_codes,
    make_code,
)
from creatorroi.track.landing import LandingPage, Product, render_landing
from creatorroi.track.qr import qr_png, qr_svg
from creatorroi.track.slugs import (
    RESERVED_SLUGS,
    SLUG_RE,
    assign_unique_slugs,
    is_valid_slug,
    make_slug,
)
from creatorroi.track.utm import (
    InvalidDestination,
    Utm,
    UtmConvention,
    build_url,
    check_allowed,
    clean_destination,
    host_allowed,
    normalize_value,
    parse_url,
)

__all__ = [
    "DEFAULT_CODE_PATTERN",
    "RESERVED_SLUGS",
    "SLUG_RE",
    "CodeRow",
    "InvalidDestination",
    "LandingPage",
    "Product",
    "Utm",
    "UtmConvention",
    "assign_unique",
    "assign_unique_slugs",
    "build_url",
    "check_allowed",
    "clean_destination",
    "export_codes",
    "host_allowed",
    "is_valid_slug",
    "make_code",
    "make_slug",
    "normalize_value",
    "parse_url",
    "qr_png",
    "qr_svg",
    "render_landing",
]
