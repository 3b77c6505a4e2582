"""Plain-language reasons not to trust a fit, for the marketer who will not read an R-hat."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from creatorroi.mmm.spec import Diagnostics

if TYPE_CHECKING:
    from creatorroi.mmm.fit import Posterior

RHAT_LIMIT = 1.05
ESS_PER_CHAIN = 100
# Posterior no narrower than this share of the prior: the data said little.
PRIOR_ONLY = 0.8


def warnings_for(diag: Diagnostics, post: Posterior, level: float) -> list[str]:
    out: list[str] = []
    if diag.rhat_max > RHAT_LIMIT:
        out.append(f"The sampler's chains disagree (R-hat {diag.rhat_max:.2f}, above "
                   f"{RHAT_LIMIT}): the estimates are not settled. Fit again with more draws, "
                   "or with fewer channels.")
    if diag.ess_min < ESS_PER_CHAIN * diag.chains:
        out.append(f"Only {diag.ess_min:.0f} effective draws for some parameter (want at "
                   f"least {ESS_PER_CHAIN * diag.chains}): intervals are rough. Fit again with "
                   "more draws.")
    if diag.divergences:
        out.append(f"{diag.divergences} divergent transitions: the sampler could not explore "
                   "part of the model, so the results may be biased.")
    if diag.r2 < 0.5:
        out.append(f"The model explains only {diag.r2:.0%} of the ups and downs of the target: "
                   "something that drives it (a promotion, a price change, a stock-out) is "
                   "missing from the controls.")
    wide = abs(diag.coverage - level)
    if wide > 0.1:
        out.append(f"{diag.coverage:.0%} of periods fall inside the model's {level:.0%} "
                   "prediction band: its uncertainty is "
                   f"{'understated' if diag.coverage < level else 'overstated'}.")
    if diag.holdout_mape is not None and diag.holdout_mape > max(0.2, 2 * diag.mape):
        out.append(f"Forecasting the last {diag.holdout_periods} periods it had not seen, the "
                   f"model was off by {diag.holdout_mape:.0%} on average (against "
                   f"{diag.mape:.0%} on the periods it saw): it may describe the past without "
                   "understanding it.")
    out += _prior_only(post)
    return out


def _prior_only(post: Posterior) -> list[str]:
    """Channels whose ROAS interval is as wide as the prior's: the answer is the assumption."""
    d, p, s = post.design, post.prepared, post.samples
    log_roas = np.log(np.maximum(s["roas"], 1e-12))
    quiet = []
    for j, col in enumerate(p.channels):
        if p.influencer[j]:
            continue
        if np.std(log_roas[:, j]) > PRIOR_ONLY * d.prior_scale[j]:
            quiet.append(col)
    if not quiet:
        return []
    pronoun = "its" if len(quiet) == 1 else "their"
    return [f"The data say little about {', '.join(quiet)}: {pronoun} ROAS mostly reflects "
            "the prior. Vary spend (or run a lift test) to learn more."]
