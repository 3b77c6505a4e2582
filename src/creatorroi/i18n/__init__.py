"""Translations from standard gettext catalogs (``i18n/<lang>/LC_MESSAGES/<domain>.po``).

Domains: ``creatorroi`` (messages a user sees at import and in the CLI) and ``report`` (the
report's labels and generated sentences, which translators may want to handle on their own).

Catalogs are read as ``.po`` with Babel at first use, so there is no compile step to forget in a
fresh checkout; translators edit the same files any gettext tool opens. English is the source
language: a message missing from a catalog falls back to its English text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

SUPPORTED = ("en", "it", "ko", "zh_Hant", "fa")
_HERE = Path(__file__).parent


def normalize_lang(lang: str | None) -> str:
    """Map ``it_IT``, ``zh-TW``, ``ko-KR``, ``fa_IR.UTF-8`` ... onto a supported language."""
    if not lang:
        return "en"
    tag = lang.split(".")[0].replace("-", "_")
    try:
        loc = Locale.parse(tag)
    except (ValueError, UnknownLocaleError):
        return "en"
    if loc.language == "zh":
        return "zh_Hant"
    return loc.language if loc.language in SUPPORTED else "en"


@cache
def _catalog(lang: str, domain: str = "creatorroi") -> dict[str, str]:
    po = _HERE / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po.exists():
        return {}
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def translator(lang: str | None, domain: str = "creatorroi") -> Callable[..., str]:
    """``_ = translator("it"); _("row {row}", row=3)`` formats the translated message."""
    table = _catalog(normalize_lang(lang), domain)

    def _(message: str, /, **values: object) -> str:
        text = table.get(message, message)
        return text.format(**values) if values else text

    return _
