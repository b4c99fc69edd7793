"""What ``upstreamStatus`` reports: the LL2 budget, the cache, recent failures."""

from __future__ import annotations

import strawberry

__all__ = [
    "BudgetStatus",
    "CacheStatus",
    "LiveStatus",
    "UpstreamErrorReport",
    "UpstreamStatus",
    "WatchedObject",
]


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


@strawberry.type(description="An LL2 object subscriptions watch, and how it is polled.")
class WatchedObject:
    path: str = strawberry.field(description="Its LL2 detail path (below the upstream URL).")
    resource: str | None = strawberry.field(
        description="The gateway's name of its resource (null when only other processes watch it)."
    )
    id: str | None
    interval_seconds: float = strawberry.field(description="Seconds between two polls.")
    subscribers: int = strawberry.field(description="Subscriptions to it in this process.")
    processes: int = strawberry.field(description="Gateway processes watching it.")
    polling: bool = strawberry.field(description="Whether this process is the one polling it.")
    polls: int = strawberry.field(description="Polls this process made of it.")
    last_poll_at: str | None = strawberry.field(
        description="This process's last poll, ISO 8601 UTC."
    )


@strawberry.type(description="Polling for subscriptions (live data).")
class LiveStatus:
    interval_seconds: float = strawberry.field(
        description="Seconds between two polls of each watched object now."
    )
    shortest_interval_seconds: float = strawberry.field(
        description="The shortest interval allowed between two polls (`--live-interval`)."
    )
    longest_interval_seconds: float = strawberry.field(
        description="The longest interval allowed (`--live-max-interval`); a new object the "
        "budget could not poll this often is refused."
    )
    budget_share: float = strawberry.field(
        description="Share of the hourly LL2 budget polling may take."
    )
    polls_per_hour: float = strawberry.field(description="Polls that share pays for, an hour.")
    shared: bool = strawberry.field(
        description="Whether the processes share the polling through Redis."
    )
    watched: list[WatchedObject] = strawberry.field(
        description="The LL2 objects subscriptions watch."
    )


@strawberry.type(description="The health and economy of the gateway's use of LL2.")
class UpstreamStatus:
    url: str = strawberry.field(description="The LL2 base URL (never with credentials).")
    calls: int = strawberry.field(description="LL2 calls made since this process started.")
    budget: BudgetStatus = strawberry.field(description="The budget of LL2 calls.")
    cache: CacheStatus = strawberry.field(description="The cross-request cache of LL2 answers.")
    recent_errors: list[UpstreamErrorReport] = strawberry.field(
        description="The latest failed LL2 calls, most recent first."
    )
    live: LiveStatus | None = strawberry.field(
        default=None, description="Polling for subscriptions; null without a live hub."
    )
