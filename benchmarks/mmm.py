"""Marketing-mix ROAS recovery on data with a known answer, beside PyMC-Marketing in the same run.

    python benchmarks/mmm.py [--quick] [--repeats N] [--skip-baseline] [--out FILE.json]

Datasets come from :func:`creatorroi.mmm.synthetic.make_dataset`: influencer-shaped (many
creators with sparse, bursty spend on post days, attributed revenue a known fraction of the true
effect, spend and sales both peaking in Q4), two years:

* ``daily-2y``  — daily, 30 creators + 5 channels (the fit-time target's dataset);
* ``weekly-2y`` — the same days summed to Monday weeks;
* ``repeat-k``  — N smaller weekly datasets (12 creators + 3 channels), for interval coverage.

Each is fitted by ``creatorroi.mmm.fit.fit_mmm`` (which also gets ``spec.floors``: direct
attribution is a lower bound, part of the method) and by PyMC-Marketing's default MMM
(``benchmarks/mmm_baseline.py``, run in ``.venv-baseline`` so its pins never meet ours; plain
spend columns, the same controls plus a linear trend column ``t`` as its docs' example adds).
Printed per dataset: mean relative ROAS error |est−true|/true (posterior mean) over creators,
over other channels and over all; the share of 90% intervals covering the true ROAS; wall time
(fit alone, and total with JIT/compile and imports). Then the targets, PASS/FAIL:

* lower ROAS error than the baseline on the influencer-shaped datasets;
* 90% intervals cover the truth about 90% of the time over the repeated datasets (0.80–0.97);
* two years of daily data, 30 creators + 5 channels, fitted in under 2 minutes (2-core CPU).

When JAX sees an accelerator (``CREATORROI_JAX_GPU=1``), the daily fit is also timed on it; the
CPU path stays the default. ``make bench-mmm`` creates ``.venv-baseline`` and runs this.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from creatorroi.mmm.synthetic import Synthetic, make_dataset

ROOT = Path(__file__).resolve().parent.parent
BASELINE_PY = ROOT / ".venv-baseline" / "bin" / "python"
BASELINE_SCRIPT = Path(__file__).resolve().parent / "mmm_baseline.py"
LEVEL = 0.9
COVERAGE_BAND = (0.80, 0.97)
FIT_SECONDS_TARGET = 120.0
CREATE_BASELINE = ("python3 -m venv .venv-baseline && .venv-baseline/bin/pip install "
                   "'pymc-marketing>=0.10' pandas pyarrow   (or: make bench-mmm)")


@dataclass(frozen=True)
class Case:
    name: str
    seed: int
    grain: str
    days: int
    n_influencers: int
    n_channels: int
    repeat: bool = False

    def make(self) -> Synthetic:
        return make_dataset(self.seed, grain=self.grain,  # type: ignore[arg-type]
                            days=self.days, n_influencers=self.n_influencers,
                            n_channels=self.n_channels)


@dataclass
class Fit:
    """One method's answer on one dataset, graded against the truth."""

    method: str
    roas: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds_fit: float = math.nan
    seconds_total: float = math.nan
    rhat_max: float = math.nan
    divergences: int = -1
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def grade(self, truth: dict[str, float], kinds: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "seconds_fit": self.seconds_fit,
                               "seconds_total": self.seconds_total, "rhat_max": self.rhat_max,
                               "divergences": self.divergences, "error": self.error,
                               "notes": self.notes, "channels": {}}
        if self.error:
            return out
        errs: dict[str, list[float]] = {"influencer": [], "channel": []}
        cover: dict[str, list[bool]] = {"influencer": [], "channel": []}
        for col, true in truth.items():
            est = self.roas[col]
            rel = abs(est["mean"] - true) / true
            inside = est["low"] <= true <= est["high"]
            errs[kinds[col]].append(rel)
            cover[kinds[col]].append(inside)
            out["channels"][col] = {"true": true, **est, "rel_error": rel, "covered": inside}
        for key, label in (("influencer", "influencers"), ("channel", "channels")):
            out[f"error_{label}"] = _mean(errs[key])
            out[f"coverage_{label}"] = _mean(cover[key])
        out["error_all"] = _mean(errs["influencer"] + errs["channel"])
        out["coverage_all"] = _mean(cover["influencer"] + cover["channel"])
        return out


