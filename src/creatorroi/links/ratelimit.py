"""A token bucket per visitor (hashed IP), in memory, per worker process.

Each worker keeps its own buckets, so with N workers a visitor may get up to N times the
configured rate when its connections land on different workers (a single keep-alive
connection stays on one worker). Memory is bounded: at most ``max_entries`` buckets, the least
recently seen dropped first; a dropped bucket starts full again, which only ever errs towards
letting a person through.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class RateLimiter:
    """``check(key)`` returns 0.0 when the request may pass, else the seconds to wait."""

    def __init__(self, per_minute: int, burst: int, *, max_entries: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(burst, 1))
        self.max_entries = max_entries
        self.clock = clock
        # key -> (tokens, last refill time); dict order = least recently seen first
        self._buckets: dict[str, tuple[float, float]] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, key: str) -> float:
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        entry = self._buckets.pop(key, None)
        if entry is None:
            tokens = self.burst
        else:
            tokens = min(self.burst, entry[0] + (now - entry[1]) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1.0 - tokens) / self.rate
        if len(self._buckets) > self.max_entries:
            self._evict()
        return wait

    def _evict(self) -> None:
        # Drop the least recently seen tenth at once, so eviction is rare and amortised.
        drop = max(1, len(self._buckets) - self.max_entries + self.max_entries // 10)
        for key in list(self._buckets)[:drop]:
            del self._buckets[key]


def retry_after(wait: float) -> str:
    """A ``Retry-After`` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
