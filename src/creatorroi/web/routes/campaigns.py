"""Campaigns: the list with a form to start one, one campaign with its SMART goals, and their
JSON twins (read and write).

Forms re-render with status 422, the values kept and each message beside its field, so a
marketer never retypes a campaign; the API answers 422 naming the field, or 409 for an id
already taken. Writes hold the server lock: the store's one connection is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from creatorroi.campaigns import (
    ID_PATTERN,
    NAME_MAX,
    TEXT_MAX,
    DuplicateError,
    FieldError,
    add_goal,
    create_campaign,
)
from creatorroi.dashboard import Page, Period
from creatorroi.dashboard.campaigns import (
    PACE_LABELS,
    campaign_detail,
    campaign_list,
    campaign_rows,
    local_today,
)
from creatorroi.errors import NotFoundError
from creatorroi.metrics.registry import REGISTRY
from creatorroi.model.enums import FunnelStage, GoalFamily, Platform
from creatorroi.model.roles import Role
from creatorroi.report.render.fmt import Formatter
from creatorroi.report.vocab import GOAL_FAMILIES, PLATFORM_WORDS, PLATFORMS, STAGES
from creatorroi.web.deps import Analyst, Ctx, PeriodQ, Viewer, WebError
from creatorroi.web.render import PageOut, api_page, cached_page, page_response, render

router = APIRouter()

AsOf = Annotated[date | None, Query(
    description="judge goals and deliverables as of this local day (ISO date); default: today "
                "in the workspace's time zone")]
FormText = Annotated[str, Form()]
# ID_PATTERN for an <input pattern>: browsers compile it with the "v" flag, where a literal
# "-" inside a class must be escaped.
HTML_ID_PATTERN = r"[A-Za-z0-9_\-]{1,64}"

CAMPAIGN_FIELDS = ("id", "name", "goal_family", "funnel_stage", "starts_on", "ends_on",
                   "always_on", "business_goal", "message", "budget", "budget_currency")
GOAL_FIELDS = ("metric", "target", "baseline", "starts_on", "deadline", "influencer_id",
               "platform", "description")


# -- page data -------------------------------------------------------------------------------
def today_of(ctx: Ctx, as_of: date | None) -> date:
    return as_of or local_today(ctx.ws)


def _list(ctx: Ctx, p: Period, today: date) -> Page:
    return cached_page(ctx, "campaigns", (p.start, p.end, today),
                       lambda: campaign_list(ctx.ws, p, today))


def _detail(ctx: Ctx, cid: str, p: Period, today: date) -> Page:
    return cached_page(ctx, "campaign", (cid, p.start, p.end, today),
                       lambda: campaign_detail(ctx.ws, cid, p, today))


def _error(ctx: Ctx, e: FieldError) -> dict[str, dict[str, Any]]:
    """The message for its field, its dates written as the user's language writes them."""
    values = {k: ctx.fmt.value(v, "date") if isinstance(v, date) else v
              for k, v in e.values.items()}
    return {e.field: {"msgid": e.msgid, "values": values}}


def _parse_date(field: str, text: str, required: bool = False) -> date | None:
    text = text.strip()
    if not text:
        if required:
            raise FieldError(field, "This field is required.")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(field, "Enter a date.") from None


def _parse_number(field: str, text: str) -> Decimal | None:
    """Number inputs send a plain decimal ("1500.5") whatever the page's language."""
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FieldError(field, "Enter a number.") from None
    if not value.is_finite():
        raise FieldError(field, "Enter a number.")
    return value


def _options(ctx: Ctx) -> dict[str, Any]:
    """What the forms offer: goal families, funnel stages, KPIs, creators, platforms."""
    with ctx.server.lock:
        creators = ctx.server.store.fetch(
            "SELECT id, name FROM influencers WHERE workspace_id = ? ORDER BY name, id",
            [ctx.ws.id])
    platforms = [(p.value, PLATFORMS.get(p.value) or PLATFORM_WORDS.get(p.value, p.value))
                 for p in Platform]
    return {"families": list(GOAL_FAMILIES.items()), "stages": list(STAGES.items()),
            "metrics": [(k.name, k.label) for k in REGISTRY.values()],
            "creators": creators, "platforms": platforms, "pace_labels": PACE_LABELS,
            "can_edit": ctx.allows(Role.ANALYST), "id_pattern": HTML_ID_PATTERN,
            "name_max": NAME_MAX, "text_max": TEXT_MAX, "money_in": _money_in(ctx)}


def _blank_campaign(ctx: Ctx) -> dict[str, str]:
    return {**dict.fromkeys(CAMPAIGN_FIELDS, ""), "budget_currency": ctx.ws.currency}


