"""Incrementality in the report: direct attribution as the floor, the mix model's estimate with
its interval, from a hand-written ``model_runs`` row (no fit is run here)."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pypdfium2 as pdfium
import pytest
from test_report_build import report_msgids

import creatorroi
from creatorroi.i18n import _catalog, translator
from creatorroi.report.build import build_report
from creatorroi.report.model import Report
from creatorroi.report.render import render

import world

HOW_TO = ("No incrementality estimate yet: fit the marketing-mix model with `creatorroi mmm "
          "fit` to estimate the revenue creators caused beyond direct attribution.")
MIX_IDS = ("incremental_revenue",)


def result(multiplier: float = 2.0, low: float = 1.5, high: float = 2.8, *,
           rhat: float = 1.01, divergences: int = 0, warnings: tuple[str, ...] = (),
           ids: bool = True, creators: bool = True) -> dict[str, Any]:
    """What ``mmm.output.result_json`` stores, written by hand."""
    channels: dict[str, Any] = {
        "spend_meta_ads": {"kind": "channel", "group": None, "spend": 500.0, "roas": 1.2,
                           "roas_low": 0.8, "roas_high": 1.6, "contribution": 600.0,
                           "contribution_low": 400.0, "contribution_high": 800.0,
                           "attributed": None, "label": "Meta Ads"},
    }
    if creators:
        channels |= {
            "inf_giulia": {"kind": "influencer", "group": "instagram/micro", "spend": 120.0,
                           "roas": 3.0, "roas_low": 2.0, "roas_high": 4.1,
                           "contribution": 360.123, "contribution_low": 240.0,
                           "contribution_high": 491.999, "attributed": 170.0,
                           "label": "Giulia Rossi", "multiplier": 2.1176,
                           "multiplier_low": 1.41, "multiplier_high": 2.89},
            "inf_jisoo": {"kind": "influencer", "group": "tiktok/macro", "spend": 92.0,
                          "roas": 1.0, "roas_low": 0.5, "roas_high": 1.5,
                          "contribution": 92.0, "contribution_low": 46.0,
                          "contribution_high": 138.0, "attributed": 40.0, "label": "김지수",
                          "multiplier": 2.3, "multiplier_low": 1.15,
                          "multiplier_high": 3.45},
        }
    out: dict[str, Any] = {
        "format": 1, "grain": "week", "start": "2024-01-01", "end": "2024-04-28",
        "level": 0.9, "target_total": 5000.0, "baseline": 3900.0, "baseline_low": 3700.0,
        "baseline_high": 4100.0, "channels": channels,
        "diagnostics": {"rhat_max": rhat, "ess_min": 812.0, "divergences": divergences,
                        "draws": 1000, "chains": 4, "r2": 0.91, "mape": 0.08,
                        "holdout_periods": 4, "holdout_mape": 0.11, "coverage": 0.88,
                        "seconds": 42.0, "warnings": list(warnings)},
    }
    if creators:
        out["influencers"] = {
            "spend": 212.0, "attributed": 210.0, "incremental": 420.0,
            "incremental_low": 315.0, "incremental_high": 588.0, "roas": 1.98,
            "roas_low": 1.49, "roas_high": 2.77, "multiplier": multiplier,
            "multiplier_low": low, "multiplier_high": high}
    if ids:
        out["ids"] = {"inf_giulia": "giulia", "inf_jisoo": "jisoo",
                      "spend_meta_ads": "meta_ads"}
    return out


def add_run(ws: creatorroi.Workspace, rid: str, res: dict[str, Any], *,
            start: date = date(2024, 1, 1), end: date = date(2024, 4, 28),
            created: datetime = datetime(2024, 4, 29, 9, tzinfo=UTC), kind: str = "mmm",
            subject: str = "") -> None:
    ws.store.execute(
        "INSERT INTO model_runs (workspace_id, id, kind, created_at, grain, starts_on, ends_on, "
        "subject, params, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [ws.id, rid, kind, created, "week", start, end, subject, "{}", json.dumps(res)])


def times(amount: Decimal, factor: str) -> Decimal:
    return (amount * Decimal(factor)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)


def mix_sentences(report: Report) -> list[str]:
    """The indirect section's sentences after the floor sentence: the incrementality part."""
    ids = [s.msgid for s in report.section("indirect").sentences]
    floor = next(i for i, m in enumerate(ids) if m.startswith("Direct attribution is a floor"))
    return ids[floor + 1:]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> creatorroi.Workspace:
    ws = world.build(creatorroi.connect(str(tmp_path_factory.mktemp("mmm") / "s.duckdb")))
    add_run(ws, "old", result(3.0, 2.0, 4.0), created=datetime(2024, 4, 20, tzinfo=UTC))
    add_run(ws, "new", result(warnings=("Only 212 effective draws for some parameter.",)))
    # ignored: a lift test, a per-creator model, and a fit of another year, even if newer
    add_run(ws, "lift", result(9.0, 8.0, 10.0), kind="lift",
            created=datetime(2024, 5, 1, tzinfo=UTC))
    add_run(ws, "sub", result(9.0, 8.0, 10.0), subject="giulia",
            created=datetime(2024, 5, 1, tzinfo=UTC))
    add_run(ws, "2023", result(9.0, 8.0, 10.0), start=date(2023, 1, 1), end=date(2023, 12, 31),
            created=datetime(2024, 6, 1, tzinfo=UTC))
    return ws


