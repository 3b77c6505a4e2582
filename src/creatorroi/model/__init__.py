"""Domain records and value types, free of I/O."""

from creatorroi.model.enums import (
    AssetKind,
    AttributionMethod,
    ContentType,
    CostCategory,
    FunnelStage,
    GoalFamily,
    PayKind,
    Platform,
)
from creatorroi.model.money import Money
from creatorroi.model.tiers import Tier, tier_for

__all__ = [
    "AssetKind", "AttributionMethod", "ContentType", "CostCategory", "FunnelStage",
    "GoalFamily", "Money", "PayKind", "Platform", "Tier", "tier_for",
]
