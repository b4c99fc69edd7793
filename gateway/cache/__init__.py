"""The cross-request cache of LL2 answers: in process, or in Redis for every instance.

Redis support is optional (the ``redis`` extra): :class:`RedisCache` is imported
only when a Redis URL is opened or the name is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.cache.base import Cache, CacheEntry, CacheStats, InflightLocks
from gateway.cache.memory import MemoryCache
from gateway.cache.policy import ttl_for

if TYPE_CHECKING:
    from gateway.cache.redis import RedisCache

__all__ = [
    "Cache",
    "CacheEntry",
    "CacheStats",
    "InflightLocks",
    "MemoryCache",
    "RedisCache",
    "open_cache",
    "ttl_for",
]

_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def open_cache(url: str, *, max_bytes: int, prefix: str = "ll2gw:") -> Cache:
    """The cache a ``GATEWAY_CACHE_URL`` names; connects lazily, on first use.

    Args:
        url: ``memory`` for an in-process LRU, or a Redis URL (``redis://``,
            ``rediss://``, ``unix://``) for a cache every instance shares.
        max_bytes: Size bound of the in-process cache (Redis bounds its own).
        prefix: Namespace of the keys in Redis.

    Raises:
        ValueError: ``url`` names neither.
    """
    if url == "memory":
        return MemoryCache(max_bytes)
    if url.startswith(_REDIS_SCHEMES):
        from gateway.cache.redis import RedisCache

        return RedisCache(url, prefix=prefix)
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
