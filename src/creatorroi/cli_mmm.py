"""`creatorroi mmm fit | optimize | series` and `creatorroi lift`: the incrementality doors.

Each fits either the workspace's own series or any daily or weekly table an analyst brings
(``--csv``), and prints a table or the JSON the issue promises. The model lives in
:mod:`creatorroi.mmm`; these commands only parse options and print.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from creatorroi.cli_common import DEFAULT_STORE, StoreOpt, WsOpt, _ws, console, emit
from creatorroi.errors import CreatorROIError, ModelRefused
from creatorroi.mmm.spec import Grain, LiftTest, MMMResult, MMMSpec, RoasPrior

mmm_app = typer.Typer(help="Marketing-mix model: the revenue every channel and creator caused, "
                           "tracked or not.", no_args_is_help=True)

CsvOpt = Annotated[Path | None, typer.Option("--csv", exists=True, dir_okay=False,
                                             help="fit this table instead of the workspace")]
DateOpt = Annotated[str, typer.Option("--date", help="date column of --csv")]
TargetOpt = Annotated[str | None, typer.Option("--target", help="outcome column of --csv")]
SpendOpt = Annotated[str | None, typer.Option("--spend", help="spend columns, comma-separated")]
ControlsOpt = Annotated[str | None, typer.Option("--controls",
                                                 help="control columns, comma-separated")]
FormatOpt = Annotated[str, typer.Option("--format", help="table or json")]
DrawsOpt = Annotated[int, typer.Option(help="posterior draws per chain")]
TuneOpt = Annotated[int, typer.Option(help="warm-up draws per chain")]
SeedOpt = Annotated[int, typer.Option(help="random seed: the same seed gives the same result")]


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (text or "").split(",") if c.strip())


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, sep=None, engine="python", encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CreatorROIError(f"{path}: cannot read it as CSV ({exc})") from None


def _lift_tests(values: list[str]) -> list[LiftTest]:
    out = []
    for v in values:
        parts = v.split(":")
        try:
            ch, start, end, value, sd = parts
            out.append(LiftTest(ch, date.fromisoformat(start), date.fromisoformat(end),
                                float(value), float(sd)))
        except ValueError:
            raise CreatorROIError(f"--lift-test {v!r}: use CHANNEL:START:END:REVENUE:SE, e.g. "
                                  "meta_ads:2025-03-01:2025-03-28:12000:3000") from None
    return out


def _priors(values: list[str]) -> dict[str, RoasPrior]:
    out = {}
    for v in values:
        try:
            ch, mean, sd = v.split(":")
            out[ch] = RoasPrior(float(mean), float(sd))
        except ValueError:
            raise CreatorROIError(f"--roas-prior {v!r}: use CHANNEL:MEAN:SD, e.g. "
                                  "google_ads:2.5:1") from None
    return out


def _fit(csv: Path | None, date_col: str, target: str | None, spend: str | None,
         controls: str | None, groups: str | None, floors: str | None, grain: Grain,
         store: str, workspace: str | None, draws: int, tune: int, chains: int, seed: int,
         holdout: int | None, lift_test: list[str], roas_prior: list[str],
         quiet: bool) -> tuple[MMMResult, dict[str, Any]]:
    from creatorroi.mmm.fit import fit_mmm
    from creatorroi.mmm.output import result_json

    tests, priors = _lift_tests(lift_test), _priors(roas_prior)
    progress = not quiet and sys.stderr.isatty()
    if csv is None:
        if target or spend or controls:
            raise CreatorROIError("--target, --spend and --controls describe a --csv table; "
                                  "without --csv the workspace's own series is fitted")
        ws = _ws(store, workspace)
        run = ws.incrementality.fit(grain=grain, draws=draws, tune=tune, chains=chains,
                                    seed=seed, holdout=holdout, lift_tests=tests,
                                    roas_priors=priors, progress=progress)
        return run.result, run.json | {"run": run.id}
    if not target or not spend:
        raise CreatorROIError("--csv needs --target COL and --spend COL,COL...")
    frame = _read_csv(csv)
    spend_cols = _split(spend)
    spec = MMMSpec(date=date_col, target=target, spend=spend_cols, controls=_split(controls),
                   groups=dict(_pairs(groups, "--groups")),
                   floors={k: float(v) for k, v in _pairs(floors, "--floors")},
                   roas_priors=priors, lift_tests=tuple(tests))
    if not quiet:
        console.print(f"[dim]fitting {len(frame)} rows, {len(spend_cols)} spend columns "
                      f"({draws} draws × {chains} chains)…[/]", highlight=False)
    result = fit_mmm(frame, spec, draws=draws, tune=tune, chains=chains, seed=seed,
                     holdout=holdout, progress=progress, source=str(csv))
    return result, result_json(result)


def _pairs(text: str | None, option: str) -> list[tuple[str, str]]:
    out = []
    for part in _split(text):
        key, sep, value = part.partition("=")
        if not sep:
            raise CreatorROIError(f"{option} {part!r}: use COLUMN=VALUE, comma-separated")
        out.append((key.strip(), value.strip()))
    return out


@mmm_app.command("fit")
def fit(csv: CsvOpt = None, date_col: DateOpt = "date", target: TargetOpt = None,
        spend: SpendOpt = None, controls: ControlsOpt = None,
        groups: Annotated[str | None, typer.Option(
            help="creator columns and their pool: inf_a=instagram/micro,...")] = None,
        floors: Annotated[str | None, typer.Option(
            help="directly attributed revenue per column (a lower bound): inf_a=1200,...")
        ] = None,
        grain: Annotated[str, typer.Option(help="day or week (workspace series)")] = "day",
        out: Annotated[Path | None, typer.Option("--out", help="write result.json, "
                                                 "channels.csv, fit.csv and curves.csv here")
                       ] = None,
        fmt: FormatOpt = "table", draws: DrawsOpt = 400, tune: TuneOpt = 400,
        chains: Annotated[int, typer.Option(help="sampler chains (R-hat needs 2+)")] = 2,
        seed: SeedOpt = 0,
        holdout: Annotated[int | None, typer.Option(
            help="periods held out for the forecast check (default 8 weeks; 0 = none)")
        ] = None,
        lift_test: Annotated[list[str] | None, typer.Option(
            "--lift-test", help="CHANNEL:START:END:REVENUE:SE, repeatable")] = None,
        roas_prior: Annotated[list[str] | None, typer.Option(
            "--roas-prior", help="CHANNEL:MEAN:SD, repeatable")] = None,
        store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Fit the mix model: incremental revenue, ROAS and intervals per channel and creator."""
    if grain not in ("day", "week"):
        raise CreatorROIError(f"--grain {grain!r}: use day or week")
    result, data = _fit(csv, date_col, target, spend, controls, groups, floors,
                           grain, store, workspace, draws,  # type: ignore[arg-type]
                           tune, chains, seed, holdout, lift_test or [], roas_prior or [],
                           quiet=fmt == "json")
    if out is not None:
        _write(out, result, data)
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    _print(result, data)
    if out is not None:
        console.print(f"written to {out}/")


