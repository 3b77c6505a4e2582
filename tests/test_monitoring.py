"""Content monitoring on real stores (DuckDB and PostgreSQL) built from canonical CSV imports,
and the Slack webhook against a real local HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from creatorroi import monitoring
from creatorroi.errors import ConfigError, CreatorROIError
from creatorroi.monitoring import (
    SLACK_POSTS,
    post_webhook,
    render_json,
    render_text,
    run_checks,
    slack_payload,
)
from creatorroi.workspace import Workspace, open_store

TODAY = date(2024, 3, 25)

CSV = {
    "campaigns": """id,name,goal_family,funnel_stage,starts_on,ends_on,always_on
easter24,Easter 2024,sales,bofu,2024-03-15,2024-04-07,false
xmas23,Xmas 2023,sales,bofu,2023-12-01,2023-12-24,false
ambassadors,Ambassadors,awareness,tofu,2023-01-01,,true
""",
    "influencers": """id,name,country
giulia,Giulia Rossi,IT
jisoo,김지수,KR
marco,Marco,
""",
    "accounts": """influencer_id,platform,handle
giulia,instagram,@giulia.skin
jisoo,instagram,@jisoo.glow
marco,tiktok,@marco
""",
    "posts": "\n".join([
        "id,campaign_id,influencer_id,platform,content_type,planned_on,published_at,url,caption",
        "g1,easter24,giulia,instagram,reel,2024-03-20,2024-03-20 18:30,"
        "https://instagram.com/p/g1,\"#adv Il mio siero #GlowWithLumnia @lumina.skincare "
        "codice EASTER24GIULIA go.acme.example/giulia-easter\"",
        "g2,easter24,giulia,instagram,reel,2024-03-22,,,",
        "g3,easter24,giulia,instagram,story,2024-03-24,2024-03-25 00:30,,\"#adv siero cheap "
        "#GlowWithLumina @lumina.skincare EASTER24_GIULIA go.acme.example/giulia-easter\"",
        "j1,easter24,jisoo,instagram,reel,2024-03-21,2024-03-21 10:00,,"
        "\"#ad 좋아요 #GlowWithLumina @lumina.skincare JISOO10\"",
        "j2,easter24,jisoo,instagram,reel,2024-03-28,,,",
        "m1,easter24,marco,tiktok,video,2024-03-22,2024-03-20 09:00,,"
        "\"#sponsored #GlowWithLumina @lumina.skincare MARCO5\"",
        "x1,xmas23,giulia,instagram,reel,2023-12-10,2023-12-10 10:00,,\"no disclosure\"",
        "a1,ambassadors,marco,tiktok,video,,2024-03-24 12:00,,\"#ad my routine\"",
    ]) + "\n",
    "assets": """id,kind,influencer_id,campaign_id,code
gc,promo_code,giulia,easter24,EASTER24_GIULIA
gl,utm_link,giulia,easter24,giulia-easter
jc,promo_code,jisoo,easter24,JISOO10
mc,promo_code,marco,easter24,MARCO5
""",
    "briefs": "campaign_id,influencer_id,hashtags,mentions,banned_words,require_link,"
              """require_code,grace_days
