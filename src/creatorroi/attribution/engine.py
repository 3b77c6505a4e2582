"""Run attribution for a workspace and store the result, inside one transaction.

Touches and winners are computed in the database (``INSERT ... SELECT`` of the compiled Ibis
expressions), so a million orders never travel through Python. Only survey answers are matched
in Python (fuzzy text matching), and there are few of them.
"""

from __future__ import annotations

from dataclasses import replace

import ibis
import pandas as pd

from creatorroi.attribution import rules
from creatorroi.attribution.survey import Person, match_answers
from creatorroi.model.settings import AttributionSettings
from creatorroi.store import Store
from creatorroi.store.functions import timezone as tz_of

_TEMP = "_cr_session_touches"


def workspace_tables(store: Store, workspace_id: str, timezone: str = "UTC") -> rules.Tables:
    def t(name: str) -> ibis.Table:
        table = store.table(name)
        return table.filter(table.workspace_id == workspace_id).drop("workspace_id")

    return rules.Tables(
        orders=t("orders"), order_codes=t("order_codes"), sessions=t("sessions"),
        clicks=t("clicks"), assets=t("tracking_assets"), survey_matches=t("survey_matches"),
        campaigns=t("campaigns"), posts=t("posts"), timezone=timezone,
    )


def match_surveys(store: Store, workspace_id: str, min_score: float) -> pd.DataFrame:
    answers = store.fetch(
        "SELECT id, order_id, answer FROM survey_answers WHERE workspace_id = ? "
        "AND order_id IS NOT NULL", [workspace_id])
    names: dict[str, list[str]] = {}
    for iid, name, aliases in store.fetch(
            "SELECT id, name, aliases FROM influencers WHERE workspace_id = ?", [workspace_id]):
        names[iid] = [name, *(a for a in (aliases or "").split("|") if a.strip())]
    for iid, handle in store.fetch(
            "SELECT influencer_id, handle FROM accounts WHERE workspace_id = ?", [workspace_id]):
        names.setdefault(iid, []).append(handle)
    people = [Person(iid, tuple(n)) for iid, n in names.items()]
    order_of = {sid: oid for sid, oid, _ in answers}
    found = match_answers(((sid, text) for sid, _, text in answers), people, min_score)
    return pd.DataFrame(
        [(sid, order_of[sid], iid, score) for sid, iid, score in found],
        columns=["survey_id", "order_id", "influencer_id", "score"],
    )


def attribute(store: Store, workspace_id: str, settings: AttributionSettings,
              timezone: str) -> None:
    """Recompute every touch and every credited order of the workspace.

    Tagged sessions (possibly millions) live in a temporary table for the run: the rules read
    them several times, and a temporary table is neither logged nor kept. What the KPIs need
    of them is kept as ``session_days``, one row per link and local day.
    """
    with store.transaction():
        store.replace("survey_matches", match_surveys(store, workspace_id,
                                                      settings.survey_min_score), workspace_id)
        base = workspace_tables(store, workspace_id, timezone)
        ws = ibis.literal(workspace_id)
        for table in ("session_days", "attribution_touches", "attributions"):
            store.execute(f"DELETE FROM {table} WHERE workspace_id = ?", [workspace_id])
        store.execute(f"DROP TABLE IF EXISTS {_TEMP}")
        tagged = rules.session_touches(base)
        store.execute(f"CREATE TEMP TABLE {_TEMP} AS {ibis.to_sql(tagged)}")
        t = replace(base, session_touches=store.table(_TEMP))
        st = t.session_touches
        assert st is not None
        days = st.group_by(
            method=st.method, asset_id=st.asset_id, day=tz_of(timezone, st.started_at).date(),
        ).aggregate(sessions=st.sessions.sum())
        a = t.assets.select(a_id=t.assets.id, influencer_id=t.assets.influencer_id,
                            campaign_id=t.assets.campaign_id, post_id=t.assets.post_id)
        days = days.join(a, days.asset_id == a.a_id)
        days = days.select(workspace_id=ws, **{c: days[c] for c in (
            "method", "influencer_id", "campaign_id", "post_id", "asset_id", "day", "sessions")})
        store.insert_select("session_days", ibis.to_sql(days))

        touches = rules.all_touches(t, settings.window_days)
        touches = touches.select(workspace_id=ws, **{c: touches[c] for c in rules.TOUCH_COLUMNS})
        store.insert_select("attribution_touches", ibis.to_sql(touches))
        store.execute(f"DROP TABLE IF EXISTS {_TEMP}")

        stored = store.table("attribution_touches")
        stored = stored.filter(stored.workspace_id == workspace_id)
        best = rules.winners(stored, settings.priority)
        assets = t.assets.select(a_id=t.assets.id, post_id=t.assets.post_id)
        best = best.left_join(assets, best.asset_id == assets.a_id)
        best = best.select(
            workspace_id=best.workspace_id, order_id=best.order_id,
            influencer_id=best.influencer_id, campaign_id=best.campaign_id,
            asset_id=best.asset_id, post_id=best.post_id, method=best.method,
            touched_at=best.touched_at,
        )
        store.insert_select("attributions", ibis.to_sql(best))
