"""The settings page: currency, time zone, locale, EMV rate card, tiers, attribution, members.

Everyone in the workspace reads it; only an owner changes it. A refused save answers 422 with
the page as typed and a message beside each field in the reader's language; a save that
passes goes through ``creatorroi.workspace_settings`` (one transaction, revision raised,
attribution marked stale) and redirects back with a notice.

Messages: a problem the ingest already words (an unknown time zone, a bad currency code, a
number that is not one) keeps the ingest's msgid, so it arrives translated from the catalog
the web shares with the importer; the others are msgids of the web's own catalog.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from creatorroi.dashboard.settings import settings_view
from creatorroi.model.roles import Role
from creatorroi.report.vocab import EMV_ACTIONS, Words
from creatorroi.web.deps import Ctx, Owner, Viewer
from creatorroi.web.i18n import NATIVE_NAMES
from creatorroi.web.render import render
from creatorroi.workspace_settings import (
    ACTIONS,
    METHODS,
    PLATFORMS,
    TIERS,
    EmvRate,
    Problem,
    SettingsChange,
    SettingsInvalid,
    apply,
    emv_card,
    remove_member,
    set_member,
    time_zones,
    validate,
)

router = APIRouter()

_RATE_FIELD = re.compile(r"^emv\.([a-z_]+)\.([a-z_]+)\.rate$")
# The tables that lock the currency (workspace_settings.MONEY_TABLES), as the page names them.
LOCK_LABELS = {"orders": "Orders", "costs": "Costs", "pay_terms": "Pay terms", "goals": "Goals",
               "campaigns": "Campaigns", "sessions": "Sessions"}
# Thousands separators people type in a whole number: 10,000 / 10.000 / 10 000 / 10'000.
_GROUPING = re.compile(r"[,.'\s\u00a0\u202f_]")


def _say(ctx: Ctx, p: Problem) -> str:
    """A problem in the reader's language (the tables that lock the currency named in it)."""
    values = dict(p.values)
    if "tables" in values:
        values["tables"] = Words(ctx.tr, ctx.lang).join(
            ctx.tr(LOCK_LABELS.get(t, t)) for t in str(values["tables"]).split(", "))
    return ctx.tr(p.msgid, **values)


def _messages(ctx: Ctx, problems: list[Problem]) -> dict[str, str]:
    """Each field's first problem."""
    out: dict[str, str] = {}
    for p in problems:
        out.setdefault(p.field, _say(ctx, p))
    return out


# -- reading the form ----------------------------------------------------------------------
def _whole(text: str) -> int | None:
    digits = _GROUPING.sub("", text)
    return int(digits) if digits.isdigit() else None


def _decimal(text: str) -> Decimal | None:
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # 0,10 as an Italian keyboard writes it
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def change_from_form(form: Mapping[str, str]) -> tuple[SettingsChange, list[Problem]]:
    """The change a settings form asks for, and what could not even be read (a letter in a
    number, a missing value). Every field is read, so every problem is reported at once."""
    problems: list[Problem] = []

    def text(name: str) -> str:
        return form.get(name, "").strip()

    def required(name: str) -> str | None:
        value = text(name)
        if not value:
            problems.append(Problem(name, "required value is missing"))
        return value or None

    def whole(name: str) -> int | None:
        value = text(name)
        if not value:
            problems.append(Problem(name, "required value is missing"))
            return None
        number = _whole(value)
        if number is None:
            problems.append(Problem(name, "'{value}' is not a whole number", {"value": value}))
        return number

    change = SettingsChange(currency=required("currency"), timezone=required("timezone"),
                            locale=required("locale"))
    tiers = {t: n for t in TIERS if (n := whole(f"tiers.{t}")) is not None}
    change.tiers = tiers or None
    change.window_days = whole("attribution.window_days")
    score_text = text("attribution.survey_min_score")
    score = _decimal(score_text)
    if score is None:
        problems.append(Problem("attribution.survey_min_score", "'{value}' is not a number",
                                {"value": score_text}) if score_text else
                        Problem("attribution.survey_min_score", "required value is missing"))
    else:
        change.survey_min_score = float(score)
    priority = [text(f"attribution.priority.{i}") for i in range(len(METHODS))]
    if any(priority):
        change.priority = priority
    change.emv_rates = _card_from_form(form, problems)
    return change, problems


