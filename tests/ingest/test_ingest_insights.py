"""Platform insight exports into post_metrics snapshots (fixtures: tests/data/insights/).

Every expected number below was read off the fixture files by hand.
"""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from creatorroi.errors import ImportFailed
from creatorroi.ingest import (
    FileRejected,
    ParseContext,
    ParsedImport,
    instagram,
    parse_file,
    tiktok,
    youtube,
)
from creatorroi.ingest.insights import post_keys
from creatorroi.ingest.tiktok import day_without_year

INSIGHTS = Path(__file__).resolve().parent.parent / "data" / "insights"
YT_DIR = INSIGHTS / "Content 2024-03-20_2024-03-27 Leo Makeup"
METRICS = ["reach", "impressions", "views", "likes", "comments", "shares", "saves",
           "link_clicks", "profile_visits", "follows"]
# Our posts as the workspace indexes them (what insights.post_index builds from posts.csv).
POSTS = {
    "giulia-reel-1": ("instagram", "https://www.instagram.com/reel/C4xYz12AbCd/"),
    "giulia-carousel-1": ("instagram", "https://instagram.com/p/C4qRsTuVwXy/?igsh=MWx0aGd2"),
    "minji-tt-1": ("tiktok", "https://www.tiktok.com/@minji.glow/video/7349876543210987654"),
    "minji-tt-2": ("tiktok", "https://www.tiktok.com/@minji.glow/video/7351122334455667788"
                             "?is_from_webapp=1&sender_device=pc"),
    "leo-yt-1": ("youtube", "https://www.youtube.com/watch?v=Lm3Nq8Rt0Ws"),
    "leo-short-1": ("youtube", "https://youtube.com/shorts/Ab1Cd2Ef3Gh?feature=share"),
}
INDEX = {k: post for post, (platform, url) in POSTS.items() for k in post_keys(url, platform)}
CAPTURED = datetime(2024, 3, 23, 9, 0)  # Rome, winter time: 08:00 UTC
NOW = datetime(2024, 3, 28, 10, 0, tzinfo=UTC)


def ctx(**kw: object) -> ParseContext:
    base: dict[str, object] = {"timezone": "Europe/Rome", "locale": "en", "post_index": INDEX}
    return ParseContext(**{**base, **kw})  # type: ignore[arg-type]


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def metrics(parsed: ParsedImport) -> dict[str, dict[str, int | None]]:
    frame = parsed.tables["post_metrics"]
    return {row["post_id"]: {m: None if pd.isna(row[m]) else int(row[m]) for m in METRICS}
            for _, row in frame.iterrows()}


def snap(**values: int) -> dict[str, int | None]:
    return {m: values.get(m) for m in METRICS}


def write(tmp_path: Path, name: str, text: str, *, bom: bool = True) -> Path:
    path = tmp_path / name
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return path


# ---- Instagram ------------------------------------------------------------------------------

def test_instagram_export_rows_become_snapshots_of_our_posts() -> None:
    parsed = parse_file(INSIGHTS / "instagram_content_2024-03-23.csv", "instagram-insights",
                        ctx(captured_at=CAPTURED))
    assert parsed.rows_read == 4
    assert metrics(parsed) == {
        "giulia-reel-1": snap(views=12400, reach=9100, likes=610, shares=88, follows=41,
                              comments=57, saves=230),
        "giulia-carousel-1": snap(views=3050, reach=2480, likes=312, shares=14, follows=3,
                                  comments=22, saves=95),
    }
    assert set(parsed.tables["post_metrics"]["captured_at"]) == {utc("2024-03-23 08:00")}
    # the creator's other posts: one warning, naming how many and which
    assert len(parsed.warnings) == 1
    warning = parsed.warnings[0]
    assert warning.startswith("2 row(s) match no imported post")
    assert "https://www.instagram.com/p/C4kLmNoPqRs/" in warning
    assert "https://www.instagram.com/reel/C4aBcDeFgHi/" in warning


def test_without_a_capture_time_the_import_time_is_used_and_said() -> None:
    parsed = instagram.parse(INSIGHTS / "instagram_content_2024-03-23.csv", ctx(), "ig.csv",
                             now=NOW)
    assert set(parsed.tables["post_metrics"]["captured_at"]) == {utc("2024-03-28 10:00")}
    assert any("the import time" in w and "2024-03-28T10:00" in w for w in parsed.warnings)


