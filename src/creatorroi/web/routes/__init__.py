"""One router per page family; each serves its HTML page and its ``/api`` twin."""

from fastapi import APIRouter

from creatorroi.web.routes import (
    auth,
    calendar,
    campaigns,
    imports,
    influencers,
    overview,
    settings,
    tracking,
)

ROUTERS: list[APIRouter] = [auth.router, overview.router, campaigns.router,
                            influencers.router, calendar.router, tracking.router,
                            imports.router, settings.router]
