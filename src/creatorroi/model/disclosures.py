"""Which disclosure tags each market's advertising rules accept, as shipped defaults.

Why per country: the same paid post is disclosed as ``#ad`` in the UK, ``#adv`` or
``#pubblicità`` in Italy, ``#광고`` or ``#협찬`` in Korea, ``#業配`` or ``#廣告`` in Taiwan, and
``#تبلیغ`` in Iran, and a regulator judges a post by its own market's list (the UK's ASA, for
one, does not accept ``#sp`` or ``#spon``). The lists follow each market's published guidance
as we read it (FTC, ASA/CAP, IAP Digital Chart, KFTC recommendation guidelines); a brand's
lawyer may know better, so the workspace settings replace any list and add markets.

Tags are written without ``#`` and compared case-blind after Unicode normalisation. ``*`` is
the list for a market with none of its own.
"""

from __future__ import annotations

DEFAULT_DISCLOSURES: dict[str, tuple[str, ...]] = {
    "*": ("ad", "advertising", "advertisement", "sponsored", "paidpartnership"),
    "US": ("ad", "advertisement", "sponsored", "paidpartnership", "paidad"),
    "GB": ("ad", "advert", "advertising", "advertisement", "advertisementfeature"),
    "IE": ("ad", "advert", "advertising", "advertisement", "sponsored"),
    "IT": ("adv", "ad", "advertising", "pubblicità", "pubblicita", "sponsorizzato",
           "inserzioneapagamento", "sponsoredby"),
    "CH": ("ad", "adv", "werbung", "pubblicità", "publicité", "sponsored"),
    "DE": ("werbung", "anzeige", "ad"),
    "FR": ("publicité", "sponsorisé", "collaborationcommerciale", "ad"),
    "ES": ("publicidad", "patrocinado", "ad"),
    "KR": ("광고", "협찬", "유료광고"),
    "TW": ("廣告", "業配", "贊助"),
    "HK": ("廣告", "贊助", "ad"),
    "IR": ("تبلیغ", "تبلیغات", "آگهی"),
}
