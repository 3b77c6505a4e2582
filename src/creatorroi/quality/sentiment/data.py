"""The lexicon files under ``lexicons/``, read once into lookup tables.

Why data files and not Python literals: a marketer who reads Korean or Persian can correct a
word's polarity without reading code, and the benchmark's README can point at the exact lines.
Format, one entry a line, ``term<TAB>spec`` (``#`` starts a comment):

* a number: polarity from about -4 to +4 (``0`` shields a word from the rules, e.g. 沒想到,
  which holds the negator 沒 but means "unexpectedly");
* ``neg``: negates the polar words that follow (not, non, 不, 안);
* ``post``: negates the polar word just before (Korean 않/없, Persian نبود);
* ``but``: contrast; what follows weighs more than what went before;
* ``x1.3``: a booster that multiplies the next polar word; ``x1.1 +2`` is also a polar word
  (+2) when no polar word follows it (English "pretty", "super");
* ``fn``: a function word, used only to tell English from Italian;
* ``verb`` (Persian): a verb form that the prefix ن turns into a negation (بود -> نبود).

Terms are normalised like comments (``quality.text.clean``, case-folded), so a Persian file
written with Arabic yeh or with zero-width non-joiners still matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from creatorroi.quality.text import clean

TERM, NEG, POST, BOOST, BUT, NONE = range(6)

LANGUAGES = ("en", "it", "ko", "zh_Hant", "fa")
# Extra files merged into a language's table (generated Simplified forms of the Chinese terms).
_EXTRA = {"zh_Hant": ("zh_Hant.tsv", "zh_Hans.tsv")}


@dataclass(frozen=True)
class Entry:
    kind: int
    value: float = 0.0  # polarity (TERM) or multiplier (BOOST)
    fallback: float = 0.0  # BOOST only: polarity when no polar word follows


@dataclass
class Table:
    words: dict[str, Entry] = field(default_factory=dict)
    # Multi-word entries by their first word, longest first (token languages only).
    phrases: dict[str, list[tuple[tuple[str, ...], Entry]]] = field(default_factory=dict)
    # For longest-match scanning: the key lengths that start with each character, longest first.
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)
    function_words: frozenset[str] = frozenset()
    verbs: frozenset[str] = frozenset()


def normalise_term(term: str) -> str:
    return clean(term).casefold()


def parse_spec(spec: str) -> Entry | str:
    """An entry, or ``"fn"`` / ``"verb"`` for the word lists that are not scored."""
    spec = spec.strip()
    if spec in ("fn", "verb"):
        return spec
    kinds = {"neg": NEG, "post": POST, "but": BUT}
    if spec in kinds:
        return Entry(kinds[spec])
    if spec.startswith("x"):
        mult, _, fallback = spec[1:].partition(" ")
        return Entry(BOOST, float(mult), float(fallback) if fallback else 0.0)
    value = float(spec)
    return Entry(TERM, value) if value else Entry(NONE)


def _read(name: str) -> list[tuple[str, str, int]]:
    text = files("creatorroi.quality.sentiment").joinpath("lexicons", name).read_text("utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].rstrip() if not line.startswith("#") else ""
        if not line.strip():
            continue
        term, sep, spec = line.partition("\t")
        if not sep:
            raise ValueError(f"lexicons/{name}:{number}: expected term<TAB>spec")
        rows.append((term.strip(), spec, number))
    return rows


@cache
def table(language: str) -> Table:
    out = Table()
    fn: set[str] = set()
    verbs: set[str] = set()
    seen: dict[str, str] = {}
    for name in _EXTRA.get(language, (f"{language}.tsv",)):
        for term, spec, number in _read(name):
            key = normalise_term(term)
            where = f"lexicons/{name}:{number}"
            parsed = parse_spec(spec)
            if parsed == "fn":
                fn.add(key)
                continue
            if parsed == "verb":
                verbs.add(key)
                continue
            assert isinstance(parsed, Entry)
            if key in seen:
                raise ValueError(f"{where}: {term!r} is already defined at {seen[key]}")
            seen[key] = where
            out.words[key] = parsed
            if " " in key:
                parts = tuple(key.split(" "))
                out.phrases.setdefault(parts[0], []).append((parts, parsed))
    for options in out.phrases.values():
        options.sort(key=lambda p: -len(p[0]))
    by_first: dict[str, set[int]] = {}
    for key in out.words:
        by_first.setdefault(key[0], set()).add(len(key))
    out.lengths = {c: tuple(sorted(ls, reverse=True)) for c, ls in by_first.items()}
    out.function_words = frozenset(fn)
    out.verbs = frozenset(verbs)
    return out


@cache
def emoji_table() -> dict[str, float]:
    """Emoji (single code points, variation selectors stripped) and ASCII emoticons."""
    return {term.replace("\ufe0f", ""): float(spec) for term, spec, _ in _read("emoji.tsv")}


ZH_HANS_HEADER = (
    "# Simplified forms of the entries in zh_Hant.tsv, so Simplified comments score too.\n"
    "# Generated, do not edit: python benchmarks/sentiment.py --write-zh-hans\n"
    "# (OpenCC t2s via opencc-python-reimplemented; a form already in zh_Hant.tsv is skipped).\n")


def zh_hans_text(to_simplified: Callable[[str], str]) -> str:
    """The content zh_Hans.tsv must have, given a Traditional-to-Simplified converter (OpenCC,
    a benchmark-only dependency: the package itself never converts at run time)."""
    rows = [(term, spec.strip()) for term, spec, _ in _read("zh_Hant.tsv")]
    seen = {term for term, _ in rows}
    out = []
    for term, spec in rows:
        simplified = to_simplified(term)
        if simplified not in seen:
            seen.add(simplified)
            out.append(f"{simplified}\t{spec}")
    return ZH_HANS_HEADER + "\n".join(out) + "\n"
