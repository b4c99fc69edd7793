"""A cache in Redis, shared by every gateway instance.

Each entry is one string key, ``{prefix}cache:{key}``, holding a small header
(format version, ``ttl``, ``stale_ttl``, the writer's time) and then the value,
written with one ``SET ... PX`` whose Redis TTL is ``ttl + stale_ttl``. Redis drops
the entry when its stale window ends, and freshness is judged from the remaining TTL
(``PTTL > stale_ttl``), read in the same ``MULTI`` as the value: only Redis's
clock decides, so instances whose clocks disagree still agree on freshness.  The
writer's time is the entry's ``stored_at``: the same on every read of one write
(so each process can keep the entry decoded, :class:`gateway.upstream.fetcher.Upstream`),
new with every write.

It also holds the in-flight locks (:class:`~gateway.cache.base.InflightLocks`) of
the processes sharing it: ``{prefix}lock:{key}``, claimed with ``SET NX PX`` holding
a random token, renewed and released only by that token's holder (a small Lua
script compares it), gone by themselves at their TTL.
Redis's ``maxmemory`` policy, not this class, bounds the size (``volatile-lru``
suits it: every entry has a TTL).

A cache must never fail a request: when Redis is unreachable or errs, a lookup
is a miss and a store does nothing, both counted in ``errors``.  Redis is reached
through a :class:`~gateway.cache.link.RedisLink`, whose breaker leaves a failed Redis
alone for a while and which the other users of the same Redis share.
"""

from __future__ import annotations

import math
import re
import secrets
import struct
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from gateway.cache.base import CacheEntry, CacheStats
from gateway.cache.link import RedisDown, RedisLink

__all__ = ["RedisCache"]

T = TypeVar("T")

#: format version, ttl, stale_ttl, the writer's time; the value follows.
_HEADER = struct.Struct("!Bddd")
_VERSION = 2
#: Entries of version 1 (no writer's time), still read.
_HEADER_1 = struct.Struct("!Bdd")
#: The token of a lock granted because Redis could not be asked.
_UNSHARED = "unshared"
#: KEYS[1] lock, ARGV[1] token, ARGV[2] new TTL in ms (0: delete): 1 if it was ours.
_IF_OURS = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""


def _ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


#: ``stats()`` counts entries with at most this many ``SCAN`` calls of ~1000 keys.
_SCAN_ROUNDS = 20


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


