"""The audience audit service on both backends, on a world imported from canonical sheets.

Four creators, February 2024, snapshots at local midnight (Europe/Rome, UTC+1):

* giulia (instagram, micro): engagement far below her peers, few comments per like, a pod of
  25 generic comments in one minute, one promotional script from 3 accounts, an unexplained
  jump of 5,000 followers on 19 February, 12 fake-looking profiles in a sample of 40;
* marco (instagram, micro): healthy, 20 genuine comments, a follower sample too small to score;
* anna (instagram, micro): a viral post on 13 February explains her jump of 3,000 followers
  on the 15th; her engagement is more than three times her peers';
* jisoo (tiktok, macro): alone in her tier and platform, 8 days of follower history, no
  comments.

Every expected number is worked out by hand in the comments beside it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from creatorroi.audience_audit import run_audit, spend_at_risk, stored_audits
from creatorroi.cli_audit import audit
from creatorroi.comments_import import import_comments
from creatorroi.workspace import Workspace, open_store

NOW = datetime(2024, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class _Neutral:
    value: float = 0.0
    label: str = "neutral"
    language: str | None = None


class _NoSentiment:
    """Comments go in through the canonical comment import; sentiment is not under test here,
    so a neutral scorer stands in for the workspace's backend."""

    name = "test-neutral"

    def score(self, texts: Sequence[str]) -> list[_Neutral]:
        return [_Neutral() for _ in texts]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _day(k: int) -> str:
    return (date(2024, 2, 1) + timedelta(days=k)).isoformat() + " 00:00+01:00"


