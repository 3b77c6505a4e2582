"""The lexicon files themselves: they load, are big enough to matter, and the generated
Simplified Chinese file is in step with the Traditional one."""

from __future__ import annotations

from pathlib import Path

import pytest

from creatorroi.quality.sentiment.data import (
    BOOST,
    LANGUAGES,
    NEG,
    POST,
    TERM,
    Entry,
    emoji_table,
    parse_spec,
    table,
    zh_hans_text,
)

LEXICONS = Path(__file__).parents[2] / "src" / "creatorroi" / "quality" / "sentiment" / "lexicons"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_a_few_hundred_polar_words_and_rules(language: str) -> None:
    words = table(language).words
    kinds = [e.kind for e in words.values()]
    assert sum(k == TERM for k in kinds) >= 250
    assert sum(k == NEG for k in kinds) + sum(k == POST for k in kinds) >= 3
    assert sum(k == BOOST for k in kinds) >= 8
    positive = sum(e.kind == TERM and e.value > 0 for e in words.values())
    negative = sum(e.kind == TERM and e.value < 0 for e in words.values())
    assert positive >= 100 and negative >= 100


def test_emoji_table_covers_both_directions() -> None:
    scores = emoji_table()
    assert sum(v > 0 for v in scores.values()) >= 60
    assert sum(v < 0 for v in scores.values()) >= 40
    assert all("\ufe0f" not in k for k in scores)


@pytest.mark.parametrize(("spec", "entry"), [
    ("2.5", Entry(TERM, 2.5)),
    ("-1", Entry(TERM, -1.0)),
    ("neg", Entry(NEG)),
    ("post", Entry(POST)),
    ("x1.3", Entry(BOOST, 1.3)),
    ("x1.1 +2", Entry(BOOST, 1.1, 2.0)),
])
def test_spec_format(spec: str, entry: Entry) -> None:
    assert parse_spec(spec) == entry


def test_persian_terms_are_stored_with_persian_letters() -> None:
    for term in table("fa").words:
        assert not set(term) & {"\u064a", "\u0643", "\u200c"}, term


def test_zh_hans_is_generated_from_zh_hant() -> None:
    opencc = pytest.importorskip("opencc")
    expected = zh_hans_text(opencc.OpenCC("t2s").convert)
    assert (LEXICONS / "zh_Hans.tsv").read_text("utf-8") == expected
