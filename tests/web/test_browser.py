"""The web app in a real browser (Debian's chromium via Playwright) against a real server.

The story a marketer lives: log in, create a campaign, upload a Shopify export with a bad row,
read the error (row and column), upload the fixed file, import it, see the influencer's ROI
change to what the core computes, switch to Persian and find the layout right-to-left.
Screenshots of every page, in English and Persian, go to tests/artifacts/web/ for review.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from creatorroi.accounts import Accounts
from creatorroi.report.render.fmt import Formatter
from creatorroi.workspace import open_store

import world
from conftest import PASSWORD, USERS, Web, WebWorld
from live import browser, serve, shot

DATA = Path(__file__).resolve().parents[1] / "data"
PAGES = ["", "/campaigns", "/campaigns/easter", "/influencers", "/influencers/giulia",
         "/calendar", "/tracking", "/imports", "/settings"]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Web]]:
    url = str(tmp_path / "browser.duckdb")
    app = open_store(url)
    world.build(app, "w")
    acc = Accounts(app.store)
    acc.grant(acc.add_user(USERS["owner"], PASSWORD, "Olga").id, "w", "owner")
    app.close()
    web = Web(WebWorld(url))
    with serve(web.app) as base:
        yield base, web
    web.close()


def _bad_export(tmp_path: Path) -> tuple[Path, Path, int]:
    """The real-shaped Shopify export, and a copy whose first order's Subtotal is not a number."""
    good = DATA / "shopify_orders_export.csv"
    rows = list(csv.reader(io.StringIO(good.read_text(encoding="utf-8"), newline="")))
    total = rows[0].index("Subtotal")
    rows[1][total] = "52,1O"      # a letter O typed for a zero
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    bad = tmp_path / "orders_export.csv"
    bad.write_text(out.getvalue(), encoding="utf-8")
    fixed = tmp_path / "orders_export_fixed.csv"
    fixed.write_bytes(good.read_bytes())
    return bad, fixed, 2


def _roi_text(page: Any) -> str:
    return str(page.locator('.figure[data-key="roi"] .value').first.inner_text()).strip()


def _core_roi(web: Web, influencer: str) -> float:
    srv = web.server
    with srv.lock:
        frame = srv.app.workspace("w").kpis("influencer")
    labels = {"giulia": "@giulia.skin"}
    return float(frame.set_index("influencer").loc[labels[influencer], "roi"])


def test_a_marketer_story_in_the_browser(site: tuple[str, Web], tmp_path: Path) -> None:
    base, web = site
    with browser() as b:
        page = b.new_page(viewport={"width": 1360, "height": 900}, locale="en-US")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # 1. log in
        page.goto(f"{base}/w/w")
        assert "/login" in page.url
        page.fill('input[name="email"]', USERS["owner"])
        page.fill('input[name="password"]', PASSWORD)
        page.click('button.primary')
        page.wait_for_url(f"{base}/w/w")
        shot(page, "01-overview-en")

        # 2. create a campaign
        page.goto(f"{base}/w/w/campaigns")
        page.fill('input[name="id"]', "summer24")
        page.fill('input[name="name"]', "Summer <b>2024</b>")
        page.select_option('select[name="goal_family"]', index=1)
        page.select_option('select[name="funnel_stage"]', index=1)
        page.fill('input[name="starts_on"]', "2024-06-01")
        page.fill('input[name="ends_on"]', "2024-08-31")
        page.click('#new-campaign button.primary')
        page.wait_for_load_state()
        assert page.url.split("#")[0] == f"{base}/w/w/campaigns/summer24", page.locator(
            ".error, .field-error, [role=alert]").all_inner_texts()
        assert "Summer <b>2024</b>" in page.locator("h1").inner_text()   # escaped, not bold
        assert page.locator("h1 b").count() == 0
        shot(page, "02-campaign-created")

        # 3. the influencer's ROI before
        page.goto(f"{base}/w/w/influencers/giulia")
        before = _roi_text(page)
        fmt = Formatter("en", "EUR", "Europe/Rome")
        assert before == fmt.percent(_core_roi(web, "giulia"))

        # 4. upload an export with a bad row: the error names row and column, nothing written
        bad, fixed, bad_row = _bad_export(tmp_path)
        page.goto(f"{base}/w/w/imports")
        page.select_option('select[name="kind"]', "shopify-orders")
        page.set_input_files('input[name="file"]', str(bad))
        page.click('.upload-form button.primary')
        page.wait_for_load_state()
        error_table = page.locator("table").filter(has_text="Subtotal")
        assert error_table.count() >= 1
        text = error_table.first.inner_text()
        assert re.search(rf"(^|\s){bad_row}(\s|$)", text), text
        shot(page, "03-import-bad-row")
        assert _core_roi(web, "giulia") == pytest.approx(
            float(before.rstrip("%").replace(",", "")), abs=0.05)

        # 5. upload the fixed file, preview, import
        page.select_option('select[name="kind"]', "shopify-orders")
        page.set_input_files('input[name="file"]', str(fixed))
        page.click('.upload-form button.primary')
        page.wait_for_load_state()
        shot(page, "04-import-preview")
        page.click('form[action$="/commit"] button')
        page.wait_for_url(re.compile(r".*/imports\?done=.*"))
        shot(page, "05-import-done")

        # 6. the ROI changed, to what the core computes
        page.goto(f"{base}/w/w/influencers/giulia")
        after = _roi_text(page)
        assert after != before
        assert after == fmt.percent(_core_roi(web, "giulia"))
        shot(page, "06-influencer-after-import")

        # 7. Persian: right-to-left, Persian digits, and every page renders
        with page.expect_navigation():
            page.select_option("#lang-pick", "fa")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("document.documentElement.lang") == "fa"
        links = page.locator("nav.main a")
        first, last = links.first.bounding_box(), links.last.bounding_box()
        assert first and last and first["x"] > last["x"], "nav does not run right to left"
        assert re.search("[۰-۹]", _roi_text(page))
        for lang in ("fa", "en"):
            if lang == "en":
                with page.expect_navigation():
                    page.select_option("#lang-pick", "en")
            for i, path in enumerate(PAGES):
                response = page.goto(f"{base}/w/w{path}")
                assert response is not None and response.status == 200, path
                shot(page, f"page-{i:02d}{path.replace('/', '-') or '-overview'}-{lang}")
        assert not errors, errors
