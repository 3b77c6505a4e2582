"""The content checks on hand-built posts: every status, market and near miss, worked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorroi.model.disclosures import DEFAULT_DISCLOSURES
from creatorroi.quality.caption import hashtags, leading_label, links, mentions
from creatorroi.quality.content import (
    Assets,
    Brief,
    Context,
    Post,
    check_banned,
    check_code,
    check_hashtags,
    check_link,
    check_mentions,
    check_post,
    check_posted,
    compliance_rate,
    complies,
    local_day,
)
from creatorroi.quality.disclosure import (
    VISIBLE_CHARS,
    accepted_tags,
    check_disclosure,
    market_of,
)
from creatorroi.quality.nearmiss import near_miss
from creatorroi.quality.schedule import judge
from creatorroi.quality.verdict import Message

LISTS = {k: list(v) for k, v in DEFAULT_DISCLOSURES.items()}
ZW = "\u200b"


def fixes(verdict: object) -> list[str]:
    return [m.render() for m in verdict.suggestions]  # type: ignore[attr-defined]


def disclosure(caption: str, market: str, tags: tuple[str, ...] = (),
               brief: tuple[str, ...] = ()) -> object:
    accepted = accepted_tags(market, brief, LISTS)
    return check_disclosure(caption, tags, market, accepted, LISTS)


# ---- 1. posted ---------------------------------------------------------------------------

PLAN = date(2024, 3, 20)


@pytest.mark.parametrize(("published", "today", "grace", "status", "values"), [
    (date(2024, 3, 20), date(2024, 3, 25), 0, "ok", {"day": "2024-03-20"}),
    (date(2024, 3, 18), date(2024, 3, 25), 0, "warn",
     {"day": "2024-03-18", "days": 2, "planned": "2024-03-20"}),
    (date(2024, 3, 23), date(2024, 3, 25), 0, "fail",
     {"day": "2024-03-23", "days": 3, "planned": "2024-03-20"}),
    (date(2024, 3, 23), date(2024, 3, 25), 3, "ok",
     {"day": "2024-03-23", "days": 3, "planned": "2024-03-20", "grace": 3}),
    (date(2024, 3, 23), date(2024, 3, 25), 2, "fail",
     {"day": "2024-03-23", "days": 3, "planned": "2024-03-20"}),
    (None, date(2024, 3, 21), 0, "fail", {"planned": "2024-03-20", "days": 1}),
    (None, date(2024, 3, 21), 1, "pending", {"planned": "2024-03-20", "until": "2024-03-21"}),
    (None, date(2024, 3, 22), 1, "fail", {"planned": "2024-03-20", "days": 2}),
    (None, date(2024, 3, 20), 0, "pending", {"planned": "2024-03-20"}),   # due today
    (None, date(2024, 3, 10), 0, "pending", {"planned": "2024-03-20"}),
    # published after the day judged: not yet live then
    (date(2024, 3, 26), date(2024, 3, 22), 0, "fail", {"planned": "2024-03-20", "days": 2}),
])
def test_posted_statuses(published: date | None, today: date, grace: int, status: str,
                         values: dict[str, object]) -> None:
    v = check_posted(PLAN, published, today, grace)
    assert v.status == status
    assert dict(v.message.values) == values


def test_posted_without_a_planned_day() -> None:
    assert check_posted(None, date(2024, 3, 5), date(2024, 3, 6)).status == "ok"
    assert check_posted(None, None, date(2024, 3, 6)).status == "pending"
    assert check_posted(None, date(2024, 3, 7), date(2024, 3, 6)).status == "pending"


@pytest.mark.parametrize(("instant", "zone", "day"), [
    (datetime(2024, 3, 20, 22, 59, tzinfo=UTC), "Europe/Rome", date(2024, 3, 20)),  # 23:59
    (datetime(2024, 3, 20, 23, 0, tzinfo=UTC), "Europe/Rome", date(2024, 3, 21)),   # 00:00
    (datetime(2024, 3, 20, 23, 0), "UTC", date(2024, 3, 20)),                      # naive=UTC
    (datetime(2024, 3, 19, 15, 0, tzinfo=UTC), "Asia/Seoul", date(2024, 3, 20)),     # 00:00 KST
    (datetime(2024, 3, 21, 3, 59, tzinfo=UTC), "America/New_York", date(2024, 3, 20)),
])
def test_local_day_cuts_at_local_midnight(instant: datetime, zone: str, day: date) -> None:
    assert local_day(instant, zone) == day


def test_time_zone_decides_late_at_the_day_boundary() -> None:
    # 23:30 UTC on the 20th is 00:30 on the 21st in Rome: a day late there, on time in London
    p = Post("p", "c", "i", planned_on=PLAN, published_at=datetime(2024, 3, 20, 23, 30,
                                                                     tzinfo=UTC), caption="#ad")
    today = date(2024, 3, 25)
    rome = check_post(p, Brief(), Assets(), Context(today, "Europe/Rome", LISTS))
    london = check_post(p, Brief(), Assets(), Context(today, "Europe/London", LISTS))
    assert rome[0].status == "fail" and rome[0].message.values["days"] == 1
    assert london[0].status == "ok"
    graced = check_post(p, Brief(grace_days=1), Assets(), Context(today, "Europe/Rome", LISTS))
    assert graced[0].status == "ok"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.integers(-5, 5)), st.one_of(st.none(), st.integers(-5, 10)),
       st.integers(-5, 10))
def test_posted_agrees_with_the_calendar_without_grace(plan: int | None, pub: int | None,
                                                       now: int) -> None:
    base = date(2024, 3, 1)
    planned = base + timedelta(days=plan) if plan is not None else None
    published = base + timedelta(days=pub) if pub is not None else None
    today = base + timedelta(days=now)
    expected = {"on_time": "ok", "unplanned": "ok", "early": "warn", "late": "fail",
                "missing": "fail", "upcoming": "pending", "unscheduled": "pending"}
    assert check_posted(planned, published, today).status == \
        expected[judge(planned, published, today).status]


# ---- 2. hashtags -------------------------------------------------------------------------

def test_hashtags_present_case_and_invisible_blind() -> None:
    v = check_hashtags(f"Love it #glow{ZW}withlumina #ADV", (), ["GlowWithLumina"])
    assert v.status == "ok"
    # the export's hashtag list counts too
    assert check_hashtags("no tags here", ("glowwithlumina",), ["GlowWithLumina"]).status == "ok"


def test_hashtag_near_miss_and_absent() -> None:
    v = check_hashtags("Spring! #GlowWithLumnia #sponsorred", (),
                       ["GlowWithLumina", "sponsored", "EasterGlow"])
    assert v.status == "fail"
    assert v.message.values == {"tags": "#GlowWithLumina, #sponsored, #EasterGlow"}
    assert fixes(v) == ["replace #GlowWithLumnia with #GlowWithLumina",
                        "replace #sponsorred with #sponsored", "add #EasterGlow"]


def test_hashtag_near_miss_never_takes_another_required_tag() -> None:
    # #glowup is required itself: it is not a misspelt #glowups
    v = check_hashtags("#glowup", (), ["glowup", "glowups"])
    assert fixes(v) == ["add #glowups"]


def test_non_latin_required_hashtag() -> None:
    assert check_hashtags("봄 신상 #루미나세럼", (), ["루미나세럼"]).status == "ok"
    assert check_hashtags("好用#露米娜", (), ["露米娜"]).status == "ok"


@pytest.mark.parametrize(("caption", "tags"), [
    ("#a #b", ["a", "b"]),
    ("#glow#ad", ["glow", "ad"]),                # chained tags
    ("好用#業配", ["業配"]),                      # no space before a CJK tag
    ("C# and shop.example/#serum", []),           # neither is a hashtag
    ("mail me: a#b", []),
    ("#pubblicità!", ["pubblicità"]),
    ("#ｇｌｏｗ", ["glow"]),                        # full-width folds
])
def test_hashtag_scanner(caption: str, tags: list[str]) -> None:
    assert [t.text for t in hashtags(caption)] == tags


# ---- 3. mentions -------------------------------------------------------------------------

def test_mentions_case_blind_dots_exact() -> None:
    assert check_mentions("grazie @Lumina.Skincare.", ["lumina.skincare"]).status == "ok"
    v = check_mentions("grazie @lumina_skincare", ["lumina.skincare"])
    assert v.status == "fail"
    assert fixes(v) == ["replace @lumina_skincare with @lumina.skincare"]
    v = check_mentions("write to info@lumina.skincare", ["lumina.skincare"])
    assert fixes(v) == ["add @lumina.skincare"]   # an e-mail address is no mention


def test_mention_scanner() -> None:
    assert [m.text for m in mentions("@a.b, @c_d. @지수 x@y")] == ["a.b", "c_d", "지수"]


# ---- 4. disclosure -----------------------------------------------------------------------

@pytest.mark.parametrize(("market", "caption"), [
    ("KR", "#광고 봄 신상 세럼"),
    ("KR", "봄 신상 세럼 #협찬"),
    ("KR", f"#광{ZW}고 봄 신상"),                 # zero-width space inside the tag
    ("KR", "[광고] 봄 신상 세럼"),
    ("KR", "(유료광고) 봄 신상"),
    ("TW", "超好用 #業配"),
    ("TW", "超好用#廣告"),
    ("TW", "【廣告】超好用"),
    ("HK", "#廣告 好用"),
    ("IR", "سرم عالی #تبلیغ"),
    ("IR", "سرم عالی #تبليغ"),                    # Arabic yeh for the Persian one
    ("IR", "سرم عالی #تبـلیغ"),                   # tatweel
    ("IR", "#\u200cتبلیغات سرم"),                 # zero-width non-joiner
    ("IR", "#آگهی"),
    ("IT", "#ADV siero"),
    ("IT", "(adv) siero"),
    ("IT", "#Pubblicità siero"),
    ("GB", "AD | my spring serum"),
    ("GB", "Ad: my spring serum"),
    ("DE", "#Werbung Serum"),
    ("FR", "#sponsorisé"),
    ("ES", "#publicidad"),
    ("US", "#PaidPartnership"),
    ("*", "#sponsored"),
])
def test_each_markets_disclosure_is_accepted(market: str, caption: str) -> None:
    v = disclosure(caption, market)
    assert v.status == "ok", v  # type: ignore[attr-defined]


def test_disclosure_hidden_behind_more_warns() -> None:
    body = "x" * (VISIBLE_CHARS - 4)
    assert disclosure(f"{body} #ad", "GB").status == "ok"        # ends at 125: visible
    v = disclosure(f"{body}y #ad", "GB")                         # ends at 126: cut
    assert v.status == "warn"
    assert fixes(v) == ["move #ad to the start of the caption"]
    # invisible characters do not count towards the 125
    assert disclosure(f"{ZW * 10}{body} #ad", "GB").status == "ok"


@pytest.mark.parametrize(("market", "caption", "wrong", "right"), [
    ("US", "Love it #sponsorred", "#sponsorred", "#sponsored"),
    ("IT", "Siero #avd", "#avd", "#adv"),
    ("*", "#SPONSROED", "#SPONSROED", "#sponsored"),
    ("IT", "[avd] siero", "avd", "#adv"),
])
def test_disclosure_near_miss(market: str, caption: str, wrong: str, right: str) -> None:
    v = disclosure(caption, market)
    assert v.status == "fail"
    assert fixes(v) == [f"replace {wrong} with {right}"]


def test_another_markets_tag_names_this_markets_tags() -> None:
    v = disclosure("#ad 봄 신상", "KR")
    assert v.status == "fail"
    assert v.message.values == {"tag": "#ad", "market": "KR", "accepted": "#광고, #협찬, #유료광고"}
    assert fixes(v) == ["replace #ad with #광고"]
    v = disclosure("#werbung", "IT")
    assert v.message.values["tag"] == "#werbung"


def test_no_disclosure_at_all() -> None:
    v = disclosure("just a serum #glow", "DE")
    assert v.status == "fail"
    assert v.message.render() == "no disclosure for DE; accepted: #werbung, #anzeige, #ad"
    assert fixes(v) == ["add #werbung"]
    assert disclosure("", "*").message.render().startswith("no disclosure; accepted: #ad")


def test_disclosure_in_export_hashtags_only() -> None:
    assert disclosure("serum", "IT", tags=("adv",)).status == "ok"


def test_brief_list_and_markets() -> None:
    assert market_of("it", "KR") == "IT"
    assert market_of(None, "kr") == "KR"
    assert market_of(" ", None) == "*"
    assert accepted_tags("BR", (), LISTS) == DEFAULT_DISCLOSURES["*"]   # no list of its own
    assert accepted_tags("IT", ("collab",), LISTS) == ("collab",)
    v = disclosure("#adv siero", "IT", brief=("collab",))
    assert v.status == "fail" and fixes(v) == ["replace #adv with #collab"]


def test_settings_replace_a_markets_list() -> None:
    lists = {**LISTS, "KR": ["광고"]}
    v = check_disclosure("#협찬", (), "KR", accepted_tags("KR", (), lists), lists)
    assert v.status == "fail"


def test_leading_labels() -> None:
    assert [t.text for t in leading_label("[Ad - gifted] hi")] == ["Ad", "gifted"]
    assert [t.text for t in leading_label("AD | hi")] == ["AD"]
    assert leading_label("my ad [ad]") == []


# ---- 5. banned words ---------------------------------------------------------------------

@pytest.mark.parametrize(("caption", "banned", "used"), [
    ("Un vero MIRACOLÒ", ["miracolo"], ["miracolo"]),
    ("un vero miracolo", ["Miracolò"], ["Miracolò"]),
    ("it's cheaper now", ["cheap"], []),                    # whole words in Latin script
    ("so #cheap", ["cheap"], ["cheap"]),
    ("miracle   cure!", ["miracle cure"], ["miracle cure"]),
    ("진짜가짜같아", ["가짜"], ["가짜"]),                       # substring in Korean
    ("超便宜的", ["便宜"], ["便宜"]),
    ("سرم ارزان", ["ارزان"], ["ارزان"]),
    ("nothing here", ["cheap", "miracle"], []),
])
def test_banned_words(caption: str, banned: list[str], used: list[str]) -> None:
    v = check_banned(caption, (), banned)
    assert v.status == ("fail" if used else "ok")
    if used:
        assert v.message.values == {"words": ", ".join(used)}


def test_banned_word_in_export_hashtags() -> None:
    assert check_banned("serum", ("miracle",), ["miracle"]).status == "fail"


# ---- 6. link -----------------------------------------------------------------------------

ASSETS = Assets(("EASTER24_GIULIA",), ("giulia-easter",), ("/pages/giulia",), "go.acme.example")


@pytest.mark.parametrize(("caption", "status"), [
    ("link: go.acme.example/Giulia-Easter!", "ok"),
    ("https://go.acme.example/giulia-easter/", "ok"),
    ("shop at https://shop.example/pages/Giulia?utm_source=ig", "ok"),
    ("shop.example/pages/giulia-old", "fail"),
    ("my slug giulia-easter without a link", "fail"),
    ("no link at all", "fail"),
])
def test_link(caption: str, status: str) -> None:
    v = check_link(caption, ASSETS)
    assert v.status == status
    if status == "fail":
        assert fixes(v) == ["add https://go.acme.example/giulia-easter"]


def test_link_in_bio_counts_its_own_url() -> None:
    assert check_link("link in bio", ASSETS, "reel", "https://go.acme.example/giulia-easter"
                      ).status == "fail"
    assert check_link("link in bio", ASSETS, "link_in_bio",
                      "https://go.acme.example/giulia-easter").status == "ok"


def test_link_without_assets_or_short_domain() -> None:
    assert check_link("go.acme.example/x", Assets()).message.msgid == \
        "no tracked link issued to this creator for the campaign"
    assert fixes(check_link("none", Assets(link_slugs=("gx",)))) == ["add …/gx"]
    assert fixes(check_link("none", Assets(landing_paths=("/pages/g",)))) == ["add /pages/g"]


def test_link_scanner() -> None:
    found = links("vai su go.acme.example/a, o https://shop.it/b?x=1. scrivi a@b.com")
    assert [(x.host, x.path) for x in found] == [("go.acme.example", "/a"), ("shop.it", "/b")]


# ---- 7. promo code -----------------------------------------------------------------------

@pytest.mark.parametrize(("caption", "code", "status", "fix"), [
    ("codice EASTER24_GIULIA!", "EASTER24_GIULIA", "ok", None),
    ("codice easter24_giulia", "EASTER24_GIULIA", "ok", None),
    ("codice Giulia 10 al checkout", "GIULIA10", "ok", None),
    ("codice EASTER24GIULIA", "EASTER24_GIULIA", "fail",
     "replace EASTER24GIULIA with EASTER24_GIULIA"),
    ("usa GIULIA100 ora", "GIULIA10", "fail", "replace GIULIA100 with GIULIA10"),
    ("da Giulia solo oggi", "GIULIA10", "fail", "add GIULIA10"),
])
def test_code(caption: str, code: str, status: str, fix: str | None) -> None:
    v = check_code(caption, [code])
    assert v.status == status
    assert fixes(v) == ([fix] if fix else [])


def test_code_not_issued() -> None:
    assert check_code("GIULIA10", []).message.msgid == \
        "no promo code issued to this creator for the campaign"


# ---- briefs, posts and the rate ----------------------------------------------------------

def test_creator_brief_over_campaign_brief() -> None:
    campaign = Brief.from_row({"hashtags": "GlowWithLumina|Spring", "mentions": "lumina",
                               "banned_words": None, "disclosures": float("nan"),
                               "market": "it", "require_link": False, "require_code": True,
                               "grace_days": 2})
    creator = Brief.from_row({"hashtags": "LuminaKorea", "mentions": "", "market": "KR",
                              "require_link": True, "require_code": False, "grace_days": 0})
    merged = creator.over(campaign)
    assert merged == Brief(("LuminaKorea",), ("lumina",), (), (), "KR", True, True, 2)
    assert Brief().over(None) == Brief()


def _post(**kw: object) -> Post:
    values: dict[str, object] = {
        "id": "p1", "campaign_id": "easter", "influencer_id": "giulia",
        "planned_on": date(2024, 3, 20),
        "published_at": datetime(2024, 3, 20, 10, tzinfo=UTC),
        "caption": "#adv Siero @lumina #Glow EASTER24_GIULIA go.acme.example/giulia-easter"}
    return Post(**(values | kw))  # type: ignore[arg-type]


def test_check_post_runs_the_checks_the_brief_asks_for() -> None:
    ctx = Context(date(2024, 3, 25), "Europe/Rome", LISTS, "IT")
    bare = check_post(_post(), Brief(), ASSETS, ctx)
    assert [f.check for f in bare] == ["posted", "disclosure"]
    brief = Brief(("glow",), ("lumina",), ("cheap",), (), None, True, True, 0)
    full = check_post(_post(), brief, ASSETS, ctx)
    assert [(f.check, f.status) for f in full] == [
        ("posted", "ok"), ("hashtags", "ok"), ("mentions", "ok"), ("disclosure", "ok"),
        ("banned_words", "ok"), ("link", "ok"), ("code", "ok")]
    assert all(f.published and f.post_id == "p1" and f.influencer_id == "giulia" for f in full)


def test_unpublished_post_waits() -> None:
    ctx = Context(date(2024, 3, 19), "Europe/Rome", LISTS, "IT")
    brief = Brief(("glow",), require_code=True)
    found = check_post(_post(published_at=None), brief, ASSETS, ctx)
    assert [(f.check, f.status) for f in found] == [
        ("posted", "pending"), ("hashtags", "pending"), ("disclosure", "pending"),
        ("code", "pending")]
    assert not any(f.published for f in found)


def test_compliance_rate_by_hand() -> None:
    ctx = Context(date(2024, 3, 25), "UTC", LISTS, "IT")
    brief = Brief(("glow",), require_code=True)
    good = check_post(_post(), brief, ASSETS, ctx)                           # 4 ok
    bad = check_post(_post(id="p2", caption="#avd #glow"), brief, ASSETS, ctx)  # 2 fail of 4
    late = check_post(_post(id="p3", published_at=datetime(2024, 3, 22, tzinfo=UTC)),
                      brief, ASSETS, ctx)                                      # posted fails
    missing = check_post(_post(id="p4", published_at=None), brief, ASSETS, ctx)
    assert missing[0].status == "fail"
    # published posts' checks: 4 + 4 + 4 = 12, of which 3 fail; the missing post is left out
    assert compliance_rate(good + bad + late + missing) == pytest.approx(9 / 12)
    assert (complies(good), complies(bad), complies(late)) == (True, False, False)
    assert compliance_rate(missing) is None


def test_near_miss_budget() -> None:
    assert near_miss("ad", ["as", "at", "da"]) is None
    assert near_miss("adv", ["avd"]) == "avd"
    assert near_miss("sponsored", ["sponsorred", "sponsor"]) == "sponsorred"
    assert near_miss("glow_with_lumina", ["glowwithlumina"]) == "glowwithlumina"
    assert near_miss("adv", ["adv"]) is None


def test_message_renders_and_round_trips() -> None:
    m = Message("replace {wrong} with {right}", {"wrong": "#a", "right": "#b"})
    assert m.render() == "replace #a with #b"
    assert Message.from_dict(m.as_dict()) == m


# ---- properties --------------------------------------------------------------------------

_TAG = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzé광고협찬業配廣告تبلیغ0123456789"),
               min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TAG, min_size=0, max_size=5), st.lists(_TAG, min_size=1, max_size=3),
       st.lists(st.tuples(st.integers(0, 200), st.sampled_from(
           ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f"])),
           max_size=6),
       st.lists(st.booleans(), min_size=1, max_size=8))
def test_invisible_characters_and_case_never_change_a_hashtag_verdict(
        present: list[str], required: list[str], inserts: list[tuple[int, str]],
        upper: list[bool]) -> None:
    required = required + present[:2]   # some present, some not
    caption = "Spring serum " + " ".join(f"#{t}" for t in present) + " love it"
    base = check_hashtags(caption, (), required)
    noisy = caption
    for at, char in inserts:
        i = at % (len(noisy) + 1)
        noisy = noisy[:i] + char + noisy[i:]
    words = noisy.split(" ")
    noisy = " ".join(w.upper() if upper[i % len(upper)] else w for i, w in enumerate(words))
    other = check_hashtags(noisy, (), [r.upper() for r in required])
    assert other.status == base.status
    assert [m.msgid for m in other.suggestions] == [m.msgid for m in base.suggestions]