def build(url: str, tmp: Path) -> Workspace:
    ws = open_store(url).create_workspace("w", "Brand", "EUR", "Europe/Rome", "en")

    def imp(kind: str, header: list[str], rows: list[list[object]]) -> None:
        path = _write(tmp / f"{kind}.csv", header, rows)
        if kind == "comments":
            import_comments(ws, kind, path, backend=_NoSentiment())
        else:
            ws.import_file(kind, path)

    imp("influencers", ["id", "name"], [["giulia", "Giulia"], ["marco", "Marco"],
                                        ["anna", "Anna"], ["jisoo", "Jisoo"]])
    imp("accounts", ["influencer_id", "platform", "handle"], [
        ["giulia", "instagram", "@giulia.skin"], ["marco", "instagram", "@marco.fit"],
        ["anna", "instagram", "@anna.eats"], ["jisoo", "tiktok", "@jisoo.glow"]])
    snaps = []
    for k in range(29):                                   # 1 to 29 February
        snaps.append(["instagram", "giulia.skin", _day(k), 50_000 + 100 * k
                      + (5_000 if k >= 19 else 0)])       # +5,100 during 19 February
        snaps.append(["instagram", "marco.fit", _day(k), 20_000 + 20 * k])
        snaps.append(["instagram", "anna.eats", _day(k), 30_000 + 30 * k
                      + (3_000 if k >= 15 else 0)])       # +3,030 during 15 February
    snaps += [["tiktok", "jisoo.glow", _day(19), 250_000],
              ["tiktok", "jisoo.glow", _day(27), 260_000]]
    imp("followers", ["platform", "handle", "captured_at", "followers"], snaps)
    imp("campaigns", ["id", "name", "goal_family", "funnel_stage", "starts_on"],
        [["spring", "Spring", "awareness", "tofu", "2024-02-01"]])
    posts = [("g1", "giulia", "instagram", "2024-02-10"), ("g2", "giulia", "instagram",
                                                           "2024-02-17"),
             ("m1", "marco", "instagram", "2024-02-10"), ("m2", "marco", "instagram",
                                                          "2024-02-20"),
             ("a1", "anna", "instagram", "2024-02-05"), ("a2", "anna", "instagram",
                                                         "2024-02-13"),
             ("a3", "anna", "instagram", "2024-02-25"), ("j1", "jisoo", "tiktok", "2024-02-22")]
    imp("posts", ["id", "campaign_id", "influencer_id", "platform", "content_type",
                  "published_at"],
        [[p, "spring", i, plat, "video" if plat == "tiktok" else "reel", f"{d} 18:00+01:00"]
         for p, i, plat, d in posts])
    final = "2024-02-28 12:00+01:00"
    imp("post_metrics", ["post_id", "captured_at", "views", "likes", "comments", "shares",
                         "saves"], [
        ["g1", "2024-02-12 12:00+01:00", 2_000, 100, 9, 9, 9],   # stale: not the latest
        ["g1", final, 9_000, 600, 2, 0, 0], ["g2", final, 5_000, 500, 1, 0, 0],
        ["m1", final, 15_000, 1_200, 30, 20, 50], ["m2", final, 12_000, 1_000, 25, 15, 40],
        ["a1", final, 8_000, 1_500, 40, 20, 40], ["a2", final, 200_000, 9_000, 200, 300, 500],
        ["a3", final, 9_000, 1_700, 45, 25, 30], ["j1", final, 90_000, 5_000, 60, 100, 200]])
    comments = []
    generic = ["Nice pic 😍", "wow", "🔥🔥", "Bellissima!", "amazing"]
    for k in range(25):                                   # one minute: 18:05 local
        comments.append(["g1", f"@pod{k}", f"2024-02-10 18:05:{k:02d}+01:00", generic[k % 5]])
    for k, hour in enumerate((18, 19, 20)):
        comments.append(["g1", f"@promo{k}", f"2024-02-10 {hour}:30+01:00",
                         "Great content! DM us to be featured 💌"])
    comments += [["g1", "@fan1", "2024-02-10 21:00+01:00",
                  "Where did you buy that serum? My skin is so dry lately"],
                 ["g1", "@fan2", "2024-02-10 22:00+01:00",
                  "The lighting in this reel is gorgeous, what camera do you use?"]]
    for k in range(20):
        comments.append(["m1", f"@gym{k}", f"2024-02-11 {8 + k // 6}:{(k % 6) * 10:02d}+01:00",
                         f"Tip {k} about the hip hinge helped my deadlift, thank you"])
    for k in range(5):
        comments.append(["a2", f"@foodie{k}", f"2024-02-13 1{k}:00+01:00",
                         f"Recipe question {k}: can I swap the butter for olive oil?"])
    imp("comments", ["post_id", "author", "created_at", "text"], comments)
    sample = []
    for k in range(40):                                   # 12 fake-looking of 40
        if k < 12:
            sample.append(["instagram", "giulia.skin", f"user8392{k:04d}", "", "", "false",
                           "false", "false", 0, 3, 900])
        else:
            sample.append(["instagram", "giulia.skin", f"fan_{chr(97 + k % 26)}{chr(97 + k // 26)}",
                           "Anna Rossi", "Coffee, books and long walks", "true", "false",
                           "false", 120, 340, 410])
    for k in range(10):
        sample.append(["instagram", "marco.fit", f"lifter_{chr(97 + k)}", "Luca Verdi",
                       "Gym", "true", "false", "false", 50, 300, 280])
    imp("follower-sample", ["platform", "handle", "follower", "full_name", "bio",
                            "has_picture", "external_url", "private", "posts", "followers",
                            "follows"], sample)
    imp("costs", ["id", "category", "amount", "currency", "incurred_on", "influencer_id",
                  "campaign_id"],
        [["c-g", "fee", "1000.00", "EUR", "2024-02-10", "giulia", "spring"],
         ["c-m", "fee", "800.00", "EUR", "2024-02-10", "marco", "spring"],
         ["c-a", "fee", "500.00", "EUR", "2024-02-05", "anna", "spring"],
         ["c-j", "fee", "300.00", "EUR", "2024-02-22", "jisoo", "spring"]])
    return ws


@pytest.fixture
def ws(store_url: str, tmp_path: Path) -> Workspace:
    return build(store_url, tmp_path)


