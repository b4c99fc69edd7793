"""One GraphQL request's upstream cost, reported as ``extensions.upstream``.

The request's :class:`~gateway.upstream.session.UpstreamSession` owns its tally; the
process-wide fetcher reports into it through these methods as it serves the
session's GETs, and the planner through :meth:`Tally.plan`.  Nothing else writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Tally"]


@dataclass(slots=True)
class Tally:
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    cache_hits: int = 0
    coalesced: int = 0
    deduplicated: int = 0
    #: Calls the planner decided on: one per root fetch, each batch's planned cost.
    planned_calls: int = 0
    #: Cache keys of the expired answers served in place of a failed call.
    stale: list[str] = field(default_factory=list)
    #: Calls LL2 would have received (explain mode), in order.
    planned: list[dict[str, Any]] = field(default_factory=list)
    #: Cache keys of the calls LL2 received, in order.
    calls: list[str] = field(default_factory=list)
    #: When the first of the answers read stops being fresh (wall-clock seconds).
    fresh_until: float | None = None
    #: Something was read that must never be served again as it is (``upstreamStatus``).
    volatile: bool = False

    def plan(self, calls: int) -> None:
        """The planner chose a way to LL2 that costs ``calls`` calls."""
        self.planned_calls += calls

    def _read(self, fresh_until: float) -> None:
        if self.fresh_until is None or fresh_until < self.fresh_until:
            self.fresh_until = fresh_until

    def hit(self, fresh_until: float) -> None:
        """The cache answered with an answer fresh until then."""
        self.cache_hits += 1
        self._read(fresh_until)

    def called(self, key: str) -> None:
        """LL2 is being called (each retry is a call too)."""
        self.requests += 1
        self.calls.append(key)

    def received(self, nbytes: int, seconds: float, *, fresh_until: float) -> None:
        """LL2 answered; the answer stays fresh until ``fresh_until``."""
        self.bytes += nbytes
        self.seconds += seconds
        self._read(fresh_until)

    def read_volatile(self) -> None:
        """The answer holds something that changes on every request."""
        self.volatile = True

    def reusable_for(self, now: float) -> float:
        """Seconds a whole answer built from what was read may be served again (0: never).

        Not at all when it read nothing from LL2, served a stale answer, or read
        something volatile; otherwise until the first answer it read expires.
        """
        if self.volatile or self.stale or self.fresh_until is None:
            return 0.0
        return max(0.0, self.fresh_until - now)

    def joined(self, fresh_until: float | None = None) -> None:
        """Another request's identical call in flight answered this one (another
        process's, through the shared cache: its answer is fresh until then)."""
        self.coalesced += 1
        if fresh_until is not None:
            self._read(fresh_until)

    def repeated(self) -> None:
        """The same GET within this request answered again."""
        self.deduplicated += 1

    def served_stale(self, key: str) -> None:
        self.stale.append(key)

    def would_call(self, path: str, params: dict[str, str] | None) -> None:
        """Explain mode: LL2 would get this call."""
        self.planned.append({"path": path, "params": dict(params or {})})

    def as_extension(self, *, explain: bool = False) -> dict[str, Any]:
        report: dict[str, Any] = {
            "requests": self.requests,
            "cacheHits": self.cache_hits,
            "coalesced": self.coalesced,
            "deduplicated": self.deduplicated,
            "plannedCalls": self.planned_calls,
            "bytesReceived": self.bytes,
            "timeMs": round(self.seconds * 1000, 1),
            "calls": self.calls,
        }
        if self.stale:
            report["stale"] = self.stale
        if explain:
            report["planned"] = self.planned
        return report