@pytest.fixture(scope="module")
def reports(ws: creatorroi.Workspace) -> dict[str, Report]:
    return {lang: build_report(ws, campaign="easter", lang=lang, as_of=world.now())
            for lang in ("en", "it", "fa")}


def test_estimate_is_direct_times_the_multiplier(store_url: str) -> None:
    ws = world.build(creatorroi.connect(store_url))
    add_run(ws, "r1", result(ids=False))     # no "ids": creators matched as inf_<id>
    report = build_report(ws, campaign="easter", lang="en", as_of=world.now())
    direct = ws.kpis([], campaign="easter").iloc[0].revenue
    cost = ws.kpis([], campaign="easter").iloc[0].cost
    assert report.figure("revenue").value == direct == Decimal("210.00")
    est, lo, hi = times(direct, "2.0"), times(direct, "1.5"), times(direct, "2.8")
    assert report.figure("incremental_revenue").value == est == Decimal("420.00")
    rows = {r[0]: r[1:] for r in report.table("incrementality").rows}
    assert rows["Direct attribution (floor)"] == (direct, None, None)
    assert rows["Multiplier"] == (2.0, 1.5, 2.8)
    assert rows["Estimated incremental revenue"] == (est, lo, hi) == (
        Decimal("420.00"), Decimal("315.00"), Decimal("588.00"))
    roi = rows["Incremental ROI"]
    assert roi == pytest.approx(tuple(float((v - cost) / cost * 100) for v in (est, lo, hi)))
    assert rows["Incremental ROAS"] == pytest.approx(tuple(float(v / cost)
                                                          for v in (est, lo, hi)))
    t = report.table("incrementality")
    assert [t.kind(2, c) for c in range(4)] == ["text", "money", "money", "money"]
    said = next(s for s in report.section("indirect").sentences
                if s.msgid.startswith("Direct attribution credits"))
    assert dict((k, v) for k, v, _ in said.values) == {
        "direct": direct, "estimate": est, "low": lo, "high": hi,
        "roi": pytest.approx(float((est - cost) / cost * 100)),
        "roas": pytest.approx(float(est / cost)), "cost": cost}
    fit = next(s for s in report.section("indirect").sentences
               if s.msgid.startswith("The marketing-mix model fitted on"))
    assert dict((k, v) for k, v, _ in fit.values) == {
        "fitted": date(2024, 4, 29), "start": date(2024, 1, 1), "end": date(2024, 4, 28),
        "multiplier": 2.0, "low": 1.5, "high": 2.8, "level": pytest.approx(90.0)}
    by = {r[0]: r[1:] for r in report.table("incrementality_by_creator").rows}
    # money rounded once to cents; the multiplier as the fit gave it
    assert by["@giulia.skin"] == (Decimal("170.00"), Decimal("360.12"), Decimal("240.00"),
                                  Decimal("492.00"), 2.1176)
    assert by["@jisoo.glow"][:2] == (Decimal("40.00"), Decimal("92.00"))
    method = [s.msgid for s in report.section("methodology").sentences]
    assert any(m.startswith("Incrementality comes from a Bayesian") for m in method)


def test_latest_overlapping_run_wins_and_warnings_are_listed(reports: dict[str, Report],
                                                             ws: creatorroi.Workspace) -> None:
    report = reports["en"]
    direct = ws.kpis([], campaign="easter").iloc[0].revenue
    # "new" (x2.0) is newer than "old" (x3.0); lift, per-creator and 2023 runs are not used
    assert report.figure("incremental_revenue").value == times(direct, "2.0")
    warning = next(s for s in report.section("indirect").sentences
                   if s.msgid == "Model warning: {warning}")
    assert warning.tone == "warning"
    assert warning.values == (("warning", "Only 212 effective draws for some parameter.",
                               "text"),)
    assert not any("not converged" in m for m in mix_sentences(report))
    assert HOW_TO not in mix_sentences(report)


