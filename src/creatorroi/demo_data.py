"""Lumina Skincare: a deterministic demo brand, written as the exports a real user would have.

Why a generator rather than fixture files: the demo and the attribution tests need the same
brand at several sizes, and a ground truth that real data never has. Every file is written the
way the tool that makes it writes it (Shopify's orders export, a GA4 exploration, the canonical
sheets of :mod:`creatorroi.ingest.kinds`, one of them saved by Italian Excel), so
``creatorroi demo`` exercises the normal import paths, and ``truth.json`` says which influencer
really drove each order, tracked or not.

The story: an Italian skincare shop (EUR, Europe/Rome) with two years of history ending at
``today``; about fifty orders a day before any creator, with weekly and yearly seasonality;
24 creators from nano to mega on Instagram, TikTok and YouTube, writing in Italian, Korean,
Traditional Chinese, Persian and English; an always-on ambassador programme, an Easter
promo-code push and a Black Friday campaign. Influence reaches orders through promo codes, UTM
short links, landing pages, an affiliate id and survey answers, but about three quarters of it
leaves no trace (DOMAIN.md: only about a quarter of purchases come through attributable links),
so direct attribution is a floor.

Tracking as the data has it (what an importer must read):

* GA4 sees only visitors who accepted the cookie banner (about 65%); the shop's first-party
  server-side log (``sessions.csv``) records the influencer short-link sessions of the others,
  so no session is counted twice and every UTM-tracked purchase is in exactly one of them.
* A ``utm_link`` asset sets utm_source (ig/tt/yt), utm_medium ``influencer``, utm_campaign (the
  handle) and utm_content (the placement, suffixed ``_<campaign id>`` for the Easter and Black
  Friday links so that a session tells a creator's campaigns apart); no utm_term, since GA4's
  export has no column for it.
* Short links (the ``utm_link`` assets' slugs) are served by a redirect service that logs every
  click (``clicks.csv``, from its roll-out nine months into the history) and sets a ``cr_click``
  cookie the shop theme copies into the order's ``Note Attributes``.
* ``Note Attributes`` (one ``key: value`` per line) carry ``landing_site`` (landing-page
  orders), ``cr_click`` and ``affiliate_id``.
* GA4's ``Transaction ID`` and ``sessions.transaction_id`` are the order name without ``#``
  (``1001``); ``surveys.order_id`` and the keys of ``truth["orders"]`` are Shopify's numeric
  ``Id``, which the Shopify import keeps as the order id.
* The Shopify export lists the newest order first, one row per line item; prices include the
  22% VAT, so ``Taxes`` is the VAT inside ``Total`` (Total = Subtotal + Shipping).
* Sheet datetimes without an offset (posts, followers, post metrics, brand followers, surveys)
  are Europe/Rome wall-clock times, as a person filling a sheet writes them.
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
import json
import math
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from creatorroi.ingest.kinds import KINDS

BRAND = {"name": "Lumina Skincare", "currency": "EUR", "timezone": "Europe/Rome", "locale": "it"}
TZ = ZoneInfo("Europe/Rome")
SHOP = "https://luminaskincare.it"
VAT_RATE = Decimal(22)
CONSENT_RATE = 0.65
# GA4 exploration column names, exactly as the UI writes them.
GA4_HEADER = ("Date", "Session source", "Session medium", "Session campaign",
              "Session manual ad content", "Landing page + query string", "Transaction ID",
              "Sessions", "Purchase revenue")
# Shopify's orders export (Orders > Export > CSV), column for column.
SHOPIFY_HEADER = (
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City",
    "Shipping Zip", "Shipping Province", "Shipping Country", "Shipping Phone", "Notes",
    "Note Attributes", "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount",
    "Vendor", "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags",
    "Risk Level", "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name",
    "Tax 2 Value", "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name",
    "Tax 5 Value", "Phone", "Receipt Number", "Duties", "Billing Province Name",
    "Shipping Province Name", "Payment ID", "Payment Terms Name", "Next Payment Due At",
    "Payment References",
)
_SHOPIFY_COL = {name: i for i, name in enumerate(SHOPIFY_HEADER)}
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"
TRACKED_CHANNELS = ("code", "utm", "click", "landing", "affiliate")
MIX_SEED = 90_210  # offsets the seed of the mix-model inputs' own random stream


@dataclass
class DemoFiles:
    """What :func:`generate` wrote: the files in import order, and the ground truth.

    ``mix_files`` are the marketing-mix model's other inputs (other channels' spend, market
    events, brand-search volume); they credit no order, so they are imported after ``files``.
    """

    directory: Path
    files: list[tuple[str, Path]]
    truth: dict[str, Any]
    mix_files: list[tuple[str, Path]] = field(default_factory=list)
    quality_files: list[tuple[str, Path]] = field(default_factory=list)


# --------------------------------------------------------------------------- the cast

@dataclass(frozen=True)
class _Account:
    platform: str
    handle: str              # without "@"
    followers: int           # at the start of the history
    growth: float            # organic growth per month
    jump: tuple[int, float] | None = None  # (month, factor): a burst of bought followers


@dataclass(frozen=True)
class _Creator:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    lang: str                # caption language
    quality: float           # how well her audience converts; below ~0.6 she loses money
    accounts: tuple[_Account, ...]
    campaigns: str           # A ambassador programme, E Easter, B Black Friday
    pay: str                 # PayKind of her contract
    says: tuple[str, ...]    # how buyers name her in surveys, typos included
    currency: str = "EUR"
    months: tuple[int, int] = (2, 99)  # ambassador months since the history started
    landing: bool = False
    affiliate: str = ""
    marketplace: bool = False  # booked through a marketplace that charges a platform fee


def _acc(platform: str, handle: str, followers: int, growth: float,
         jump: tuple[int, float] | None = None) -> _Account:
    return _Account(platform, handle, followers, growth, jump)


CREATORS: tuple[_Creator, ...] = (
    _Creator("giulia", "Giulia Rossi", ("Giulia R.",), "IT", "it", 2.1,
             (_acc("instagram", "giulia.skin", 62_000, .025),
              _acc("tiktok", "giulia.skin", 38_000, .04)), "AEB", "hybrid",
             ("Giulia Rossi su IG", "giulia rosi", "Giulia Rossi", "@giulia.skin",
              "giulia rossi instagram"), landing=True),
    _Creator("jisoo", "김지수", ("Kim Jisoo", "Jisoo Kim", "지수"), "KR", "ko", 1.7,
             (_acc("instagram", "jisoo.glow", 240_000, .018),
              _acc("youtube", "jisooglow", 180_000, .02)), "AEB", "flat",
             ("jisoo", "Kim Jisoo", "김지수", "@jisoo.glow", "Jisoo su YouTube"),
             months=(3, 99), landing=True),
    _Creator("meiling", "陳美玲", ("Chen Mei-ling", "Mei Ling", "美玲"), "TW", "zh", 1.1,
             (_acc("instagram", "meiling.beauty", 150_000, .015),
              _acc("youtube", "meilingbeauty", 95_000, .02)), "EB", "flat",
             ("陳美玲", "Mei Ling", "Chen Meiling", "mei ling youtube"), currency="USD"),
    _Creator("sara", "سارا محمدی", ("Sara Mohammadi", "سارا"), "IT", "fa", 1.9,
             (_acc("instagram", "sara.mohammadi", 28_000, .035),
              _acc("tiktok", "sara.mohammadi", 45_000, .045)), "AEB", "hybrid",
             ("Sara Mohammadi", "sara mohamadi", "سارا محمدی", "@sara.mohammadi"),
             months=(5, 99)),
    _Creator("olivia", "Olivia Bennett", ("Liv Bennett",), "US", "en", 0.3,
             (_acc("youtube", "oliviabennett", 1_400_000, .008),
              _acc("instagram", "olivia.bennett", 820_000, .006)), "B", "flat",
             ("Olivia Bennett", "olivia benett"), currency="USD"),
    _Creator("chiara", "Chiara Bianchi", ("Chiara B.",), "IT", "it", 2.5,
             (_acc("tiktok", "chiarabianchi.mua", 7_500, .06),), "AEB", "per_sale",
             ("Chiara Bianchi", "chiara bianchi tiktok", "chiarabianchi.mua", "Chiara Bianki"),
             months=(6, 99)),
    _Creator("francesca", "Francesca Esposito", ("Fra Esposito", "Francy"), "IT", "it", 1.2,
             (_acc("instagram", "fra.esposito", 34_000, .02),), "AE", "flat",
             ("Francesca Esposito", "fra esposito", "francesca esposto")),
    _Creator("martina", "Martina Ricci", ("Marti Ricci",), "IT", "it", 0.9,
             (_acc("instagram", "martinaricci", 310_000, .012),
              _acc("tiktok", "martinaricci", 520_000, .02)), "EB", "flat",
             ("Martina Ricci", "martina ricci tiktok", "martinaricci")),
    _Creator("alessia", "Alessia Romano", (), "IT", "it", 2.4,
             (_acc("instagram", "alessia.glow", 4_200, .05),), "AB", "per_sale",
             ("Alessia Romano", "alessia.glow", "alessia romani"), months=(4, 99)),
    _Creator("sofia", "Sofia Colombo", ("Sofi Colombo",), "IT", "it", 1.4,
             (_acc("tiktok", "sofiacolombo_beauty", 58_000, .03),), "EB", "revenue_share",
             ("Sofia Colombo", "sofiacolombo", "sofia colombo su tiktok")),
    _Creator("aurora", "Aurora Marino", (), "IT", "it", 2.0,
             (_acc("instagram", "aurora.skincare", 6_800, .05),), "AB", "per_sale",
             ("Aurora Marino", "aurora marino ig"), months=(9, 99)),
    _Creator("luca", "Luca Greco", (), "IT", "it", 0.6,
             (_acc("youtube", "lucagreco", 72_000, .02),
              _acc("instagram", "lucagreco.grooming", 41_000, .015)), "E", "flat",
             ("Luca Greco", "luca greco youtube")),
    _Creator("valentina", "Valentina Conti", ("Vale Conti",), "IT", "it", 0.15,
             (_acc("instagram", "valentinaconti", 2_300_000, .005),), "B", "flat",
             ("Valentina Conti", "vale conti", "valentina conti instagram")),
    _Creator("minji", "박민지", ("Park Minji", "Minji Park", "민지"), "KR", "ko", 1.5,
             (_acc("tiktok", "minji.skinlab", 88_000, .03),
              _acc("youtube", "minjiskinlab", 33_000, .03)), "AB", "revenue_share",
             ("Minji", "Park Minji", "박민지", "minji skinlab"), months=(3, 99),
             affiliate="LUMAFF-0142"),
    _Creator("yuna", "이유나", ("Lee Yuna", "Yuna Lee", "유나"), "KR", "ko", 1.9,
             (_acc("instagram", "yuna_daily", 8_900, .04),), "EB", "per_sale",
             ("Yuna", "Lee Yuna", "이유나", "yuna_daily")),
    _Creator("yating", "林雅婷", ("Lin Ya-ting", "Yating Lin", "雅婷"), "TW", "zh", 1.0,
             (_acc("instagram", "yating.lin", 46_000, .02),), "E", "flat",
             ("林雅婷", "Yating Lin", "ya ting lin")),
    _Creator("shihan", "黃詩涵", ("Huang Shih-han", "Shihan Huang", "詩涵"), "TW", "zh", 1.2,
             (_acc("tiktok", "shihan.h", 9_400, .045),), "B", "per_sale",
             ("黃詩涵", "Shihan Huang", "huang shihan"), marketplace=True),
    _Creator("neda", "ندا رضایی", ("Neda Rezaei", "ندا"), "DE", "fa", 1.1,
             (_acc("instagram", "neda.rezaei", 52_000, .025),), "AB", "flat",
             ("Neda Rezaei", "ندا رضایی", "neda rezai"), months=(10, 99)),
    _Creator("mina", "مینا کریمی", ("Mina Karimi", "مینا"), "GB", "fa", 0.9,
             (_acc("youtube", "minakarimibeauty", 125_000, .015),), "E", "flat",
             ("Mina Karimi", "مینا کریمی", "mina karimi youtube")),
    _Creator("hannah", "Hannah Wright", ("Han Wright",), "GB", "en", 0.2,
             (_acc("tiktok", "hannahwrightskin", 140_000, .01, (15, 1.75)),), "EB", "flat",
             ("Hannah Wright",), marketplace=True),
    _Creator("jessica", "Jessica Miller", ("Jess Miller",), "US", "en", 1.0,
             (_acc("instagram", "jessmillerglow", 420_000, .012),
              _acc("youtube", "jessmiller", 260_000, .015)), "EB", "hybrid",
             ("Jessica Miller", "jess miller", "jessmillerglow"), currency="USD"),
    _Creator("elena", "Elena Ferrari", (), "IT", "it", 0.45,
             (_acc("instagram", "elena.ferrari.beauty", 75_000, .015, (14, 1.4)),), "AE",
             "flat", ("Elena Ferrari", "elena ferari"), months=(2, 18)),
    _Creator("giorgia", "Giorgia Gallo", ("Giorgi Gallo",), "IT", "it", 1.3,
             (_acc("tiktok", "giorgiagallo", 23_000, .035),
              _acc("instagram", "giorgia.gallo", 15_000, .03)), "AB", "hybrid",
             ("Giorgia Gallo", "giorgia gallo tiktok"), months=(13, 99)),
    _Creator("marco", "Marco De Luca", (), "IT", "it", 0.8,
             (_acc("youtube", "marcodeluca", 6_100, .04),), "E", "per_sale",
             ("Marco De Luca", "marco deluca")),
)

PLATFORM_SHORT = {"instagram": "ig", "tiktok": "tt", "youtube": "yt"}
PLACEMENT = {"instagram": "story", "tiktok": "bio", "youtube": "description"}
REFERRER = {"instagram": "https://l.instagram.com/", "tiktok": "https://www.tiktok.com/",
            "youtube": "https://www.youtube.com/"}
REFERRAL_SOURCE = {"instagram": "l.instagram.com", "tiktok": "tiktok.com",
                   "youtube": "youtube.com"}

# (name, sku, price in cents incl. VAT, compare-at price, popularity)
PRODUCTS: tuple[tuple[str, str, int, int, float], ...] = (
    ("Siero Vitamina C 30ml", "LUM-SVC-30", 3490, 0, 1.6),
    ("Crema Idratante Acido Ialuronico 50ml", "LUM-CIA-50", 2990, 0, 1.4),
    ("Detergente Viso Delicato 150ml", "LUM-DVD-150", 1490, 0, 1.3),
    ("Tonico Esfoliante AHA/BHA 200ml", "LUM-TEA-200", 1990, 0, 0.9),
    ("Contorno Occhi al Retinolo 15ml", "LUM-COR-15", 2750, 0, 0.7),
    ("Crema Solare Viso SPF50 50ml", "LUM-SPF-50", 2490, 0, 0.5),
    ("Maschera Notte ai Peptidi 75ml", "LUM-MNP-75", 3200, 0, 0.6),
    ("Balsamo Labbra Nutriente 10ml", "LUM-BLN-10", 790, 0, 0.9),
    ("Olio Struccante 100ml", "LUM-OST-100", 1850, 0, 0.8),
    ("Siero Niacinamide 10% 30ml", "LUM-SNI-30", 2290, 0, 1.0),
    ("Kit Routine Glow (3 prodotti)", "LUM-KIT-GLOW", 6900, 7970, 0.35),
    ("Cofanetto Regalo Natale", "LUM-GIFT-XM", 5900, 6800, 0.0),
)
_SPF, _KIT, _GIFT = 5, 10, 11
_PRODUCT_IDS = tuple(range(len(PRODUCTS)))


def _product_cum(spf: float, gift: float) -> tuple[float, ...]:
    weights = [w for *_, w in PRODUCTS]
    weights[_SPF], weights[_GIFT] = spf, gift
    return tuple(itertools.accumulate(weights))


# Cumulative product weights: the rest of the year, summer (sun cream), Christmas (gift box).
_PRODUCT_CUM = (_product_cum(.5, 0), _product_cum(1.6, 0), _product_cum(.5, 1.2))
PRODUCT_PATH = {0: "/products/siero-vitamina-c", 1: "/products/crema-idratante-acido-ialuronico"}

FIRST_NAMES = (
    "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Federica",
    "Elisa", "Silvia", "Laura", "Anna", "Roberta", "Paola", "Elena", "Simona", "Ilaria",
    "Camilla", "Beatrice", "Alice", "Giorgia", "Noemi", "Marta", "Arianna", "Serena", "Debora",
    "Sofia", "Aurora", "Greta", "Emma", "Marco", "Luca", "Andrea", "Matteo", "Davide", "Stefano",
)
LAST_NAMES = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi",
    "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara",
    "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Serra", "Coppola",
    "Marchetti", "De Luca", "D'Angelo", "De Santis",
)
# (city, province code, province name, zip, weight)
CITIES: tuple[tuple[str, str, str, str, float], ...] = (
    ("Milano", "MI", "Milano", "201", 14), ("Roma", "RM", "Roma", "001", 14),
    ("Torino", "TO", "Torino", "101", 6), ("Napoli", "NA", "Napoli", "801", 6),
    ("Bologna", "BO", "Bologna", "401", 4), ("Firenze", "FI", "Firenze", "501", 4),
    ("Genova", "GE", "Genova", "161", 3), ("Verona", "VR", "Verona", "371", 2.5),
    ("Padova", "PD", "Padova", "351", 2.5), ("Bari", "BA", "Bari", "701", 3),
    ("Palermo", "PA", "Palermo", "901", 3), ("Catania", "CT", "Catania", "951", 2),
    ("Brescia", "BS", "Brescia", "251", 2), ("Bergamo", "BG", "Bergamo", "241", 2),
    ("Monza", "MB", "Monza e Brianza", "209", 2), ("Cagliari", "CA", "Cagliari", "091", 1.5),
    ("Parma", "PR", "Parma", "431", 1.5), ("Trento", "TN", "Trento", "381", 1),
    ("Lecce", "LE", "Lecce", "731", 1), ("Pescara", "PE", "Pescara", "651", 1),
)
STREETS = ("Via Roma", "Corso Buenos Aires", "Via Garibaldi", "Viale Monza", "Via Dante",
           "Via Mazzini", "Via Cavour", "Corso Vittorio Emanuele II", "Via XX Settembre",
           "Piazza della Repubblica", "Via Verdi", "Viale dei Mille", "Via Manzoni")
MAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "libero.it", "hotmail.it", "yahoo.it",
                "icloud.com", "outlook.it")
PAYMENTS = (("Shopify Payments", .6), ("PayPal Express Checkout", .25), ("Satispay", .08),
            ("Klarna", .07))
# Baseline traffic: (source, medium, campaign, landing page, weight)
BASE_SOURCES: tuple[tuple[str, str, str, str, float], ...] = (
    ("google", "organic", "(organic)", "/", .30),
    ("(direct)", "(none)", "(direct)", "/", .22),
    ("google", "cpc", "Brand_Search_IT", "/collections/bestseller", .10),
    ("google", "cpc", "PMax_Skincare_IT", "/products/siero-vitamina-c", .06),
    ("newsletter", "email", "newsletter_settimanale", "/collections/novita", .09),
    ("l.instagram.com", "referral", "(referral)", "/", .07),
    ("facebook", "paid", "retargeting_dpa", "/products/crema-idratante-acido-ialuronico", .08),
    ("bing", "organic", "(organic)", "/", .03),
    ("tiktok.com", "referral", "(referral)", "/", .03),
    ("chatgpt.com", "referral", "(referral)", "/", .02),
)
# Where influenced buyers without a link land: typing the address, searching the brand.
HALO_SOURCES: tuple[tuple[str, str, str, str, float], ...] = (
    ("(direct)", "(none)", "(direct)", "/", .45),
    ("google", "organic", "(organic)", "/", .35),
    ("l.instagram.com", "referral", "(referral)", "/", .12),
    ("tiktok.com", "referral", "(referral)", "/", .08),
)
SURVEY_GENERIC = ("instagram", "Instagram", "tiktok", "TikTok", "google", "Google", "un'amica",
                  "passaparola", "da un'amica", "pubblicità su facebook", "youtube",
                  "non ricordo", "farmacia", "newsletter", "ricerca su google", "amica")
EMV_CARD: dict[str, dict[str, str]] = {
    "instagram": {"impressions": "0.005", "reach": "0.008", "views": "0.010", "likes": "0.08",
                  "comments": "0.60", "shares": "0.50", "saves": "0.40", "link_clicks": "0.90"},
    "tiktok": {"impressions": "0.003", "reach": "0.005", "views": "0.004", "likes": "0.04",
               "comments": "0.40", "shares": "0.35", "saves": "0.30", "link_clicks": "0.70"},
    "youtube": {"impressions": "0.008", "reach": "0.010", "views": "0.030", "likes": "0.10",
                "comments": "0.80", "shares": "0.60", "saves": "0.40", "link_clicks": "1.00"},
}
# Captions per language and campaign kind: {code}, {product} filled in.
CAPTIONS: dict[str, dict[str, str]] = {
    "it": {"E": "La mia routine di primavera ✨ Il {product} di @lumina.skincare mi ha "
                "cambiato la pelle. Con il codice {code} hai il 20% di sconto!",
           "B": "Black Friday da @lumina.skincare 🖤 -25% con il mio codice {code}, solo fino "
                "a domenica!",
           "A": "Skincare della sera con @lumina.skincare 🌙 {product} sempre nella mia "
                "routine. Codice {code} per il 10%"},
    "ko": {"E": "봄맞이 루틴 ✨ @lumina.skincare {product} 요즘 매일 써요. 코드 {code} 20% 할인!",
           "B": "블랙프라이데이 🖤 @lumina.skincare 코드 {code} 25% 할인",
           "A": "저녁 스킨케어 🌙 @lumina.skincare {product} 코드 {code} 10% 할인"},
    "zh": {"E": "春天保養日常 ✨ 最近愛用 @lumina.skincare 的{product}，輸入 {code} 享8折！",
           "B": "黑色星期五 🖤 @lumina.skincare 輸入 {code} 享75折",
           "A": "晚間保養 🌙 @lumina.skincare {product}，輸入 {code} 享9折"},
    "fa": {"E": "روتین بهاری من ✨ {product} از @lumina.skincare — با کد {code} ۲۰٪ تخفیف",
           "B": "بلک فرایدی 🖤 @lumina.skincare با کد {code} ۲۵٪ تخفیف",
           "A": "مراقبت شبانه 🌙 {product} از @lumina.skincare — کد {code} ۱۰٪ تخفیف"},
    "en": {"E": "My spring glow routine ✨ loving the {product} from @lumina.skincare, use "
                "{code} for 20% off",
           "B": "Black Friday at @lumina.skincare 🖤 25% off with my code {code}",
           "A": "Evening skincare 🌙 {product} from @lumina.skincare, {code} for 10% off"},
}
TAGS = {"it": "#adv #pubblicità #luminaskincare #skincareroutine",
        "ko": "#광고 #협찬 #luminaskincare #스킨케어",
        "zh": "#廣告 #合作 #luminaskincare #保養",
        "fa": "#تبلیغ #adv #luminaskincare #skincare",
        "en": "#ad #sponsored #luminaskincare #skincare"}
# Creators who tuck the disclosure at the end of a long caption, behind "more", where a
# regulator says it is not seen: everyone else puts it first, as the brief asks.
DISCLOSE_LAST = frozenset({"martina", "luca", "jessica", "yating"})
DISCLOSURE_TAGS = frozenset({"#adv", "#pubblicità", "#광고", "#협찬", "#廣告", "#合作", "#تبلیغ",
                             "#ad", "#sponsored"})


def _caption(creator: str, text: str, tags: str) -> str:
    """The caption as the creator writes it: disclosure first, unless she is one of the few
    who leave it at the end (or forgot it)."""
    words = tags.split()
    upfront = [w for w in words if w in DISCLOSURE_TAGS]
    if creator in DISCLOSE_LAST or not upfront:
        return f"{text} {tags}"
    rest = " ".join(w for w in words if w not in DISCLOSURE_TAGS)
    return f"{' '.join(upfront)} {text} {rest}"


# Hours (from publishing) over which a post's effect decays, by content type.
DECAY_HOURS = {"story": 14.0, "reel": 40.0, "feed_post": 30.0, "video": 36.0, "short": 30.0,
               "link_in_bio": 240.0}
YT_VIDEO_DECAY = 110.0
HOUR_WEIGHTS = np.array([1.2, .7, .4, .25, .2, .3, .6, 1.2, 2, 2.8, 3.2, 3.4, 3.6, 3.8, 3.4,
                         3.2, 3.3, 3.6, 4.2, 4.6, 5.2, 5.6, 4.8, 3.0])
MONTH_FACTOR = (.9, .92, 1.0, 1.02, 1.0, .9, .78, .7, .95, 1.0, 1.1, 1.3)
WEEKDAY_FACTOR = (1.05, 1.0, .98, .97, .92, .85, 1.12)


# --------------------------------------------------------------------------- small helpers

def _cents(value: int) -> str:
    """Money as Shopify and the sheets write it: 2 decimals, '.' separator."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    return f"{sign}{v // 100}.{v % 100:02d}"


def _cents_it(value: int) -> str:
    """Money as Italian Excel writes it: decimal comma, no grouping."""
    return _cents(value).replace(".", ",")


def _pct(amount: int, percent: int) -> int:
    """``percent`` % of ``amount`` cents, rounded half-even (the accountants' rule)."""
    q = (Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return int(q)


def vat_included(total_cents: int) -> int:
    """The 22% Italian VAT contained in a VAT-inclusive amount, rounded half-even to the cent.

    Italian shops show prices with VAT (B2C rule), so Shopify's ``Taxes`` is the VAT inside
    ``Total``, not added to it.
    """
    q = (Decimal(total_cents) * VAT_RATE / (100 + VAT_RATE)).quantize(
        Decimal(1), rounding=ROUND_HALF_EVEN)
    return int(q)


def _shopify_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, TZ).strftime("%Y-%m-%d %H:%M:%S %z")


def _iso_time(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), TZ).isoformat(sep=" ")


