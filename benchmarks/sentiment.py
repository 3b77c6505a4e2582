"""Comment sentiment per language: the built-in lexicon backend beside baselines measured in the
same run.

    python benchmarks/sentiment.py [--data DIR] [--onnx FOLDER] [--speed 20000]
    python benchmarks/sentiment.py --dev          # the rows the lexicons were tuned on
    python benchmarks/sentiment.py --write-zh-hans  # regenerate lexicons/zh_Hans.tsv (OpenCC)

Data: ``benchmarks/data/sentiment/<language>.tsv`` (``text<TAB>label``, positive/negative),
excerpts of public labelled sets; sources, licences and how the rows were drawn are in that
folder's README. Per language the script prints n, the class balance, and for each contender
accuracy and macro-F1 over the two classes. A neutral prediction is neither class: it counts as
wrong for accuracy, lowers recall, and is reported in its own column, beside the accuracy on the
rows the contender did not call neutral.

Contenders:

* ``lexicon-1`` — ``creatorroi.quality.sentiment.get_backend("lexicon")``;
* ``majority`` — always the more frequent class of the file;
* ``vader`` — vaderSentiment 3.3 (English lexicon and rules, data inside the wheel), English only,
  compound >= 0.05 positive, <= -0.05 negative (VADER's own convention);
* ``snownlp`` — SnowNLP (naive Bayes trained on Chinese shopping reviews, data inside the wheel),
  Chinese only, text converted to Simplified with OpenCC first, P(positive) >= 0.5 positive;
* ``onnx:…`` — with ``--onnx FOLDER``, any exported transformer (see quality/sentiment/onnx.py).

Speed: comments/s over ``--speed`` distinct comments (every test row, repeated with a counter so
no two strings are equal and the lexicon's per-text cache never hits), for the lexicon backend
and VADER; SnowNLP on the Chinese rows only.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from creatorroi.quality.sentiment import get_backend
from creatorroi.quality.sentiment.data import zh_hans_text
from creatorroi.quality.sentiment.lexicon import score_text

HERE = Path(__file__).parent
DATA = HERE / "data" / "sentiment"
LEXICONS = HERE.parent / "src" / "creatorroi" / "quality" / "sentiment" / "lexicons"
LANGUAGES = ("en", "it", "ko", "zh_Hant", "fa")
Predict = Callable[[Sequence[str]], list[str]]


def read(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def metrics(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, int, float]:
    """Accuracy, macro-F1 over positive/negative, how many predictions were neutral, and the
    accuracy on the rows that were not predicted neutral (how often a committed call is right)."""
    hits = sum(g == p for g, p in zip(gold, pred, strict=True))
    acc = hits / len(gold)
    neutral = sum(p == "neutral" for p in pred)
    committed = hits / (len(gold) - neutral) if len(gold) > neutral else 0.0
    f1s = []
    for cls in ("positive", "negative"):
        tp = sum(g == cls and p == cls for g, p in zip(gold, pred, strict=True))
        predicted = sum(p == cls for p in pred)
        actual = sum(g == cls for g in gold)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return acc, sum(f1s) / 2, neutral, committed


def lexicon() -> Predict:
    backend = get_backend("lexicon")
    return lambda texts: [s.label for s in backend.score(texts)]


def onnx(folder: str) -> tuple[str, Predict]:
    backend = get_backend(f"onnx:{folder}")
    return backend.name, lambda texts: [s.label for s in backend.score(texts)]


def vader() -> Predict | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()

    def predict(texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            c = analyzer.polarity_scores(text)["compound"]
            out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
        return out

    return predict


def snownlp() -> Predict | None:
    try:
        import opencc
        from snownlp import SnowNLP
    except ImportError:
        return None
    to_simplified = opencc.OpenCC("t2s").convert

    def predict(texts: Sequence[str]) -> list[str]:
        return ["positive" if SnowNLP(to_simplified(t)).sentiments >= 0.5 else "negative"
                for t in texts]

    return predict


def per_second(predict: Predict, texts: list[str]) -> float:
    start = time.perf_counter()
    predict(texts)
    return len(texts) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--dev", action="store_true", help="score the tuning rows (data/dev)")
    parser.add_argument("--onnx", metavar="FOLDER", help="also score an exported transformer")
    parser.add_argument("--speed", type=int, default=20000, help="comments for the speed run")
    parser.add_argument("--write-zh-hans", action="store_true")
    args = parser.parse_args()

    if args.write_zh_hans:
        import opencc

        (LEXICONS / "zh_Hans.tsv").write_text(zh_hans_text(opencc.OpenCC("t2s").convert),
                                              encoding="utf-8")
        print(f"wrote {LEXICONS / 'zh_Hans.tsv'}")
        return 0

    data = args.data / "dev" if args.dev else args.data
    ours = lexicon()
    libraries = {"en": ("vader", vader()), "zh_Hant": ("snownlp", snownlp())}
    extra = onnx(args.onnx) if args.onnx else None

    print(f"{'lang':8} {'n':>4} {'pos/neg':>8}  {'model':<16} {'acc':>6} {'macroF1':>8} "
          f"{'neutral':>8} {'acc(non-neutral)':>17}")
    corpus: list[str] = []
    chinese: list[str] = []
    for lang in LANGUAGES:
        path = data / f"{lang}.tsv"
        if not path.exists():
            continue
        texts, gold = read(path)
        corpus += texts
        if lang == "zh_Hant":
            chinese = texts
        pos = gold.count("positive")
        major = "positive" if pos >= len(gold) - pos else "negative"
        contenders: list[tuple[str, Predict]] = [("lexicon-1", ours),
                                                  ("majority", lambda t, m=major: [m] * len(t))]
        name, library = libraries.get(lang, ("", None))
        if library is not None:
            contenders.append((name, library))
        if extra is not None:
            contenders.append(extra)
        head = f"{lang:8} {len(gold):>4} {f'{pos}/{len(gold) - pos}':>8}"
        for model, predict in contenders:
            acc, f1, neutral, committed = metrics(gold, predict(texts))
            print(f"{head}  {model:<16} {acc:>6.3f} {f1:>8.3f} {neutral:>8} {committed:>17.3f}")
            head = " " * len(head)
    if not corpus or not args.speed:
        return 0

    distinct = [f"{corpus[i % len(corpus)]} {i}" for i in range(args.speed)]
    score_text.cache_clear()
    print(f"\nspeed, {len(distinct)} distinct comments (all languages):")
    print(f"  lexicon-1 {per_second(ours, distinct):>10,.0f} comments/s")
    vader_predict = libraries["en"][1]
    if vader_predict is not None:
        print(f"  vader     {per_second(vader_predict, distinct):>10,.0f} comments/s")
    snow = libraries["zh_Hant"][1]
    if snow is not None and chinese:
        sample = [f"{chinese[i % len(chinese)]} {i}" for i in range(min(args.speed, 2000))]
        score_text.cache_clear()
        print(f"speed, {len(sample)} Chinese comments:")
        print(f"  lexicon-1 {per_second(ours, sample):>10,.0f} comments/s")
        print(f"  snownlp   {per_second(snow, sample):>10,.0f} comments/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