def _mean(xs: list[float] | list[bool]) -> float:
    return float(np.mean(xs)) if xs else math.nan


def cases(quick: bool, repeats: int, seed: int) -> list[Case]:
    if quick:
        main = [Case("daily-1y-quick", seed, "day", 365, 8, 3),
                Case("weekly-2y-quick", seed, "week", 730, 8, 3)]
        rep = [Case(f"repeat-{k + 1}", seed + 100 + k, "week", 730, 6, 2, repeat=True)
               for k in range(repeats)]
    else:
        main = [Case("daily-2y", seed, "day", 730, 30, 5),
                Case("weekly-2y", seed, "week", 730, 30, 5)]
        rep = [Case(f"repeat-{k + 1}", seed + 100 + k, "week", 730, 12, 3, repeat=True)
               for k in range(repeats)]
    return main + rep


# ---------------------------------------------------------------- ours


def fit_ours(data: Synthetic, args: argparse.Namespace) -> Fit:
    fit = Fit("creatorroi")
    started = time.perf_counter()
    try:
        from creatorroi.mmm.fit import fit_mmm

        result = fit_mmm(data.frame, data.spec, draws=args.draws, tune=args.tune,
                         chains=args.chains, seed=args.seed, level=LEVEL, progress=False)
    except Exception as exc:  # a benchmark reports a failed fit and goes on
        fit.error = f"{type(exc).__name__}: {exc}"
        return fit
    fit.seconds_total = time.perf_counter() - started
    fit.seconds_fit = float(result.diagnostics.seconds)
    fit.rhat_max = float(result.diagnostics.rhat_max)
    fit.divergences = int(result.diagnostics.divergences)
    fit.roas = {c: {"mean": e.roas.mean, "low": e.roas.low, "high": e.roas.high,
                    "contribution": e.contribution.mean}
                for c, e in result.channels.items()}
    return fit


def accelerator_backend() -> str | None:
    """The JAX backend a child process gets when allowed off the CPU (None: CPU only)."""
    env = os.environ | {"CREATORROI_JAX_GPU": "1"}
    env.pop("JAX_PLATFORMS", None)
    probe = ("import creatorroi.mmm._jax, jax; print(jax.default_backend())")
    try:
        out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                             text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return None
    backend = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "cpu"
    return None if backend == "cpu" else backend


def fit_on_accelerator(case: Case, args: argparse.Namespace) -> dict[str, Any]:
    """Times the same fit in a child process whose JAX may use the accelerator."""
    env = os.environ | {"CREATORROI_JAX_GPU": "1"}
    env.pop("JAX_PLATFORMS", None)
    cmd = [sys.executable, __file__, "--child-accelerator", json.dumps(case.__dict__),
           "--draws", str(args.draws), "--tune", str(args.tune), "--chains", str(args.chains),
           "--seed", str(args.seed)]
    started = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        return {"error": out.stderr[-2000:], "seconds_process": wall}
    return json.loads(out.stdout.strip().splitlines()[-1]) | {"seconds_process": wall}


def _child_accelerator(args: argparse.Namespace) -> int:
    import jax

    case = Case(**json.loads(args.child_accelerator))
    data = case.make()
    fit = fit_ours(data, args)
    graded = fit.grade(data.true_roas, _kinds(data))
    print(json.dumps({"backend": jax.default_backend(), "seconds_fit": fit.seconds_fit,
                      "seconds_total": fit.seconds_total, "error_all": graded.get("error_all"),
                      "error": fit.error}))
    return 0


