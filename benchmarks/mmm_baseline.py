"""PyMC-Marketing's default MMM on one dataset, run in its own venv by ``benchmarks/mmm.py``.

    .venv-baseline/bin/python benchmarks/mmm_baseline.py IN.parquet CONFIG.json OUT.json

Imports only pymc_marketing, pandas and numpy (and the standard library): PyMC-Marketing's pins
must not meet creatorroi's. The model is the documented default of the installed version:
``pymc_marketing.mmm.multidimensional.MMM`` (the older ``pymc_marketing.mmm.MMM`` is deprecated
from 0.19) with ``GeometricAdstock(l_max)``, ``LogisticSaturation()``, default priors, the
controls and ``yearly_seasonality``; sampled with ``pm.sample``'s defaults unless CONFIG asks
otherwise. ROAS as its docs compute it: channel contribution in original scale, summed over
the period, over the channel's spend, per posterior draw. Timed inside: build + compile +
sample + contributions.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def main(argv: list[str]) -> int:
    data_path, config_path, out_path = argv
    cfg: dict[str, Any] = json.loads(Path(config_path).read_text())
    frame = pd.read_parquet(data_path)
    sample_kwargs: dict[str, Any] = dict(cfg.get("sample_kwargs") or {})
    if sample_kwargs.get("nuts_sampler") in ("numpyro", "blackjax"):
        # One XLA CPU device per core, or JAX runs the chains one after another.
        cores = os.cpu_count() or 1
        os.environ.setdefault("XLA_FLAGS", f"--xla_force_host_platform_device_count={cores}")
    t0 = time.perf_counter()
    import pymc_marketing
    from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation
    from pymc_marketing.mmm.multidimensional import MMM

    imported = time.perf_counter()
    channels: list[str] = cfg["channels"]
    controls: list[str] = cfg["controls"]
    date, target = cfg["date"], cfg["target"]
    frame[date] = pd.to_datetime(frame[date])
    mmm = MMM(
        date_column=date,
        channel_columns=channels,
        target_column=target,
        adstock=GeometricAdstock(l_max=int(cfg["l_max"])),
        saturation=LogisticSaturation(),
        control_columns=controls or None,
        yearly_seasonality=cfg.get("yearly_seasonality", 2),
    )
    x = frame[[date, *channels, *controls]]
    y = frame[target].rename(target)
    mmm.build_model(x, y)
    mmm.add_original_scale_contribution_variable(var=["channel_contribution"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = mmm.fit(x, y, progressbar=False, random_seed=int(cfg.get("seed", 0)),
                        **sample_kwargs)
    fitted = time.perf_counter()

    post = idata.posterior
    contrib = post["channel_contribution_original_scale"].sum("date")  # (chain, draw, channel)
    level = float(cfg.get("level", 0.9))
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    spend = frame[channels].sum()
    out_channels: dict[str, dict[str, float]] = {}
    for ch in channels:
        c = np.asarray(contrib.sel(channel=ch)).ravel()
        total = float(spend[ch])
        r = c / total if total > 0 else np.full_like(c, np.nan)
        out_channels[ch] = {
            "spend": total,
            "contribution_mean": float(c.mean()),
            "roas_mean": float(np.mean(r)),
            "roas_low": float(np.quantile(r, lo_q)),
            "roas_high": float(np.quantile(r, hi_q)),
        }
    sample_stats = idata.sample_stats
    divergences = int(np.asarray(sample_stats["diverging"]).sum())
    rhat_max = _rhat_max(post, [v for v in post.data_vars if not v.endswith("_original_scale")
                                and "contribution" not in v])
    done = time.perf_counter()
    result = {
        "version": pymc_marketing.__version__,
        "model": "pymc_marketing.mmm.multidimensional.MMM(GeometricAdstock(l_max="
                 f"{cfg['l_max']}), LogisticSaturation(), yearly_seasonality="
                 f"{cfg.get('yearly_seasonality', 2)})",
        "sample_kwargs": sample_kwargs,
        "chains": int(post.sizes["chain"]),
        "draws": int(post.sizes["draw"]),
        "seconds_import": imported - t0,
        "seconds_fit": fitted - imported,
        "seconds": done - imported,
        "divergences": divergences,
        "rhat_max": rhat_max,
        "channels": out_channels,
    }
    Path(out_path).write_text(json.dumps(result))
    return 0


def _rhat_max(post: Any, names: list[str]) -> float:
    """Split-R-hat by hand (rank-free), so the helper needs nothing beyond numpy."""
    worst = 0.0
    for name in names:
        arr = np.asarray(post[name])
        if arr.ndim < 2 or arr.shape[1] < 4:
            continue
        arr = arr.reshape(arr.shape[0], arr.shape[1], -1)
        half = arr.shape[1] // 2
        chains = np.concatenate([arr[:, :half], arr[:, half : 2 * half]], axis=0)
        n = chains.shape[1]
        means = chains.mean(axis=1)
        w = chains.var(axis=1, ddof=1).mean(axis=0)
        b = n * means.var(axis=0, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rhat = np.sqrt(((n - 1) / n * w + b / n) / w)
        rhat = rhat[np.isfinite(rhat)]
        if rhat.size:
            worst = max(worst, float(rhat.max()))
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
