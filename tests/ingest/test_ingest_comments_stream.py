"""The streaming reader of comment dumps and brand mentions: every format reads the same rows,
text round-trips exactly, errors carry true row numbers across chunks, memory stays bounded."""

from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import io
import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from creatorroi.errors import BadRowError, ImportFailed
from creatorroi.ingest import FileRejected, ParseContext, parse_file
from creatorroi.ingest.comments import ParsedChunk, SeenKeys, stream
from creatorroi.ingest.context import Problems
from creatorroi.ingest.text import clean

FIXTURES = [HealthCheck.function_scoped_fixture]  # tmp_path is reused on purpose
ROME = ZoneInfo("Europe/Rome")
SALT = "pepper"
CTX = ParseContext(timezone="Europe/Rome", locale="it", salt=SALT)
FIELDS = ["id", "post_id", "author", "created_at", "text", "likes"]

# Text a comment dump really holds: emoji with ZWJ sequences and skin tones, Persian with
# ZWNJ and RTL marks, Korean, mixed scripts, quoted newlines, padding, a lone zero-width space.
TEXTS = [
    "Lo adoro! 😍",
    "👨‍👩‍👧‍👦 family time ❤️",
    "می‌خواهم این را بخرم \u200f🙏🏽",
    "정말 좋아요!! 최고 👍",
    "first line\nsecond line\r\nthird",
    "  padded with spaces  ",
    "\u200bzero width at the start",
    "mix: قیمت؟ price? 가격?",
    '"quoted" and, commas; tabs\there',
]
ROWS: list[dict[str, Any]] = [
    {"id": f"c{i}", "post_id": f"p{i % 2}", "author": f"@User_{i}",
     "created_at": f"2024-03-{10 + i:02d} 18:{i:02d}", "text": text, "likes": i * 3}
    for i, text in enumerate(TEXTS)
]


def expected_frame_values() -> list[dict[str, Any]]:
    """What the reader must produce, computed from the rows without the reader."""
    out = []
    for row in ROWS:
        local = datetime.strptime(row["created_at"], "%Y-%m-%d %H:%M").replace(tzinfo=ROME)
        handle = row["author"].lstrip("@").casefold()
        out.append({
            "id": row["id"], "kind": "comment", "post_id": row["post_id"],
            "author_hash": hashlib.sha256((SALT + handle).encode()).hexdigest(),
            "created_at": pd.Timestamp(local.astimezone(UTC)), "text": row["text"],
            "likes": row["likes"],
        })
    return out


def read(path: Path, kind: str = "comments", ctx: ParseContext = CTX,
         chunk_rows: int = 3) -> tuple[pd.DataFrame, list[ParsedChunk]]:
    chunks = list(stream(path, kind, ctx, chunk_rows=chunk_rows))
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    return frame, chunks


def failures(path: Path, kind: str = "comments", ctx: ParseContext = CTX,
             chunk_rows: int = 3) -> list[BadRowError]:
    with pytest.raises(ImportFailed) as err:
        read(path, kind, ctx, chunk_rows)
    return err.value.errors


def write_csv(path: Path, rows: list[dict[str, Any]], delimiter: str = ",",
              encoding: str = "utf-8", fields: list[str] = FIELDS) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(fields)
    for row in rows:
        writer.writerow(["" if row.get(f) is None else row[f] for f in fields])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]], ascii_only: bool = False) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(FIELDS)
    for row in rows:
        sheet.append([row[f] for f in FIELDS])
    book.save(path)
    return path


# ---- formats ----------------------------------------------------------------------------

def test_every_format_reads_the_same_rows(tmp_path: Path) -> None:
    paths = [
        write_csv(tmp_path / "c.csv", ROWS),
        write_csv(tmp_path / "c.tsv", ROWS, "\t"),
        write_csv(tmp_path / "semi.csv", ROWS, ";", "utf-8-sig"),
        write_jsonl(tmp_path / "c.jsonl", ROWS),
        write_jsonl(tmp_path / "escaped.ndjson", ROWS, ascii_only=True),
        write_xlsx(tmp_path / "c.xlsx", ROWS),
    ]
    (tmp_path / "c.json").write_text(json.dumps(ROWS, ensure_ascii=False, indent=1), "utf-8")
    (tmp_path / "wrapped.json").write_text(
        json.dumps({"data": ROWS, "paging": {"next": None}}, ensure_ascii=False), "utf-8")
    paths += [tmp_path / "c.json", tmp_path / "wrapped.json"]
    expected = expected_frame_values()
    for path in paths:
        frame, _ = read(path)
        got = frame[list(expected[0])].to_dict("records")
        want = expected
        if path.suffix == ".xlsx":
            # XML normalises every line end to \n, so a workbook cannot carry a \r
            want = [dict(e, text=e["text"].replace("\r\n", "\n")) for e in expected]
        assert got == want, path.name
        assert frame["sentiment"].isna().all()


