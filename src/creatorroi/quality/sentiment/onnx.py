"""An optional transformer, exported to ONNX, as a sentiment backend.

Why ONNX: onnxruntime and tokenizers are small CPU wheels with no torch behind them. A user who
wants a fine-tuned multilingual model exports it once, e.g. ``optimum-cli export onnx --task
text-classification --model <hub id> <folder>``, and sets ``sentiment_backend`` to
``onnx:<folder>``; the folder holds model.onnx, tokenizer.json and config.json (``id2label``).

A model's classes become one value: P(positive) - P(negative) for negative/neutral/positive
labels (or LABEL_0.. by convention), the expected star rating rescaled to -1..1 for "1 star"
.. "5 stars" models. The label follows the value, as for the lexicon backend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from creatorroi.quality.sentiment.backend import Score, SentimentConfigError, label_for
from creatorroi.quality.sentiment.languages import detect_language, normalise

BATCH = 32
MAX_LENGTH = 512
FILES = ("model.onnx", "tokenizer.json", "config.json")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_STARS = re.compile(r"([1-9]) stars?")
_NUMBERED = re.compile(r"label (\d+)")


class OnnxBackend:
    def __init__(self, name: str, session: Any, tokenizer: Any, weights: np.ndarray,
                 inputs: tuple[str, ...]):
        self.name = name
        self._session = session
        self._tokenizer = tokenizer
        self._weights = weights
        self._inputs = inputs

    @classmethod
    def load(cls, folder: str) -> OnnxBackend:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise SentimentConfigError("sentiment model folder {folder} does not exist",
                                       folder=str(path))
        for file in FILES:
            if not (path / file).is_file():
                raise SentimentConfigError(
                    "sentiment model folder {folder} has no {file}: export the model with "
                    "optimum-cli export onnx --task text-classification",
                    folder=str(path), file=file)
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError:
            raise SentimentConfigError(
                "the onnx sentiment backend needs the optional packages onnxruntime and "
                "tokenizers: pip install 'creatorroi[transformer]'") from None
        config = _json(path / "config.json")
        id2label = config.get("id2label")
        if not isinstance(id2label, dict) or not id2label:
            raise SentimentConfigError(
                "{file} has no id2label: the model's labels cannot be mapped to positive and "
                "negative", file=str(path / "config.json"))
        weights = label_weights(id2label)
        try:
            tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
            session = ort.InferenceSession(str(path / "model.onnx"),
                                           providers=ort.get_available_providers())
        except Exception as exc:  # both libraries raise bare Exceptions on a bad file
            raise SentimentConfigError("{file} cannot be read: {reason}",
                                       file=str(path), reason=str(exc).splitlines()[0]) from None
        max_length = min(MAX_LENGTH, int(config.get("max_position_embeddings") or MAX_LENGTH))
        tokenizer.enable_truncation(max_length)
        pad_id = int(config.get("pad_token_id") or 0)
        tokenizer.enable_padding(pad_id=pad_id, pad_token=tokenizer.id_to_token(pad_id) or "[PAD]")
        names = tuple(i.name for i in session.get_inputs())
        for name in names:
            if name not in INPUTS:
                raise SentimentConfigError(
                    "the model needs an input {name} that a text classifier does not have",
                    name=name)
        outputs = session.get_outputs()[0].shape[-1]
        if isinstance(outputs, int) and outputs != len(weights):
            raise SentimentConfigError(
                "the model has {outputs} outputs but config.json names {labels} labels",
                outputs=str(outputs), labels=str(len(weights)))
        return cls(f"onnx:{path.resolve().name}", session, tokenizer, weights, names)

    def score(self, texts: Sequence[str]) -> list[Score]:
        out: list[Score] = []
        for start in range(0, len(texts), BATCH):
            batch = [t if isinstance(t, str) else "" for t in texts[start:start + BATCH]]
            values = self.values([normalise(t) for t in batch])
            for text, raw in zip(batch, values, strict=True):
                value = round(float(np.clip(raw, -1.0, 1.0)), 4) + 0.0
                out.append(Score(value, label_for(value), detect_language(text)))
        return out

    def values(self, texts: list[str]) -> np.ndarray:
        """The model's value for each (already normalised) text, one batch."""
        encodings = self._tokenizer.encode_batch(texts)
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        logits = np.asarray(self._session.run(None, {n: arrays[n] for n in self._inputs})[0],
                            dtype=np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return np.asarray(probs @ self._weights)


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SentimentConfigError("{file} cannot be read: {reason}", file=str(path),
                                   reason=str(exc)) from None
    if not isinstance(data, dict):
        raise SentimentConfigError("{file} cannot be read: {reason}", file=str(path),
                                   reason="not a JSON object")
    return data


def label_weights(id2label: Mapping[Any, Any]) -> np.ndarray:
    """Each class's contribution to the value, in class-index order."""
    try:
        ordered = [str(id2label[k]) for k in sorted(id2label, key=lambda k: int(k))]
    except (TypeError, ValueError):
        ordered = [str(v) for v in id2label.values()]
        return _unmapped(ordered)
    names = [re.sub(r"[\s_-]+", " ", label.strip().casefold()) for label in ordered]
    stars = [_STARS.fullmatch(n) for n in names]
    if all(stars):
        return _scale([int(m.group(1)) for m in stars if m])
    numbered = [_NUMBERED.fullmatch(n) for n in names]
    if all(numbered):
        if len(names) == 2:
            return np.array([-1.0, 1.0])
        if len(names) == 3:
            return np.array([-1.0, 0.0, 1.0])
        if len(names) == 5:
            return _scale(list(range(1, 6)))
        return _unmapped(ordered)
    graded = any(n.startswith(("very ", "strongly ")) for n in names)
    weights = []
    for n in names:
        strong = n.startswith(("very ", "strongly "))
        if "neg" in n:
            weights.append(-1.0 if strong or not graded else -0.5)
        elif "pos" in n:
            weights.append(1.0 if strong or not graded else 0.5)
        elif "neu" in n:
            weights.append(0.0)
        else:
            return _unmapped(ordered)
    if min(weights) >= 0 or max(weights) <= 0:
        return _unmapped(ordered)
    return np.array(weights)


def _scale(stars: list[int]) -> np.ndarray:
    lo, hi = min(stars), max(stars)
    if hi == lo:
        return _unmapped([str(s) for s in stars])
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    return np.array([(s - mid) / half for s in stars])


def _unmapped(labels: list[str]) -> np.ndarray:
    raise SentimentConfigError(
        "the model's labels {labels} cannot be mapped to positive and negative: expected "
        "negative/neutral/positive, LABEL_0.., or 1 to 5 stars", labels=", ".join(labels))
