"""Match free-text survey answers ("how did you hear about us?") to influencers.

Buyers misremember and mistype: "giulia rosi", "Kim Jisoo" for 김지수, "Sara Mohammadi" for
سارا محمدی. Every name, alias and handle is transliterated to Latin letters (anyascii) and
compared with RapidFuzz; for names written in a non-Latin script the comparison also runs on a
consonant skeleton, because Persian and Arabic scripts omit short vowels a Latin spelling adds.
A match must clear ``min_score`` and beat the runner-up influencer clearly, else the answer is
left unmatched: a wrong credit is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from creatorroi.model.keys import person_name

# Words that say where, not who: they must never make two answers look alike.
_NOISE = frozenset({
    "instagram", "insta", "ig", "tiktok", "tik", "tok", "tt", "youtube", "yt", "facebook", "fb",
    "twitter", "x", "linkedin", "pinterest", "google", "search", "ad", "ads", "adv", "post",
    "reel", "story", "stories", "video", "su", "on", "da", "from", "by", "via", "the", "a", "di",
    "del", "della", "il", "la", "lo", "un", "una", "uno", "friend", "amica", "amico", "amici",
    "sponsored", "beauty", "glow", "skin", "skincare", "makeup", "official",
    "style", "life", "daily", "vlog", "tv",
})
_VOWELS = re.compile(r"[aeiouy]")
_REPEATS = re.compile(r"(.)\1+")
_MARGIN = 5.0


@dataclass(frozen=True)
class Person:
    influencer_id: str
    names: tuple[str, ...]  # display name, aliases, handles


@dataclass(frozen=True)
class _Candidate:
    influencer_id: str
    text: str
    skeleton: str | None  # only for names written in a non-Latin script


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", person_name(text)) if w and w not in _NOISE]


def _skeleton(words: Iterable[str]) -> str:
    return " ".join(_REPEATS.sub(r"\1", _VOWELS.sub("", w)) or w for w in words)


def _candidates(people: Iterable[Person]) -> list[_Candidate]:
    out = []
    for p in people:
        for name in p.names:
            words = _words(name.replace(".", " ").replace("_", " "))
            if not words or sum(len(w) for w in words) < 3:
                continue
            latin = all(ord(c) < 0x250 for c in name)
            skeleton = None if latin else _skeleton(words)
            # A skeleton of under four letters ("n" of 이유나) would match any short word.
            if skeleton is not None and len(skeleton.replace(" ", "")) < 4:
                skeleton = None
            out.append(_Candidate(p.influencer_id, " ".join(words), skeleton))
            # A handle's distinctive part alone ("jisoo" of @jisoo.glow) is how buyers recall it.
            out.extend(_Candidate(p.influencer_id, w, None) for w in words
                       if len(w) >= 5 and len(words) > 1)
    return out


def _score(answer_words: list[str], cand: _Candidate) -> float:
    n = len(cand.text.split())
    windows = {" ".join(answer_words[i:i + n]) for i in range(max(1, len(answer_words) - n + 1))}
    best = max(max(fuzz.ratio(w, cand.text) for w in windows),
               fuzz.token_sort_ratio(" ".join(answer_words), cand.text))
    if cand.skeleton:
        best = max(best, max(fuzz.ratio(_skeleton(w.split()), cand.skeleton) for w in windows))
    return float(best)


def match_answers(answers: Iterable[tuple[str, str]], people: Iterable[Person],
                  min_score: float = 85.0) -> list[tuple[str, str, float]]:
    """Return ``(answer_id, influencer_id, score)`` for each answer that names one influencer."""
    cands = _candidates(people)
    matches = []
    for answer_id, text in answers:
        words = _words(text)
        if not words:
            continue
        best: dict[str, float] = {}
        for cand in cands:
            score = _score(words, cand)
            if score > best.get(cand.influencer_id, 0.0):
                best[cand.influencer_id] = score
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < min_score:
            continue
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < _MARGIN:
            continue
        matches.append((answer_id, ranked[0][0], ranked[0][1]))
    return matches
