"""The built-in scorer: per-language polarity lexicons and rules; no model, no download.

The rules are VADER's (Hutto & Gilbert, 2014), carried to five languages: polar words add their
valence; a negator flips (and damps, x -0.74) the polar words up to three words after it; a
booster multiplies the next polar word; after a contrast word ("but", "ma", 하지만, 但是, ولی)
polar words weigh 1.5 and those before it 0.5; an ALL-CAPS word and each "!" (up to four) push
further from zero; emoji add their own valence. The sum ``s`` becomes
``s / sqrt(s^2 + 15)``, inside (-1, 1).

What the languages need beyond that:

* English and Italian are tokenised into words; multi-word entries ("can't wait", "fa schifo")
  match first; elongated words ("soooo goood") and Italian superlatives (bellissima -> bello)
  fall back to their base word.
* Korean words (eojeol) glue stems to endings and particles: entries are found anywhere inside
  a word by longest match, so 좋 matches 좋아요 and 좋네요; 안/못 negate forward, and 않/없/아니
  negate the stem just before (좋지 않아, 재미없다).
* Chinese has no spaces: the longest lexicon entry is taken at each position (不錯 before 不).
* Persian negates the verb after the adjective (خوب نبود): the prefix ن on a known verb form, or
  نمی, negates the polar word just before; suffixes (عالیه, بدترین) are stripped to find a stem.

Scores are cached per text: comment dumps repeat the same short comments ("❤️❤️", "bravissima")
thousands of times.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache, lru_cache

from creatorroi.quality.sentiment.backend import Score, label_for
from creatorroi.quality.sentiment.data import (
    BOOST,
    BUT,
    NEG,
    NONE,
    POST,
    TERM,
    Entry,
    Table,
    emoji_table,
    table,
)
from creatorroi.quality.sentiment.languages import (
    NOISE,
    latin_words,
    normalise,
    script_languages,
    tokens,
)

STOP = 6  # clause punctuation: ends negation and booster reach
# kind, value, fallback, word index, ALL-CAPS
Item = tuple[int, float, float, int, bool]

NEGATION = -0.74
NEG_WINDOW = 3  # a negator reaches this many words ahead
POST_WINDOW = 2  # a post-negator reaches back this many words
BOOST_WINDOW = 2
BEFORE_BUT, AFTER_BUT = 0.8, 1.2
CAPS = 0.733
EXCLAIM, MAX_EXCLAIM = 0.292, 4
ALPHA = 15.0
ELONGATED = 1.15  # "goooood" says a little more than "good"
SUPERLATIVE = 1.3  # Italian -issimo
_FAR = -(10**9)

_REPEAT3 = re.compile(r"(.)\1{2,}")
_REPEAT2 = re.compile(r"(.)\1+")
# NFKC (quality.text.clean) turns compatibility jamo into conjoining ones (ㅋ U+314B -> U+110F).
_JAMO_RUN = re.compile(r"([\u1100-\u11ff\u3131-\u318e])\1+")
_HASHTAG = re.compile(r"#([A-Za-z]{6,})")
_NONE: frozenset[str] = frozenset()
_IT_SUPERLATIVE = ("issimo", "issima", "issimi", "issime")
_FA_SUFFIXES = ("ترین", "هایی", "های", "شون", "تون", "مون", "ها", "تر", "ای", "ست", "ید", "یم",
                "ند", "اش", "ه", "ی", "ش", "م", "ت", "ن")
_POST = Entry(POST)
_NEG = Entry(NEG)


class LexiconBackend:
    """The default backend: transparent, fast, and needs nothing downloaded."""

    name = "lexicon-1"

    def score(self, texts: Sequence[str]) -> list[Score]:
        # Comment dumps read through pandas carry NaN for empty cells: scored as empty text.
        return [score_text(t if isinstance(t, str) else "") for t in texts]


@lru_cache(maxsize=1 << 16)
def score_text(text: str) -> Score:
    # Runs of one Korean jamo are cut to two (ㅋㅋㅋㅋ -> ㅋㅋ) so the lexicon's ㅋㅋ matches.
    norm = normalise(text)
    if "@" in norm or "http" in norm or "www." in norm:
        norm = NOISE.sub(" ", norm)
    norm = _JAMO_RUN.sub(r"\1\1", norm)
    toks = tokens(norm)
    langs, language = script_languages(toks)
    hashtags = frozenset(h.casefold() for h in _HASHTAG.findall(norm)) if "#" in norm else _NONE
    s = _sum(_resolve_fallbacks(_items(toks, langs, hashtags))) + _emoji_sum(norm)
    if s:
        s += math.copysign(EXCLAIM * min(norm.count("!"), MAX_EXCLAIM), s)
    value = round(s / math.sqrt(s * s + ALPHA), 4) + 0.0
    return Score(value, label_for(value), language)


def _emit(items: list[Item], entry: Entry, word: int, caps: bool, mult: float = 1.0) -> None:
    if entry.kind == NONE:
        return
    value = entry.value * mult if entry.kind == TERM else entry.value
    items.append((entry.kind, value, entry.fallback, word, caps))


def _items(toks: list[tuple[str, str]], langs: dict[str, str | None],
           hashtags: frozenset[str]) -> list[Item]:
    items: list[Item] = []
    word = 0
    i = 0
    while i < len(toks):
        script = toks[i][0]
        if script == "stop":
            items.append((STOP, 0.0, 0.0, word, False))
            i += 1
            continue
        j = i + 1
        while j < len(toks) and toks[j][0] == script:
            j += 1
        run = [t for _, t in toks[i:j]]
        lang = langs.get(script)
        if script == "latin":
            word = _latin(run, lang, word, items, hashtags)
        elif script == "hangul":
            for tok in run:
                _scan(tok, table("ko"), word, items, step=False)
                word += 1
        elif script == "han" and lang:
            for tok in run:
                word = _scan(tok, table("zh_Hant"), word, items, step=True)
        elif script == "arabic":
            word = _persian(run, word, items)
        else:
            word += len(run)
        i = j
    return items


def _phrase(words: list[str], i: int, tables: Sequence[Table]) -> tuple[int, Entry] | None:
    for tab in tables:
        for parts, entry in tab.phrases.get(words[i], ()):
            if tuple(words[i:i + len(parts)]) == parts:
                return len(parts), entry
    return None


@cache
def _latin_tables(lang: str | None) -> tuple[Table, ...]:
    return (table(lang),) if lang else (table("en"), table("it"))


def _latin_variants(word: str, lang: str | None) -> list[tuple[str, float]]:
    """Base forms to try for a word not in the lexicon, each with its intensity multiplier."""
    out = _inflections(word, lang, 1.0)
    stretched = ({_REPEAT3.sub(r"\1", word), _REPEAT3.sub(r"\1\1", word)}
                 if _REPEAT3.search(word) else set())
    if len(word) > 3 and word[-1] == word[-2]:
        stretched.add(word[:-1])  # bellissimaa, yesss
    for base in sorted(stretched - {word}):
        out += [(base, ELONGATED), *_inflections(base, lang, ELONGATED)]
    return out


def _inflections(word: str, lang: str | None, mult: float) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    if lang != "en":
        for suffix in _IT_SUPERLATIVE:
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                stem = word[:-len(suffix)]
                out += [(stem + "o", mult * SUPERLATIVE), (stem + "e", mult * SUPERLATIVE)]
        if len(word) > 3 and word[-1] in "aie":
            out += [(word[:-1] + "o", mult), (word[:-1] + "e", mult)]
    if lang != "it" and len(word) > 3:
        for suffix, repl in (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ly", "")):
            if word.endswith(suffix):
                out.append((word[:-len(suffix)] + repl, mult))
    return out


def _hashtag_term(word: str, tables: Sequence[Table]) -> Entry | None:
    """A run-together hashtag (#worstflightever, #neverforget) read by its longest polar word
    at either end."""
    for size in range(len(word) - 1, 3, -1):
        for part in (word[:size], word[-size:]):
            for tab in tables:
                entry = tab.words.get(part)
                if entry is not None and entry.kind == TERM:
                    return entry
    return None


@lru_cache(maxsize=1 << 18)
def _lookup_latin(word: str, lang: str | None) -> tuple[Entry, float] | None:
    """Cached: a comment dump has a vocabulary of thousands, not millions."""
    tables = _latin_tables(lang)
    for tab in tables:
        entry = tab.words.get(word)
        if entry is not None:
            return entry, 1.0
    for candidate, mult in _latin_variants(word, lang):
        for tab in tables:
            entry = tab.words.get(candidate)
            if entry is not None and entry.kind == TERM:
                return entry, mult
    return None


def _latin(run: list[str], lang: str | None, word: int, items: list[Item],
           hashtags: frozenset[str]) -> int:
    tables = _latin_tables(lang)
    words: list[str] = []
    caps: list[bool] = []
    for tok in run:
        # Unlike VADER, a word in capitals is loud even in an all-capitals comment: whether it
        # is must not depend on the other words (a word appended could flip the sign).
        loud = len(tok) > 1 and tok.isupper()
        # Italian elides articles onto nouns (l'amore); English keeps n't on its verb.
        parts = latin_words(tok) if lang == "it" else [tok.casefold().replace("\u2019", "'")]
        for part in parts:
            if part:
                words.append(part)
                caps.append(loud)
    i = 0
    while i < len(words):
        found = _phrase(words, i, tables)
        if found:
            size, entry = found
            _emit(items, entry, word, any(caps[i:i + size]))
            i += size
            word += size
            continue
        w = words[i]
        hit = _lookup_latin(w, lang)
        if hit:
            _emit(items, hit[0], word, caps[i], hit[1])
        elif w.endswith("n't") and lang != "it":
            _emit(items, _NEG, word, False)
        elif w in hashtags and (tagged := _hashtag_term(w, tables)) is not None:
            _emit(items, tagged, word, caps[i])
        i += 1
        word += 1
    return word


def _scan(text: str, tab: Table, word: int, items: list[Item], step: bool) -> int:
    """Longest lexicon match at each position (Chinese; Korean inside one word)."""
    i, n = 0, len(text)
    words, lengths = tab.words, tab.lengths
    while i < n:
        for size in lengths.get(text[i], ()):
            if i + size <= n:
                entry = words.get(text[i:i + size])
                if entry is not None:
                    _emit(items, entry, word, False)
                    i += size
                    break
        else:
            i += 1
        if step:
            word += 1
    return word


@lru_cache(maxsize=1 << 18)
def _persian_entry(w: str) -> Entry | None:
    tab = table("fa")
    entry = tab.words.get(w)
    if entry is not None:
        return entry
    if (w.startswith("نمی") and len(w) > 3) or (w.startswith("ن") and w[1:] in tab.verbs):
        return _POST
    base = _REPEAT3.sub(r"\1", w) if _REPEAT3.search(w) else w
    candidates = [base, _REPEAT2.sub(r"\1", w)] if base != w else []
    candidates += [base[:-len(s)] for s in _FA_SUFFIXES
                   if base.endswith(s) and len(base) - len(s) >= 2]
    for candidate in candidates:
        entry = tab.words.get(candidate)
        if entry is not None and entry.kind == TERM:
            return entry
    return None


def _persian(run: list[str], word: int, items: list[Item]) -> int:
    tables = (table("fa"),)
    i = 0
    while i < len(run):
        found = _phrase(run, i, tables)
        if found:
            _emit(items, found[1], word, False)
            i += found[0]
            word += found[0]
            continue
        entry = _persian_entry(run[i])
        if entry is not None:
            _emit(items, entry, word, False)
        i += 1
        word += 1
    return word


def _resolve_fallbacks(items: list[Item]) -> list[Item]:
    """A booster with a fallback polarity ("so pretty", "super!", 好) that boosts nothing is a
    polar word itself, unless a negator follows it (잘 안 돼: "well" does not survive "not")."""
    out = list(items)
    for k, (kind, _, fallback, word, caps) in enumerate(out):
        if kind != BOOST or not fallback:
            continue
        polar = True
        for kind2, _, _, word2, _ in out[k + 1:]:
            if word2 - word > BOOST_WINDOW or kind2 in (STOP, BUT, POST):
                break
            if kind2 in (TERM, BOOST, NEG):
                polar = False
                break
        if polar:
            out[k] = (TERM, fallback, 0.0, word, caps)
    return out


def _sum(items: list[Item]) -> float:
    terms: list[list[float]] = []  # valence, word index, 1.0 once negated
    fence = 0  # terms before this index are behind a clause stop
    but_at: int | None = None
    neg_at = boost_at = _FAR
    boost = 1.0
    for kind, value, _, word, caps in items:
        if kind in (STOP, BUT):
            neg_at = boost_at = _FAR
            boost = 1.0
            fence = len(terms)
            if kind == BUT and but_at is None:
                but_at = len(terms)
        elif kind == NEG:
            neg_at = word
        elif kind == BOOST:
            boost = boost * value if word - boost_at <= BOOST_WINDOW else value
            boost_at = word
        elif kind == TERM:
            v = value + math.copysign(CAPS, value) if caps else value
            if word - boost_at <= BOOST_WINDOW:
                v *= boost
                boost_at, boost = _FAR, 1.0
            negated = word - neg_at <= NEG_WINDOW
            terms.append([v * NEGATION if negated else v, word, 1.0 if negated else 0.0])
        elif kind == POST and len(terms) > fence:
            # Negative concord: هیچ مشکلی نداشت and "non ... mai" negate once, not twice.
            last = terms[-1]
            if word - last[1] <= POST_WINDOW and not last[2]:
                last[0] *= NEGATION
                last[2] = 1.0
    total = 0.0
    for k, (v, _, _) in enumerate(terms):
        if but_at is not None:
            v *= BEFORE_BUT if k < but_at else AFTER_BUT
        total += v
    return total


@cache
def _emoji_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Emoji, emoticons, and the two-character openings of the emoticons (a cheap pre-check:
    most comments have no emoticon, and the alternation is the slow part)."""
    keys = sorted(emoji_table(), key=len, reverse=True)
    emoticons = [k for k in keys if len(k) > 1 or k.isascii()]
    # A class of a few code-point ranges is far faster to scan than one of 200 single emoji;
    # what it finds is looked up in the table.
    singles = sorted(ord(k) for k in keys if len(k) == 1 and not k.isascii())
    ranges, start, end = [], singles[0], singles[0]
    for o in singles[1:]:
        if o - end > 64:
            ranges.append((start, end))
            start = o
        end = o
    ranges.append((start, end))
    cls = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    alternation = "|".join(re.escape(k) for k in emoticons)
    return (re.compile(f"[{cls}]"), re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"),
            re.compile("|".join(re.escape(h) for h in sorted({k[:2] for k in emoticons}))))


def _emoji_sum(text: str) -> float:
    scores = emoji_table()
    singles, emoticons, hints = _emoji_patterns()
    total = sum(scores.get(m, 0.0) for m in singles.findall(text))
    if hints.search(text):
        total += sum(scores[m] for m in emoticons.findall(text))
    return total
