"""Creating campaigns and their SMART goals from the app, one validated row at a time.

Imports write campaigns in bulk from a file; a marketer setting up a new campaign in the web
app (or a script through the API) writes one. Both must leave the store in the same shape, so
this module checks every value the way the importer's schema would and writes through the same
``Store.upsert`` path. Every refusal is a ``FieldError``: a ``ConfigError`` that names the field
and carries an English message with ``{name}`` placeholders, so a form can translate it and
show it beside the right input.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pandas as pd

from creatorroi.errors import ConfigError
from creatorroi.metrics.registry import REGISTRY
from creatorroi.model.enums import FunnelStage, GoalFamily, Platform
from creatorroi.model.money import check_currency, to_minor

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_ID = re.compile(ID_PATTERN)
NAME_MAX = 200
TEXT_MAX = 1000


class FieldError(ConfigError):
    """A value that cannot be stored; ``msgid`` is English with ``{placeholders}``."""

    def __init__(self, field: str, msgid: str, **values: Any):
        self.field = field
        self.msgid = msgid
        self.values = values
        super().__init__(f"{field}: {msgid.format(**values)}")


class DuplicateError(FieldError):
    """The id is already taken: a conflict, not a malformed value (HTTP 409)."""


def _text(field: str, value: str | None, limit: int, required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise FieldError(field, "This field is required.")
        return None
    if len(text) > limit:
        raise FieldError(field, "At most {limit} characters.", limit=limit)
    return text


def _id(field: str, value: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise FieldError(field, "Use 1 to 64 letters, digits, '-' or '_'.")
    return value


def _exists(ws: Workspace, table: str, id: str) -> bool:
    return bool(ws.store.fetch(f"SELECT 1 FROM {table} WHERE workspace_id = ? AND id = ?",
                               [ws.id, id]))


def _decimal(field: str, value: Decimal | int | str | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldError(field, "Enter a number.") from None
    if not number.is_finite():
        raise FieldError(field, "Enter a number.")
    return number


def create_campaign(ws: Workspace, *, id: str, name: str, goal_family: str, funnel_stage: str,
                    starts_on: date, ends_on: date | None = None, always_on: bool = False,
                    business_goal: str | None = None, message: str | None = None,
                    budget: Decimal | None = None, budget_currency: str | None = None) -> None:
    """Store one new campaign; its attribution is rerun on the next read (new rules)."""
    _id("id", id)
    clean_name = _text("name", name, NAME_MAX, required=True)
    try:
        family = GoalFamily.parse(goal_family or "")
    except ValueError:
        raise FieldError("goal_family", "Unknown goal family {value}.",
                         value=goal_family) from None
    try:
        stage = FunnelStage.parse(funnel_stage or "")
    except ValueError:
        raise FieldError("funnel_stage", "Unknown funnel stage {value}.",
                         value=funnel_stage) from None
    if not isinstance(starts_on, date):
        raise FieldError("starts_on", "Enter a date.")
    if ends_on is not None and ends_on < starts_on:
        raise FieldError("ends_on", "The campaign ends before it starts ({start}).",
                         start=starts_on)
    if always_on and ends_on is not None:
        raise FieldError("ends_on", "An always-on programme has no end date.")
    goal = _text("business_goal", business_goal, TEXT_MAX)
    msg = _text("message", message, TEXT_MAX)
    amount = _decimal("budget", budget)
    currency = None
    minor = None
    if amount is not None:
        if amount < 0:
            raise FieldError("budget", "The budget cannot be negative.")
        try:
            currency = check_currency(budget_currency or ws.currency)
        except ValueError:
            raise FieldError("budget_currency", "Unknown currency {value}.",
                             value=budget_currency) from None
        minor = to_minor(amount, currency)
    elif budget_currency:
        try:
            check_currency(budget_currency)
        except ValueError:
            raise FieldError("budget_currency", "Unknown currency {value}.",
                             value=budget_currency) from None
    row = {"id": id, "name": clean_name, "goal_family": family.value,
           "funnel_stage": stage.value, "business_goal": goal, "message": msg,
           "starts_on": starts_on, "ends_on": ends_on, "always_on": bool(always_on),
           "budget_minor": minor, "budget_currency": currency}
    frame = pd.DataFrame([row])
    frame["budget_minor"] = frame["budget_minor"].astype("Int64")
    for c in ("business_goal", "message", "ends_on", "budget_currency"):
        frame[c] = frame[c].astype(object)
    with ws.store.transaction():
        if _exists(ws, "campaigns", id):
            raise DuplicateError("id", "A campaign with the id {id} already exists.", id=id)
        ws.store.upsert("campaigns", frame, ["id"], workspace_id=ws.id)
        # a campaign's dates decide which orders its codes and links may claim
        ws.store.execute("UPDATE workspaces SET attributed_at = NULL WHERE id = ?", [ws.id])


def _goal_id(ws: Workspace, campaign_id: str, metric: str) -> str:
    base = f"{campaign_id}-{metric}"[:60]
    candidate, n = base, 1
    while _exists(ws, "goals", candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def add_goal(ws: Workspace, *, campaign_id: str, metric: str, target: Decimal | int | str,
             deadline: date, baseline: Decimal | int | str | None = None,
             starts_on: date | None = None, influencer_id: str | None = None,
             platform: str | None = None, description: str | None = None,
             id: str | None = None) -> str:
    """Store one SMART goal of a campaign and return its id (made from campaign and metric
    when not given). Goals change no attribution, so the workspace stays attributed."""
    rows = ws.store.fetch("SELECT starts_on FROM campaigns WHERE workspace_id = ? AND id = ?",
                          [ws.id, campaign_id])
    if not rows:
        raise FieldError("campaign_id", "No campaign {id} in this workspace.", id=campaign_id)
    if id is not None:
        _id("id", id)
    if metric not in REGISTRY:
        raise FieldError("metric", "Unknown metric {value}.", value=metric)
    goal_target = _decimal("target", target)
    if goal_target is None:
        raise FieldError("target", "This field is required.")
    if goal_target <= 0:
        raise FieldError("target", "The target must be more than zero.")
    goal_base = _decimal("baseline", baseline)
    if goal_base is not None and goal_base < 0:
        raise FieldError("baseline", "The baseline cannot be negative.")
    for value, field in ((goal_target, "target"), (goal_base, "baseline")):
        # DECIMAL(20, 4): 16 digits before the point
        if value is not None and abs(value) >= Decimal(10) ** 16:
            raise FieldError(field, "The number is too large.")
    if not isinstance(deadline, date):
        raise FieldError("deadline", "Enter a date.")
    start = starts_on or pd.Timestamp(rows[0][0]).date()
    if deadline < start:
        raise FieldError("deadline", "The deadline is before the goal starts ({start}).",
                         start=start)
    who = (influencer_id or "").strip() or None
    if who is not None and not _exists(ws, "influencers", who):
        raise FieldError("influencer_id", "No influencer {id} in this workspace.", id=who)
    where = None
    if platform:
        try:
            where = Platform.parse(platform).value
        except ValueError:
            raise FieldError("platform", "Unknown platform {value}.", value=platform) from None
    text = _text("description", description, TEXT_MAX)
    with ws.store.transaction():
        if id is not None and _exists(ws, "goals", id):
            raise DuplicateError("id", "A goal with the id {id} already exists.", id=id)
        goal_id = id or _goal_id(ws, campaign_id, metric)
        frame = pd.DataFrame([{
            "id": goal_id, "campaign_id": campaign_id, "metric": metric,
            "target": goal_target.quantize(Decimal("0.0001")),
            "baseline": None if goal_base is None else goal_base.quantize(Decimal("0.0001")),
            "starts_on": starts_on, "deadline": deadline, "influencer_id": who,
            "platform": where, "description": text}])
        for c in ("baseline", "starts_on", "influencer_id", "platform", "description"):
            frame[c] = frame[c].astype(object)
        ws.store.upsert("goals", frame, ["id"], workspace_id=ws.id)
    return goal_id