def _sheet_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, TZ).strftime("%Y-%m-%d %H:%M")


def _local_date(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, TZ).date()


def _midnight(day: date) -> int:
    """Epoch seconds of local midnight starting ``day`` (DST-aware)."""
    return int(datetime.combine(day, time(0), TZ).timestamp())


def _black_friday(year: int) -> date:
    nov1 = date(year, 11, 1)
    first_thursday = nov1 + timedelta(days=(3 - nov1.weekday()) % 7)
    return first_thursday + timedelta(days=22)


def _token(pr: random.Random, n: int, alphabet: str = "abcdefghijkmnpqrstuvwxyz23456789") -> str:
    return "".join(pr.choices(alphabet, k=n))


@functools.cache
def _cum(table: tuple[tuple[Any, ...], ...]) -> tuple[float, ...]:
    """Cumulative weights of a table whose rows end with their weight."""
    return tuple(itertools.accumulate(row[-1] for row in table))


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], *,
               delimiter: str = ",", bom: bool = False, terminator: str = "\n") -> int:
    n = 0
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator=terminator)
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def _sheet(kind: str) -> tuple[str, ...]:
    """The canonical column names of ``kind``, from kinds.py (one source of truth)."""
    return tuple(f.name for f in KINDS[kind].fields)


def _rows(kind: str, records: Iterable[dict[str, str]]) -> Iterable[list[str]]:
    names = _sheet(kind)
    for r in records:
        yield [r.get(n, "") for n in names]


