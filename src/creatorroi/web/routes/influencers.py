"""The influencer pages: the list with tiers and KPIs, and one influencer's full record."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from creatorroi.dashboard import Page, Period
from creatorroi.dashboard.influencers import influencer_detail, influencer_list
from creatorroi.errors import NotFoundError
from creatorroi.web.deps import Ctx, PeriodQ, Viewer, WebError
from creatorroi.web.render import PageOut, api_page, cached_page, page_response

router = APIRouter()


def _list(ctx: Ctx, p: Period) -> Page:
    return cached_page(ctx, "influencers", (p.start, p.end), lambda: influencer_list(ctx.ws, p))


def _detail(ctx: Ctx, iid: str, p: Period) -> Page:
    # the workspace's own today: "days since the latest post" must not flip at UTC midnight
    today = datetime.now(ZoneInfo(ctx.ws.timezone)).date()
    try:
        return cached_page(ctx, "influencer", (iid, p.start, p.end),
                           lambda: influencer_detail(ctx.ws, iid, p, today))
    except NotFoundError:
        raise WebError(404, "No influencer {influencer} in this workspace.", field="iid",
                       influencer=iid) from None


@router.get("/w/{ws}/influencers", include_in_schema=False)
def influencers_page(ctx: Viewer, p: PeriodQ) -> Response:
    return page_response(ctx, _list(ctx, p), "influencers.html.j2")


@router.get("/w/{ws}/influencers/{iid}", include_in_schema=False)
def influencer_page(ctx: Viewer, iid: str, p: PeriodQ) -> Response:
    return page_response(ctx, _detail(ctx, iid, p), "influencer.html.j2")


@router.get("/api/w/{ws}/influencers", response_model=PageOut, tags=["pages"],
            summary="Influencers: tier, followers, platforms and KPIs against the tier")
def influencers_api(ctx: Viewer, p: PeriodQ) -> dict[str, Any]:
    return api_page(_list(ctx, p))


@router.get("/api/w/{ws}/influencers/{iid}", response_model=PageOut, tags=["pages"],
            summary="One influencer: accounts, posts and snapshots, assets, costs, pay, "
                    "benchmarks")
def influencer_api(ctx: Viewer, iid: str, p: PeriodQ) -> dict[str, Any]:
    return api_page(_detail(ctx, iid, p))
