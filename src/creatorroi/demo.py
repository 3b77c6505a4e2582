"""``creatorroi demo``: a realistic brand, imported exactly as a user would import her own.

The files come from ``demo_data`` (seeded, with known ground truth); they go through the same
``import_file`` path as any export, so the demo exercises what users run.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from creatorroi.workspace import Workspace, open_store

WORKSPACE = "demo"


def build_demo(store: str, out: Path, *, scale: float = 1.0,
               console: Console | None = None) -> Workspace:
    from creatorroi.demo_data import generate

    console = console or Console(quiet=True)
    app = open_store(store)
    existing = set(app.workspaces()["id"])
    ws = (app.workspace(WORKSPACE) if WORKSPACE in existing else
          app.create_workspace(WORKSPACE, "Lumina Skincare", "EUR", "Europe/Rome", "it"))
    t0 = time.perf_counter()
    files = generate(out, scale=scale)
    console.print(f"generated the demo brand's exports in {out}/ "
                  f"({time.perf_counter() - t0:.1f}s)")
    # The mix model's inputs last: they credit no order, so attribution never waits on them;
    # then the quality inputs (briefs, comments, demographics), which only judge.
    for kind, path in [*files.files, *files.mix_files, *files.quality_files]:
        t1 = time.perf_counter()
        report = ws.import_file(kind, path)
        console.print(f"  imported {path.name:<28} {kind:<15} {report.rows_read:>7} rows, "
                      f"{report.new:>6} new, {report.changed:>4} changed "
                      f"({time.perf_counter() - t1:.1f}s)")
    ws.attribute(force=True)
    return ws


def _money(v: object) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:,}"


def _pct(v: object) -> str:
    return "—" if v is None or pd.isna(v) else f"{float(v):.1f}%"  # type: ignore[arg-type]


def print_summary(ws: Workspace, console: Console) -> None:
    camps = ws.kpis("campaign")
    names = dict(ws.store.fetch("SELECT id, name FROM campaigns WHERE workspace_id = ?",
                                [ws.id]))
    table = Table(title=f"{ws.name}: campaign summary ({ws.currency})")
    for col in ("campaign", "cost", "orders", "revenue", "ROI", "ROAS", "impressions",
                "eng. rate", "CPA"):
        table.add_column(col, justify="left" if col == "campaign" else "right")
    for r in camps.itertuples():
        table.add_row(names.get(r.campaign, str(r.campaign)), _money(r.cost), str(r.orders),
                      _money(r.revenue), _pct(r.roi),
                      "—" if pd.isna(r.roas) else f"{float(r.roas):.2f}",
                      "—" if pd.isna(r.impressions) else f"{int(r.impressions):,}",
                      _pct(r.engagement_rate), _money(r.cpa))
    console.print(table)
    cov = ws.coverage().set_index("method")
    console.print(
        f"Direct attribution credited {cov.loc['total', 'orders_credited'] - cov.loc['unattributed', 'orders_credited']:,}"  # noqa: E501
        f" of {cov.loc['total', 'orders_credited']:,} orders "
        f"({100 - cov.loc['unattributed', 'share_of_orders']:.1f}%) and "
        f"{100 - cov.loc['unattributed', 'share_of_revenue']:.1f}% of net revenue: a floor, "
        "not the whole effect.")
    perf = ws.performers(3)
    ptable = Table(title="Top and low performers")
    for col in ("", "influencer", "ROI", "revenue", "cost", "call"):
        ptable.add_column(col)
    for r in perf.itertuples():
        ptable.add_row(r.group, r.influencer, _pct(r.roi), _money(r.revenue), _money(r.cost),
                       r.call)
    console.print(ptable)


def run_demo(store: str, out: Path, *, scale: float = 1.0,
             console: Console | None = None) -> Workspace:
    console = console or Console()
    ws = build_demo(store, out, scale=scale, console=console)
    print_summary(ws, console)
    plan_next_campaign(ws, out, console)
    check_quality(ws, console)
    estimate_incrementality(ws, console)
    from creatorroi.report import save
    from creatorroi.report.build import build_report

    t0 = time.perf_counter()
    report = build_report(ws)   # in the workspace's language, Italian
    paths = [save(report, out / f"report-demo.{fmt}", fmt=fmt) for fmt in ("pdf", "xlsx", "html")]
    console.print(f"\nthe demo brand's report ({time.perf_counter() - t0:.1f}s): "
                  + ", ".join(str(p) for p in paths))
    console.print(f"\nstore: {store}  (try: creatorroi kpis --by influencer --store {store})")
    return ws


def check_quality(ws: Workspace, console: Console) -> None:
    """Run the content checks and the audience audit as the day's cron would, as of the
    demo's last day, so the calendar, the influencer pages and the report show their findings.
    """
    from creatorroi.audience_audit import run_audit, spend_at_risk
    from creatorroi.monitoring import run_checks

    last = ws.store.fetch("SELECT max(published_at) FROM posts WHERE workspace_id = ?",
                          [ws.id])[0][0]
    today = pd.Timestamp(last).tz_convert(ws.timezone).date() if last is not None else None
    run = run_checks(ws, today=today)
    kpis = ws.kpis([]).iloc[0]
    console.print(f"\ncontent checks (as of {today}): {len(run.attention)} findings need "
                  f"attention; {_pct(kpis['compliance_rate'])} of the live posts checked "
                  "follow the brief")
    audit = run_audit(ws)
    failing = audit[audit["verdict"] == "fail"]
    console.print(f"audience audit: {len(audit)} accounts, {len(failing)} failing: "
                  + ", ".join(f"@{h} ({s:.0f})" for h, s in
                              zip(failing["handle"], failing["score"], strict=True)))
    risk = spend_at_risk(ws)
    if len(risk):
        console.print(f"  spend on failing or watched audiences: {risk['cost'].sum():,} "
                      f"{ws.currency}")
    console.print(f"comment sentiment: {float(kpis['sentiment']):+.2f} over "
                  f"{int(kpis['comments_scored']):,} comments")


NEXT_CAMPAIGN = ("id,name,goal_family,funnel_stage,starts_on,ends_on,message\n"
                 "spring26,Spring 2026,sales,bofu,2026-03-01,2026-03-31,"
                 "The new SPF serum for spring\n")


def estimate_incrementality(ws: Workspace, console: Console) -> None:
    """Fit the mix model on the brand's weekly series, so the report can show direct
    attribution as the floor and the model's estimate above it."""
    t0 = time.perf_counter()
    run = ws.incrementality.fit(grain="week", draws=300, tune=300)
    creators = run.json.get("influencers") or {}
    if creators.get("multiplier") is None:
        console.print("mix model: no creator spend in the fitted period")
        return
    d = run.result.diagnostics
    inc, low, high, floor = (f"{creators[k]:,.0f}" for k in (
        "incremental", "incremental_low", "incremental_high", "attributed"))
    console.print(
        f"\nmix model ({time.perf_counter() - t0:.0f}s, {run.result.start} – {run.result.end}, "
        f"weekly): creators caused {inc} ({low}–{high}, 90%) against {floor} attributed, a "
        f"multiplier of {creators['multiplier']:.2f} ({creators['multiplier_low']:.2f}–"
        f"{creators['multiplier_high']:.2f}); R-hat {d.rhat_max:.2f}, "
        f"{d.divergences} divergences.")
    for warning in d.warnings:
        console.print(f"  ! {warning}")


