"""``upstreamStatus``: the budget, the cache and recent LL2 failures; costs no LL2 call."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.context import Context
from gateway.types.status import BudgetStatus, CacheStatus, UpstreamErrorReport, UpstreamStatus
from gateway.upstream.client import redact_url

__all__ = ["upstream_status"]


async def upstream_status(info: strawberry.Info[Context, None]) -> UpstreamStatus:
    """How the gateway is spending its LL2 budget; never calls LL2."""
    info.context.session.tally.read_volatile()  # never served again from a response cache
    upstream = info.context.upstream
    stats = await upstream.cache.stats()
    return UpstreamStatus(
        url=redact_url(upstream.client.base_url),
        calls=upstream.calls,
        budget=BudgetStatus(
            rate_per_hour=upstream.quota.rate_per_hour,
            available=await upstream.quota.available(),
            seconds_until_available=await upstream.quota.seconds_until_available(),
            shared=upstream.quota.shared,
        ),
        cache=CacheStatus(
            backend=stats.backend,
            hits=stats.hits,
            stale_hits=stats.stale_hits,
            misses=stats.misses,
            hit_rate=stats.hit_rate,
            entries=stats.entries,
            bytes=stats.bytes,
        ),
        recent_errors=[
            UpstreamErrorReport(
                at=dt.datetime.fromtimestamp(e.at, dt.UTC).isoformat().replace("+00:00", "Z"),
                path=e.path,
                code=e.code,
                message=e.message,
            )
            for e in reversed(upstream.errors)
        ],
    )
