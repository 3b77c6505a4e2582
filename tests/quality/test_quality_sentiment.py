"""The built-in lexicon backend: per-language behaviour on hand-written comments, and the
invariants every score keeps (hypothesis).

Expectations are signs and orderings a reader of each language agrees with, never values copied
from the scorer's output.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorroi.errors import ConfigError
from creatorroi.quality.sentiment import (
    NEUTRAL_BAND,
    Score,
    detect_language,
    get_backend,
    label_for,
)

LEX = get_backend("lexicon")


def v(text: str) -> float:
    return LEX.score([text])[0].value


def score(text: str) -> Score:
    return LEX.score([text])[0]


# --- per language -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "sign"), [
    ("I love this so much", 1),
    ("This is not good", -1),
    ("I don't like it", -1),
    ("never again, worst service ever", -1),
    ("not bad at all", 1),
    ("can't wait for the next video", 1),
    ("soooo goood", 1),
    ("what a waste of time", -1),
    ("so pretty", 1),
    ("#worstflightever", -1),
])
def test_english(text: str, sign: int) -> None:
    assert v(text) * sign > 0
    assert score(text).language in ("en", None)


def test_english_boosters_caps_and_exclamation_push_away_from_zero() -> None:
    assert v("very good") > v("good") > v("slightly good") > 0
    assert v("this is GOOD") > v("this is good")
    assert v("good!!") > v("good!") > v("good")
    assert v("bad!!") < v("bad") < 0


def test_english_contrast_favours_what_follows_but() -> None:
    assert v("The food was bad but the staff were lovely") > 0
    assert v("The staff were lovely but the food was bad") < 0


@pytest.mark.parametrize(("text", "sign"), [
    ("Mi piace tantissimo", 1),
    ("Non mi piace", -1),
    ("Non mi piace per niente", -1),  # negative concord: one negation, not two
    ("Sei bravissima", 1),
    ("che schifo", -1),
    ("fa schifo questo video", -1),
    ("non male", 1),
    ("Complimenti, canzone stupenda", 1),
    ("una delusione totale", -1),
])
def test_italian(text: str, sign: int) -> None:
    assert v(text) * sign > 0
    assert score(text).language == "it"


def test_italian_superlative_and_agreement_find_the_base_word() -> None:
    assert v("bellissima") > v("bella") > 0
    assert v("brave") > 0 and v("bravi") > 0


@pytest.mark.parametrize(("text", "sign"), [
    ("좋아요", 1),
    ("좋네요", 1),  # stem 좋 inside an inflected word
    ("정말 재밌어요ㅋㅋ", 1),
    ("안 좋아요", -1),
    ("안좋아요", -1),
    ("좋지 않아요", -1),
    ("재미없어요", -1),
    ("재미가 없다", -1),
    ("문제 없어요", 1),
    ("최악의 영화", -1),
    ("시간 아깝다", -1),
])
def test_korean(text: str, sign: int) -> None:
    assert v(text) * sign > 0
    assert score(text).language == "ko"


def test_korean_booster() -> None:
    assert v("너무 좋아요") > v("좋아요") > 0


def test_korean_laughter_and_tears_count_once_however_long() -> None:
    # NFKC turns ㅋ (compatibility jamo) into a conjoining jamo; runs must still collapse.
    assert v("ㅋㅋㅋㅋㅋㅋㅋㅋ") == v("ㅋㅋ") > 0
    assert v("ㅠㅠㅠㅠㅠ") == v("ㅠㅠ") < 0
    assert v("재미없어요 ㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋ") < 0


@pytest.mark.parametrize(("text", "sign"), [
    ("很好吃", 1),
    ("不好吃", -1),
    ("不錯", 1),  # longest match: 不錯 is "good", not 不 + 錯
    ("太慢了", -1),
    ("送餐很快，態度很好", 1),
    ("很差，不會再點了", -1),
    ("沒問題", 1),
    ("不是很好", -1),
])
def test_chinese_traditional(text: str, sign: int) -> None:
    assert v(text) * sign > 0
    assert score(text).language == "zh_Hant"


@pytest.mark.parametrize(("traditional", "simplified"), [
    ("服務態度很差", "服务态度很差"),
    ("不錯，值得推薦", "不错，值得推荐"),
    ("難吃", "难吃"),
])
def test_chinese_simplified_scores_like_traditional(traditional: str, simplified: str) -> None:
    assert v(simplified) == v(traditional) != 0


@pytest.mark.parametrize(("text", "sign"), [
    ("خیلی خوب بود", 1),
    ("خوب نبود", -1),
    ("اصلا راضی نبودم", -1),
    ("عالیه", 1),  # colloquial copula suffix
    ("بدترین پیتزا", -1),
    ("هیچ مشکلی نداشت", 1),  # negative concord
    ("پیشنهاد نمی‌کنم", -1),
    ("غذا سرد و بی کیفیت بود", -1),
    ("دستتون درد نکنه", 1),
])
def test_persian(text: str, sign: int) -> None:
    assert v(text) * sign > 0
    assert score(text).language == "fa"


def test_persian_arabic_letters_and_zwnj_score_the_same() -> None:
    # Arabic yeh (ي) and kaf (ك), and a zero-width non-joiner inside خوش‌مزه
    assert v("هيچ مشكلي نداشت") == v("هیچ مشکلی نداشت")
    assert v("خيلي خوش\u200cمزه بود") == v("خیلی خوشمزه بود") > 0


@pytest.mark.parametrize(("text", "sign"), [
    ("😍😍😍", 1),
    ("👍", 1),
    ("😡", -1),
    ("👎👎", -1),
    ("❤️", 1),
    (":)", 1),
    (":(", -1),
])
def test_emoji_only(text: str, sign: int) -> None:
    s = score(text)
    assert s.value * sign > 0
    assert s.language is None


def test_emoji_adds_to_words() -> None:
    assert v("good 😍") > v("good")
    assert v("bad 😡") < v("bad")


def test_mixed_scripts_score_each_part_in_its_language() -> None:
    # Korean praise and Italian praise; Korean complaint and English complaint.
    assert v("좋아요 bellissimo") > v("좋아요") > 0
    assert v("배송 최악 never again") < v("배송 최악") < 0
    # "male" is Italian for "bad" only when the Latin part is Italian.
    assert v("che male") < 0
    assert v("the male singer") == 0


def test_zero_width_characters_are_ignored() -> None:
    assert v("go\u200bod") == v("good") > 0
    assert v("\u200b좋\u200d아요\u200c") == v("좋아요")
    assert v("\ufeff很\u2060好吃") == v("很好吃")


@pytest.mark.parametrize(("text", "language"), [
    ("Thanks, this is the best one", "en"),
    ("Grazie, questa è la migliore", "it"),
    ("좋아요 좋아요 ok", "ko"),
    ("這家店很好吃", "zh_Hant"),
    ("这家店很好吃", "zh_Hant"),
    ("خیلی خوب بود", "fa"),
    ("🔥🔥🔥", None),
    ("", None),
    ("これはとても美味しい", None),  # Japanese: kanji beside kana are not Chinese
])
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_neutral_and_non_text_cells() -> None:
    assert score("").label == "neutral"
    assert score("the table is in the kitchen").label == "neutral"
    # Comment dumps read with pandas carry NaN for empty cells.
    assert LEX.score([float("nan")])[0] == score("")  # type: ignore[list-item]


def test_batch_equals_one_by_one() -> None:
    texts = ["good", "不好吃", "خوب نبود", "😍", "좋지 않아요", "bellissimo"]
    assert LEX.score(texts) == [score(t) for t in texts]


# --- backend specs -------------------------------------------------------------------------

@pytest.mark.parametrize("spec", ["lexicon", " Lexicon "])
def test_lexicon_spec(spec: str) -> None:
    assert get_backend(spec).name == "lexicon-1"


@pytest.mark.parametrize(("spec", "words"), [
    ("vader", ("lexicon", "onnx:<folder>")),
    ("", ("lexicon",)),
    ("onnx:", ("onnx:<folder>",)),
    ("onnx:   ", ("onnx:<folder>",)),
])
def test_bad_spec_says_what_to_write(spec: str, words: tuple[str, ...]) -> None:
    with pytest.raises(ConfigError) as err:
        get_backend(spec)
    for word in words:
        assert word in str(err.value)


# --- invariants ----------------------------------------------------------------------------

_WORDS = ["good", "bad", "not", "very", "but", "love", "never", "bello", "non", "schifo", "molto",
          "ma", "좋아요", "안", "않아", "없다", "너무", "최악", "재미", "很", "不", "好吃", "差",
          "但是", "沒有", "خوب", "نبود", "خیلی", "بد", "ولی", "عالی", "نه", "😍", "😡", "👍", "!",
          "?", ",", ".", "GOOD", "so", "pretty", "#fail", "ㅋㅋㅋ", "ㅠㅠ", "x", "@user",
          "http://a.b/c"]
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202a",
              "\u202e", "\u2066", "\u2069", "\u00ad"]
comments = st.lists(st.sampled_from(_WORDS), max_size=12).map(" ".join)
anything = st.one_of(
    st.text(),
    comments,
    st.text(alphabet=st.sampled_from(
        [*"aé좋ㅋ不好خی", "\u0301", "\u0653", "\u064a", "\u0643", "!", " ", "😍", "\ufe0f",
         "\U0001F3FB", *_INVISIBLE])),
)


def _consistent(s: Score) -> None:
    assert -1.0 <= s.value <= 1.0
    assert s.label == label_for(s.value)
    assert (s.label == "neutral") == (abs(s.value) < NEUTRAL_BAND)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_any_text_gives_a_consistent_score(text: str) -> None:
    _consistent(score(text))


@settings(max_examples=300, deadline=None)
@given(anything, st.lists(st.tuples(st.integers(0, 200), st.sampled_from(_INVISIBLE)), max_size=6))
def test_invisible_characters_never_change_a_score(text: str,
                                                   inserts: list[tuple[int, str]]) -> None:
    noisy = text
    for pos, char in inserts:
        pos = min(pos, len(noisy))
        noisy = noisy[:pos] + char + noisy[pos:]
    assert score(noisy) == score(text)


@settings(max_examples=300, deadline=None)
@given(comments, st.sampled_from(["table", "tavolo", "책상", "桌子", "میز", "123"]))
def test_a_neutral_word_appended_never_flips_the_sign(text: str, word: str) -> None:
    before, after = v(text), v(f"{text} {word}")
    assert before * after >= 0
    if before:
        assert after != 0
