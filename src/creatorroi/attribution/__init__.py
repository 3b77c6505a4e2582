"""Credit each order once to the influencer who brought it, and show how sure we are."""

from creatorroi.attribution.engine import attribute

__all__ = ["attribute"]