def test_json_records_may_use_export_tool_spellings(tmp_path: Path) -> None:
    moment = datetime(2024, 3, 20, 18, 2, tzinfo=UTC)
    records = [
        {"comment_id": "a", "media_id": "p1", "user": {"id": "9", "username": "@Anna"},
         "timestamp": int(moment.timestamp()), "comment": "ciao 😍", "like_count": 4,
         "extra": "x"},
        {"ID": "b", "postId": "p1", "username": "bob", "createdAt": "2024-03-20T18:02:00Z",
         "message": "Grazie", "likesCount": "2"},
        {"id": "c", "post_id": "p1", "from": {"username": "carla"},
         "created_time": int(moment.timestamp() * 1000), "text": "t", "comment": "ignored"},
    ]
    path = tmp_path / "tool.json"
    path.write_text(json.dumps(records), "utf-8")
    frame, chunks = read(path)
    hashes = [hashlib.sha256((SALT + h).encode()).hexdigest() for h in ("anna", "bob", "carla")]
    assert frame["id"].tolist() == ["a", "b", "c"]
    assert frame["post_id"].tolist() == ["p1"] * 3
    assert frame["author_hash"].tolist() == hashes
    assert frame["created_at"].tolist() == [pd.Timestamp(moment)] * 3
    assert frame["text"].tolist() == ["ciao 😍", "Grazie", "t"]  # "text" beats "comment"
    assert frame["likes"].tolist()[:2] == [4, 2] and pd.isna(frame["likes"][2])
    assert chunks[-1].warnings == ["ignored column(s): extra"]


def test_a_json_error_names_the_key_the_file_used(tmp_path: Path) -> None:
    path = tmp_path / "tool.jsonl"
    write_jsonl(path, [{"post_id": "p", "comment": "ok", "like_count": "many"}])
    [error] = failures(path)
    assert (error.row, error.column) == (1, "like_count")


def test_mentions_read_their_own_fields(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    write_jsonl(path, [
        {"network": "X", "screen_name": "@Fan", "date": "2024-03-22 08:15",
         "full_text": "Just tried @lumina", "permalink": "https://x.com/s/1", "favorite_count": 12,
         "influencer": "giulia"},
        {"platform": "instagram", "text": "love it"},
    ])
    frame, _ = read(path, "mentions")
    first, second = frame.to_dict("records")
    assert (first["kind"], first["platform"], first["url"], first["likes"],
            first["influencer_id"], first["post_id"]) == (
        "mention", "x", "https://x.com/s/1", 12, "giulia", None)
    assert first["id"].startswith("c-") and second["id"].startswith("c-")
    assert first["id"] != second["id"]
    assert failures(write_jsonl(tmp_path / "bad.jsonl", [{"platform": "myspace",
                                                          "text": "x"}]), "mentions")[0].row == 1


# ---- row numbers, chunk boundaries, duplicates ------------------------------------------

def test_errors_carry_true_row_numbers_across_chunks(tmp_path: Path) -> None:
    text = ("id,post_id,text,likes\n"          # row 1
            "a,p,\"one\ntwo\nthree\",1\n"      # row 2 spans three lines
            "b,p,ok,2\n"                       # row 3
            "\n"                               # row 4 blank
            "c,p,ok,3\n"                       # row 5
            "d,p,,4\n"                         # row 6: text missing (chunk 2 with 2 rows/chunk)
            "e,p,ok,x\n"                       # row 7: likes not a number
            "f,p,ok,5,extra\n"                 # row 8: a cell beyond the header
            "g,p,\u200b ,6\n")                 # row 9: only invisible text
    path = tmp_path / "bad.csv"
    path.write_text(text, "utf-8")
    errors = failures(path, chunk_rows=2)
    assert [(e.row, e.column) for e in errors] == [
        (6, "text"), (7, "likes"), (8, None), (9, "text")]
    assert "required value is missing" in errors[0].reason
    assert all(e.file == str(path) for e in errors)


def test_jsonl_rows_are_lines_and_json_rows_are_positions(tmp_path: Path) -> None:
    lines = ['{"id": "a", "post_id": "p", "text": "ok"}', "", "not json",
             '{"id": "b", "post_id": "p", "text": ""}', "[1, 2]",
             '{"id": "c", "post_id": "p", "text": "ok", "likes": -1}']
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    errors = failures(path, chunk_rows=1)
    assert [(e.row, e.column) for e in errors] == [(3, None), (4, "text"), (5, None),
                                                   (6, "likes")]
    records = [{"id": "a", "post_id": "p", "text": "ok"}, 7,
               {"id": "b", "post_id": "p", "text": "ok", "likes": "?"}]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(records), "utf-8")
    assert [(e.row, e.column) for e in failures(path, chunk_rows=1)] == [(2, None),
                                                                         (3, "likes")]


