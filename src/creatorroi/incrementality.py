"""The workspace's side of incrementality: fit the mix model on its own series, keep the run,
and measure the lift of a post, a creator or a campaign.

The statistics live in :mod:`creatorroi.mmm` (pure, frames in, results out); this module reads
the store, names the columns after the brand's creators, and writes each run to
``model_runs`` so the report and web app read the estimate without refitting.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from creatorroi.errors import ModelRefused, NotFoundError
from creatorroi.mmm.spec import Grain, LiftTest, MMMResult, RoasPrior
from creatorroi.store.values import as_date

if TYPE_CHECKING:
    from creatorroi.mmm.lift import LiftResult
    from creatorroi.mmm.series import SeriesBundle
    from creatorroi.workspace import Workspace

# Series an influencer post moves (the lift's targets) and series it leaves alone (controls).
LIFT_METRICS = ("sessions_direct", "sessions_organic_search", "brand_search", "revenue",
                "orders", "new_orders")
UNAFFECTED = ("sessions_paid", "sessions_email", "sessions_referral")


@dataclass(frozen=True)
class Run:
    """A fit kept in the store."""

    id: str
    result: MMMResult
    json: dict[str, Any]


class Incrementality:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def series(self, grain: Grain = "day", start: date | None = None, end: date | None = None,
               markets: Sequence[str] | None = None) -> SeriesBundle:
        from creatorroi.mmm_data import load_series

        return load_series(self.ws, grain=grain, start=start, end=end,
                           markets=list(markets) if markets else None)

    def fit(self, *, grain: Grain = "day", start: date | None = None, end: date | None = None,
            markets: Sequence[str] | None = None, draws: int = 400, tune: int = 400,
            chains: int = 2, seed: int = 0, holdout: int | None = None,
            lift_tests: Sequence[LiftTest] = (),
            roas_priors: Mapping[str, RoasPrior] | None = None, progress: bool = False,
            save: bool = True) -> Run:
        """Fit the workspace's series; creators' attributed revenue is their floor."""
        from creatorroi.mmm.fit import fit_mmm
        from creatorroi.mmm.output import result_json

        bundle = self.series(grain, start, end, markets)
        spec = replace(
            bundle.spec,
            lift_tests=tuple(replace(t, channel=self._column(t.channel, bundle, "lift test"))
                             for t in lift_tests),
            roas_priors={self._column(k, bundle, "ROAS prior"): v
                         for k, v in (roas_priors or {}).items()})
        kind = "daily" if grain == "day" else "weekly"
        result = fit_mmm(bundle.frame, spec, draws=draws, tune=tune, chains=chains, seed=seed,
                         holdout=holdout, progress=progress,
                         source=f"workspace {self.ws.id} ({kind} series)")
        out = result_json(result, bundle.labels) | {"ids": bundle.ids,
                                                    "series_warnings": list(bundle.warnings)}
        run_id = uuid.uuid4().hex
        if save:
            params = {"grain": grain, "draws": draws, "tune": tune, "chains": chains,
                      "seed": seed, "holdout": result.diagnostics.holdout_periods,
                      "markets": list(markets or []), "lift_tests": len(spec.lift_tests),
                      "roas_priors": sorted(spec.roas_priors)}
            self._save(run_id, "mmm", grain, result.start, result.end, "", params, out)
        return Run(run_id, result, out)

    def latest(self, kind: str = "mmm", subject: str = "") -> dict[str, Any] | None:
        """The most recent stored run's JSON, with its id and date, or None."""
        rows = self.ws.store.fetch(
            "SELECT id, created_at, result FROM model_runs WHERE workspace_id = ? AND kind = ? "
            "AND subject = ? ORDER BY created_at DESC LIMIT 1", [self.ws.id, kind, subject])
        if not rows:
            return None
        rid, created, result = rows[0]
        return json.loads(result) | {"id": rid, "created_at": str(created)}

    def lift(self, *, post: str | None = None, influencer: str | None = None,
             campaign: str | None = None, metric: str = "sessions_direct",
             window: int = 14, controls: Sequence[str] | None = None,
             pre_days: int | None = None, draws: int = 1000, tune: int = 1000, seed: int = 0,
             progress: bool = False, save: bool = True) -> LiftResult:
        """The lift one post, creator or campaign caused in ``metric``, from ``window`` days
        after it went live, against a counterfactual built from the days before and from
        series it could not have moved."""
        from creatorroi.mmm.lift import estimate_lift

        chosen = [x for x in (post, influencer, campaign) if x]
        if len(chosen) != 1:
            raise ModelRefused("name one post, influencer or campaign to measure the lift of")
        start, end, subject = self._window(post, influencer, campaign, window)
        first = start - timedelta(days=pre_days) if pre_days else None
        bundle = self.series("day", first)
        frame = bundle.frame
        last = pd.Timestamp(frame["date"].iloc[-1]).date()
        if start > last:
            raise ModelRefused(f"{subject} went live on {start}, after the last day with orders "
                               f"({last}): import newer data first")
        # Days after the last export are unknown, not zero.
        end = min(end, last)
        if metric not in frame.columns:
            have = [c for c in LIFT_METRICS if c in frame.columns]
            raise ModelRefused(f"no {metric!r} series in workspace {self.ws.id}; it has "
                               f"{', '.join(have)}")
        picked = list(controls) if controls is not None else [
            c for c in UNAFFECTED if c in frame.columns and c != metric
            and frame[c].nunique() > 1]
        result = estimate_lift(frame, metric, picked, start, end, draws=draws, tune=tune,
                               seed=seed, progress=progress)
        if save:
            params = {"metric": metric, "window": window, "controls": picked, "seed": seed}
            self._save(uuid.uuid4().hex, "lift", "day", start, end, subject, params,
                       result.as_dict())
        return result

    # -- helpers ------------------------------------------------------------------------------
    def _window(self, post: str | None, influencer: str | None, campaign: str | None,
                window: int) -> tuple[date, date, str]:
        ws = self.ws
        if post:
            rows = ws.store.fetch("SELECT published_at FROM posts WHERE workspace_id = ? AND "
                                  "id = ?", [ws.id, post])
            if not rows:
                raise NotFoundError(f"no post {post!r} in workspace {ws.id}")
            if rows[0][0] is None:
                raise ModelRefused(f"post {post!r} has not been published: nothing to measure")
            day = self._local_day(rows[0][0])
            return day, day + timedelta(days=window - 1), f"post:{post}"
        if influencer:
            rows = ws.store.fetch("SELECT published_at FROM posts WHERE workspace_id = ? AND "
                                  "influencer_id = ? AND published_at IS NOT NULL",
                                  [ws.id, influencer])
            if not rows:
                raise NotFoundError(f"no published post by influencer {influencer!r}")
            days = sorted(self._local_day(r[0]) for r in rows)
            return days[0], days[-1] + timedelta(days=window - 1), f"influencer:{influencer}"
        rows = ws.store.fetch("SELECT starts_on, ends_on FROM campaigns WHERE workspace_id = ? "
                              "AND id = ?", [ws.id, campaign])
        if not rows:
            raise NotFoundError(f"no campaign {campaign!r} in workspace {ws.id}")
        begin = as_date(rows[0][0])
        assert begin is not None
        finish = as_date(rows[0][1]) or begin + timedelta(days=window - 1)
        return begin, finish, f"campaign:{campaign}"

    def _local_day(self, stamp: Any) -> date:
        from zoneinfo import ZoneInfo

        if isinstance(stamp, str):
            stamp = datetime.fromisoformat(stamp)
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        return stamp.astimezone(ZoneInfo(self.ws.timezone)).date()

    @staticmethod
    def _column(name: str, bundle: SeriesBundle, what: str) -> str:
        """Lift tests and priors may name a creator's id or a channel's name; the model knows
        spend columns."""
        if name in bundle.spec.spend:
            return name
        by_id = {v: k for k, v in bundle.ids.items()}
        if name not in by_id:
            raise ModelRefused(f"{what} for {name!r}: no such creator or channel with spend in "
                               "the fitted period")
        return by_id[name]

    def _save(self, run_id: str, kind: str, grain: str, start: date, end: date, subject: str,
              params: dict[str, Any], result: dict[str, Any]) -> None:
        with self.ws.store.transaction():
            self.ws.store.execute(
                "INSERT INTO model_runs (workspace_id, id, kind, created_at, grain, starts_on, "
                "ends_on, subject, params, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self.ws.id, run_id, kind, datetime.now(UTC), grain, start, end, subject,
                 json.dumps(params), json.dumps(result, default=str)])
            self.ws.store.touch(self.ws.id)
