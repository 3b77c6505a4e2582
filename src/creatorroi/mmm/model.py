"""The marketing-mix model, as a NumPyro program.

Sales = baseline (level, trend, yearly and weekly seasonality, controls) + one term per channel,
each ``beta · saturation(adstock(spend))``. Three choices make it fit influencer marketing:

* **Parameterised by ROAS.** Each channel samples its return on ad spend, and ``beta`` follows
  from it. The quantities a CFO asks about get the priors: an analyst's ROAS belief, a lift
  test's measured revenue, and direct attribution's floor all speak to them directly.
* **Direct attribution is a floor.** A creator's ROAS is her attributed revenue per unit of
  spend plus a positive excess: revenue traced by her code or link happened, and the model only
  asks how much more she caused.
* **Creators are pooled.** The excess of each creator is drawn around her pool's (platform and
  tier) mean; adstock and saturation are shared per pool. Fifty creators with three posts each
  are estimable because they borrow strength from one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist

from creatorroi.mmm.prepare import YEAR, Prepared
from creatorroi.mmm.spec import MMMSpec

YEAR_DAYS = 365.25


@dataclass(frozen=True)
class Design:
    """Everything the model reads, as arrays: the shapes stay fixed between the hold-out fit
    and the full fit, so the compiled sampler is reused."""

    ev_period: np.ndarray   # (E,) period of each non-zero spend
    ev_channel: np.ndarray  # (E,) its channel
    ev_amount: np.ndarray   # (E,) its amount
    lag_target: np.ndarray  # (E, L) period each lag of it lands on (clipped)
    lag_inside: np.ndarray  # (E, L) 1 where that period is inside the table
    scale: np.ndarray       # (C,) typical spend of a period with spend, to centre saturation
    spend_total: np.ndarray  # (C,) spend in the fitted periods
    base_x: np.ndarray      # (T, P) level, trend, Fourier terms, controls
    base_mean: np.ndarray   # (P,) prior mean of their coefficients
    base_sd: np.ndarray     # (P,) prior sd
    influencer: np.ndarray  # (C,) bool
    group_index: np.ndarray  # (C,) int, 0 for non-creators (masked)
    n_groups: int
    floor_roas: np.ndarray  # (C,)
    prior_loc: np.ndarray   # (C,) log-ROAS prior location for non-creators
    prior_scale: np.ndarray  # (C,)
    lift_channel: np.ndarray  # (M,) int
    lift_window: np.ndarray  # (M, T) 0/1
    lift_value: np.ndarray  # (M,) scaled
    lift_sd: np.ndarray     # (M,) scaled
    y_scale: float
    delayed: bool
    logistic: bool
    channel_idx: tuple[int, ...] = ()
    creator_idx: tuple[int, ...] = ()


jax.tree_util.register_dataclass(
    Design, data_fields=[f for f in Design.__dataclass_fields__
                         if f not in {"n_groups", "delayed", "logistic", "channel_idx",
                                       "creator_idx"}],
    meta_fields=["n_groups", "delayed", "logistic", "channel_idx", "creator_idx"])


def design(p: Prepared, spec: MMMSpec, fit_mask: np.ndarray) -> Design:
    """Arrays for a fit on the periods where ``fit_mask`` is 1 (the rest are forecast)."""
    t, c = p.spend.shape
    lag = p.max_lag
    # Spend as events: creators spend on a few days, so carrying over only the non-zero cells
    # costs a fraction of a dense (lag x periods x channels) product, in every gradient.
    ev_period, ev_channel = np.nonzero(p.spend)
    target = ev_period[:, None] + np.arange(lag)[None, :]
    inside = (target < t).astype(float)
    positive = np.where(p.spend > 0, p.spend, np.nan)
    scale = np.nanmean(positive, axis=0)
    fitted = fit_mask.astype(bool)
    spend_total = p.spend[fitted].sum(axis=0)
    # A creator first paid inside the hold-out has no history to learn from: she adds nothing
    # to the hold-out fit's forecast (beta is 0), which is what a forecaster would have known.
    days = np.array([(d - p.dates[0]).days for d in p.dates], dtype=float)
    terms = []
    order = 3 if p.grain == "day" else 2
    if t >= YEAR[p.grain]:
        for k in range(1, order + 1):
            angle = 2 * np.pi * k * days / YEAR_DAYS
            terms += [np.sin(angle), np.cos(angle)]
    if p.grain == "day":
        for k in range(1, 4):
            angle = 2 * np.pi * k * days / 7
            terms += [np.sin(angle), np.cos(angle)]
    season = np.column_stack(terms) if terms else np.zeros((t, 0))
    y_scale = float(np.mean(p.y[fitted]))
    # Attribution's floor over the fitted periods only, in proportion to the spend there.
    share = spend_total / np.maximum(p.spend.sum(axis=0), 1e-9)
    floor_roas = np.where(spend_total > 0, p.floors * share / np.maximum(spend_total, 1e-9), 0.0)
    loc = np.zeros(c)
    sd = np.ones(c)
    for j, col in enumerate(p.channels):
        prior = spec.roas_priors.get(col)
        if prior is not None:
            # Log-normal whose mean and standard deviation are the analyst's.
            var = np.log1p((prior.sd / prior.mean) ** 2)
            loc[j] = np.log(prior.mean) - var / 2
            sd[j] = np.sqrt(var)
    tests = list(spec.lift_tests)
    window = np.zeros((len(tests), t))
    for i, test in enumerate(tests):
        window[i] = [1.0 if test.start <= d <= test.end else 0.0 for d in p.dates]
    return Design(
        ev_period=ev_period, ev_channel=ev_channel,
        ev_amount=p.spend[ev_period, ev_channel], lag_target=np.minimum(target, t - 1),
        lag_inside=inside, scale=scale, spend_total=spend_total,
        base_x=np.column_stack([np.ones(t), days / max(days[-1], 1.0) - 0.5, season,
                                p.controls]),
        base_mean=np.r_[0.5, np.zeros(1 + season.shape[1] + p.controls.shape[1])],
        base_sd=np.r_[0.5, 0.3, np.full(season.shape[1], 0.2),
                      np.full(p.controls.shape[1], 0.5)],
        influencer=p.influencer,
        group_index=np.maximum(p.group_index, 0), n_groups=max(len(p.groups), 1),
        floor_roas=floor_roas, prior_loc=loc, prior_scale=sd,
        lift_channel=np.array([p.channels.index(x.channel) for x in tests], dtype=int),
        lift_window=window,
        lift_value=np.array([x.incremental for x in tests]) / y_scale,
        lift_sd=np.array([x.sd for x in tests]) / y_scale,
        y_scale=y_scale, delayed=spec.adstock == "delayed",
        logistic=spec.saturation == "logistic",
        channel_idx=tuple(int(j) for j in np.nonzero(~p.influencer)[0]),
        creator_idx=tuple(int(j) for j in np.nonzero(p.influencer)[0]))


def adstock_weights(decay: Any, lag: int, peak: Any = None) -> Any:
    """Carry-over weights over ``lag`` periods, summing to one so adstocked spend stays in spend
    units. Geometric: ``decay**l``; delayed: ``decay**((l - peak)**2)``, peaking ``peak`` periods
    after the spend."""
    xp = jnp if not isinstance(decay, np.ndarray | float) else np
    ls = xp.arange(lag)[:, None]
    w = decay ** ((ls - peak) ** 2) if peak is not None else decay ** ls
    return w / w.sum(axis=0, keepdims=True)


def saturate(x: Any, half: Any, shape: Any, logistic: bool) -> Any:
    """Diminishing returns on ``x`` (spend in units of its typical level): Hill
    ``x^s / (x^s + K^s)``, or logistic ``(1 - e^{-x/K}) / (1 + e^{-x/K})``; 0 at 0, 1 at
    saturation."""
    xp = jnp if not isinstance(x, np.ndarray | float) else np
    if logistic:
        z = xp.exp(-x / half)
        return (1 - z) / (1 + z)
    if isinstance(shape, float | int) and shape == 1:
        # Michaelis-Menten: no transcendental per cell, the bulk of each gradient otherwise.
        return x / (x + half)
    # Written as a logistic in log spend: no overflow for tiny spend or steep shapes.
    safe = xp.where(x > 0, x, 1.0)
    z = shape * (xp.log(safe) - xp.log(half))
    return xp.where(x > 0, 1.0 / (1.0 + xp.exp(-z)), 0.0)


def _mix_model(d: Design, y: Any, fit_mask: Any) -> None:
    """NumPyro model; ``y`` is scaled by ``d.y_scale``; only periods with ``fit_mask`` 1 enter
    the likelihood and the ROAS normalisation."""
    lag = d.lag_target.shape[1]
    t = d.base_x.shape[0]
    c = d.scale.shape[0]
    roas = jnp.zeros(c)
    decay = jnp.zeros(c)
    half = jnp.ones(c)
    if d.channel_idx:
        ci = jnp.asarray(d.channel_idx)
        with numpyro.plate("channels", len(d.channel_idx)):
            decay = decay.at[ci].set(numpyro.sample("decay", dist.Beta(2.0, 3.0)))
            half = half.at[ci].set(numpyro.sample("half", dist.LogNormal(0.0, 1.0)))
            z = numpyro.sample("z", dist.Normal(0.0, 1.0))
        roas = roas.at[ci].set(jnp.exp(jnp.asarray(d.prior_loc)[ci]
                                       + jnp.asarray(d.prior_scale)[ci] * z))
    if d.creator_idx:
        # Floor plus an excess drawn around the pool's; adstock and saturation shared per pool.
        ri = jnp.asarray(d.creator_idx)
        gi = jnp.asarray(d.group_index)[ri]
        mu0 = numpyro.sample("mu_creators", dist.Normal(-0.5, 1.0))
        tau = numpyro.sample("tau_pool", dist.HalfNormal(0.5))
        sigma_c = numpyro.sample("sigma_creator", dist.HalfNormal(0.7))
        with numpyro.plate("pools", d.n_groups):
            decay_pool = numpyro.sample("decay_pool", dist.Beta(2.0, 4.0))
            half_pool = numpyro.sample("half_pool", dist.LogNormal(0.0, 1.0))
            # Pools are few and thinly informed: non-centred, or tau leaves a funnel.
            pool_mu = mu0 + tau * numpyro.sample("pool_u", dist.Normal(0.0, 1.0))
        with numpyro.plate("creators", len(d.creator_idx)):
            excess_u = numpyro.sample("excess_u", dist.Normal(0.0, 1.0))
        log_excess = pool_mu[gi] + sigma_c * excess_u
        roas = roas.at[ri].set(jnp.asarray(d.floor_roas)[ri] + jnp.exp(log_excess))
        decay = decay.at[ri].set(decay_pool[gi])
        half = half.at[ri].set(half_pool[gi])
        numpyro.deterministic("pool_excess", jnp.exp(pool_mu + sigma_c ** 2 / 2))
    roas = numpyro.deterministic("roas", roas)
    numpyro.deterministic("decay_all", decay)
    numpyro.deterministic("half_all", half)
    shape = 1.0
    peak = None
    if d.delayed:
        with numpyro.plate("channel_peak", c):
            peak = numpyro.sample("peak", dist.Uniform(0.0, lag / 2))

    w = adstock_weights(decay, lag, peak)                       # (L, C)
    ch = jnp.asarray(d.ev_channel)
    spread = jnp.asarray(d.ev_amount)[:, None] * w[:, ch].T * jnp.asarray(d.lag_inside)
    carried = jnp.zeros((t, c)).at[jnp.asarray(d.lag_target), ch[:, None]].add(spread)
    h = saturate(carried / jnp.asarray(d.scale), half, shape, d.logistic)
    mask = jnp.asarray(fit_mask)
    mass = (h * mask[:, None]).sum(axis=0)
    beta = roas * jnp.asarray(d.spend_total) / (d.y_scale * jnp.maximum(mass, 1e-9))
    effect = h * beta                                           # (T, C), scaled units
    numpyro.deterministic("beta", beta)

    # The baseline (level, trend, seasonality, controls) is linear with Gaussian priors, so it
    # is integrated out exactly: NUTS never walks the ridge between baseline and always-on
    # media, and its draws come back afterwards from their conditional Gaussian.
    media = numpyro.deterministic("media", effect.sum(axis=1))
    numpyro.deterministic("contrib", effect.sum(axis=0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(0.3))
    numpyro.factor("y", marginal_loglik(y - media, mask, jnp.asarray(d.base_x),
                                        jnp.asarray(d.base_mean), jnp.asarray(d.base_sd), sigma))

    if d.lift_value.shape[0]:
        measured = (effect[:, d.lift_channel].T * jnp.asarray(d.lift_window)).sum(axis=1)
        numpyro.sample("lift", dist.Normal(measured, jnp.asarray(d.lift_sd)),
                       obs=jnp.asarray(d.lift_value))


# Non-centred throughout: after the baseline is integrated out this samples without
# divergences both on daily data, where each creator's revenue is well measured, and on weekly
# data, where her posts blur into the week and the pool carries her.
mix_model = _mix_model


def marginal_loglik(r: Any, mask: Any, x: Any, m0: Any, s0: Any, sigma: Any) -> Any:
    """log N(r; X m0, σ²I + X diag(s0²) Xᵀ) over the rows where ``mask`` is 1, by Woodbury and
    the determinant lemma: a P×P Cholesky instead of a T×T one."""
    xm = x * mask[:, None]
    rm = (r - x @ m0) * mask
    n = mask.sum()
    prec = jnp.diag(1.0 / s0 ** 2) + xm.T @ xm / sigma ** 2
    chol = jnp.linalg.cholesky(prec)
    b = xm.T @ rm / sigma ** 2
    v = jax.scipy.linalg.solve_triangular(chol, b, lower=True)
    quad = rm @ rm / sigma ** 2 - v @ v
    logdet = (n * jnp.log(sigma ** 2) + 2 * jnp.sum(jnp.log(s0))
              + 2 * jnp.sum(jnp.log(jnp.diag(chol))))
    return -0.5 * (quad + logdet + n * jnp.log(2 * jnp.pi))


def baseline_draws(r: np.ndarray, mask: np.ndarray, x: np.ndarray, m0: np.ndarray,
                   s0: np.ndarray, sigma: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Coefficients of the integrated-out baseline, one draw per posterior draw: Gaussian given
    that draw's media effect (``r`` = target − media, shape (S, T)) and noise."""
    xm = x * mask[:, None]
    out = np.empty((r.shape[0], x.shape[1]))
    for i in range(r.shape[0]):
        prec = np.diag(1.0 / s0 ** 2) + xm.T @ xm / sigma[i] ** 2
        chol = np.linalg.cholesky(prec)
        rhs = m0 / s0 ** 2 + xm.T @ (r[i] * mask) / sigma[i] ** 2
        mean = np.linalg.solve(prec, rhs)
        # Cov = prec⁻¹ = (L Lᵀ)⁻¹: mean + L⁻ᵀ z has it.
        out[i] = mean + np.linalg.solve(chol.T, rng.standard_normal(x.shape[1]))
    return out
