"""Holiday and event controls, checked on dates looked up by hand.

(Named ``test_mmm_calendar`` because ``tests/web/test_calendar.py`` exists and test folders
are not packages: two test modules may not share a base name.)
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from creatorroi.mmm.calendar import (
    calendar_controls,
    event_frame,
    holiday_family,
    holiday_frame,
    market_weights,
    slug,
    weekly,
)


def fired(frame: pd.DataFrame, day: str) -> dict[str, float]:
    row = frame.loc[pd.Timestamp(day)]
    return {k: float(v) for k, v in row.items() if v}


def test_black_friday_and_cyber_monday_2025() -> None:
    f = holiday_frame(date(2025, 11, 1), date(2025, 12, 10), ["IT"])
    assert fired(f, "2025-11-28") == {"holiday_black_friday": 1.0}
    assert fired(f, "2025-12-01") == {"holiday_cyber_monday": 1.0}
    assert f["holiday_black_friday"].sum() == 1.0
    # 2024: Thanksgiving 28 Nov, Black Friday 29 Nov, Cyber Monday 2 Dec
    f = holiday_frame(date(2024, 11, 1), date(2024, 12, 10), ["US"])
    assert fired(f, "2024-11-28") == {"holiday_thanksgiving": 1.0}
    assert f.loc["2024-11-29", "holiday_black_friday"] == 1.0
    assert f.loc["2024-12-02", "holiday_cyber_monday"] == 1.0


def test_chuseok_and_seollal_in_korea_2025() -> None:
    f = holiday_frame(date(2025, 1, 1), date(2025, 12, 31), ["KR"])
    # Chuseok 2025: 5-7 October, plus the substitute day on the 8th
    for day in ("2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08"):
        assert f.loc[day, "holiday_mid_autumn"] == 1.0
    assert f.loc["2025-10-04", "holiday_mid_autumn"] == 0.0
    # Seollal 2025: 28-30 January
    assert list(f.index[f["holiday_lunar_new_year"] > 0].strftime("%m-%d")) == \
        ["01-28", "01-29", "01-30"]
    assert f.loc["2025-11-11", "holiday_singles_day"] == 1.0
    assert f.loc["2025-12-25", "holiday_christmas"] == 1.0


def test_lunar_new_year_in_taiwan_2025() -> None:
    f = holiday_frame(date(2025, 1, 1), date(2025, 2, 28), ["TW"])
    assert f.loc["2025-01-29", "holiday_lunar_new_year"] == 1.0
    assert f.loc["2025-01-28", "holiday_lunar_new_year"] == 1.0  # New Year's Eve
    assert f.loc["2025-01-31", "holiday_lunar_new_year"] == 1.0
    assert f.loc["2025-02-01", "holiday_lunar_new_year"] == 0.0


def test_nowruz_in_iran_2025() -> None:
    f = holiday_frame(date(2025, 3, 1), date(2025, 4, 10), ["IR"])
    assert f.loc["2025-03-21", "holiday_nowruz"] == 1.0
    assert f.loc["2025-03-24", "holiday_nowruz"] == 1.0
    assert f.loc["2025-03-25", "holiday_nowruz"] == 0.0
    assert "holiday_christmas_shopping" not in f.columns


def test_easter_and_christmas_in_italy_2025() -> None:
    f = holiday_frame(date(2025, 4, 1), date(2025, 12, 31), ["IT"])
    assert f.loc["2025-04-20", "holiday_easter"] == 1.0   # Easter Sunday
    assert f.loc["2025-04-21", "holiday_easter"] == 1.0   # Pasquetta
    assert f.loc["2025-12-25", "holiday_christmas"] == 1.0
    assert f.loc["2025-12-26", "holiday_christmas"] == 1.0  # Santo Stefano
    window = f.index[f["holiday_christmas_shopping"] > 0]
    assert (window[0].date(), window[-1].date(), len(window)) == \
        (date(2025, 12, 15), date(2025, 12, 24), 10)
    assert "holiday_singles_day" not in f.columns      # not an Italian shopping day


def test_us_retail_days_from_unofficial_calendar() -> None:
    f = holiday_frame(date(2025, 1, 1), date(2025, 12, 31), ["US"])
    assert f.loc["2025-02-14", "holiday_valentines_day"] == 1.0
    assert f.loc["2025-04-20", "holiday_easter"] == 1.0
    assert f.loc["2025-05-11", "holiday_mothers_day"] == 1.0
    assert "holiday_groundhog_day" not in f.columns


def test_families_not_firing_are_dropped() -> None:
    f = holiday_frame(date(2025, 6, 1), date(2025, 6, 30), ["IT"])
    assert list(f.columns) == ["holiday_republic_day"]
    assert len(f) == 30 and f.index[0] == pd.Timestamp("2025-06-01")


def test_several_markets_share() -> None:
    f = holiday_frame(date(2025, 10, 1), date(2025, 10, 31), ["IT", "KR"])
    assert f.loc["2025-10-06", "holiday_mid_autumn"] == 0.5
    f = holiday_frame(date(2025, 10, 1), date(2025, 10, 31), {"IT": 3, "KR": 1})
    assert f.loc["2025-10-06", "holiday_mid_autumn"] == 0.25
    # KR's Chuseok and TW's Mid-Autumn Festival are one family
    f = holiday_frame(date(2025, 10, 6), date(2025, 10, 6), ["KR", "TW"])
    assert f.loc["2025-10-06", "holiday_mid_autumn"] == 1.0


def test_unknown_market_contributes_nothing() -> None:
    f = holiday_frame(date(2025, 11, 20), date(2025, 11, 30), ["ZZ"])
    assert f.loc["2025-11-28", "holiday_black_friday"] == 1.0  # retail days still hold
    assert market_weights(["it", "IT", " kr "]) == {"IT": 2 / 3, "KR": 1 / 3}
    assert market_weights([]) == {}


@pytest.mark.parametrize(("name", "family"), [
    ("Alternative holiday for Chuseok", "mid_autumn"),
    ("The day preceding Korean New Year", "lunar_new_year"),
    ("Chinese New Year's Eve", "lunar_new_year"),
    ("Chinese New Year (Spring Festival)", "lunar_new_year"),
    ("Nowruz Holiday", "nowruz"),
    ("Second Day of Christmas", "christmas"),
    ("Saint Stephen's Day", "christmas"),
    ("Christmas Day (observed)", "christmas"),
    ("Good Friday", "easter"),
    ("New Year's Eve", "new_year"),
    ("Islamic New Year", "islamic_new_year"),
    ("Eid al-Fitr* (estimated)", "eid_al_fitr"),
    ("Day off (substituted from 02/08/2025)", "day_off"),
    ("Temporary Public Holiday", "day_off"),
    ("Labor Day", "labour_day"),
    ("Labor Thanksgiving Day", "labor_thanksgiving_day"),
    ("Washington's Birthday", "washingtons_birthday"),
])
def test_holiday_family(name: str, family: str) -> None:
    assert holiday_family(name) == family


def test_slug() -> None:
    assert slug("Meta Ads") == "meta_ads"
    assert slug("김지수") == "gimjisu"
    assert slug("  ") == "x"


def events(*rows: tuple[object, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kind", "name", "starts_on", "ends_on", "market",
                                       "value"])


def test_events_by_hand() -> None:
    e = events(
        ("promotion", "Spring sale", date(2025, 3, 3), date(2025, 3, 5), "", 20.0),
        ("promotion", "Flash", date(2025, 3, 5), date(2025, 3, 6), "", None),
        ("price_change", "List price +5%", date(2025, 3, 4), date(2025, 3, 4), "", 5.0),
        ("price_change", "Temporary cut", date(2025, 3, 8), date(2025, 3, 9), "", -10.0),
        ("stockout", "Serum out", date(2025, 3, 2), date(2025, 3, 3), "IT", None),
        ("event", "Launch party", date(2025, 3, 7), date(2025, 3, 7), "", None),
        ("event", "US only", date(2025, 3, 7), date(2025, 3, 7), "US", 2.0),  # not a market
        ("promotion", "Old", date(2025, 1, 1), date(2025, 1, 31), "", 50.0),   # before
    )
    f = event_frame(date(2025, 3, 1), date(2025, 3, 10), e, ["IT"])
    assert list(f.columns) == ["promo", "price_change", "stockout", "event_launch_party"]
    assert list(f["promo"]) == [0, 0, 20, 20, 20, 1, 0, 0, 0, 0]
    assert list(f["price_change"]) == [0, 0, 0, 5, 5, 5, 5, -5, -5, 5]
    assert list(f["stockout"]) == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert list(f["event_launch_party"]) == [0, 0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert f.attrs["labels"]["event_launch_party"] == "Launch party"


def test_events_weighted_by_market() -> None:
    e = events(("stockout", "IT only", date(2025, 3, 2), date(2025, 3, 2), "it", None),
               ("promotion", "All", date(2025, 3, 3), date(2025, 3, 3), "", 10.0))
    f = event_frame(date(2025, 3, 1), date(2025, 3, 3), e, ["IT", "KR"])
    assert list(f["stockout"]) == [0, 0.5, 0]
    assert list(f["promo"]) == [0, 0, 10]
    assert event_frame(date(2025, 3, 1), date(2025, 3, 3), None, ["IT"]).columns.empty


def test_weekly_is_share_of_days() -> None:
    f = calendar_controls(date(2025, 11, 24), date(2025, 12, 7), ["IT"],
                          events(("promotion", "BF", date(2025, 11, 28), date(2025, 12, 1), "",
                                  None)))
    w = weekly(f)
    assert list(w.index) == [pd.Timestamp("2025-11-24"), pd.Timestamp("2025-12-01")]
    assert w.loc["2025-11-24", "holiday_black_friday"] == pytest.approx(1 / 7)
    assert w.loc["2025-12-01", "holiday_cyber_monday"] == pytest.approx(1 / 7)
    assert w.loc["2025-11-24", "promo"] == pytest.approx(3 / 7)
    assert w.loc["2025-12-01", "promo"] == pytest.approx(1 / 7)
    assert w.attrs["labels"]["holiday_black_friday"] == "Black Friday"