# --------------------------------------------------------------------------- model records

@dataclass
class _Campaign:
    id: str
    kind: str                # A, E, B
    name: str
    starts: date
    ends: date | None
    discount: int            # percent off with a creator's code
    prefix: str              # code prefix


@dataclass
class _Post:
    id: str
    creator: _Creator
    account: _Account
    campaign: _Campaign
    content_type: str
    planned: date
    published: int | None    # epoch seconds
    caption: str
    reused: bool
    final: dict[str, int] = field(default_factory=dict)  # 30-day metrics


@dataclass(slots=True)
class _Order:
    epoch: int
    kind: str                        # base, inf, renewal
    creator: str | None = None
    campaign: str | None = None
    post: str | None = None
    platform: str | None = None
    link: str = ""                   # "", utm, landing, affiliate
    code: str = ""                   # the creator's code if the buyer used it
    consent: bool = True
    parent: int = -1                 # renewal: index of the first subscription order
    starts_subscription: bool = False
    number: int = 0
    shopify_id: int = 0
    customer: int = -1
    new_customer: bool = True
    lines: list[tuple[int, int, int]] = field(default_factory=list)  # product, qty, unit cents
    typed_code: str = ""
    discount: int = 0
    shipping: int = 0
    ship_method: str = ""
    status: str = "paid"
    refunded: int = 0
    cancelled: bool = False
    click_id: str = ""
    survey_names: str | None = None  # creator id the survey answer names
    source: tuple[str, str, str, str, str] = ("", "", "", "", "")  # src, med, camp, cont, land
    gross: int = 0                   # line items at their price, before the discount
    session_at: int = 0              # when the buying session began

    @property
    def subtotal(self) -> int:
        return self.gross - self.discount

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping


@dataclass
class _Customer:
    first: str
    last: str
    email: str
    city: tuple[str, str, str, str, float]
    street: str
    address2: str
    zip: str
    phone: str
    marketing: bool


# --------------------------------------------------------------------------- the generator

