"""The imports page's data: every file imported into the workspace, newest first.

A page like the others (``Page`` with one table), so the HTML, its CSV export and the JSON
API read the same rows. Not cached by revision: an import that changes nothing still adds a
history row without raising the revision, and this query is one small read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from creatorroi.dashboard.page import Page
from creatorroi.report.common import table

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

SHA_SHOWN = 12   # enough to tell two files apart at a glance; the CSV has the same


def history(ws: Workspace, limit: int | None = None) -> Page:
    sql = ("SELECT imported_at, kind, file_name, rows_read, rows_new, rows_changed, sha256 "
           "FROM imports WHERE workspace_id = ? ORDER BY imported_at DESC, id")
    rows = ws.store.fetch(sql + (f" LIMIT {int(limit)}" if limit else ""), [ws.id])
    t = table("history", "Import history",
              [("imported_at", "When", "datetime"), ("kind", "Kind", "text"),
               ("file", "File", "text"), ("rows_read", "Rows read", "count"),
               ("new", "New", "count"), ("changed", "Changed", "count"),
               ("sha256", "SHA-256", "text")],
              [[at, kind, name, read, new, changed, (sha or "")[:SHA_SHOWN]]
               for at, kind, name, read, new, changed, sha in rows])
    return Page("imports", "Imports", ws.currency, tables=(t,),
                extra={"imports": len(rows)})