# -- HTML ------------------------------------------------------------------------------------
@router.get("/w/{ws}/campaigns", include_in_schema=False)
def campaigns_page(ctx: Viewer, p: PeriodQ, as_of: AsOf = None) -> Response:
    return page_response(ctx, _list(ctx, p, today_of(ctx, as_of)), "campaigns.html.j2",
                         form=_blank_campaign(ctx), errors={}, **_options(ctx))


@router.post("/w/{ws}/campaigns", include_in_schema=False)
def create_campaign_form(ctx: Analyst, id: FormText = "", name: FormText = "",
                         goal_family: FormText = "", funnel_stage: FormText = "",
                         starts_on: FormText = "", ends_on: FormText = "",
                         always_on: FormText = "", business_goal: FormText = "",
                         message: FormText = "", budget: FormText = "",
                         budget_currency: FormText = "") -> Response:
    values = {"id": id.strip(), "name": name, "goal_family": goal_family,
              "funnel_stage": funnel_stage, "starts_on": starts_on, "ends_on": ends_on,
              "always_on": "on" if always_on else "", "business_goal": business_goal,
              "message": message, "budget": budget, "budget_currency": budget_currency}
    try:
        start = _parse_date("starts_on", starts_on, required=True)
        assert start is not None
        end = _parse_date("ends_on", ends_on)
        amount = _parse_number("budget", budget)
        with ctx.server.lock:
            create_campaign(ctx.ws, id=values["id"], name=name, goal_family=goal_family,
                            funnel_stage=funnel_stage, starts_on=start, ends_on=end,
                            always_on=bool(always_on), business_goal=business_goal,
                            message=message, budget=amount,
                            budget_currency=budget_currency.strip() or None)
    except FieldError as e:
        today = local_today(ctx.ws)
        return render(ctx.request, "campaigns.html.j2", ctx=ctx, status=422,
                      page=_list(ctx, Period(), today), form=values, errors=_error(ctx, e),
                      **_options(ctx))
    return RedirectResponse(f"/w/{ctx.ws.id}/campaigns/{values['id']}", status_code=303)


@router.get("/w/{ws}/campaigns/{cid}", include_in_schema=False)
def campaign_page(ctx: Viewer, cid: str, p: PeriodQ, as_of: AsOf = None) -> Response:
    page = _detail(ctx, cid, p, today_of(ctx, as_of))
    return page_response(ctx, page, "campaign.html.j2", form=dict.fromkeys(GOAL_FIELDS, ""),
                         errors={}, **_options(ctx))


def _money_in(ctx: Ctx) -> Callable[[Decimal, str], str]:
    """Money in a currency of its own (a budget agreed in dollars), in the user's language."""
    def show(value: Decimal, currency: str) -> str:
        return Formatter(ctx.lang, currency, ctx.ws.timezone).money(value)
    return show


@router.post("/w/{ws}/campaigns/{cid}/goals", include_in_schema=False)
def add_goal_form(ctx: Analyst, cid: str, metric: FormText = "", target: FormText = "",
                  baseline: FormText = "", starts_on: FormText = "", deadline: FormText = "",
                  influencer_id: FormText = "", platform: FormText = "",
                  description: FormText = "") -> Response:
    values = {"metric": metric, "target": target, "baseline": baseline,
              "starts_on": starts_on, "deadline": deadline, "influencer_id": influencer_id,
              "platform": platform, "description": description}
    today = local_today(ctx.ws)
    page = _detail(ctx, cid, Period(), today)     # 404 for an unknown campaign
    try:
        goal_target = _parse_number("target", target)
        if goal_target is None:
            raise FieldError("target", "This field is required.")
        goal_base = _parse_number("baseline", baseline)
        start = _parse_date("starts_on", starts_on)
        due = _parse_date("deadline", deadline, required=True)
        assert due is not None
        with ctx.server.lock:
            add_goal(ctx.ws, campaign_id=cid, metric=metric, target=goal_target,
                     deadline=due, baseline=goal_base, starts_on=start,
                     influencer_id=influencer_id or None, platform=platform or None,
                     description=description or None)
    except FieldError as e:
        return render(ctx.request, "campaign.html.j2", ctx=ctx, status=422, page=page,
                      form=values, errors=_error(ctx, e), **_options(ctx))
    return RedirectResponse(f"/w/{ctx.ws.id}/campaigns/{cid}#goals", status_code=303)


# -- API -------------------------------------------------------------------------------------
@router.get("/api/w/{ws}/campaigns", response_model=PageOut, tags=["pages"],
            summary="Campaigns: results in the period, budget and goals met per campaign")
