"""What ``upstreamStatus`` reports: the LL2 budget, the cache, recent failures."""

from __future__ import annotations

import strawberry

__all__ = ["BudgetStatus", "CacheStatus", "UpstreamErrorReport", "UpstreamStatus"]


@strawberry.type(description="The gateway's budget of LL2 calls (a token bucket).")
class BudgetStatus:
    rate_per_hour: float
    available: float = strawberry.field(description="Calls that can be made right now.")
    seconds_until_available: float = strawberry.field(
        description="Seconds until the next call may be made (0 when one is available)."
    )
    shared: bool = strawberry.field(description="Whether the budget is shared through Redis.")


@strawberry.type(description="The cross-request cache of LL2 answers, since this process started.")
class CacheStatus:
    backend: str
    hits: int
    stale_hits: int
    misses: int
    hit_rate: float | None = strawberry.field(description="hits / (hits + misses).")
    entries: int | None
    bytes: int | None


@strawberry.type(description="A recent failed LL2 call.")
class UpstreamErrorReport:
    at: str = strawberry.field(description="When, ISO 8601 UTC.")
    path: str
    code: str
    message: str


@strawberry.type(description="The health and economy of the gateway's use of LL2.")
class UpstreamStatus:
    url: str = strawberry.field(description="The LL2 base URL (never with credentials).")
    calls: int = strawberry.field(description="LL2 calls made since this process started.")
    budget: BudgetStatus
    cache: CacheStatus
    recent_errors: list[UpstreamErrorReport]