def test_xlsx_rows_are_spreadsheet_rows(tmp_path: Path) -> None:
    rows = [dict(ROWS[0], id=f"x{i}") for i in range(5)]
    rows[3]["likes"] = "lots"
    [error] = failures(write_xlsx(tmp_path / "c.xlsx", rows), chunk_rows=2)
    assert (error.row, error.column) == (5, "likes")


def test_a_duplicate_id_is_found_across_chunks(tmp_path: Path) -> None:
    rows = [dict(ROWS[0], id=i) for i in ("a", "b", "c", "d", "a", "e", "c", "c")]
    path = write_csv(tmp_path / "dup.csv", rows)
    errors = failures(path, chunk_rows=2)
    assert [(e.row, e.column, e.reason) for e in errors] == [
        (6, "id", "duplicate key, first seen on row 2"),
        (8, "id", "duplicate key, first seen on row 4"),
        (9, "id", "duplicate key, first seen on row 4")]


def test_derived_ids_of_identical_comments_collide_across_chunks(tmp_path: Path) -> None:
    rows = [dict(ROWS[0], id=None, text=t) for t in ("same", "other", "x", " same ")]
    errors = failures(write_csv(tmp_path / "noid.csv", rows), chunk_rows=1)
    # the id is derived from the trimmed text, so padding does not make a new comment
    assert [(e.row, e.reason) for e in errors] == [(5, "duplicate key, first seen on row 2")]


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(st.sampled_from("abcdefghij") | st.text(max_size=3), max_size=40),
       size=st.integers(1, 7))
def test_seen_keys_agree_with_a_dictionary(keys: list[str], size: int) -> None:
    seen, oracle = SeenKeys(), {}
    got, want = [], []
    for start in range(0, len(keys), size):
        chunk = keys[start:start + size]
        rows = list(range(start + 2, start + 2 + len(chunk)))
        got += seen.first_rows(chunk, rows)
        for key, row in zip(chunk, rows, strict=True):
            want.append(oracle.get(key))
            oracle.setdefault(key, row)
    assert got == want
    assert len(seen) == len(oracle)


def test_the_day_first_guess_of_the_first_chunk_holds_for_the_file(tmp_path: Path) -> None:
    rows = [dict(ROWS[0], id="a", created_at="25/03/2024 10:00"),   # settles: day first
            dict(ROWS[0], id="b", created_at="03/04/2024 10:00")]   # alone: month first (en)
    path = write_csv(tmp_path / "dates.csv", rows)
    ctx = ParseContext(timezone="UTC", locale="en", salt=SALT)
    frame, _ = read(path, ctx=ctx, chunk_rows=1)
    assert frame["created_at"].tolist() == [pd.Timestamp("2024-03-25 10:00", tz="UTC"),
                                            pd.Timestamp("2024-04-03 10:00", tz="UTC")]
    alone, _ = read(write_csv(tmp_path / "alone.csv", rows[1:]), ctx=ctx)
    assert alone["created_at"].tolist() == [pd.Timestamp("2024-03-04 10:00", tz="UTC")]


