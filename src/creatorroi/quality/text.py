"""One normalisation for every check that reads social text: comments, captions, mentions.

Why a module of its own: sentiment, generic-comment detection, repeated-text detection and the
brief's hashtag checks must agree on what two strings "say", or the same comment is generic to
one check and unique to another. Export tools add invisible characters (zero-width spaces,
byte-order marks, bidi marks around handles), Persian text arrives with Arabic code points for
the same letters, and full-width Latin comes from CJK keyboards; all of it is folded here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import emoji

# Zero-width and bidi control characters: invisible, never meaningful for matching. The
# zero-width non-joiner (U+200C) is part of Persian spelling (می‌خواهم), so it is removed
# rather than turned into a space: the word stays one word.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069"
                        "\u00ad\u180e]")
# Arabic-script variants Persian writers and keyboards mix: Arabic yeh and kaf for Persian
# ones, and the short vowels and tatweel that decorate but do not change a word.
_ARABIC_FOLD = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9",
                              "\u0640": None})
_HARAKAT = re.compile("[\u064b-\u065f\u0670]")
_SPACE = re.compile(r"\s+")
# Korean compatibility jamo (ㅋㅋ, ㅠㅠ: laughter and tears in comments). NFKC would turn them
# into conjoining jamo that fuse with a following vowel (ㅋㅠ becomes 큐), so they skip it.
_COMPAT_JAMO = re.compile("([\u3130-\u318f]+)")


def strip_invisible(text: str) -> str:
    """Zero-width and bidi control characters removed (see ``_INVISIBLE``)."""
    return _INVISIBLE.sub("", text)


def _nfkc(text: str) -> str:
    parts = _COMPAT_JAMO.split(text)
    return "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))


def clean(text: str) -> str:
    """Invisible characters removed, NFKC, Persian letters unified, whitespace collapsed.

    Invisibles go first, so one placed between a letter and its combining mark cannot change
    what NFKC makes of the letter. Emoji survive (NFKC leaves them alone); a zero-width joiner
    inside an emoji sequence is removed too, which splits a family emoji into its people, each
    of which still reads.
    """
    text = _nfkc(_INVISIBLE.sub("", text))
    text = _INVISIBLE.sub("", text)
    text = _HARAKAT.sub("", text.translate(_ARABIC_FOLD))
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """``clean`` and case-folded: the key two comments are compared by."""
    return clean(text).casefold()


def emojis(text: str) -> list[str]:
    """The emoji in ``text``, in order, variation selectors dropped (❤️ and ❤ are one)."""
    return [e["emoji"].replace("\ufe0f", "") for e in emoji.emoji_list(text)]


def without_emoji(text: str) -> str:
    return _SPACE.sub(" ", emoji.replace_emoji(text, " ")).strip()


def is_emoji_only(text: str) -> bool:
    """True for a comment of emoji (and spaces or punctuation) alone."""
    rest = without_emoji(clean(text))
    return bool(emojis(text)) and not any(c.isalnum() for c in rest)


def script(char: str) -> str | None:
    """``latin``, ``hangul``, ``han``, ``kana``, ``arabic`` or None (digits, marks, emoji)."""
    o = ord(char)
    if char.isascii():
        return "latin" if char.isalpha() else None
    if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF \
            or 0xF900 <= o <= 0xFAFF:
        return "han"
    if 0x3040 <= o <= 0x30FF:
        return "kana"
    if 0x0600 <= o <= 0x06FF or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF \
            or 0x0750 <= o <= 0x077F:
        return "arabic"
    if char.isalpha() and unicodedata.name(char, "").startswith("LATIN"):
        return "latin"
    return None


def scripts(text: str) -> Counter[str]:
    """How many letters of each script ``text`` holds (what mixed-script comments mix)."""
    return Counter(s for c in text if (s := script(c)) is not None)