def _print(result: MMMResult, data: dict[str, Any]) -> None:
    pct = int(result.level * 100)
    rows = []
    for col, c in data["channels"].items():
        rows.append({"channel": c.get("label") or col, "kind": c["kind"],
                     "spend": round(c["spend"], 2),
                     "incremental": round(c["contribution"], 2),
                     f"ROAS ({pct}% interval)": f"{c['roas']:.2f} "
                                                f"({c['roas_low']:.2f}–{c['roas_high']:.2f})",
                     "attributed": None if c["attributed"] is None else round(c["attributed"], 2),
                     "× attributed": None if c.get("multiplier") is None else
                     f"{c['multiplier']:.2f} ({c['multiplier_low']:.2f}–"
                     f"{c['multiplier_high']:.2f})"})
    emit(pd.DataFrame(rows), "table",
         title=f"Mix model {result.start} – {result.end} ({result.grain}ly)")
    creators = data.get("influencers")
    if creators and creators.get("multiplier") is not None:
        console.print(
            f"Creators: {creators['incremental']:,.0f} incremental "
            f"({creators['incremental_low']:,.0f}–{creators['incremental_high']:,.0f}) against "
            f"{creators['attributed']:,.0f} attributed: multiply direct figures by "
            f"{creators['multiplier']:.2f} ({creators['multiplier_low']:.2f}–"
            f"{creators['multiplier_high']:.2f}).")
    d = result.diagnostics
    hold = (f", forecast error on the last {d.holdout_periods} periods "
            f"{d.holdout_mape:.1%}" if d.holdout_mape is not None else "")
    console.print(f"[dim]R-hat {d.rhat_max:.3f}, min ESS {d.ess_min:.0f}, {d.divergences} "
                  f"divergences, R² {d.r2:.2f}, error {d.mape:.1%}{hold}; "
                  f"{d.seconds:.0f} s[/]", highlight=False)
    for w in d.warnings:
        console.print(f"[yellow]! {w}[/]", highlight=False)


