"""The CLI as a user runs it: real files, a real store, output parsed back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creatorroi.cli import app, main

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = str(tmp_path / "cli.duckdb")
    run("init", "--workspace", "acme", "--name", "Acme", "--currency", "EUR",
        "--timezone", "Europe/Rome", "--store", url)
    files = {
        "influencers": "id,name\ngiulia,Giulia Rossi\nluca,Luca Bianchi\n",
        "accounts": "influencer_id,platform,handle\ngiulia,instagram,@giulia.skin\n"
                    "luca,tiktok,@luca.b\n",
        "campaigns": "id,name,goal_family,funnel_stage,starts_on\n"
                     "spring,Spring,sales,bofu,2024-03-01\n",
        "assets": "id,kind,influencer_id,campaign_id,code\n"
                  "g,promo_code,giulia,spring,SPRING_GIULIA\nl,promo_code,luca,spring,SPRING_LUCA\n",
        "costs": "id,category,amount,currency,incurred_on,influencer_id,campaign_id\n"
                 "c1,fee,100.00,EUR,2024-03-01,giulia,spring\nc2,fee,50.00,EUR,2024-03-01,luca,spring\n",
        "orders": "id,created_at,currency,gross,discount,codes\n"
                  "1,2024-03-02 10:00,EUR,60.00,10.00,spring_giulia\n"
                  "2,2024-03-03 10:00,EUR,100.00,0,SPRING_GIULIA\n"
                  "3,2024-03-03 11:00,EUR,40.00,0,SPRING_LUCA\n"
                  "4,2024-03-04 11:00,EUR,30.00,0,\n",
    }
    for kind, text in files.items():
        path = Path(url).parent / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        run("import", kind, str(path), "--store", url)
    return url


def test_kpis_csv_has_one_row_per_influencer_with_money_columns(store: str) -> None:
    rows = list(csv.DictReader(io.StringIO(run("kpis", "--by", "influencer", "--format", "csv",
                                               "--store", store))))
    by = {r["influencer"]: r for r in rows}
    assert set(by) == {"@giulia.skin", "@luca.b"}
    g = by["@giulia.skin"]
    # orders 1 (60 - 10 = 50.00) and 2 (100.00); cost 100.00
    assert (g["orders"], g["revenue"], g["cost"]) == ("2", "150.00", "100.00")
    assert float(g["roi"]) == pytest.approx(50.0) and float(g["roas"]) == pytest.approx(1.5)
    assert float(by["@luca.b"]["roi"]) == pytest.approx(-20.0)      # 40 vs 50


def test_json_and_attribution_coverage(store: str) -> None:
    data = json.loads(run("kpis", "--by", "campaign", "--format", "json", "--store", store))
    assert data[0]["campaign"] == "spring" and data[0]["revenue"] == "190.00"
    cov = list(csv.DictReader(io.StringIO(run("attribution", "--format", "csv",
                                              "--store", store))))
    un = next(r for r in cov if r["method"] == "unattributed")
    assert (un["orders_credited"], un["revenue_credited"]) == ("1", "30.00")


def test_reimport_reports_nothing_new(store: str) -> None:
    path = Path(store).parent / "orders.csv"
    out = run("import", "orders", str(path), "--store", store)
    assert "0 new, 0 changed" in out


def test_bad_input_names_file_row_and_column(store: str, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    bad = Path(store).parent / "bad_costs.csv"
    bad.write_text("id,category,amount,currency,incurred_on\n"
                   "c9,fee,12.00,EUR,2024-03-01\nc10,fee,dodici,EUR,2024-03-01\n")
    monkeypatch.setattr("sys.argv", ["creatorroi", "import", "costs", str(bad),
                                     "--store", store])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "bad_costs.csv" in err and "row 3" in err and "amount" in err
    before = run("kpis", "--by", "influencer", "--format", "csv", "--store", store)
    assert "c9" not in before                      # nothing half-written


def test_template_writes_header_and_example(store: str) -> None:
    rows = list(csv.reader(io.StringIO(run("template", "costs"))))
    assert rows[0][:4] == ["id", "category", "amount", "currency"] and len(rows) == 2


def test_unknown_dimension_is_a_clear_error(store: str, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["creatorroi", "kpis", "--by", "colour", "--store", store])
    with pytest.raises(SystemExit):
        main()
    assert "unknown dimension 'colour'" in capsys.readouterr().err
