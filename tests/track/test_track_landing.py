"""Landing pages: what the page must say and what it must never let through."""

import pytest

from creatorroi.track.landing import LandingPage, Product, render_landing

DEST = "https://shop.example/?utm_source=instagram&utm_medium=influencer&utm_campaign=giulia"


def _page(**kwargs: object) -> LandingPage:
    fields: dict[str, object] = {
        "creator_name": "Giulia", "offer": "20% off with code GIULIA20", "destination": DEST,
        "brand_name": "Lumen Skin", "code": "GIULIA20", **kwargs}
    return LandingPage(**fields)  # type: ignore[arg-type]


def test_page_is_noindex_and_names_creator_offer_and_code() -> None:
    html = render_landing(_page())
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert '<html lang="en" dir="ltr">' in html
    assert "Welcome! Giulia picked these for you" in html
    assert "20% off with code GIULIA20" in html and ">GIULIA20</output>" in html
    assert 'href="https://shop.example/?utm_source=instagram&amp;utm_medium=influencer' in html
    assert ">Shop now<" in html


def test_page_is_self_contained() -> None:
    html = render_landing(_page())
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert "<style>" in html


def test_creator_name_is_escaped() -> None:
    html = render_landing(_page(creator_name="<script>alert(1)</script>", offer="a & b"))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "a &amp; b" in html


@pytest.mark.parametrize(("lang", "html_lang", "direction", "shop_now"), [
    ("fa", "fa", "rtl", "همین حالا خرید کنید"), ("it_IT", "it", "ltr", "Acquista ora"),
    ("zh-TW", "zh-Hant", "ltr", "立即選購"), ("ko", "ko", "ltr", "지금 쇼핑하기"),
    ("xx", "en", "ltr", "Shop now")])
def test_language_and_direction(lang: str, html_lang: str, direction: str, shop_now: str) -> None:
    html = render_landing(_page(lang=lang))
    assert f'<html lang="{html_lang}" dir="{direction}">' in html and shop_now in html


def test_products_are_listed_with_links_images_and_prices() -> None:
    products = (Product("Serum", "https://shop.example/p/serum",
                        "https://cdn.example/serum.jpg", "€ 29,00"),
                Product("Cream <b>", "https://shop.example/p/cream"))
    html = render_landing(_page(products=products, code=None))
    assert 'href="https://shop.example/p/serum"' in html
    assert 'src="https://cdn.example/serum.jpg"' in html and "€ 29,00" in html
    assert 'href="https://shop.example/p/cream"' in html and "Cream &lt;b&gt;" in html
    assert "<output" not in html  # no code, no code box


@pytest.mark.parametrize("bad", ["javascript:alert(1)", " JavaScript:alert(1)",
                                 "data:text/html,hi", "//shop.example/x", "/p/serum",
                                 "https://shop.example/\nx"])
def test_only_http_links_are_accepted(bad: str) -> None:
    with pytest.raises(ValueError, match="http"):
        _page(destination=bad)
    with pytest.raises(ValueError):
        Product("Serum", bad)
    with pytest.raises(ValueError):
        Product("Serum", "https://shop.example/p", image_url=bad)
