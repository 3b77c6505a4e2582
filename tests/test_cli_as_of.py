"""``creatorroi kpis --as-of``: post metrics as a past snapshot had them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from creatorroi.cli import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_kpis_as_of_reads_the_snapshot_of_that_day(tmp_path: Path) -> None:
    url = str(tmp_path / "s.duckdb")
    run("init", "--workspace", "w", "--timezone", "Europe/Rome", "--store", url)
    files = {
        "influencers": "id,name\ng,Giulia\n",
        "campaigns": "id,name,goal_family,funnel_stage,starts_on\nc,C,awareness,tofu,2024-03-01\n",
        "posts": "id,campaign_id,influencer_id,platform,content_type,published_at\n"
                 "p1,c,g,instagram,reel,2024-03-01 18:00\n",
        # Rome wall-clock times: the 3rd at 23:30 is still the 3rd in Rome (22:30 UTC)
        "post_metrics": "post_id,captured_at,views,likes\np1,2024-03-02 09:00,1000,10\n"
                        "p1,2024-03-03 23:30,1500,15\np1,2024-03-10 09:00,4000,40\n",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        run("import", kind, str(path), "--store", url)

    def views(*extra: str) -> int:
        out = run("kpis", "--by", "post", "--columns", "views,likes", "--format", "json",
                  "--store", url, *extra)
        return int(json.loads(out)[0]["views"])

    assert views() == 4000
    assert views("--as-of", "2024-03-03") == 1500      # the whole local day counts
    assert views("--as-of", "2024-03-03T12:00") == 1000
    assert views("--as-of", "2024-03-09") == 1500
    bad = runner.invoke(app, ["kpis", "--as-of", "last week", "--store", url])
    assert bad.exit_code != 0