def plan_next_campaign(ws: Workspace, out: Path, console: Console) -> pd.DataFrame:
    """Issue the next campaign's codes, short links, QR codes and a landing page for the
    three creators who brought the most orders, as a marketer would before briefing them."""
    path = out / "next-campaign.csv"
    path.write_text(NEXT_CAMPAIGN, encoding="utf-8")
    ws.import_file("campaigns", path)
    tracking = ws.settings.tracking.model_copy(update={
        "short_domain": "go.luminaskincare.it", "allowed_domains": ["luminaskincare.it"]})
    ws.update_settings(ws.settings.model_copy(update={"tracking": tracking}))
    credited = ws.attributions()["influencer_id"].value_counts()
    ids = sorted(credited.index[:3])   # the three creators who brought the most orders
    lines = ["influencer,campaign,placement,destination,landing,offer,products"]
    for n, id in enumerate(ids):
        landing = "yes" if n == 0 else "no"
        lines.append(f"{id},spring26,story,https://luminaskincare.it/collections/spf,{landing},"
                     "-20% sul siero SPF,https://luminaskincare.it/products/spf-serum")
    roster = out / "spring26-roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    issued = ws.tracking.issue_roster(roster)
    files = ws.tracking.kit(out / "kit", campaign="spring26")
    table = Table(title="Next campaign: issued with `creatorroi track roster`")
    for col in ("influencer", "promo code", "short link"):
        table.add_column(col)
    for id in ids:
        mine = issued[issued["influencer_id"] == id]
        code = next(iter(mine[mine["kind"] == "promo_code"]["match_key"]), "")
        link = next(iter(mine[mine["kind"] == "utm_link"]["short_url"]), "")
        table.add_row(id, code, link)
    console.print(table)
    console.print(f"QR codes and landing page: {len(files)} files in {out / 'kit'}/")
    return issued
