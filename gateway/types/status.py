"""What ``upstreamStatus`` reports: the LL2 budget, the cache, recent failures."""

from __future__ import annotations

import strawberry

__all__ = ["BudgetStatus", "CacheStatus", "UpstreamErrorReport", "UpstreamStatus"]


@strawberry.type(description="The gateway's budget of LL2 calls (a token bucket).")
class BudgetStatus:
    rate_per_hour: float = strawberry.field(
        description="LL2 calls allowed per hour (`--upstream-rate`, else LL2's own quota)."
    )
    available: float = strawberry.field(description="Calls that can be made right now.")
    seconds_until_available: float = strawberry.field(
        description="Seconds until the next call may be made (0 when one is available)."
    )
    shared: bool = strawberry.field(description="Whether the budget is shared through Redis.")


@strawberry.type(description="The cross-request cache of LL2 answers, since this process started.")
class CacheStatus:
    backend: str = strawberry.field(description="`memory` or `redis`.")
    hits: int = strawberry.field(description="LL2 answers served from the cache, fresh.")
    stale_hits: int = strawberry.field(
        description="Lookups that found only an expired answer (served when LL2 fails)."
    )
    misses: int = strawberry.field(description="Lookups the cache could not answer.")
    hit_rate: float | None = strawberry.field(
        description="hits / (hits + misses); null before the first lookup."
    )
    entries: int | None = strawberry.field(
        description="Entries held (null when the backend cannot tell)."
    )
    bytes: int | None = strawberry.field(
        description="Bytes held (null when the backend cannot tell)."
    )


@strawberry.type(description="A recent failed LL2 call.")
class UpstreamErrorReport:
    at: str = strawberry.field(description="When, ISO 8601 UTC.")
    path: str = strawberry.field(description="The LL2 call: path and query, below the base URL.")
    code: str = strawberry.field(
        description="The error code a field that needed the call got (`UPSTREAM_TIMEOUT`...)."
    )
    message: str = strawberry.field(description="What went wrong.")


@strawberry.type(description="The health and economy of the gateway's use of LL2.")
class UpstreamStatus:
    url: str = strawberry.field(description="The LL2 base URL (never with credentials).")
    calls: int = strawberry.field(description="LL2 calls made since this process started.")
    budget: BudgetStatus = strawberry.field(description="The budget of LL2 calls.")
    cache: CacheStatus = strawberry.field(description="The cross-request cache of LL2 answers.")
    recent_errors: list[UpstreamErrorReport] = strawberry.field(
        description="The latest failed LL2 calls, most recent first."
    )
