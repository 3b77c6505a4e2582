"""The report's lessons on content and audience quality, on the tiny world with quality data
(see tests/test_quality_kpis.py for what it holds)."""

from __future__ import annotations

from decimal import Decimal

import creatorroi
from creatorroi.i18n import _catalog
from creatorroi.report.build import build_report
from test_quality_kpis import add_quality

import world


def _values(sentence) -> dict:  # type: ignore[no-untyped-def]
    return {k: v for k, v, _ in sentence.values}


def test_lessons_name_compliance_sentiment_audience_and_target(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = world.build(creatorroi.connect(str(tmp_path / "s.duckdb")))
    add_quality(ws)
    report = build_report(ws, campaign="easter", as_of=world.now())
    lessons = report.section("lessons").sentences
    by = {s.msgid.split(" ")[0] + s.msgid.split(" ")[1]: s for s in lessons}
    compliance = next(s for s in lessons if "followed the brief" in s.msgid)
    assert _values(compliance) == {"rate": 50.0, "compliant": 1, "checked": 2}
    sentiment = next(s for s in lessons if s.msgid.startswith("Comment sentiment"))
    assert _values(sentiment)["comments"] == 4
    assert abs(_values(sentiment)["sentiment"] - 0.9 / 4) < 1e-9
    failed = next(s for s in lessons if "failed the audience audit" in s.msgid)
    v = _values(failed)
    assert v["account"] == "@jisoo.glow" and v["score"] == 41
    # the heaviest reason is named, in the report's language (English here)
    assert v["reason"] == "Engagement rate 0.4% is far below the benchmark 3.1%."
    # jisoo's fee: 100.00 USD at the 21 March rate 0.92
    assert v["cost"] == Decimal("92.00")
    target = next(s for s in lessons if "target audience" in s.msgid)
    assert _values(target)["share"] == 56.0
    table = report.table("quality")
    rows = {r[0]: r for r in table.rows}
    assert rows["@jisoo.glow"][4] == 41.0 and rows["@giulia.skin"][1] == 0.0
    assert by  # every sentence has at least two words


def test_quality_lessons_are_translated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = world.build(creatorroi.connect(str(tmp_path / "s.duckdb")))
    add_quality(ws)
    report = build_report(ws, campaign="easter", as_of=world.now(), lang="it")
    section = report.section("lessons")
    ids = {s.msgid for s in section.sentences} | {report.table("quality").title}
    ids |= {c.label for c in report.table("quality").columns}
    for lang in ("it", "ko", "zh_Hant", "fa"):
        catalog = _catalog(lang, "report")
        missing = sorted(m for m in ids if m not in catalog)
        assert not missing, (lang, missing)


def test_warmest_and_coolest_creators_are_named(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from creatorroi.report import quality

    monkeypatch.setattr(quality, "MIN_COMMENTS", 1)   # the world has 3 and 1 comments
    ws = world.build(creatorroi.connect(str(tmp_path / "s.duckdb")))
    add_quality(ws)
    report = build_report(ws, campaign="easter", as_of=world.now())
    warm = next(s for s in report.section("lessons").sentences
                if s.msgid.startswith("Warmest comments"))
    v = _values(warm)
    # giulia: (0.8 + 0 - 0.5) / 3 = 0.1; jisoo: 0.6
    assert (v["best"], v["worst"]) == ("@jisoo.glow", "@giulia.skin")
    assert abs(v["best_value"] - 0.6) < 1e-9 and abs(v["worst_value"] - 0.1) < 1e-9
