"""UTM links: the convention, exact links written out by hand, and destination checks."""

import pytest
from pydantic import ValidationError

from creatorroi.track.utm import (
    InvalidDestination,
    Utm,
    UtmConvention,
    build_url,
    check_allowed,
    host_allowed,
    normalize_value,
    parse_url,
)

UTM = Utm("instagram", "influencer", "giulia.skin", "story")
TAGS = "utm_source=instagram&utm_medium=influencer&utm_campaign=giulia.skin&utm_content=story"


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Instagram Story ", "instagram-story"), ("김지수", "gimjisu"), ("Ünï  -  Côté", "uni-cote"),
    ("ＴｉｋＴｏｋ", "tiktok"), ("a/b?c&d", "abcd"), ("giulia.skin_01", "giulia.skin_01"),
    ("", None), ("   ", None), ("!!!", None), (None, None)])
def test_normalize_value(raw: str | None, expected: str | None) -> None:
    assert normalize_value(raw) == expected


def test_utm_params_in_fixed_order_without_unset() -> None:
    assert list(Utm("a", "b", "c", term="t").as_params().items()) == [
        ("utm_source", "a"), ("utm_medium", "b"), ("utm_campaign", "c"), ("utm_term", "t")]


def test_default_convention_platform_influencer_handle_placement() -> None:
    utm = UtmConvention().utm_for(platform="Instagram", handle="@Giulia.Skin",
                                  campaign="Easter 24", placement="Story")
    assert utm == UTM
    assert UtmConvention().utm_for(platform="tiktok", handle="x", campaign="y").content is None


def test_custom_convention_tags_the_promotion() -> None:
    convention = UtmConvention(campaign="{campaign}", content="{placement}-{handle}",
                               term="{influencer}")
    utm = convention.utm_for(platform="YouTube", handle="@giulia", campaign="Easter 24",
                             placement="bio", influencer="Giulia Rossi")
    assert utm == Utm("youtube", "influencer", "easter-24", "bio-giulia", "giulia-rossi")


def test_convention_is_checked() -> None:
    with pytest.raises(ValidationError):
        UtmConvention(sorce="{platform}")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="unknown placeholder"):
        UtmConvention(campaign="{promo}")
    with pytest.raises(ValueError, match="utm_source is empty"):
        UtmConvention().utm_for(platform=" ", handle="x", campaign="y")


def test_build_keeps_other_parameters_and_fragment_and_drops_old_tags() -> None:
    url = build_url("HTTPS://Shop.IT/Pages/Giulia?a=1&UTM_Source=old&utm_id=7&b=x y#top", UTM)
    assert url == f"https://shop.it/Pages/Giulia?a=1&b=x%20y&{TAGS}#top"


def test_build_on_bare_host_international_name_and_extra() -> None:
    assert build_url("https://Bücher.de", UTM, extra={"ref": "g&i", "a": "2"}) == (
        f"https://xn--bcher-kva.de/?{TAGS}&ref=g%26i&a=2")
    assert build_url("https://shop.it/?a=1", UTM, extra={"a": "2"}) == (
        f"https://shop.it/?{TAGS}&a=2")
    with pytest.raises(ValueError, match="through Utm"):
        build_url("https://shop.it", UTM, extra={"utm_source": "x"})


def test_build_normalises_values_and_needs_the_required_ones() -> None:
    assert build_url("https://shop.it/", Utm("Instagram", "Influencer", "Giulia Skin")) == (
        "https://shop.it/?utm_source=instagram&utm_medium=influencer&utm_campaign=giulia-skin")
    with pytest.raises(ValueError, match="utm_campaign is empty"):
        build_url("https://shop.it/", Utm("ig", "influencer", "  "))


@pytest.mark.parametrize(("destination", "reason"), [
    ("", "empty"), ("shop.it/giulia", "https://"), ("ftp://shop.it/", "https://"),
    ("javascript:alert(1)", "https://"), ("https:///giulia", "no host"),
    ("https://user:secret@shop.it/", "user name or password"),
    ("https://shop.it/a\r\nSet-Cookie: x", "control character"),
    ("https://shop.it:99999/", "not a valid URL"), ("https://sh op.it/", "not a valid domain"),
    ("https://shop_it.com/", "not a valid domain"), ("https://[::1/", "not a valid URL")])
def test_bad_destinations_are_refused_with_a_reason(destination: str, reason: str) -> None:
    with pytest.raises(InvalidDestination, match=reason):
        build_url(destination, UTM)


def test_over_long_links_are_refused() -> None:
    with pytest.raises(InvalidDestination, match="2048"):
        build_url("https://shop.it/" + "a" * 2000, UTM)


def test_parse_gives_destination_and_tags() -> None:
    url = f"https://shop.it/p?x=1&{TAGS}&utm_term=Blue%20Shoes#f"
    assert parse_url(url) == ("https://shop.it/p?x=1#f", Utm(
        "instagram", "influencer", "giulia.skin", "story", "blue-shoes"))
    assert parse_url("https://shop.it/p?utm_source=ig&utm_medium=influencer") == (
        "https://shop.it/p", None)


@pytest.mark.parametrize(("host", "allowed"), [
    ("shop.example", True), ("www.shop.example", True), ("WWW.Shop.Example.", True),
    ("a.b.shop.example", True), ("evilshop.example", False), ("shop.example.evil.com", False),
    ("example", False), ("", False), ("bücher.de", True), ("xn--bcher-kva.de", True),
    ("www.xn--bcher-kva.de", True), ("bucher.de", False)])
def test_host_allowed_exact_or_subdomain_in_punycode(host: str, allowed: bool) -> None:
    assert host_allowed(host, ["shop.example", "https://BÜCHER.de/"]) is allowed


def test_check_allowed_refuses_other_domains() -> None:
    check_allowed("https://www.shop.example/p", ["shop.example"])
    with pytest.raises(InvalidDestination, match=r"evilshop\.example is not one of"):
        check_allowed("https://evilshop.example/p", ["shop.example"])
    with pytest.raises(InvalidDestination, match="not one of"):
        check_allowed("https://shop.example/p", [])