# ---- encodings --------------------------------------------------------------------------

KOREAN = [dict(ROWS[0], id=f"k{i}", author=f"@{n}", text=t) for i, (n, t) in enumerate(
    [("지수", "정말 좋아요 최고예요"), ("민준", "배송이 너무 느려요"),
     ("서연", "가격 대비 만족합니다")])]
PERSIAN = [dict(ROWS[0], id=f"f{i}", author=f"@{n}", text=t) for i, (n, t) in enumerate(
    [("سارا", "خيلي عالي بود"), ("علي", "قيمتش گران است"), ("مريم", "ممنون از معرفي")])]


@pytest.mark.parametrize(("rows", "encoding", "locale"), [
    (KOREAN, "utf-16", "ko"),
    (KOREAN, "utf-16-le", "ko"),
    (KOREAN, "cp949", "ko"),
    (KOREAN, "cp949", "en"),
    (PERSIAN, "cp1256", "fa"),
    (PERSIAN, "cp1256", "en"),
    (PERSIAN, "utf-8-sig", "fa"),
    (ROWS, "utf-16", "it"),
])
def test_encodings_are_detected_and_text_kept(tmp_path: Path, rows: list[dict[str, Any]],
                                              encoding: str, locale: str) -> None:
    path = write_csv(tmp_path / "enc.csv", rows, "\t" if "16" in encoding else ",", encoding)
    frame, _ = read(path, ctx=ParseContext(timezone="UTC", locale=locale, salt=SALT))
    assert frame["text"].tolist() == [r["text"] for r in rows]
    handles = [r["author"].lstrip("@").casefold() for r in rows]
    assert frame["author_hash"].tolist() == [
        hashlib.sha256((SALT + h).encode()).hexdigest() for h in handles]


def test_legacy_text_after_a_long_ascii_start_is_still_detected(tmp_path: Path) -> None:
    filler = [dict(ROWS[0], id=f"a{i}", text="plain ascii comment " * 5) for i in range(12_000)]
    rows = filler + KOREAN
    path = write_csv(tmp_path / "late.csv", rows, encoding="cp949")
    assert path.stat().st_size > 1_100_000  # beyond the first sample
    frame, _ = read(path, ctx=ParseContext(timezone="UTC", locale="ko"), chunk_rows=5000)
    assert frame["text"].tolist()[-3:] == [r["text"] for r in KOREAN]


def test_a_forced_encoding_that_fails_late_names_the_byte(tmp_path: Path) -> None:
    head = "id,post_id,text\n" + "".join(f"{i},p,fine\n" for i in range(50))
    data = head.encode() + b"99,p,caf\xe9\n"
    path = tmp_path / "late.csv"
    path.write_bytes(data)
    with pytest.raises(FileRejected) as err:
        read(path, ctx=ParseContext(encoding="utf-8"))
    position = len(head.encode()) + len("99,p,caf") + 1
    assert f"(byte {position})" in str(err.value)
    frame, _ = read(path, ctx=ParseContext(encoding="cp1252"))
    assert frame["text"].tolist()[-1] == "café"


