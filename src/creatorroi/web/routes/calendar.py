"""The content calendar: every deliverable's planned day against its publishing day."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import get_day_names
from fastapi import APIRouter
from fastapi.responses import Response

from creatorroi.dashboard import Page, Period
from creatorroi.dashboard.calendar import STATUS_LABELS, content_calendar
from creatorroi.web.deps import Ctx, PeriodQ, Viewer
from creatorroi.web.render import PageOut, api_page, cached_page, page_response
from creatorroi.web.routes.campaigns import AsOf, today_of

router = APIRouter()


def _page(ctx: Ctx, p: Period, today: date) -> Page:
    return cached_page(ctx, "calendar", (p.start, p.end, today),
                       lambda: content_calendar(ctx.ws, p, today))


@router.get("/w/{ws}/calendar", include_in_schema=False)
def calendar_page(ctx: Viewer, p: PeriodQ, as_of: AsOf = None) -> Response:
    names = get_day_names("abbreviated", locale=ctx.fmt.locale)
    return page_response(ctx, _page(ctx, p, today_of(ctx, as_of)), "calendar.html.j2",
                         weekdays=[str(names[i]) for i in range(7)],
                         status_labels=STATUS_LABELS)


@router.get("/api/w/{ws}/calendar", response_model=PageOut, tags=["pages"],
            summary="Content calendar: each deliverable planned vs published (on time, late, "
                    "early, missing, upcoming), counts per campaign and influencer")
def calendar_api(ctx: Viewer, p: PeriodQ, as_of: AsOf = None) -> dict[str, Any]:
    return api_page(_page(ctx, p, today_of(ctx, as_of)))
