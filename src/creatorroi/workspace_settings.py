"""Changing a workspace's settings: currency, time zone, locale, EMV card, tiers, attribution,
and who belongs to it, each checked before anything is written.

Why here and not in the web app: the same rules hold for a form, the JSON API and a script, and
every change must do the two things that keep numbers honest: raise the workspace revision
(``Store.touch``, so cached pages are rebuilt) and mark attribution stale (a new time zone
moves order days; a new window or priority credits orders differently).

Currency: a workspace's currency can change only while it holds no orders, costs, pay terms,
goals, campaigns or sessions. Stored amounts keep their own currency, but goal targets and
budgets written "in the workspace currency" would silently change meaning (5,000 EUR becoming
5,000 USD), and every past report would change with them. A brand that switches currency
starts a new workspace; the check names what is in the way.

Problems are returned as ``Problem(field, msgid, values)``: the English message is translated
by the caller, and ``field`` is the dotted name a form field and the API use alike
(``tiers.macro``, ``attribution.priority.2``, ``emv.instagram.likes.rate``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

import pandas as pd

from creatorroi.accounts import Accounts
from creatorroi.errors import CreatorROIError, NotFoundError
from creatorroi.i18n import SUPPORTED
from creatorroi.metrics import emv
from creatorroi.model.enums import AttributionMethod, Platform
from creatorroi.model.money import check_currency
from creatorroi.model.roles import Role
from creatorroi.model.settings import AttributionSettings

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

TIERS = ("micro", "macro", "mega")
METHODS = tuple(m.value for m in AttributionMethod)
ACTIONS = tuple(emv.BASE)
PLATFORMS = tuple(p.value for p in Platform)
WINDOW = (1, 90)            # AttributionSettings.window_days bounds
SURVEY_SCORE = (50, 100)    # AttributionSettings.survey_min_score bounds
MAX_RATE = Decimal(1_000_000)   # per action; the store keeps 12 integer digits
# Tables whose amounts or targets are read in the workspace currency.
MONEY_TABLES = ("orders", "costs", "pay_terms", "goals", "campaigns", "sessions")


@dataclass(frozen=True)
class Problem:
    field: str
    msgid: str
    values: dict[str, Any] = dataclasses.field(default_factory=dict)


class SettingsInvalid(CreatorROIError):
    """Nothing was changed; ``problems`` says which fields to fix and why."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.msgid.format(**p.values)}"
                                   for p in self.problems))


@dataclass(frozen=True)
class EmvRate:
    platform: str
    action: str
    rate: Decimal
    currency: str


@dataclass
class SettingsChange:
    """What to change; None keeps the current value."""

    currency: str | None = None
    timezone: str | None = None
    locale: str | None = None
    tiers: dict[str, int] | None = None
    window_days: int | None = None
    survey_min_score: float | None = None
    priority: list[str] | None = None
    emv_rates: list[EmvRate] | None = None


@cache
def time_zones() -> frozenset[str]:
    """IANA names only: ``ZoneInfo`` alone would also take ``localtime`` or a file path."""
    return frozenset(available_timezones() | {"UTC"})


def emv_card(ws: Workspace) -> list[EmvRate]:
    rows = ws.store.fetch("SELECT platform, action, rate, currency FROM emv_rates "
                          "WHERE workspace_id = ?", [ws.id])
    # sorted here, not in SQL: PostgreSQL's collation may order '_' differently
    return sorted((EmvRate(p, a, Decimal(r), c) for p, a, r, c in rows), key=_rate_key)


def money_tables(ws: Workspace) -> list[str]:
    """The tables that hold rows read in the workspace currency (empty: it may change)."""
    return [t for t in MONEY_TABLES
            if ws.store.fetch(f"SELECT 1 FROM {t} WHERE workspace_id = ? LIMIT 1", [ws.id])]


# -- checking ------------------------------------------------------------------------------
def validate(ws: Workspace, change: SettingsChange) -> list[Problem]:
    """Every problem of ``change`` against ``ws`` (reads the store; writes nothing)."""
    problems: list[Problem] = []
    if change.currency is not None:
        problems += _currency(ws, change.currency)
    if change.timezone is not None and change.timezone not in time_zones():
        problems.append(Problem("timezone", "unknown time zone '{zone}'",
                                {"zone": change.timezone}))
    if change.locale is not None and change.locale not in SUPPORTED:
        problems.append(Problem("locale", "'{value}' is not one of: {allowed}",
                                {"value": change.locale, "allowed": ", ".join(SUPPORTED)}))
    if change.tiers is not None:
        problems += _tiers(change.tiers, ws.settings.tiers)
    if change.window_days is not None and not WINDOW[0] <= change.window_days <= WINDOW[1]:
        problems.append(Problem("attribution.window_days",
                                "The attribution window must be from {low} to {high} days.",
                                {"low": WINDOW[0], "high": WINDOW[1]}))
    score = change.survey_min_score
    if score is not None and not SURVEY_SCORE[0] <= score <= SURVEY_SCORE[1]:
        problems.append(Problem("attribution.survey_min_score",
                                "The survey match score must be from {low} to {high}.",
                                {"low": SURVEY_SCORE[0], "high": SURVEY_SCORE[1]}))
    if change.priority is not None:
        problems += _priority(change.priority)
    if change.emv_rates is not None:
        problems += _card(change.emv_rates)
    return problems


