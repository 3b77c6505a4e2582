"""What each web page shows, as data: the web app renders it and serves it as JSON.

Each page is a function ``(Workspace, filters) -> Page`` built from the core's numbers, with no
HTTP in sight, so the HTML page, its JSON API route and its CSV exports cannot disagree and a
test can compare every figure with ``ws.kpis``. Values use the report's neutral model (figures,
tables, charts with English msgids and typed values), so the web and the PDF format alike.
"""

from creatorroi.dashboard.page import Page, Period, page_json, table_csv

__all__ = ["Page", "Period", "page_json", "table_csv"]
