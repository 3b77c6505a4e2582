"""Assemble a ``Report`` from a workspace: decide what is said, once, with exact values.

``build_report`` refuses (``ReportRefused``, naming every reason) rather than write a report
whose numbers a CFO could catch out: an unknown campaign, a period that ends before it
starts or holds no data, money that cannot be converted for want of an exchange rate, totals
that do not add up across influencers, platforms, content types, tiers, cost categories or
attribution methods, or an attribution run older than the data it credits.

Sections (keys are stable: renderers and tests rely on them): ``direct``, ``indirect``,
``lessons``, ``methodology``. The scope's filter rules are in ``report.scope``; the indirect
rules (production cost saved, traffic windows, follower trend, new relationships, which
mix-model fit is shown beside the direct floor) in ``report.indirect``; the lessons' rules
in ``report.lessons``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd

from creatorroi.errors import ConfigError, CreatorROIError
from creatorroi.i18n import normalize_lang, translator
from creatorroi.metrics import goals as goal_progress
from creatorroi.report import direct, indirect, lessons, methodology
from creatorroi.report.common import Ctx, na
from creatorroi.report.model import Report
from creatorroi.report.scope import Scope, pull
from creatorroi.report.vocab import Words
from creatorroi.store.values import as_date

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

TITLE = "Influencer marketing report"
DOMAIN = "report"
# Imports of these kinds change who is credited with what (as Workspace.import_file knows).
_CREDIT_KINDS = ("orders", "shopify-orders", "ga4", "sessions", "clicks", "surveys", "assets",
                 "influencers", "accounts", "campaigns")


class ReportRefused(CreatorROIError):
    """No report was written: ``reasons`` says every reason, each one a user can act on."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("no report was written:\n" + "\n".join(f"  - {r}" for r in reasons))


def build_report(ws: Workspace, *, campaign: str | None = None, start: date | None = None,
                 end: date | None = None, lang: str | None = None,
                 as_of: datetime | None = None) -> Report:
    """The report on ``campaign`` (or on the period ``start``..``end``, or on all the data)."""
    if lang and normalize_lang(lang) == "en" and not lang.lower().startswith("en"):
        raise ConfigError(f"no report language {lang!r}: use en, it, ko, zh-Hant or fa")
    lang = normalize_lang(lang or ws.locale)
    reasons: list[str] = []
    if start is not None and end is not None and start > end:
        reasons.append(f"the period starts on {start} but ends on {end}: swap the dates")
    camp = _campaign(ws, campaign, reasons)
    if reasons:
        raise ReportRefused(reasons)
    ws.attribute()
    _check_attribution(ws, reasons)
    if reasons:
        raise ReportRefused(reasons)

    inp = ws._rollup_input()
    warnings_before = set(inp.rates.warnings)
    raw = pull(ws, inp, campaign, start, end, as_of)
    today = (as_of.astimezone(ZoneInfo(ws.timezone)) if as_of is not None and as_of.tzinfo
             else as_of or datetime.now(ZoneInfo(ws.timezone))).date()
    days = [d for d in raw["day"] if d is not None]
    p_start = start or (as_date(camp["starts_on"]) if camp else None) or (min(days) if days
                                                                         else None)
    p_end = end or (as_date(camp["ends_on"]) if camp else None) or (
        today if camp else max(days) if days else None)
    if p_start is None or p_end is None:
        raise ReportRefused([f"no data in {_describe(campaign, start, end)}: import orders, "
                             "costs or posts first"])
    if p_end < p_start:
        p_end = p_start
    sc = Scope(ws, camp, p_start, p_end, start, end, as_of, inp, raw)
    total = sc.kpis([]).iloc[0]
    if all(na(total[m]) or total[m] == 0 for m in ("orders", "cost", "posts")) and \
            not _foreign_money(sc):
        raise ReportRefused([f"no orders, costs or posts in {_describe(campaign, start, end)}"
                             ": nothing to report"])
    _check_fx(sc, reasons)
    if reasons:
        raise ReportRefused(reasons)

    posts = _posts(sc)
    costs = _costs(sc)
    credits = ws.attributions()
    methods = sc.by_method(dict(zip(credits["order_id"], credits["method"], strict=True)))
    _check_totals(sc, costs, methods, reasons)
    if reasons:
        raise ReportRefused(reasons)
    attributed, eligible = _order_share(sc, credits)
    goals = _goals(sc, today, dated=start is not None or end is not None)

    tr = translator(lang, DOMAIN)
    ctx = Ctx(sc, tr, Words(tr, lang))
    run = indirect.mix_run(sc)          # the mix-model fit shown beside the floor, if any
    sections = (
        direct.build(ctx, goals, methods, costs, posts, attributed, eligible),
        indirect.build(ctx, posts, attributed, eligible, run),
        lessons.build(ctx, posts),
        methodology.build(ctx, posts, warnings_before, run),
    )
    scope_text = (str(camp["name"]) if camp is not None
                  else f"{p_start.isoformat()} – {p_end.isoformat()}")
    generated = as_of if as_of is not None else datetime.now(UTC)
    if generated.tzinfo is None:
        generated = generated.replace(tzinfo=UTC)
    return Report(brand=ws.name, currency=ws.currency, timezone=ws.timezone, lang=lang,
                  title=TITLE, scope=scope_text, period_start=p_start, period_end=p_end,
                  generated_at=generated, sections=sections)