def _currency(ws: Workspace, code: str) -> list[Problem]:
    try:
        cur = check_currency(code)
    except ValueError:
        return [Problem("currency", "'{value}' is not a currency code", {"value": code})]
    if cur != ws.currency and (held := money_tables(ws)):
        return [Problem("currency", "This workspace already holds {tables} in {currency}, so "
                                    "its currency cannot change. Create a new workspace for "
                                    "another currency.",
                        {"tables": ", ".join(held), "currency": ws.currency})]
    return []


def _tiers(tiers: dict[str, int], current: dict[str, int]) -> list[Problem]:
    unknown = sorted(set(tiers) - set(TIERS))
    if unknown:
        return [Problem(f"tiers.{unknown[0]}", "'{value}' is not one of: {allowed}",
                        {"value": unknown[0], "allowed": ", ".join(TIERS)})]
    problems = [Problem(f"tiers.{t}", "'{value}' must be above zero", {"value": tiers[t]})
                for t in TIERS if t in tiers and tiers[t] <= 0]
    if problems:
        return problems
    full = {**current, **tiers}
    for i in range(1, len(TIERS)):
        if full[TIERS[i]] <= full[TIERS[i - 1]]:
            # blame a threshold that was given, so the message sits on a field being edited
            name = TIERS[i] if TIERS[i] in tiers else TIERS[i - 1]
            return [Problem(f"tiers.{name}",
                            "Each tier must start above the one before it: "
                            "micro < macro < mega.")]
    return []


