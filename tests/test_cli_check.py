"""`creatorroi check` as cron runs it: formats, --out, --only-new, --webhook, exit codes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from creatorroi import cli, monitoring
from creatorroi.cli_quality import check
from creatorroi.monitoring import run_checks, slack_payload
from creatorroi.workspace import open_store

app = typer.Typer()


@app.callback()
def _root() -> None:
    """creatorroi (test copy with only `check`)."""


app.command("check")(check)
runner = CliRunner()

SHEETS = {
    "campaigns": "id,name,goal_family,funnel_stage,starts_on,ends_on\n"
                 "spring,Spring 2024,sales,bofu,2024-03-01,2024-04-30\n",
    "influencers": "id,name,country\ngiulia,Giulia Rossi,IT\n",
    "posts": "id,campaign_id,influencer_id,platform,content_type,planned_on,published_at,"
             "caption\n"
             "ok1,spring,giulia,instagram,reel,2024-03-20,2024-03-20 10:00,#adv #Spring\n"
             "bad1,spring,giulia,instagram,reel,2024-03-21,2024-03-21 10:00,#adv #Sprnig\n",
    "briefs": "campaign_id,hashtags\nspring,#Spring\n",
}
FIXED = SHEETS["posts"].replace("#Sprnig", "#Spring")


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = str(tmp_path / "check.duckdb")
    app_ = open_store(url)
    ws = app_.create_workspace("w", "Brand", "EUR", "Europe/Rome", "en")
    for kind, text in SHEETS.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        ws.import_file(kind, path)
    app_.close()
    return url


def invoke(store: str, *args: str) -> Any:
    return runner.invoke(app, ["check", "--as-of", "2024-03-25", *args, "--store", store])


def fix_posts(store: str, tmp_path: Path) -> None:
    path = tmp_path / "fixed.csv"
    path.write_text(FIXED, encoding="utf-8")
    app_ = open_store(store)
    app_.workspace().import_file("posts", path)
    app_.close()


def test_text_report_and_exit_codes(store: str, tmp_path: Path) -> None:
    result = invoke(store)
    assert result.exit_code == 0, result.output
    assert "Needs attention: 1" in result.stdout
    assert "replace #Sprnig with #Spring" in result.stdout
    assert invoke(store, "--fail-on-findings").exit_code == 1
    fix_posts(store, tmp_path)
    fixed = invoke(store, "--fail-on-findings")
    assert fixed.exit_code == 0 and "Nothing needs attention" in fixed.stdout


def test_json_and_slack_formats(store: str) -> None:
    data = json.loads(invoke(store, "--format", "json").stdout)
    assert data["as_of"] == "2024-03-25"
    assert [(f["post_id"], f["check"]) for f in data["needs_attention"]] == [("bad1", "hashtags")]
    # 2 posts x 3 checks (posted, hashtags, disclosure), 1 fails
    assert data["compliance_rate"] == pytest.approx(5 / 6)
    slack = json.loads(invoke(store, "--format", "slack").stdout)
    app_ = open_store(store)
    expected = slack_payload(run_checks(app_.workspace(), today=date(2024, 3, 25)), "en")
    app_.close()
    assert slack == expected


def test_out_file_is_written_whole(store: str, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "check.txt"
    result = invoke(store, "--out", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == invoke(store).stdout
    assert [p.name for p in out.parent.iterdir()] == ["check.txt"]     # no temp file left
    out.write_text("old", encoding="utf-8")
    invoke(store, "--out", str(out), "--format", "json")
    assert json.loads(out.read_text(encoding="utf-8"))["posts"] == 2


def test_default_day_is_today_in_the_workspace_zone(store: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    zones: list[str] = []

    def fake_today(ws: Any) -> date:
        zones.append(ws.timezone)
        return date(2024, 3, 26)

    monkeypatch.setattr(monitoring, "local_today", fake_today)
    result = runner.invoke(app, ["check", "--store", store])
    assert zones == ["Europe/Rome"]
    assert "Content checks as of 2024-03-26" in result.stdout


class Hook:
    def __init__(self, statuses: list[int]):
        self.statuses, self.bodies = statuses, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.bodies.append(json.loads(body))
                self.send_response(hook.statuses.pop(0) if len(hook.statuses) > 1
                                   else hook.statuses[0])
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/very-secret"


@pytest.fixture
def hook_factory(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr(monitoring, "_sleep", lambda seconds: None)
    made: list[Hook] = []

    def make(statuses: list[int]) -> Hook:
        made.append(Hook(statuses))
        return made[-1]

    yield make
    for h in made:
        h.server.shutdown()
        h.server.server_close()


def test_webhook_posts_the_slack_payload_and_only_new_alerts_once(store: str,
                                                                 hook_factory: Any) -> None:
    hook = hook_factory([500, 200])       # the first try fails, the retry lands
    result = invoke(store, "--webhook", hook.url, "--only-new")
    assert result.exit_code == 0, result.output
    assert len(hook.bodies) == 2 and hook.bodies[0] == hook.bodies[1]
    blocks = hook.bodies[1]["blocks"]
    assert "bad1" in json.dumps(blocks, ensure_ascii=False)
    # the same day again: nothing new, nothing posted
    again = invoke(store, "--webhook", hook.url, "--only-new", "--fail-on-findings")
    assert again.exit_code == 0
    assert "Nothing new since the last run" in again.stdout
    assert len(hook.bodies) == 2


def test_webhook_failure_exits_2_with_a_clear_message(store: str, hook_factory: Any,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    hook = hook_factory([500])
    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setattr("sys.argv", ["creatorroi", "check", "--as-of", "2024-03-25",
                                     "--webhook", hook.url, "--store", store])
    with pytest.raises(SystemExit) as exit:
        cli.main()
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "the webhook at 127.0.0.1 answered HTTP 500" in err
    assert "very-secret" not in err
    assert len(hook.bodies) == 3          # one try and two retries


@pytest.mark.parametrize("args", [("--format", "xml"), ("--as-of", "25/03/2024"),
                                  ("--webhook", "ftp://example.com/x")])
def test_bad_options_are_user_errors(store: str, args: tuple[str, ...],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setattr("sys.argv", ["creatorroi", "check", *args, "--store", store])
    with pytest.raises(SystemExit) as exit:
        cli.main()
    assert exit.value.code == 2


def test_lang_reaches_the_report(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str | None] = []

    def fake(lang: str | None, domain: str = "creatorroi") -> Any:
        asked.append(lang)
        return lambda msgid, **values: msgid.format(**values).upper()

    monkeypatch.setattr(monitoring, "translator", fake)
    result = invoke(store, "--lang", "ko")
    assert "ko" in asked
    assert "NEEDS ATTENTION: 1" in result.stdout
