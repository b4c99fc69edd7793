"""Start-up and shutdown of what the app owns: the LL2 client, cache and quota.

With Redis, the cache, the response cache and the shared budget use one
:class:`~gateway.cache.link.RedisLink`: one connection pool, and one breaker, so
when one of them finds Redis gone the others stop waiting on it too.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from gateway.cache import Cache, InflightLocks, open_cache
from gateway.cache.policy import ttl_for
from gateway.cache.tiered import TieredCache
from gateway.errors import UpstreamError
from gateway.server.responses import ResponseCache
from gateway.server.state import APP_STATE
from gateway.settings import Settings
from gateway.upstream.breaker import CircuitBreaker
from gateway.upstream.client import LL2Client
from gateway.upstream.fetcher import Upstream
from gateway.upstream.quota import Quota, RedisTokenBucket, TokenBucket

if TYPE_CHECKING:
    from gateway.cache.link import RedisLink

__all__ = ["upstream_context"]

log = logging.getLogger("gateway.server")

#: LL2's anonymous quota, when /api-throttle/ cannot tell.
DEFAULT_RATE = 15.0


@dataclass(frozen=True, slots=True)
class Throttle:
    """What LL2's free ``/api-throttle/`` says of this client's quota."""

    rate_per_hour: float
    #: Calls LL2 counts as used in the current hour; ``None``: LL2 was not asked.
    used: float | None = None
    next_use_secs: float = 0.0


async def _throttle(client: LL2Client, settings: Settings) -> Throttle:
    """The configured rate, else LL2's own account of the quota (it costs no call)."""
    if settings.upstream_rate is not None:
        return Throttle(settings.upstream_rate)
    try:
        data = (await client.get("api-throttle/")).data
        limit = float(data["your_request_limit"])
        window = float(data.get("limit_frequency_secs") or 3600)
        used = float(data.get("current_use") or 0)
        wait = float(data.get("next_use_secs") or 0)
    except (UpstreamError, KeyError, TypeError, ValueError, AttributeError):
        log.warning("LL2's /api-throttle/ did not answer; assuming %s calls per hour", DEFAULT_RATE)
        return Throttle(DEFAULT_RATE)
    rate = limit * 3600.0 / window if window > 0 else limit
    return Throttle(rate, used * 3600.0 / window if window > 0 else used, wait)


async def _quota(
    settings: Settings, throttle: Throttle, namespace: str, link: RedisLink | None
) -> Quota:
    """A token bucket that starts where LL2's count stands (a restart spends nothing)."""
    quota: Quota
    used = throttle.used or 0.0
    if link is not None:
        quota = RedisTokenBucket(
            link,
            throttle.rate_per_hour,
            key=f"{namespace}bucket",
            # without Redis, and until it answers once: what LL2 says is left, else nothing
            fallback_tokens=None if throttle.used is None else throttle.rate_per_hour - used,
        )
    else:  # each worker process holds its share of the budget
        share = settings.worker_count
        rate = throttle.rate_per_hour / share
        quota = TokenBucket(rate, tokens=max(0.0, max(1.0, rate) - used / share))
    if throttle.next_use_secs > 0:
        await quota.penalise(throttle.next_use_secs)
    return quota


def _namespace(settings: Settings, upstream_url: str) -> str:
    """Redis key prefix: answers of two different upstreams must never mix."""
    digest = hashlib.sha256(upstream_url.encode()).hexdigest()[:12]
    return f"{settings.cache_namespace}{digest}:"


def _locks(cache: Cache) -> InflightLocks | None:
    """The in-flight locks of a cache shared by processes (Redis, behind its near tier)."""
    shared = cache.far if isinstance(cache, TieredCache) else cache
    return shared if isinstance(shared, InflightLocks) else None


async def upstream_context(app: web.Application) -> AsyncIterator[None]:
    """Own the LL2 client, cache and quota (and the offline upstream by default)."""
    state = app[APP_STATE]
    settings = state.settings
    if settings.upstream:
        state.upstream_url = settings.upstream
    else:
        from gateway.offline import start_offline_upstream

        state.offline = await start_offline_upstream(
            latency=settings.offline_latency, version=settings.ll2_version
        )
        state.upstream_url = state.offline.url
    client = LL2Client(
        state.upstream_url,
        api_key=settings.api_key,
        timeout=settings.upstream_timeout,
        connect_timeout=settings.upstream_connect_timeout,
        max_connections=settings.upstream_connections,
    )
    namespace = _namespace(settings, state.upstream_url)
    link: RedisLink | None = None
    if settings.cache.startswith(("redis://", "rediss://", "unix://")):
        from gateway.cache.link import RedisLink

        link = RedisLink(
            settings.cache, timeout=settings.redis_timeout, cooldown=settings.redis_cooldown
        )
    cache = open_cache(
        settings.cache, max_bytes=settings.cache_max_bytes, prefix=namespace, link=link
    )
    if settings.response_cache:
        state.responses = ResponseCache(
            open_cache(
                settings.cache,
                max_bytes=settings.cache_max_bytes // 4,
                prefix=namespace,
                link=link,
            ),
            upstream=f"{state.upstream_url} {settings.ll2_version}",
        )
    quota = await _quota(settings, await _throttle(client, settings), namespace, link)
    state.upstream_ = Upstream(
        client,
        cache=cache,
        quota=quota,
        ttl_for=ttl_for,
        breaker=CircuitBreaker(settings.breaker_threshold, settings.breaker_cooldown),
        retries=settings.upstream_retries,
        backoff=settings.upstream_backoff,
        max_concurrency=settings.upstream_connections,
        stale_deadline=settings.stale_deadline,
        # Shared by the processes on one Redis: one of them calls LL2 for a key at a time.
        locks=_locks(cache),
    )
    try:
        yield
    finally:
        await state.upstream_.aclose()  # background refreshes
        state.upstream_ = None
        await client.aclose()
        await cache.close()
        if state.responses is not None:
            await state.responses.close()
            state.responses = None
        close = getattr(quota, "close", None)
        if close is not None:
            await close()
        if link is not None:
            await link.close()
        if state.offline is not None:
            await state.offline.close()
            state.offline = None
