"""The settings page's data: the values a form shows, as the strings its fields hold.

Why strings: after a refused save the page shows exactly what was typed (``"12k"`` stays
``"12k"``), so a form is always filled from one ``{field: text}`` mapping, either the stored
settings (here) or the request's own fields. Field names are the dotted names
``creatorroi.workspace_settings`` reports problems under.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from creatorroi.accounts import Accounts, User
from creatorroi.model.roles import Role
from creatorroi.workspace_settings import EmvRate, emv_card, money_tables

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace


@dataclass(frozen=True)
class SettingsView:
    values: dict[str, str]
    card: list[EmvRate]
    members: list[tuple[User, Role]]
    currency_locked_by: list[str]     # tables that keep the currency from changing


def settings_view(ws: Workspace, accounts: Accounts) -> SettingsView:
    card = emv_card(ws)
    return SettingsView(form_values(ws, card), card, accounts.members(ws.id), money_tables(ws))


def form_values(ws: Workspace, card: list[EmvRate]) -> dict[str, str]:
    a = ws.settings.attribution
    values = {"currency": ws.currency, "timezone": ws.timezone, "locale": ws.locale,
              "attribution.window_days": str(a.window_days),
              "attribution.survey_min_score": f"{a.survey_min_score:g}"}
    values.update({f"tiers.{k}": str(v) for k, v in ws.settings.tiers.items()})
    values.update({f"attribution.priority.{i}": m.value for i, m in enumerate(a.priority)})
    for r in card:
        values[f"emv.{r.platform}.{r.action}.rate"] = _plain(r.rate)
        values[f"emv.{r.platform}.{r.action}.currency"] = r.currency
    return values


def _plain(value: object) -> str:
    """``0.100000`` (the store's scale) as ``0.1``; never exponent notation."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