# -- scope ---------------------------------------------------------------------------------
def _describe(campaign: str | None, start: date | None, end: date | None) -> str:
    what = f"campaign {campaign!r}" if campaign else "the workspace"
    if start or end:
        what += f" between {start or '…'} and {end or '…'}"
    return what


def _campaign(ws: Workspace, campaign: str | None, reasons: list[str]) -> dict[str, Any] | None:
    if campaign is None:
        return None
    rows = ws._frame("SELECT id, name, goal_family, funnel_stage, business_goal, message, "
                     "starts_on, ends_on, always_on FROM campaigns WHERE workspace_id = ? "
                     "AND id = ?", [campaign])
    if rows.empty:
        known = [r[0] for r in ws.store.fetch("SELECT id FROM campaigns WHERE workspace_id = ? "
                                              "ORDER BY id", [ws.id])]
        reasons.append(f"no campaign {campaign!r} in workspace {ws.id!r}"
                       + (f" (campaigns: {', '.join(known)})" if known else " (it has none)"))
        return None
    row = rows.iloc[0].to_dict()
    return {k: (None if v is pd.NaT or (not isinstance(v, str | date) and pd.isna(v))
                else v) for k, v in row.items()}


def _posts(sc: Scope) -> pd.DataFrame:
    sql = ("SELECT id, campaign_id, influencer_id, platform, content_type, published_at, "
           "reused FROM posts WHERE workspace_id = ? AND published_at IS NOT NULL")
    params: list[Any] = []
    if sc.campaign_id is not None:
        sql += " AND campaign_id = ?"
        params.append(sc.campaign_id)
    frame = sc.frame(sql, params)
    frame["local_time"] = [sc.local_time(t) for t in frame["published_at"]]
    frame["local_day"] = [t.date() if t is not None else None for t in frame["local_time"]]
    frame = frame[[sc.in_kpi_days(d) for d in frame["local_day"]]].copy()
    labels = sc.inp.labels.influencer
    frame["influencer"] = [labels.get(i, i) for i in frame["influencer_id"]]
    frame["reused"] = frame["reused"].astype(bool)
    return frame.reset_index(drop=True)


def _costs(sc: Scope) -> pd.DataFrame:
    """Cost lines in scope, each in the home currency (None where no rate converts it)."""
    sql = ("SELECT id, category, amount_minor, currency, incurred_on FROM costs "
           "WHERE workspace_id = ?")
    params: list[Any] = []
    if sc.campaign_id is not None:
        sql += " AND campaign_id = ?"
        params.append(sc.campaign_id)
    if sc.kpi_start is not None:
        sql += " AND incurred_on >= ?"
        params.append(sc.kpi_start)
    if sc.kpi_end is not None:
        sql += " AND incurred_on <= ?"
        params.append(sc.kpi_end)
    frame = sc.frame(sql, params)
    frame["day"] = [as_date(d) for d in frame["incurred_on"]]
    frame["amount"] = [sc.to_home(m, c, d) for m, c, d in
                       zip(frame["amount_minor"], frame["currency"], frame["day"], strict=True)]
    return frame


def _order_share(sc: Scope, credits: pd.DataFrame) -> tuple[int, int]:
    """Attributed orders (to this campaign, if any) of all eligible orders in the period."""
    lo = pd.Timestamp(sc.start - timedelta(days=1), tz="UTC")
    hi = pd.Timestamp(sc.end + timedelta(days=2), tz="UTC")
    orders = sc.frame("SELECT id, created_at FROM orders WHERE workspace_id = ? "
                      "AND NOT cancelled AND status NOT IN ('refunded', 'voided') "
                      "AND net_minor > 0 AND created_at >= ? AND created_at < ?", [lo, hi])
    ids = {i for i, t in zip(orders["id"], orders["created_at"], strict=True)
           if (d := sc.local_day(t)) is not None and sc.start <= d <= sc.end}
    if sc.campaign_id is not None:
        credits = credits[credits["campaign_id"] == sc.campaign_id]
    attributed = len(ids & set(credits["order_id"]))
    return attributed, len(ids)


