"""GA4 exports into the sessions table (fixtures: tests/data/ga4_*)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from creatorroi.errors import ImportFailed
from creatorroi.ingest import ParseContext, ParsedImport, parse_file

ROME = ParseContext(timezone="Europe/Rome", currency="EUR")
DIMS = ["started_at", "utm_source", "utm_medium", "utm_campaign", "utm_content",
        "landing_page", "click_id", "transaction_id", "sessions", "revenue_minor", "currency"]


def read(path: Path, ctx: ParseContext = ROME) -> ParsedImport:
    return parse_file(path, "ga4", ctx)


def midnight(day: str) -> pd.Timestamp:
    """Local midnight in Rome as UTC (winter time until 31 March 2024)."""
    return pd.Timestamp(day, tz="Europe/Rome").tz_convert("UTC")


def records(parsed: ParsedImport) -> list[tuple[object, ...]]:
    frame = parsed.tables["sessions"]
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in frame[DIMS].itertuples(index=False)]


def test_ui_exploration_csv(data: Path) -> None:
    parsed = read(data / "ga4_exploration.csv")
    assert parsed.rows_read == 7  # the Grand total row is not data
    assert records(parsed) == [
        (midnight("2024-03-18"), "ig", "influencer", "giulia", "story", "/pages/giulia", "ck_1",
         None, 12, 5900, "EUR"),
        (midnight("2024-03-18"), "(direct)", "(none)", None, None, "/", None, None, 40, 12050,
         "EUR"),
        (midnight("2024-03-19"), "ig", "influencer", "giulia", "story", "/pages/giulia", None,
         None, 8, 0, "EUR"),
        (midnight("2024-03-19"), "tiktok", "influencer", "minji", "bio", "/collections/serum",
         None, None, 5, None, None),
        (midnight("2024-03-19"), "google", "organic", "(organic)", None, "/", None, None, 30,
         129256, "EUR"),
        # two rows whose landing pages normalise alike are one aggregate: 3 + 2, 47.20 + 11.80
        (midnight("2024-03-20"), "ig", "influencer", "giulia", "feed", "/pages/giulia", None,
         None, 5, 5900, "EUR"),
    ]
    frame = parsed.tables["sessions"]
    assert frame["sessions"].sum() == 100  # the export's Grand total
    assert frame["revenue_minor"].sum() == 153106
    assert set(frame["source"]) == {"ga4"} and frame["id"].is_unique


def test_api_names_split_source_medium_and_count_transactions(data: Path) -> None:
    parsed = read(data / "ga4_api.csv")
    assert records(parsed) == [
        (midnight("2024-03-21"), "ig", "influencer", "giulia", None, "/pages/giulia", None,
         "5601234567001", 1, 4720, "EUR"),
        (midnight("2024-03-21"), "ig", "influencer", "giulia", None, "/pages/giulia", None,
         "5601234567006", 1, 4720, "EUR"),
        (midnight("2024-03-22"), "(direct)", "(none)", None, None, "/", None, "5601234567007", 1,
         5900, "EUR"),
    ]


def test_run_report_json_uses_the_property_zone_and_currency(data: Path) -> None:
    parsed = read(data / "ga4_runreport.json", ParseContext(timezone="Asia/Seoul",
                                                            currency="KRW"))
    assert records(parsed) == [
        (midnight("2024-04-01"), "ig", "influencer", "giulia", None, None, None, None, 21, 11800,
         "EUR"),
        (midnight("2024-04-01"), "(direct)", "(none)", "(direct)", None, None, None, None, 55, 0,
         "EUR"),
        (midnight("2024-04-02"), "tiktok", "influencer", None, None, None, None, None, 9, 1250,
         "EUR"),
    ]


def test_overlapping_exports_share_row_ids(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "api.csv"
    path.write_text(
        "date,sessionSource,sessionMedium,sessionCampaignName,sessionManualAdContent,"
        "landingPagePlusQueryString,sessions,purchaseRevenue\n"
        "20240318,ig,influencer,giulia,story,/pages/giulia?utm_source=ig&cr_click=ck_1,12,59\n")
    ui = read(data / "ga4_exploration.csv").tables["sessions"]
    api = read(path).tables["sessions"]
    assert api.loc[0, "id"] == ui.loc[0, "id"]
    assert len(api.loc[0, "id"]) == 40  # sha1 hex


def test_bad_cells_are_numbered_as_text_lines(data: Path, tmp_path: Path) -> None:
    lines = (data / "ga4_exploration.csv").read_text(encoding="utf-8").splitlines()
    assert lines[12].startswith("20240319,IG,")
    lines[12] = lines[12].replace(",8,0", ",eight,0")
    lines[14] = lines[14].replace("20240319", "2024-19-03")
    path = tmp_path / "ga4.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        read(path)
    assert [(e.row, e.column, e.reason) for e in err.value.errors] == [
        (13, "Sessions", "'eight' is not a number"),
        (15, "Date", "'2024-19-03' is not a date"),
    ]


def test_no_date_column_falls_back_to_the_start_date(tmp_path: Path) -> None:
    path = tmp_path / "ga4.csv"
    path.write_text("# Start date: 20240401\n# End date: 20240407\n\n"
                    "Session source / medium,Sessions\n,120\nig / influencer,120\n")
    parsed = read(path)
    assert records(parsed) == [
        (midnight("2024-04-01"), "ig", "influencer", None, None, None, None, None, 120, None,
         None)]
    assert parsed.warnings == [
        "no date column: every row is dated 2024-04-01, the report's start date"]


def test_missing_date_or_sessions_is_a_whole_file_error(tmp_path: Path) -> None:
    path = tmp_path / "ga4.csv"
    path.write_text("Session source,Sessions\nig,3\n")
    with pytest.raises(ImportFailed, match="no date column and no '# Start date' line"):
        read(path)
    path.write_text("Date,Session source,Purchase revenue\n20240401,ig,3\n")
    with pytest.raises(ImportFailed, match=r"missing required column\(s\): Sessions"):
        read(path)
    path.write_text('{"rows": 3}')
    with pytest.raises(ImportFailed, match="not a GA4 Data API report"):
        read(path)


def test_an_exploration_saved_as_xlsx_reads_the_same(data: Path, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in (data / "ga4_exploration.csv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            sheet.append([line])
        elif line:
            cells = next(csv.reader([line]))
            sheet.append([int(c) if c.isdigit() else c for c in cells])  # Date typed 20240318
    path = tmp_path / "ga4.xlsx"
    book.save(path)
    pd.testing.assert_frame_equal(read(path).tables["sessions"],
                                  read(data / "ga4_exploration.csv").tables["sessions"])
