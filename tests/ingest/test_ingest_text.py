"""Files as spreadsheets really save them: encodings, delimiters, XLSX, row numbering."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from creatorroi.errors import BadRowError, ImportFailed
from creatorroi.ingest import ParseContext, parse_file

FIXTURES = [HealthCheck.function_scoped_fixture]  # tmp_path is reused on purpose

KS_X_1001 = [chr(c) for c in range(0xAC00, 0xD7A4)
             if len(chr(c).encode("euc_kr", errors="ignore")) == 2]

korean_names = st.lists(
    st.text(st.sampled_from(KS_X_1001), min_size=2, max_size=4), min_size=1, max_size=4)
italian_words = st.builds(
    lambda stem, accent, cap: (stem + accent).capitalize() if cap else stem + accent,
    st.text(st.sampled_from("abcdefghilmnopqrstuvz"), min_size=1, max_size=8),
    st.sampled_from(["", "", "à", "è", "é", "ì", "ò", "ù"]), st.booleans())
italian_names = st.lists(
    st.lists(italian_words, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=4)


def sheet_text(names: list[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["id", "name", "aliases", "country"])
    for i, name in enumerate(names):
        writer.writerow([f"c{i}", name, f"{name}|x{i}", "IT"])
    return out.getvalue()


def parse_bytes(tmp: Path, data: bytes, ctx: ParseContext, kind: str = "influencers",
                suffix: str = ".csv") -> pd.DataFrame:
    path = tmp / f"sheet{suffix}"
    path.write_bytes(data)
    return next(iter(parse_file(path, kind, ctx).tables.values()))


def encoded(text: str, encoding: str) -> bytes:
    """``encoding`` plus two BOM-less UTF-16 spellings Python has no single codec name for."""
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(names=korean_names, delimiter=st.sampled_from([",", ";", "\t"]))
def test_korean_sheet_reads_the_same_in_every_encoding(tmp_path: Path, names: list[str],
                                                       delimiter: str) -> None:
    text = sheet_text(names, delimiter)
    ctx = ParseContext(locale="ko")
    frames = [parse_bytes(tmp_path, encoded(text, enc), ctx)
              for enc in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp949")]
    assert frames[0]["name"].tolist() == names
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(names=italian_names, delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_italian_sheet_reads_the_same_in_every_encoding(tmp_path: Path, names: list[str],
                                                        delimiter: str) -> None:
    text = sheet_text(names, delimiter)
    ctx = ParseContext(locale="it")
    frames = [parse_bytes(tmp_path, encoded(text, enc), ctx)
              for enc in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "cp1252")]
    assert frames[0]["name"].tolist() == names
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


@pytest.mark.parametrize(("names", "encoding"), [
    (["김지수", "박민준", "이서연"], "cp949"),
    (["Niccolò Ferrè", "Città di Forlì", "perché sì"], "cp1252"),
    (["سارا احمدي", "علي رضايي"], "cp1256"),
    (["陳美玲", "林志明"], "cp950"),
])
def test_legacy_code_pages_are_detected_without_a_locale_hint(
        tmp_path: Path, names: list[str], encoding: str) -> None:
    frame = parse_bytes(tmp_path, sheet_text(names).encode(encoding), ParseContext())
    assert frame["name"].tolist() == names


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    text = sheet_text(["Giulia Rossi", "김지수"], "\t")
    frame = parse_bytes(tmp_path, text.encode("utf-16"), ParseContext())
    assert frame["name"].tolist() == ["Giulia Rossi", "김지수"]


def test_a_forced_encoding_is_used_and_a_wrong_one_named(tmp_path: Path) -> None:
    data = sheet_text(["Città"]).encode("cp1252")
    frame = parse_bytes(tmp_path, data, ParseContext(encoding="latin-1"))
    assert frame["name"].tolist() == ["Città"]
    with pytest.raises(ImportFailed, match="not valid utf-8 text") as err:
        parse_bytes(tmp_path, data, ParseContext(encoding="utf-8"))
    assert err.value.errors[0].row is None
    with pytest.raises(ImportFailed, match="unknown text encoding"):
        parse_bytes(tmp_path, data, ParseContext(encoding="klingon"))


def test_invisible_characters_and_padding_are_dropped(tmp_path: Path) -> None:
    text = ("\ufeffid , name ,aliases\n"
            "\u200bc1\u200b,\u00a0Giulia Rossi\u202f, \n"
            "c2,\u200fسارا\u200c,\n")
    frame = parse_bytes(tmp_path, text.encode("utf-8"), ParseContext())
    assert frame.to_dict("records") == [
        {"id": "c1", "name": "Giulia Rossi", "aliases": None, "country": None},
        {"id": "c2", "name": "سارا", "aliases": None, "country": None}]


def test_row_numbers_are_spreadsheet_rows(tmp_path: Path) -> None:
    text = ('id,name\n'
            'a,"Anna\nBianchi"\n'      # row 2 spans two lines of text
            '\n'                       # row 3 is blank
            'b,\n')                    # row 4: name missing
    with pytest.raises(ImportFailed) as err:
        parse_bytes(tmp_path, text.encode(), ParseContext())
    [error] = err.value.errors
    assert (error.row, error.column) == (4, "name")


def test_extra_cells_beyond_the_header_are_an_error(tmp_path: Path) -> None:
    text = "id,name\na,Anna,,\nb,Bea,oops\n"
    with pytest.raises(ImportFailed) as err:
        parse_bytes(tmp_path, text.encode(), ParseContext())
    assert [(e.row, e.column) for e in err.value.errors] == [(3, None)]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_files_are_rejected_as_a_whole(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ImportFailed, match="the file is empty") as err:
        parse_bytes(tmp_path, data, ParseContext())
    assert isinstance(err.value, BadRowError) and err.value.row is None


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read the file"):
        parse_file(tmp_path / "nope.csv", "influencers", ParseContext())


def test_xlsx_typed_cells_and_the_sheet_named_like_the_kind(tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["please ignore"])
    sheet = book.create_sheet("Costs")
    sheet.append(["id", "category", "amount", "currency", "incurred_on", "influencer_id"])
    sheet.append([1001, "fee", 1200.5, "EUR", datetime(2024, 3, 20), None])
    sheet.append(["x-2", "samples", 45, "KRW", 45372, "giulia"])  # date as an Excel serial
    path = tmp_path / "costs.xlsx"
    book.save(path)
    frame = parse_file(path, "costs", ParseContext()).tables["costs"]
    assert frame[["id", "amount_minor", "currency", "incurred_on"]].to_dict("records") == [
        {"id": "1001", "amount_minor": 120050, "currency": "EUR",
         "incurred_on": datetime(2024, 3, 20).date()},
        {"id": "x-2", "amount_minor": 45, "currency": "KRW",
         "incurred_on": datetime(2024, 3, 21).date()},
    ]


def test_xlsx_errors_name_the_worksheet_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([])
    sheet.append(["platform", "captured_at", "followers"])
    sheet.append(["instagram", datetime(2024, 3, 1), "many"])
    path = tmp_path / "brand.xlsx"
    book.save(path)
    with pytest.raises(ImportFailed) as err:
        parse_file(path, "brand_followers", ParseContext())
    [error] = err.value.errors
    assert (error.row, error.column, error.reason) == (3, "followers", "'many' is not a number")
