"""A bounded in-process tier in front of a shared cache (Redis).

Reads try this process's memory first: a fresh entry there answers without a round
trip to Redis (and keeps the same ``stored_at`` from one read to the next, so the
fetcher's decoded copies are reused).  Otherwise Redis is asked, and what it holds is
copied near with the times Redis gave it.  Writes go to both.

When Redis is lost, whatever this process read or wrote recently still answers, fresh
or stale (the fetcher may serve a stale entry when LL2 cannot be asked); when it
returns, reads and writes reach it again.  Entries are immutable LL2 answers with
lifetimes, so a near copy never needs invalidating: at worst it is as old as the
Redis copy it was read from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from gateway.cache.base import Cache, CacheEntry, CacheStats
from gateway.cache.memory import MemoryCache

__all__ = ["TieredCache"]


class TieredCache:
    """A :class:`~gateway.cache.base.Cache`: ``near`` (this process) before ``far``.

    ``stats()`` are the far cache's, with ``hits``, ``stale_hits`` and ``misses``
    counted over both tiers (a near hit is a hit) and ``bytes`` the near tier's.
    """

    def __init__(self, near: MemoryCache, far: Cache) -> None:
        self.near = near
        self.far = far
        self.backend: str = getattr(far, "backend", "shared")
        self._hits = self._stale_hits = self._misses = 0

    async def get(self, key: str) -> CacheEntry | None:
        near = await self.near.get(key)
        if near is not None and near.fresh:
            self._hits += 1
            return near
        far = await self.far.get(key)
        if far is not None and (near is None or far.expires_at > near.expires_at):
            await self._keep_near(key, far)
            found: CacheEntry | None = far
        else:
            found = near  # stale, or None; also when Redis could not be asked
        if found is None:
            self._misses += 1
        elif found.fresh:
            self._hits += 1
        else:
            self._stale_hits += 1
        return found

    async def set(self, key: str, value: bytes, *, ttl: float, stale_ttl: float) -> None:
        await self.near.set(key, value, ttl=ttl, stale_ttl=stale_ttl)
        await self.far.set(key, value, ttl=ttl, stale_ttl=stale_ttl)

    async def set_many(self, values: Mapping[str, bytes], *, ttl: float, stale_ttl: float) -> None:
        await self.near.set_many(values, ttl=ttl, stale_ttl=stale_ttl)
        await self.far.set_many(values, ttl=ttl, stale_ttl=stale_ttl)

    async def delete(self, key: str) -> None:
        await self.near.delete(key)
        await self.far.delete(key)

    async def stats(self) -> CacheStats:
        far = await self.far.stats()
        near = await self.near.stats()
        return CacheStats(
            backend=far.backend,
            hits=self._hits,
            stale_hits=self._stale_hits,
            misses=self._misses,
            sets=far.sets,
            evictions=near.evictions,
            errors=far.errors,
            bytes=near.bytes,
            entries=far.entries,
        )

    async def close(self) -> None:
        await self.near.close()
        await self.far.close()

    async def _keep_near(self, key: str, entry: CacheEntry) -> None:
        """Copy a far entry near, fresh and gone when the far one is."""
        now = entry.clock()
        ttl = max(0.0, entry.expires_at - now)
        stale_ttl = 0.0 if math.isinf(entry.gone_at) else max(0.0, entry.gone_at - now - ttl)
        await self.near.set(key, entry.value, ttl=ttl, stale_ttl=stale_ttl)
