"""The optional ONNX backend, end to end on a tiny model this test builds itself.

The model is the smallest text classifier with the shape ``optimum-cli export onnx --task
text-classification`` writes: token ids -> embedding (Gather) -> mean over the attention mask ->
MatMul + bias -> logits, with a WordLevel tokenizer.json and a config.json naming the labels.
Every score is checked against the same arithmetic done in numpy from the weights.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from creatorroi.errors import ConfigError
from creatorroi.quality.sentiment import get_backend, label_for

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
tokenizers = pytest.importorskip("tokenizers")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

VOCAB = ["[PAD]", "[UNK]", "good", "bad", "great", "awful", "movie", "the", "not", "!", "love",
         "hate", "it", "ok"]
MAX_LEN = 8
SENTIMENT = {"0": "negative", "1": "neutral", "2": "positive"}
STARS = {str(k): f"{k + 1} star" + ("s" if k else "") for k in range(5)}


def build(folder: Path, id2label: dict[str, str], *, seed: int = 0, dim: int = 6,
          token_type_ids: bool = False, config: dict | None = None) -> dict[str, np.ndarray]:
    """Write model.onnx, tokenizer.json and config.json; return the weights."""
    rng = np.random.default_rng(seed)
    n = len(id2label)
    w = {"E": rng.normal(size=(len(VOCAB), dim)).astype(np.float32),
         "W": rng.normal(size=(dim, n)).astype(np.float32) * 2,
         "b": rng.normal(size=(n,)).astype(np.float32)}
    inits = [numpy_helper.from_array(w["E"], "E"), numpy_helper.from_array(w["W"], "W"),
             numpy_helper.from_array(w["b"], "b"),
             numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
             numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
             numpy_helper.from_array(np.array([1e-9], dtype=np.float32), "eps")]
    nodes = [
        helper.make_node("Gather", ["E", "input_ids"], ["emb"]),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["emb", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask3", "axis1"], ["count"], keepdims=0),
        helper.make_node("Max", ["count", "eps"], ["safe"]),
        helper.make_node("Div", ["summed", "safe"], ["mean"]),
        helper.make_node("MatMul", ["mean", "W"], ["hidden"]),
        helper.make_node("Add", ["hidden", "b"], ["logits"]),
    ]
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "seq"])
              for name in ("input_ids", "attention_mask")]
    if token_type_ids:  # BERT exports carry it even when the graph ignores it
        inputs.append(helper.make_tensor_value_info("token_type_ids", TensorProto.INT64,
                                                    ["batch", "seq"]))
    graph = helper.make_graph(nodes, "tiny", inputs,
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                                             ["batch", n])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    folder.mkdir(parents=True, exist_ok=True)
    onnx.save(model, folder / "model.onnx")

    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(
        vocab={t: i for i, t in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.normalizer = tokenizers.normalizers.Lowercase()
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    tok.save(str(folder / "tokenizer.json"))
    cfg = {"id2label": id2label, "max_position_embeddings": MAX_LEN, "pad_token_id": 0}
    (folder / "config.json").write_text(json.dumps(config if config is not None else cfg))
    return w


def reference(w: dict[str, np.ndarray], text: str) -> np.ndarray:
    """Class probabilities for ``text``, tokenised and computed independently in numpy."""
    ids = [VOCAB.index(t) if t in VOCAB else 1
           for t in re.findall(r"\w+|[^\w\s]+", text.lower())][:MAX_LEN]
    mean = w["E"][ids].mean(axis=0) if ids else np.zeros(w["E"].shape[1])
    logits = mean.astype(np.float64) @ w["W"] + w["b"]
    p = np.exp(logits - logits.max())
    return p / p.sum()


TEXTS = ["good movie", "the movie is awful !", "I hate it", "", "great great great",
         "not good not good not good not good not good", "ok", "Good MOVIE", "zzz unknown words"]


def test_three_labels_value_is_p_positive_minus_p_negative(tmp_path: Path) -> None:
    w = build(tmp_path / "tiny-sst", SENTIMENT)
    backend = get_backend(f"onnx:{tmp_path / 'tiny-sst'}")
    assert backend.name == "onnx:tiny-sst"
    scores = backend.score(TEXTS)
    for text, s in zip(TEXTS, scores, strict=True):
        p = reference(w, text)
        assert s.value == pytest.approx(p[2] - p[0], abs=1e-4)
        assert s.label == label_for(s.value)


def test_stars_value_is_the_expected_rating_rescaled(tmp_path: Path) -> None:
    w = build(tmp_path / "stars", STARS, seed=3)
    scores = get_backend(f"onnx:{tmp_path / 'stars'}").score(TEXTS)
    for text, s in zip(TEXTS, scores, strict=True):
        p = reference(w, text)
        expected_stars = float(np.dot(p, [1, 2, 3, 4, 5]))
        assert s.value == pytest.approx((expected_stars - 3) / 2, abs=1e-4)


@pytest.mark.parametrize(("id2label", "positive", "negative"), [
    ({"0": "LABEL_0", "1": "LABEL_1"}, 1, 0),
    ({"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}, 2, 0),
    ({"0": "NEGATIVE", "1": "POSITIVE"}, 1, 0),
    ({"0": "Positive", "1": "Neutral", "2": "Negative"}, 0, 2),
])
def test_label_conventions(tmp_path: Path, id2label: dict[str, str], positive: int,
                           negative: int) -> None:
    w = build(tmp_path / "m", id2label, seed=7, token_type_ids=True)
    scores = get_backend(f"onnx:{tmp_path / 'm'}").score(TEXTS)
    for text, s in zip(TEXTS, scores, strict=True):
        p = reference(w, text)
        assert s.value == pytest.approx(p[positive] - p[negative], abs=1e-4)


def test_batches_and_padding_do_not_change_a_score(tmp_path: Path) -> None:
    build(tmp_path / "m", SENTIMENT, seed=1)
    backend = get_backend(f"onnx:{tmp_path / 'm'}")
    many = TEXTS * 9  # more than one batch of 32, mixed lengths
    together = backend.score(many)
    assert together == [backend.score([t])[0] for t in many]
    assert backend.score([]) == []
    assert backend.score([""])[0].label == label_for(backend.score([""])[0].value)


def test_long_text_is_truncated_to_the_model_length(tmp_path: Path) -> None:
    w = build(tmp_path / "m", SENTIMENT, seed=2)
    backend = get_backend(f"onnx:{tmp_path / 'm'}")
    text = "good " * MAX_LEN + "awful " * 50
    p = reference(w, text)  # the reference keeps only the first MAX_LEN tokens
    assert backend.score([text])[0].value == pytest.approx(p[2] - p[0], abs=1e-4)


def test_language_and_invisible_characters(tmp_path: Path) -> None:
    build(tmp_path / "m", SENTIMENT, seed=4)
    backend = get_backend(f"onnx:{tmp_path / 'm'}")
    plain, noisy = backend.score(["good movie", "go\u200bod mo\u200dvie"])
    assert noisy == plain
    assert backend.score(["좋아요"])[0].language == "ko"


# --- errors a user can fix ------------------------------------------------------------------

def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        get_backend(f"onnx:{tmp_path / 'nowhere'}")


@pytest.mark.parametrize("missing", ["model.onnx", "tokenizer.json", "config.json"])
def test_missing_file_is_named(tmp_path: Path, missing: str) -> None:
    build(tmp_path / "m", SENTIMENT)
    (tmp_path / "m" / missing).unlink()
    with pytest.raises(ConfigError) as err:
        get_backend(f"onnx:{tmp_path / 'm'}")
    assert missing in str(err.value)
    assert "optimum-cli export onnx" in str(err.value)


@pytest.mark.parametrize("module", ["onnxruntime", "tokenizers"])
def test_missing_optional_package_says_what_to_install(tmp_path: Path, module: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path / "m", SENTIMENT)
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    with pytest.raises(ConfigError) as err:
        get_backend(f"onnx:{tmp_path / 'm'}")
    assert "pip install 'creatorroi[transformer]'" in str(err.value)


@pytest.mark.parametrize(("config", "message"), [
    ({"id2label": {"0": "joy", "1": "anger"}}, "joy, anger"),
    ({"id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2", "3": "LABEL_3"}}, "LABEL_3"),
    ({"label2id": {"negative": 0}}, "id2label"),
    ([1, 2], "not a JSON object"),
])
def test_unusable_config(tmp_path: Path, config: object, message: str) -> None:
    build(tmp_path / "m", SENTIMENT)
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ConfigError, match=re.escape(message)):
        get_backend(f"onnx:{tmp_path / 'm'}")


def test_config_that_is_not_json(tmp_path: Path) -> None:
    build(tmp_path / "m", SENTIMENT)
    (tmp_path / "m" / "config.json").write_text("{not json")
    with pytest.raises(ConfigError, match="cannot be read"):
        get_backend(f"onnx:{tmp_path / 'm'}")


def test_labels_and_outputs_must_agree(tmp_path: Path) -> None:
    build(tmp_path / "m", SENTIMENT)
    (tmp_path / "m" / "config.json").write_text(json.dumps(
        {"id2label": {"0": "negative", "1": "positive"}}))
    with pytest.raises(ConfigError, match="3 outputs"):
        get_backend(f"onnx:{tmp_path / 'm'}")


def test_corrupt_model_file(tmp_path: Path) -> None:
    build(tmp_path / "m", SENTIMENT)
    (tmp_path / "m" / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(ConfigError, match="cannot be read"):
        get_backend(f"onnx:{tmp_path / 'm'}")
