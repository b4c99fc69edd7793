"""An in-process LRU cache bounded by bytes, for a single gateway instance.

The bound is on what the answers weigh (value plus key bytes), not on how many
there are: LL2 pages range from a few hundred bytes to a megabyte, so a count
would bound nothing. Python's own per-entry overhead (a few hundred bytes) is
not counted.

Expired entries are dropped when read; ones never read again age out of the
LRU order like any other, so the bound holds without a sweeper task.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gateway.cache.base import CacheEntry, CacheStats

__all__ = ["MemoryCache"]


@dataclass(slots=True)
class _Slot:
    value: bytes
    stored_at: float
    expires_at: float
    gone_at: float
    size: int


def _size(key: str, value: bytes) -> int:
    return len(key.encode()) + len(value)


class MemoryCache:
    """A :class:`~gateway.cache.base.Cache` in a dict, least recently used out first.

    Args:
        max_bytes: Most bytes of keys and values held; a value larger than this
            is not stored.
        clock: Wall-clock seconds; tests pass a fake one.
    """

    backend = "memory"

    def __init__(self, max_bytes: int, *, clock: Callable[[], float] = time.time) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must be >= 0, got {max_bytes}")
        self.max_bytes = max_bytes
        self._clock = clock
        self._slots: OrderedDict[str, _Slot] = OrderedDict()
        self._bytes = 0
        self._hits = self._stale_hits = self._misses = self._sets = self._evictions = 0

    async def get(self, key: str) -> CacheEntry | None:
        slot = self._slots.get(key)
        now = self._clock()
        if slot is None or now >= slot.gone_at:
            if slot is not None:
                self._drop(key)
            self._misses += 1
            return None
        self._slots.move_to_end(key)
        if now < slot.expires_at:
            self._hits += 1
        else:
            self._stale_hits += 1
        return CacheEntry(
            slot.value, slot.stored_at, slot.expires_at, gone_at=slot.gone_at, clock=self._clock
        )

    async def set(self, key: str, value: bytes, *, ttl: float, stale_ttl: float) -> None:
        if ttl < 0 or stale_ttl < 0:
            raise ValueError(f"ttl and stale_ttl must be >= 0, got {ttl} and {stale_ttl}")
        self._drop(key)
        size = _size(key, value)
        if ttl + stale_ttl <= 0 or size > self.max_bytes:
            return
        while self._bytes + size > self.max_bytes:
            self._drop(next(iter(self._slots)))
            self._evictions += 1
        now = self._clock()
        self._slots[key] = _Slot(value, now, now + ttl, now + ttl + stale_ttl, size)
        self._bytes += size
        self._sets += 1

    async def set_many(self, values: Mapping[str, bytes], *, ttl: float, stale_ttl: float) -> None:
        for key, value in values.items():  # no await between them: no lookup in between
            await self.set(key, value, ttl=ttl, stale_ttl=stale_ttl)

    async def delete(self, key: str) -> None:
        self._drop(key)

    async def stats(self) -> CacheStats:
        return CacheStats(
            backend=self.backend,
            hits=self._hits,
            stale_hits=self._stale_hits,
            misses=self._misses,
            sets=self._sets,
            evictions=self._evictions,
            bytes=self._bytes,
            entries=len(self._slots),
        )

    async def close(self) -> None:
        self._slots.clear()
        self._bytes = 0

    def _drop(self, key: str) -> None:
        slot = self._slots.pop(key, None)
        if slot is not None:
            self._bytes -= slot.size