# ---------------------------------------------------------------- baseline


def fit_baseline(data: Synthetic, args: argparse.Namespace, python: Path) -> Fit:
    fit = Fit("pymc-marketing")
    spec = data.spec
    frame = data.frame.copy()
    frame["t"] = np.arange(len(frame), dtype=float)  # the trend control its docs' example adds
    sample_kwargs: dict[str, Any] = {}
    if args.baseline_draws:
        sample_kwargs["draws"] = args.baseline_draws
    if args.baseline_tune:
        sample_kwargs["tune"] = args.baseline_tune
    if args.baseline_sampler:
        sample_kwargs["nuts_sampler"] = args.baseline_sampler
    fit.notes.append("control 't' (linear trend) added, as in its docs' example")
    if sample_kwargs:
        fit.notes.append(f"changed from defaults: {sample_kwargs}")
    config = {"channels": list(spec.spend), "controls": [*spec.controls, "t"],
              "date": spec.date, "target": spec.target, "l_max": spec.max_lag or 8,
              "yearly_seasonality": 2, "seed": args.seed, "level": LEVEL,
              "sample_kwargs": sample_kwargs}
    with tempfile.TemporaryDirectory(prefix="bench-mmm-") as tmp:
        d = Path(tmp)
        frame.to_parquet(d / "data.parquet")
        (d / "config.json").write_text(json.dumps(config))
        started = time.perf_counter()
        try:
            out = subprocess.run(
                [str(python), str(BASELINE_SCRIPT), str(d / "data.parquet"),
                 str(d / "config.json"), str(d / "out.json")],
                capture_output=True, text=True, timeout=args.baseline_timeout, check=False)
        except subprocess.TimeoutExpired:
            fit.error = f"timed out after {args.baseline_timeout:.0f} s"
            return fit
        fit.seconds_total = time.perf_counter() - started
        if out.returncode != 0:
            fit.error = "failed: " + out.stderr.strip()[-1500:]
            return fit
        res = json.loads((d / "out.json").read_text())
    fit.method = f"pymc-marketing {res['version']}"
    fit.seconds_fit = res["seconds"]
    fit.rhat_max = res["rhat_max"]
    fit.divergences = res["divergences"]
    fit.notes.append(f"{res['model']}; pm.sample chains={res['chains']} draws={res['draws']}")
    fit.roas = {c: {"mean": v["roas_mean"], "low": v["roas_low"], "high": v["roas_high"],
                    "contribution": v["contribution_mean"]}
                for c, v in res["channels"].items()}
    return fit


# ---------------------------------------------------------------- report


def _kinds(data: Synthetic) -> dict[str, str]:
    return {c: "influencer" if c in data.spec.groups else "channel" for c in data.spec.spend}


