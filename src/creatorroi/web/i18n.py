"""Which language a request gets, and the Jinja2 environment that renders in it.

Order: a language the user saved in her account, else the ``cr_lang`` cookie the language
picker sets (before login, or in local mode), else the browser's Accept-Language, else English.
Messages live in the ``web`` gettext domain (``i18n/<lang>/LC_MESSAGES/web.po``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from creatorroi.i18n import SUPPORTED, _catalog, normalize_lang

DOMAIN = "web"
TEMPLATES = Path(__file__).parent / "templates"
# The language picker shows each language in itself.
NATIVE_NAMES = {"en": "English", "it": "Italiano", "ko": "한국어", "zh_Hant": "繁體中文",
                "fa": "فارسی"}


def accept_language(header: str | None) -> list[str]:
    """Language tags of an Accept-Language header, most preferred first (RFC 9110 §12.5.4).

    Malformed entries are skipped; ``q=0`` means "not this one"; equal weights keep the
    header's order.
    """
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or not all(c.isalnum() or c == "-" for c in tag):
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0
        if 0 < q <= 1:
            weighted.append((-q, i, tag))
    return [tag for _, _, tag in sorted(weighted)]


def pick_language(saved: str | None, cookie: str | None, header: str | None) -> str:
    for choice in (saved, cookie):
        if choice and normalize_lang(choice) == choice.replace("-", "_") and \
                choice.replace("-", "_") in SUPPORTED:
            return choice.replace("-", "_")
    for tag in accept_language(header):
        lang = normalize_lang(tag)
        # normalize_lang maps anything unknown to "en"; only take "en" when asked for it
        if lang != "en" or tag.lower().startswith("en"):
            return lang
    return "en"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(("html", "j2", "svg")),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["LANGUAGES"] = [(code, NATIVE_NAMES[code]) for code in SUPPORTED]
    return env


# Test hook: called with (lang, msgid, translated?) on every lookup while set (see ``watch``).
_watchers: list[Callable[[str, str, bool], None]] = []


@cache
def _messages(lang: str) -> dict[str, str]:
    """The web's own messages over the report's and the importer's shared words."""
    table: dict[str, str] = {}
    for domain in ("creatorroi", "render", "report", DOMAIN):
        table.update(_catalog(normalize_lang(lang), domain))
    return table


def web_translator(lang: str) -> Callable[..., str]:
    table = _messages(lang)

    def _(message: str, /, **values: object) -> str:
        text = table.get(message)
        for watcher in _watchers:
            watcher(lang, message, text is not None)
        if text is None:
            text = message
        return text.format(**values) if values else text

    return _


@contextmanager
def watch(callback: Callable[[str, str, bool], None]) -> Iterator[None]:
    """Report every message looked up while inside (how the translation test finds gaps)."""
    _watchers.append(callback)
    try:
        yield
    finally:
        _watchers.remove(callback)
