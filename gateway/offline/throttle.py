"""LL2's per-client request quota: DRF's ``SimpleRateThrottle`` (a sliding window).

LL2 allows N calls per hour per client IP; a call over the quota is refused with 429
and is not counted; ``/api-throttle/`` reports the quota and is never counted.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["UNLIMITED_REPORTED", "Throttle", "ThrottleStatus"]

#: the ``your_request_limit`` reported when the emulator has no quota.
UNLIMITED_REPORTED = 2**31 - 1


@dataclass(frozen=True, slots=True)
class ThrottleStatus:
    """What ``/api-throttle/`` reports for one client."""

    limit: int | None
    window: int
    current_use: int
    next_use_secs: int

    def to_json(self, ident: str) -> dict[str, int | str]:
        return {
            "your_request_limit": UNLIMITED_REPORTED if self.limit is None else self.limit,
            "limit_frequency_secs": self.window,
            "current_use": self.current_use,
            "next_use_secs": self.next_use_secs,
            "ident": ident,
        }


class Throttle:
    """Per-ident call history over a sliding window; ``limit=None`` only counts."""

    def __init__(
        self,
        limit: int | None,
        window: int = 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._history: dict[str, deque[float]] = {}

    def _recent(self, ident: str, now: float) -> deque[float]:
        history = self._history.setdefault(ident, deque())
        while history and history[0] <= now - self.window:
            history.popleft()
        return history

    def _wait(self, history: deque[float], now: float) -> float:
        """Seconds until one more call fits in the window."""
        if self.limit is None or len(history) < self.limit:
            return 0.0
        if self.limit <= 0 or not history:
            return float(self.window)
        oldest_blocking = history[len(history) - self.limit]
        return max(0.0, self.window - (now - oldest_blocking))

    def hit(self, ident: str) -> int | None:
        """Count a call; or, over the quota, don't and return whole seconds to wait."""
        now = self.clock()
        history = self._recent(ident, now)
        if self.limit is not None and len(history) >= self.limit:
            return max(1, math.ceil(self._wait(history, now)))
        history.append(now)
        return None

    def status(self, ident: str) -> ThrottleStatus:
        now = self.clock()
        history = self._recent(ident, now)
        return ThrottleStatus(
            limit=self.limit,
            window=self.window,
            current_use=len(history),
            next_use_secs=math.ceil(self._wait(history, now)),
        )

    def reset(self) -> None:
        self._history.clear()