easter24,,#GlowWithLumina,@lumina.skincare,cheap|miracle,false,true,1
easter24,giulia,,,,true,,
""",
}

# Worked by hand from the sheets above, as of 2024-03-25 in Rome.
EXPECTED = {
    "g1": {"posted": "ok", "hashtags": "fail", "mentions": "ok", "disclosure": "ok",
           "banned_words": "ok", "link": "ok", "code": "fail"},
    "g2": {"posted": "fail", **dict.fromkeys(
        ["hashtags", "mentions", "disclosure", "banned_words", "link", "code"], "pending")},
    "g3": {"posted": "ok", "hashtags": "ok", "mentions": "ok", "disclosure": "ok",
           "banned_words": "fail", "link": "ok", "code": "ok"},
    "j1": {"posted": "ok", "hashtags": "ok", "mentions": "ok", "disclosure": "fail",
           "banned_words": "ok", "code": "ok"},
    "j2": {"posted": "pending", **dict.fromkeys(
        ["hashtags", "mentions", "disclosure", "banned_words", "code"], "pending")},
    "m1": {"posted": "warn", "hashtags": "ok", "mentions": "ok", "disclosure": "ok",
           "banned_words": "ok", "code": "ok"},
    "a1": {"posted": "ok", "disclosure": "ok"},
}


def write(folder: Path, kind: str, text: str) -> Path:
    path = folder / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ws(store_url: str, tmp_path: Path) -> Iterator[Workspace]:
    app = open_store(store_url)
    w = app.create_workspace("w", "Brand", "EUR", "Europe/Rome", "en")
    for kind, text in CSV.items():
        w.import_file(kind, write(tmp_path, kind, text))
    yield w
    app.close()


def statuses(frame: Any) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for r in frame.itertuples():
        out.setdefault(r.post_id, {})[r.check] = r.status
    return out


def stored(ws: Workspace) -> dict[tuple[str, str], tuple[str, Any, Any]]:
    return {(p, c): (s, json.loads(d), json.loads(g) if g else None) for p, c, s, d, g in
            ws.store.fetch("SELECT post_id, check_name, status, detail, suggestion "
                           "FROM content_checks WHERE workspace_id = ?", [ws.id])}


def test_checks_every_deliverable_of_running_campaigns(ws: Workspace) -> None:
    run = run_checks(ws, today=TODAY)
    assert set(run.campaigns) == {"easter24", "ambassadors"}      # xmas23 is over
    assert statuses(run.findings) == EXPECTED
    rows = stored(ws)
    assert {k: v[0] for k, v in rows.items()} == {
        (p, c): s for p, checks in EXPECTED.items() for c, s in checks.items()}
    assert rows[("g1", "hashtags")][1:] == (
        {"msgid": "missing hashtags: {tags}", "values": {"tags": "#GlowWithLumina"}},
        [{"msgid": "replace {wrong} with {right}",
          "values": {"wrong": "#GlowWithLumnia", "right": "#GlowWithLumina"}}])
    assert rows[("g1", "code")][2] == [{"msgid": "replace {wrong} with {right}", "values": {
        "wrong": "EASTER24GIULIA", "right": "EASTER24_GIULIA"}}]
    assert rows[("j1", "disclosure")][1]["values"]["market"] == "KR"
    assert rows[("g3", "posted")][1]["values"] == {
        "day": "2024-03-25", "days": 1, "planned": "2024-03-24", "grace": 1}
    assert rows[("g3", "banned_words")][1]["values"] == {"words": "cheap"}


def test_compliance_summaries(ws: Workspace) -> None:
    run = run_checks(ws, today=TODAY)
    # published: g1 (7 checks, 2 fail), g3 (7, 1), j1 (6, 1), m1 (6, 0), a1 (2, 0)
    assert run.compliance_rate == pytest.approx(24 / 28)
    assert (run.published, run.compliant, run.posts) == (5, 2, 7)
    camp = run.by_campaign.set_index("campaign_id")
    assert camp.loc["easter24", "compliance_rate"] == pytest.approx(22 / 26)
    assert (camp.loc["easter24", "published"], camp.loc["easter24", "compliant_posts"]) == (4, 1)
    assert camp.loc["ambassadors", "compliance_rate"] == 1.0
    creator = run.by_creator.set_index(["campaign_id", "influencer_id"])
    assert creator.loc[("easter24", "giulia"), "compliance_rate"] == pytest.approx(11 / 14)
    assert creator.loc[("easter24", "giulia"), "attention"] == 4    # g1 x2, g2, g3
    assert creator.loc[("easter24", "jisoo"), "posts"] == 2
    assert sorted(zip(run.attention["post_id"], run.attention["check"], strict=True)) == [
        ("g1", "code"), ("g1", "hashtags"), ("g2", "posted"), ("g3", "banned_words"),
        ("j1", "disclosure"), ("m1", "posted")]


def test_rerun_alerts_once_and_reports_changes(ws: Workspace, tmp_path: Path) -> None:
    first = run_checks(ws, today=TODAY, only_new=True)
    assert len(first.attention) == 6
    before = stored(ws)
    second = run_checks(ws, today=TODAY, only_new=True)
    assert len(second.attention) == 0 and not second.news
    assert stored(ws) == before                     # same rows, same findings
    assert statuses(second.findings) == EXPECTED    # everything still there without only_new
    assert "Nothing new since the last run" in render_text(second)
    # g1 fixed; j2 goes live early and undisclosed
    posts = CSV["posts"].replace("#GlowWithLumnia", "#GlowWithLumina").replace(
        "EASTER24GIULIA", "EASTER24_GIULIA").replace(
        "j2,easter24,jisoo,instagram,reel,2024-03-28,,,",
        'j2,easter24,jisoo,instagram,reel,2024-03-28,2024-03-25 09:00,,"좋아요 #GlowWithLumina '
        '@lumina.skincare JISOO10"')
    ws.import_file("posts", write(tmp_path, "posts", posts))
    third = run_checks(ws, today=TODAY, only_new=True)
    assert sorted(zip(third.attention["post_id"], third.attention["check"],
                      third.attention["status"], strict=True)) == [
        ("j2", "disclosure", "fail"), ("j2", "posted", "warn")]
    assert sorted(zip(third.resolved["post_id"], third.resolved["check"], strict=True)) == [
        ("g1", "code"), ("g1", "hashtags")]
    text = render_text(third)
    assert "Resolved since the last run: 2" in text and "Needs attention: 2" in text


def test_a_crash_mid_write_keeps_the_last_results(ws: Workspace,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    run_checks(ws, today=TODAY)
    before = stored(ws)

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ws.store, "upsert", boom)
    with pytest.raises(RuntimeError):
        run_checks(ws, today=date(2024, 4, 1))     # deletes first, then fails to insert
    assert stored(ws) == before


def test_running_window_and_named_campaign(ws: Workspace) -> None:
    # easter24 ends 2024-04-07 and its brief allows 1 grace day
    assert "easter24" in run_checks(ws, today=date(2024, 4, 8)).campaigns
    assert run_checks(ws, today=date(2024, 4, 9)).campaigns == ("ambassadors",)
    assert run_checks(ws, today=date(2024, 3, 1)).campaigns == ("ambassadors",)
    named = run_checks(ws, today=TODAY, campaign="xmas23")
    assert named.campaigns == ("xmas23",)
    assert statuses(named.findings) == {"x1": {"posted": "ok", "disclosure": "fail"}}
    with pytest.raises(CreatorROIError):
        run_checks(ws, today=TODAY, campaign="nope")


def test_renderings(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_checks(ws, today=TODAY)
    text = render_text(run)
    assert "Compliance: 86% of checks passed; 2 of 5 published post(s) comply" in text
    assert "→ replace #GlowWithLumnia with #GlowWithLumina" in text
    # messages are translated when rendered, from the stored msgid and values
    asked: list[str | None] = []

    def fake(lang: str | None, domain: str = "creatorroi") -> Any:
        asked.append(lang)
        return lambda msgid, **values: "«" + msgid.format(**values) + "»"

    monkeypatch.setattr(monitoring, "translator", fake)
    it = render_text(run, "it")
    assert asked == ["it"]
    assert "«Hashtags»: «missing hashtags: #GlowWithLumina»" in it
    assert "→ «replace #GlowWithLumnia with #GlowWithLumina»" in it
    monkeypatch.undo()
    data = json.loads(render_json(run))
    assert data["compliance_rate"] == pytest.approx(24 / 28)
    assert len(data["needs_attention"]) == 6 and len(data["findings"]) == len(run.findings)
    g1 = next(f for f in data["findings"] if (f["post_id"], f["check"]) == ("g1", "code"))
    assert g1["message"] == "promo code EASTER24_GIULIA not in the caption"
    assert g1["suggestion"] == "replace EASTER24GIULIA with EASTER24_GIULIA"
    payload = slack_payload(run)
    assert payload["text"].startswith("Content checks as of 2024-03-25")
    sections = [b for b in payload["blocks"] if b["type"] == "section"]
    assert len(sections) == 1 + 5     # the summary, then g1, g2, g3, j1 and m1
    g1_block = sections[1]["text"]["text"]
    assert g1_block.startswith("*g1* · Easter 2024 · Giulia Rossi · <https://instagram.com/p/g1|")
    assert ":x: *Hashtags*: missing hashtags: #GlowWithLumina → replace #GlowWithLumnia with " \
           "#GlowWithLumina" in g1_block


def test_slack_payload_stays_within_limits(tmp_path: Path) -> None:
    app = open_store(str(tmp_path / "slack.duckdb"))
    ws = app.create_workspace("w", "Brand", "EUR", "UTC", "en")
    for kind in ("campaigns", "influencers"):
        ws.import_file(kind, write(tmp_path, kind, CSV[kind]))
    n = SLACK_POSTS + 7
    long = "x" * 4000 + " <b>&"
    rows = [f'p{i:03},easter24,giulia,instagram,reel,2024-03-20,2024-03-20 10:00,,"{long}"'
            for i in range(n)]
    ws.import_file("posts", write(tmp_path, "posts", "id,campaign_id,influencer_id,platform,"
                                  "content_type,planned_on,published_at,url,caption\n"
                                  + "\n".join(rows) + "\n"))
    ws.import_file("briefs", write(tmp_path, "briefs", "campaign_id,banned_words\n"
                                   "easter24," + "x" * 4000 + "\n"))
    payload = slack_payload(run_checks(ws, today=TODAY), "ko")
    blocks = payload["blocks"]
    assert len(blocks) <= 50
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 1 + SLACK_POSTS
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert len(blocks[0]["text"]["text"]) <= 150
    more = [b for b in blocks if b["type"] == "context"]
    assert "7" in more[0]["elements"][0]["text"]
    assert json.loads(json.dumps(payload)) == payload
    app.close()


# ---- webhook -----------------------------------------------------------------------------

class Hook:
    """A local HTTP server answering with scripted statuses, keeping every body it got."""

    def __init__(self, statuses: list[int]):
        self.statuses = statuses
        self.bodies: list[Any] = []
        self.paths: list[str] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.bodies.append(json.loads(self.rfile.read(length).decode("utf-8")))
                hook.paths.append(self.path)
                status = hook.statuses.pop(0) if len(hook.statuses) > 1 else hook.statuses[0]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T0/B0/secret"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(monitoring, "_sleep", waits.append)
    return waits


def test_webhook_delivers_the_payload(no_wait: list[float]) -> None:
    hook = Hook([200])
    try:
        payload = {"text": "Content checks — 광고 #업데이트", "blocks": []}
        assert post_webhook(hook.url, payload) == 200
        assert hook.bodies == [payload] and hook.paths == ["/services/T0/B0/secret"]
        assert no_wait == []
    finally:
        hook.close()


def test_webhook_retries_a_server_error(no_wait: list[float]) -> None:
    hook = Hook([500, 503, 200])
    try:
        assert post_webhook(hook.url, {"text": "x"}, retries=2, backoff=0.5) == 200
        assert len(hook.bodies) == 3 and no_wait == [0.5, 1.0]
    finally:
        hook.close()


def test_webhook_gives_up_with_status_and_host_only(no_wait: list[float]) -> None:
    hook = Hook([500])
    try:
        with pytest.raises(CreatorROIError) as exc:
            post_webhook(hook.url, {"text": "x"}, retries=2)
        assert len(hook.bodies) == 3
        assert str(exc.value) == "the webhook at 127.0.0.1 answered HTTP 500"
        assert "secret" not in str(exc.value)
    finally:
        hook.close()


def test_webhook_does_not_retry_a_client_error(no_wait: list[float]) -> None:
    hook = Hook([404])
    try:
        with pytest.raises(CreatorROIError, match="HTTP 404"):
            post_webhook(hook.url, {"text": "x"})
        assert len(hook.bodies) == 1
    finally:
        hook.close()


def test_webhook_unreachable_and_refused_schemes(no_wait: list[float]) -> None:
    hook = Hook([200])
    url = hook.url
    hook.close()                      # nothing listens there now
    with pytest.raises(CreatorROIError, match="did not answer") as exc:
        post_webhook(url, {"text": "x"}, retries=1, timeout=2)
    assert "secret" not in str(exc.value) and len(no_wait) == 1
    for bad in ("file:///etc/passwd", "ftp://example.com/x", "hooks.slack.com/x", ""):
        with pytest.raises(ConfigError):
            post_webhook(bad, {"text": "x"})
