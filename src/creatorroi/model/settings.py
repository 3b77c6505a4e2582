"""Per-workspace settings: validated once here, stored as JSON beside the workspace."""

from __future__ import annotations

import ipaddress
import string
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from creatorroi.model.disclosures import DEFAULT_DISCLOSURES
from creatorroi.model.enums import AttributionMethod
from creatorroi.model.tiers import DEFAULT_THRESHOLDS, validate_thresholds
from creatorroi.track.codes import DEFAULT_CODE_PATTERN, make_code
from creatorroi.track.utm import UtmConvention

DEFAULT_PRIORITY: tuple[AttributionMethod, ...] = tuple(AttributionMethod)


class AttributionSettings(BaseModel):
    """How an order is credited. Methods earlier in ``priority`` win; within the UTM, click and
    landing-page methods the last touch inside ``window_days`` before the order wins."""

    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(7, ge=1, le=90)
    priority: list[AttributionMethod] = Field(default_factory=lambda: list(DEFAULT_PRIORITY))
    survey_min_score: float = Field(85.0, ge=50, le=100)

    @field_validator("priority")
    @classmethod
    def _complete(cls, value: list[AttributionMethod]) -> list[AttributionMethod]:
        if len(set(value)) != len(value):
            raise ValueError("each attribution method may appear once in the priority")
        # Methods left out keep their default relative order after the ones named.
        return value + [m for m in DEFAULT_PRIORITY if m not in value]


class TrackingSettings(BaseModel):
    """How the workspace issues codes and links, and what its redirect service may do.

    ``allowed_domains`` is the allow list every destination must be on (a domain allows its
    subdomains): the redirect service is never an open redirect, even if the store is edited.
    """

    model_config = ConfigDict(extra="forbid")

    code_pattern: str = DEFAULT_CODE_PATTERN
    avoid_ambiguous: bool = False
    short_domain: str | None = None
    allowed_domains: list[str] = Field(default_factory=list)
    landing_path: str = "/pages/{slug}"
    utm: UtmConvention = Field(default_factory=UtmConvention)
    trusted_proxies: list[str] = Field(default_factory=list)
    rate_limit_per_minute: int = Field(600, ge=0)
    rate_burst: int = Field(120, ge=1)

    @field_validator("short_domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return _host(value) if value else None

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        return sorted({_host(v) for v in value if v.strip()})

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        for v in value:
            ipaddress.ip_network(v.strip(), strict=False)  # ValueError names the bad entry
        return [v.strip() for v in value]

    @field_validator("landing_path")
    @classmethod
    def _landing(cls, value: str) -> str:
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        except ValueError:
            fields = {"?"}
        if not value.startswith("/") or fields != {"slug"}:
            raise ValueError("landing_path must start with '/' and use only {slug}")
        return value

    @field_validator("code_pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        make_code(value, campaign="Easter", handle="giulia", name="Giulia", year=2024,
                  platform="instagram")  # a pattern that fails here fails for everyone
        return value


def _host(value: str) -> str:
    """``https://Shop.Example/`` or ``shop.example`` -> ``shop.example`` (IDNA for non-ASCII)."""
    text = value.strip()
    host = urlsplit(text if "://" in text else "//" + text).hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{value!r} is not a domain name") from None
    if not host or "." not in host or " " in host:
        raise ValueError(f"{value!r} is not a domain name")
    return host.lower()


class QualitySettings(BaseModel):
    """Content and audience quality: what counts as disclosure, and when an audience fails.

    An account's audience-quality score runs from 0 to 100; below ``watch_below`` it is
    flagged for a look, below ``fail_below`` it fails, and money spent on it is reported as
    at risk. ``sentiment_backend`` is ``lexicon`` (built in) or ``onnx:<folder>`` (a
    transformer exported to ONNX, see docs/quality.md).
    """

    model_config = ConfigDict(extra="forbid")

    disclosures: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_DISCLOSURES.items()})
    fail_below: float = Field(50.0, ge=0, le=100)
    watch_below: float = Field(70.0, ge=0, le=100)
    sentiment_backend: str = "lexicon"

    @field_validator("disclosures")
    @classmethod
    def _tags(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        out = {k.strip().upper() if k.strip() != "*" else "*":
               [t.strip().lstrip("#") for t in tags if t.strip().lstrip("#")]
               for k, tags in value.items() if k.strip()}
        out.setdefault("*", list(DEFAULT_DISCLOSURES["*"]))
        return out


class WorkspaceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tiers: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    attribution: AttributionSettings = Field(default_factory=AttributionSettings)
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)
    quality: QualitySettings = Field(default_factory=QualitySettings)

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, value: dict[str, int]) -> dict[str, int]:
        return validate_thresholds(value)
