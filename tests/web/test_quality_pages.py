"""What the quality checks found, on the calendar and influencer pages, in the reader's
language: each deliverable's compliance, the fixes, and each account's audit with its reasons.
"""

from __future__ import annotations

import json

from creatorroi.workspace import open_store
from test_quality_kpis import LOW_ER, add_quality

import world
from conftest import Web

FIX = {"msgid": "Add the disclosure {tag} at the start of the caption.",
       "values": {"tag": "#adv"}}
MISSING = {"msgid": "No disclosure accepted in {market}: use one of {tags}.",
           "values": {"market": "IT", "tags": "#adv, #pubblicità"}}
MARCH = "start=2024-03-01&end=2024-03-31"


def _prepare(web: Web) -> None:
    app = open_store(web.world.url)
    ws = app.workspace("w")
    add_quality(ws)
    world.put(ws, "content_checks", [
        dict(post_id="g1", check_name="disclosure", status="fail", detail=json.dumps(MISSING),
             suggestion=json.dumps([FIX]), checked_at=world.ts("2024-03-26T06:00:00Z"))],
        ["post_id", "check_name"])
    ws.store.touch(ws.id)
    app.close()


def test_calendar_shows_compliance_and_what_to_fix(web: Web) -> None:
    _prepare(web)
    client = web.client("owner")
    html = client.get(f"/w/w/calendar?{MARCH}&as_of=2024-03-26").text
    assert "What needs fixing" in html
    assert "No disclosure accepted in IT: use one of #adv, #pubblicità." in html
    assert "Add the disclosure #adv at the start of the caption." in html
    api = client.get(f"/api/w/w/calendar?{MARCH}&as_of=2024-03-26").json()
    posts = next(t for t in api["tables"] if t["key"] == "posts")
    state = {r["post"]: r["compliance"] for r in posts["rows"]}
    assert state == {"g1": "Needs fixing", "j1": "Compliant"}
    figure = next(f for f in api["figures"] if f["key"] == "compliance")
    assert figure["value"] == 50.0          # one of the two checked posts
    problems = api["extra"]["problems"]
    # a warning is listed too (j1's hashtags), but only failures make a post need fixing
    assert sorted((p["post"], p["status"]) for p in problems) == [("g1", "fail"),
                                                                   ("j1", "warn")]
    problem = next(p for p in problems if p["post"] == "g1")
    assert problem["check"] == "Disclosure" and problem["suggestions"] == [FIX]


def test_influencer_page_shows_the_audit_and_its_reasons(web: Web) -> None:
    _prepare(web)
    client = web.client("owner")
    html = client.get(f"/w/w/influencers/jisoo?{MARCH}").text
    assert "Why this score" in html
    assert LOW_ER["msgid"].format(**LOW_ER["values"]) in html
    api = client.get(f"/api/w/w/influencers/jisoo?{MARCH}").json()
    audience = next(t for t in api["tables"] if t["key"] == "audience")
    [row] = audience["rows"]
    assert row["handle"] == "@jisoo.glow" and row["score"] == 41.0 and row["state"] == "Fail"
    figures = {f["key"]: f["value"] for f in api["figures"]}
    assert figures["audience_quality"] == 41.0 and figures["sentiment"] == 0.6


def test_quality_sections_follow_the_language(web: Web) -> None:
    _prepare(web)
    client = web.client("owner")
    client.cookies.set("cr_lang", "it")
    html = client.get(f"/w/w/calendar?{MARCH}&as_of=2024-03-26").text
    assert "What needs fixing" not in html and "Cosa va corretto" in html
    assert ">Needs fixing<" not in html and ">Da correggere<" in html
    assert ">Dicitura pubblicitaria<" in html


def test_a_json_lines_comment_dump_is_previewed_then_imported(web: Web) -> None:
    from test_imports import commit, summary, upload

    lines = [{"id": "x1", "post_id": "g1", "text": "Adoro questo siero 😍"},
             {"id": "x2", "post_id": "j1", "text": "별로였어요"},
             {"id": "x3", "post_id": "nope", "text": "not ours"}]
    body = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode() + b"\n"
    c = web.client("analyst")
    r = upload(c, body, name="comments.jsonl", kind="comments")
    assert r.status_code == 200, r.text
    # the preview counts what the import will write: not the comment on a post we lack
    assert summary(r.text) == (2, 0)
    assert "1 comment(s) name posts this workspace does not have" in r.text
    done = commit(c, r.text)
    assert done.status_code == 303
    with web.server.lock:
        stored = web.server.store.fetch("SELECT id, sentiment_label FROM comments "
                                        "WHERE workspace_id = 'w' ORDER BY id")
    # the post the workspace does not have is skipped on import, with a warning
    assert [(i, label) for i, label in stored] == [("x1", "positive"), ("x2", "negative")]
    again = upload(c, body, name="comments.jsonl", kind="comments")
    assert summary(again.text) == (0, 0)    # nothing changes, as the import would say