def test_a_date_column_holding_a_day_dates_the_numbers_italian_semicolon_export() -> None:
    # Italian headers, re-saved by an Italian Excel: ';' and '12.400'; Data = 23/03/2024
    parsed = instagram.parse(INSIGHTS / "instagram_it_semicolon.csv", ctx(locale="it"),
                             "it.csv", now=NOW)
    assert metrics(parsed) == {
        # the file has no Follow column: NULL, not 0
        "giulia-reel-1": snap(views=12400, reach=9100, likes=610, shares=88, comments=57,
                              saves=230),
    }
    # the end of 23 March in Rome (UTC+1) is 23:00 UTC
    assert list(parsed.tables["post_metrics"]["captured_at"]) == [utc("2024-03-23 23:00")]
    assert not any("import time" in w for w in parsed.warnings)


def test_older_utf16_export_with_impressions_and_plays() -> None:
    # Excel's "Unicode text": UTF-16 LE with BOM, tab separated; Plays are a reel's views
    parsed = parse_file(INSIGHTS / "instagram_older_utf16.txt", "instagram-insights",
                        ctx(captured_at=CAPTURED))
    assert metrics(parsed) == {
        "giulia-reel-1": snap(impressions=13950, views=12400, reach=9100, likes=610, shares=88,
                              follows=41, comments=57, saves=230),
        "giulia-carousel-1": snap(impressions=4120, reach=2480, likes=312, shares=14, follows=3,
                                  comments=22, saves=95),
    }


def test_renamed_headers_are_found_whatever_their_case_spacing_or_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "renamed.csv",
                 "\ufeff  permalink ,MEDIA ID,Accounts reached,  mi  PIACE \n"
                 "https://www.instagram.com/reel/C4xYz12AbCd/,1791,9100,610\n")
    parsed = parse_file(path, "instagram-insights", ctx(captured_at=CAPTURED))
    assert metrics(parsed) == {"giulia-reel-1": snap(reach=9100, likes=610)}


def test_a_post_found_by_its_media_id_alone(tmp_path: Path) -> None:
    index = {**INDEX, **dict.fromkeys(post_keys("17912345678901234", "instagram"),
                                      "giulia-reel-1")}
    path = write(tmp_path, "ids.csv", "Post ID,Views\n17912345678901234,100\n")
    parsed = parse_file(path, "instagram-insights", ctx(captured_at=CAPTURED, post_index=index))
    assert metrics(parsed) == {"giulia-reel-1": snap(views=100)}


def test_missing_columns_name_what_is_missing_and_what_is_there(tmp_path: Path) -> None:
    path = write(tmp_path, "nometrics.csv", "Post ID,Description,Publish time\n1,x,03/20/2024\n")
    with pytest.raises(FileRejected) as caught:
        parse_file(path, "instagram-insights", ctx())
    message = str(caught.value)
    assert str(path) in message
    assert "Views / Plays / Impressions / Reach" in message
    assert "the file has: Post ID, Description, Publish time" in message
    path = write(tmp_path, "nokey.csv", "Account name,Views\nGiulia,100\n")
    with pytest.raises(FileRejected, match=r"missing required column.*Permalink / Post ID"):
        parse_file(path, "instagram-insights", ctx())


def test_bad_cells_are_reported_with_row_and_column_and_nothing_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv",
                 "Permalink,Views,Likes,Comments\n"
                 "https://www.instagram.com/reel/C4xYz12AbCd/,12.4K,610,57\n"
                 "https://www.instagram.com/p/C4qRsTuVwXy/,3050,-3,\"2,5\"\n"
                 "https://www.instagram.com/p/Other123456/,10,1,undefined\n")
    with pytest.raises(ImportFailed) as caught:
        parse_file(path, "instagram-insights", ctx(captured_at=CAPTURED))
    found = [(e.row, e.column) for e in caught.value.errors]
    assert found == [(2, "Views"), (3, "Likes"), (3, "Comments")]
    assert caught.value.total == 3


