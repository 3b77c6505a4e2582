"""Reading a caption: its hashtags, mentions, links and a leading ``[ad]``-style label.

Why a scanner instead of ``#\\w+``: tags in Korean, Chinese or Persian follow the text without a
space (``好用#業配``), Persian and Hindi words carry combining marks that ``\\w`` stops at, and a
hashtag must not start inside a URL (``shop.example/#serum``) or a word (``C#``). Positions
are in ``text.clean(caption)``: what a reader sees, invisible characters gone, so "in the first
125 characters" counts what shows on screen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from creatorroi.quality.text import clean, fold


@dataclass(frozen=True)
class Token:
    text: str    # as written (cleaned), without '#' or '@'
    key: str     # folded: what two tags are compared by
    start: int   # position of '#' / '@' in the cleaned caption
    end: int


def _tag_char(c: str) -> bool:
    return c.isalnum() or c == "_" or unicodedata.category(c).startswith("M")


def _starts_token(text: str, i: int) -> bool:
    """A mark that a letter, digit or URL character touches on its left is not a tag's start."""
    if i == 0:
        return True
    before = text[i - 1]
    return not ((before.isascii() and before.isalnum()) or before in "/&_.=?%-@#")


def hashtags(caption: str) -> list[Token]:
    return _scan(clean(caption), "#", _tag_char)


def mentions(caption: str) -> list[Token]:
    """``@handle`` mentions; handles hold letters, digits, ``.`` and ``_`` (a final ``.`` ends
    the sentence, not the handle)."""
    out = []
    for t in _scan(clean(caption), "@", lambda c: _tag_char(c) or c == "."):
        text = t.text.rstrip(".")
        if text:
            out.append(Token(text, tag_key(text), t.start, t.start + 1 + len(text)))
    return out


def _scan(text: str, mark: str, inside: Callable[[str], bool]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while (i := text.find(mark, i)) != -1:
        j = i + 1
        while j < len(text) and inside(text[j]):
            j += 1
        # "#glow#ad" is two tags: one may start where the previous one ended
        chained = bool(out) and out[-1].end == i
        if j > i + 1 and (chained or _starts_token(text, i)):
            body = text[i + 1:j]
            out.append(Token(body, tag_key(body), i, j))
        i = max(j, i + 1)
    return out


def tag_key(tag: str) -> str:
    """How tags and handles compare: cleaned, case-folded, without a leading ``#``/``@``."""
    return fold(tag).lstrip("#@")


# A label in brackets at the very start ("[ad]", "(adv)", "【廣告】") or a word followed by a bar,
# colon or dash ("AD | ...", "Werbung: ...", "광고 - ..."): the upfront forms regulators accept.
_BRACKETED = re.compile(r"^\s*[\[(【「〔]\s*([^\])】」〕]{1,40}?)\s*[\])】」〕]")
_LABELLED = re.compile(r"^\s*(\w+(?:[ \-]\w+)?)\s*[|｜:：\-–—]")


def leading_label(caption: str) -> list[Token]:
    """The words of an upfront label, e.g. ``[Ad - gifted]`` gives ``Ad`` and ``gifted``."""
    text = clean(caption)
    m = _BRACKETED.match(text) or _LABELLED.match(text)
    if not m:
        return []
    return [Token(w.group(), tag_key(w.group()), m.start(1) + w.start(), m.start(1) + w.end())
            for w in re.finditer(r"[^\W_]+", m.group(1))]


_URL = re.compile(
    r"(?<![@\w.])(?:https?://)?(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?::\d+)?"
    r"(?:/[^\s<>\"'“”]*)?", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    host: str
    path: str   # as written, trailing punctuation removed


def links(caption: str) -> list[Link]:
    """Web addresses in a caption, with or without ``https://`` (``go.brand.com/giulia``)."""
    out = []
    for m in _URL.finditer(clean(caption)):
        raw = m.group().rstrip(".,;:!?)]}>…")
        parts = urlsplit(raw if "://" in raw else "https://" + raw)
        out.append(Link((parts.hostname or "").lower(), parts.path))
    return out
