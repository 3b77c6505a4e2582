"""Values as a store hands them back, in one Python type whichever backend or frame held them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd


def as_date(value: Any) -> date | None:
    """A DATE column's value: DuckDB and PostgreSQL give ``date``, a DataFrame a ``Timestamp``
    or ``NaT``, a missing value ``None``."""
    # NaT is a datetime subclass, so it is tested before the isinstance checks below
    if value is None or value is pd.NaT or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()