def test_a_file_with_no_row_of_ours_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "others.csv",
                 "Permalink,Views\nhttps://www.instagram.com/p/Other123456/,10\n")
    with pytest.raises(FileRejected, match="no row matches an imported post") as caught:
        parse_file(path, "instagram-insights", ctx())
    assert str(path) in str(caught.value)
    with pytest.raises(FileRejected, match="no row matches"):  # posts never imported
        parse_file(INSIGHTS / "instagram_content_2024-03-23.csv", "instagram-insights",
                   ctx(post_index={}))


def test_the_same_post_twice_in_one_export_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "twice.csv",
                 "Permalink,Post ID,Views\n"
                 "https://www.instagram.com/reel/C4xYz12AbCd/,1,10\n"
                 "https://instagram.com/reel/C4xYz12AbCd,1,12\n")
    with pytest.raises(ImportFailed, match="duplicate key, first seen on row 2"):
        parse_file(path, "instagram-insights", ctx(captured_at=CAPTURED))


def test_header_only_export_warns_instead_of_failing(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.csv", "Permalink,Views\n")
    parsed = parse_file(path, "instagram-insights", ctx())
    assert parsed.rows_read == 0 and parsed.tables["post_metrics"].empty
    assert parsed.warnings == ["the file has no data rows"]


# ---- TikTok ---------------------------------------------------------------------------------

TIKTOK = {
    "minji-tt-1": snap(likes=3120, comments=87, shares=145, views=48210),
    # 'undefined' is TikTok's "not known yet": NULL; the export has no saves column at all
    "minji-tt-2": snap(likes=402, comments=12, views=9876),
}


def test_tiktok_studio_content_export() -> None:
    parsed = tiktok.parse(INSIGHTS / "tiktok_content.csv", ctx(), "Content.csv", now=NOW)
    assert parsed.rows_read == 4
    assert metrics(parsed) == TIKTOK
    # Time = "March 27": the end of that day in Rome, 23:00 UTC
    assert set(parsed.tables["post_metrics"]["captured_at"]) == {utc("2024-03-27 23:00")}
    assert len(parsed.warnings) == 1 and parsed.warnings[0].startswith("2 row(s)")


def test_tiktok_in_italian_reads_the_same() -> None:
    parsed = tiktok.parse(INSIGHTS / "tiktok_content_it.csv", ctx(locale="it"), "it.csv",
                          now=NOW)
    assert metrics(parsed) == TIKTOK
    assert set(parsed.tables["post_metrics"]["captured_at"]) == {utc("2024-03-27 23:00")}
    assert parsed.warnings == []


def test_tiktok_snapshot_day_is_never_after_the_import() -> None:
    noon = datetime(2024, 3, 27, 12, 0, tzinfo=UTC)
    parsed = tiktok.parse(INSIGHTS / "tiktok_content.csv", ctx(), "Content.csv", now=noon)
    assert set(parsed.tables["post_metrics"]["captured_at"]) == {utc("2024-03-27 12:00")}


def test_tiktok_xlsx_download(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Content"
    sheet.append(["Time", "Video title", "Video link", "Post time", "Total likes",
                  "Total comments", "Total shares", "Total views"])
    sheet.append(["March 27", "Glow", "https://www.tiktok.com/@minji.glow/video/"
                  "7349876543210987654", "March 21", 3120, 87, 145, 48210])
    sheet.append(["March 27", "Serum", "https://www.tiktok.com/@minji.glow/video/"
                  "7351122334455667788", "March 24", 402, 12, "undefined", 9876])
    path = tmp_path / "Content.xlsx"
    book.save(path)
    parsed = tiktok.parse(path, ctx(), "Content.xlsx", now=NOW)
    assert metrics(parsed) == TIKTOK


def test_tiktok_given_capture_time_wins_over_the_time_column() -> None:
    parsed = parse_file(INSIGHTS / "tiktok_content.csv", "tiktok-insights",
                        ctx(captured_at=datetime(2024, 3, 27, 8, 30, tzinfo=UTC)))
    assert set(parsed.tables["post_metrics"]["captured_at"]) == {utc("2024-03-27 08:30")}


def test_tiktok_unreadable_time_is_a_bad_cell(tmp_path: Path) -> None:
    path = write(tmp_path, "Content.csv",
                 "Time,Video link,Total views\n"
                 "Marchember 27,https://www.tiktok.com/@minji.glow/video/7349876543210987654,5\n")
    with pytest.raises(ImportFailed) as caught:
        tiktok.parse(path, ctx(), "Content.csv", now=NOW)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "Time")]


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("March 27", date(2024, 3, 28), date(2024, 3, 27)),
    ("Mar 27", date(2024, 3, 28), date(2024, 3, 27)),
    ("27 marzo", date(2024, 3, 28), date(2024, 3, 27)),
    ("3월 27일", date(2024, 3, 28), date(2024, 3, 27)),
    ("3月27日", date(2024, 3, 28), date(2024, 3, 27)),
    ("۲۷ مارس", date(2024, 3, 28), date(2024, 3, 27)),
    ("December 30", date(2024, 1, 3), date(2023, 12, 30)),  # across new year
    ("March 28", date(2024, 3, 27), date(2024, 3, 28)),  # a day's slack for time zones
    ("March 29", date(2024, 3, 27), date(2023, 3, 29)),
    ("February 29", date(2025, 3, 1), date(2024, 2, 29)),
    ("2023-03-27", date(2024, 3, 28), date(2023, 3, 27)),  # a year given is kept
])
def test_day_without_year(text: str, today: date, expected: date) -> None:
    assert day_without_year(text, today) == expected


