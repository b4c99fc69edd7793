"""What every cache of LL2 answers offers, in memory or in Redis.

An entry lives in two phases: *fresh* until ``expires_at``, then *stale* for
``stale_ttl`` more seconds, after which it is gone. A stale entry is still
returned, marked ``fresh=False``, so the caller can serve it when LL2 fails or
the call budget is spent (stale-if-error) instead of failing the request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["Cache", "CacheEntry", "CacheStats", "InflightLocks"]


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One cached value and when it stops being fresh (wall-clock seconds)."""

    value: bytes
    stored_at: float
    expires_at: float
    #: When the stale window ends and the entry is gone (``inf``: the backend did not say).
    gone_at: float = field(default=math.inf, compare=False)
    #: The clock ``fresh`` is judged by: the cache's own, so tests can fake time.
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    @property
    def fresh(self) -> bool:
        """Whether the entry may be served without asking LL2, judged now."""
        return self.clock() < self.expires_at

    @property
    def age(self) -> float:
        """Seconds since the value was stored."""
        return max(0.0, self.clock() - self.stored_at)


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since this process opened the cache; ``None`` where a backend cannot tell.

    ``hits`` count fresh entries, ``stale_hits`` stale ones and ``misses`` lookups
    that found nothing (a lookup that failed on a backend error is a miss too, and
    also counted in ``errors``). ``evictions`` count entries dropped to make room.
    """

    backend: str
    hits: int = 0
    stale_hits: int = 0
    misses: int = 0
    sets: int = 0
    evictions: int | None = 0
    errors: int = 0
    bytes: int | None = 0
    entries: int | None = 0

    @property
    def hit_rate(self) -> float | None:
        """Fresh hits over lookups that were not stale; ``None`` before any."""
        looked_up = self.hits + self.misses
        return self.hits / looked_up if looked_up else None


@runtime_checkable
class Cache(Protocol):
    """An async key-value cache of LL2 response bodies, shared across requests.

    Methods never raise on a backend failure: a cache is an optimisation, and a
    broken one must look like an empty one.
    """

    async def get(self, key: str) -> CacheEntry | None:
        """The entry, fresh or stale, or ``None`` once it is past its stale window."""
        ...

    async def set(self, key: str, value: bytes, *, ttl: float, stale_ttl: float) -> None:
        """Store ``value``: fresh for ``ttl`` seconds, then stale for ``stale_ttl`` more.

        A total lifetime of zero stores nothing (and drops any older entry).
        """
        ...

    async def set_many(self, values: Mapping[str, bytes], *, ttl: float, stale_ttl: float) -> None:
        """Store several values alike, at once: a lookup sees all of them or none."""
        ...

    async def delete(self, key: str) -> None: ...

    async def stats(self) -> CacheStats: ...

    async def close(self) -> None:
        """Release the backend; the cache is not used afterwards."""
        ...


@runtime_checkable
class InflightLocks(Protocol):
    """Short locks by cache key, so one process of many calls LL2 for a key at a time.

    A cache shared by several processes (Redis) offers them: the process that claims a
    key's lock calls LL2 and fills the cache; the others wait for the cache to fill.
    A lock expires ``ttl`` seconds after it was claimed or last renewed, so a holder
    that died stalls nobody longer than that.  Like the cache, the methods never
    raise on a backend failure: a broken backend grants every claim (each process
    then calls for itself).
    """

    async def claim(self, key: str, ttl: float) -> str | None:
        """The lock of ``key`` for ``ttl`` seconds: a token to renew and release it
        with, or ``None`` while another holds it."""
        ...

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        """Push the lock's expiry ``ttl`` seconds away; False if it is no longer ours."""
        ...

    async def release(self, key: str, token: str) -> None:
        """Let the lock go, if it is still ours."""
        ...

    async def claimed(self, key: str) -> bool:
        """Whether some holder has the lock of ``key`` now."""
        ...

    async def get(self, key: str) -> CacheEntry | None:
        """The entry the processes share for ``key`` (not this process's near copy)."""
        ...