def _write(out: Path, result: MMMResult, data: dict[str, Any]) -> None:
    from creatorroi.mmm.optimize import response_curves

    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").write_text(json.dumps(data, ensure_ascii=False, indent=2,
                                                default=str), encoding="utf-8")
    pd.DataFrame([{"column": k, **v} for k, v in data["channels"].items()]).to_csv(
        out / "channels.csv", index=False)
    post = result.extra["posterior"]
    pd.DataFrame({"date": post.prepared.dates, "actual": post.prepared.y,
                  "fitted": result.extra["fitted"], "low": result.extra["fitted_low"],
                  "high": result.extra["fitted_high"]}).to_csv(out / "fit.csv", index=False)
    response_curves(post, level=result.level).to_csv(out / "curves.csv", index=False)


@mmm_app.command("optimize")
def optimize(budget: Annotated[float, typer.Option(help="total to spend over the horizon")],
             periods: Annotated[int | None, typer.Option(
                 help="horizon in periods of the fit's grain (default 4 weeks)")] = None,
             min_: Annotated[list[str] | None, typer.Option(
                 "--min", help="CHANNEL=AMOUNT, least to spend on it; repeatable")] = None,
             max_: Annotated[list[str] | None, typer.Option(
                 "--max", help="CHANNEL=AMOUNT, most to spend on it; repeatable")] = None,
             csv: CsvOpt = None, date_col: DateOpt = "date", target: TargetOpt = None,
             spend: SpendOpt = None, controls: ControlsOpt = None,
             grain: Annotated[str, typer.Option(help="day or week")] = "day",
             fmt: FormatOpt = "table", draws: DrawsOpt = 400, tune: TuneOpt = 400,
             seed: SeedOpt = 0, store: StoreOpt = DEFAULT_STORE,
             workspace: WsOpt = None) -> None:
    """Split a budget for the next period across channels for the most expected revenue.
    Fits the model first (a minute or two)."""
    from creatorroi.mmm.optimize import optimize_budget

    result, _ = _fit(csv, date_col, target, spend, controls, None, None,
                        grain, store, workspace, draws, tune, 2,  # type: ignore[arg-type]
                        seed, None, [], [], quiet=fmt == "json")
    bounds: dict[str, tuple[float | None, float | None]] = {}
    for text, i in [(v, 0) for v in min_ or []] + [(v, 1) for v in max_ or []]:
        (key, value), = _pairs(text, "--min/--max")
        low, high = bounds.get(key, (None, None))
        try:
            amount = float(value)
        except ValueError:
            raise CreatorROIError(f"--min/--max {text!r}: {value!r} is not a number") from None
        bounds[key] = (amount, high) if i == 0 else (low, amount)
    alloc = optimize_budget(result.extra["posterior"], budget, periods=periods, bounds=bounds,
                            level=result.level, seed=seed)
    data = alloc.as_dict()
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    pct = int(alloc.level * 100)

    def span(i: dict[str, float]) -> str:
        return f"{i['mean']:,.0f} ({i['low']:,.0f}–{i['high']:,.0f})"

    emit(pd.DataFrame([{
        "channel": r["channel"], "kind": r["kind"], "current mix": round(r["current"], 2),
        "proposed": round(r["proposed"], 2), "min": round(r["min"], 2),
        "max": round(r["max"], 2), f"revenue now ({pct}%)": span(r["expected_current"]),
        f"revenue proposed ({pct}%)": span(r["expected_proposed"])}
        for r in data["channels"]]), "table",
        title=f"Budget {budget:,.0f} over {alloc.periods} {alloc.grain}s")
    console.print(f"Expected revenue {span(data['expected_proposed'])} against "
                  f"{span(data['expected_current'])} for the current mix: "
                  f"{span(data['uplift'])} more.", highlight=False)
    for note in alloc.notes:
        console.print(f"[yellow]! {note}[/]", highlight=False)


