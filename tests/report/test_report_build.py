"""The report builder on the hand-built world: its numbers are the core's, checked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import creatorroi
from creatorroi.i18n import _catalog
from creatorroi.report.build import ReportRefused, build_report
from creatorroi.report.model import Report
from creatorroi.report.vocab import all_msgids

import world

LANGS = ("it", "ko", "zh_Hant", "fa")


def report_msgids(report: Report) -> set[str]:
    """Every msgid a renderer will translate: titles, labels, notes, sentences, series."""
    ids = {report.title}
    for s in report.sections:
        ids.add(s.title)
        ids.update(f.label for f in s.figures)
        ids.update(x.msgid for x in s.sentences)
        for t in s.tables:
            ids.add(t.title)
            ids.update(c.label for c in t.columns)
            if t.note:
                ids.add(t.note)
        for c in s.charts:
            ids.add(c.title)
            if c.translate_series:
                ids.update(x.name for x in c.series)
    return ids


def enrich(ws: creatorroi.Workspace) -> None:
    """What world lacks for a full report: goals, a message, brand followers, GA4 traffic."""
    ws.store.execute("UPDATE campaigns SET business_goal = ?, message = ? WHERE id = 'easter'",
                     ["Raise online sales at Easter by 30%", "Glow for spring"])
    world.put(ws, "goals", [
        dict(id="g-rev", campaign_id="easter", metric="revenue", target=Decimal("200"),
             deadline=date(2024, 4, 7), description="Revenue 200"),
        dict(id="g-ord", campaign_id="easter", metric="orders", target=Decimal("10"),
             deadline=date(2024, 4, 7), description="Ten orders")], ["id"])
    world.put(ws, "brand_followers", [
        dict(platform="instagram", captured_at=world.ts(t), followers=n)
        for t, n in (("2024-02-01T12:00:00Z", 9000), ("2024-03-14T12:00:00Z", 10000),
                     ("2024-04-07T12:00:00Z", 12500))], ["platform", "captured_at"])
    world.put(ws, "sessions", [
        # the period is 15 Mar - 7 Apr 2024 (24 days): before = 20 Feb - 14 Mar
        dict(id="d-now", source="ga4", started_at=world.ts("2024-03-25T00:00:00+01:00"),
             sessions=40, utm_source="(direct)", utm_medium="(none)"),
        dict(id="d-bef", source="ga4", started_at=world.ts("2024-03-01T00:00:00+01:00"),
             sessions=30, utm_source="(direct)", utm_medium="(none)"),
        dict(id="d-ly", source="ga4", started_at=world.ts("2023-03-20T00:00:00+01:00"),
             sessions=20, utm_source="(direct)", utm_medium="(none)"),
        dict(id="d-out", source="ga4", started_at=world.ts("2024-04-20T00:00:00+02:00"),
             sessions=99, utm_source="(direct)", utm_medium="(none)"),
        dict(id="o-ly", source="ga4", started_at=world.ts("2023-04-07T12:00:00+02:00"),
             sessions=4, utm_source="google", utm_medium="organic"),
        dict(id="ref", source="ga4", started_at=world.ts("2024-03-25T00:00:00+01:00"),
             sessions=70, utm_source="ig", utm_medium="referral"),
    ], ["id"])


@pytest.fixture
def ws(tmp_path: Path) -> creatorroi.Workspace:
    return world.build(creatorroi.connect(str(tmp_path / "store.duckdb")))


@pytest.fixture(scope="module")
def rich_ws(tmp_path_factory: pytest.TempPathFactory) -> creatorroi.Workspace:
    """Built once for the module: the tests below only read it."""
    path = tmp_path_factory.mktemp("rich") / "store.duckdb"
    ws = world.build(creatorroi.connect(str(path)))
    enrich(ws)
    return ws


@pytest.fixture(scope="module")
def rich(rich_ws: creatorroi.Workspace) -> Report:
    return build_report(rich_ws, campaign="easter", lang="it", as_of=world.now())


def _col(report: Report, table: str, column: str) -> list[object]:
    t = report.table(table)
    i = [c.key for c in t.columns].index(column)
    return [r[i] for r in t.rows]


def _row(report: Report, table: str, first: str) -> dict[str, object]:
    t = report.table(table)
    rows = [r for r in t.rows if r[0] == first]
    assert len(rows) == 1, t.rows
    return dict(zip([c.key for c in t.columns], rows[0], strict=True))


def test_key_figures_are_the_core_kpis(store_url: str) -> None:
    ws = world.build(creatorroi.connect(store_url))
    report = build_report(ws, campaign="easter", as_of=world.now())
    total = ws.kpis([], campaign="easter").iloc[0]
    assert [s.key for s in report.sections] == ["direct", "indirect", "lessons", "methodology"]
    assert report.title == "Influencer marketing report" and report.scope == "Easter"
    assert report.currency == "EUR" and report.lang == "it"       # the workspace's locale
    assert (report.period_start, report.period_end) == (date(2024, 3, 15), date(2024, 4, 7))
    f = report.figure
    assert f("revenue").value == total.revenue == Decimal("210.00")
    assert f("cost").value == total.cost == Decimal("212.00")     # 120.00 + USD 100 at 0.92
    assert f("profit").value == Decimal("-2.00")
    assert f("orders").value == 6 and f("new_customers").value == 5
    assert f("roi").value == pytest.approx((210 - 212) / 212 * 100)
    assert f("roas").value == pytest.approx(210 / 212)
    assert f("cpa").value == Decimal("35.33") and f("cpm").value == Decimal("13.25")
    assert f("cpe").value == Decimal("0.21")
    assert f("emv").value == Decimal("160.00") and f("impressions").value == 16000
    # 8 eligible orders on 21-25 March (9 minus the refunded one); 6 attributed
    assert f("attributed_share").value == pytest.approx(75.0)
    assert isinstance(f("cost").value, Decimal) and isinstance(f("orders").value, int)
    g = _row(report, "by_influencer", "@giulia.skin")
    assert g["revenue"] == Decimal("140.00") and g["cost"] == Decimal("120.00")
    assert g["orders"] == 3 and g["cpa"] == Decimal("40.00") and g["cpe"] == Decimal("0.12")
    assert g["roi"] == pytest.approx(20 / 120 * 100)
    j = _row(report, "by_influencer", "@jisoo.glow")
    assert j["cost"] == Decimal("92.00") and j["cpm"] is None    # no metrics: NA, not 0


def test_scope_cuts_equal_ws_kpis(ws: creatorroi.Workspace) -> None:
    from creatorroi.report.scope import Scope, pull

    ws.attribute()
    inp = ws._rollup_input()
    raw = pull(ws, inp, "easter", date(2024, 3, 16), None, None)
    sc = Scope(ws, None, date(2024, 3, 16), date(2024, 4, 7), date(2024, 3, 16), None, None,
               inp, raw)
    for dim in ("influencer", "platform", "tier", "week", []):
        expected = ws.kpis(dim, campaign="easter", start=date(2024, 3, 16))
        pd.testing.assert_frame_equal(sc.kpis(dim), expected, check_dtype=False)


def test_group_tables_add_up_to_the_totals(rich: Report) -> None:
    f = rich.figure
    for key in ("by_influencer", "by_platform", "by_content_type", "by_tier"):
        assert sum(_col(rich, key, "revenue")) == f("revenue").value, key   # type: ignore
        assert sum(_col(rich, key, "cost")) == f("cost").value, key         # type: ignore
        assert sum(_col(rich, key, "orders")) == f("orders").value, key     # type: ignore
    assert sum(_col(rich, "costs", "cost")) == Decimal("212.00")           # type: ignore
    assert _row(rich, "costs", "Compenso influencer")["cost"] == Decimal("192.00")
    assert sum(_col(rich, "methods", "revenue")) == Decimal("210.00")      # type: ignore
    assert sum(_col(rich, "methods", "orders")) == 6                       # type: ignore
    assert _row(rich, "methods", "Codice promozionale")["revenue"] == Decimal("90.00")
    assert _row(rich, "by_tier", "Micro")["revenue"] == Decimal("140.00")


def test_goals_timeline_and_charts(rich: Report) -> None:
    goals = rich.table("goals")
    assert [r[0] for r in goals.rows] == ["Ten orders", "Revenue 200"]
    rev = _row(rich, "goals", "Revenue 200")
    assert rev["result"] == pytest.approx(210.0) and rev["status"] == "Raggiunto"
    # 6 of 10 orders on 1 April, with the deadline on 7 April: behind, not yet missed
    assert _row(rich, "goals", "Ten orders")["status"] == "In ritardo"
    assert [r[:2] for r in rich.table("timeline").rows] == [
        (date(2024, 3, 20), "@giulia.skin"), (date(2024, 3, 21), "@jisoo.glow")]
    charts = {c.key: c for s in rich.sections for c in s.charts}
    assert set(charts) == {"spend_revenue", "roi_by_tier", "roi_by_platform",
                           "revenue_over_time", "goal_progress"}
    spend = charts["spend_revenue"]
    assert spend.translate_series and [s.name for s in spend.series] == ["Spend", "Revenue"]
    assert spend.series[0].values == (120.0, 92.0) and spend.series[1].values == (140.0, 70.0)
    line = charts["revenue_over_time"]
    assert sum(v or 0 for v in line.series[0].values) == 210.0
    assert ("2024-03-20", "@giulia.skin") in line.marks
    assert dict(zip(line.categories, line.series[0].values, strict=True))["2024-03-22"] == 70.0
    texts = [s.msgid for s in rich.section("direct").sentences]
    assert "Business goal: {goal}" in texts and "{met} of {total} goals met." in texts


def test_indirect_traffic_followers_and_content(rich: Report) -> None:
    direct = _row(rich, "traffic", "Diretto")
    # 40 in the period; 30 in the 24 days before; 20 on the same dates of 2023; 99 after
    assert (direct["sessions"], direct["before"], direct["last_year"]) == (40, 30, 20)
    assert direct["change_before"] == pytest.approx(40 / 30 * 100 - 100)
    organic = _row(rich, "traffic", "Ricerca organica")
    # s0 (world: 5 organic on 21 Mar); 7 Apr 2023 is inside last year's window
    assert (organic["sessions"], organic["before"], organic["last_year"]) == (5, 0, 4)
    assert organic["change_before"] is None                        # nothing to compare with
    assert rich.figure("direct_sessions").value == 40
    ig = _row(rich, "brand_followers", "Instagram")
    # 10000 on 14 Mar -> 12500 on 7 Apr; 24 days before: 9000 on 1 Feb (latest by 19 Feb)
    assert (ig["start"], ig["end"], ig["growth"], ig["trend"]) == (10000, 12500, 2500, 1000)
    assert rich.figure("follower_growth").value == 2500
    # g1 is reused: its 120.00 (fee 100.00 split onto it + samples 20.00) is the saving
    assert rich.figure("production_cost_saved").value == Decimal("120.00")
    assert rich.figure("reused_posts").value == 1
    assert rich.figure("new_relationships").value == 2
    card = rich.table("emv_rates")
    assert ("Instagram", "Impressioni", 0.005, "EUR") in card.rows
    floor = next(s for s in rich.section("indirect").sentences if "floor" in s.msgid)
    assert dict((k, v) for k, v, _ in floor.values)["share"] == pytest.approx(75.0)


def test_lessons_are_sentences_with_typed_values(rich: Report) -> None:
    lessons = rich.section("lessons")
    assert len(lessons.sentences) >= 5
    by_id = {s.msgid: s for s in lessons.sentences}
    giulia = next(s for s in lessons.sentences if ("influencer", "@giulia.skin", "text")
                  in s.values)
    assert "Renegotiate" in giulia.msgid                     # ROI 16.7 %: 0 <= ROI < 100
    assert ("revenue", Decimal("140.00"), "money") in giulia.values
    best = next(s for m, s in by_id.items() if m.startswith("Best post"))
    assert best.tone == "good" and ("revenue", Decimal("140.00"), "money") in best.values
    tiers = next(s for m, s in by_id.items() if m.startswith("Smaller creators"))
    # micro CPA 40.00 (120 / 3) against macro 30.67 (92 / 3): smaller did not win here
    assert "did not" in tiers.msgid and ("large_cpa", Decimal("30.67"), "money") in tiers.values
    assert any(m.startswith("Posts published on") for m in by_id)
    assert [r[-1] for r in rich.table("performers").rows] == ["Rinegoziare", "Interrompere"]


def test_every_msgid_is_translated(rich: Report, rich_ws: creatorroi.Workspace) -> None:
    ids = report_msgids(rich) | all_msgids()
    ids |= report_msgids(build_report(rich_ws, start=date(2024, 3, 1), end=date(2024, 3, 31),
                                      as_of=world.now()))
    for lang in LANGS:
        catalog = _catalog(lang, "report")
        missing = sorted(i for i in ids if i not in catalog)
        assert not missing, (lang, missing)
        for msgid in ids:          # every {field} survives translation
            fields = {p.split("}")[0] for p in msgid.split("{")[1:]}
            translated = {p.split("}")[0] for p in catalog[msgid].split("{")[1:]}
            assert fields == translated, (lang, msgid)


def test_period_report(ws: creatorroi.Workspace) -> None:
    report = build_report(ws, start=date(2024, 3, 22), end=date(2024, 3, 23), lang="en",
                          as_of=world.now())
    assert report.scope == "2024-03-22 – 2024-03-23"
    k = ws.kpis([], start=date(2024, 3, 22), end=date(2024, 3, 23)).iloc[0]
    # orders 2 (30.00), 3 (40.00) on 22 March; 4 (20.00), 5 (10.00) on 23 March
    assert report.figure("revenue").value == k.revenue == Decimal("100.00")
    assert report.figure("orders").value == 4 and report.figure("cost").value == Decimal("0.00")
    assert report.figure("roi").value is None
    assert _row(report, "by_platform", "Instagram")["revenue"] == Decimal("30.00")
    assert _row(report, "by_platform", "TikTok")["revenue"] == Decimal("70.00")


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"campaign": "nope"}, "no campaign 'nope'"),
    ({"start": date(2023, 1, 1), "end": date(2023, 1, 31)}, "nothing to report"),
    ({"start": date(2024, 4, 1), "end": date(2024, 3, 1)}, "starts on 2024-04-01"),
])
def test_refusals(ws: creatorroi.Workspace, kwargs: dict[str, object], reason: str) -> None:
    with pytest.raises(ReportRefused) as info:
        build_report(ws, **kwargs)  # type: ignore[arg-type]
    assert any(reason in r for r in info.value.reasons), info.value.reasons
    assert reason in str(info.value)


def test_missing_fx_rate_refuses_naming_currency_and_date(store_url: str) -> None:
    ws = world.build(creatorroi.connect(store_url))
    ws.store.execute("DELETE FROM fx_rates")
    with pytest.raises(ReportRefused) as info:
        build_report(ws, campaign="easter")
    reasons = info.value.reasons
    assert any("USD->EUR" in r and "cost lines" in r and "2024-03-21" in r for r in reasons), \
        reasons


def test_stale_attribution_refuses(ws: creatorroi.Workspace) -> None:
    ws.attribute()
    ws.store.execute("INSERT INTO imports VALUES (?, 'x', 'orders', 'o.csv', 'h', 1, 1, 0, ?)",
                     [ws.id, pd.Timestamp("2099-01-01", tz="UTC")])
    with pytest.raises(ReportRefused, match="before the newest import"):
        build_report(ws, campaign="easter")


def test_totals_that_do_not_add_up_refuse(ws: creatorroi.Workspace,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from creatorroi.report import build

    real = build._costs

    def short(sc):  # type: ignore[no-untyped-def]
        frame = real(sc)
        return frame.iloc[1:]
    monkeypatch.setattr(build, "_costs", short)
    with pytest.raises(ReportRefused, match="cost by category adds up to"):
        build_report(ws, campaign="easter")
