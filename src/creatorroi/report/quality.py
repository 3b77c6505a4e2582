"""The lessons the quality checks teach: did creators follow the brief, what did their
audiences say, was the audience real, and was it the audience the brand wanted.

Sentences name their numbers, as every lesson does. An audience that fails the audit is named
with the spend it absorbed in the scope ("money spent on fake audiences is lost", DOMAIN.md)
and the audit's first reason, so the reader sees why without opening the web app. Sentiment is
only compared between creators with enough comments to mean something.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from creatorroi.i18n import translator
from creatorroi.report.common import Ctx, na, sentence, table
from creatorroi.report.model import Kind, Sentence, Table

# Below this many scored comments a creator's sentiment is too noisy to rank.
MIN_COMMENTS = 20
VERDICTS = {"pass": "Pass", "watch": "Watch", "fail": "Fail"}


def sentences(ctx: Ctx) -> list[Sentence]:
    total = ctx.scope.kpis([]).iloc[0]
    by_inf = ctx.scope.kpis("influencer")
    out: list[Sentence] = []
    out.extend(_compliance(total))
    out.extend(_sentiment(ctx, total, by_inf))
    out.extend(_audience(ctx, by_inf))
    out.extend(_target(ctx, total, by_inf))
    return out


def _compliance(total: pd.Series) -> list[Sentence]:
    checked = total.get("posts_checked")
    if na(checked) or not checked:
        return []
    rate = float(total["compliance_rate"])
    tone = "good" if rate >= 90 else "bad" if rate < 70 else "neutral"
    return [sentence("{rate} of the live posts checked followed the brief and disclosure rules "
                     "({compliant} of {checked}).", tone, rate=(rate, "percent"),
                     compliant=(total["posts_compliant"], "count"),
                     checked=(checked, "count"))]


def _sentiment(ctx: Ctx, total: pd.Series, by_inf: pd.DataFrame) -> list[Sentence]:
    scored = total.get("comments_scored")
    if na(scored) or not scored:
        return []
    out = [sentence("Comment sentiment averaged {sentiment} on a scale from -1 to 1 over "
                    "{comments} comments: {positive} positive, {negative} negative.",
                    "good" if float(total["sentiment"]) > 0.2 else "neutral",
                    sentiment=(total["sentiment"], "ratio"), comments=(scored, "count"),
                    positive=(total["positive_comment_share"], "percent"),
                    negative=(total["negative_comment_share"], "percent"))]
    enough = by_inf[[not na(n) and n >= MIN_COMMENTS for n in by_inf["comments_scored"]]]
    if len(enough) >= 2:
        out.append(_ends(ctx, enough, "sentiment", "ratio", "value",
                         "Warmest comments: {best} ({best_value}); coolest: {worst} "
                         "({worst_value})."))
    return out


def _ends(ctx: Ctx, frame: pd.DataFrame, column: str, kind: Kind, suffix: str,
          msgid: str) -> Sentence:
    """The creators at the top and the bottom of ``column``, with their values."""
    ranked = frame.sort_values(column, ascending=False)
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    return sentence(msgid, "neutral", best=(ctx.words.influencer(best.influencer), "text"),
                    worst=(ctx.words.influencer(worst.influencer), "text"),
                    **{f"best_{suffix}": (best[column], kind),
                       f"worst_{suffix}": (worst[column], kind)})


def _audits(ctx: Ctx) -> pd.DataFrame:
    ws = ctx.scope.ws
    return ws._frame(
        "SELECT a.influencer_id, a.platform, a.handle, u.score, u.verdict, u.reasons "
        "FROM audience_audits u JOIN accounts a ON a.workspace_id = u.workspace_id "
        "AND a.id = u.account_id WHERE u.workspace_id = ? ORDER BY u.score, a.id")


def _first_reason(ctx: Ctx, raw: Any) -> str:
    """The audit's heaviest reason, in the report's language (its catalog is the CLI's)."""
    reasons = [r for r in json.loads(raw or "[]") if isinstance(r, dict) and r.get("msgid")]
    if not reasons:
        return ""
    top = max(reasons, key=lambda r: float(r.get("penalty") or 0))
    tr = translator(ctx.words.lang, "creatorroi")
    try:
        return tr(str(top["msgid"]), **dict(top.get("values") or {}))
    except (KeyError, IndexError, ValueError):
        return tr(str(top["msgid"]))


def _audience(ctx: Ctx, by_inf: pd.DataFrame) -> list[Sentence]:
    audits = _audits(ctx)
    if audits.empty:
        return []
    labels = ctx.scope.inp.labels.influencer
    cost = {str(k): v for k, v in zip(by_inf["influencer"], by_inf["cost"], strict=True)}
    out = []
    for r in audits.itertuples(index=False):
        if r.verdict not in ("fail", "watch"):
            continue
        spent = cost.get(labels.get(str(r.influencer_id), str(r.influencer_id)))
        if r.verdict == "fail":
            msgid = ("{account} on {platform} failed the audience audit (score {score} of "
                     "100): {reason} {cost} was spent on this creator in the period.")
        else:
            msgid = ("{account} on {platform} needs watching (audience score {score} of "
                     "100): {reason}")
        out.append(sentence(msgid, "bad" if r.verdict == "fail" else "neutral",
                            account=(f"@{r.handle}", "text"),
                            platform=(ctx.words.platform(r.platform), "text"),
                            score=(r.score, "count"), reason=(_first_reason(ctx, r.reasons),
                                                              "text"),
                            cost=(spent, "money")))
    if not out:
        out.append(sentence("Every audited audience passed the quality audit ({count} "
                            "accounts).", "good", count=(len(audits), "count")))
    return out


def _target(ctx: Ctx, total: pd.Series, by_inf: pd.DataFrame) -> list[Sentence]:
    if na(total.get("target_share")):
        return []
    out = [sentence("{share} of the reach measured against the target was inside the "
                    "campaign's target audience ({target} of {reach}).", "neutral",
                    share=(total["target_share"], "percent"),
                    target=(total["target_reach"], "count"), reach=(total["reach"], "count"))]
    rated = by_inf[[not na(v) for v in by_inf["target_share"]]]
    if len(rated) >= 2:
        out.append(_ends(ctx, rated, "target_share", "percent", "share",
                         "Closest to the target audience: {best} ({best_share}); furthest: "
                         "{worst} ({worst_share})."))
    return out


def quality_table(ctx: Ctx) -> Table:
    by_inf = ctx.scope.kpis("influencer")
    audits = _audits(ctx)
    labels = ctx.scope.inp.labels.influencer
    worst: dict[str, tuple[float, str]] = {}
    for r in audits.itertuples(index=False):
        key = labels.get(str(r.influencer_id), str(r.influencer_id))
        if key not in worst or r.score < worst[key][0]:
            worst[key] = (float(r.score), str(r.verdict))
    rows = []
    for r in by_inf.itertuples(index=False):
        audit = worst.get(str(r.influencer))
        if all(na(v) for v in (r.compliance_rate, r.sentiment, r.target_share)) and not audit:
            continue
        rows.append([ctx.words.influencer(r.influencer), r.compliance_rate, r.sentiment,
                     r.comments_scored, None if audit is None else audit[0],
                     None if audit is None else ctx.tr(VERDICTS.get(audit[1], audit[1])),
                     r.target_share, r.cost])
    return table("quality", "Content and audience quality", [
        ("influencer", "Influencer", "text"),
        ("compliance_rate", "Posts following the brief", "percent"),
        ("sentiment", "Comment sentiment", "ratio"),
        ("comments_scored", "Comments scored", "count"),
        ("audience_quality", "Audience score (lowest account)", "ratio"),
        ("verdict", "Audit verdict", "text"),
        ("target_share", "Reach in the target audience", "percent"),
        ("cost", "Cost", "money")], rows,
        note="Compliance from the latest `creatorroi check`; audience score from the latest "
             "`creatorroi audit` (100 = no warning sign); sentiment from -1 to 1.")
