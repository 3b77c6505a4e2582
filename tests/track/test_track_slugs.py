"""Short-link slugs: readable, never reserved, unique, and already attribution's key."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creatorroi.ingest.canonical import match_key, slug
from creatorroi.track.slugs import SLUG_RE, assign_unique_slugs, is_valid_slug, make_slug


@pytest.mark.parametrize(("handle", "campaign", "expected"), [
    ("@Giulia.Skin", None, "giulia-skin"), ("@Giulia.Skin", "Easter 24", "giulia-skin-easter-24"),
    ("https://instagram.com/Marco__Rossi/", None, "marco-rossi"), ("김지수", None, "gimjisu"),
    ("王小明", "Año Nuevo!", "wangxiaoming-ano-nuevo"), ("api", None, "api-2"),
    ("@lp", None, "lp-2"), ("Static", "", "static-2")])
def test_make_slug(handle: str, campaign: str | None, expected: str) -> None:
    assert make_slug(handle, campaign) == expected


def test_long_slugs_are_cut_at_64_without_trailing_hyphen() -> None:
    assert make_slug("a" * 63 + ".bc") == "a" * 63  # "a"*63 + "-" would end on the hyphen
    assert make_slug("a" * 62 + ".bc") == "a" * 62 + "-b" and len(make_slug("x" * 100)) == 64


def test_unreadable_handle_is_refused() -> None:
    with pytest.raises(ValueError, match="no letters or digits"):
        make_slug("@..._")


@pytest.mark.parametrize(("text", "valid"), [
    ("giulia", True), ("giulia-skin-2", True), ("a" * 64, True), ("a" * 65, False), ("", False),
    ("Giulia", False), ("giulia--skin", False), ("-giulia", False), ("giulia-", False),
    ("giulia.skin", False), ("api", False), ("health", False)])
def test_is_valid_slug(text: str, valid: bool) -> None:
    assert is_valid_slug(text) is valid


def test_unique_slugs_first_come_first_served() -> None:
    assert assign_unique_slugs(["giulia", "giulia", "marco", "api"], ["GIULIA"]) == [
        "giulia-2", "giulia-3", "marco", "api-2"]
    assert assign_unique_slugs(["a" * 64], ["a" * 64]) == ["a" * 62 + "-2"]
    with pytest.raises(ValueError, match="not a valid slug"):
        assign_unique_slugs(["Giulia Skin"], [])


@given(st.text(min_size=1, max_size=80), st.none() | st.text(max_size=30))
def test_slugs_are_valid_and_already_attributions_key(handle: str, campaign: str | None) -> None:
    try:
        result = make_slug(handle, campaign)
    except ValueError:
        return
    assert SLUG_RE.match(result) and is_valid_slug(result)
    assert slug(result) == result == match_key("utm_link", result)