def test_no_run_or_only_other_periods_gives_only_the_how_to(tmp_path: Path) -> None:
    ws = world.build(creatorroi.connect(str(tmp_path / "s.duckdb")))
    empty = build_report(ws, campaign="easter", lang="en", as_of=world.now())
    add_run(ws, "2023", result(), start=date(2023, 1, 1), end=date(2023, 12, 31))
    add_run(ws, "later", result(), start=date(2024, 4, 8), end=date(2024, 9, 1))
    add_run(ws, "bad", result() | {"format": 99})
    other = build_report(ws, campaign="easter", lang="en", as_of=world.now())
    period = build_report(ws, start=date(2024, 3, 15), end=date(2024, 3, 31), lang="en",
                          as_of=world.now())
    for report in (empty, other, period):
        assert mix_sentences(report) == [HOW_TO]
        indirect = report.section("indirect")
        assert not {f.key for f in indirect.figures} & set(MIX_IDS)
        assert not {t.key for t in indirect.tables} & {"incrementality",
                                                       "incrementality_by_creator"}
        assert not any("marketing-mix" in s.msgid or "Multiplier" in s.msgid
                       for s in report.section("methodology").sentences)


def test_an_unconverged_fit_is_flagged(tmp_path: Path) -> None:
    ws = world.build(creatorroi.connect(str(tmp_path / "s.duckdb")))
    add_run(ws, "r", result(rhat=1.12, divergences=3))
    report = build_report(ws, campaign="easter", lang="en", as_of=world.now())
    flag = next(s for s in report.section("indirect").sentences if "not converged" in s.msgid)
    assert flag.tone == "bad"
    assert dict((k, v) for k, v, _ in flag.values) == {"rhat": 1.12, "divergences": 3}


def test_fits_without_a_creator_multiplier_give_no_number(tmp_path: Path) -> None:
    ws = world.build(creatorroi.connect(str(tmp_path / "s.duckdb")))
    add_run(ws, "none", result(creators=False, ids=False))
    no_creators = build_report(ws, campaign="easter", lang="en", as_of=world.now())
    add_run(ws, "nomult", result(None, None, None),  # type: ignore[arg-type]
            created=datetime(2024, 5, 2, tzinfo=UTC))
    no_mult = build_report(ws, campaign="easter", lang="en", as_of=world.now())
    assert "holds no creator spend" in mix_sentences(no_creators)[0]
    assert "gives no multiplier" in mix_sentences(no_mult)[0]
    for report in (no_creators, no_mult):
        assert not {f.key for f in report.section("indirect").figures} & set(MIX_IDS)
        assert "incrementality" not in {t.key for t in report.section("indirect").tables}
    assert "incrementality_by_creator" in {t.key for t in no_mult.section("indirect").tables}
    # every variant's words are translated, each {field} kept
    flagged = result(rhat=1.2, divergences=1, warnings=("x",))
    add_run(ws, "flag", flagged, created=datetime(2024, 5, 3, tzinfo=UTC))
    full = build_report(ws, campaign="easter", lang="en", as_of=world.now())
    ids = set().union(*(report_msgids(r) for r in (no_creators, no_mult, full)))
    for lang in ("it", "ko", "zh_Hant", "fa"):
        catalog = _catalog(lang, "report")
        assert not sorted(i for i in ids if i not in catalog), lang
        for msgid in ids:
            fields = {p.split("}")[0] for p in msgid.split("{")[1:]}
            assert fields == {p.split("}")[0] for p in catalog[msgid].split("{")[1:]}
    assert all(HOW_TO in _catalog(lang, "report") for lang in ("it", "ko", "zh_Hant", "fa"))


@pytest.mark.parametrize("lang", ["it", "fa"])
def test_translated_part_in_every_format(reports: dict[str, Report], lang: str) -> None:
    report = reports[lang]
    tr = translator(lang, "report")
    title, label = tr("Incrementality"), tr("Estimated incremental revenue")
    assert title != "Incrementality" and label != "Estimated incremental revenue"
    for fmt in ("html", "md"):
        text = render(report, fmt).decode("utf-8")
        assert title in text and label in text, fmt
        assert "Only 212 effective draws" in text, fmt
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    assert "incrementality" in book.sheetnames
    assert book["incrementality"]["A1"].value == title
    summary = " ".join(str(c.value) for row in book["Summary"].iter_rows() for c in row
                       if c.value is not None)
    assert label in summary
    if lang == "it":     # the Persian text layer is shaped: its words do not read back whole
        doc = pdfium.PdfDocument(render(report, "pdf"))
        text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        assert title in text and label in text
