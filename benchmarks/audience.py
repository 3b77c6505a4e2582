"""The audience audit's detectors on public labelled data, beside baselines from the same run.

    python benchmarks/audience.py [--tune]

Data (``benchmarks/data/audience/``, sources and licences in its README):

* comments: YouTube Spam Collection (Alberto, Lochter and Almeida 2015), two of its five
  files. ``youtube01_psy`` is the *dev* file (the promotional phrase list was checked
  against it while being written); ``youtube05_shakira`` is *held out* (nothing was tuned on
  it). Label 1 = spam.
* followers: the public Instagram fake/spammer accounts data set, its own train/test split.
  The classifier's thresholds were chosen by grid search on *train* only (``--tune`` shows
  the search); *test* is only ever scored.

Printed per task: precision, recall and F1 of the positive class (spam / fake), support and
accuracy, for

* creatorroi's detector (``quality.bots.is_spam``; ``quality.fake_followers.is_fake``);
* majority class and the opposite constant (the data sets are balanced, so both are shown);
* a one-feature rule (a link in the comment; no profile picture);
* a learned reference: logistic regression (numpy + scipy, L2 0.1) on bag-of-words trained on
  the dev file / on the 11 profile features trained on train.

Also printed: how many genuine comments are generic (generic is not spam: real fans write
"nice song"), and the fake share the classifier estimates on the test split against the true
share, with its 95% Wilson interval.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from creatorroi.quality import fake_followers as ff
from creatorroi.quality.bots import is_generic, is_spam
from creatorroi.quality.fake_followers import FollowerProfile, estimate, is_fake

DATA = Path(__file__).parent / "data" / "audience"
Metrics = tuple[float | None, float, float, int, float]


def metrics(y: Sequence[int], p: Sequence[int]) -> Metrics:
    """(precision, recall, F1, support, accuracy); precision None when nothing is predicted."""
    tp = sum(1 for a, b in zip(y, p, strict=True) if a and b)
    fp = sum(1 for a, b in zip(y, p, strict=True) if not a and b)
    fn = sum(1 for a, b in zip(y, p, strict=True) if a and not b)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    accuracy = sum(a == b for a, b in zip(y, p, strict=True)) / len(y)
    return precision, recall, f1, tp + fn, accuracy


def show(title: str, rows: list[tuple[str, Metrics]]) -> None:
    print(f"\n{title}")
    print(f"  {'detector':<44} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8} "
          f"{'accuracy':>9}")
    for name, (p, r, f, n, a) in rows:
        ptext = "—" if p is None else f"{p:.3f}"
        print(f"  {name:<44} {ptext:>9} {r:>7.3f} {f:>6.3f} {n:>8d} {a:>9.3f}")


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1) -> Callable[[np.ndarray],
                                                                         np.ndarray]:
    """Fit L2-regularised logistic regression by L-BFGS; returns a 0/1 predictor."""
    xb = np.hstack([x, np.ones((len(x), 1))])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = xb @ w
        nll = np.sum(np.logaddexp(0, z) - y * z) + 0.5 * l2 * np.sum(w[:-1] ** 2)
        grad = xb.T @ (1 / (1 + np.exp(-z)) - y)
        grad[:-1] += l2 * w[:-1]
        return float(nll), grad

    w = minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B").x
    return lambda xs: (np.hstack([xs, np.ones((len(xs), 1))]) @ w > 0).astype(int)


# ---- (a) comments -----------------------------------------------------------------------

def read_comments(name: str) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition(",")
        labels.append(int(label))
        texts.append(text)
    return texts, labels


_TOKEN = re.compile(r"[a-z0-9']+")


def bag_of_words(train: list[str], min_count: int = 2
                 ) -> Callable[[list[str]], np.ndarray]:
    counts = Counter(t for text in train for t in set(_TOKEN.findall(text.lower())))
    vocab = {t: i for i, t in enumerate(sorted(t for t, c in counts.items() if c >= min_count))}

    def encode(texts: list[str]) -> np.ndarray:
        x = np.zeros((len(texts), len(vocab)))
        for row, text in enumerate(texts):
            for t in set(_TOKEN.findall(text.lower())):
                if t in vocab:
                    x[row, vocab[t]] = 1.0
        return x

    return encode


def comments_task() -> None:
    dev_x, dev_y = read_comments("youtube01_psy.txt")
    test_x, test_y = read_comments("youtube05_shakira.txt")
    encode = bag_of_words(dev_x)
    model = logistic(encode(dev_x), np.array(dev_y))
    has_link = re.compile(r"https?://|www\.", re.IGNORECASE)
    for label, xs, ys in (("held-out test: Youtube05-Shakira", test_x, test_y),
                          ("dev (phrases checked on it): Youtube01-Psy", dev_x, dev_y)):
        rows = [
            ("creatorroi is_spam (phrases + links)", metrics(ys, [int(is_spam(t)) for t in xs])),
            ("majority class (ham)", metrics(ys, [0] * len(xs))),
            ("always spam", metrics(ys, [1] * len(xs))),
            ("one feature: contains a link", metrics(ys, [int(bool(has_link.search(t)))
                                                          for t in xs])),
            ("logistic regression, bag of words (dev)", metrics(ys, list(model(encode(xs))))),
        ]
        show(f"(a) spam comments, {label} ({len(xs)} comments)", rows)
        ham = [t for t, y in zip(xs, ys, strict=True) if not y]
        spam = [t for t, y in zip(xs, ys, strict=True) if y]
        print(f"  generic (is_generic): {sum(map(is_generic, ham)) / len(ham):.1%} of ham, "
              f"{sum(map(is_generic, spam)) / len(spam):.1%} of spam — generic is not spam")


# ---- (b) fake followers -------------------------------------------------------------------

def read_profiles(name: str) -> tuple[list[FollowerProfile], list[int], np.ndarray]:
    profiles, labels, raw = [], [], []
    with (DATA / name).open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        for r in reader:
            v = [float(x) for x in r]
            profiles.append(FollowerProfile(
                has_picture=v[0] == 1, username_digits=v[1], fullname_words=int(v[2]),
                name_is_username=v[4] == 1, bio_length=int(v[5]), has_url=v[6] == 1,
                private=v[7] == 1, posts=int(v[8]), followers=int(v[9]), follows=int(v[10])))
            labels.append(int(v[11]))
            raw.append(v[:11])
    x = np.array(raw)
    x[:, 8:11] = np.log1p(x[:, 8:11])        # counts span eight orders of magnitude
    x[:, 5] = np.log1p(x[:, 5])
    return profiles, labels, x


def tune(profiles: list[FollowerProfile], labels: list[int]) -> None:
    """The grid search that chose the shipped thresholds, on the train split only."""
    grid = itertools.product([0.1, 0.2, 0.25, 0.3], [0, 3, 5, 10], [50, 100, 150, 200],
                             [2.0, 3.0, 5.0], [2, 3, 4])
    results = []
    saved = (ff.DIGITS_AT, ff.FEW_POSTS, ff.FEW_FOLLOWERS, ff.FOLLOW_RATIO, ff.FAKE_AT)
    for digits, posts, followers, ratio, k in grid:
        ff.DIGITS_AT, ff.FEW_POSTS, ff.FEW_FOLLOWERS, ff.FOLLOW_RATIO, ff.FAKE_AT = (
            digits, posts, followers, ratio, k)
        f1 = metrics(labels, [int(bool(is_fake(p))) for p in profiles])[2]
        results.append((f1, digits, posts, followers, ratio, k))
    ff.DIGITS_AT, ff.FEW_POSTS, ff.FEW_FOLLOWERS, ff.FOLLOW_RATIO, ff.FAKE_AT = saved
    results.sort(key=lambda r: -r[0])
    print("\ngrid search on train (F1, digits_at, few_posts, few_followers, follow_ratio, "
          "fake_at), best 8:")
    for r in results[:8]:
        print("  " + ", ".join(f"{v:g}" for v in r[1:]) + f"  F1 {r[0]:.4f}")
    print(f"shipped: {saved[0]:g}, {saved[1]:g}, {saved[2]:g}, {saved[3]:g}, {saved[4]:g} "
          "(round values on the plateau of best train F1)")


def followers_task(do_tune: bool) -> None:
    train_p, train_y, train_x = read_profiles("instagram_fake_train.csv")
    test_p, test_y, test_x = read_profiles("instagram_fake_test.csv")
    if do_tune:
        tune(train_p, train_y)
    mean, std = train_x.mean(axis=0), train_x.std(axis=0) + 1e-9
    model = logistic((train_x - mean) / std, np.array(train_y))
    for label, ps, ys, xs in (("held-out test", test_p, test_y, test_x),
                              ("train (thresholds tuned on it)", train_p, train_y, train_x)):
        rows = [
            ("creatorroi is_fake (6 red flags, >= 2)",
             metrics(ys, [int(bool(is_fake(p))) for p in ps])),
            ("majority class (genuine; train is 50/50)", metrics(ys, [0] * len(ps))),
            ("always fake", metrics(ys, [1] * len(ps))),
            ("one feature: no profile picture", metrics(ys, [int(not p.has_picture)
                                                             for p in ps])),
            ("logistic regression, 11 features (train)",
             metrics(ys, list(model((xs - mean) / std)))),
        ]
        show(f"(b) fake followers, {label} ({len(ps)} profiles)", rows)
    s = estimate(test_p)
    print(f"  fake share estimated on test: {s.share:.1%} (95% {s.low:.1%} to {s.high:.1%}) "
          f"of {s.judged} judged; true share {sum(test_y) / len(test_y):.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true",
                        help="show the grid search on the train split that chose the rules")
    args = parser.parse_args()
    comments_task()
    followers_task(args.tune)


if __name__ == "__main__":
    main()