# ---- YouTube --------------------------------------------------------------------------------

def test_youtube_studio_table_data_skips_the_total_row() -> None:
    parsed = youtube.parse(YT_DIR / "Table data.csv", ctx(), "Table data.csv", now=NOW)
    assert parsed.rows_read == 3  # the Total row is not data
    assert metrics(parsed) == {
        "leo-yt-1": snap(views=8420, impressions=61200, likes=390, comments=41, shares=18),
        "leo-short-1": snap(views=15230, impressions=98000, likes=820, comments=17, shares=64),
    }
    # the folder names the period: its last day, 27 March, ends at 23:00 UTC
    assert set(parsed.tables["post_metrics"]["captured_at"]) == {utc("2024-03-27 23:00")}
    period, unmatched = parsed.warnings
    assert "2024-03-20 to 2024-03-27" in period and "1 video(s)" in period  # leo-yt-1
    assert unmatched.startswith("1 row(s)") and "-Xy9Zw8Vu7T" in unmatched


def test_youtube_korean_studio_export() -> None:
    parsed = parse_file(INSIGHTS / "youtube_ko" / "Table data.csv", "youtube-insights",
                        ctx(locale="ko", captured_at=CAPTURED))
    assert parsed.rows_read == 2  # 합계 is the total row
    assert metrics(parsed) == {"leo-short-1": snap(views=16330, impressions=98000)}


def test_youtube_without_a_period_or_capture_time_warns() -> None:
    parsed = youtube.parse(INSIGHTS / "youtube_ko" / "Table data.csv", ctx(), "t.csv", now=NOW)
    assert any("import time" in w for w in parsed.warnings)


def test_youtube_missing_content_column(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "Video title,Views\nx,1\n", bom=False)
    with pytest.raises(FileRejected, match=r"missing required column\(s\): Content; "
                                           r"the file has: Video title, Views"):
        parse_file(path, "youtube-insights", ctx())


# ---- post keys ------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "platform", "key"), [
    ("https://www.instagram.com/reel/C4xYz12AbCd/", "instagram", "instagram:code:C4xYz12AbCd"),
    ("instagram.com/p/C4xYz12AbCd", "ig", "instagram:code:C4xYz12AbCd"),
    ("https://www.instagram.com/giulia.skin/p/C4xYz12AbCd/?img_index=2", "Instagram",
     "instagram:code:C4xYz12AbCd"),
    ("C4xYz12AbCd", "instagram", "instagram:code:C4xYz12AbCd"),
    ("https://m.tiktok.com/@Minji.Glow/video/7349876543210987654?lang=en", "tiktok",
     "tiktok:id:7349876543210987654"),
    ("7349876543210987654", "tiktok", "tiktok:id:7349876543210987654"),
    ("https://youtu.be/Lm3Nq8Rt0Ws?t=42", "youtube", "youtube:id:Lm3Nq8Rt0Ws"),
    ("https://m.youtube.com/watch?v=Lm3Nq8Rt0Ws&feature=shared", "yt", "youtube:id:Lm3Nq8Rt0Ws"),
    ("https://www.youtube.com/shorts/Lm3Nq8Rt0Ws", "youtube", "youtube:id:Lm3Nq8Rt0Ws"),
    ("Lm3Nq8Rt0Ws", "youtube", "youtube:id:Lm3Nq8Rt0Ws"),
])
def test_post_keys_name_the_same_post_however_it_is_written(url: str, platform: str,
                                                             key: str) -> None:
    assert key in post_keys(url, platform)