def _one(frame: pd.DataFrame, account: str) -> pd.Series:
    rows = frame[frame["account_id"] == account]
    assert len(rows) == 1, frame
    return rows.iloc[0]


def _penalties(row: pd.Series) -> dict[str, float]:
    return {r["code"]: r["penalty"] for r in row["reasons"]}


def test_audit_of_every_account_by_hand(ws: Workspace) -> None:
    audits = run_audit(ws, now=NOW)
    assert len(audits) == 4
    g = _one(audits, "instagram:giulia.skin")
    # engagement: (602 + 501) / (50,900 + 51,600) followers at publication (10 and 17 Feb)
    assert g.engagement_rate == pytest.approx(1103 / 102_500)
    # peers marco + anna: (2,380 + 13,400) / (40,560 + 94,200)
    assert g.benchmark_rate == pytest.approx(15_780 / 134_760)
    assert g.comment_like_ratio == pytest.approx(3 / 1100)          # 0.27% < 0.4%
    assert g.generic_share == pytest.approx(28 / 30)                # 25 generic + 3 promos
    assert g.fake_follower_share == pytest.approx(12 / 40)
    assert g.spikes == 1 and g.tier == "micro"
    # generic: Wilson lower bound of 25/30 is 0.664 (>= 0.60) -> 10; promotional: lower
    # bound of 3/30 is 0.035 (< 0.10) -> none; one repeated script -> 5; one burst post -> 10;
    # ER 0.092 of the benchmark (< 1/3) -> 20; few comments per like -> 10; one unexplained
    # jump -> 15; fake followers: lower bound of 12/40 is 0.181 (>= 0.15) -> 15.
    assert _penalties(g) == {"generic_comments": 10, "repeated_comments": 5,
                             "comment_bursts": 10, "low_engagement": 20,
                             "few_comments_per_like": 10, "follower_jumps": 15,
                             "fake_followers": 15}
    assert g.score == 15 and g.verdict == "fail"
    jump = next(r for r in g.reasons if r["code"] == "follower_jumps")
    assert jump["values"]["day"] == "2024-02-19" and jump["values"]["growth"] == 5000

    m = _one(audits, "instagram:marco.fit")
    assert m.engagement_rate == pytest.approx(2380 / 40_560)
    assert m.benchmark_rate == pytest.approx(14_503 / 196_700)     # giulia + anna
    assert m.generic_share == 0 and m.spikes == 0
    assert m.fake_follower_share == pytest.approx(0.0)              # 10 judged: not scored
    assert set(_penalties(m)) == {"engagement_in_line", "small_follower_sample"}
    assert m.score == 100 and m.verdict == "pass"

    a = _one(audits, "instagram:anna.eats")
    assert a.engagement_rate == pytest.approx(13_400 / 94_200)      # 5.8x her peers
    assert _penalties(a) == {"high_engagement": 5, "few_comments": 0, "explained_jumps": 0,
                             "no_follower_sample": 0}
    assert a.spikes == 0 and a.score == 95 and a.verdict == "pass"

    j = _one(audits, "tiktok:jisoo.glow")
    assert j.tier == "macro" and pd.isna(j.benchmark_rate)
    assert _penalties(j) == {"no_comments": 15, "short_follower_history": 5, "no_peers": 0,
                             "no_follower_sample": 0}
    assert j.score == 80 and pd.isna(j.generic_share)


def test_audits_are_stored_and_replaced(ws: Workspace) -> None:
    run_audit(ws, now=NOW)
    run_audit(ws, now=NOW)
    rows = ws.store.fetch("SELECT account_id, score, verdict, reasons, spikes FROM "
                          "audience_audits WHERE workspace_id = ? ORDER BY account_id", [ws.id])
    assert [r[0] for r in rows] == ["instagram:anna.eats", "instagram:giulia.skin",
                                    "instagram:marco.fit", "tiktok:jisoo.glow"]
    giulia = rows[1]
    assert giulia[1] == 15 and giulia[2] == "fail" and giulia[4] == 1
    reasons = json.loads(giulia[3])
    assert sum(r["penalty"] for r in reasons) == 85
    assert all({"code", "msgid", "values", "penalty"} <= set(r) for r in reasons)
    assert rows[3][4] is None                              # jisoo: growth not checked
    stored = stored_audits(ws)
    assert stored["account_id"].iloc[0] == "instagram:giulia.skin"


