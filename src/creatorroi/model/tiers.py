"""Influencer tiers derived from follower counts, with thresholds a workspace may change.

DOMAIN.md's common thresholds: nano < 10k <= micro < 100k <= macro < 1M <= mega.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Tier(StrEnum):
    NANO = "nano"
    MICRO = "micro"
    MACRO = "macro"
    MEGA = "mega"


DEFAULT_THRESHOLDS: dict[str, int] = {"micro": 10_000, "macro": 100_000, "mega": 1_000_000}


def validate_thresholds(thresholds: Mapping[str, int]) -> dict[str, int]:
    """Return complete, strictly increasing thresholds (lower bounds of micro, macro, mega)."""
    merged = {**DEFAULT_THRESHOLDS, **{k: int(v) for k, v in thresholds.items()}}
    unknown = set(merged) - set(DEFAULT_THRESHOLDS)
    if unknown:
        raise ValueError(f"unknown tier(s) {sorted(unknown)}; expected micro, macro, mega")
    if not 0 < merged["micro"] < merged["macro"] < merged["mega"]:
        raise ValueError("tier thresholds must satisfy 0 < micro < macro < mega")
    return merged


def tier_for(followers: int | None,
             thresholds: Mapping[str, int] = DEFAULT_THRESHOLDS) -> Tier | None:
    """Tier of an account with ``followers`` followers; None when the count is unknown."""
    if followers is None:
        return None
    if followers >= thresholds["mega"]:
        return Tier.MEGA
    if followers >= thresholds["macro"]:
        return Tier.MACRO
    if followers >= thresholds["micro"]:
        return Tier.MICRO
    return Tier.NANO
