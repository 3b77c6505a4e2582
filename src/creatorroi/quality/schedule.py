"""Was a deliverable posted on its agreed day? One judgement for the calendar page and the
content checks, so a post is never "late" on one and "on time" on the other.

Days are local days in the workspace's time zone; the caller cuts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Judged:
    status: str
    days_late: int | None   # late: published after plan; missing: days past the plan


def judge(planned: date | None, published: date | None, today: date) -> Judged:
    """A deliverable's status from its planned day and its local publishing day."""
    if published is not None and published <= today:
        if planned is None:
            return Judged("unplanned", None)
        late = (published - planned).days
        if late > 0:
            return Judged("late", late)
        return Judged("early" if late < 0 else "on_time", None)
    if planned is None:
        return Judged("unscheduled", None)
    if planned < today:
        return Judged("missing", (today - planned).days)
    return Judged("upcoming", None)
