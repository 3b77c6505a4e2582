"""Fit the mix model with NUTS and say, in plain words, whether to trust it.

Two fits share one compiled sampler: the first leaves the last weeks out and forecasts them
(out-of-time error, not a random split, because a model that only interpolates can look
perfect and forecast badly); the second uses every period and gives the answers.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from creatorroi.mmm import _jax  # noqa: F401  (sets the CPU device count before JAX starts)
from creatorroi.mmm.diagnostics import warnings_for
from creatorroi.mmm.model import Design, baseline_draws, design, mix_model
from creatorroi.mmm.prepare import Prepared, prepare
from creatorroi.mmm.spec import (
    ChannelEstimate,
    Diagnostics,
    Interval,
    MMMResult,
    MMMSpec,
)


@dataclass(frozen=True)
class Posterior:
    """The draws the answers, curves and optimiser are computed from (scaled units)."""

    design: Design
    prepared: Prepared
    samples: Mapping[str, np.ndarray]


def fit_mmm(frame: pd.DataFrame, spec: MMMSpec, *, draws: int = 400, tune: int = 400,
            chains: int = 2, seed: int = 0, level: float = 0.9, holdout: int | None = None,
            progress: bool = False, source: str = "table") -> MMMResult:
    """Fit ``spec`` to ``frame`` and summarise it with ``level`` credible intervals."""
    started = time.perf_counter()
    p = prepare(frame, spec, source=source, holdout=holdout)
    runner = _Runner(draws, tune, chains, seed, progress)
    holdout_mape = None
    if p.holdout:
        mask = np.ones(p.periods)
        mask[-p.holdout:] = 0.0
        d = design(p, spec, mask)
        samples = with_baseline(runner.run(d, p.y / d.y_scale, mask), d, p, mask, seed)
        pred = samples["mu"][:, -p.holdout:] * d.y_scale
        actual = p.y[-p.holdout:]
        holdout_mape = _mape(actual, pred.mean(axis=0))
    mask = np.ones(p.periods)
    d = design(p, spec, mask)
    samples = with_baseline(runner.run(d, p.y / d.y_scale, mask), d, p, mask, seed)
    post = Posterior(d, p, samples)
    return summarise(post, spec, level=level, holdout_mape=holdout_mape, runner=runner,
                     seconds=time.perf_counter() - started)


def with_baseline(samples: dict[str, np.ndarray], d: Design, p: Prepared, mask: np.ndarray,
                  seed: int) -> dict[str, np.ndarray]:
    """Add the integrated-out baseline's draws, and the fitted mean, to the sampler's."""
    rng = np.random.default_rng(seed + 1)
    y = p.y / d.y_scale
    coef = baseline_draws(y[None, :] - samples["media"], mask, d.base_x, d.base_mean,
                          d.base_sd, samples["sigma"], rng)
    base = coef @ d.base_x.T
    return samples | {"coef": coef, "baseline": base, "mu": base + samples["media"]}


class _Runner:
    """One NUTS sampler, compiled once, run on successive designs of the same shape."""

    def __init__(self, draws: int, tune: int, chains: int, seed: int, progress: bool):
        import jax
        from numpyro.infer import MCMC, NUTS, init_to_median

        self.seed = seed
        method = "parallel" if jax.local_device_count() >= chains else "sequential"
        kernel = NUTS(mix_model, init_strategy=init_to_median(num_samples=15),
                      target_accept_prob=0.9)
        self.mcmc = MCMC(kernel, num_warmup=tune, num_samples=draws, num_chains=chains,
                         chain_method=method, progress_bar=progress, jit_model_args=True)
        self.divergences = 0
        self.rhat_max = 1.0
        self.ess_min = float("inf")
        self.draws = draws
        self.chains = chains

    def run(self, d: Design, y: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        import jax
        from numpyro.diagnostics import summary

        self.mcmc.run(jax.random.PRNGKey(self.seed), d, y, mask,
                      extra_fields=("diverging",))
        grouped = self.mcmc.get_samples(group_by_chain=True)
        free = {k: np.asarray(v) for k, v in grouped.items()
                if k not in {"media", "contrib", "roas", "beta", "pool_excess", "decay_all",
                             "half_all"}}
        stats = summary(free, prob=0.9)
        rhat = [float(np.nanmax(s["r_hat"])) for s in stats.values()]
        ess = [float(np.nanmin(s["n_eff"])) for s in stats.values()]
        self.rhat_max = max(rhat) if rhat else 1.0
        self.ess_min = min(ess) if ess else float("nan")
        self.divergences = int(np.asarray(self.mcmc.get_extra_fields()["diverging"]).sum())
        return {k: np.asarray(v) for k, v in self.mcmc.get_samples().items()}


def summarise(post: Posterior, spec: MMMSpec, *, level: float, holdout_mape: float | None,
              runner: _Runner, seconds: float) -> MMMResult:
    d, p, s = post.design, post.prepared, post.samples
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2

    def interval(draws: np.ndarray) -> Interval:
        return Interval(float(np.mean(draws)), float(np.quantile(draws, lo_q)),
                        float(np.quantile(draws, hi_q)))

    contrib = s["contrib"] * d.y_scale                    # (S, C)
    roas = contrib / d.spend_total
    channels: dict[str, ChannelEstimate] = {}
    for j, col in enumerate(p.channels):
        floor = float(p.floors[j]) if col in spec.floors else None
        channels[col] = ChannelEstimate(
            name=col, kind="influencer" if p.influencer[j] else "channel",
            group=spec.groups.get(col), spend=float(d.spend_total[j]),
            contribution=interval(contrib[:, j]), roas=interval(roas[:, j]), floor=floor,
            multiplier=interval(contrib[:, j] / floor) if floor else None)
    mu = s["mu"] * d.y_scale
    rng = np.random.default_rng(runner.seed)
    replicated = mu + rng.normal(size=mu.shape) * s["sigma"][:, None] * d.y_scale
    low, high = np.quantile(replicated, [lo_q, hi_q], axis=0)
    fitted = mu.mean(axis=0)
    resid = p.y - fitted
    r2 = 1 - float(np.sum(resid ** 2) / np.sum((p.y - p.y.mean()) ** 2))
    coverage = float(np.mean((p.y >= low) & (p.y <= high)))
    mape = _mape(p.y, fitted)
    creators = p.influencer
    extra: dict[str, Any] = {"fitted": fitted, "fitted_low": low, "fitted_high": high}
    if creators.any():
        total = contrib[:, creators].sum(axis=1)
        floors = p.floors[creators].sum()
        extra["influencers"] = {
            "spend": float(d.spend_total[creators].sum()), "attributed": float(floors),
            "incremental": interval(total), "roas": interval(total / d.spend_total[creators].sum()),
            "multiplier": interval(total / floors) if floors > 0 else None}
    diag = Diagnostics(
        rhat_max=runner.rhat_max, ess_min=runner.ess_min, divergences=runner.divergences,
        draws=runner.draws, chains=runner.chains, r2=r2, mape=mape,
        holdout_periods=p.holdout, holdout_mape=holdout_mape, coverage=coverage,
        seconds=seconds, warnings=())
    diag = replace(diag, warnings=tuple(warnings_for(diag, post, level)))
    return MMMResult(grain=p.grain, start=p.dates[0], end=p.dates[-1], level=level,
                     target_total=float(p.y.sum()),
                     baseline=interval(s["baseline"].sum(axis=1) * d.y_scale),
                     channels=channels, diagnostics=diag, extra=extra | {"posterior": post})


def _mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute error as a share of mean actual (robust to days with zero sales)."""
    return float(np.mean(np.abs(actual - predicted)) / max(np.mean(np.abs(actual)), 1e-9))
