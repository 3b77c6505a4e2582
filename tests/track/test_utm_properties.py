"""Properties of UTM links: what ``build_url`` writes, ``parse_url`` reads back unchanged."""

import string

from hypothesis import assume, given
from hypothesis import strategies as st

from creatorroi.model import keys
from creatorroi.track.utm import (
    InvalidDestination,
    Utm,
    build_url,
    clean_destination,
    normalize_value,
    parse_url,
)

# Any text but control characters (which a destination may not contain).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
LABEL = st.text(string.ascii_letters + string.digits, min_size=1, max_size=10)
HOST = st.builds(lambda labels, tld: ".".join([*labels, tld]), st.lists(LABEL, min_size=1,
                 max_size=3), st.sampled_from(["it", "com", "de", "bücher", "xn--p1ai", "KR"]))
KEY = TEXT.filter(lambda k: not k.strip().lower().startswith("utm_") and "&" not in k)
PARAMS = st.lists(st.tuples(KEY, TEXT), max_size=4).map(
    lambda kv: "&".join(f"{k}={v}" for k, v in kv))
DESTINATION = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}/{path}" + (f"?{query}" if query else "")
        + (f"#{fragment}" if fragment else "")),
    st.sampled_from(["https", "http", "HTTPS"]), HOST,
    st.sampled_from(["", ":8080"]), TEXT, PARAMS, TEXT)
VALUE = TEXT.map(normalize_value)
UTM = st.builds(Utm, VALUE.filter(bool), VALUE.filter(bool), VALUE.filter(bool), VALUE, VALUE)


def _build(destination: str, utm: Utm) -> str:
    try:
        return build_url(destination, utm)
    except InvalidDestination:
        assume(False)
        raise


@given(DESTINATION, UTM)
def test_parse_inverts_build(destination: str, utm: Utm) -> None:
    url = _build(destination, utm)
    assert parse_url(url) == (clean_destination(destination), utm)


@given(DESTINATION, UTM)
def test_build_is_idempotent(destination: str, utm: Utm) -> None:
    url = _build(destination, utm)
    assert build_url(url, utm) == url


ARBITRARY = st.one_of(st.text(max_size=60), st.text(max_size=60).map(lambda t: "https://" + t),
                      st.text(max_size=60).map(lambda t: "https://shop.it/" + t))


@given(ARBITRARY)
def test_parse_never_raises_anything_but_invalid_destination(text: str) -> None:
    try:
        destination, _ = parse_url(text)
    except InvalidDestination:
        return
    assert parse_url(destination) == (destination, None)


@given(st.text(max_size=30))
def test_normalised_values_are_utm_match_keys(text: str) -> None:
    value = normalize_value(text)
    assert keys.utm(value) == value and normalize_value(value) == value
