"""`creatorroi mmm fit | series | optimize` and `creatorroi lift`, on a CSV and on a workspace."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from creatorroi.cli import app
from creatorroi.errors import CreatorROIError
from creatorroi.mmm.synthetic import make_dataset
from creatorroi.store import connect

runner = CliRunner()
FAST = ["--draws", "150", "--tune", "150"]


def run(*args: str, code: int = 0) -> str:
    """Output of a command; with ``code`` 2, the message of the user error it refused with
    (``main`` prints it and exits 2)."""
    result = runner.invoke(app, list(args))
    if code == 2:
        assert isinstance(result.exception, CreatorROIError), result.output
        return str(result.exception)
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.fixture(scope="module")
def weekly_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    ds = make_dataset(11, grain="week", n_influencers=4, n_channels=2, noise=0.05)
    path = tmp_path_factory.mktemp("csv") / "weekly.csv"
    ds.frame.to_csv(path, index=False)
    return path, ds


def test_fit_csv_prints_the_promised_json(weekly_csv, tmp_path: Path) -> None:
    path, ds = weekly_csv
    spend = ",".join(ds.spec.spend)
    groups = ",".join(f"{c}={g}" for c, g in ds.spec.groups.items())
    floors = ",".join(f"{c}={v}" for c, v in ds.spec.floors.items())
    out = json.loads(run("mmm", "fit", "--csv", str(path), "--target", "sales", "--spend", spend,
                         "--controls", ",".join(ds.spec.controls), "--groups", groups,
                         "--floors", floors, "--format", "json", "--out", str(tmp_path / "o"),
                         *FAST))
    frame = pd.read_csv(path)
    assert set(out["channels"]) == set(ds.spec.spend)
    for col, row in out["channels"].items():
        assert row["roas_low"] <= row["roas"] <= row["roas_high"]
        assert row["spend"] == pytest.approx(frame[col].sum())
        assert row["contribution"] == pytest.approx(row["roas"] * frame[col].sum(), rel=1e-6)
        if col in ds.spec.floors:  # the floor holds for the whole interval
            assert row["contribution_low"] >= ds.spec.floors[col] * (1 - 1e-6)
    assert {"rhat_max", "ess_min", "divergences", "holdout_mape", "warnings"} <= set(
        out["diagnostics"])
    written = {p.name for p in (tmp_path / "o").iterdir()}
    assert written == {"result.json", "channels.csv", "fit.csv", "curves.csv"}
    fit = pd.read_csv(tmp_path / "o" / "fit.csv")
    assert fit["actual"].sum() == pytest.approx(frame["sales"].sum())


def test_fit_csv_refuses_a_gap_naming_the_date(weekly_csv, tmp_path: Path) -> None:
    path, ds = weekly_csv
    frame = pd.read_csv(path).drop(index=30)
    bad = tmp_path / "gap.csv"
    frame.to_csv(bad, index=False)
    missing = pd.read_csv(path)["date"].iloc[30]
    text = run("mmm", "fit", "--csv", str(bad), "--target", "sales", "--spend",
               ",".join(ds.spec.spend), code=2)
    assert f"{missing} is missing" in text and "gap.csv" in text
    assert "--target" in run("mmm", "fit", "--csv", str(bad), code=2)


def test_optimize_csv_spends_the_budget(weekly_csv) -> None:
    path, ds = weekly_csv
    channels = [c for c in ds.spec.spend if c not in ds.spec.groups]
    out = json.loads(run("mmm", "optimize", "--csv", str(path), "--target", "sales",
                         "--spend", ",".join(channels), "--budget", "20000", "--periods", "4",
                         "--min", f"{channels[0]}=5000", "--format", "json", *FAST))
    rows = {r["channel"]: r for r in out["channels"]}
    assert sum(r["proposed"] for r in rows.values()) == pytest.approx(20000)
    assert rows[channels[0]]["proposed"] >= 5000 - 1e-6
    assert out["uplift"]["mean"] >= -1e-6  # never worse than the mix it starts from


def test_lift_csv_finds_an_injected_effect(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    days = 150
    control = 100 + 10 * np.sin(np.arange(days) / 7) + rng.normal(0, 2, days)
    target = 2 * control + rng.normal(0, 3, days)
    target[120:134] += 40  # 14 days × 40 = 560
    frame = pd.DataFrame({"day": [date(2025, 1, 1) + timedelta(days=i) for i in range(days)],
                          "visits": target, "other": control})
    path = tmp_path / "lift.csv"
    frame.to_csv(path, index=False)
    out = json.loads(run("lift", "--csv", str(path), "--date", "day", "--target", "visits",
                         "--controls", "other", "--start", "2025-05-01", "--end", "2025-05-14",
                         "--format", "json", "--draws", "300", "--tune", "300"))
    assert out["lift"]["low"] <= 560 <= out["lift"]["high"]
    assert out["p_no_effect"] < 0.05


def _workspace(tmp_path: Path) -> tuple[str, float]:
    """210 days of orders; two creators with codes; daily Meta spend. Returns the store and
    Giulia's attributed net revenue, counted by hand."""
    url = str(tmp_path / "w.duckdb")
    run("init", "--workspace", "w", "--currency", "EUR", "--timezone", "Europe/Rome",
        "--store", url)
    rng = np.random.default_rng(2)
    start = date(2025, 1, 6)
    post_days = {"giulia": [20, 60, 100, 140, 180], "luca": [40, 90, 150, 205]}
    orders, codes_net = ["id,created_at,currency,gross,discount,codes"], 0.0
    meta = ["channel,date,amount,currency"]
    n = 0
    for i in range(210):
        day = start + timedelta(days=i)
        spend = round(float(rng.uniform(50, 150)), 2)
        meta.append(f"meta_ads,{day},{spend},EUR")
        count = int(rng.poisson(8 + spend / 40))
        for days in post_days.values():
            count += sum(6 for d in days if 0 <= i - d < 3)
        for k in range(count):
            n += 1
            amount = round(float(rng.uniform(20, 60)), 2)
            code = ""
            if k == 0 and any(0 <= i - d < 3 for d in post_days["giulia"]):
                code, codes_net = "SPRING_GIULIA", codes_net + amount
            orders.append(f"{n},{day} 1{k % 10}:00,EUR,{amount:.2f},0,{code}")
    posts = ["id,campaign_id,influencer_id,platform,content_type,published_at"]
    costs = ["id,category,amount,currency,incurred_on,influencer_id,campaign_id,post_id"]
    for who, days in post_days.items():
        for d in days:
            pid = f"{who}-{d}"
            posts.append(f"{pid},spring,{who},instagram,reel,{start + timedelta(days=d)} 18:00")
            costs.append(f"c-{pid},fee,300.00,EUR,{start + timedelta(days=d)},{who},spring,{pid}")
    files = {
        "influencers": "id,name\ngiulia,Giulia Rossi\nluca,Luca Bianchi\n",
        "accounts": "influencer_id,platform,handle\ngiulia,instagram,@giulia.skin\n"
                    "luca,instagram,@luca.b\n",
        "campaigns": "id,name,goal_family,funnel_stage,starts_on\n"
                     f"spring,Spring,sales,bofu,{start}\n",
        "assets": "id,kind,influencer_id,campaign_id,code\n"
                  "g,promo_code,giulia,spring,SPRING_GIULIA\n",
        "posts": "\n".join(posts) + "\n", "costs": "\n".join(costs) + "\n",
        "orders": "\n".join(orders) + "\n", "channel-spend": "\n".join(meta) + "\n",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        run("import", kind, str(path), "--store", url)
    return url, codes_net


def test_workspace_fit_keeps_the_run_with_creators_above_their_floor(tmp_path: Path) -> None:
    url, giulia_attributed = _workspace(tmp_path)
    series = tmp_path / "series.csv"
    run("mmm", "series", "--out", str(series), "--store", url)
    frame = pd.read_csv(series)
    assert len(frame) == 210 and {"inf_giulia", "inf_luca", "spend_meta_ads"} <= set(frame)
    assert frame["inf_giulia"].sum() == pytest.approx(5 * 300)
    out = json.loads(run("mmm", "fit", "--format", "json", "--holdout", "0", "--store", url,
                         *FAST))
    giulia = out["channels"]["inf_giulia"]
    assert giulia["attributed"] == pytest.approx(giulia_attributed, abs=0.01)
    assert giulia["contribution_low"] >= giulia_attributed - 0.01
    assert giulia["label"] == "Giulia Rossi" and out["ids"]["inf_giulia"] == "giulia"
    store = connect(url)
    rows = store.fetch("SELECT kind, grain, starts_on, ends_on, result FROM model_runs")
    assert len(rows) == 1 and rows[0][:2] == ("mmm", "day")
    assert json.loads(rows[0][4])["channels"]["inf_giulia"]["roas"] == giulia["roas"]
    store.close()


def test_workspace_with_too_little_history_is_told_how_much(tmp_path: Path) -> None:
    url = str(tmp_path / "short.duckdb")
    run("init", "--workspace", "w", "--store", url)
    orders = tmp_path / "orders.csv"
    orders.write_text("id,created_at,currency,gross,discount,codes\n" + "".join(
        f"{i},2025-03-{i:02d} 10:00,EUR,{10 + i}.00,0,\n" for i in range(1, 29)),
        encoding="utf-8")
    run("import", "orders", str(orders), "--store", url)
    text = run("mmm", "fit", "--store", url, code=2)
    assert "28 days of history" in text and "at least 180 days" in text


def test_lift_of_a_late_post_stops_at_the_last_day_with_data(tmp_path: Path) -> None:
    """Days after the last export are unknown, not zero: the window is cut there."""
    url, _ = _workspace(tmp_path)
    store = connect(url)
    from creatorroi.workspace import App

    ws = App(store).workspace("w")
    result = ws.incrementality.lift(post="luca-205", metric="revenue", draws=200, tune=200)
    assert result.start == date(2025, 1, 6) + timedelta(days=205)
    assert result.end == date(2025, 1, 6) + timedelta(days=209)
    assert result.post_periods == 5
    saved = store.fetch("SELECT kind, subject FROM model_runs")
    assert saved == [("lift", "post:luca-205")]
    store.close()
