"""What one content check concludes, as data a renderer translates later.

Why messages are ``msgid`` + values instead of text: the same finding is stored once, then shown
in the CLI, a Slack alert and the web app, each in the reader's language; the store keeps the
msgid and its values (JSON), never a sentence frozen in one language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["ok", "warn", "fail", "pending"]
# From best to worst: a check made of several parts takes its worst part's status.
_RANK: dict[str, int] = {"ok": 0, "pending": 1, "warn": 2, "fail": 3}


@dataclass(frozen=True)
class Message:
    """An English msgid with ``{named}`` placeholders and their values."""

    msgid: str
    values: Mapping[str, str | int] = field(default_factory=dict)

    def render(self, tr: Callable[..., str] | None = None) -> str:
        if tr is None:
            return self.msgid.format(**self.values) if self.values else self.msgid
        return tr(self.msgid, **self.values)

    def as_dict(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "values": dict(self.values)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        return cls(str(data["msgid"]), dict(data.get("values") or {}))


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: Message
    suggestions: tuple[Message, ...] = ()


def worst(statuses: Iterable[str]) -> str:
    """The most serious status among ``statuses`` (``ok`` for none)."""
    return max(statuses, key=lambda s: _RANK[s], default="ok")
