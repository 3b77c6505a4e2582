"""What a marketing-mix fit is asked and what it answers, shared by every door."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Grain = Literal["day", "week"]


@dataclass(frozen=True)
class LiftTest:
    """A measured experiment (geo hold-out, on/off test): the revenue a channel added in a
    window, with its standard error. Calibrates that channel's contribution in the window."""

    channel: str
    start: date
    end: date
    incremental: float
    sd: float


@dataclass(frozen=True)
class RoasPrior:
    """What the analyst believes a channel returns per unit of spend, before seeing the data."""

    mean: float
    sd: float


@dataclass(frozen=True)
class MMMSpec:
    """Which columns of a daily or weekly table are the date, the outcome, spend and controls.

    ``groups`` marks influencer channels (one spend column per creator or post) and names the
    pool each belongs to (``"instagram/micro"``), so that sparse creators borrow strength from
    their tier and platform. ``floors`` is the revenue direct attribution already credits to a
    channel over the table's period: its incremental revenue cannot be lower.
    """

    date: str
    target: str
    spend: tuple[str, ...]
    controls: tuple[str, ...] = ()
    groups: Mapping[str, str] = field(default_factory=dict)
    floors: Mapping[str, float] = field(default_factory=dict)
    roas_priors: Mapping[str, RoasPrior] = field(default_factory=dict)
    lift_tests: tuple[LiftTest, ...] = ()
    holdout: int | None = None
    max_lag: int | None = None
    adstock: Literal["geometric", "delayed"] = "geometric"
    saturation: Literal["hill", "logistic"] = "hill"


@dataclass(frozen=True)
class Interval:
    """A posterior mean with an equal-tailed credible interval at the result's level."""

    mean: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class ChannelEstimate:
    name: str
    kind: Literal["channel", "influencer"]
    group: str | None
    spend: float
    contribution: Interval
    roas: Interval
    floor: float | None = None
    multiplier: Interval | None = None


@dataclass(frozen=True)
class Diagnostics:
    rhat_max: float
    ess_min: float
    divergences: int
    draws: int
    chains: int
    r2: float
    mape: float
    holdout_periods: int
    holdout_mape: float | None
    coverage: float
    seconds: float
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {
            "warnings": list(self.warnings)}


@dataclass(frozen=True)
class MMMResult:
    grain: Grain
    start: date
    end: date
    level: float
    target_total: float
    baseline: Interval
    channels: Mapping[str, ChannelEstimate]
    diagnostics: Diagnostics
    extra: Mapping[str, Any] = field(default_factory=dict)
