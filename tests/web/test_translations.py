"""Every message a page shows has a translation in Italian, Korean, Traditional Chinese and
Persian, and every translation keeps its message's ``{placeholders}``.

Messages are found by rendering every page of the app (routes enumerated from the routers)
with a hook on the translator, so the list cannot drift from what users see. Set
``CREATORROI_MSGIDS=out.json`` to write the untranslated messages for translators.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

from creatorroi.i18n import SUPPORTED
from creatorroi.web.i18n import _messages, watch
from creatorroi.web.routes import ROUTERS

from conftest import Web
from msgids import python_msgids, template_msgids
from test_access import _url

LANGS = [lang for lang in SUPPORTED if lang != "en"]
CATALOGS = Path(__file__).resolve().parents[2] / "src" / "creatorroi" / "i18n"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _pages() -> list[str]:
    urls = ["/login", "/account", "/"]
    for router in ROUTERS:
        for r in router.routes:
            path = getattr(r, "path", "")
            if path.startswith("/api/") or "GET" not in getattr(r, "methods", set()):
                continue
            if path.endswith((".svg", ".png", ".html", ".csv")):
                continue   # downloads, not pages
            urls.append(_url(path))
    # error pages and validation messages
    urls += ["/w/w?start=2024-05-01&end=2024-04-01", "/w/w?start=yesterday", "/w/nope",
             "/w/w/no-such-page"]
    return urls


def test_every_page_message_is_translated(web: Web) -> None:
    missing: dict[str, set[str]] = defaultdict(set)
    seen: set[str] = set()

    def record(lang: str, msgid: str, translated: bool) -> None:
        seen.add(msgid)
        if not translated and lang != "en" and msgid.strip():
            missing[lang].add(msgid)

    owner = web.client("owner")
    anon = web.client(None)
    with watch(record):
        for lang in LANGS:
            owner.cookies.set("cr_lang", lang)
            anon.cookies.set("cr_lang", lang)
            anon.get("/login")
            for url in _pages():
                owner.get(url)
    for lang in LANGS:
        table = _messages(lang)
        missing[lang] |= {m for m in template_msgids() | python_msgids() if m not in table}
    out = os.environ.get("CREATORROI_MSGIDS")
    if out:
        Path(out).write_text(json.dumps({k: sorted(v) for k, v in missing.items()},
                                        ensure_ascii=False, indent=1))
    assert len(seen) > 100, "the hook saw too few messages: are pages rendering?"
    report = {lang: sorted(ids)[:15] for lang, ids in missing.items() if ids}
    assert not report, f"untranslated ({sum(map(len, missing.values()))}): {report}"


def test_translations_keep_their_placeholders() -> None:
    for lang in LANGS:
        po = CATALOGS / lang / "LC_MESSAGES" / "web.po"
        if not po.exists():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for m in catalog:
            if m.id and m.string:
                assert set(PLACEHOLDER.findall(str(m.string))) == \
                    set(PLACEHOLDER.findall(str(m.id))), (lang, m.id, m.string)
