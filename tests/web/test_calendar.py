"""The content calendar through the real app, on both backends.

The world's two posts get planned days and five more deliverables join them, each chosen for
one status as of 26 March 2024 (Europe/Rome). Counts are checked against the hand-made list
and against plain SQL over the posts table.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from creatorroi.campaigns import create_campaign
from creatorroi.report.render.fmt import Formatter

import world
from conftest import Web

AS_OF = "2024-03-26"
MARCH = "start=2024-03-01&end=2024-03-31"

# post: (status as of 26 March, days late)
EXPECTED = {
    "g1": ("On time", None),     # planned 20 March, live 20 March 18:00 Rome
    "j1": ("Late", 1),           # planned 20 March, live 21 March 11:00 Rome
    "g2": ("Late", 2),           # planned 22 March, live 23 March 23:30 UTC = 24 March in Rome
    "g3": ("Early", None),       # planned 25 March, live 24 March
    "j2": ("Missing", 1),        # planned 25 March, not live
    "j3": ("Upcoming", None),    # planned 28 March
    "j4": ("Upcoming", None),    # planned 26 March: due today, not late yet
}


def _post(id: str, influencer: str, planned: date | None, published: str | None,
          campaign: str = "easter") -> dict[str, Any]:
    platform, kind = ("instagram", "reel") if influencer == "giulia" else ("tiktok", "video")
    return dict(id=id, campaign_id=campaign, influencer_id=influencer, platform=platform,
                content_type=kind, planned_on=planned,
                published_at=world.ts(published) if published else None, reused=False,
                url=f"https://example.com/{id}")


@pytest.fixture
def cal(web: Web) -> Web:
    ws = web.server.app.workspace("w")
    create_campaign(ws, id="spring", name="Spring", goal_family="awareness",
                    funnel_stage="tofu", starts_on=date(2024, 4, 1))
    world.put(ws, "posts", [
        _post("g1", "giulia", date(2024, 3, 20), "2024-03-20T17:00:00Z"),
        _post("j1", "jisoo", date(2024, 3, 20), "2024-03-21T10:00:00Z"),
        _post("g2", "giulia", date(2024, 3, 22), "2024-03-23T23:30:00Z"),
        _post("g3", "giulia", date(2024, 3, 25), "2024-03-24T10:00:00Z"),
        _post("j2", "jisoo", date(2024, 3, 25), None),
        _post("j3", "jisoo", date(2024, 3, 28), None),
        _post("j4", "jisoo", date(2024, 3, 26), None),
        _post("s1", "giulia", date(2024, 4, 2), None, "spring"),
        _post("u1", "jisoo", None, "2024-04-03T08:00:00Z", "spring"),   # unplanned, later
    ], ["id"])
    return web


def _table(page: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in page["tables"] if t["key"] == key)


def _figures(page: dict[str, Any]) -> dict[str, Any]:
    return {f["key"]: f["value"] for f in page["figures"]}


def test_each_deliverable_gets_its_status_as_of_a_fixed_day(cal: Web) -> None:
    page = cal.api("viewer").get(f"/api/w/w/calendar?as_of={AS_OF}&{MARCH}").json()
    rows = {r["post"]: r for r in _table(page, "posts")["rows"]}
    assert {k: (r["status"], r["days_late"]) for k, r in rows.items()} == EXPECTED
    # published times are the workspace's (Rome, UTC+1 in March), not UTC
    assert rows["g2"]["published_at"] == "2024-03-24T00:30:00+01:00"
    assert rows["g2"]["planned_on"] == "2024-03-22" and rows["j2"]["published_at"] is None
    assert (rows["g1"]["campaign"], rows["g1"]["influencer"]) == ("Easter", "@giulia.skin")
    assert [r["post"] for r in _table(page, "posts")["rows"]] == \
        ["g1", "j1", "g2", "g3", "j2", "j4", "j3"]                   # by day, then id
    f = _figures(page)
    assert (f["planned"], f["published"], f["on_time"], f["early"], f["late"], f["missing"],
            f["upcoming"]) == (7, 4, 1, 1, 2, 1, 2)
    assert f["on_schedule"] == pytest.approx(40.0)                 # (1 + 1) of 5 due
    assert page["period"] == {"start": "2024-03-01", "end": "2024-03-31"}


def test_counts_agree_with_plain_sql(cal: Web) -> None:
    store = cal.server.store
    planned = store.fetch("SELECT count(*) FROM posts WHERE workspace_id = 'w' "
                          "AND planned_on BETWEEN ? AND ?", [date(2024, 3, 1),
                                                             date(2024, 3, 31)])[0][0]
    live = store.fetch("SELECT count(*) FROM posts WHERE workspace_id = 'w' "
                       "AND planned_on BETWEEN ? AND ? AND published_at IS NOT NULL",
                       [date(2024, 3, 1), date(2024, 3, 31)])[0][0]
    page = cal.api("viewer").get(f"/api/w/w/calendar?as_of={AS_OF}&{MARCH}").json()
    assert (_figures(page)["planned"], _figures(page)["published"]) == (planned, live)
    by_inf = {r["influencer"]: r for r in _table(page, "by_influencer")["rows"]}
    giulia, jisoo = by_inf["@giulia.skin"], by_inf["@jisoo.glow"]
    assert (giulia["planned"], giulia["published"], giulia["on_time"], giulia["early"],
            giulia["late"], giulia["missing"]) == (3, 3, 1, 1, 1, 0)
    assert (jisoo["planned"], jisoo["published"], jisoo["late"], jisoo["missing"],
            jisoo["upcoming"]) == (4, 1, 1, 1, 2)
    assert giulia["on_schedule"] == pytest.approx(200 / 3)         # 2 of 3 due
    assert jisoo["on_schedule"] == 0
    (easter,) = _table(page, "by_campaign")["rows"]                 # Spring is in April
    assert (easter["campaign"], easter["planned"], easter["published"]) == ("Easter", 7, 4)


def test_a_later_day_turns_upcoming_into_missing_and_shows_april(cal: Web) -> None:
    page = cal.api("viewer").get("/api/w/w/calendar?as_of=2024-04-05").json()
    rows = {r["post"]: r for r in _table(page, "posts")["rows"]}
    assert (rows["j3"]["status"], rows["j3"]["days_late"]) == ("Missing", 8)
    assert rows["j4"]["status"] == "Missing"
    assert rows["s1"]["status"] == "Missing" and rows["u1"]["status"] == "Not planned"
    assert page["period"] == {"start": "2024-03-20", "end": "2024-04-03"}
    by_campaign = {r["campaign"]: r for r in _table(page, "by_campaign")["rows"]}
    assert by_campaign["Spring"]["planned"] == 1 and by_campaign["Spring"]["unplanned"] == 1
    # as of 26 March, the April post that was neither planned nor live is not listed yet
    early = cal.api("viewer").get(f"/api/w/w/calendar?as_of={AS_OF}").json()
    assert "u1" not in {r["post"] for r in _table(early, "posts")["rows"]}


def test_page_renders_for_a_viewer_with_grid_and_local_times(cal: Web) -> None:
    r = cal.client("viewer").get(f"/w/w/calendar?as_of={AS_OF}&{MARCH}")
    assert r.status_code == 200
    html = r.text
    assert '/static/campaigns.css' in html
    def cell(day: str) -> str:
        return html.split(f'data-day="{day}"', 1)[1].split('class="cal-day', 1)[0]

    # deliverables sit on their planned day, coloured by status
    assert 's-late' in cell("2024-03-22")                           # g2
    assert 's-early' in cell("2024-03-25") and 's-missing' in cell("2024-03-25")   # g3, j2
    assert "<li" not in cell("2024-03-24")
    assert 'data-day="2024-03-26"' in html and "cal-day today" in html
    local = Formatter("en", "EUR", "Europe/Rome").datetime(
        world.ts("2024-03-23T23:30:00Z").to_pydatetime())
    assert local in html and "12:30" in local
    assert "https://example.com/g1" in html
    it = cal.client("viewer")
    it.cookies.set("cr_lang", "fa")
    fa = it.get(f"/w/w/calendar?as_of={AS_OF}&{MARCH}")
    assert fa.status_code == 200 and 'dir="rtl"' in fa.text


def test_every_table_exports_as_the_api_serves_it(cal: Web) -> None:
    page = cal.api("viewer").get(f"/api/w/w/calendar?as_of={AS_OF}&{MARCH}").json()
    viewer = cal.client("viewer")
    for key in ("posts", "by_campaign", "by_influencer"):
        r = viewer.get(f"/w/w/calendar?as_of={AS_OF}&{MARCH}&format=csv&table={key}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        exported = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
        rows = _table(page, key)["rows"]
        assert [list(e) for e in exported[:1]] == [list(r) for r in rows[:1]]
        assert len(exported) == len(rows)
        for got, want in zip(exported, rows, strict=True):
            for k, v in want.items():
                text = "" if v is None else str(v)
                assert got[k].lstrip("'") == text, (key, k)


def test_wide_periods_skip_the_grid_and_bad_days_are_refused(cal: Web) -> None:
    viewer = cal.client("viewer")
    r = viewer.get("/w/w/calendar?start=2024-01-01&end=2024-12-31")
    assert r.status_code == 200 and 'class="cal-grid"' not in r.text
    assert viewer.get("/w/w/calendar?as_of=tomorrow").status_code == 422
    assert viewer.get("/w/w/calendar?start=2024-04-01&end=2024-03-01").status_code == 422
    assert cal.api("viewer").get("/api/w/w/calendar?as_of=2024-02-30").status_code == 422


def test_empty_calendar_and_access(web: Web) -> None:
    # the untouched world: two posts without planned days, both "not planned"
    page = web.api("viewer").get(f"/api/w/w/calendar?as_of={AS_OF}").json()
    assert {r["post"]: r["status"] for r in _table(page, "posts")["rows"]} == \
        {"g1": "Not planned", "j1": "Not planned"}
    assert _figures(page)["on_schedule"] is None
    empty = web.api("viewer").get("/api/w/w/calendar?start=2025-01-01&end=2025-01-31").json()
    assert _table(empty, "posts")["rows"] == []
    assert web.client("outsider").get("/w/w/calendar").status_code == 404
    assert web.api("outsider").get("/api/w/w/calendar").status_code == 404
    assert web.client(None, remote=True).get("/api/w/w/calendar").status_code == 401