def campaigns_api(ctx: Viewer, p: PeriodQ, as_of: AsOf = None) -> dict[str, Any]:
    return api_page(_list(ctx, p, today_of(ctx, as_of)))


@router.get("/api/w/{ws}/campaigns/{cid}", response_model=PageOut, tags=["pages"],
            summary="One campaign: results, budget used, SMART goals and their pace, "
                    "results by influencer, costs by category, trend")
def campaign_api(ctx: Viewer, cid: str, p: PeriodQ, as_of: AsOf = None) -> dict[str, Any]:
    return api_page(_detail(ctx, cid, p, today_of(ctx, as_of)))


Id = Annotated[str, Field(pattern=ID_PATTERN, description="letters, digits, '-' or '_'")]


class CampaignIn(BaseModel):
    """A new campaign; a budget without a currency is in the workspace's currency."""

    model_config = ConfigDict(extra="forbid")

    id: Id
    name: str = Field(min_length=1, max_length=NAME_MAX)
    goal_family: GoalFamily
    funnel_stage: FunnelStage
    starts_on: date
    ends_on: date | None = None
    always_on: bool = False
    business_goal: str | None = Field(None, max_length=TEXT_MAX)
    message: str | None = Field(None, max_length=TEXT_MAX)
    budget: Decimal | None = Field(None, ge=0, max_digits=18)
    budget_currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")


class CampaignOut(BaseModel):
    id: str
    name: str
    goal_family: str
    funnel_stage: str
    starts_on: date
    ends_on: date | None
    always_on: bool
    business_goal: str | None
    message: str | None
    budget: Decimal | None = Field(description="an exact decimal string")
    budget_currency: str | None


class GoalIn(BaseModel):
    """A SMART goal: a KPI (see `creatorroi kpis --list`), its target and its deadline."""

    model_config = ConfigDict(extra="forbid")

    id: Id | None = Field(None, description="made from the campaign and metric when omitted")
    metric: str = Field(min_length=1, max_length=64)
    target: Decimal = Field(gt=0, max_digits=20, decimal_places=4)
    baseline: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=4)
    starts_on: date | None = Field(None, description="defaults to the campaign's start")
    deadline: date
    influencer_id: Id | None = None
    platform: Platform | None = None
    description: str | None = Field(None, max_length=TEXT_MAX)


class GoalOut(BaseModel):
    id: str
    campaign_id: str
    metric: str
    target: Decimal
    baseline: Decimal | None
    starts_on: date | None
    deadline: date
    influencer_id: str | None
    platform: str | None
    description: str | None


def _api_error(e: FieldError) -> WebError:
    return WebError(409 if isinstance(e, DuplicateError) else 422, e.msgid, field=e.field,
                    **e.values)


@router.post("/api/w/{ws}/campaigns", response_model=CampaignOut, status_code=201,
             tags=["campaigns"], summary="Create a campaign")
def create_campaign_api(ctx: Analyst, body: CampaignIn) -> dict[str, Any]:
    with ctx.server.lock:
        try:
            create_campaign(ctx.ws, id=body.id, name=body.name,
                            goal_family=body.goal_family.value,
                            funnel_stage=body.funnel_stage.value, starts_on=body.starts_on,
                            ends_on=body.ends_on, always_on=body.always_on,
                            business_goal=body.business_goal, message=body.message,
                            budget=body.budget, budget_currency=body.budget_currency)
        except FieldError as e:
            raise _api_error(e) from None
        row = campaign_rows(ctx.ws, body.id)[0]
    return {k: row[k] for k in CampaignOut.model_fields}


@router.post("/api/w/{ws}/campaigns/{cid}/goals", response_model=GoalOut, status_code=201,
             tags=["campaigns"], summary="Add a SMART goal to a campaign")
def add_goal_api(ctx: Analyst, cid: str, body: GoalIn) -> dict[str, Any]:
    with ctx.server.lock:
        if not campaign_rows(ctx.ws, cid):
            raise NotFoundError(f"no campaign {cid!r} in workspace {ctx.ws.id!r}")
        try:
            goal_id = add_goal(ctx.ws, campaign_id=cid, metric=body.metric,
                               target=body.target, deadline=body.deadline,
                               baseline=body.baseline, starts_on=body.starts_on,
                               influencer_id=body.influencer_id,
                               platform=body.platform.value if body.platform else None,
                               description=body.description, id=body.id)
        except FieldError as e:
            raise _api_error(e) from None
        rows = ctx.server.store.fetch(
            "SELECT id, campaign_id, metric, target, baseline, starts_on, deadline, "
            "influencer_id, platform, description FROM goals WHERE workspace_id = ? AND id = ?",
            [ctx.ws.id, goal_id])
    return dict(zip(GoalOut.model_fields, rows[0], strict=True))
