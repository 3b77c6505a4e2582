"""The mix model's calendar controls: holidays per market, retail days, and the brand's events.

Why: sales swing with the calendar (never compare Q2 with Q4 blindly), and a model that is not
told about Black Friday credits it to whichever creator posted that week.

Holidays come from the maintained ``holidays`` library (public holidays of each market, plus
its unofficial days where they are retail days: Valentine's, Mother's Day, Halloween, Easter in
the US...). Days are grouped into *families*, one column each (``holiday_<family>``): the days
around a holiday (eve, second day, substitute day off) belong to it, and the same festival in
two markets is one family (Seollal and Taiwan's Chinese New Year are ``lunar_new_year``;
Chuseok and the Mid-Autumn Festival are ``mid_autumn``), so two markets do not give the model
two collinear columns. Substitute days off that belong to no festival are ``day_off``.

Retail days the library lacks, all chosen here:

* ``black_friday`` (the day after US Thanksgiving) and ``cyber_monday`` (three days later), in
  every market: the sales are global now;
* ``singles_day`` (11 November) in the markets where 11.11 is a shopping festival (East and
  South-East Asia, Korea included; not the US, where 11.11 is Veterans Day);
* ``christmas_shopping``, 15 to 24 December, in markets that keep Christmas as a holiday.

With several markets a column is the share of markets (equal weights, or the weights given)
for which the day is that holiday. The brand's own events (``market_events``) become
``promo`` (the discount in percent, or 1; the largest when promotions overlap),
``price_change`` (a step: from its first day the change holds, cumulated over changes; a change
that lasts several days reverts after its last day), ``stockout`` (1 on those days) and
``event_<name>`` (the value or 1). Columns that never fire in the range are left out. A weekly
control is the mean over the week's days: the share of the week that was a holiday.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import holidays
import numpy as np
import pandas as pd
from anyascii import anyascii

Markets = Sequence[str] | Mapping[str, float]

# Curated families: first match wins, on the English name with qualifiers removed.
_FAMILIES: tuple[tuple[str, str], ...] = (
    ("lunar_new_year", r"lunar new year|chinese new year|korean new year|seollal|"
                       r"spring festival|vietnamese new year|^tet\b"),
    ("mid_autumn", r"chuseok|mid-autumn|mid autumn|moon festival"),
    ("nowruz", r"nowruz|norouz|nowrouz|persian new year|iranian new year|^last day of year$"),
    ("islamic_new_year", r"islamic new year|hijri new year|muharram"),
    ("eid_al_fitr", r"eid al-fitr|eid ul-fitr|eid-ul-fitr|ramadan feast|hari raya puasa"),
    ("eid_al_adha", r"eid al-adha|eid ul-adha|eid-ul-adha|sacrifice feast|hari raya haji"),
    ("christmas", r"christmas|boxing day|st\.? stephen|saint stephen"),
    ("easter", r"easter|good friday|holy thursday|holy saturday|maundy thursday|holy week"),
    ("new_year", r"new year"),
    ("thanksgiving", r"^thanksgiving"),
    ("valentines_day", r"valentine"),
    ("mothers_day", r"mother'?s day"),
    ("fathers_day", r"father'?s day"),
    ("halloween", r"halloween"),
    ("labour_day", r"^(international )?(labou?r|workers'?) day$|^may day$"),
    ("day_off", r"^day off|^substitute holiday$|^temporary public holiday$|^bridge|"
                r"^additional (public )?holiday$|^special (non-working )?holiday$"),
)
_COMPILED = tuple((fam, re.compile(rx)) for fam, rx in _FAMILIES)
# Families an unofficial calendar may add: only days people shop for.
RETAIL_FAMILIES = frozenset({"valentines_day", "easter", "mothers_day", "fathers_day",
                             "halloween", "christmas", "new_year", "thanksgiving"})
_PREFIXES = ("alternative holiday for ", "substitute holiday for ", "the day preceding ",
             "the day before ", "day before ", "the second day of ", "second day of ",
             "the third day of ", "third day of ", "the day after ", "day after ")
_SUFFIXES = (" holidays", " holiday", "'s eve", " eve", " (observed)")

LABELS: dict[str, str] = {
    "holiday_lunar_new_year": "Lunar New Year (Seollal, Chinese New Year)",
    "holiday_mid_autumn": "Chuseok / Mid-Autumn Festival",
    "holiday_nowruz": "Nowruz",
    "holiday_christmas": "Christmas",
    "holiday_easter": "Easter",
    "holiday_new_year": "New Year",
    "holiday_black_friday": "Black Friday",
    "holiday_cyber_monday": "Cyber Monday",
    "holiday_singles_day": "Singles' Day (11.11)",
    "holiday_christmas_shopping": "Christmas shopping (15-24 Dec)",
    "holiday_day_off": "Substitute day off",
    "promo": "Promotions",
    "price_change": "Price change",
    "stockout": "Stock-outs",
}
SINGLES_DAY_MARKETS = frozenset({"CN", "HK", "MO", "TW", "SG", "MY", "ID", "TH", "VN", "PH",
                                 "KR"})
CHRISTMAS_SHOPPING = ((12, 15), (12, 24))
EVENT_KINDS = ("promotion", "price_change", "stockout", "event")


def slug(text: object) -> str:
    """``Meta Ads`` -> ``meta_ads``, ``김지수`` -> ``gimjisu``: a safe, readable name part."""
    raw = re.sub(r"['’]", "", anyascii(str(text)).casefold())
    out = re.sub(r"[^a-z0-9]+", "_", raw).strip("_")
    return out or "x"


def holiday_family(name: str) -> str:
    """The family slug of one holiday name as the library writes it (English)."""
    text = " ".join(name.casefold().split())
    text = re.sub(r"\s*\*?\s*\([^)]*\)", "", text).strip()
    full = text
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if text.startswith(p):
                text, changed = text[len(p):], True
        for s in _SUFFIXES:
            if text.endswith(s) and len(text) > len(s):
                text, changed = text[: -len(s)], True
    for candidate in (text, full):
        for family, rx in _COMPILED:
            if rx.search(candidate):
                return family
    return slug(text)


def market_weights(markets: Markets) -> dict[str, float]:
    """Upper-case market codes with weights summing to 1 (equal unless given)."""
    if isinstance(markets, Mapping):
        items = [(str(k).strip().upper(), float(v)) for k, v in markets.items()]
    else:
        items = [(str(k).strip().upper(), 1.0) for k in markets]
    merged: dict[str, float] = {}
    for k, v in items:
        if k and v > 0:
            merged[k] = merged.get(k, 0.0) + v
    total = sum(merged.values())
    return {k: v / total for k, v in sorted(merged.items())} if total else {}


def _days(start: date, end: date) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq="D", name="date")


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def _library(market: str, years: list[int]) -> tuple[dict[date, set[str]], bool]:
    """Families per day of one market from the library; False when it knows no such market."""
    try:
        probe = holidays.country_holidays(market)
    except (NotImplementedError, KeyError, AttributeError):
        return {}, False
    lang = "en_US" if "en_US" in getattr(probe, "supported_languages", ()) else None
    cats = getattr(probe, "supported_categories", ("public",))
    out: dict[date, set[str]] = {}
    for cat in ("public", "unofficial"):
        if cat not in cats:
            continue
        cal = holidays.country_holidays(market, years=years, language=lang, categories=(cat,))
        for day, names in cal.items():
            for name in str(names).split("; "):
                fam = holiday_family(name)
                if cat == "public" or fam in RETAIL_FAMILIES:
                    out.setdefault(day, set()).add(fam)
    return out, True


def market_holidays(market: str, start: date, end: date) -> dict[date, set[str]]:
    """Every family that fires on each day of [start, end] in one market, retail days too."""
    years = list(range(start.year, end.year + 1))
    out, _ = _library(market, years)
    for year in years:
        bf = _thanksgiving(year) + timedelta(days=1)
        out.setdefault(bf, set()).add("black_friday")
        out.setdefault(bf + timedelta(days=3), set()).add("cyber_monday")
        if market in SINGLES_DAY_MARKETS:
            out.setdefault(date(year, 11, 11), set()).add("singles_day")
        if any("christmas" in f and d.year == year for d, f in out.items()):
            (m0, d0), (m1, d1) = CHRISTMAS_SHOPPING
            day = date(year, m0, d0)
            while day <= date(year, m1, d1):
                out.setdefault(day, set()).add("christmas_shopping")
                day += timedelta(days=1)
    return {d: f for d, f in out.items() if start <= d <= end}


def holiday_frame(start: date, end: date, markets: Markets) -> pd.DataFrame:
    """One ``holiday_<family>`` column per family firing in the range; a day's value is the
    weighted share of markets observing it. Unknown market codes contribute nothing."""
    index = _days(start, end)
    cols: dict[str, np.ndarray] = {}
    pos = {d.date(): i for i, d in enumerate(index)}
    for market, weight in market_weights(markets).items():
        for day, fams in market_holidays(market, start, end).items():
            for fam in fams:
                col = cols.setdefault(f"holiday_{fam}", np.zeros(len(index)))
                col[pos[day]] += weight
    frame = pd.DataFrame({k: cols[k] for k in sorted(cols)}, index=index)
    frame.attrs["labels"] = {c: LABELS.get(c, _humanize(c.removeprefix("holiday_")))
                             for c in frame.columns}
    return frame


def _humanize(text: str) -> str:
    words = text.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _as_date(value: Any) -> date:
    return pd.Timestamp(value).date()


def event_frame(start: date, end: date, events: pd.DataFrame | None,
                markets: Markets) -> pd.DataFrame:
    """``promo``, ``price_change``, ``stockout`` and ``event_<name>`` from ``market_events``
    rows (kind, name, starts_on, ends_on, market, value); see the module doc for each.

    An event of market ``''`` holds everywhere; one for a market outside ``markets`` counts
    for nothing (the caller picks the markets). Unknown kinds are ignored.
    """
    index = _days(start, end)
    weights = market_weights(markets)
    labels: dict[str, str] = {}
    per_market: dict[tuple[str, str], np.ndarray] = {}
    n = len(index)
    day0 = pd.Timestamp(start)
    rows: Iterable[Any] = () if events is None else events.itertuples(index=False)
    for e in rows:
        kind = str(e.kind).strip().casefold()
        if kind not in EVENT_KINDS:
            continue
        s, t = _as_date(e.starts_on), _as_date(e.ends_on)
        value = 1.0 if e.value is None or pd.isna(e.value) else float(e.value)
        market = "" if e.market is None or pd.isna(e.market) else str(e.market).strip().upper()
        targets = list(weights) if market == "" else [market] if market in weights else []
        if kind == "price_change" and t <= s:
            t = max(end, s)  # a one-day row is a lasting change
        i0 = max((pd.Timestamp(s) - day0).days, 0)
        i1 = min((pd.Timestamp(t) - day0).days, n - 1)
        if i1 < i0:
            continue
        if kind == "event":
            col = f"event_{slug(e.name)}"
            labels[col] = str(e.name)
        else:
            col = {"promotion": "promo", "price_change": "price_change",
                   "stockout": "stockout"}[kind]
        for m in targets:
            arr = per_market.setdefault((col, m), np.zeros(n))
            if kind == "price_change":
                arr[i0:i1 + 1] += value
            elif kind == "stockout":
                arr[i0:i1 + 1] = 1.0
            else:
                arr[i0:i1 + 1] = np.maximum(arr[i0:i1 + 1], value)
    cols: dict[str, np.ndarray] = {}
    for (col, m), arr in per_market.items():
        cols.setdefault(col, np.zeros(n))
        cols[col] = cols[col] + weights[m] * arr
    keep = {c: v for c, v in cols.items() if np.any(v != 0)}
    order: list[str] = [c for c in ("promo", "price_change", "stockout") if c in keep]
    order += sorted(c for c in keep if c.startswith("event_"))
    frame = pd.DataFrame({c: keep[c] for c in order}, index=index)
    frame.attrs["labels"] = {c: labels.get(c, LABELS.get(c, _humanize(c))) for c in order}
    return frame


def calendar_controls(start: date, end: date, markets: Markets,
                      events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Holidays and events by day (index: every day of [start, end], named ``date``)."""
    hol = holiday_frame(start, end, markets)
    ev = event_frame(start, end, events, markets)
    frame = pd.concat([hol, ev], axis=1)
    frame.attrs["labels"] = {**hol.attrs["labels"], **ev.attrs["labels"]}
    return frame


def weekly(frame: pd.DataFrame) -> pd.DataFrame:
    """Daily controls as the mean over each ISO week's days, indexed by the week's Monday."""
    idx = pd.DatetimeIndex(frame.index)
    mondays = (idx - pd.to_timedelta(idx.day_of_week, unit="D")).rename("date")
    out = frame.groupby(mondays).mean()
    out.attrs["labels"] = dict(frame.attrs.get("labels", {}))
    return out
