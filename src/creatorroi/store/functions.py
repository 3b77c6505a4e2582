"""SQL functions both backends share under one name, declared once for Ibis."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt


@ibis.udf.scalar.builtin(signature=((dt.string, dt.Timestamp(timezone="UTC")), dt.timestamp))
def timezone(zone, ts):
    """DuckDB's and PostgreSQL's ``timezone(zone, timestamptz)``: the local wall time."""
