"""Comment-level signals: generic, promotional, repeated across accounts, bursty."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creatorroi.quality.bots import (
    CommentTally,
    burst_minutes,
    generic_kind,
    is_generic,
    is_spam,
    match_key,
    spam_kind,
)


@pytest.mark.parametrize("text", [
    "wow", "Nice pic!!! 😍", "NICE PIC", "Sooo cuuute", "great post 🔥", "love it",
    "Bellissima ❤️", "stupenda", "top", "Che bella!", "complimenti",
    "멋져요", "대박!!", "좋아요", "최고예요",
    "好美", "讚", "好看", "太棒了",
    "عالی", "قشنگه", "محشره",
    "ok", "👍", "😍😍🔥", "❤️", "!!!", "ＷＯＷ",
])
def test_generic_reactions_in_five_languages(text: str) -> None:
    assert is_generic(text), text


@pytest.mark.parametrize("text", [
    "Where did you buy that serum? My skin is so dry lately",
    "La luce in questo reel è pazzesca, che obiettivo usi?",
    "이 세럼 어디서 샀어요? 저도 써보고 싶어요",
    "這個精華液在哪裡買的？我也想試試",
    "این سرم را از کجا خریدی؟ پوست من خیلی خشک است",
    "I love how you styled the blazer with those boots",
])
def test_comments_that_say_something_are_not_generic(text: str) -> None:
    assert not is_generic(text), text


def test_why_a_comment_is_generic() -> None:
    assert generic_kind("🔥🔥🔥") == "emoji"
    assert generic_kind("gg") == "short"
    assert generic_kind("讚") == "short"          # one Han character weighs two letters
    assert generic_kind("好美") == "phrase"        # two weigh four: only the list knows it
    assert generic_kind("amazing!!") == "phrase"
    assert generic_kind("amazing serum, bought two") is None


def test_invisible_characters_and_variants_do_not_split_a_comment() -> None:
    zero_width = "ni\u200bce p\u200cic\u2060"
    assert match_key(zero_width) == match_key("Nice pic") == "nice pic"
    assert is_generic(zero_width)
    assert match_key("\ufeffBellissima\u200e") == match_key("bellissima")
    # Arabic kaf and yeh are Persian letters in another code point.
    assert match_key("عالي") == match_key("عالی")
    assert is_generic("عالي")
    # Full-width Latin from CJK keyboards.
    assert match_key("ｌｏｖｅ ｉｔ") == "love it"
    assert match_key("❤️ love it!!") == match_key("love it ❤")


@pytest.mark.parametrize(("text", "kind"), [
    ("Check my profile for more 🔥", "promotion"),
    ("DM for promo", "promotion"),
    ("dm us to be featured", "promotion"),
    ("Promote it on @growthpage", "promotion"),
    ("follow me back pls", "promotion"),
    ("sub4sub?", "promotion"),
    ("seguimi, ricambio!", "promotion"),
    ("맞팔해요~", "promotion"),
    ("互粉嗎", "promotion"),
    ("پیج من رو ببین", "promotion"),
    ("visit https://cheap-followers.example", "link"),
    ("www.shop.example/serum", "link"),
    ("bit.ly/abc", "link"),
    ("best deals at kidsmedia . com", "link"),
])
def test_promotional_phrasing(text: str, kind: str) -> None:
    assert spam_kind(text) == kind


@pytest.mark.parametrize("text", [
    "I checked my order and it arrived today",       # "check my" needs the words together
    "My profile picture is this serum now 😂",
    "What a gift! Can't wait to try it",
    "2.1 billion views",
    "Is this the dm version of the song?",
])
def test_ordinary_comments_are_not_promotional(text: str) -> None:
    assert not is_spam(text), text


def test_repeated_text_needs_three_distinct_authors() -> None:
    t = CommentTally()
    t.add("Great content! DM us to be featured", "a")
    t.add("great content!!! dm us to be featured 💌", "a")     # same author again
    t.add("Great content. DM us to be featured", "b")
    assert t.repeated() == []                                # two authors so far
    t.add("GREAT CONTENT dm us to be featured 🙌", "c")
    assert [n for _, n in t.repeated()] == [3]
    t.add("Great content! DM us to be featured", "d")
    assert t.repeated()[0][1] == 4
    assert t.total == 5 and t.spam == 5 and t.generic == 0 and t.low_effort == 5


def test_generic_and_anonymous_comments_are_not_repeat_scripts() -> None:
    t = CommentTally()
    for author in "abcde":
        t.add("wow 😍", author)                            # generic: counted as generic
    for _ in range(5):
        t.add("Exactly the same words every time, from nobody", None)
    assert t.repeated() == []
    assert t.generic == 5 and t.total == 10 and t.low_effort == 5


def test_tally_memory_bound_keeps_scripts_seen_together() -> None:
    t = CommentTally(max_tracked=10)
    for k in range(50):
        t.add(f"unique thought number {k} about this look", f"u{k}")
    for author in "xyz":
        t.add("Collab? Send it to @promo_page", author)
    assert len(t._authors) <= 12                             # pruned, not grown to 51
    assert [n for _, n in t.repeated()] == [3]


def test_bursts_against_the_posts_own_pace() -> None:
    # 30 in one minute against a typical minute of 1 -> burst
    assert burst_minutes([1, 1, 2, 1, 30]) == 1
    # a lone dump: no other minute, so the typical minute is 1
    assert burst_minutes([25]) == 1
    # busy all along: 12 is not 5 times the typical 11.5
    assert burst_minutes([12, 12, 11, 12]) == 0
    # 9 in a minute is below the floor of 10, however quiet the post
    assert burst_minutes([9, 1, 1]) == 0
    # two separate bursts on a quiet post
    assert burst_minutes([1, 15, 1, 1, 20, 1]) == 2


@given(st.text(max_size=40))
def test_match_key_is_idempotent_and_invisible_proof(text: str) -> None:
    key = match_key(text)
    assert match_key(key) == key
    assert match_key("\u200b" + text + "\ufeff") == key


@given(st.lists(st.integers(min_value=1, max_value=50), max_size=30))
def test_bursts_never_exceed_active_minutes(counts: list[int]) -> None:
    assert 0 <= burst_minutes(counts) <= len(counts)
    assert burst_minutes(counts) == burst_minutes(list(reversed(counts)))


def _bursts_naively(counts: list[int]) -> int:
    """The definition, spelt out: each minute against the median of the other minutes."""
    import statistics

    active = [c for c in counts if c > 0]
    n = 0
    for i, c in enumerate(active):
        others = active[:i] + active[i + 1:]
        typical = statistics.median(others) if others else 1
        n += c >= 10 and c >= 5 * typical
    return n


@given(st.lists(st.integers(min_value=0, max_value=80), max_size=40))
def test_fast_burst_count_matches_the_definition(counts: list[int]) -> None:
    assert burst_minutes(counts) == _bursts_naively(counts)
