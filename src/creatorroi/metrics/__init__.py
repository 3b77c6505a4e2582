"""KPIs: the registry of formulas and the rollups that compute them."""

from creatorroi.metrics.registry import REGISTRY
from creatorroi.metrics.rollup import DIMENSIONS

__all__ = ["DIMENSIONS", "REGISTRY"]
