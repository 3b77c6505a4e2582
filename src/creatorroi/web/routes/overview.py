"""The overview: the programme's spend, revenue, ROI and performers for a period."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from creatorroi.dashboard import Period
from creatorroi.dashboard.overview import overview
from creatorroi.web.deps import Ctx, PeriodQ, Viewer
from creatorroi.web.render import PageOut, api_page, cached_page, page_response

router = APIRouter()


def _page(ctx: Ctx, p: Period) -> Any:
    return cached_page(ctx, "overview", (p.start, p.end), lambda: overview(ctx.ws, p))


@router.get("/w/{ws}", include_in_schema=False)
def overview_page(ctx: Viewer, p: PeriodQ) -> Response:
    return page_response(ctx, _page(ctx, p), "overview.html.j2")


@router.get("/api/w/{ws}/overview", response_model=PageOut, tags=["pages"],
            summary="Overview: spend, revenue, ROI, ROAS, orders, performers, trend")
def overview_api(ctx: Viewer, p: PeriodQ) -> dict[str, Any]:
    return api_page(_page(ctx, p))