def test_post_keys_keep_platforms_and_posts_apart() -> None:
    assert post_keys("7349876543210987654", "tiktok") != post_keys("7349876543210987654",
                                                                   "youtube")
    assert post_keys("", "instagram") == [] and post_keys(None, "tiktok") == []
    # the watch page itself names no video
    assert post_keys("https://www.youtube.com/watch", "youtube") == []
    # shortcodes are case-sensitive
    assert not set(post_keys("https://instagram.com/p/abcdef12345/", "instagram")) & set(
        post_keys("https://instagram.com/p/ABCDEF12345/", "instagram"))


SHORTCODE = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789_-"), min_size=11, max_size=11)


@given(code=SHORTCODE, scheme=st.sampled_from(["https://", "http://", ""]),
       host=st.sampled_from(["www.instagram.com", "instagram.com", "m.instagram.com"]),
       kind=st.sampled_from(["p", "reel", "reels", "tv"]),
       user=st.sampled_from(["", "giulia.skin/"]), slash=st.booleans(),
       query=st.sampled_from(["", "?igsh=MWx0aGd2", "?utm_source=ig_web_copy_link#x"]))
def test_any_instagram_permalink_shares_a_key_with_its_shortcode(
        code: str, scheme: str, host: str, kind: str, user: str, slash: bool,
        query: str) -> None:
    url = f"{scheme}{host}/{user}{kind}/{code}{'/' if slash else ''}{query}"
    assert set(post_keys(url, "instagram")) & set(post_keys(code, "instagram"))


@given(video=st.from_regex(r"[A-Za-z0-9_-]{11}", fullmatch=True),
       form=st.sampled_from(["https://www.youtube.com/watch?v={v}&t=1s", "youtu.be/{v}",
                             "https://youtube.com/shorts/{v}?si=abc", "https://m.youtube.com/"
                             "watch?feature=share&v={v}", "https://www.youtube.com/embed/{v}"]))
def test_any_youtube_url_shares_a_key_with_its_video_id(video: str, form: str) -> None:
    assert set(post_keys(form.format(v=video), "youtube")) & set(post_keys(video, "youtube"))


IG_COLUMNS = {"Views": "views", "Reach": "reach", "Likes": "likes", "Comments": "comments",
              "Shares": "shares", "Saves": "saves", "Follows": "follows",
              "Impressions": "impressions"}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.dictionaries(st.sampled_from(sorted(IG_COLUMNS)),
                              st.one_of(st.none(), st.integers(0, 2_000_000_000)), min_size=1),
       grouped=st.booleans(), semicolon=st.booleans())
def test_any_written_count_reads_back_exactly(tmp_path: Path, values: dict[str, int | None],
                                              grouped: bool, semicolon: bool) -> None:
    sep = ";" if semicolon else ","
    thousands = "." if semicolon else ","

    def cell(v: int | None) -> str:
        if v is None:
            return ""
        text = f"{v:,}".replace(",", thousands) if grouped else str(v)
        return f'"{text}"' if thousands in text and not semicolon else text

    header = sep.join(["Permalink", *values])
    row = sep.join(["https://www.instagram.com/reel/C4xYz12AbCd/",
                    *(cell(v) for v in values.values())])
    path = write(tmp_path, "prop.csv", f"{header}\n{row}\n")
    parsed = parse_file(path, "instagram-insights", ctx(locale="it", captured_at=CAPTURED))
    expected = snap(**{IG_COLUMNS[k]: v for k, v in values.items() if v is not None})
    assert metrics(parsed) == {"giulia-reel-1": expected}