@mmm_app.command("series")
def series(grain: Annotated[str, typer.Option(help="day or week")] = "day",
           out: Annotated[Path | None, typer.Option("--out", help="CSV file to write")] = None,
           store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Write the workspace's daily or weekly series, the table `mmm fit` models."""
    if grain not in ("day", "week"):
        raise CreatorROIError(f"--grain {grain!r}: use day or week")
    bundle = _ws(store, workspace).incrementality.series(grain)  # type: ignore[arg-type]
    if out is None:
        bundle.frame.to_csv(sys.stdout, index=False)
        return
    bundle.frame.to_csv(out, index=False)
    console.print(f"{len(bundle.frame)} {grain}s × {len(bundle.frame.columns)} columns "
                  f"written to {out}")
    for w in bundle.warnings:
        console.print(f"[yellow]! {w}[/]", highlight=False)


def lift(post: Annotated[str | None, typer.Option(help="post id")] = None,
         influencer: Annotated[str | None, typer.Option(help="influencer id")] = None,
         campaign: Annotated[str | None, typer.Option(help="campaign id")] = None,
         metric: Annotated[str, typer.Option(
             help="series to measure: sessions_direct, sessions_organic_search, "
                  "brand_search, revenue...")] = "sessions_direct",
         window: Annotated[int, typer.Option(help="days after going live")] = 14,
         controls: ControlsOpt = None,
         csv: CsvOpt = None, date_col: DateOpt = "date", target: TargetOpt = None,
         start: Annotated[str | None, typer.Option(help="first day of the effect (--csv)")
                          ] = None,
         end: Annotated[str | None, typer.Option(help="last day of the effect (--csv)")
                        ] = None,
         fmt: FormatOpt = "table", draws: DrawsOpt = 1000, tune: TuneOpt = 1000,
         seed: SeedOpt = 0, store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """The lift a post, creator or campaign caused, against a counterfactual, with an
    interval and the probability of no effect."""
    from creatorroi.mmm.lift import estimate_lift

    progress = fmt != "json" and sys.stderr.isatty()
    if csv is not None:
        if not target or not start:
            raise CreatorROIError("--csv needs --target COL and --start DATE")
        try:
            first = date.fromisoformat(start)
            last = date.fromisoformat(end) if end else None
        except ValueError:
            raise CreatorROIError("--start/--end: use ISO dates, e.g. 2025-03-01") from None
        result = estimate_lift(_read_csv(csv), target, _split(controls), first, last,
                               date_col=date_col, draws=draws, tune=tune, seed=seed,
                               progress=progress)
    else:
        ws = _ws(store, workspace)
        result = ws.incrementality.lift(
            post=post, influencer=influencer, campaign=campaign, metric=metric, window=window,
            controls=_split(controls) if controls is not None else None, draws=draws,
            tune=tune, seed=seed, progress=progress)
    data = result.as_dict()
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if fmt != "table":
        raise ModelRefused(f"unknown format {fmt!r}: use table or json")
    pct = int(result.level * 100)
    console.print(
        f"{result.target} {result.start} – {result.end}: actual {result.actual_total:,.0f}, "
        f"expected without it {result.counterfactual.mean:,.0f} "
        f"({result.counterfactual.low:,.0f}–{result.counterfactual.high:,.0f}).\n"
        f"Lift {result.lift.mean:+,.0f} ({pct}% interval {result.lift.low:+,.0f} to "
        f"{result.lift.high:+,.0f}), {result.relative.mean:+.1%}; probability of no effect "
        f"{result.p_no_effect:.1%}.", highlight=False)
    for w in result.warnings:
        console.print(f"[yellow]! {w}[/]", highlight=False)