def _goals(sc: Scope, today: date, *, dated: bool = False) -> pd.DataFrame:
    rows = sc.frame("SELECT id, campaign_id, metric, target, baseline, starts_on, deadline, "
                    "influencer_id, platform, description FROM goals WHERE workspace_id = ? "
                    "ORDER BY campaign_id, id")
    if sc.campaign_id is not None:
        rows = rows[rows["campaign_id"] == sc.campaign_id]
    else:
        present = {c for c in sc.raw["campaign_id"] if c is not None}
        rows = rows[rows["campaign_id"].isin(present)]
        # a period report judges only goals that fall due inside the period: a December
        # goal is not "met" or "missed" in an April report
        if dated:
            due = [as_date(d) for d in rows["deadline"]]
            rows = rows[[d is not None and sc.start <= d <= sc.end for d in due]]
    columns = ["goal", "campaign", "metric", "target", "actual", "progress_pct", "deadline",
               "status", "description"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    camps = sc.frame("SELECT id, starts_on FROM campaigns WHERE workspace_id = ?")
    return goal_progress.progress(rows, camps, sc.inp, today)


# -- checks --------------------------------------------------------------------------------
def _check_attribution(ws: Workspace, reasons: list[str]) -> None:
    at = ws.store.fetch("SELECT attributed_at FROM workspaces WHERE id = ?", [ws.id])[0][0]
    marks = ", ".join("?" for _ in _CREDIT_KINDS)
    newest = ws.store.fetch(f"SELECT MAX(imported_at) FROM imports WHERE workspace_id = ? "
                            f"AND kind IN ({marks}) AND rows_new + rows_changed > 0",
                            [ws.id, *_CREDIT_KINDS])[0][0]
    if at is None:
        reasons.append("attribution has not run: run `creatorroi attribute`")
    elif newest is not None and pd.Timestamp(newest) > pd.Timestamp(at):
        reasons.append(f"attribution ran at {pd.Timestamp(at).isoformat()}, before the newest "
                       f"import ({pd.Timestamp(newest).isoformat()}): run "
                       "`creatorroi attribute --force`")


def _foreign_money(sc: Scope) -> bool:
    raw = sc.raw
    money = raw[["cost", "revenue", "emv"]].notna().any(axis=1)
    return bool((money & raw["currency"].notna() & (raw["currency"] != sc.home)).any())


def _check_fx(sc: Scope, reasons: list[str]) -> None:
    """Every foreign amount in scope needs a rate to the home currency (either direction)."""
    raw = sc.raw
    what = {"cost": "cost lines", "revenue": "orders", "emv": "EMV rate-card values"}
    foreign = raw[raw["currency"].notna() & (raw["currency"] != sc.home)]
    for cur, part in foreign.groupby("currency", sort=True):
        if sc.inp.rates.rate(str(cur), sc.home, None) is not None:
            continue
        for col, label in what.items():
            rows = part[part[col].notna()]
            if rows.empty:
                continue
            days = sorted({d for d in rows["day"] if d is not None})
            when = (f"on {days[0]}" if len(days) == 1 else
                    f"on {len(days)} days from {days[0]} to {days[-1]}" if days else "")
            reasons.append(f"no exchange rate {cur}->{sc.home}: {label} in {cur} {when} "
                           f"cannot be converted (import fx_rates for {cur}->{sc.home})")


def _check_totals(sc: Scope, costs: pd.DataFrame, methods: pd.DataFrame,
                  reasons: list[str]) -> None:
    total = sc.kpis([]).iloc[0]
    cuts: dict[str, pd.DataFrame] = {d: sc.kpis(d) for d in
                                     ("influencer", "platform", "content_type", "tier")}
    for name, frame in cuts.items():
        for m in ("revenue", "cost", "orders"):
            _same(reasons, f"{m} by {name.replace('_', ' ')}", frame[m], total[m])
    _same(reasons, "cost by category", costs["amount"], total["cost"])
    _same(reasons, "revenue by attribution method", methods["revenue"], total["revenue"])
    _same(reasons, "orders by attribution method", methods["orders"], total["orders"])


def _same(reasons: list[str], what: str, parts: pd.Series, total: Any) -> None:
    values = list(parts)
    if na(total) and all(na(v) for v in values):
        return  # unknown everywhere (no data of that kind at all), consistently
    if na(total) or any(na(v) for v in values):
        reasons.append(f"{what}: some amounts are unknown, so the parts cannot be checked "
                       "against the total")
        return
    found = sum(values, Decimal(0) if isinstance(total, Decimal) else 0)
    if found != total:
        reasons.append(f"{what} adds up to {found}, not to the total {total}")
