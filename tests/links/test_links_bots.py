"""Bot flags: named previewers, prefetch headers, crawlers; in-app browsers are people."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from links_uas import HUMANS, OTHER_BOTS, PREVIEWERS

from creatorroi.links.bots import MAX_USER_AGENT, bot_reason, user_agent_reason


@pytest.mark.parametrize("name", sorted(PREVIEWERS))
def test_named_previewers_are_flagged_with_their_name(name: str) -> None:
    assert bot_reason(PREVIEWERS[name], {}) == f"previewer:{name}"


@pytest.mark.parametrize("ua", OTHER_BOTS)
def test_tools_and_imessage_are_flagged(ua: str) -> None:
    assert bot_reason(ua, {}) is not None


@pytest.mark.parametrize("name", sorted(HUMANS))
def test_in_app_browsers_and_browsers_are_people(name: str) -> None:
    assert bot_reason(HUMANS[name], {}) is None


@pytest.mark.parametrize("headers, reason", [
    ({"sec-purpose": "prefetch"}, "prefetch:sec-purpose"),
    ({"sec-purpose": "prefetch;prerender"}, "prefetch:sec-purpose"),
    ({"purpose": "prefetch"}, "prefetch:purpose"),
    ({"x-purpose": "preview"}, "prefetch:x-purpose"),
    ({"x-moz": "prefetch"}, "prefetch:x-moz"),
    ({"x-purpose": "preview", "x-fb-http-engine": "Liger"}, "prefetch:x-purpose"),
    ({"x-fb-http-engine": "Liger"}, None),  # not on its own: see the module docstring
    ({"x-purpose": "something-else"}, None),
])
def test_prefetch_headers_flag_even_a_real_in_app_browser(headers: dict[str, str],
                                                          reason: str | None) -> None:
    assert bot_reason(HUMANS["instagram-android"], headers) == reason


def test_an_empty_user_agent_is_a_bot() -> None:
    assert bot_reason(None, {}) == "empty-user-agent"
    assert bot_reason("", {}) == "empty-user-agent"
    assert bot_reason("   ", {}) == "empty-user-agent"


def test_results_are_cached_per_user_agent() -> None:
    user_agent_reason.cache_clear()
    for _ in range(3):
        bot_reason(HUMANS["tiktok-ios"], {})
    info = user_agent_reason.cache_info()
    assert info.hits == 2 and info.misses == 1


def test_an_overlong_user_agent_is_cut_before_matching() -> None:
    assert bot_reason(HUMANS["chrome-desktop"] + " x" * 5000, {}) is None
    assert bot_reason("Twitterbot/1.0" + " " * MAX_USER_AGENT, {}) == "previewer:Twitterbot"


@given(st.one_of(st.none(), st.text(max_size=600)),
       st.dictionaries(st.sampled_from(["sec-purpose", "purpose", "x-purpose", "x-moz",
                                        "x-fb-http-engine", "other"]), st.text(max_size=50)))
def test_bot_reason_never_raises(ua: str | None, headers: dict[str, str]) -> None:
    reason = bot_reason(ua, headers)
    assert reason is None or isinstance(reason, str)
