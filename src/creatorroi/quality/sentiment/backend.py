"""What every sentiment backend returns, and the one rule that turns a value into a label.

Why the label is derived from the value (never from a model's arg-max): the built-in lexicon and
an optional transformer must be interchangeable under ``QualitySettings.sentiment_backend``, so a
stored ``sentiment`` column and its ``sentiment_label`` column mean the same thing whichever
backend filled them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from creatorroi.errors import ConfigError

Label = Literal["positive", "negative", "neutral"]

# Values this close to zero say nothing either way: a comment of tags and names, a question.
NEUTRAL_BAND = 0.05


@dataclass(frozen=True)
class Score:
    value: float  # -1.0 (most negative) .. 1.0 (most positive)
    label: Label
    language: str | None  # "en", "it", "ko", "zh_Hant", "fa", or None when unknown


class SentimentBackend(Protocol):
    name: str

    def score(self, texts: Sequence[str]) -> list[Score]: ...


def label_for(value: float) -> Label:
    if value >= NEUTRAL_BAND:
        return "positive"
    if value <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


class SentimentConfigError(ConfigError):
    """A backend spec that cannot be used; ``msgid`` is English with ``{placeholders}`` so the
    CLI can show it translated (domain ``creatorroi``)."""

    def __init__(self, msgid: str, **values: str):
        self.msgid = msgid
        self.values = values
        super().__init__(msgid.format(**values) if values else msgid)
