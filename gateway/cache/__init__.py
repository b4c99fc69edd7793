"""The cross-request cache of LL2 answers: in process, or in Redis for every instance.

Redis support is optional (the ``redis`` extra): :class:`RedisCache` is imported
only when a Redis URL is opened or the name is used.  A Redis cache always has a
bounded in-process tier in front of it (:class:`TieredCache`), which keeps warm
answers coming when Redis is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.cache.base import Cache, CacheEntry, CacheStats, InflightLocks
from gateway.cache.memory import MemoryCache
from gateway.cache.policy import ttl_for
from gateway.cache.tiered import TieredCache

if TYPE_CHECKING:
    from gateway.cache.link import RedisLink
    from gateway.cache.redis import RedisCache

__all__ = [
    "Cache",
    "CacheEntry",
    "CacheStats",
    "InflightLocks",
    "MemoryCache",
    "RedisCache",
    "TieredCache",
    "open_cache",
    "ttl_for",
]

_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def open_cache(
    url: str, *, max_bytes: int, prefix: str = "ll2gw:", link: RedisLink | None = None
) -> Cache:
    """The cache a ``GATEWAY_CACHE_URL`` names; connects lazily, on first use.

    Args:
        url: ``memory`` for an in-process LRU, or a Redis URL (``redis://``,
            ``rediss://``, ``unix://``) for a cache every instance shares, behind an
            in-process tier.
        max_bytes: Size bound of the in-process cache, or tier (Redis bounds its own).
        prefix: Namespace of the keys in Redis.
        link: The way to that Redis, shared with its other users (default: a new one,
            closed with the cache).

    Raises:
        ValueError: ``url`` names neither.
    """
    if url == "memory":
        return MemoryCache(max_bytes)
    if url.startswith(_REDIS_SCHEMES):
        from gateway.cache.redis import RedisCache

        far = RedisCache(url if link is None else link, prefix=prefix)
        return TieredCache(MemoryCache(max_bytes), far)
    scheme = url.partition("://")[0] + "://" if "://" in url else repr(url)
    raise ValueError(
        f"unknown cache {scheme}: use `memory` or a Redis URL "
        "(redis://host:6379/0, rediss://..., unix:///path/to/redis.sock)"
    )


def __getattr__(name: str) -> Any:
    if name == "RedisCache":
        from gateway.cache.redis import RedisCache

        return RedisCache
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
