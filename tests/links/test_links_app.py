"""The redirect app through its ASGI interface: every answer, and what gets stored."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from links_driver import acall, call
from links_support import SALT, make_config
from links_uas import HUMANS, PREVIEWERS

from creatorroi.ingest.values import CLICK_PARAM, visitor_key
from creatorroi.links.app import MAX_TARGET, RedirectApp, create_app
from creatorroi.links.clicklog import ClickLog, ClickLogError, scan_clicks
from creatorroi.links.ratelimit import RateLimiter

IG = HUMANS["instagram-ios"]


def params(location: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(location).query, keep_blank_values=True)


def test_known_slug_redirects_with_utms_and_a_click_id(app: RedirectApp, log_dir: Path) -> None:
    r = call(app, "/giulia", headers=[("User-Agent", IG), ("Referer", "https://l.instagram.com/")])
    assert r.status == 302
    assert r.body == b""
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"]
    loc = r.headers["location"]
    assert loc.startswith("https://www.shop.example/products/serum?")
    p = dict(params(loc))
    assert p["utm_source"] == "instagram" and p["utm_content"] == "giulia"
    click_id = p[CLICK_PARAM]
    assert len(click_id) >= 16 and click_id.isalnum()

    records, skipped = scan_clicks(log_dir)
    assert skipped == 0
    [rec] = records
    assert rec.id == click_id
    assert rec.slug == "giulia"
    assert rec.visitor_hash == hashlib.sha256((SALT + "203.0.113.9").encode()).hexdigest()
    assert rec.visitor_hash == visitor_key("203.0.113.9", SALT)
    assert rec.user_agent == IG
    assert rec.referrer == "https://l.instagram.com/"
    assert not rec.is_bot and rec.bot_reason is None
    assert (rec.workspace_id, rec.asset_id) == ("ws-acme", "asset-giulia")
    assert rec.clicked_at.tzinfo is not None and rec.clicked_at.utcoffset().total_seconds() == 0


def test_incoming_params_pass_but_never_override_the_links_own(app: RedirectApp) -> None:
    r = call(app, "/giulia?utm_source=evil&UTM_Medium=x&utm_term=t&cr_click=forged&gclid=abc"
                  "&fbclid=IwAR1&utm_campaign=&q=a+b&raw=%E2%9C%93&flag&=v&&")
    p = params(r.headers["location"])
    assert [v for k, v in p if k == "utm_source"] == ["instagram"]
    assert [v for k, v in p if k == "utm_medium"] == ["influencer"]
    assert [v for k, v in p if k == "utm_campaign"] == ["spring"]
    assert not [k for k, _ in p if k.lower() in ("utm_term", "utm_medium") and _ != "influencer"]
    assert [v for k, v in p if k == CLICK_PARAM] != ["forged"]
    assert len([k for k, _ in p if k == CLICK_PARAM]) == 1
    assert ("gclid", "abc") in p and ("fbclid", "IwAR1") in p
    assert ("q", "a b") in p and ("raw", "✓") in p and ("flag", "") in p


def test_click_id_and_params_come_before_the_fragment(app: RedirectApp) -> None:
    r = call(app, "/Marco-22/?ref=story")
    loc = r.headers["location"]
    assert loc.startswith("https://shop.example/?utm_source=tiktok&cr_click=")
    assert loc.endswith("&ref=story#reviews")


def test_head_answers_like_get_and_is_stored_as_a_bot(app: RedirectApp, log_dir: Path) -> None:
    r = call(app, "/giulia", method="HEAD", headers=[("User-Agent", IG)])
    assert r.status == 302 and r.body == b"" and "location" in r.headers
    [rec] = scan_clicks(log_dir)[0]
    assert rec.is_bot and rec.bot_reason == "head-request"
    assert dict(params(r.headers["location"]))[CLICK_PARAM] == rec.id


@pytest.mark.parametrize("name", sorted(PREVIEWERS))
def test_previewers_are_redirected_but_flagged(app: RedirectApp, log_dir: Path,
                                               name: str) -> None:
    r = call(app, "/giulia", headers=[("User-Agent", PREVIEWERS[name])])
    assert r.status == 302
    [rec] = scan_clicks(log_dir)[0]
    assert rec.is_bot and rec.bot_reason == f"previewer:{name}"


def test_instagram_prefetch_is_flagged_and_the_tap_is_not(app: RedirectApp,
                                                          log_dir: Path) -> None:
    call(app, "/giulia", headers=[("User-Agent", IG), ("X-Purpose", "preview"),
                                  ("X-FB-HTTP-Engine", "Liger")])
    call(app, "/giulia", headers=[("User-Agent", IG)])
    call(app, "/giulia", headers=[("User-Agent", IG), ("Sec-Purpose", "prefetch;prerender")])
    reasons = [r.bot_reason for r in scan_clicks(log_dir)[0]]
    assert reasons == ["prefetch:x-purpose", None, "prefetch:sec-purpose"]


def test_unknown_slug_gets_the_404_page_and_no_record(app: RedirectApp, log_dir: Path) -> None:
    r = call(app, "/nobody")
    assert r.status == 404
    assert r.headers["content-type"].startswith("text/html")
    assert b"Link not found" in r.body and b"nobody" not in r.body
    head = call(app, "/nobody", method="HEAD")
    assert head.status == 404 and head.body == b""
    assert scan_clicks(log_dir)[0] == []


@pytest.mark.parametrize("target", [
    "/../etc", "/%2e%2e/etc", "/%00", "/a%0d%0aSet-Cookie:x", "/a%0aLocation:%20https://evil",
    "/giulia/x", "//evil.example", "/a b", "/%C3%A9", "/.env", "/giulia%20",
])
def test_malformed_slugs_get_400(app: RedirectApp, log_dir: Path, target: str) -> None:
    r = call(app, target)
    assert r.status == 400
    assert "location" not in r.headers and "set-cookie" not in r.headers
    assert scan_clicks(log_dir)[0] == []


def test_overlong_targets_get_414(app: RedirectApp, log_dir: Path) -> None:
    assert call(app, "/" + "a" * 10_000).status == 414
    assert call(app, "/giulia?x=" + "y" * MAX_TARGET).status == 414
    assert call(app, "/" + "a" * 129).status == 400  # long, not overlong: malformed
    assert scan_clicks(log_dir)[0] == []


def test_header_injection_through_the_query_stays_encoded(app: RedirectApp) -> None:
    r = call(app, "/giulia?x=%0d%0aSet-Cookie:%20a=b&y=\r\nz")
    for name, value in r.raw_headers:
        assert b"\r" not in value and b"\n" not in value, name
    assert "set-cookie" not in r.headers
    assert "x=%0d%0aSet-Cookie:%20a=b" in r.headers["location"]
    assert "y=%0D%0Az" in r.headers["location"]


def test_service_paths(app: RedirectApp, log_dir: Path) -> None:
    assert call(app, "/healthz").body == b"ok\n"
    robots = call(app, "/robots.txt")
    assert robots.status == 200 and b"Disallow: /" in robots.body
    assert call(app, "/favicon.ico").status == 404
    assert call(app, "/").status == 404
    r = call(app, "/giulia", method="POST")
    assert r.status == 405 and r.headers["allow"] == "GET, HEAD"
    assert scan_clicks(log_dir)[0] == []


def test_x_forwarded_for_is_honoured_only_from_trusted_proxies(app: RedirectApp,
                                                               log_dir: Path) -> None:
    xff = [("X-Forwarded-For", "198.51.100.7, 10.1.2.3")]
    call(app, "/giulia", headers=xff, client=("10.0.0.5", 1))  # via our proxy
    call(app, "/giulia", headers=xff, client=("192.0.2.50", 1))  # spoofed, direct
    call(app, "/giulia", headers=[("X-Forwarded-For", "garbage, 10.1.2.3")],
         client=("10.0.0.5", 1))  # malformed: the peer stands
    call(app, "/giulia", headers=[("X-Forwarded-For", "198.51.100.7"),
                                  ("X-Forwarded-For", "2001:db8::1")],
         client=("2001:db8::1", 1))  # two headers, IPv6 proxy
    call(app, "/giulia", client=None)  # no peer at all (unix socket)
    hashes = [r.visitor_hash for r in scan_clicks(log_dir)[0]]
    assert hashes == [visitor_key("198.51.100.7", SALT), visitor_key("192.0.2.50", SALT),
                      visitor_key("10.0.0.5", SALT), visitor_key("198.51.100.7", SALT), None]


def test_rate_limit_answers_429_after_the_burst_then_recovers(log_dir: Path) -> None:
    now = [1000.0]
    app = create_app(make_config(log_dir, rate_limit_per_minute=60, rate_burst=3))
    app.limiter = RateLimiter(60, 3, clock=lambda: now[0])
    try:
        assert [call(app).status for _ in range(3)] == [302, 302, 302]
        refused = call(app)
        assert refused.status == 429 and refused.headers["retry-after"] == "1"
        assert call(app, client=("198.51.100.1", 2)).status == 302  # someone else is fine
        now[0] += 1.0
        assert call(app).status == 302
        assert call(app).status == 429
        assert len(scan_clicks(log_dir)[0]) == 5  # refused requests are not clicks
        # no address at all (a unix socket without a trusted proxy): not limited, since
        # every client would share one bucket
        assert {call(app, client=None).status for _ in range(5)} == {302}
    finally:
        app.clicklog.close()


class FailingLog(ClickLog):
    def write_batch(self, lines: list[bytes]) -> None:
        raise ClickLogError("disk on fire")


def test_a_click_that_cannot_be_stored_is_not_redirected(config: object, log_dir: Path) -> None:
    app = create_app(config)  # type: ignore[arg-type]
    app.clicklog = FailingLog(log_dir)
    r = call(app)
    assert r.status == 503 and r.headers["retry-after"] == "1" and "location" not in r.headers
    app.clicklog.close()


def test_backlog_over_max_pending_answers_503(config: object, log_dir: Path) -> None:
    app = create_app(config)  # type: ignore[arg-type]
    app.clicklog = ClickLog(log_dir, max_pending=5)

    async def burst() -> list[int]:
        rs = await asyncio.gather(*[acall(app, "/giulia") for _ in range(50)])
        return [r.status for r in rs]

    statuses = asyncio.run(burst())
    assert set(statuses) <= {302, 503} and 503 in statuses and 302 in statuses
    records = scan_clicks(log_dir)[0]
    assert len(records) == statuses.count(302)
    app.clicklog.close()


def test_viral_burst_every_click_stored_in_few_fsyncs(app: RedirectApp, log_dir: Path) -> None:
    async def burst() -> list[str]:
        rs = await asyncio.gather(*[
            acall(app, "/giulia", client=(f"198.51.{i // 250}.{i % 250}", 1),
                  headers=[("User-Agent", IG)]) for i in range(2000)])
        assert {r.status for r in rs} == {302}
        return [dict(params(r.headers["location"]))[CLICK_PARAM] for r in rs]

    ids = asyncio.run(burst())
    assert len(set(ids)) == 2000
    records, skipped = scan_clicks(log_dir)
    assert skipped == 0 and {r.id for r in records} == set(ids)
    assert app.clicklog.batches < 200  # group commit: many clicks per fsync


def test_lifespan_opens_the_log_and_seals_it(app: RedirectApp, log_dir: Path) -> None:
    from creatorroi.links.clicklog import sealed_segments

    async def run() -> list[str]:
        inbox = asyncio.Queue[dict[str, str]]()
        sent: list[str] = []
        for kind in ("lifespan.startup", "lifespan.shutdown"):
            inbox.put_nowait({"type": kind})

        async def send(m: dict[str, str]) -> None:
            sent.append(m["type"])
            if m["type"] == "lifespan.startup.complete":
                assert list(log_dir.glob("clicks-*.log")) and not sealed_segments(log_dir)
                await acall(app, "/giulia")

        await app({"type": "lifespan"}, inbox.get, send)
        return sent

    assert asyncio.run(run()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert len(sealed_segments(log_dir)) == 1
    assert len(scan_clicks(log_dir)[0]) == 1


def test_lifespan_fails_when_the_log_dir_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    app = create_app(make_config(blocker / "clicks"))

    async def run() -> list[dict[str, str]]:
        sent: list[dict[str, str]] = []

        async def receive() -> dict[str, str]:
            return {"type": "lifespan.startup"}

        async def send(m: dict[str, str]) -> None:
            sent.append(m)

        await app({"type": "lifespan"}, receive, send)
        return sent

    [msg] = asyncio.run(run())
    assert msg["type"] == "lifespan.startup.failed" and "click log" in msg["message"]


def test_hostile_header_values_cannot_break_or_forge_log_records(app: RedirectApp,
                                                                 log_dir: Path) -> None:
    forged = '"}\n00000000 {"id":"forged","slug":"giulia"}\r\n'
    r = call(app, "/giulia", headers=[("User-Agent", "Mozilla/5.0 " + forged),
                                      ("Referer", "https://x.example/\xe9\x00" + forged)])
    assert r.status == 302
    records, skipped = scan_clicks(log_dir)
    assert skipped == 0
    [rec] = records
    assert rec.user_agent == "Mozilla/5.0 " + forged
    assert rec.referrer is not None and rec.referrer.endswith(forged)
    assert rec.id != "forged"
