"""Incrementality: the effect no link catches.

A marketing-mix model (``fit``) credits every channel and every creator with the revenue it
caused, tracked or not, with direct attribution as each creator's floor; ``lift`` estimates one
post's, creator's or campaign's effect against a counterfactual. Pure: frames in, results out;
the store-facing door is :mod:`creatorroi.incrementality`.
"""

from creatorroi.mmm.spec import (
    ChannelEstimate,
    Diagnostics,
    Interval,
    LiftTest,
    MMMResult,
    MMMSpec,
    RoasPrior,
)

__all__ = ["ChannelEstimate", "Diagnostics", "Interval", "LiftTest", "MMMResult", "MMMSpec",
           "RoasPrior"]