def _card_from_form(form: Mapping[str, str],
                    problems: list[Problem]) -> list[EmvRate] | None:
    """The rate card as posted; None (keep it) when the form carries no card at all, so a
    form without the card's rows can never wipe it. Removing every row is done by ticking
    every row's box."""
    if not any(_RATE_FIELD.match(name) for name in form) and \
            not form.get("emv.new.rate", "").strip():
        return None
    card: list[EmvRate] = []
    for name in form:
        match = _RATE_FIELD.match(name)
        if not match:
            continue
        platform, action = match.groups()
        where = f"emv.{platform}.{action}"
        if form.get(f"{where}.remove"):
            continue
        rate = _rate(form, where, problems)
        currency = form.get(f"{where}.currency", "").strip().upper()
        if rate is not None:
            card.append(EmvRate(platform, action, rate, currency))
    platform = form.get("emv.new.platform", "").strip()
    action = form.get("emv.new.action", "").strip()
    if form.get("emv.new.rate", "").strip():
        if (platform, action) in {(r.platform, r.action) for r in card}:
            problems.append(Problem("emv.new.action", "{platform} / {action} is already in "
                                    "the rate card: change its row instead.",
                                    {"platform": platform, "action": action}))
        else:
            rate = _rate(form, "emv.new", problems)
            currency = form.get("emv.new.currency", "").strip().upper()
            if rate is not None:
                card.append(EmvRate(platform, action, rate, currency))
    return card


def _rate(form: Mapping[str, str], where: str, problems: list[Problem]) -> Decimal | None:
    text = form.get(f"{where}.rate", "").strip()
    if not text:
        problems.append(Problem(f"{where}.rate", "required value is missing"))
        return None
    rate = _decimal(text)
    if rate is None:
        problems.append(Problem(f"{where}.rate", "'{value}' is not a number", {"value": text}))
    return rate


def _new_row_fields(form: Mapping[str, str], problems: list[Problem]) -> list[Problem]:
    """Problems the core found in the added card row, under the added row's own fields."""
    platform = form.get("emv.new.platform", "").strip()
    action = form.get("emv.new.action", "").strip()
    posted = {m.groups() for name in form if (m := _RATE_FIELD.match(name))}
    if not form.get("emv.new.rate", "").strip() or (platform, action) in posted:
        return problems
    prefix = f"emv.{platform}.{action}."
    return [Problem("emv.new." + p.field.removeprefix(prefix), p.msgid, p.values)
            if p.field.startswith(prefix) else p for p in problems]


# -- pages ---------------------------------------------------------------------------------
def _page(ctx: Ctx, *, status: int = 200, values: Mapping[str, str] | None = None,
          errors: dict[str, str] | None = None, saved: bool = False,
          member: Mapping[str, str] | None = None) -> Response:
    with ctx.server.lock:
        view = settings_view(ctx.ws, ctx.server.accounts)
    shown = dict(view.values if values is None else values)
    words = Words(ctx.tr, ctx.lang)
    locked = words.join(ctx.tr(LOCK_LABELS.get(t, t)) for t in view.currency_locked_by)
    return render(ctx.request, "settings.html.j2", ctx=ctx, status=status, view=view,
                  values=shown, errors=errors or {}, saved=saved, member=member or {},
                  editable=ctx.allows(Role.OWNER), zones=sorted(time_zones()),
                  languages=list(NATIVE_NAMES.items()), methods=METHODS,
                  platforms=PLATFORMS, actions=ACTIONS, tiers=TIERS,
                  roles=[r.value for r in Role], words=words, emv_actions=EMV_ACTIONS,
                  locked=locked)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


@router.get("/w/{ws}/settings", include_in_schema=False)
def settings_page(ctx: Viewer, saved: int = 0) -> Response:
    return _page(ctx, saved=bool(saved))


@router.post("/w/{ws}/settings", include_in_schema=False)
async def save_settings(request: Request, ctx: Owner) -> Response:
    return await run_in_threadpool(_save, ctx, await _form(request))


def _save(ctx: Ctx, form: dict[str, str]) -> Response:
    change, problems = change_from_form(form)
    with ctx.server.lock:
        problems = _new_row_fields(form, problems + validate(ctx.ws, change))
        if not problems:
            try:
                apply(ctx.ws, change)
            except SettingsInvalid as exc:  # changed by someone else in between
                problems = exc.problems
    if problems:
        return _page(ctx, status=422, values=form, errors=_messages(ctx, problems))
    return RedirectResponse(f"/w/{ctx.ws.id}/settings?saved=1#saved", status_code=303)


