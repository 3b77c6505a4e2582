"""Comment sentiment in English, Italian, Korean, Traditional Chinese and Persian.

Two backends behind one protocol, picked by ``QualitySettings.sentiment_backend``:

* ``lexicon`` (default): our own lexicons and rules (``lexicon.py``); nothing to download, fast
  enough to score a million-row comment dump at import, and every score can be explained by
  pointing at lexicon lines;
* ``onnx:<folder>``: a transformer the user exported with ``optimum-cli export onnx --task
  text-classification`` (needs the ``transformer`` extra: onnxruntime, tokenizers).

``python benchmarks/sentiment.py`` measures both against labelled public data per language.
"""

from __future__ import annotations

from creatorroi.quality.sentiment.backend import (
    NEUTRAL_BAND,
    Score,
    SentimentBackend,
    SentimentConfigError,
    label_for,
)
from creatorroi.quality.sentiment.languages import detect_language
from creatorroi.quality.sentiment.lexicon import LexiconBackend

__all__ = [
    "NEUTRAL_BAND",
    "LexiconBackend",
    "Score",
    "SentimentBackend",
    "SentimentConfigError",
    "detect_language",
    "get_backend",
    "label_for",
]

_LEXICON = LexiconBackend()


def get_backend(spec: str = "lexicon") -> SentimentBackend:
    """``lexicon`` or ``onnx:/path/to/folder``; anything else is a ``ConfigError`` that says what
    to write instead, what to install, or which file is missing."""
    text = (spec or "").strip()
    if text.casefold() == "lexicon":
        return _LEXICON
    kind, sep, rest = text.partition(":")
    if sep and kind.strip().casefold() == "onnx":
        from creatorroi.quality.sentiment.onnx import OnnxBackend

        if not rest.strip():
            raise SentimentConfigError(
                "the onnx sentiment backend needs the model's folder: write onnx:<folder>")
        return OnnxBackend.load(rest.strip())
    raise SentimentConfigError(
        "unknown sentiment backend {spec}: use lexicon, or onnx:<folder> for a transformer "
        "exported to ONNX", spec=repr(spec))
