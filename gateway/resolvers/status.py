"""``upstreamStatus``: the budget, the cache and recent LL2 failures; costs no LL2 call."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.context import Context
from gateway.live import LiveHub
from gateway.types.status import (
    BudgetStatus,
    CacheStatus,
    LiveStatus,
    UpstreamErrorReport,
    UpstreamStatus,
    WatchedObject,
)
from gateway.upstream.client import redact_url

__all__ = ["upstream_status"]


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).isoformat().replace("+00:00", "Z")


async def _live(hub: LiveHub | None) -> LiveStatus | None:
    if hub is None:
        return None
    interval, watched = await hub.status()
    return LiveStatus(
        interval_seconds=interval,
        shortest_interval_seconds=hub.shortest,
        longest_interval_seconds=hub.longest,
        budget_share=hub.share,
        polls_per_hour=hub.rate_per_hour * hub.share,
        shared=hub.shared.shared,
        watched=[
            WatchedObject(
                path=w.path,
                resource=w.resource,
                id=w.id,
                interval_seconds=w.interval,
                subscribers=w.subscribers,
                processes=w.processes,
                polling=w.polling,
                polls=w.polls,
                last_poll_at=_iso(w.last_poll) if w.last_poll is not None else None,
            )
            for w in watched
        ],
    )


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
                at=_iso(e.at),
                path=e.path,
                code=e.code,
                message=e.message,
            )
            for e in reversed(upstream.errors)
        ],
        live=await _live(info.context.live),
    )
