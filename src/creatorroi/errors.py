"""One root for every error a user can cause, each with a message she can act on.

The CLI and web app catch ``CreatorROIError`` and show its message, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class CreatorROIError(Exception):
    """Anything the user can fix: bad input, a missing workspace, an unknown KPI."""


class ConfigError(CreatorROIError):
    """A setting, URL or option that cannot be used as given."""


class NotFoundError(CreatorROIError):
    """A workspace, campaign or influencer that does not exist."""


class ImportFailed(CreatorROIError):
    """An import that wrote nothing; ``errors`` lists every bad cell found (capped)."""

    def __init__(self, file: str | Path, errors: list[BadRowError], total: int | None = None):
        self.file = str(file)
        self.errors = errors
        self.total = total if total is not None else len(errors)
        shown = "\n".join(f"  {e}" for e in errors[:20])
        more = f"\n  ... and {self.total - 20} more" if self.total > 20 else ""
        super().__init__(
            f"{self.file}: {self.total} bad cell(s); nothing was imported\n{shown}{more}")


class BadRowError(CreatorROIError):
    """One bad cell: which file, which row (1 = header line, as a spreadsheet shows it), which
    column, and why."""

    def __init__(self, file: str | Path, row: int | None, column: str | None, reason: str):
        self.file = str(file)
        self.row = row
        self.column = column
        self.reason = reason
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


class ModelRefused(CreatorROIError):
    """A model that would be fitted to data unable to support it (too little history, a spend
    column that never varies, channels that move together): refused, never silently fitted."""
