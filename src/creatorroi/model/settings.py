"""Per-workspace settings: validated once here, stored as JSON beside the workspace."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from creatorroi.model.enums import AttributionMethod
from creatorroi.model.tiers import DEFAULT_THRESHOLDS, validate_thresholds

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


class WorkspaceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tiers: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    attribution: AttributionSettings = Field(default_factory=AttributionSettings)

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, value: dict[str, int]) -> dict[str, int]:
        return validate_thresholds(value)
