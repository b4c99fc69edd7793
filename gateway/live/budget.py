"""How often each watched LL2 object may be polled, from the budget: pure arithmetic.

Polling takes at most ``share`` of the hourly LL2 budget, spread evenly over every
object watched (by any process sharing the budget): ``n`` objects are each polled
every ``3600 * n / (share * rate)`` seconds, never more often than ``shortest``.  An
object that would need an interval over ``longest`` cannot be paid for.
"""

from __future__ import annotations

__all__ = ["affordable", "poll_interval"]


def poll_interval(watched: int, *, rate_per_hour: float, share: float, shortest: float) -> float:
    """Seconds between two polls of each of ``watched`` objects."""
    per_hour = rate_per_hour * share
    if per_hour <= 0:
        return float("inf")
    return max(shortest, 3600.0 * max(watched, 1) / per_hour)


def affordable(
    watched: int, *, rate_per_hour: float, share: float, shortest: float, longest: float
) -> bool:
    """Whether ``watched`` objects can each be polled at least every ``longest`` seconds."""
    interval = poll_interval(watched, rate_per_hour=rate_per_hour, share=share, shortest=shortest)
    return interval <= longest
