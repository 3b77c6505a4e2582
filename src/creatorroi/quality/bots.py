"""Comment-level signs of a bought or botted audience, each a pure function of the text.

Why these signals: bought comments and engagement pods leave the same marks across platforms.
They are *generic* (a reaction that fits any post: "nice pic", "🔥", "대박"), *repeated* (one
script posted by many accounts), *bursty* (dozens in a minute, when a pod or a bot run fires)
and *promotional* ("check my profile", "DM for promo", links). None alone proves fraud: real
fans write "wow" too. The account audit weighs them together and only where the share is
high enough to be more than chance (``quality.audience``).

Every comparison goes through ``quality.text.fold`` so zero-width characters, Persian letter
variants and full-width Latin never split one comment into two.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from creatorroi.quality.text import fold, is_emoji_only, script

# Reactions that fit any post in any niche. Lists are written as people type them; they are
# folded with ``match_key`` at import, so case, punctuation, emoji and stretched letters
# ("sooo cuuute") do not matter.
GENERIC_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "wow", "nice", "nice pic", "nice photo", "nice post", "nice one", "nice shot",
        "nice job", "nice content", "nice feed", "amazing", "amazing pic", "amazing post",
        "amazing photo", "awesome", "great", "great post", "great pic", "great shot",
        "great content", "great job", "good job", "well done", "love it", "love this",
        "i love it", "i love this", "loved it", "love", "i love", "i like", "like", "so cool",
        "cool", "very cool", "beautiful", "so beautiful", "gorgeous", "stunning", "cute",
        "so cute", "lovely", "pretty", "so pretty", "perfect", "wonderful", "incredible",
        "super", "superb", "excellent", "brilliant", "fire", "lit", "omg", "yes", "goals",
        "dope", "keep it up", "keep going", "first", "hi", "hello", "so good", "so nice",
        "very nice", "wow amazing", "wow nice", "wow beautiful", "the best", "best",
        "nice video", "great video", "amazing video", "love this video", "nice song",
        "great song", "love this song", "nice look", "love the look", "nice outfit",
        "love this outfit", "love your content", "love your feed",
    ),
    "it": (
        "bellissima", "bellissimo", "bellissime", "bellissimi", "bella", "bello", "che bella",
        "che bello", "bella foto", "top", "stupenda", "stupendo", "fantastica", "fantastico",
        "meravigliosa", "meraviglioso", "bravissima", "bravissimo", "brava", "bravo",
        "complimenti", "grande", "mitica", "mitico", "spettacolo", "che spettacolo",
        "spettacolare", "favolosa", "favoloso", "splendida", "splendido", "magnifica",
        "magnifico", "adoro", "wow che bella", "troppo bella", "sei bellissima",
    ),
    "ko": (
        "멋져요", "멋지다", "멋져", "멋있어요", "멋있다", "대박", "대박이다", "대박이에요",
        "좋아요", "좋다", "너무 좋아요", "예뻐요", "예쁘다", "예뻐", "이뻐요", "너무 예뻐요",
        "넘 예뻐요", "최고", "최고예요", "최고에요", "짱", "짱이에요", "귀여워요", "귀엽다",
        "사랑해요", "우와", "와", "헐", "굿", "ㅋㅋ", "ㅎㅎ",
    ),
    "zh": (
        "好美", "讚", "赞", "超讚", "好讚", "好看", "好好看", "好棒", "太美了", "太棒了",
        "漂亮", "好漂亮", "可愛", "可爱", "好可愛", "好可爱", "好帥", "好帅", "厲害", "厉害",
        "好厲害", "支持", "愛了", "爱了", "美", "棒", "哇", "哈哈", "喜歡", "喜欢", "好喜歡",
        "超美", "絕美", "绝美", "推", "666",
    ),
    "fa": (
        "عالی", "عالیه", "خیلی عالی", "قشنگه", "قشنگ", "خیلی قشنگه", "چه قشنگ", "زیبا",
        "خوبه", "خیلی خوبه", "محشر", "محشره", "ماشالله", "ماشاالله", "دمت گرم", "لایک",
        "عشقی", "عزیزم", "فوق العاده", "فوق‌العاده", "بی‌نظیر", "بینظیر", "به به", "عالی بود",
    ),
}

# Self-promotion and bot scripts: what a comment that is an advert says. Latin phrases match
# on word boundaries; phrases in other scripts as substrings (no spaces between words in
# Chinese, particles glued to words in Korean).
SPAM_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "check my", "check out my", "check out our", "visit my", "visit our", "my channel",
        "our channel", "go to my page", "go to my profile", "link in bio", "link in my bio",
        "follow me", "follow back", "follow for follow", "follow4follow", "f4f", "l4l",
        "like for like", "like4like", "sub4sub", "sub 4 sub", "subscribe to my",
        "subscribe to me", "subscribe me", "sub to my", "sub my", "dm for", "dm me for",
        "dm us", "dm to", "promote it on", "promote this on", "promote your", "send it to @",
        "send to @", "collab", "ambassador", "make money", "earn money", "get paid",
        "work from home", "gift card", "click here", "click the link",
    ),
    "it": (
        "seguimi", "seguitemi", "segui il mio", "seguite il mio", "passa dal mio profilo",
        "passate dal mio profilo", "guarda il mio profilo", "visita il mio profilo",
        "ricambio", "scrivimi in dm", "scrivici in dm", "collaborazione",
    ),
    "ko": (
        "맞팔", "선팔", "홍보", "팔로우 해주세요", "팔로우해주세요", "제 계정", "제 채널",
        "구독 부탁", "놀러오세요", "디엠", "협찬",
    ),
    "zh": (
        "互粉", "互關", "互关", "回粉", "關注我", "关注我", "加我", "私信", "私訊", "推廣",
        "推广", "看我主頁", "看我主页",
    ),
    "fa": (
        "فالو کنید", "فالو کن", "فالو بک", "فالوبک", "پیج من", "پیجم", "دایرکت", "تبلیغ",
        "سر بزنید", "لایک کنید",
    ),
}

# A link, a bare domain ("shop.example/x"), or one spelt out to dodge filters ("site . com").
_LINK = re.compile(
    r"https?://|www\.|\b[a-z0-9-]+\.(?:com|net|org|ly|co|me|tk|ru|io|info|biz|xyz|link|shop|"
    r"store|site|online|app)\b|\s\.\s?com\b|\bdot\s?com\b", re.IGNORECASE)
_RUNS = re.compile(r"(.)\1+")
_SPACE = re.compile(r"\s+")
# Anything that is not a letter, digit or space: punctuation, symbols and so every emoji
# (symbols, variation selectors, skin tones, keycaps), in one C-speed pass.
_NOT_WORD = re.compile(r"[^\w\s]|_")

# A comment this short says nothing about the post (a Han or Hangul character counts as two
# letters, since those scripts pack a word into one or two characters).
VERY_SHORT_LETTERS = 3
# How many distinct accounts posting one text make it a script rather than a coincidence.
REPEAT_MIN_AUTHORS = 3
# A minute is a burst when it holds at least this many comments and this many times the
# post's typical active minute: a pod or a bot run fires within seconds, a fan base does not.
BURST_MIN_COMMENTS = 10
BURST_FACTOR = 5.0


def _key(folded: str) -> str:
    return _SPACE.sub(" ", _RUNS.sub(r"\1", _NOT_WORD.sub(" ", folded))).strip()


def match_key(text: str) -> str:
    """The comparison key of a comment: folded, emoji, punctuation and symbols dropped,
    stretched letters squeezed ("Sooo cuuute!!! 😍" and "so cute" share ``so cute``)."""
    return _key(fold(text))


def _very_short(key: str) -> bool:
    letters = key.replace(" ", "")
    if len(letters) > VERY_SHORT_LETTERS:
        return False   # each character weighs at least one letter
    weighted = sum(2 if script(c) in ("han", "hangul", "kana") else 1 for c in letters)
    return weighted <= VERY_SHORT_LETTERS


GENERIC_KEYS: frozenset[str] = frozenset(
    match_key(p) for phrases in GENERIC_PHRASES.values() for p in phrases)


def _compile_spam() -> re.Pattern[str]:
    latin, other = [], []
    for phrases in SPAM_PHRASES.values():
        for p in phrases:
            folded = fold(p)
            if folded.isascii():
                latin.append(re.escape(folded).replace(r"\ ", r"\s+"))
            else:
                other.append(re.escape(folded))
    return re.compile(r"(?<!\w)(?:" + "|".join(latin) + r")(?!\w)|" + "|".join(other))


_SPAM = _compile_spam()


def _generic_kind(text: str, key: str) -> str | None:
    if not key:
        return "emoji" if is_emoji_only(text) else "short"
    if _very_short(key):
        return "short"
    return "phrase" if key in GENERIC_KEYS else None


def generic_kind(text: str) -> str | None:
    """Why a comment is generic: ``emoji`` (emoji alone), ``short`` (a few letters or only
    punctuation) or ``phrase`` (a stock reaction); None when it is not generic."""
    return _generic_kind(text, match_key(text))


def is_generic(text: str) -> bool:
    """A reaction that would fit under any post (emoji only, a few letters, a stock phrase)."""
    return generic_kind(text) is not None


def _spam_kind(folded: str) -> str | None:
    if _LINK.search(folded):
        return "link"
    return "promotion" if _SPAM.search(folded) else None


def spam_kind(text: str) -> str | None:
    """``link`` or ``promotion`` when a comment advertises something; None otherwise."""
    return _spam_kind(fold(text))


def is_spam(text: str) -> bool:
    return spam_kind(text) is not None


@lru_cache(maxsize=65_536)
def analyse(text: str) -> tuple[bool, bool, str]:
    """(generic, promotional, match key) of one comment, cached: stock reactions and bot
    scripts repeat, so most of a large dump is answered from the cache."""
    folded = fold(text)
    key = _key(folded)
    return _generic_kind(text, key) is not None, _spam_kind(folded) is not None, key


def burst_minutes(per_minute: Sequence[int], *, min_comments: int = BURST_MIN_COMMENTS,
                  factor: float = BURST_FACTOR) -> int:
    """How many of a post's active minutes (comment counts per clock minute) are bursts.

    Each minute is compared with the median of the post's *other* active minutes (1 when it
    has none), so a dump of thirty comments on a post that otherwise gets one a minute is a
    burst, and a post that is simply busy all day is not. O(n log n): a viral post has
    tens of thousands of active minutes.
    """
    counts = sorted(int(c) for c in per_minute if c > 0)
    rest = len(counts) - 1
    bursts = 0
    for value, times in Counter(c for c in counts if c >= min_comments).items():
        if rest == 0:
            typical = 1.0
        else:
            skip = bisect.bisect_left(counts, value)     # drop one minute of this value

            def at(j: int, skip: int = skip) -> int:
                return counts[j] if j < skip else counts[j + 1]

            mid = rest // 2
            typical = at(mid) if rest % 2 else (at(mid - 1) + at(mid)) / 2
        if value >= factor * typical:
            bursts += times
    return bursts


@dataclass
class CommentTally:
    """Counts over an account's comments, fed one at a time so any number fits in memory.

    Repeated texts are tracked by an 8-byte digest of their ``match_key`` with the authors
    seen so far. Memory is bounded: once ``max_tracked`` texts are pending, texts seen from a
    single author are forgotten (a script shows up again soon when comments arrive sorted by
    text, as the audit service reads them), and author sets stop growing at ``max_authors``.
    """

    max_tracked: int = 200_000
    max_authors: int = 10_000
    total: int = 0
    generic: int = 0
    spam: int = 0
    low_effort: int = 0
    _authors: dict[bytes, set[int]] = field(default_factory=dict, repr=False)
    _samples: dict[bytes, str] = field(default_factory=dict, repr=False)

    def add(self, text: str, author: str | None = None) -> None:
        generic, spam, key = analyse(text)
        self.total += 1
        self.generic += generic
        self.spam += spam
        self.low_effort += generic or spam
        if generic or not author:
            return  # stock reactions repeat by nature; they are counted as generic instead
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
        authors = self._authors.get(digest)
        if authors is None:
            if len(self._authors) >= self.max_tracked:
                self._forget_singletons()
            authors = self._authors[digest] = set()
        if len(authors) < self.max_authors:
            authors.add(hash(author))
        if len(authors) >= REPEAT_MIN_AUTHORS and digest not in self._samples:
            self._samples[digest] = text.strip()

    def _forget_singletons(self) -> None:
        self._authors = {k: v for k, v in self._authors.items() if len(v) > 1}

    def add_all(self, rows: Iterable[tuple[str, str | None]]) -> None:
        for text, author in rows:
            self.add(text, author)

    def repeated(self) -> list[tuple[str, int]]:
        """Texts posted by at least ``REPEAT_MIN_AUTHORS`` accounts, most authors first."""
        out = [(text, len(self._authors[d])) for d, text in self._samples.items()]
        return sorted(out, key=lambda r: (-r[1], r[0]))
