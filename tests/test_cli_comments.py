"""``creatorroi comments list|rescore`` through the CLI, on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creatorroi.cli import app
from creatorroi.quality.sentiment import get_backend
from creatorroi.workspace import open_workspace

runner = CliRunner()
TEXTS = ["Adoro questo siero 😍", "Troppo caro, non mi è piaciuto", "좋아요!!",
         "Quanto dura un flacone?", "Terrible, it broke me out 😡", "👩‍👩‍👧 love it"]


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _store(tmp_path: Path) -> str:
    url = str(tmp_path / "s.duckdb")
    run("init", "--workspace", "w", "--store", url)
    sheets = {
        "influencers": "id,name\ng,Giulia\n",
        "campaigns": "id,name,goal_family,funnel_stage,starts_on\nc,C,sales,bofu,2024-03-01\n",
        "posts": "id,campaign_id,influencer_id,platform,content_type,published_at\n"
                 "p1,c,g,instagram,reel,2024-03-01 18:00\np2,c,g,instagram,reel,2024-03-02 18:00\n",
    }
    for kind, text in sheets.items():
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
        run("import", kind, str(tmp_path / f"{kind}.csv"), "--store", url)
    lines = [json.dumps({"id": f"k{i}", "post_id": "p1" if i < 4 else "p2", "text": t},
                        ensure_ascii=False) for i, t in enumerate(TEXTS)]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("import", "comments", str(tmp_path / "c.jsonl"), "--store", url)
    return url


def test_list_orders_filters_and_keeps_the_text(tmp_path: Path) -> None:
    url = _store(tmp_path)
    scores = dict(zip(TEXTS, get_backend("lexicon").score(TEXTS), strict=True))
    rows = json.loads(run("comments", "list", "--format", "json", "--store", url))
    assert [r["text"] for r in rows] == sorted(TEXTS, key=lambda t: (scores[t].value,
                                                                       f"k{TEXTS.index(t)}"))
    assert {r["text"]: r["sentiment"] for r in rows} == _approx(
        {t: s.value for t, s in scores.items()})
    only = json.loads(run("comments", "list", "--post", "p2", "--label", "negative",
                          "--format", "json", "--store", url))
    assert [r["id"] for r in only] == [f"k{i}" for i, t in enumerate(TEXTS)
                                       if i >= 4 and scores[t].label == "negative"]
    bad = runner.invoke(app, ["comments", "list", "--order", "loudest", "--store", url])
    assert bad.exit_code != 0


def test_rescore_restores_what_the_backend_says(tmp_path: Path) -> None:
    url = _store(tmp_path)
    ws = open_workspace(url)
    ws.store.execute("UPDATE comments SET sentiment = 0.99, sentiment_label = 'positive' "
                     "WHERE id IN ('k1', 'k4')")
    ws.store.close()
    out = run("comments", "rescore", "--store", url)
    assert "2 comments changed" in out
    assert "0 comments changed" in run("comments", "rescore", "--store", url)
    ws = open_workspace(url)
    stored = dict(ws.store.fetch("SELECT text, sentiment FROM comments"))
    expected = {t: s.value for t, s in zip(TEXTS, get_backend("lexicon").score(TEXTS),
                                           strict=True)}
    assert stored == _approx(expected)


def _approx(expected: dict[str, float]) -> object:
    return pytest.approx(expected, abs=1e-9)
