"""The per-visitor token bucket: burst, refill, Retry-After, bounded memory."""

from __future__ import annotations

from creatorroi.links.ratelimit import RateLimiter, retry_after


def test_burst_then_refill_at_the_rate() -> None:
    now = [0.0]
    rl = RateLimiter(per_minute=30, burst=2, clock=lambda: now[0])
    assert [rl.check("a"), rl.check("a")] == [0.0, 0.0]
    wait = rl.check("a")
    assert wait == 2.0 and retry_after(wait) == "2"
    now[0] += 1.0
    assert rl.check("a") > 0  # half a token is not enough
    now[0] += 1.0
    assert rl.check("a") == 0.0
    assert rl.check("b") == 0.0  # each visitor has a bucket


def test_off_when_the_rate_is_zero() -> None:
    rl = RateLimiter(per_minute=0, burst=1)
    assert not rl.enabled
    assert all(rl.check("a") == 0.0 for _ in range(1000)) and len(rl) == 0


def test_memory_is_bounded_least_recent_dropped_first() -> None:
    now = [0.0]
    rl = RateLimiter(per_minute=60, burst=1, max_entries=100, clock=lambda: now[0])
    rl.check("hot")
    for i in range(1000):
        rl.check(f"visitor-{i}")
        if i % 50 == 0:
            assert rl.check("hot") > 0  # seen recently: kept, still limited
    assert len(rl) <= 100


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after(0.01) == "1" and retry_after(1.2) == "2" and retry_after(59.0) == "59"
