"""Section "methodology": every formula, the attribution rules, the data and its gaps."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from creatorroi.metrics.registry import REGISTRY
from creatorroi.report.common import Ctx, na, sentence, table
from creatorroi.report.indirect import MixRun
from creatorroi.report.model import Section, Sentence, Table
from creatorroi.report.vocab import DATA_TABLES, GRAINS, KPIS_USED

# table -> the column that dates its rows
DATED = {"orders": "created_at", "sessions": "started_at", "costs": "incurred_on",
         "posts": "published_at", "post_metrics": "captured_at", "clicks": "clicked_at",
         "follower_snapshots": "captured_at", "brand_followers": "captured_at",
         "fx_rates": "rate_date", "survey_answers": "answered_at"}


def build(ctx: Ctx, posts: pd.DataFrame, warnings_before: set[str],
          run: MixRun | None = None) -> Section:
    sc, w = ctx.scope, ctx.words
    att = sc.ws.settings.attribution
    sentences: list[Sentence] = [
        sentence("Attribution window: {days} days. Methods in order of priority: {methods}.",
                 days=(att.window_days, "count"),
                 methods=(w.join(w.method(m.value) for m in att.priority), "text")),
        sentence("Each order is credited to one influencer: the first method in the priority "
                 "that finds it wins; link, click and landing-page visits count only inside "
                 "the window, and the last one wins."),
        sentence("Survey answers count when they match a creator's name or handle with a "
                 "score of at least {score}.", score=(att.survey_min_score, "ratio")),
        sentence("Money is shown in {currency}; days are cut in the {timezone} time zone.",
                 currency=(sc.home, "text"), timezone=(sc.ws.timezone, "text")),
    ]
    if run is not None:
        sentences.extend(_mix_model(ctx, run))
    sentences.extend(_quality(ctx, posts, warnings_before))
    tables = (_kpi_table(ctx), _imports_table(ctx), _data_table(ctx), _fx_table(ctx))
    return Section("methodology", "Methodology", (), tuple(sentences), tables)


def _mix_model(ctx: Ctx, run: MixRun) -> list[Sentence]:
    """How the incrementality estimate is made: said only when the report shows one."""
    level = run.result.get("level")
    share = float(level) * 100 if isinstance(level, int | float) else None
    return [
        sentence("Incrementality comes from a Bayesian marketing-mix model fitted on {grain} "
                 "data from {start} to {end}: revenue is a baseline (trend, seasonality, "
                 "holidays and controls such as promotions and prices) plus what each channel "
                 "and each creator adds, carried over the following days (adstock) and with "
                 "diminishing returns as spend grows (saturation).",
                 grain=(ctx.words.word(GRAINS, run.grain), "text"),
                 start=(run.start, "date"), end=(run.end, "date")),
        sentence("Creators are pooled by platform and tier, so one with little data borrows "
                 "strength from similar ones; the revenue direct attribution credits a creator "
                 "is that creator's lower bound in the model."),
        sentence("Multiplier = the model's revenue for creators / their directly attributed "
                 "revenue over the fit's period; the scope's estimate is its direct revenue x "
                 "that multiplier. Each interval is a {level} credible interval: given the data "
                 "and the model, the true value lies inside it with {level} probability.",
                 level=(share, "percent")),
    ]


def _kpi_table(ctx: Ctx) -> Table:
    rows = [[k, ctx.tr(REGISTRY[k].label), REGISTRY[k].formula] for k in KPIS_USED]
    return table("kpis", "KPI definitions", [
        ("kpi", "KPI", "text"), ("description", "Description", "text"),
        ("formula", "Formula", "text")], rows,
        note="A KPI whose inputs are missing is shown as missing, never as zero.")


def _imports_table(ctx: Ctx) -> Table:
    imports = ctx.scope.ws.imports()
    rows = [[r.kind, r.file_name, r.rows_read, r.rows_new, r.rows_changed,
             ctx.scope.local_time(r.imported_at)] for r in imports.itertuples()]
    return table("imports", "Data imported", [
        ("kind", "Kind", "text"), ("file", "File", "text"), ("rows", "Rows read", "count"),
        ("new", "New rows", "count"), ("changed", "Changed rows", "count"),
        ("imported_at", "Imported at", "datetime")], rows)


def _data_table(ctx: Ctx) -> Table:
    sc = ctx.scope
    rows = []
    for name, col in DATED.items():
        n, lo, hi = sc.ws.store.fetch(f"SELECT COUNT(*), MIN({col}), MAX({col}) FROM {name} "
                                      f"WHERE workspace_id = ?", [sc.ws.id])[0]
        rows.append([ctx.words.word(DATA_TABLES, name), int(n), _day(sc, lo), _day(sc, hi)])
    return table("data", "Data sources", [
        ("source", "Source", "text"), ("rows", "Rows", "count"), ("from", "From", "date"),
        ("to", "To", "date")], rows)


def _day(sc: Any, value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    return sc.local_day(value)


def fx_used(ctx: Ctx) -> pd.DataFrame:
    """Each foreign currency and day converted in this scope, with the rate used."""
    sc = ctx.scope
    raw = sc.raw
    money = raw[["cost", "revenue", "emv"]].notna().any(axis=1)
    foreign = raw[money & raw["currency"].notna() & (raw["currency"] != sc.home)]
    rows = []
    for (cur, day), part in foreign.groupby(["currency", "conv_day"], sort=True, dropna=False):
        day = None if na(day) else day
        rate = sc.inp.rates.rate(str(cur), sc.home, day)
        rows.append({"currency": cur, "day": day, "rate": rate, "amounts": len(part)})
    return pd.DataFrame(rows, columns=["currency", "day", "rate", "amounts"])


def _fx_table(ctx: Ctx) -> Table:
    frame = fx_used(ctx)
    rows = [[r.currency, r.day, None if r.rate is None else float(r.rate), r.amounts]
            for r in frame.itertuples()]
    return table("fx", "Currency conversions", [
        ("currency", "Currency", "text"), ("date", "Date", "date"),
        ("rate", "Rate", "ratio"), ("amounts", "Amounts converted", "count")], rows,
        note="Rate: units of the report currency per unit of the other currency, on or "
             "before that day.")


def _quality(ctx: Ctx, posts: pd.DataFrame, warnings_before: set[str]) -> list[Sentence]:
    sc = ctx.scope
    out: list[Sentence] = []
    ids = list(posts["id"])
    with_metrics = {r[0] for r in sc.ws.store.fetch(
        "SELECT DISTINCT post_id FROM post_metrics WHERE workspace_id = ?", [sc.ws.id])}
    missing = [p for p in ids if p not in with_metrics]
    if missing:
        out.append(sentence("{count} posts have no metrics snapshot: their reach, impressions "
                            "and EMV are missing, not zero.", "warning",
                            count=(len(missing), "count")))
    assets = sc.frame("SELECT influencer_id, campaign_id, post_id FROM tracking_assets "
                      "WHERE workspace_id = ?")
    if sc.campaign_id is not None:
        assets = assets[assets["campaign_id"] == sc.campaign_id]
    tracked_inf = set(assets["influencer_id"])
    tracked_posts = set(assets["post_id"].dropna())
    untracked = sorted(set(posts["influencer_id"]) - tracked_inf)
    if untracked:
        labels = sc.inp.labels.influencer
        out.append(sentence("{count} influencers have no tracking asset (promo code, link, "
                            "landing page or affiliate ID): {names}. Their sales cannot be "
                            "attributed.", "warning", count=(len(untracked), "count"),
                            names=(ctx.words.join(labels.get(i, i) for i in untracked), "text")))
    loose = [p for p in ids if p not in tracked_posts]
    if loose:
        out.append(sentence("{count} posts have no tracking link of their own: their orders "
                            "are placed on the creator's latest post before the order.",
                            count=(len(loose), "count")))
    fx = fx_used(ctx)
    for cur, part in fx.groupby("currency", sort=True):
        out.append(sentence("{amounts} amounts in {currency} were converted at the dated rates "
                            "listed under Currency conversions.",
                            amounts=(int(part["amounts"].sum()), "count"),
                            currency=(str(cur), "text")))
    late = sorted(w for w in sc.inp.rates.warnings - warnings_before if "predates" in w)
    currencies = sorted({w.split("->")[0] for w in late})
    for cur in currencies:
        out.append(sentence("Some amounts in {currency} predate the first exchange rate known "
                            "for it; that first rate was used.", "warning",
                            currency=(cur, "text")))
    if not sentences_have_orders(sc):
        out.append(sentence("No attributed orders in this scope.", "warning"))
    return out


def sentences_have_orders(sc: Any) -> bool:
    total = sc.kpis([]).iloc[0]
    return not na(total.orders) and int(total.orders) > 0

