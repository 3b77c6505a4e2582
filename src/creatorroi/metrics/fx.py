"""Dated exchange rates, as the user supplied them (``fx_rates`` import).

The rate for a day is the latest one on or before it; before the first known rate the first is
used (and reported as a data-quality warning). A pair may be given either way round: EUR->USD
rates convert USD to EUR by division. Arithmetic is Decimal throughout.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass
class RateTable:
    _rates: dict[tuple[str, str], list[tuple[date, Decimal]]] = field(
        default_factory=lambda: defaultdict(list))
    warnings: set[str] = field(default_factory=set)

    @classmethod
    def from_rows(cls, rows: list[tuple[str, str, date, Decimal]]) -> RateTable:
        table = cls()
        for base, quote, day, rate in rows:
            if isinstance(day, datetime):
                day = day.date()
            table._rates[(base, quote)].append((day, Decimal(rate)))
        for series in table._rates.values():
            series.sort()
        return table

    def rate(self, src: str, dst: str, day: date | None) -> Decimal | None:
        """Units of ``dst`` per unit of ``src`` on ``day`` (latest known when day is None)."""
        if src == dst:
            return Decimal(1)
        direct = self._lookup((src, dst), day)
        if direct is not None:
            return direct
        inverse = self._lookup((dst, src), day)
        if inverse is not None and inverse != 0:
            return Decimal(1) / inverse
        self.warnings.add(f"no exchange rate {src}->{dst}: amounts in {src} are left out")
        return None

    def _lookup(self, pair: tuple[str, str], day: date | None) -> Decimal | None:
        series = self._rates.get(pair)
        if not series:
            return None
        if day is None:
            return series[-1][1]
        if isinstance(day, datetime):  # pandas Timestamps are datetimes too
            day = day.date()
        i = bisect.bisect_right(series, (day, Decimal("Infinity")))
        if i == 0:
            self.warnings.add(f"{pair[0]}->{pair[1]} on {day} predates the first rate "
                              f"({series[0][0]}); the first rate was used")
            return series[0][1]
        return series[i - 1][1]