def _priority(priority: list[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for i, method in enumerate(priority):
        if method not in METHODS:
            problems.append(Problem(f"attribution.priority.{i}",
                                    "'{value}' is not one of: {allowed}",
                                    {"value": method, "allowed": ", ".join(METHODS)}))
        elif method in seen:
            problems.append(Problem(f"attribution.priority.{i}",
                                    "Each method must appear exactly once in the priority."))
        seen.add(method)
    if not problems and len(priority) != len(METHODS):
        problems.append(Problem("attribution.priority",
                                "The priority must list every method once: {methods}.",
                                {"methods": ", ".join(METHODS)}))
    return problems


def _card(rates: list[EmvRate]) -> list[Problem]:
    problems = []
    seen: set[tuple[str, str]] = set()
    for r in rates:
        where = f"emv.{r.platform}.{r.action}"
        if r.platform not in PLATFORMS:
            problems.append(Problem(f"{where}.platform", "'{value}' is not one of: {allowed}",
                                    {"value": r.platform, "allowed": ", ".join(PLATFORMS)}))
        if r.action not in ACTIONS:
            problems.append(Problem(f"{where}.action", "'{value}' is not one of: {allowed}",
                                    {"value": r.action, "allowed": ", ".join(ACTIONS)}))
        if not r.rate.is_finite():
            problems.append(Problem(f"{where}.rate", "'{value}' is not a number",
                                    {"value": str(r.rate)}))
        elif r.rate < 0:
            problems.append(Problem(f"{where}.rate", "'{value}' must not be negative",
                                    {"value": str(r.rate)}))
        elif r.rate >= MAX_RATE:
            problems.append(Problem(f"{where}.rate", "A rate must be below {limit}.",
                                    {"limit": str(MAX_RATE)}))
        try:
            check_currency(r.currency)
        except ValueError:
            problems.append(Problem(f"{where}.currency", "'{value}' is not a currency code",
                                    {"value": r.currency}))
        if (r.platform, r.action) in seen:
            problems.append(Problem(f"{where}.rate",
                                    "{platform} / {action} appears twice in the rate card.",
                                    {"platform": r.platform, "action": r.action}))
        seen.add((r.platform, r.action))
    return problems


# -- writing -------------------------------------------------------------------------------
def apply(ws: Workspace, change: SettingsChange) -> bool:
    """Check and write ``change`` in one transaction; True when anything changed.

    Raises ``SettingsInvalid`` (nothing written) listing every problem.
    """
    problems = validate(ws, change)
    if problems:
        raise SettingsInvalid(problems)
    currency = check_currency(change.currency) if change.currency else ws.currency
    timezone = change.timezone or ws.timezone
    locale = change.locale or ws.locale
    settings = _merged(ws, change)
    card = ([EmvRate(r.platform, r.action, r.rate, check_currency(r.currency))
             for r in change.emv_rates] if change.emv_rates is not None else None)
    general = (currency, timezone, locale) != (ws.currency, ws.timezone, ws.locale)
    card_changed = card is not None and sorted(card, key=_rate_key) != emv_card(ws)
    settings_changed = settings != ws.settings
    if not (general or card_changed or settings_changed):
        return False
    store = ws.store
    with store.transaction():
        if general:
            store.execute("UPDATE workspaces SET currency = ?, timezone = ?, locale = ? "
                          "WHERE id = ?", [currency, timezone, locale, ws.id])
        if card is not None and card_changed:
            store.execute("DELETE FROM emv_rates WHERE workspace_id = ?", [ws.id])
            frame = pd.DataFrame([(r.platform, r.action, r.rate, r.currency) for r in card],
                                 columns=["platform", "action", "rate", "currency"])
            store.upsert("emv_rates", frame, ["platform", "action"], workspace_id=ws.id)
        if settings_changed:
            ws.update_settings(settings)
        store.execute("UPDATE workspaces SET attributed_at = NULL WHERE id = ?", [ws.id])
        store.touch(ws.id)
    ws.currency, ws.timezone, ws.locale = currency, timezone, locale
    return True


def _rate_key(r: EmvRate) -> tuple[str, str]:
    return r.platform, r.action


def _merged(ws: Workspace, change: SettingsChange) -> Any:
    """The workspace's settings model with the change's tiers and attribution applied."""
    settings = ws.settings.model_copy(deep=True)
    if change.tiers is not None:
        settings.tiers = {**settings.tiers, **change.tiers}
    a = settings.attribution
    attribution = AttributionSettings(
        window_days=a.window_days if change.window_days is None else change.window_days,
        priority=a.priority if change.priority is None else
        [AttributionMethod(m) for m in change.priority],
        survey_min_score=(a.survey_min_score if change.survey_min_score is None
                          else change.survey_min_score))
    settings.attribution = attribution
    return type(settings).model_validate(settings.model_dump())


# -- members -------------------------------------------------------------------------------
def set_member(accounts: Accounts, workspace_id: str, email: str, role: Role | str) -> None:
    """Give the existing user with ``email`` ``role`` in the workspace (adding her if she was
    not a member); the last owner cannot step down, so a workspace always has an owner."""
    try:
        role = Role(role)
    except ValueError:
        raise SettingsInvalid([Problem("member.role", "'{value}' is not one of: {allowed}",
                                       {"value": str(role),
                                        "allowed": ", ".join(r.value for r in Role)})]) from None
    try:
        user = accounts.by_email(email)
    except NotFoundError:
        raise SettingsInvalid([Problem("member.email",
                                       "No user has the e-mail address {email}. An "
                                       "administrator adds people with `creatorroi users "
                                       "add`.", {"email": email.strip()})]) from None
    with accounts.store.transaction():
        current = accounts.role_in(user.id, workspace_id)
        if current == Role.OWNER and role != Role.OWNER:
            _keep_an_owner(accounts, workspace_id)
        accounts.grant(user.id, workspace_id, role)
    _touch(accounts, workspace_id)


def remove_member(accounts: Accounts, workspace_id: str, email: str) -> None:
    try:
        user = accounts.by_email(email)
    except NotFoundError:
        raise SettingsInvalid([Problem("member.email", "{email} is not a member of this "
                                       "workspace.", {"email": email.strip()})]) from None
    with accounts.store.transaction():
        current = accounts.role_in(user.id, workspace_id)
        if current is None:
            raise SettingsInvalid([Problem("member.email", "{email} is not a member of this "
                                           "workspace.", {"email": user.email})])
        if current == Role.OWNER:
            _keep_an_owner(accounts, workspace_id)
        accounts.revoke(user.id, workspace_id)
    _touch(accounts, workspace_id)


def _keep_an_owner(accounts: Accounts, workspace_id: str) -> None:
    owners = [u for u, r in accounts.members(workspace_id) if r == Role.OWNER]
    if len(owners) <= 1:
        raise SettingsInvalid([Problem("member.role", "A workspace needs at least one owner. "
                                       "Make someone else owner first.")])


def _touch(accounts: Accounts, workspace_id: str) -> None:
    # Membership shows on the settings page only, but a revision bump is cheap and keeps the
    # rule simple: every change to a workspace invalidates what was cached for it.
    accounts.store.touch(workspace_id)


__all__ = ["ACTIONS", "METHODS", "PLATFORMS", "TIERS", "EmvRate", "Problem", "SettingsChange",
           "SettingsInvalid", "apply", "emv_card", "money_tables", "remove_member",
           "set_member", "time_zones", "validate"]