@router.post("/w/{ws}/settings/members", include_in_schema=False)
async def members(request: Request, ctx: Owner) -> Response:
    return await run_in_threadpool(_members, ctx, await _form(request))


def _members(ctx: Ctx, form: dict[str, str]) -> Response:
    email = form.get("email", "").strip()
    try:
        with ctx.server.lock:
            if form.get("op") == "remove":
                remove_member(ctx.server.accounts, ctx.ws.id, email)
            else:
                set_member(ctx.server.accounts, ctx.ws.id, email, form.get("role", ""))
    except SettingsInvalid as exc:
        return _page(ctx, status=422, errors=_messages(ctx, exc.problems), member=form)
    return RedirectResponse(f"/w/{ctx.ws.id}/settings?saved=1#members", status_code=303)


# -- API -----------------------------------------------------------------------------------
class EmvRateModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: str = Field(examples=["instagram"])
    action: str = Field(examples=["likes"])
    rate: Decimal = Field(description="value of one action, in `currency`", examples=["0.10"])
    currency: str = Field(examples=["EUR"])


class AttributionModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_days: int | None = Field(None, description="days a click or visit stays credited")
    survey_min_score: float | None = None
    priority: list[str] | None = Field(None, description="every method once, most trusted "
                                                         "first", examples=[list(METHODS)])


class MemberOut(BaseModel):
    email: str
    name: str
    role: str


class SettingsOut(BaseModel):
    currency: str
    timezone: str
    locale: str
    tiers: dict[str, int]
    attribution: AttributionModel
    emv_rates: list[EmvRateModel]
    members: list[MemberOut]
    currency_locked_by: list[str] = Field(description="tables whose rows keep the currency "
                                                      "from changing")


class SettingsIn(BaseModel):
    """Only the fields sent change; ``emv_rates``, when sent, replaces the whole card."""

    model_config = ConfigDict(extra="forbid")

    currency: str | None = None
    timezone: str | None = None
    locale: str | None = None
    tiers: dict[str, int] | None = None
    attribution: AttributionModel | None = None
    emv_rates: list[EmvRateModel] | None = None


def _settings_json(ctx: Ctx) -> dict[str, Any]:
    ws = ctx.ws
    with ctx.server.lock:
        card = emv_card(ws)
        view = settings_view(ws, ctx.server.accounts)
    a = ws.settings.attribution
    return {"currency": ws.currency, "timezone": ws.timezone, "locale": ws.locale,
            "tiers": dict(ws.settings.tiers),
            "attribution": {"window_days": a.window_days, "survey_min_score": a.survey_min_score,
                            "priority": [m.value for m in a.priority]},
            "emv_rates": [{"platform": r.platform, "action": r.action, "rate": str(r.rate),
                           "currency": r.currency} for r in card],
            "members": [{"email": u.email, "name": u.name, "role": role.value}
                        for u, role in view.members],
            "currency_locked_by": view.currency_locked_by}


@router.get("/api/w/{ws}/settings", response_model=SettingsOut, tags=["settings"],
            summary="Workspace settings, EMV rate card and members")
def settings_api(ctx: Viewer) -> dict[str, Any]:
    return _settings_json(ctx)


@router.put("/api/w/{ws}/settings", response_model=SettingsOut, tags=["settings"],
            summary="Change settings (owner); fields left out keep their value",
            responses={422: {"description": "a field is not valid; `field` names the first"}})
def put_settings_api(ctx: Owner, body: Annotated[SettingsIn, Body()]) -> Any:
    a = body.attribution
    change = SettingsChange(
        currency=body.currency, timezone=body.timezone, locale=body.locale, tiers=body.tiers,
        window_days=a.window_days if a else None,
        survey_min_score=a.survey_min_score if a else None,
        priority=a.priority if a else None,
        emv_rates=None if body.emv_rates is None else
        [EmvRate(r.platform, r.action, r.rate, r.currency.strip().upper())
         for r in body.emv_rates])
    try:
        with ctx.server.lock:
            apply(ctx.ws, change)
    except SettingsInvalid as exc:
        fields = [{"field": p.field, "reason": _say(ctx, p)}
                  for p in exc.problems]
        first = fields[0]
        return JSONResponse({"detail": ctx.tr("Some values are not valid: {fields}.",
                                              fields=", ".join(f["field"] for f in fields)),
                             "field": first["field"], "fields": fields}, status_code=422)
    return _settings_json(ctx)