def test_utf16_json_is_read(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(json.dumps(KOREAN, ensure_ascii=False).encode("utf-16"))
    frame, _ = read(path, chunk_rows=2)
    assert frame["text"].tolist() == [r["text"] for r in KOREAN]


# ---- exact round trip (property) --------------------------------------------------------

comment_texts = st.lists(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
    | st.sampled_from(TEXTS), min_size=1, max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=FIXTURES)
@given(texts=comment_texts)
def test_any_comment_text_reads_back_exactly_from_csv_and_jsonl(tmp_path: Path,
                                                                 texts: list[str]) -> None:
    assume(all(clean(t) is not None for t in texts))
    rows = [{"id": f"c{i}", "post_id": "p", "text": t} for i, t in enumerate(texts)]
    fields = ["id", "post_id", "text"]
    csv_frame, _ = read(write_csv(tmp_path / "p.csv", rows, fields=fields), chunk_rows=5)
    json_frame, _ = read(write_jsonl(tmp_path / "p.jsonl", rows), chunk_rows=5)
    assert csv_frame["text"].tolist() == texts
    assert json_frame["text"].tolist() == texts


# ---- whole-file problems ----------------------------------------------------------------

def test_whole_file_problems_are_rejected_up_front(tmp_path: Path) -> None:
    cases = {
        "empty.csv": ("", "the file is empty"),
        "notext.csv": ("id,post_id\na,p\n", "missing required column(s): text"),
        "notext.jsonl": ('{"id": "a", "post_id": "p", "body2": "x"}\n',
                         "missing required column(s): text; the file has: id, post_id, body2"),
        "scalar.json": ('"just a string"', "holds no list of JSON records"),
        "broken.json": ('[{"id": "a", "post_id": "p", "text": "x"}, {"id": ',
                        "not valid JSON near record 2"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content, "utf-8")
        with pytest.raises(FileRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
            read(path)
    with pytest.raises(FileRejected, match="unknown kind"):
        read(tmp_path / "notext.csv", kind="orders")


def test_a_header_only_file_reads_no_rows_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "head.csv"
    path.write_text("id,post_id,text,mood\n", "utf-8")
    frame, chunks = read(path)
    assert frame.empty and len(chunks) == 1
    assert chunks[0].warnings == ["ignored column(s): mood", "the file has no data rows"]


def test_problems_collected_by_the_caller_are_not_raised(tmp_path: Path) -> None:
    rows = [dict(ROWS[0], id=f"r{i}") for i in range(6)]
    rows[1]["likes"] = "x"
    problems = Problems("f")
    chunks = list(stream(write_csv(tmp_path / "c.csv", rows), "comments", CTX, chunk_rows=2,
                         problems=problems))
    assert problems.total == 1
    # once a row is bad nothing more is handed out: the import will fail anyway
    assert [len(c.frame) for c in chunks] == [0, 0, 0]
    assert [c.done for c in chunks] == [2, 4, 6]


def test_progress_is_reported_every_chunk(tmp_path: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    rows = [dict(ROWS[0], id=f"r{i}") for i in range(7)]
    ctx = ParseContext(timezone="UTC", progress=lambda d, t: calls.append((d, t)))
    read(write_csv(tmp_path / "c.csv", rows), ctx=ctx, chunk_rows=3)
    assert [d for d, _ in calls] == [3, 6, 7]
    assert calls[-1] == (7, 7)
    assert all(t is None or t >= d for d, t in calls)


# ---- memory -----------------------------------------------------------------------------

ROWS_BIG = 40_000


@pytest.mark.slow
def test_streaming_memory_stays_bounded_where_a_whole_file_read_does_not(
        tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FIELDS)
        for i in range(ROWS_BIG):
            writer.writerow([f"id{i}", f"p{i % 50}", f"@user{i % 9000}",
                             f"2024-03-{1 + i % 28:02d} 10:{i % 60:02d}",
                             f"comment number {i} 😍 molto bello", i % 17])

    def peak(run: Any) -> int:
        gc.collect()
        tracemalloc.start()
        try:
            run()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def streamed() -> None:
        rows = 0
        for chunk in stream(path, "comments", CTX, chunk_rows=4_000):
            rows += len(chunk.frame)
        assert rows == ROWS_BIG

    def whole() -> None:
        assert parse_file(path, "comments", CTX).rows_read == ROWS_BIG

    # one-time caches (locale data, imports) are paid before either is measured
    small = write_csv(tmp_path / "small.csv", ROWS)
    read(small)
    parse_file(small, "comments", CTX)
    streaming, whole_file = peak(streamed), peak(whole)
    bound = 24 * 2**20  # the chunks' share; a whole read holds every row at once
    assert streaming < bound < whole_file, (streaming, whole_file)


def test_bom_and_bomless_sniffing_match_text_module(tmp_path: Path) -> None:
    """A UTF-16 file without BOM but with a tab header reads as the BOM'd one does."""
    rows = KOREAN
    with_bom = write_csv(tmp_path / "a.csv", rows, "\t", "utf-16")
    without = tmp_path / "b.csv"
    without.write_bytes(with_bom.read_bytes().removeprefix(codecs.BOM_UTF16_LE))
    a, _ = read(with_bom)
    b, _ = read(without)
    pd.testing.assert_frame_equal(a, b)
