"""Which language each stretch of a comment is in, told by its script.

Why script first: a comment under a Korean creator's post mixes Hangul, English slang and emoji;
each stretch is scored with its own language's rules. Only Latin script needs more than the
script to place it: English and Italian are told apart by their function words and lexicon hits.
Han beside kana is Japanese, which is not scored (its kanji are not Chinese words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from creatorroi.quality.sentiment.data import NEG, TERM, table
from creatorroi.quality.text import clean

_L = "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff"
_HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
_KANA = "\u3040-\u30ff"
# Arabic-script letters only: its digits and punctuation (، ؟ ۱۲) are not words.
_ARABIC = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff\u0750-\u077f"
_STOP = ".;:!?,\u3002\u3001\u060c\u061b\u061f"

TOKEN = re.compile(
    rf"(?P<latin>[{_L}]+(?:['\u2019][{_L}]+)*)|(?P<hangul>[{_HANGUL}]+)|(?P<han>[{_HAN}]+)"
    rf"|(?P<kana>[{_KANA}]+)|(?P<arabic>[{_ARABIC}]+)|(?P<stop>[{_STOP}]+)")
# Links and @handles: words, but nobody's opinion.
NOISE = re.compile(r"https?://\S+|www\.\S+|@[\w.]+")
_ACCENTED = re.compile("[àèéìòù]")


def normalise(text: str) -> str:
    """``quality.text.clean``: the one normalisation every quality check shares."""
    return clean(text)


def tokens(text: str) -> list[tuple[str, str]]:
    """(script, token) pairs of a normalised text; script ``stop`` is clause punctuation."""
    return [(m.lastgroup or "", m.group()) for m in TOKEN.finditer(text)]


@lru_cache(maxsize=1 << 16)
def latin_words(token: str) -> tuple[str, ...]:
    return tuple(token.casefold().replace("\u2019", "'").split("'"))


def latin_language(words: Iterable[str]) -> str | None:
    """``en`` or ``it`` by function-word and lexicon hits; None when nothing tells them apart."""
    en = it = 0.0
    for word in words:
        e, i = _votes(word)
        en += e
        it += i
    if en == it:
        return "en" if en else None
    return "it" if it > en else "en"


@lru_cache(maxsize=1 << 16)
def _votes(word: str) -> tuple[float, float]:
    out = []
    for lang in ("en", "it"):
        tab = table(lang)
        vote = 1.0 if word in tab.function_words else 0.0
        entry = tab.words.get(word)
        if entry is not None and entry.kind in (TERM, NEG):
            vote += 0.5
        out.append(vote)
    if _ACCENTED.search(word):
        out[1] += 0.5
    return out[0], out[1]


def script_languages(toks: Sequence[tuple[str, str]]) -> tuple[dict[str, str | None], str | None]:
    """The language of each script in ``toks``, and the language of most letters (None when
    that is unknown: Japanese, or Latin text with no English or Italian word in it)."""
    letters: dict[str, int] = {}
    latin: list[str] = []
    for script, tok in toks:
        if script != "stop":
            letters[script] = letters.get(script, 0) + len(tok)
            if script == "latin":
                latin.extend(latin_words(tok))
    langs: dict[str, str | None] = {
        "latin": latin_language(latin) if latin else None,
        "hangul": "ko", "arabic": "fa", "kana": None,
        "han": None if "kana" in letters else "zh_Hant",
    }
    if not letters:
        return langs, None
    top = max(letters, key=lambda s: letters[s])
    return langs, langs[top]


def detect_language(text: str) -> str | None:
    """``en``, ``it``, ``ko``, ``zh_Hant`` or ``fa`` for the language most of ``text``'s letters
    are in; None for emoji-only text, Japanese, or Latin text with no English or Italian cue."""
    toks = tokens(NOISE.sub(" ", normalise(text)))
    return script_languages(toks)[1]