def _f(x: float | None, fmt: str = ".3f") -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def print_case(case: Case, data: Synthetic, graded: list[dict[str, Any]], detail: bool) -> None:
    n = len(data.frame)
    print(f"\n== {case.name}: {case.grain}, {n} periods, {case.n_influencers} creators + "
          f"{case.n_channels} channels, seed {case.seed}")
    print(f"{'method':<24}{'ROAS error: inf':>16}{'chan':>7}{'all':>7}"
          f"{'90% cover: inf':>16}{'chan':>7}{'all':>7}{'fit s':>9}{'total s':>9}"
          f"{'rhat':>7}{'div':>5}")
    for g in graded:
        if g["error"]:
            print(f"{g['method']:<24}  {g['error'].splitlines()[-1][:110]}")
            continue
        print(f"{g['method']:<24}{_f(g['error_influencers']):>16}{_f(g['error_channels']):>7}"
              f"{_f(g['error_all']):>7}{_f(g['coverage_influencers'], '.2f'):>16}"
              f"{_f(g['coverage_channels'], '.2f'):>7}{_f(g['coverage_all'], '.2f'):>7}"
              f"{_f(g['seconds_fit'], '.1f'):>9}{_f(g['seconds_total'], '.1f'):>9}"
              f"{_f(g['rhat_max'], '.2f'):>7}{g['divergences']:>5}")
    if not detail:
        return
    ok = [g for g in graded if not g["error"]]
    if not ok:
        return
    head = "".join(f"{g['method'][:22]:>30}" for g in ok)
    print(f"  {'channel':<12}{'group':<17}{'true':>7}{head}")
    for col in data.spec.spend:
        cells = "".join(
            f"{g['channels'][col]['mean']:>10.2f} [{g['channels'][col]['low']:.2f},"
            f"{g['channels'][col]['high']:.2f}]{'' if g['channels'][col]['covered'] else '*':<1}"
            .rjust(30) for g in ok)
        print(f"  {col:<12}{data.spec.groups.get(col, '-'):<17}"
              f"{data.true_roas[col]:>7.2f}{cells}")
    print("  (* interval misses the truth)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small datasets: a smoke run")
    ap.add_argument("--repeats", type=int, default=None,
                    help="repeated weekly datasets for coverage (default 10, quick 2)")
    ap.add_argument("--skip-baseline", action="store_true", help="fit only creatorroi")
    ap.add_argument("--out", type=Path, help="write every figure to this JSON file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--draws", type=int, default=400)
    ap.add_argument("--tune", type=int, default=400)
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--baseline-python", type=Path, default=BASELINE_PY)
    ap.add_argument("--baseline-draws", type=int, default=None,
                    help="baseline posterior draws per chain (default: pm.sample's)")
    ap.add_argument("--baseline-tune", type=int, default=None,
                    help="baseline tuning steps per chain (default: pm.sample's)")
    ap.add_argument("--baseline-sampler", default=None,
                    help="baseline nuts_sampler, e.g. numpyro or nutpie (default: pymc)")
    ap.add_argument("--baseline-timeout", type=float, default=3 * 3600.0)
    ap.add_argument("--no-accelerator", action="store_true", help="skip the accelerator timing")
    ap.add_argument("--child-accelerator", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_accelerator:
        return _child_accelerator(args)
    repeats = args.repeats if args.repeats is not None else (2 if args.quick else 10)
    if args.quick:  # pm.sample's 1000+1000 per chain takes minutes even on the small data
        args.baseline_draws = args.baseline_draws or args.draws
        args.baseline_tune = args.baseline_tune or args.tune

    baseline_py: Path | None = args.baseline_python
    if args.skip_baseline:
        print("baseline: skipped (--skip-baseline)")
        baseline_py = None
    elif not (baseline_py and baseline_py.exists()):
        print(f"baseline: SKIPPED, {args.baseline_python} is missing. Create it with:\n  "
              f"{CREATE_BASELINE}")
        baseline_py = None
    print(f"creatorroi fit_mmm: draws={args.draws} tune={args.tune} chains={args.chains}, "
          f"{LEVEL:.0%} intervals; {os.cpu_count()} CPU cores")

    report: dict[str, Any] = {"level": LEVEL, "quick": args.quick, "repeats": repeats,
                              "cpu_count": os.cpu_count(), "datasets": [], "targets": []}
    all_cases = cases(args.quick, repeats, args.seed)
    for case in all_cases:
        data = case.make()
        kinds = _kinds(data)
        fits = [fit_ours(data, args)]
        if baseline_py is not None:
            fits.append(fit_baseline(data, args, baseline_py))
        graded = [f.grade(data.true_roas, kinds) for f in fits]
        print_case(case, data, graded, detail=not case.repeat)
        for g in graded:
            for note in g["notes"]:
                print(f"  note ({g['method']}): {note}")
        report["datasets"].append({
            **case.__dict__, "periods": len(data.frame), "true_roas": data.true_roas,
            "true_contribution": data.true_contribution, "groups": dict(data.spec.groups),
            "floors": dict(data.spec.floors), "fits": graded})
        sys.stdout.flush()

    accel: dict[str, Any] | None = None
    if not args.no_accelerator:
        backend = accelerator_backend()
        if backend is None:
            print("\naccelerator: none (JAX sees only the CPU); the CPU path above is the default")
        else:
            accel = fit_on_accelerator(all_cases[0], args)
            print(f"\naccelerator ({backend}): {all_cases[0].name} fit "
                  f"{_f(accel.get('seconds_fit'), '.1f')} s, total "
                  f"{_f(accel.get('seconds_total'), '.1f')} s, ROAS error "
                  f"{_f(accel.get('error_all'))}" + (f"; {accel['error']}"
                                                      if accel.get("error") else ""))
    report["accelerator"] = accel

    targets = summarise(report, args.quick)
    report["targets"] = targets
    if args.out:
        args.out.write_text(json.dumps(report, indent=1, default=float))
        print(f"\nwrote {args.out}")
    return 0


def summarise(report: dict[str, Any], quick: bool) -> list[dict[str, Any]]:
    """The issue's targets, each PASS, FAIL or n/a with the figures behind it."""
    out: list[dict[str, Any]] = []
    datasets = report["datasets"]

    def line(name: str, status: str, detail: str) -> None:
        out.append({"target": name, "status": status, "detail": detail})

    # 1. Lower ROAS error than the baseline on the influencer-shaped datasets.
    mains = [d for d in datasets if not d["repeat"]]
    pairs = []
    for d in mains:
        ours, base = d["fits"][0], (d["fits"][1] if len(d["fits"]) > 1 else None)
        if base is None or base["error"] or ours["error"]:
            continue
        pairs.append((d["name"], ours["error_all"], base["error_all"]))
    if not pairs:
        line("ROAS error below PyMC-Marketing", "n/a", "no baseline fit to compare with")
    else:
        ok = all(o < b for _, o, b in pairs)
        line("ROAS error below PyMC-Marketing", "PASS" if ok else "FAIL",
             "; ".join(f"{n}: {o:.3f} vs {b:.3f}" for n, o, b in pairs))

    # 2. Coverage of the 90% intervals over the repeated datasets (pooled over channels).
    for i, method in enumerate(("creatorroi", "pymc-marketing")):
        hits = [c["covered"] for d in datasets if d["repeat"] and len(d["fits"]) > i
                and not d["fits"][i]["error"] for c in d["fits"][i]["channels"].values()]
        name = f"90% interval coverage ≈ 90% over repeats ({method})"
        if not hits:
            if i == 0:
                line(name, "n/a", "no repeated datasets fitted")
            continue
        cov = float(np.mean(hits))
        lo, hi = COVERAGE_BAND
        status = "PASS" if lo <= cov <= hi else "FAIL"
        if i == 1:
            status = "info"
        line(name, status, f"{cov:.2f} of {len(hits)} intervals (band {lo:.2f}–{hi:.2f})")

    # 3. Two years of daily data, 30 creators + 5 channels, under 2 minutes.
    daily = [d for d in mains if d["name"] == "daily-2y"]
    if quick or not daily:
        line("daily 2y, 30+5 channels, fit < 120 s", "n/a", "not run in --quick")
    else:
        ours = daily[0]["fits"][0]
        secs = ours["seconds_total"]
        ok = not ours["error"] and secs < FIT_SECONDS_TARGET
        line("daily 2y, 30+5 channels, fit < 120 s", "PASS" if ok else "FAIL",
             f"{_f(secs, '.1f')} s total incl. JIT ({_f(ours['seconds_fit'], '.1f')} s fit), "
             f"{report['cpu_count']} cores")

    print("\n== targets")
    for t in out:
        print(f"{t['status']:<5} {t['target']}: {t['detail']}")
    return out


if __name__ == "__main__":
    sys.exit(main())
