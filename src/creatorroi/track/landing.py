"""A creator's landing page: the welcome, the offer, the code and a few curated products.

The page is one self-contained HTML document (inline CSS, no scripts, no fonts or trackers
from elsewhere; only product images load from the shop) so it can be served from anywhere
and opens fast from an in-app browser. It is ``noindex``: it exists for one creator's
audience, and a search engine listing it would leak the code to everyone.

Its few strings live in ``STRINGS`` here rather than in the app's gettext catalogs: the page
speaks the audience's language, not the signed-in user's, and renders in this pure module
with no catalog loaded. A missing language falls back to English.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader

from creatorroi.i18n import normalize_lang

STRINGS: dict[str, dict[str, str]] = {
    "en": {"welcome": "Welcome! {creator} picked these for you", "your_code": "Your code",
           "shop_now": "Shop now", "picks": "Picked for you"},
    "it": {"welcome": "Ciao! {creator} ha scelto questi prodotti per te",
           "your_code": "Il tuo codice", "shop_now": "Acquista ora", "picks": "Scelti per te"},
    "ko": {"welcome": "환영합니다! {creator}님이 골라 드린 상품이에요",
           "your_code": "내 할인 코드", "shop_now": "지금 쇼핑하기", "picks": "추천 상품"},
    "zh_Hant": {"welcome": "歡迎！{creator} 為你精選了這些商品", "your_code": "你的優惠碼",
                "shop_now": "立即選購", "picks": "為你精選"},
    "fa": {"welcome": "خوش آمدید! {creator} این‌ها را برای شما انتخاب کرده است",
           "your_code": "کد شما", "shop_now": "همین حالا خرید کنید", "picks": "انتخاب‌شده برای شما"},
}
RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur"})


def _check_link(url: str, what: str) -> str:
    """Only absolute http(s) links: a ``javascript:`` or ``data:`` link on a page we host
    would run in the brand's name."""
    text = url.strip()
    parts = urlsplit(text)
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError(f"{what} contains a control character: {text[:80]!r}")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} must be an http(s) link, not {text[:80]!r}")
    return text


@dataclass(frozen=True)
class Product:
    """A curated product: ``price`` is already formatted for the page's language."""

    name: str
    url: str
    image_url: str | None = None
    price: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", _check_link(self.url, f"link of {self.name!r}"))
        if self.image_url is not None:
            object.__setattr__(self, "image_url",
                               _check_link(self.image_url, f"image of {self.name!r}"))


@dataclass(frozen=True)
class LandingPage:
    """What one creator's page shows; ``destination`` is the shop link (with UTMs) the
    call-to-action opens."""

    creator_name: str
    offer: str
    destination: str
    brand_name: str
    code: str | None = None
    products: tuple[Product, ...] = ()
    lang: str = "en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "destination", _check_link(self.destination, "destination"))
        object.__setattr__(self, "products", tuple(self.products))

    @property
    def language(self) -> str:
        """The supported language the page is written in (``zh-TW`` → ``zh_Hant``)."""
        return normalize_lang(self.lang)

    @property
    def dir(self) -> str:
        return "rtl" if self.language in RTL_LANGUAGES else "ltr"


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("creatorroi.track", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


def render_landing(page: LandingPage) -> str:
    """The page as one HTML document; every value from ``page`` is HTML-escaped."""
    language = page.language
    strings = STRINGS.get(language, STRINGS["en"])
    return _environment().get_template("landing.html.j2").render(
        page=page, t=strings, html_lang=language.replace("_", "-"),
        welcome=strings["welcome"].format(creator=page.creator_name))
