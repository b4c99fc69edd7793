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
Redis's ``maxmemory`` policy, not this class, bounds the size (``volatile-lru``
suits it: every entry has a TTL).

It also holds the in-flight locks (:class:`~gateway.cache.base.InflightLocks`) of
the processes sharing it: ``{prefix}lock:{key}``, claimed with ``SET NX PX`` holding
a random token, renewed and released only by that token's holder (a small Lua
script compares it), gone by themselves at their TTL.

A cache must never fail a request: when Redis is unreachable or errs, a lookup
is a miss and a store does nothing, both counted in ``errors``; Redis is then
left alone for ``backoff`` seconds (so a dead server costs one timeout, not one
per lookup) and the failure is logged at most once a minute.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import struct
import time
from collections.abc import Callable, Mapping

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from gateway.cache.base import CacheEntry, CacheStats

__all__ = ["RedisCache"]

log = logging.getLogger("gateway.cache")

#: format version, ttl, stale_ttl; the value follows.
_HEADER = struct.Struct("!Bddd")
_VERSION = 2
#: Entries of version 1 (no writer's time), still read.
_HEADER_1 = struct.Struct("!Bdd")
#: ``stats()`` counts entries with at most this many ``SCAN`` calls of ~1000 keys.
_SCAN_ROUNDS = 20
_LOG_EVERY = 60.0
#: What a call to Redis may raise when Redis, or the way to it, is broken.
_FAILURES = (RedisError, OSError)
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


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


class RedisCache:
    """A :class:`~gateway.cache.base.Cache` on ``redis.asyncio``.

    Args:
        url: ``redis://``, ``rediss://`` or ``unix://`` URL; connects lazily.
        prefix: Namespace of this gateway's keys in the Redis database.
        clock: Wall-clock seconds, to express entry times in this process's clock.
        backoff: Seconds to leave Redis alone after a failure.
        timeout: Seconds to wait to connect, and for each reply.

    ``stats()`` counts per process, except ``entries``: a ``SCAN`` of the prefix,
    exact up to ~20,000 keys in the database and ``None`` beyond (never a
    ``KEYS``). ``bytes`` and ``evictions`` are ``None``: Redis does not tell them
    per prefix cheaply.
    """

    backend = "redis"

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "ll2gw:",
        clock: Callable[[], float] = time.time,
        backoff: float = 1.0,
        timeout: float = 1.0,
    ) -> None:
        self._client = aioredis.from_url(
            url,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            # One immediate retry replaces a pooled connection the server closed.
            retry=Retry(NoBackoff(), 1),
        )
        self._keys = f"{prefix}cache:"
        self._locks = f"{prefix}lock:"
        self._if_ours = self._client.register_script(_IF_OURS)
        self._pattern = _glob_escape(self._keys) + "*"
        self._clock = clock
        self._backoff = backoff
        self._down_until = -math.inf
        self._logged_at = -math.inf
        self._failing = False
        self._hits = self._stale_hits = self._misses = self._sets = self._errors = 0

    async def get(self, key: str) -> CacheEntry | None:
        name = self._keys + key
        if self._down():
            self._misses += 1
            return None
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.get(name)
                pipe.pttl(name)
                blob, pttl = await pipe.execute()
        except _FAILURES as exc:
            self._failed(exc)
            self._misses += 1
            return None
        self._succeeded()
        entry = self._entry(blob, pttl)
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
        if self._down():
            return
        header = _HEADER.pack(_VERSION, ttl, stale_ttl, self._clock())
        lifetime_ms = _ms(ttl + stale_ttl)
        try:
            if len(values) == 1:
                [(key, value)] = values.items()
                await self._client.set(self._keys + key, header + value, px=lifetime_ms)
            else:
                async with self._client.pipeline(transaction=True) as pipe:
                    for key, value in values.items():
                        pipe.set(self._keys + key, header + value, px=lifetime_ms)
                    await pipe.execute()
        except _FAILURES as exc:
            self._failed(exc)
            return
        self._succeeded()
        self._sets += len(values)

    async def delete(self, key: str) -> None:
        if self._down():
            return
        try:
            await self._client.delete(self._keys + key)
        except _FAILURES as exc:
            self._failed(exc)
            return
        self._succeeded()

    async def claim(self, key: str, ttl: float) -> str | None:
        if self._down():
            return _UNSHARED
        token = secrets.token_hex(8)
        try:
            taken = await self._client.set(self._locks + key, token, nx=True, px=_ms(ttl))
        except _FAILURES as exc:
            self._failed(exc)
            return _UNSHARED
        self._succeeded()
        return token if taken else None

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        return await self._if_ours_do(key, token, _ms(ttl))

    async def release(self, key: str, token: str) -> None:
        await self._if_ours_do(key, token, 0)

    async def claimed(self, key: str) -> bool:
        if self._down():
            return False
        try:
            found = await self._client.exists(self._locks + key)
        except _FAILURES as exc:
            self._failed(exc)
            return False
        self._succeeded()
        return bool(found)

    async def _if_ours_do(self, key: str, token: str, ttl_ms: int) -> bool:
        """Renew (``ttl_ms``) or delete (0) the lock if ``token`` holds it."""
        if token == _UNSHARED or self._down():
            return True
        try:
            done = await self._if_ours(keys=[self._locks + key], args=[token, ttl_ms])
        except _FAILURES as exc:
            self._failed(exc)
            return True
        self._succeeded()
        return bool(done)

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
        await self._client.aclose()

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
        now = self._clock()
        expires_at = now + pttl / 1000 - stale_ttl
        if math.isnan(stored_at):
            stored_at = expires_at - ttl
        return CacheEntry(blob[size:], stored_at, expires_at, clock=self._clock)

    async def _count(self) -> int | None:
        if self._down():
            return None
        cursor, found = 0, 0
        try:
            for _ in range(_SCAN_ROUNDS):
                cursor, keys = await self._client.scan(cursor, match=self._pattern, count=1000)
                found += len(keys)
                if cursor == 0:
                    return found
        except _FAILURES as exc:
            self._failed(exc)
        return None

    def _down(self) -> bool:
        """Whether Redis failed too recently to try again; counts the skipped call."""
        if time.monotonic() < self._down_until:
            self._errors += 1
            return True
        return False

    def _failed(self, exc: BaseException) -> None:
        self._errors += 1
        self._failing = True
        now = time.monotonic()
        self._down_until = now + self._backoff
        if now - self._logged_at >= _LOG_EVERY:
            self._logged_at = now
            log.warning("Redis cache unavailable, serving without it: %s", exc)

    def _succeeded(self) -> None:
        if self._failing:
            self._failing = False
            log.info("Redis cache reachable again")
