"""Start-up and shutdown of what the app owns: the LL2 client, cache and quota."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from gateway.cache import open_cache
from gateway.cache.policy import ttl_for
from gateway.errors import UpstreamError
from gateway.server.state import APP_STATE
from gateway.settings import Settings
from gateway.upstream.breaker import CircuitBreaker
from gateway.upstream.client import LL2Client
from gateway.upstream.fetcher import Upstream
from gateway.upstream.quota import Quota, RedisTokenBucket, TokenBucket

__all__ = ["upstream_context"]

log = logging.getLogger("gateway.server")

#: LL2's anonymous quota, when /api-throttle/ cannot tell.
DEFAULT_RATE = 15.0


async def _rate_per_hour(client: LL2Client, settings: Settings) -> float:
    """The configured rate, else what LL2's free ``/api-throttle/`` reports."""
    if settings.upstream_rate is not None:
        return settings.upstream_rate
    try:
        data = (await client.get("api-throttle/")).data
        limit = float(data["your_request_limit"])
        window = float(data.get("limit_frequency_secs") or 3600)
    except (UpstreamError, KeyError, TypeError, ValueError):
        log.warning("LL2's /api-throttle/ did not answer; assuming %s calls per hour", DEFAULT_RATE)
        return DEFAULT_RATE
    return limit * 3600.0 / window if window > 0 else limit


def _namespace(settings: Settings, upstream_url: str) -> str:
    """Redis key prefix: answers of two different upstreams must never mix."""
    digest = hashlib.sha256(upstream_url.encode()).hexdigest()[:12]
    return f"{settings.cache_namespace}{digest}:"


def _quota(settings: Settings, rate: float, namespace: str) -> Quota:
    if settings.cache.startswith(("redis://", "rediss://", "unix://")):
        return RedisTokenBucket(settings.cache, rate, key=f"{namespace}bucket")
    return TokenBucket(rate)


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
    cache = open_cache(settings.cache, max_bytes=settings.cache_max_bytes, prefix=namespace)
    quota = _quota(settings, await _rate_per_hour(client, settings), namespace)
    state.upstream_ = Upstream(
        client,
        cache=cache,
        quota=quota,
        ttl_for=ttl_for,
        breaker=CircuitBreaker(settings.breaker_threshold, settings.breaker_cooldown),
        retries=settings.upstream_retries,
        backoff=settings.upstream_backoff,
        max_concurrency=settings.upstream_connections,
    )
    try:
        yield
    finally:
        state.upstream_ = None
        await client.aclose()
        await cache.close()
        close = getattr(quota, "close", None)
        if close is not None:
            await close()
        if state.offline is not None:
            await state.offline.close()
            state.offline = None
