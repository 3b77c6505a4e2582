"""Who may do what in a workspace: three roles, each allowed everything the one below may.

A viewer reads every page and number; an analyst also changes data (imports, campaigns,
tracking assets); an owner also changes settings and who belongs to the workspace.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANK = {Role.VIEWER: 0, Role.ANALYST: 1, Role.OWNER: 2}