def test_nothing_before_the_audit_date_is_judged_from_the_future(ws: Workspace) -> None:
    # On 12 February the only metrics of g1 are the stale ones and g2 is not published.
    audits = run_audit(ws, now=datetime(2024, 2, 12, 12, tzinfo=UTC))
    g = _one(audits, "instagram:giulia.skin")
    assert g.engagement_rate == pytest.approx((100 + 9 + 9 + 9) / 50_900)
    assert pd.isna(g.spikes)                               # 11 days of history so far
    assert "short_follower_history" in _penalties(g)


def test_spend_at_risk_is_the_cost_of_failing_audiences(ws: Workspace) -> None:
    run_audit(ws, now=NOW)
    risk = spend_at_risk(ws)
    assert list(risk["influencer_id"]) == ["giulia"]
    row = risk.iloc[0]
    assert row.cost == Decimal("1000.00") and row.currency == "EUR"
    assert row.verdict == "fail" and row.accounts == "@giulia.skin (instagram)"


def test_spend_at_risk_runs_the_audit_when_none_is_stored(ws: Workspace) -> None:
    risk = spend_at_risk(ws)
    assert list(risk["influencer_id"]) == ["giulia"]
    assert len(stored_audits(ws)) == 4


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test group, so `audit` is a subcommand as in the real CLI."""

    app.command("audit")(audit)
    return app


def test_cli_table_shows_scores_reasons_and_spend_at_risk(tmp_path: Path) -> None:
    url = str(tmp_path / "store.duckdb")
    build(url, tmp_path).store.close()
    result = CliRunner().invoke(_cli(), ["audit", "--store", url, "--as-of", "2024-03-01"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "@giulia.skin (instagram)" in out and "Fail" in out and "Pass" in out
    assert "-20 Engagement rate" in out                  # the heaviest reason, with its cost
    assert "Spend at risk" in out and "1000.00" in out and "@jisoo.glow" in out


def test_cli_json_carries_every_reason_rendered(tmp_path: Path) -> None:
    url = str(tmp_path / "store.duckdb")
    build(url, tmp_path).store.close()
    result = CliRunner().invoke(_cli(), ["audit", "--store", url, "--format", "json",
                                         "--as-of", "2024-03-01", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_id = {a["account_id"]: a for a in data["audits"]}
    g = by_id["instagram:giulia.skin"]
    assert g["score"] == 15 and g["verdict"] == "fail" and g["spikes"] == 1
    jump = next(r for r in g["reasons"] if r["code"] == "follower_jumps")
    assert jump["text"] == jump["msgid"].format(**jump["values"])
    assert "5000 followers on 2024-02-19 against a usual 100 a day" in jump["text"]
    assert data["spend_at_risk"] == [{
        "influencer_id": "giulia", "influencer": "@giulia.skin", "verdict": "fail",
        "score": 15.0, "accounts": "@giulia.skin (instagram)", "cost": "1000.00",
        "currency": "EUR"}]


def test_cli_refuses_an_unknown_format(tmp_path: Path) -> None:
    url = str(tmp_path / "store.duckdb")
    build(url, tmp_path).store.close()
    result = CliRunner().invoke(_cli(), ["audit", "--store", url, "--format", "xml"])
    assert result.exit_code != 0
    assert "unknown format xml" in str(result.exception)


def test_a_workspace_without_accounts_audits_nothing(store_url: str) -> None:
    ws = open_store(store_url).create_workspace("e", "Empty", "EUR", "UTC", "en")
    audits = run_audit(ws, now=NOW)
    assert audits.empty and list(audits.columns)[:3] == ["account_id", "influencer_id",
                                                         "platform"]
    assert spend_at_risk(ws, audits).empty