class _Brand:
    """Builds the brand in dependency order (cast, posts, orders, traffic, money), then
    writes every export from the same state so the files agree with each other."""

    def __init__(self, directory: Path, seed: int, today: date, scale: float) -> None:
        self.dir = directory
        self.seed = seed
        self.today = today
        self.scale = scale
        self.rng = np.random.default_rng(seed)
        self.pr = random.Random(seed)
        self.start = today - relativedelta(years=2) + timedelta(days=1)
        self.end_epoch = _midnight(today + timedelta(days=1))
        self.days = [self.start + timedelta(days=i) for i in range((today - self.start).days + 1)]
        self.months = [date(self.start.year, self.start.month, 1) + relativedelta(months=i)
                       for i in range((today.year - self.start.year) * 12
                                      + today.month - self.start.month + 1)]
        self.creators = {c.id: c for c in CREATORS}
        self.campaigns = self._campaigns()
        self.click_rollout = self.start + relativedelta(months=9)
        self.chatgpt_from = self.start + relativedelta(months=13)  # AI answers start to refer
        self.chatgpt_epoch = _midnight(self.chatgpt_from)
        self.followers: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.posts: list[_Post] = []
        self.assets: list[dict[str, str]] = []
        self.codes: dict[tuple[str, str], str] = {}          # (creator, campaign) -> code
        self.links: dict[tuple[str, str, str], dict[str, str]] = {}  # (creator, camp, platform)
        self.orders: list[_Order] = []
        self.customers: list[_Customer] = []
        self.emails: set[str] = set()
        self.costs: list[dict[str, str]] = []
        self.pay_terms: list[dict[str, str]] = []
        self.fx: list[tuple[date, Decimal]] = []
        self.fx_days: list[date] = []
        self.files: list[tuple[str, Path]] = []
        self.mix_files: list[tuple[str, Path]] = []
        self.counts: dict[str, int] = {}

    # ---------------------------------------------------------------- campaigns and cast

    def _campaigns(self) -> dict[str, _Campaign]:
        """Campaign dates follow ``today``: the latest Black Friday that has started and the
        latest Easter inside the history, so the demo stays current whatever ``today`` is."""
        bf_year = self.today.year
        if self.today < _black_friday(bf_year) - timedelta(days=11):
            bf_year -= 1
        bf = _black_friday(bf_year)
        e_year = self.today.year
        while easter(e_year) + timedelta(days=1) >= self.today:
            e_year -= 1
        eday = easter(e_year)
        amb = date(self.start.year, self.start.month, 1) + relativedelta(months=2)
        ey, by = f"{e_year % 100:02d}", f"{bf_year % 100:02d}"
        out = [
            _Campaign("ambassadors", "A", "Lumina Ambassador", amb, None, 10, "LUMINA"),
            _Campaign(f"easter{ey}", "E", f"Pasqua {e_year}: Glow di primavera",
                      eday - timedelta(days=27), eday + timedelta(days=1), 20, f"EASTER{ey}"),
            _Campaign(f"bf{by}", "B", f"Black Friday {bf_year}", bf - timedelta(days=11),
                      bf + timedelta(days=2), 25, f"BF{by}"),
        ]
        return {c.kind: c for c in out}

    def _month_index(self, epoch: float) -> float:
        d = _local_date(epoch)
        m0 = self.months[0]
        return (d.year - m0.year) * 12 + d.month - m0.month + (d.day - 1) / 30.0

    def _build_followers(self) -> None:
        """Monthly follower counts: organic growth with noise, plus bought bursts. The second
        array is the real audience (no bought followers), which drives reach and sales."""
        n = len(self.months)
        for c in CREATORS:
            for a in c.accounts:
                steps = self.rng.normal(a.growth, a.growth * 0.35 + .003, n)
                steps[0] = 0.0
                real = a.followers * np.exp(np.cumsum(np.log1p(steps)))
                shown = real.copy()
                if a.jump is not None:
                    month, factor = a.jump
                    shown[month:] = shown[month:] + real[month] * (factor - 1) * np.exp(
                        -0.02 * np.arange(n - month))
                self.followers[(a.platform, a.handle)] = (np.round(shown), real)

    def _followers_at(self, account: _Account, epoch: float, real: bool = False) -> float:
        shown, true = self.followers[(account.platform, account.handle)]
        series = true if real else shown
        return float(np.interp(self._month_index(epoch), np.arange(len(series)), series))

    # ---------------------------------------------------------------- posts and metrics

    def _content_type(self, platform: str, kind: str, first: bool) -> str:
        r = self.pr.random()
        if platform == "instagram":
            if kind == "A":
                return "reel" if r < .4 else "story" if r < .75 else "feed_post"
            return "reel" if first else "story"
        if platform == "tiktok":
            return "video"
        return "video" if (first or r < .5) else "short"

    def _schedule(self) -> list[tuple[_Creator, _Account, _Campaign, str, date]]:
        """The content calendar: ambassadors post monthly, the timed campaigns in a burst
        (Easter before the holiday; Black Friday teaser, the day itself, a reminder)."""
        plan: list[tuple[_Creator, _Account, _Campaign, str, date]] = []
        amb, eas, bfc = self.campaigns["A"], self.campaigns["E"], self.campaigns["B"]
        eday = eas.ends - timedelta(days=2) if eas.ends else eas.starts
        bf = bfc.starts + timedelta(days=11)
        for c in CREATORS:
            primary = c.accounts[0]
            second = c.accounts[1] if len(c.accounts) > 1 else None
            if "A" in c.campaigns:
                first_month = max(c.months[0], 2)
                for mi in range(first_month, min(c.months[1], len(self.months) - 1) + 1):
                    m = self.months[mi]
                    length = ((m + relativedelta(months=1)) - m).days
                    for k in range(1 + (self.pr.random() < .45)):
                        day = m + timedelta(days=self.pr.randrange(length))
                        plan.append((c, primary, amb, self._content_type(
                            primary.platform, "A", k == 0), day))
                    if second and self.pr.random() < .4:
                        day = m + timedelta(days=self.pr.randrange(length))
                        plan.append((c, second, amb, self._content_type(
                            second.platform, "A", False), day))
                if c.landing:
                    mstart = self.months[first_month]
                    plan.append((c, primary, amb, "link_in_bio", mstart))
            if "E" in c.campaigns:
                span = (eday - eas.starts).days
                n = 3 if primary.platform == "instagram" else 2
                for k in range(n):
                    day = eas.starts + timedelta(days=3 + self.pr.randrange(max(1, span - 3)))
                    plan.append((c, primary, eas, self._content_type(
                        primary.platform, "E", k == 0), day))
                if second:
                    day = eas.starts + timedelta(days=5 + self.pr.randrange(max(1, span - 5)))
                    plan.append((c, second, eas, self._content_type(
                        second.platform, "E", True), day))
            if "B" in c.campaigns:
                days = (bf - timedelta(days=2 + self.pr.randrange(5)), bf,
                        bf + timedelta(days=1))
                for k, day in enumerate(days):
                    plan.append((c, primary, bfc, self._content_type(
                        primary.platform, "B", k == 0), day))
                if second:
                    plan.append((c, second, bfc, self._content_type(second.platform, "B", True),
                                 bf - timedelta(days=1)))
        plan.sort(key=lambda p: (p[4], p[0].id, p[2].id, p[1].platform, p[3]))
        return plan

    def _build_posts(self) -> None:
        """Posts as monitored: a few go out late, one paid post never does, a couple miss
        the disclosure hashtag or misspell the brand's, as content monitoring finds."""
        seq: dict[tuple[str, str], int] = defaultdict(int)
        never = ("hannah", self.campaigns["E"].id)
        never_done = False
        for c, a, camp, ctype, planned in self._schedule():
            if planned > self.today:
                continue
            seq[(c.id, camp.id)] += 1
            pid = f"{c.id}-{camp.id}-{PLATFORM_SHORT[a.platform]}-{ctype}-{seq[(c.id, camp.id)]}"
            late = self.pr.random() < .08
            day = planned + timedelta(days=self.pr.randint(1, 3) if late else 0)
            hour = 12.5 + 2 * self.pr.random() if c.lang in ("ko", "zh") else \
                17.5 + 4 * self.pr.random()
            published: int | None = _midnight(day) + int(hour * 3600) + self.pr.randrange(60)
            if (c.id, camp.id) == never and not never_done and seq[(c.id, camp.id)] == 2:
                published, never_done = None, True  # promised, paid, never posted
            if published is not None and published >= self.end_epoch:
                published = None
            code = self.codes[(c.id, camp.id)]
            product = PRODUCTS[0][0] if camp.kind != "A" else PRODUCTS[
                self._favourite(c) if self.pr.random() < .6 else self.pr.choice((1, 2, 6, 9))][0]
            text = CAPTIONS[c.lang][camp.kind].format(code=code, product=product)
            tags = TAGS[c.lang]
            if c.id in ("valentina", "hannah") and seq[(c.id, camp.id)] == 1:
                tags = "#luminaskincare #glow"          # disclosure missing
            elif self.pr.random() < .04:
                tags = tags.replace("#luminaskincare", "#luminaskincar")  # misspelt
            reused = ctype in ("reel", "video") and self.pr.random() < .18
            self.posts.append(_Post(pid, c, a, camp, ctype, planned, published,
                                    _caption(c.id, text, tags), reused))

    def _favourite(self, c: _Creator) -> int:
        return (0, 1, 6, 9, 4)[sum(map(ord, c.id)) % 5]

    def _post_metrics(self) -> list[list[str]]:
        """Snapshots at 1, 3, 7 and 30 days: cumulative, saturating, smaller tiers engage
        more; bought followers add to the count but not to reach or engagement."""
        rows: list[list[str]] = []
        tier_reach = {"nano": .38, "micro": .26, "macro": .17, "mega": .11}
        tier_er = {"nano": .095, "micro": .058, "macro": .036, "mega": .018}
        sat_days = {"story": .5, "reel": 2.0, "feed_post": 1.5, "video": 1.8, "short": 2.0,
                    "link_in_bio": 10.0}
        for p in self.posts:
            if p.published is None:
                continue
            shown = self._followers_at(p.account, p.published)
            real = self._followers_at(p.account, p.published, real=True)
            tier = _tier(shown)
            rr = tier_reach[tier] * (1.5 if p.account.platform == "tiktok" else 1.0)
            if p.content_type == "story":
                rr *= .45
            sigma = .7 if p.account.platform == "tiktok" else .35
            reach = real * rr * float(self.rng.lognormal(0, sigma))
            er = tier_er[tier] * {"instagram": 1.0, "tiktok": 1.2, "youtube": .6}[
                p.account.platform] * p.creator.quality ** .25
            u = self.rng.uniform(0, 1, 12)
            likes = reach * er * (.8 + .2 * u[0])
            ctype, plat = p.content_type, p.account.platform
            impressions = reach * (1.15 + .45 * u[1])
            views = impressions * (1.0 + .4 * u[2])
            if ctype == "story":
                clicks = reach * (.008 + .012 * u[3])
            elif plat == "youtube" and ctype == "video":
                clicks = views * (.004 + .008 * u[3])
            elif ctype == "link_in_bio":
                clicks = real * (.01 + .01 * u[3])
            else:
                clicks = reach * (.001 + .002 * u[3])
            visits = reach * (.015 + .025 * u[4])
            final: dict[str, float | None] = {
                "reach": reach, "impressions": impressions,
                "views": None if ctype in ("feed_post", "link_in_bio") else views,
                "likes": None if ctype in ("story", "link_in_bio") else likes,
                "comments": None if ctype == "link_in_bio" else likes * (.02 + .04 * u[5]),
                "shares": None if ctype == "link_in_bio" else likes * (.02 + .06 * u[6]),
                "saves": None if ctype in ("story", "link_in_bio") or plat == "youtube"
                else likes * (.05 + .10 * u[7]),
                "link_clicks": clicks, "profile_visits": visits,
                "follows": visits * (.05 + .10 * u[8]),
            }
            if ctype == "link_in_bio":
                final["reach"] = final["impressions"] = None
            p.final = {k: int(v) for k, v in final.items() if v is not None}
            tau = sat_days[ctype] * (4 if plat == "youtube" else 1)
            for k in (1, 3, 7, 30):
                at = p.published + k * 86400
                if at >= self.end_epoch:
                    break
                s = (1 - math.exp(-k / tau)) / (1 - math.exp(-30 / tau))
                vals = {m: ("" if v is None else str(int(v * s))) for m, v in final.items()}
                rows.append([p.id, _sheet_time(at), *(vals[m] for m in _sheet("post_metrics")[2:])])
        return rows

    # ---------------------------------------------------------------- tracking assets

    def _build_assets(self) -> None:
        """One code per creator and campaign, one short link per account used, landing pages
        for two creators and one affiliate id, as a brand issues them before posting."""
        for c in CREATORS:
            for camp in self.campaigns.values():
                if camp.kind not in c.campaigns:
                    continue
                code = f"{camp.prefix}_{c.id.upper()}"
                self.codes[(c.id, camp.id)] = code
                self.assets.append({"id": f"{c.id}-{camp.id}-code", "kind": "promo_code",
                                    "influencer_id": c.id, "campaign_id": camp.id,
                                    "code": code})
                for a in c.accounts:
                    short = PLATFORM_SHORT[a.platform]
                    slug = f"{c.id}" if camp.kind == "A" and a is c.accounts[0] else \
                        f"{c.id}-{camp.id}-{short}"
                    dest = {"A": "/collections/bestseller", "E": PRODUCT_PATH[0],
                            "B": "/collections/black-friday"}[camp.kind]
                    # utm_content carries the placement; the timed campaigns add their id so
                    # a session says which of a creator's links it came from.
                    content = PLACEMENT[a.platform] if camp.kind == "A" else \
                        f"{PLACEMENT[a.platform]}_{camp.id}"
                    utm_campaign = "MartinaRicci" if (c.id == "martina" and a.platform ==
                                                      "tiktok") else a.handle
                    link = {"id": f"{c.id}-{camp.id}-{short}-link", "kind": "utm_link",
                            "influencer_id": c.id, "campaign_id": camp.id, "code": slug,
                            "platform": a.platform, "destination": SHOP + dest,
                            "utm_source": short, "utm_medium": "influencer",
                            "utm_campaign": utm_campaign, "utm_content": content}
                    self.links[(c.id, camp.id, a.platform)] = link
                    self.assets.append(link)
                if camp.kind == "A" and c.landing:
                    self.assets.append({"id": f"{c.id}-landing", "kind": "landing_page",
                                        "influencer_id": c.id, "campaign_id": camp.id,
                                        "code": f"/pages/{c.id}",
                                        "platform": c.accounts[0].platform,
                                        "destination": f"{SHOP}/pages/{c.id}"})
                if camp.kind == "A" and c.affiliate:
                    self.assets.append({"id": f"{c.id}-affiliate", "kind": "affiliate",
                                        "influencer_id": c.id, "campaign_id": camp.id,
                                        "code": c.affiliate, "platform": c.accounts[0].platform,
                                        "destination": f"{SHOP}/collections/bestseller"
                                                       f"?ref={c.affiliate}"})

    def _code_valid(self, camp: _Campaign, c: _Creator, epoch: int) -> bool:
        """Shopify refuses expired codes: buyers inspired late leave no code behind."""
        d = _local_date(epoch)
        if camp.kind == "A":
            last = self.months[min(c.months[1], len(self.months) - 1)] + relativedelta(months=1)
            return camp.starts <= d < last
        return camp.starts <= d <= (camp.ends or d)

    # ---------------------------------------------------------------- orders

    def _baseline_rate(self, d: date) -> float:
        """Expected orders on ``d`` without creators: weekly and yearly seasonality, Black
        Friday and Christmas peaks, a summer dip and steady growth (DOMAIN.md: never compare
        Q2 with Q4 blindly)."""
        rate = 40.0 * MONTH_FACTOR[d.month - 1] * WEEKDAY_FACTOR[d.weekday()]
        rate *= 1 + 0.18 * (d - self.start).days / 365
        bf = _black_friday(d.year)
        off = (d - bf).days
        if -7 <= off < 0:
            rate *= 1.3
        elif 0 <= off <= 3:
            rate *= (3.0, 2.2, 1.9, 2.4)[off]
        elif 4 <= off <= 6:
            rate *= 1.2
        elif d.month == 12 and d.day <= 22:
            rate *= 1.35
        elif d.month == 12:
            rate *= .75
        if d.month == 2 and 7 <= d.day <= 14:
            rate *= 1.1
        mothers_day = date(d.year, 5, 1) + timedelta(days=(6 - date(d.year, 5, 1).weekday()) % 7
                                                     + 7)
        if 0 <= (mothers_day - d).days < 7:
            rate *= 1.15
        return rate * self.scale

    def _build_baseline(self) -> None:
        lam = np.array([self._baseline_rate(d) for d in self.days])
        counts = self.rng.poisson(lam)
        mids = np.array([_midnight(d) for d in self.days], dtype=np.int64)
        total = int(counts.sum())
        hours = self.rng.choice(24, size=total, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
        secs = hours * 3600 + self.rng.integers(0, 3600, size=total)
        epochs = np.repeat(mids, counts) + secs
        self.orders.extend(_Order(int(e), "base") for e in epochs if e < self.end_epoch)

    def _build_influenced(self) -> None:
        """Each published post drives incremental orders that decay over the following days;
        the channel each order leaves a trace through is drawn here (most leave none)."""
        camp_mult = {"A": .45, "E": .95, "B": 1.2}
        ct_mult = {"story": .8, "reel": 1.0, "feed_post": .6, "video": 1.0, "short": .7,
                   "link_in_bio": .5}
        for p in self.posts:
            if p.published is None:
                continue
            c, camp, plat = p.creator, p.campaign, p.account.platform
            reach = p.final.get("reach") or int(self._followers_at(p.account, p.published, True)
                                                * .05)
            mu = reach * .0011 * c.quality * camp_mult[camp.kind] * ct_mult[p.content_type]
            if plat == "youtube" and p.content_type == "video":
                mu *= 1.2
            n = int(self.rng.poisson(mu * self.scale))
            if n == 0:
                continue
            tau = YT_VIDEO_DECAY if (plat == "youtube" and p.content_type == "video") else \
                DECAY_HOURS[p.content_type]
            delays = np.minimum(self.rng.exponential(tau, n), 40 * 24) * 3600 + \
                self.rng.uniform(300, 3600, n)
            for dl in delays:
                epoch = int(p.published + dl)
                if epoch >= self.end_epoch:
                    continue
                self.orders.append(self._influenced_order(p, epoch))

    def _influenced_order(self, p: _Post, epoch: int) -> _Order:
        c, camp, plat, pr = p.creator, p.campaign, p.account.platform, self.pr
        o = _Order(epoch, "inf", c.id, camp.id, p.id, plat, consent=pr.random() < CONSENT_RATE)
        sales = camp.kind != "A"
        p_link = {"story": .16, "link_in_bio": .30, "reel": .05, "feed_post": .04,
                  "short": .05}.get(p.content_type, .14 if plat == "youtube" else .06)
        r = pr.random()
        if camp.kind == "A" and c.affiliate and r < .15:
            o.link = "affiliate"
        elif camp.kind == "A" and c.landing and plat == c.accounts[0].platform \
                and p.content_type != "story" and r < .12 + p_link:
            o.link = "landing"
        elif r < p_link:
            o.link = "utm"
        if self._code_valid(camp, c, epoch):
            p_code = (.35 if sales else .2) if o.link else (.24 if sales else .1)
            if pr.random() < p_code:
                o.code = self.codes[(c.id, camp.id)]
        return o

    def _build_subscriptions(self) -> None:
        """Some first orders start a monthly subscription (more often for creators' buyers,
        who were sold on a routine); renewals follow until the subscriber churns."""
        firsts = list(self.orders)
        for i, o in enumerate(firsts):
            if self.pr.random() >= (.05 if o.kind == "inf" else .015):
                continue
            o.starts_subscription = True
            t = o.epoch
            while True:
                t += int((30 + self.pr.uniform(-2, 2)) * 86400)
                if t >= self.end_epoch or self.pr.random() < .13:
                    break
                self.orders.append(_Order(t, "renewal", parent=i))
        # Renewals point at their first order by object, so sorting keeps them together.
        parents = {id(r): firsts[r.parent] for r in self.orders if r.kind == "renewal"}
        self.orders.sort(key=lambda o: o.epoch)
        index = {id(o): k for k, o in enumerate(self.orders)}
        for o in self.orders:
            if o.kind == "renewal":
                o.parent = index[id(parents[id(o)])]

    def _new_customer(self) -> _Customer:
        pr = self.pr
        first, last = pr.choice(FIRST_NAMES), pr.choice(LAST_NAMES)
        city = pr.choices(CITIES, cum_weights=_cum(CITIES))[0]
        email = f"{_ascii(first)}.{_ascii(last)}{pr.randint(1, 999)}@{pr.choice(MAIL_DOMAINS)}"
        while email in self.emails:
            email = f"{_ascii(first)}{_ascii(last)}{pr.randint(1000, 99999)}@gmail.com"
        self.emails.add(email)
        zip_code = city[3] + f"{pr.randint(0, 61):02d}"
        phone = f"+39 3{pr.randint(20, 93)} {pr.randint(100, 999)} {pr.randint(1000, 9999)}" \
            if pr.random() < .35 else ""
        street = f"{pr.choice(STREETS)} {pr.randint(1, 180)}"
        address2 = f"Scala {pr.choice('ABC')}, int. {pr.randint(1, 20)}" \
            if pr.random() < .1 else ""
        return _Customer(first, last, email, city, street, address2, zip_code, phone,
                         pr.random() < .55)

    def _lines(self, o: _Order, day: date) -> list[tuple[int, int, int]]:
        pr = self.pr
        season = 1 if 5 <= day.month <= 8 else 2 if (
            (day.month == 11 and day.day >= 15) or (day.month == 12 and day.day <= 24)) else 0
        cum = _PRODUCT_CUM[season]
        chosen: list[int] = []
        if o.kind == "inf" and o.campaign == self.campaigns["E"].id:
            chosen.append(0)
        elif o.kind == "inf" and o.campaign == self.campaigns["B"].id and pr.random() < .4:
            chosen.append(_KIT)
        elif o.kind == "inf" and o.creator:
            chosen.append(self._favourite(self.creators[o.creator]))
        n = pr.choices((1, 2, 3, 4), cum_weights=(.42, .75, .92, 1.0))[0]
        while len(chosen) < n:
            k = pr.choices(_PRODUCT_IDS, cum_weights=cum)[0]
            if k not in chosen:
                chosen.append(k)
        out = []
        for k in chosen:
            qty = pr.choices((1, 2, 3), cum_weights=(.86, .98, 1.0))[0]
            out.append((k, qty, PRODUCTS[k][2]))
        return out

    def _typed(self, code: str) -> str:
        """Buyers type codes as they like: Shopify keeps what they typed."""
        r = self.pr.random()
        if r < .68:
            return code
        if r < .84:
            return code.lower()
        if r < .90:
            return code.title()
        if r < .95:
            head, _, name = code.partition("_")
            for plain, accented in (("A", "À"), ("I", "Ì"), ("E", "É"), ("O", "Ò")):
                if plain in name:
                    i = name.rindex(plain)
                    name = name[:i] + accented + name[i + 1:]
                    break
            return f"{head}_{name}".lower() if self.pr.random() < .5 else f"{head}_{name}"
        return self.pr.choice((f"{code} ", f" {code}", code.replace("_", "_ ")))

    def _finish_orders(self) -> None:
        """Number the orders, give them customers, baskets, discounts and fates."""
        pr = self.pr
        bfc = self.campaigns["B"]
        bf = bfc.starts + timedelta(days=11)
        known: list[int] = []  # customers who bought before, for repeat purchases
        sid = 5_400_000_000_000
        prev = self.orders[0].epoch if self.orders else 0
        for k, o in enumerate(self.orders):
            o.number = 1001 + k
            sid += (o.epoch - prev) * 2_900 + pr.randint(1, 4_000)
            prev = o.epoch
            o.shopify_id = sid
            day = _local_date(o.epoch)
            if o.kind == "renewal":
                parent = self.orders[o.parent]
                o.customer, o.new_customer = parent.customer, False
                o.lines = [(parent.lines[0][0], 1, _pct(PRODUCTS[parent.lines[0][0]][2], 90))]
            else:
                p_return = .25 if o.kind == "inf" else .35
                if known and pr.random() < p_return:
                    o.customer, o.new_customer = pr.choice(known), False
                else:
                    self.customers.append(self._new_customer())
                    o.customer = len(self.customers) - 1
                    known.append(o.customer)
                o.lines = self._lines(o, day)
            o.gross = gross = sum(q * p for _, q, p in o.lines)
            if o.code:
                camp = next(c for c in self.campaigns.values() if c.id == o.campaign)
                o.typed_code, o.discount = self._typed(o.code), _pct(gross, camp.discount)
            elif o.kind != "renewal":
                if -7 <= (day - bf).days <= 3 and pr.random() < .55:
                    o.typed_code, o.discount = "BLACKWEEK20", _pct(gross, 20)
                elif day.month == 12 and day.day <= 20 and pr.random() < .2:
                    o.typed_code, o.discount = "NATALE15", _pct(gross, 15)
                elif o.new_customer and pr.random() < .1:
                    o.typed_code, o.discount = "BENVENUTO10", _pct(gross, 10)
            if pr.random() < .05:
                o.ship_method, o.shipping = "Spedizione express 24h", 990
            elif o.subtotal >= 4900:
                o.ship_method, o.shipping = "Spedizione gratuita", 0
            else:
                o.ship_method, o.shipping = "Spedizione standard", 490
            r = pr.random() if o.epoch < self.end_epoch - 3 * 86400 else 1.0  # too recent
            if r < .006:
                o.status, o.cancelled = "voided", True
            elif r < .024:
                o.status, o.refunded = "refunded", o.total
            elif r < .039 and len(o.lines) > 1:
                _, q2, p2 = o.lines[-1]
                o.status = "partially_refunded"
                o.refunded = q2 * p2 - _pct(q2 * p2, round(100 * o.discount / max(1, gross)))
            o.session_at = o.epoch - pr.randint(180, 1800)
            if o.link == "utm" and day >= self.click_rollout and pr.random() < .9:
                o.click_id = "ck_" + _token(pr, 12)
            o.source = self._session_source(o)

    def _session_source(self, o: _Order) -> tuple[str, str, str, str, str]:
        """The GA4 session dimensions of the session that bought."""
        if o.link == "utm" and o.creator and o.campaign and o.platform:
            link = self.links[(o.creator, o.campaign, o.platform)]
            dest = link["destination"].removeprefix(SHOP)
            query = (f"?utm_source={link['utm_source']}&utm_medium=influencer&utm_campaign="
                     f"{link['utm_campaign']}&utm_content={link['utm_content']}")
            return (link["utm_source"], "influencer", link["utm_campaign"], link["utm_content"],
                    dest + query)
        if o.link == "landing" and o.creator and o.platform:
            return (REFERRAL_SOURCE[o.platform], "referral", "(referral)", "(not set)",
                    f"/pages/{o.creator}")
        if o.link == "affiliate" and o.creator and o.platform:
            aff = self.creators[o.creator].affiliate
            return (REFERRAL_SOURCE[o.platform], "referral", "(referral)", "(not set)",
                    f"/collections/bestseller?ref={aff}")
        if o.kind == "renewal":
            return ("(direct)", "(none)", "(direct)", "(not set)", "/")
        if o.kind == "inf":
            table = HALO_SOURCES
        else:
            table = BASE_SOURCES if o.epoch >= self.chatgpt_epoch else BASE_SOURCES[:-1]
        s = self.pr.choices(table, cum_weights=_cum(table))[0]
        return (s[0], s[1], s[2], "(not set)", s[3])

    # ---------------------------------------------------------------- surveys

    def _surveys(self) -> list[list[str]]:
        """A post-purchase survey: about one buyer in five answers, in her own words."""
        rows: list[list[str]] = []
        pr = self.pr
        # Buyers misremember creators they have recently seen, bigger ones more often.
        seen = sorted((p.published, p.creator.id) for p in self.posts if p.published)
        seen_at = [t for t, _ in seen]
        reach = {c.id: max(a.followers for a in c.accounts) ** .5 for c in CREATORS}
        n = 0
        for o in self.orders:
            if o.cancelled or o.kind == "renewal" or pr.random() >= .2:
                continue
            if o.kind == "inf" and o.creator and pr.random() < .45:
                c = self.creators[o.creator]
                answer, o.survey_names = pr.choice(c.says), c.id
            elif o.kind == "inf" and o.platform and pr.random() < .6:
                answer = pr.choice((o.platform, o.platform.capitalize(), f"su {o.platform}",
                                    f"un'influencer su {o.platform}"))
            elif o.kind == "base" and pr.random() < .012 and (recent := sorted({
                    cid for _, cid in seen[bisect.bisect_left(seen_at, o.epoch - 60 * 86400):
                                           bisect.bisect_left(seen_at, o.epoch)]})):
                c = self.creators[pr.choices(recent, weights=[reach[r] for r in recent])[0]]
                answer, o.survey_names = pr.choice(c.says), c.id
            else:
                answer = pr.choice(SURVEY_GENERIC)
            n += 1
            question = "Come ci hai conosciuto?" if pr.random() < .85 else \
                "How did you hear about us?"
            at = o.epoch + pr.randint(60, 900)
            # Survey apps export Shopify's order Id, not the "#1001" name.
            rows.append([f"r-{n:06d}", str(o.shopify_id), _sheet_time(at), question, answer])
        return rows

    # ---------------------------------------------------------------- sessions and clicks

    def _link_traffic(self) -> dict[tuple[str, date], int]:
        """Daily human sessions per short link / landing page / affiliate id, spread from
        each post's link clicks with the post's decay."""
        traffic: dict[tuple[str, date], int] = defaultdict(int)
        for p in self.posts:
            if p.published is None or not p.final.get("link_clicks"):
                continue
            c, camp, plat = p.creator, p.campaign, p.account.platform
            key = self.links[(c.id, camp.id, plat)]["id"]
            if camp.kind == "A" and c.landing and plat == c.accounts[0].platform \
                    and p.content_type != "story":
                key = f"{c.id}-landing"
            elif camp.kind == "A" and c.affiliate and plat == c.accounts[0].platform \
                    and p.content_type != "story":
                key = f"{c.id}-affiliate"
            tau = (YT_VIDEO_DECAY if (plat == "youtube" and p.content_type == "video")
                   else DECAY_HOURS[p.content_type]) / 24
            k = np.arange(30)
            frac = np.exp(-k / tau) - np.exp(-(k + 1) / tau)
            daily = self.rng.poisson(p.final["link_clicks"] * .9 * self.scale * frac)
            d0 = _local_date(p.published)
            for i in np.nonzero(daily)[0]:
                d = d0 + timedelta(days=int(i))
                if d <= self.today:
                    traffic[(key, d)] += int(daily[i])
        return traffic

    def _sessions_and_clicks(self) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
        """GA4 exploration rows, first-party session rows and redirect-service clicks."""
        pr = self.pr
        assets = {a["id"]: a for a in self.assets}
        traffic = self._link_traffic()
        ga4: dict[tuple[str, ...], int] = defaultdict(int)
        ga4_purchases: list[tuple[str, ...]] = []
        fp: list[tuple[int, list[str]]] = []
        clicks: list[tuple[int, list[str]]] = []
        bought: dict[tuple[str, date], list[_Order]] = defaultdict(list)
        for o in self.orders:
            d = _local_date(o.epoch)
            src = o.source
            if o.link and o.creator and o.campaign and o.platform:
                key = {"utm": self.links[(o.creator, o.campaign, o.platform)]["id"],
                       "landing": f"{o.creator}-landing",
                       "affiliate": f"{o.creator}-affiliate"}[o.link]
                bought[(key, d)].append(o)
            if o.consent:
                ga4_purchases.append((d.strftime("%Y%m%d"), *src, str(o.number), "1",
                                      _cents(o.total)))
        # Baseline and halo traffic, aggregated by day and source.
        halo_orders: dict[date, int] = defaultdict(int)
        for o in self.orders:
            if o.kind == "inf" and not o.link:
                halo_orders[_local_date(o.epoch)] += 1
        late = self.chatgpt_from
        for d in self.days:
            base = self._baseline_rate(d) / .022 * CONSENT_RATE
            halo = halo_orders.get(d, 0) / .03 * CONSENT_RATE
            ds = d.strftime("%Y%m%d")
            for table, volume in ((BASE_SOURCES, base), (HALO_SOURCES, halo)):
                if volume <= 0:
                    continue
                for s in table:
                    if s[0] == "chatgpt.com" and d < late:
                        continue
                    n = int(self.rng.poisson(volume * s[4]))
                    if n:
                        ga4[(ds, s[0], s[1], s[2], "(not set)", s[3], "")] += n
        # Creator traffic: consenting visitors in GA4, the others in the first-party log.
        for key, d in sorted(set(traffic) | set(bought)):
            human = traffic.get((key, d), 0)
            a = assets[key]
            buyers = bought.get((key, d), [])
            human = max(human, len(buyers))
            in_ga4 = int(self.rng.binomial(human, CONSENT_RATE))
            ga4_buy = sum(1 for o in buyers if o.consent)
            fp_buy = [o for o in buyers if not o.consent]
            ds = d.strftime("%Y%m%d")
            if a["kind"] == "utm_link":
                dest = a["destination"].removeprefix(SHOP)
                dims = (a["utm_source"], "influencer", a["utm_campaign"], a["utm_content"],
                        dest + f"?utm_source={a['utm_source']}&utm_medium=influencer"
                        f"&utm_campaign={a['utm_campaign']}&utm_content={a['utm_content']}")
            else:
                plat = a["platform"]
                dims = (REFERRAL_SOURCE[plat], "referral", "(referral)", "(not set)",
                        a["destination"].removeprefix(SHOP))
            rest = max(0, in_ga4 - ga4_buy)
            if rest:
                ga4[(ds, *dims, "")] += rest
            if a["kind"] != "utm_link":
                continue
            noon = _midnight(d) + 12 * 3600
            others = max(0, human - in_ga4 - len(fp_buy))
            if others:
                fp.append((noon, ["", _iso_time(noon), str(others), "", a["utm_source"],
                                  "influencer", a["utm_campaign"], a["utm_content"], "", dest,
                                  REFERRER[_plat_of(a)], "", "", "", ""]))
            for o in fp_buy:
                t = o.session_at
                fp.append((t, ["", _iso_time(t), "1", "fp." + _token(pr, 16, "0123456789abcdef"),
                               a["utm_source"], "influencer", a["utm_campaign"],
                               a["utm_content"], "", dest, REFERRER[_plat_of(a)],
                               str(o.number), o.click_id, _cents(o.total), "EUR"]))
            if d < self.click_rollout:
                continue
            mid = _midnight(d)
            purchase_clicks = [o for o in buyers if o.click_id]
            for o in purchase_clicks:
                t = o.session_at - pr.randint(1, 4)  # the redirect, then the landing
                clicks.append((t, [o.click_id, a["code"], _iso_time(t), "", _agent(pr, a),
                                   REFERRER[_plat_of(a)], "false"]))
            plain = human - len(purchase_clicks) + int(self.rng.binomial(human, .08))
            bots = int(self.rng.binomial(human, .05))
            hours = self.rng.choice(24, size=plain + bots, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
            for j, hour in enumerate(hours):
                t = mid + int(hour) * 3600 + pr.randrange(3600)
                bot = j >= plain
                clicks.append((t, ["ck_" + _token(pr, 12), a["code"], _iso_time(t), "",
                                   _BOT_AGENT if bot else _agent(pr, a),
                                   "" if bot else REFERRER[_plat_of(a)],
                                   "true" if bot else "false"]))
        ga4_rows = [[*k, str(v), "0"] for k, v in ga4.items()]
        ga4_rows.extend(list(p) for p in ga4_purchases)
        ga4_rows.sort(key=lambda r: (r[0], -int(r[7]), r[1], r[2], r[3], r[4], r[5], r[6]))
        fp.sort(key=lambda x: (x[0], x[1][11]))
        fp_rows = [[f"fp-{i + 1:06d}", *row[1:]] for i, (_, row) in enumerate(fp)]
        clicks.sort(key=lambda x: (x[0], x[1][0]))
        return ga4_rows, fp_rows, [row for _, row in clicks]

    # ---------------------------------------------------------------- money out

    def _build_fx(self) -> None:
        """USD→EUR on business days (as the ECB publishes): a noisy walk inside 0.85–0.95."""
        d = self.start - timedelta(days=10)
        rate = .925
        n = (self.today - d).days + 1
        target = np.linspace(.925, .862, n)
        noise = self.rng.normal(0, .0028, n)
        for i in range(n):
            rate = min(.95, max(.85, rate + .08 * (target[i] - rate) + noise[i]))
            if d.weekday() < 5:
                self.fx.append((d, Decimal(f"{rate:.4f}")))
            d += timedelta(days=1)
        self.fx_days = [d for d, _ in self.fx]

    def _to_eur(self, cents: int, currency: str, day: date) -> int:
        if currency == "EUR":
            return cents
        i = bisect.bisect_right(self.fx_days, day) - 1
        rate = self.fx[max(i, 0)][1]
        return int((Decimal(cents) * rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))

    def _fee_per_post(self, c: _Creator, when: int) -> int:
        followers = max(self._followers_at(a, when) for a in c.accounts)
        rate = {"nano": .01, "micro": .008, "macro": .005, "mega": .0035}[_tier(followers)]
        fee = followers * rate * float(self.rng.lognormal(0, .12))
        if c.currency == "USD":
            fee *= 1.1
        return max(100, round(fee / 50) * 50) * 100

    def _cost(self, cid: str, category: str, cents: int, currency: str, day: date,
              creator: str = "", campaign: str = "", post: str = "", note: str = "") -> None:
        self.costs.append({"id": cid, "category": category, "amount": _cents_it(cents),
                           "currency": currency, "incurred_on": day.isoformat(),
                           "influencer_id": creator, "campaign_id": campaign,
                           "post_id": post, "note": note, "_cents": str(cents)})

    def _build_costs(self) -> None:
        """Every cost a CFO counts; flat fees are here, performance pay comes from pay_terms."""
        pr = self.pr
        by_cc: dict[tuple[str, str], list[_Post]] = defaultdict(list)
        for p in self.posts:
            by_cc[(p.creator.id, p.campaign.id)].append(p)
        for (cid, camp_id), posts in by_cc.items():
            c = self.creators[cid]
            camp = posts[0].campaign
            first = min(p.planned for p in posts)
            when = _midnight(first)
            per_post = self._fee_per_post(c, when)
            n = len(posts)
            tag = f"{cid}-{camp_id}"
            kind = c.pay
            if c.pay in ("flat", "hybrid"):
                share = 1.0 if c.pay == "flat" else .45
                if camp.kind == "A":
                    monthly: dict[date, int] = defaultdict(int)
                    for p in posts:
                        monthly[p.planned.replace(day=1)] += 1
                    retainer = int(per_post * 1.4 * share * .6 / 5000) * 5000 or 10000
                    for m in sorted(monthly):
                        self._cost(f"{tag}-fee-{m:%Y%m}", "fee", retainer, c.currency, m,
                                   cid, camp_id, note=f"Retainer ambassador {m:%m/%Y}")
                    flat = retainer
                else:
                    flat = int(per_post * n * share / 5000) * 5000
                    kinds: dict[str, int] = defaultdict(int)
                    for p in posts:
                        kinds[p.content_type] += 1
                    note = " + ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
                    self._cost(f"{tag}-fee", "fee", flat, c.currency, first, cid, camp_id,
                               note=note)
                    if _tier(self._followers_at(c.accounts[0], when)) in ("macro", "mega"):
                        self._cost(f"{tag}-agent", "agent_fee", _pct(flat, 15), c.currency,
                                   first, cid, camp_id, note="Agenzia talent; 15% del compenso")
                    if c.marketplace:
                        self._cost(f"{tag}-marketplace", "platform_fee", _pct(flat, 10), "EUR",
                                   first, cid, camp_id, note="Commissione marketplace 10%")
            else:
                flat = 0
            self._pay_term(c, camp, kind, flat)
            # Samples and their shipping: each campaign, and each quarter for ambassadors.
            ship_days = sorted({p.planned.replace(day=1) - timedelta(days=8) for p in posts
                                if camp.kind != "A" or p.planned.month % 3 == 1}) or [first]
            if camp.kind != "A":
                ship_days = ship_days[:1]
            far = c.country not in ("IT", "DE", "GB")
            for j, d in enumerate(ship_days):
                d = max(d, self.start)
                self._cost(f"{tag}-samples-{j + 1}", "samples", pr.randint(6, 18) * 1000,
                           "EUR", d, cid, camp_id, note="Kit prodotti omaggio")
                ship = pr.randint(38, 55) * 100 if far else pr.choice((790, 1450, 1890))
                self._cost(f"{tag}-shipping-{j + 1}", "shipping", ship, "EUR", d, cid, camp_id,
                           note="Spedizione campioni")
            for p in posts:
                if p.published is None:
                    continue
                if p.reused or (p.account.platform == "youtube" and p.content_type == "video"
                                and pr.random() < .4):
                    self._cost(f"{p.id}-production", "production", pr.randint(3, 16) * 5000,
                               "EUR", p.planned, cid, camp_id, p.id,
                               note="Montaggio e diritti d'uso; riuso sul sito")
                if p.reused:
                    self._cost(f"{p.id}-boost", "amplification", pr.randint(4, 30) * 5000, "EUR",
                               p.planned + timedelta(days=1), cid, camp_id, p.id,
                               note="Partnership ads / Spark Ads")
        for camp in self.campaigns.values():
            if camp.kind == "A":
                m = camp.starts
                while m <= self.today:
                    self._cost(f"ambassadors-platform-{m:%Y%m}", "platform_fee", 19900, "EUR", m,
                               campaign=camp.id, note="Piattaforma gestione creator")
                    self._cost(f"ambassadors-overhead-{m:%Y%m}", "overhead", 35000, "EUR", m,
                               campaign=camp.id, note="Ore interne social media manager")
                    m += relativedelta(months=1)
            elif camp.starts <= self.today:
                cents = 180000 if camp.kind == "E" else 240000
                self._cost(f"{camp.id}-overhead", "overhead", cents, "EUR", camp.starts,
                           campaign=camp.id, note="Ore interne: brief, contratti, report")
                self._cost(f"{camp.id}-platform", "platform_fee", 49000, "EUR", camp.starts,
                           campaign=camp.id, note="Tool di monitoraggio contenuti")

    def _pay_term(self, c: _Creator, camp: _Campaign, kind: str, flat: int) -> None:
        row = {"id": f"{c.id}-{camp.id}", "influencer_id": c.id, "campaign_id": camp.id,
               "kind": kind, "currency": c.currency}
        if kind in ("flat", "hybrid"):
            row["flat_fee"] = _cents(flat)
        if kind in ("per_sale", "hybrid"):
            row["per_sale"] = "3.00" if kind == "hybrid" else "5.00"
        if kind == "revenue_share":
            row["revenue_share"] = "12"
        if kind == "hybrid":
            row["cap"] = "2500.00"
        self.pay_terms.append(row)

    # ---------------------------------------------------------------- brand followers

    def _brand_followers(self) -> list[list[str]]:
        """Weekly counts; creators' posts add followers on their platform that week."""
        start = {"instagram": 18_400, "tiktok": 6_200, "youtube": 1_150, "facebook": 9_800}
        organic = {"instagram": 90, "tiktok": 110, "youtube": 8, "facebook": 4}
        weekly_post: dict[tuple[str, date], int] = defaultdict(int)
        for p in self.posts:
            if p.published is not None:
                d = _local_date(p.published)
                week = d - timedelta(days=d.weekday())
                weekly_post[(p.account.platform, week)] += p.final.get("follows", 0)
        rows: list[list[str]] = []
        monday = self.start - timedelta(days=self.start.weekday())
        if monday < self.start:
            monday += timedelta(days=7)
        for plat, count0 in start.items():
            count = float(count0)
            d = monday
            while d <= self.today:
                rows.append([plat, f"{d.isoformat()} 00:00", str(int(count))])
                growth = organic[plat] * (1 + (d - self.start).days / 500)
                gain = growth * float(self.rng.lognormal(0, .25)) + \
                    .25 * weekly_post.get((plat, d), 0)
                count += gain - count * .0008
                d += timedelta(days=7)
        return rows

    # ---------------------------------------------------------------- marketing-mix inputs

    def _mix_inputs(self) -> None:
        """The other channels, the controls and brand search a marketing-mix model needs.

        Drawn from their own ``random.Random`` (``seed + MIX_SEED``) and written last, so the
        orders, traffic and every figure pinned elsewhere do not move. Spend and search scale
        with ``scale`` like the shop's traffic. The events mark the peaks the baseline orders
        already have (Black Friday, Christmas, Mother's Day); the stock-out and the price rise
        are recorded but not played into the orders, which predate them in this generator.
        """
        mr = random.Random(self.seed + MIX_SEED)
        for kind, name, rows in (
                ("channel-spend", "channel_spend.csv", self._channel_spend(mr)),
                ("events", "events.csv", self._events(mr)),
                ("brand-search", "brand_search.csv", self._brand_search(mr))):
            path = self.dir / name
            self.counts[name] = _write_csv(path, _sheet(kind), _rows(kind, rows))
            self.mix_files.append((kind, path))

    def _push(self, d: date) -> float:
        """How hard paid media push on ``d``: the Black Friday week, then Christmas."""
        off = (d - _black_friday(d.year)).days
        if -10 <= off < 0:
            return 2.0
        if 0 <= off <= 3:
            return (3.4, 2.6, 2.3, 3.0)[off]   # Friday to Cyber Monday
        if d.month == 12:
            return 1.6 if d.day <= 20 else .55
        return .8 if d.month == 1 else 1.0

    def _channel_spend(self, mr: random.Random) -> list[dict[str, str]]:
        """Daily Meta and Google ads (Meta dark for two summer weeks, as small brands do) and
        the e-mail platform's cost per send; a day without delivery has no row, as in the ads
        managers' exports."""
        meta_week = (1.05, 1.0, .95, .95, .9, 1.0, 1.2)
        rows: list[dict[str, str]] = []
        for d in self.days:
            years = (d - self.start).days / 365
            season = MONTH_FACTOR[d.month - 1] * self._push(d) * self.scale
            if not (d.month == 8 and 5 <= d.day <= 18):
                cents = round(17_000 * (1 + .25 * years) * season * meta_week[d.weekday()]
                              * mr.lognormvariate(0, .15))
                cpm = 6.5 * (1.35 if self._push(d) > 1.5 else 1.0) * mr.lognormvariate(0, .1)
                shown = round(cents / 100 / cpm * 1000)
                rows.append({"channel": "meta_ads", "date": d.isoformat(),
                             "amount": _cents(cents), "currency": "EUR",
                             "impressions": str(shown),
                             "clicks": str(round(shown * .011 * mr.lognormvariate(0, .12)))})
            cents = round(11_000 * (1 + .15 * years) * season * WEEKDAY_FACTOR[d.weekday()]
                          * mr.lognormvariate(0, .12))
            cpc = .55 * (1.3 if self._push(d) > 1.5 else 1.0) * mr.lognormvariate(0, .08)
            clicks = round(cents / 100 / cpc)
            rows.append({"channel": "google_ads", "date": d.isoformat(),
                         "amount": _cents(cents), "currency": "EUR",
                         "impressions": str(round(clicks / (.045 * mr.lognormvariate(0, .1)))),
                         "clicks": str(clicks)})
            bf_off = (d - _black_friday(d.year)).days
            xmas = d.month == 12 and d.day <= 20 and d.weekday() in (0, 2, 4)
            if d.weekday() in (1, 4) or -3 <= bf_off <= 3 or xmas:
                sent = round(18_000 * (1 + .3 * years) * self.scale * .98)
                rows.append({"channel": "email", "date": d.isoformat(),
                             "amount": _cents(max(1, round(sent * .09))), "currency": "EUR",
                             "impressions": str(sent),
                             "clicks": str(round(sent * .38 * .06 * mr.lognormvariate(0, .2)))})
        return rows

    def _events(self, mr: random.Random) -> list[dict[str, str]]:
        """Each year's Black Friday sale, Christmas and Mother's Day offers, one stock-out of
        the best seller and one list-price rise; ids are left to the importer to derive."""
        rows: list[dict[str, str]] = []
        for year in range(self.start.year, self.today.year + 1):
            bf = _black_friday(year)
            may1 = date(year, 5, 1)
            mothers_day = may1 + timedelta(days=(6 - may1.weekday()) % 7 + 7)
            for kind, name, starts, ends, value in (
                    ("promotion", f"Festa della mamma {year}: -15%",
                     mothers_day - timedelta(days=6), mothers_day, "15"),
                    ("promotion", f"Black Friday {year}: -25% su tutto", bf,
                     bf + timedelta(days=3), "25"),
                    ("promotion", f"Natale {year}: spedizione gratuita", date(year, 12, 1),
                     date(year, 12, 20), "")):
                if self.start <= starts <= self.today:
                    rows.append({"kind": kind, "name": name, "starts_on": starts.isoformat(),
                                 "ends_on": ends.isoformat(), "value": value})
        out_from = self.start + timedelta(days=mr.randint(200, 260))
        rows.append({"kind": "stockout", "name": "Siero Vitamina C esaurito",
                     "starts_on": out_from.isoformat(),
                     "ends_on": (out_from + timedelta(days=mr.randint(7, 12))).isoformat()})
        rise = date(self.start.year, self.start.month, 1) + relativedelta(months=14)
        rows.append({"kind": "price_change", "name": "Nuovo listino: +8%",
                     "starts_on": rise.isoformat(), "value": "8"})
        return sorted(rows, key=lambda r: (r["starts_on"], r["name"]))

    def _brand_search(self, mr: random.Random) -> list[dict[str, str]]:
        """Daily searches for the brand's name: demand's seasonality and growth, plus every
        published post's audience searching for the brand over the following days."""
        index = {d: i for i, d in enumerate(self.days)}
        buzz = np.zeros(len(self.days))
        for p in self.posts:
            if p.published is None:
                continue
            reach = p.final.get("reach") or self._followers_at(p.account, p.published, True) * .05
            i = index.get(_local_date(p.published))
            if i is None:
                continue
            for age in range(min(21, len(self.days) - i)):
                buzz[i + age] += reach * .0018 * math.exp(-age / 2.5)
        rows: list[dict[str, str]] = []
        for d, extra in zip(self.days, buzz, strict=True):
            off = (d - _black_friday(d.year)).days
            peak = 2.4 if 0 <= off <= 3 else 1.6 if -7 <= off < 0 else \
                1.3 if d.month == 12 and d.day <= 22 else 1.0
            base = 260 * (1 + .3 * (d - self.start).days / 365) * MONTH_FACTOR[d.month - 1] \
                * WEEKDAY_FACTOR[d.weekday()] * peak
            volume = (base + float(extra)) * self.scale * mr.lognormvariate(0, .07)
            rows.append({"date": d.isoformat(), "volume": str(max(0, round(volume)))})
        return rows

    # ---------------------------------------------------------------- writing

    def _add(self, kind: str, name: str, header: Sequence[str],
             rows: Iterable[Sequence[str]], **kw: Any) -> None:
        path = self.dir / name
        self.counts[name] = _write_csv(path, header, rows, **kw)
        self.files.append((kind, path))

    def _canonical(self, kind: str, name: str, records: Iterable[dict[str, str]],
                   **kw: Any) -> None:
        self._add(kind, name, _sheet(kind), _rows(kind, records), **kw)

    def build(self) -> DemoFiles:
        self._build_followers()
        self._build_assets()
        self._build_posts()
        post_metric_rows = self._post_metrics()
        self._build_baseline()
        self._build_influenced()
        self._build_subscriptions()
        self._finish_orders()
        survey_rows = self._surveys()
        ga4_rows, fp_rows, click_rows = self._sessions_and_clicks()
        self._build_fx()
        self._build_costs()
        brand_rows = self._brand_followers()

        self._canonical("influencers", "influencers.csv", (
            {"id": c.id, "name": c.name, "aliases": "|".join(c.aliases), "country": c.country}
            for c in CREATORS))
        self._canonical("accounts", "accounts.csv", (
            {"influencer_id": c.id, "platform": a.platform, "handle": "@" + a.handle,
             "url": _profile_url(a)} for c in CREATORS for a in c.accounts))
        self._canonical("followers", "followers.csv", (
            {"platform": a.platform, "handle": "@" + a.handle,
             "captured_at": f"{m.isoformat()} 09:00",
             "followers": str(int(self.followers[(a.platform, a.handle)][0][i]))}
            for c in CREATORS for a in c.accounts for i, m in enumerate(self.months)))
        self._canonical("campaigns", "campaigns.csv", self._campaign_rows())
        self._canonical("goals", "goals.csv", self._goal_rows())
        self._canonical("posts", "posts.csv", (
            {"id": p.id, "campaign_id": p.campaign.id, "influencer_id": p.creator.id,
             "platform": p.account.platform, "content_type": p.content_type,
             "planned_on": p.planned.isoformat(),
             "published_at": "" if p.published is None else _sheet_time(p.published),
             "url": _post_url(p, self.pr), "caption": p.caption,
             "hashtags": "|".join(re.findall(r"#(\w+)", p.caption)),
             "reused": "true" if p.reused else "false"} for p in self.posts))
        self._canonical("assets", "assets.csv", self.assets)
        # Saved by Italian Excel: ';', decimal commas, UTF-8 with BOM, CRLF.
        self._canonical("costs", "costs.csv", self.costs, delimiter=";", bom=True,
                        terminator="\r\n")
        self._canonical("pay_terms", "pay_terms.csv", self.pay_terms)
        self._canonical("fx_rates", "fx_rates.csv", (
            {"base": "USD", "quote": "EUR", "date": d.isoformat(), "rate": str(r)}
            for d, r in self.fx))
        self._canonical("emv_rates", "emv_rates.csv", (
            {"platform": plat, "action": action, "rate": rate, "currency": "EUR"}
            for plat, card in EMV_CARD.items() for action, rate in card.items()))
        self._add("post_metrics", "post_metrics.csv", _sheet("post_metrics"), post_metric_rows)
        self._add("brand_followers", "brand_followers.csv", _sheet("brand_followers"),
                  brand_rows)
        self._add("shopify-orders", "orders_export_1.csv", SHOPIFY_HEADER,
                  self._shopify_rows())
        self._write_ga4(ga4_rows)
        self._add("sessions", "sessions.csv", _sheet("sessions"), fp_rows)
        self._add("clicks", "clicks.csv", _sheet("clicks"), click_rows)
        self._add("surveys", "surveys.csv", _sheet("surveys"), survey_rows)
        self._mix_inputs()
        truth = self._truth()
        (self.dir / "truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        from creatorroi.demo_quality import write_quality_files

        return DemoFiles(self.dir, self.files, truth, self.mix_files,
                         write_quality_files(self))

    def _campaign_rows(self) -> list[dict[str, str]]:
        a, e, b = self.campaigns["A"], self.campaigns["E"], self.campaigns["B"]
        ey = e.id.removeprefix("easter")
        return [
            {"id": a.id, "name": a.name, "goal_family": "awareness", "funnel_stage": "tofu",
             "business_goal": "Far conoscere Lumina a chi cura la pelle ogni giorno e far "
                              "crescere il traffico diretto e le ricerche del brand",
             "message": "Una routine semplice per una pelle luminosa, tutto l'anno",
             "starts_on": a.starts.isoformat(), "ends_on": "", "always_on": "true",
             "budget": "120000.00", "budget_currency": "EUR"},
            {"id": e.id, "name": e.name, "goal_family": "sales", "funnel_stage": "bofu",
             "business_goal": f"Portare gli ordini online da creator da 250 a 400 a Pasqua 20{ey}",
             "message": "Glow di primavera: 20% sul Siero Vitamina C con il codice del tuo "
                        "creator",
             "starts_on": e.starts.isoformat(), "ends_on": (e.ends or e.starts).isoformat(),
             "always_on": "false", "budget": "65000.00", "budget_currency": "EUR"},
            {"id": b.id, "name": b.name, "goal_family": "sales", "funnel_stage": "bofu",
             "business_goal": "Superare il Black Friday dell'anno scorso del 30% in ricavi",
             "message": "-25% su tutto con il codice del tuo creator, solo per il weekend",
             "starts_on": b.starts.isoformat(), "ends_on": (b.ends or b.starts).isoformat(),
             "always_on": "false", "budget": "110000.00", "budget_currency": "EUR"},
        ]

    def _goal_rows(self) -> list[dict[str, str]]:
        a, e, b = self.campaigns["A"], self.campaigns["E"], self.campaigns["B"]
        s = self.scale

        def n(x: float) -> str:
            return str(max(1, round(x * s)))

        year_start = date(self.today.year, 1, 1)
        year_end = date(self.today.year, 12, 31)
        ends_e, ends_b = (e.ends or e.starts).isoformat(), (b.ends or b.starts).isoformat()
        return [
            {"id": f"{e.id}-orders", "campaign_id": e.id, "metric": "orders", "target": n(400),
             "baseline": n(250), "deadline": ends_e,
             "description": "Ordini con i codici dei creator: da 250 (Pasqua scorsa) a 400"},
            {"id": f"{e.id}-revenue", "campaign_id": e.id, "metric": "revenue",
             "target": n(25000), "baseline": n(16000), "deadline": ends_e,
             "description": "Ricavi attribuiti ai creator nel periodo di Pasqua"},
            {"id": f"{e.id}-giulia-ig-orders", "campaign_id": e.id, "metric": "orders",
             "target": n(60), "deadline": ends_e, "influencer_id": "giulia",
             "platform": "instagram", "description": "Giulia: 60 ordini da Instagram"},
            {"id": "ambassadors-impressions", "campaign_id": a.id, "metric": "impressions",
             "target": "4000000", "baseline": "2500000",
             "starts_on": year_start.isoformat(), "deadline": year_end.isoformat(),
             "description": "4 milioni di impression nell'anno dagli ambassador"},
            {"id": "ambassadors-content", "campaign_id": a.id, "metric": "posts",
             "target": "200", "starts_on": a.starts.isoformat(),
             "deadline": year_end.isoformat(),
             "description": "200 contenuti creati, 40 riusati sul sito e negli ads"},
            {"id": "ambassadors-reused", "campaign_id": a.id, "metric": "reused_posts",
             "target": "40", "starts_on": a.starts.isoformat(),
             "deadline": year_end.isoformat(), "description": "40 contenuti riusati"},
            {"id": "ambassadors-follows", "campaign_id": a.id, "metric": "follows",
             "target": "15000", "starts_on": year_start.isoformat(),
             "deadline": year_end.isoformat(), "platform": "instagram",
             "description": "15.000 nuovi follower portati dagli ambassador su Instagram"},
            {"id": f"{b.id}-orders", "campaign_id": b.id, "metric": "orders", "target": n(650),
             "baseline": n(420), "deadline": ends_b,
             "description": "Ordini con i codici dei creator: da 420 a 650"},
            {"id": f"{b.id}-revenue", "campaign_id": b.id, "metric": "revenue",
             "target": n(50000), "baseline": n(34000), "deadline": ends_b,
             "description": "Ricavi attribuiti ai creator nel weekend del Black Friday"},
            {"id": f"{b.id}-jisoo-yt-clicks", "campaign_id": b.id, "metric": "link_clicks",
             "target": "5000", "deadline": ends_b, "influencer_id": "jisoo",
             "platform": "youtube", "description": "Jisoo: 5.000 clic dal link in descrizione"},
        ]

    def _shopify_rows(self) -> Iterable[list[str]]:
        """One row per line item, newest order first, as Shopify exports them."""
        pr = self.pr
        col = _SHOPIFY_COL
        width = len(SHOPIFY_HEADER)
        for o in reversed(self.orders):
            cu = self.customers[o.customer]
            name = f"{cu.first} {cu.last}"
            created = _shopify_time(o.epoch)
            fulfilled_at = ""
            ff = "unfulfilled" if o.cancelled else "fulfilled"
            ship_epoch = o.epoch + 86400 * pr.randint(1, 3)
            if not o.cancelled and ship_epoch < self.end_epoch:
                fulfilled_at = _shopify_time(ship_epoch)
            elif not o.cancelled:
                ff = "unfulfilled"
            notes = []
            if o.link == "landing":
                notes.append(f"landing_site: /pages/{o.creator}")
            if o.click_id:
                notes.append(f"cr_click: {o.click_id}")
            if o.link == "affiliate" and o.creator:
                notes.append(f"affiliate_id: {self.creators[o.creator].affiliate}")
            method = pr.choices(PAYMENTS, cum_weights=_cum(PAYMENTS))[0][0]
            ref = _token(pr, 25, _REF_ALPHABET)
            tags = ""
            if o.kind == "renewal":
                tags = "Subscription, Subscription Recurring Order"
            elif o.starts_subscription:
                tags = "Subscription, Subscription First Order"
            allocations = _allocate(o.discount, [q * p for _, q, p in o.lines])
            zip_code = "'" + cu.zip  # Shopify's guard against spreadsheets eating zeros
            street = cu.street + (f", {cu.address2}" if cu.address2 else "")
            line_status = "pending" if ff == "unfulfilled" else "fulfilled"
            taxes = _cents(vat_included(o.total))
            for i, ((k, qty, price), disc) in enumerate(zip(o.lines, allocations, strict=True)):
                pname, sku, list_price, compare, _ = PRODUCTS[k]
                row = [""] * width
                row[col["Name"]] = f"#{o.number}"
                row[col["Email"]] = cu.email
                row[col["Created at"]] = created
                row[col["Lineitem quantity"]] = str(qty)
                row[col["Lineitem name"]] = pname
                row[col["Lineitem price"]] = _cents(price)
                row[col["Lineitem compare at price"]] = _cents(compare) if compare else (
                    _cents(list_price) if price != list_price else "")
                row[col["Lineitem sku"]] = sku
                row[col["Lineitem requires shipping"]] = "true"
                row[col["Lineitem taxable"]] = "true"
                row[col["Lineitem fulfillment status"]] = line_status
                row[col["Vendor"]] = "Lumina Skincare"
                row[col["Lineitem discount"]] = _cents(disc)
                if i == 0:
                    order_level = {
                        "Financial Status": o.status,
                        "Paid at": "" if o.status == "voided" else created,
                        "Fulfillment Status": ff, "Fulfilled at": fulfilled_at,
                        "Accepts Marketing": "yes" if cu.marketing else "no",
                        "Currency": "EUR", "Subtotal": _cents(o.subtotal),
                        "Shipping": _cents(o.shipping), "Taxes": taxes,
                        "Total": _cents(o.total), "Discount Code": o.typed_code,
                        "Discount Amount": _cents(o.discount),
                        "Shipping Method": o.ship_method,
                        "Billing Name": name, "Billing Street": street,
                        "Billing Address1": cu.street, "Billing Address2": cu.address2,
                        "Billing City": cu.city[0], "Billing Zip": zip_code,
                        "Billing Province": cu.city[1], "Billing Country": "IT",
                        "Billing Phone": cu.phone,
                        "Shipping Name": name, "Shipping Street": street,
                        "Shipping Address1": cu.street, "Shipping Address2": cu.address2,
                        "Shipping City": cu.city[0], "Shipping Zip": zip_code,
                        "Shipping Province": cu.city[1], "Shipping Country": "IT",
                        "Shipping Phone": cu.phone,
                        "Notes": "Confezione regalo, per favore 🎁" if pr.random() < .01
                        else "",
                        "Note Attributes": "\n".join(notes),
                        "Cancelled at": _shopify_time(o.epoch + pr.randint(600, 7200))
                        if o.cancelled else "",
                        "Payment Method": method, "Payment Reference": ref,
                        "Refunded Amount": _cents(o.refunded), "Outstanding Balance": "0.00",
                        "Id": str(o.shopify_id), "Tags": tags,
                        "Risk Level": "Medium" if pr.random() < .02 else "Low",
                        "Source": "subscription_contract" if o.kind == "renewal" else "web",
                        "Tax 1 Name": "IVA 22%", "Tax 1 Value": taxes, "Phone": cu.phone,
                        "Billing Province Name": cu.city[2],
                        "Shipping Province Name": cu.city[2],
                        "Payment ID": ref, "Payment References": ref,
                    }
                    for key, value in order_level.items():
                        row[col[key]] = value
                yield row

    def _write_ga4(self, rows: list[list[str]]) -> None:
        """A GA4 Explorations free-form table exported as CSV, comment block included."""
        path = self.dir / "ga4_sessions.csv"
        sessions = sum(int(r[7]) for r in rows)
        revenue = sum(int(r[8].replace(".", "")) for r in rows)
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write("# ----------------------------------------\n# Free form 1\n"
                     "# Account: Lumina\n# Property: Lumina Shop\n"
                     "# ----------------------------------------\n#\n"
                     f"# Start date: {self.start:%Y%m%d}\n# End date: {self.today:%Y%m%d}\n\n")
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(GA4_HEADER)
            w.writerow(["Grand total", "", "", "", "", "", "", str(sessions), _cents(revenue)])
            w.writerows(rows)
        self.counts[path.name] = len(rows)
        self.files.append(("ga4", path))

    # ---------------------------------------------------------------- truth

    def _truth(self) -> dict[str, Any]:
        """What really happened, for tests and for judging attribution."""
        camp_by_id = {c.id: c for c in self.campaigns.values()}
        per_creator: dict[str, _Tally] = defaultdict(_Tally)
        per_campaign: dict[str, _Tally] = defaultdict(_Tally)
        orders_map: dict[str, Any] = {}
        misremembered = []
        code_orders: dict[str, int] = defaultdict(int)
        post_orders: dict[str, int] = defaultdict(int)
        totals, influenced = _Tally(), _Tally()
        subs_started: dict[str, int] = defaultdict(int)
        for o in self.orders:
            totals.add(o, None)
            if o.kind != "inf" or not o.creator or not o.campaign:
                orders_map[str(o.shopify_id)] = None
                if o.survey_names:
                    misremembered.append({"order": str(o.shopify_id), "number": o.number,
                                          "named": o.survey_names})
                continue
            ch = _channels(o)
            orders_map[str(o.shopify_id)] = {"number": o.number, "influencer": o.creator,
                                             "campaign": o.campaign,
                                         "post": o.post, "channels": ch,
                                         "new_customer": o.new_customer}
            influenced.add(o, ch)
            if o.code:
                code_orders[o.code] += 1
            if o.post:
                post_orders[o.post] += 1
            if o.starts_subscription:
                subs_started[o.creator] += 1
            per_creator[o.creator].add(o, ch)
            per_campaign[o.campaign].add(o, ch)
        costs_c: dict[str, int] = defaultdict(int)
        costs_k: dict[str, int] = defaultdict(int)
        for row in self.costs:
            eur = self._to_eur(int(row["_cents"]), row["currency"],
                               date.fromisoformat(row["incurred_on"]))
            if row["influencer_id"]:
                costs_c[row["influencer_id"]] += eur
            costs_k[row["campaign_id"]] += eur
        perf = self._performance_pay()
        creators_out: dict[str, Any] = {}
        for c in CREATORS:
            t = per_creator[c.id]
            cost = costs_c.get(c.id, 0)
            pay = sum(v for (cid, _), v in perf.items() if cid == c.id)
            total_cost = cost + pay
            creators_out[c.id] = {
                "name": c.name, **t.out(),
                "subscriptions_started": subs_started.get(c.id, 0),
                "cost_eur": _cents(cost), "performance_pay_eur": _cents(pay),
                "total_cost_eur": _cents(total_cost),
                "true_roi_pct": None if not total_cost else
                round((t.net - total_cost) * 100 / total_cost, 1),
                "suspicious_followers": any(a.jump is not None for a in c.accounts),
            }
        campaigns_out = {}
        for cid, camp in camp_by_id.items():
            t = per_campaign[cid]
            pay = sum(v for (_, k), v in perf.items() if k == cid)
            campaigns_out[cid] = {"name": camp.name, **t.out(),
                                  "cost_eur": _cents(costs_k.get(cid, 0)),
                                  "performance_pay_eur": _cents(pay)}
        return {
            "brand": BRAND, "seed": self.seed, "scale": self.scale,
            "period": {"start": self.start.isoformat(), "end": self.today.isoformat()},
            "definitions": {
                "order_key": "Shopify's numeric Id (= orders.id after import, = "
                             "surveys.order_id); 'number' is the order name without '#' "
                             "(= GA4 Transaction ID and sessions.transaction_id)",
                "revenue": "sum of Total - Refunded Amount over orders not cancelled (EUR, "
                           "VAT and shipping included)",
                "net": "line items - discount - refunded over orders not cancelled: the "
                       "orders sheet's net revenue",
                "eligible": "orders attribution may credit: not cancelled, status not "
                            "refunded/voided",
                "channels": "code: the creator's code is on the order; utm: the buying "
                            "session carries her UTM link (in GA4 or sessions.csv); click: "
                            "cr_click in Note Attributes, logged in clicks.csv; landing: her "
                            "landing page; affiliate: her affiliate id; survey: the answer "
                            "names her (a matcher may still miss a typo); untracked: none",
                "tracked": "any of code, utm, click, landing, affiliate",
                "cost_eur": "costs.csv lines naming the creator, in EUR at the dated FX rate",
                "performance_pay_eur": "estimate from pay_terms on tracked, eligible orders "
                                       "(per sale, revenue share of net, capped)",
                "true_roi_pct": "(net - total cost) / total cost x 100 over every order she "
                                "really drove",
            },
            "totals": {**totals.out(tracking=False), "influenced": {
                **influenced.out(), "tracked_share": round(
                    influenced.tracked / influenced.orders, 4) if influenced.orders else 0.0}},
            "influencers": creators_out,
            "campaigns": campaigns_out,
            "codes": {code: {"influencer": cid, "campaign": camp, "orders":
                             code_orders.get(code, 0)}
                      for (cid, camp), code in self.codes.items()},
            "posts": {p.id: {"published": p.published is not None,
                             "orders": post_orders.get(p.id, 0)} for p in self.posts},
            "audience": {
                "suspicious_accounts": [
                    {"influencer": c.id, "platform": a.platform, "handle": "@" + a.handle,
                     "burst_month": self.months[a.jump[0]].isoformat(), "factor": a.jump[1]}
                    for c in CREATORS for a in c.accounts if a.jump],
                "never_published": [p.id for p in self.posts if p.published is None],
                "missing_disclosure": [p.id for p in self.posts
                                       if not re.search(r"#(adv|ad|광고|廣告|تبلیغ)\b", p.caption)],
            },
            "survey_misremembered": misremembered,
            "files": dict(self.counts),
            "orders": orders_map,
        }

    def _performance_pay(self) -> dict[tuple[str, str], int]:
        """Per (creator, campaign): per-sale and revenue-share pay on tracked eligible orders,
        converted to EUR at the campaign's last day (today for the always-on programme)."""
        out: dict[tuple[str, str], int] = {}
        tracked: dict[tuple[str, str], list[_Order]] = defaultdict(list)
        for o in self.orders:
            if o.kind == "inf" and o.creator and o.campaign and _eligible(o) and \
                    set(_channels(o)) & set(TRACKED_CHANNELS):
                tracked[(o.creator, o.campaign)].append(o)
        camps = {c.id: c for c in self.campaigns.values()}
        for t in self.pay_terms:
            key = (t["influencer_id"], t["campaign_id"])
            orders = tracked.get(key, [])
            cents = 0
            if t.get("per_sale"):
                cents += len(orders) * int(t["per_sale"].replace(".", ""))
            if t.get("revenue_share"):
                cents += _pct(sum(_net(o) for o in orders), int(t["revenue_share"]))
            if t.get("cap"):
                cents = min(cents, int(t["cap"].replace(".", "")))
            camp = camps[t["campaign_id"]]
            out[key] = self._to_eur(cents, t["currency"], min(camp.ends or self.today,
                                                              self.today))
        return out


class _Tally:
    """Order counts and money for one slice of the truth."""

    def __init__(self) -> None:
        self.orders = self.eligible = self.revenue = self.net = 0
        self.tracked = self.survey_only = self.untracked = 0
        self.by_channel: dict[str, int] = defaultdict(int)
        self.tracked_net = 0

    def add(self, o: _Order, channels: list[str] | None) -> None:
        self.orders += 1
        self.eligible += _eligible(o)
        if not o.cancelled:
            self.revenue += o.total - o.refunded
            self.net += _net(o)
        if channels is None:
            return
        for c in channels:
            self.by_channel[c] += 1
        if set(channels) & set(TRACKED_CHANNELS):
            self.tracked += 1
            self.tracked_net += _net(o)
        elif "survey" in channels:
            self.survey_only += 1
        else:
            self.untracked += 1

    def out(self, tracking: bool = True) -> dict[str, Any]:
        money = {"orders": self.orders, "eligible_orders": self.eligible,
                 "revenue_eur": _cents(self.revenue), "net_eur": _cents(self.net)}
        if not tracking:
            return money
        return {**money, "tracked_orders": self.tracked,
                "tracked_net_eur": _cents(self.tracked_net),
                "survey_only_orders": self.survey_only, "untracked_orders": self.untracked,
                "by_channel": dict(sorted(self.by_channel.items()))}


def _net(o: _Order) -> int:
    return 0 if o.cancelled else o.gross - o.discount - o.refunded


def _eligible(o: _Order) -> bool:
    return not o.cancelled and o.status not in ("refunded", "voided") and _net(o) > 0


def _channels(o: _Order) -> list[str]:
    out = []
    if o.code:
        out.append("code")
    if o.link == "utm":
        out.append("utm")
    if o.click_id:
        out.append("click")
    if o.link in ("landing", "affiliate"):
        out.append(o.link)
    if o.survey_names and o.survey_names == o.creator:
        out.append("survey")
    return out or ["untracked"]


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split an order discount over its lines in proportion, the last line taking the rest."""
    base = sum(weights)
    if not total or not base:
        return [0] * len(weights)
    parts = [total * w // base for w in weights[:-1]]
    return [*parts, total - sum(parts)]


def _tier(followers: float) -> str:
    if followers >= 1_000_000:
        return "mega"
    if followers >= 100_000:
        return "macro"
    if followers >= 10_000:
        return "micro"
    return "nano"


def _plat_of(asset: dict[str, str]) -> str:
    return asset.get("platform") or "instagram"


_BOT_AGENT = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"


def _agent(pr: random.Random, asset: dict[str, str]) -> str:
    app = {"instagram": "Instagram 320.0.0.34.109", "tiktok": "musical_ly_34.1.2 JsSdk/2.0",
           "youtube": "com.google.ios.youtube/19.45.4"}[_plat_of(asset)]
    ios = pr.random() < .62
    return (f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_{pr.randint(0, 6)} like Mac OS X) "
            f"AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 {app}") if ios else \
        (f"Mozilla/5.0 (Linux; Android 14; SM-S91{pr.randint(1, 8)}B) AppleWebKit/537.36 "
         f"(KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36 {app}")


def _profile_url(a: _Account) -> str:
    return {"instagram": f"https://www.instagram.com/{a.handle}/",
            "tiktok": f"https://www.tiktok.com/@{a.handle}",
            "youtube": f"https://www.youtube.com/@{a.handle}"}[a.platform]


def _post_url(p: _Post, pr: random.Random) -> str:
    if p.published is None or p.content_type in ("story", "link_in_bio"):
        return ""  # stories vanish; a bio link has no post of its own
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    if p.account.platform == "instagram":
        kind = "reel" if p.content_type == "reel" else "p"
        return f"https://www.instagram.com/{kind}/{_token(pr, 11, alphabet)}/"
    if p.account.platform == "tiktok":
        return f"https://www.tiktok.com/@{p.account.handle}/video/{pr.randrange(10**18, 10**19)}"
    if p.content_type == "short":
        return f"https://www.youtube.com/shorts/{_token(pr, 11, alphabet)}"
    return f"https://www.youtube.com/watch?v={_token(pr, 11, alphabet)}"


def generate(directory: Path, *, seed: int = 7, today: date = date(2025, 11, 30),
             scale: float = 1.0) -> DemoFiles:
    """Write Lumina Skincare's exports and ``truth.json`` into ``directory``.

    The same ``seed``, ``today`` and ``scale`` give byte-identical files. ``scale`` multiplies
    orders and shop traffic, short-link clicks included (0.1 for fast tests); creators, posts,
    their insights and costs stay as they are, so below 1 the brand loses money.
    ``files`` lists (import kind, path) in the order an import must follow.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return _Brand(directory, seed, today, scale).build()