class RedisCache:
    """A :class:`~gateway.cache.base.Cache` on ``redis.asyncio``.

    Args:
        url_or_link: A ``redis://``, ``rediss://`` or ``unix://`` URL (connected
            lazily, closed by :meth:`close`), or a shared link (left open).
        prefix: Namespace of this gateway's keys in the Redis database.
        clock: Wall-clock seconds, to express entry times in this process's clock.
        backoff: Seconds to leave Redis alone after a failure (URL only).
        timeout: Seconds to wait to connect, and for each reply (URL only).

    ``stats()`` counts per process, except ``entries``: a ``SCAN`` of the prefix,
    exact up to ~20,000 keys in the database and ``None`` beyond (never a
    ``KEYS``). ``bytes`` and ``evictions`` are ``None``: Redis does not tell them
    per prefix cheaply.
    """

    backend = "redis"

    def __init__(
        self,
        url_or_link: str | RedisLink,
        *,
        prefix: str = "ll2gw:",
        clock: Callable[[], float] = time.time,
        backoff: float = 5.0,
        timeout: float = 0.25,
    ) -> None:
        if isinstance(url_or_link, str):
            self.link = RedisLink(url_or_link, timeout=timeout, cooldown=backoff)
            self._owns_link = True
        else:
            self.link = url_or_link
            self._owns_link = False
        self._client = self.link.client
        self._keys = f"{prefix}cache:"
        self._locks = f"{prefix}lock:"
        self._if_ours = self._client.register_script(_IF_OURS)
        self._pattern = _glob_escape(self._keys) + "*"
        self._clock = clock
        self._hits = self._stale_hits = self._misses = self._sets = self._errors = 0

    async def get(self, key: str) -> CacheEntry | None:
        name = self._keys + key

        async def read() -> list[object]:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.get(name)
                pipe.pttl(name)
                return await pipe.execute()

        found = await self._run(read)
        if found is None:
            self._misses += 1
            return None
        blob, pttl = found
        entry = self._entry(blob, pttl)  # type: ignore[arg-type]
        if entry is None:
            self._misses += 1
        elif entry.fresh:
            self._hits += 1
        else:
            self._stale_hits += 1
        return entry

    async def set(self, key: str, value: bytes, *, ttl: float, stale_ttl: float) -> None:
        await self.set_many({key: value}, ttl=ttl, stale_ttl=stale_ttl)

    async def set_many(self, values: Mapping[str, bytes], *, ttl: float, stale_ttl: float) -> None:
        """One ``SET ... PX`` per value, in one ``MULTI`` when there are several."""
        if ttl < 0 or stale_ttl < 0:
            raise ValueError(f"ttl and stale_ttl must be >= 0, got {ttl} and {stale_ttl}")
        if not values:
            return
        if ttl + stale_ttl <= 0:
            for key in values:
                await self.delete(key)
            return
        header = _HEADER.pack(_VERSION, ttl, stale_ttl, self._clock())
        lifetime_ms = _ms(ttl + stale_ttl)

        async def write() -> bool:
            async with self._client.pipeline(transaction=len(values) > 1) as pipe:
                for key, value in values.items():
                    pipe.set(self._keys + key, header + value, px=lifetime_ms)
                await pipe.execute()
            return True

        if await self._run(write):
            self._sets += len(values)

    async def claim(self, key: str, ttl: float) -> str | None:
        token = secrets.token_hex(8)
        try:
            taken = await self.link.run(
                lambda: self._client.set(self._locks + key, token, nx=True, px=_ms(ttl))
            )
        except RedisDown:
            return _UNSHARED  # each process calls for itself
        return token if taken else None

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        return await self._if_ours_do(key, token, _ms(ttl))

    async def release(self, key: str, token: str) -> None:
        await self._if_ours_do(key, token, 0)

    async def claimed(self, key: str) -> bool:
        found = await self._run(lambda: self._client.exists(self._locks + key))
        return bool(found)

    async def _if_ours_do(self, key: str, token: str, ttl_ms: int) -> bool:
        """Renew (``ttl_ms``) or delete (0) the lock if ``token`` holds it."""
        if token == _UNSHARED:
            return True
        try:
            done = await self.link.run(
                lambda: self._if_ours(keys=[self._locks + key], args=[token, ttl_ms])
            )
        except RedisDown:
            return True
        return bool(done)

    async def delete(self, key: str) -> None:
        await self._run(lambda: self._client.delete(self._keys + key))

    async def stats(self) -> CacheStats:
        entries = await self._count()  # first: a failure here counts in errors
        return CacheStats(
            backend=self.backend,
            hits=self._hits,
            stale_hits=self._stale_hits,
            misses=self._misses,
            sets=self._sets,
            evictions=None,
            errors=self._errors,
            bytes=None,
            entries=entries,
        )

    async def close(self) -> None:
        if self._owns_link:
            await self.link.close()

    def _entry(self, blob: bytes | None, pttl: int) -> CacheEntry | None:
        """The entry in this process's clock, from Redis's remaining TTL; ``None`` if unusable."""
        if blob is None or pttl < 0 or len(blob) < _HEADER_1.size:
            return None  # absent, without an expiry (not ours), or truncated
        version = blob[0]
        if version == _VERSION and len(blob) >= _HEADER.size:
            _, ttl, stale_ttl, stored_at = _HEADER.unpack_from(blob)
            size = _HEADER.size
        elif version == 1:
            _, ttl, stale_ttl = _HEADER_1.unpack_from(blob)
            stored_at, size = math.nan, _HEADER_1.size
        else:
            return None
        gone_at = self._clock() + pttl / 1000
        expires_at = gone_at - stale_ttl
        if math.isnan(stored_at):
            stored_at = expires_at - ttl
        return CacheEntry(blob[size:], stored_at, expires_at, gone_at=gone_at, clock=self._clock)

    async def _count(self) -> int | None:
        async def scan() -> int | None:
            cursor, found = 0, 0
            for _ in range(_SCAN_ROUNDS):
                cursor, keys = await self._client.scan(cursor, match=self._pattern, count=1000)
                found += len(keys)
                if cursor == 0:
                    return found
            return None

        return await self._run(scan)

    async def _run(self, call: Callable[[], Awaitable[T]]) -> T | None:
        """The call's result, or ``None`` (counted in ``errors``) when Redis is down."""
        try:
            return await self.link.run(call)
        except RedisDown:
            self._errors += 1
            return None
