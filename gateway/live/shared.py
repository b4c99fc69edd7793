"""What the processes watching LL2 objects agree on: who polls, when, and what changed.

:class:`Alone` is a process by itself (the in-memory cache): it always holds every
lease and its watched objects are all there are.  :class:`RedisShared` is every
process whose cache is one Redis, under its key namespace:

===========================  ============================================================
``{ns}live:lease:{path}``     the process polling ``path`` (a short lease, renewed while
                              it watches; whoever takes it when it lapses polls next)
``{ns}live:polled:{path}``    exists while ``path`` was polled (or fetched by any query)
                              less than an interval ago; its TTL is the time to the next
                              poll
``{ns}live:watched``          sorted set of ``path\\nprocess``, scored by when that
                              process's watch lapses unless renewed (Redis's clock)
``{ns}live`` (channel)        every change seen, with the new LL2 answer, for the
                              processes that did not see it themselves
===========================  ============================================================

A Redis that fails is never fatal: the process then acts alone (it polls what it
watches itself, paid from the budget's own local fallback) and says so in the log at
most once a minute, until Redis answers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

__all__ = ["Alone", "RedisShared", "Shared"]

log = logging.getLogger("gateway.live")

_LOG_EVERY = 60.0

#: KEYS[1] lease; ARGV owner, ttl ms.  Take the lease if free, renew it if ours.
_ACQUIRE = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
#: KEYS[1] lease; ARGV owner.  Drop the lease if ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""
#: KEYS[1] watched set; ARGV ttl seconds, then members.  Renew these members' watches.
_WATCHING = """
local clock = redis.call('TIME')
local lapse = tonumber(clock[1]) + tonumber(clock[2]) / 1000000 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], lapse, ARGV[i]) end
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1])) + 60)
return 0
"""
#: KEYS[1] watched set.  The members whose watch has not lapsed.
_WATCHED = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
"""


class Shared(Protocol):
    """What the live hub asks of the other processes (or of nobody)."""

    #: Whether other processes take part (Redis), reported by ``upstreamStatus``.
    shared: bool

    async def start(self, on_message: Callable[[bytes], None]) -> None:
        """Begin hearing the other processes' messages."""

    async def acquire(self, path: str, ttl: float) -> bool:
        """Take (or keep) the lease on polling ``path`` for ``ttl`` seconds."""

    async def release(self, path: str) -> None:
        """Give the lease up, if this process holds it."""

    async def due_in(self, path: str) -> float:
        """Seconds until ``path`` should be polled again (0: now)."""

    async def polled(self, path: str, interval: float, *, only_if_unset: bool = False) -> None:
        """``path`` was just fetched from LL2: the next poll is ``interval`` from now."""

    async def watching(self, paths: Iterable[str], ttl: float) -> None:
        """This process watches ``paths`` for at least ``ttl`` more seconds."""

    async def unwatch(self, path: str) -> None:
        """This process no longer watches ``path``."""

    async def watched(self) -> dict[str, int]:
        """Every path watched by some process, with how many processes watch it."""

    async def publish(self, message: bytes) -> None:
        """Tell the other processes (a change they may not have seen)."""

    async def close(self) -> None: ...


class Alone:
    """One process by itself: every lease is its own, nothing to tell anyone."""

    shared = False

    def __init__(self) -> None:
        self._due: dict[str, float] = {}
        self._watched: set[str] = set()

    async def start(self, on_message: Callable[[bytes], None]) -> None:
        pass

    async def acquire(self, path: str, ttl: float) -> bool:
        return True

    async def release(self, path: str) -> None:
        pass

    async def due_in(self, path: str) -> float:
        return max(0.0, self._due.get(path, 0.0) - time.monotonic())

    async def polled(self, path: str, interval: float, *, only_if_unset: bool = False) -> None:
        if only_if_unset and self._due.get(path, 0.0) > time.monotonic():
            return
        self._due[path] = time.monotonic() + interval

    async def watching(self, paths: Iterable[str], ttl: float) -> None:
        self._watched.update(paths)

    async def unwatch(self, path: str) -> None:
        self._watched.discard(path)
        self._due.pop(path, None)

    async def watched(self) -> dict[str, int]:
        return dict.fromkeys(self._watched, 1)

    async def publish(self, message: bytes) -> None:
        pass

    async def close(self) -> None:
        pass


class RedisShared:
    """Every process sharing one Redis (and key namespace) agrees through it.

    Args:
        url: The Redis URL (the gateway's ``--cache``).
        namespace: The gateway's key prefix for this upstream.
        timeout: Seconds to wait to connect, and for each reply.
    """

    shared = True

    def __init__(self, url: str, namespace: str, *, timeout: float = 1.0) -> None:
        import redis.asyncio as aioredis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import RedisError

        self._failures: tuple[type[BaseException], ...] = (RedisError, OSError)
        self._client: Redis = aioredis.from_url(
            url,
            socket_connect_timeout=timeout,
            socket_timeout=timeout + 2.0,  # above the pub/sub read's own wait
            retry=Retry(NoBackoff(), 1),
        )
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._prefix = f"{namespace}live"
        self._acquire = self._client.register_script(_ACQUIRE)
        self._release = self._client.register_script(_RELEASE)
        self._watching = self._client.register_script(_WATCHING)
        self._watched = self._client.register_script(_WATCHED)
        self._pubsub: PubSub | None = None
        self._listener: asyncio.Task[None] | None = None
        self._logged_at = -math.inf
        self._mine: set[str] = set()
        #: path -> when the next poll is due by this process's own account (Redis down).
        self._due: dict[str, float] = {}

    def _key(self, kind: str, path: str = "") -> str:
        return f"{self._prefix}:{kind}:{path}" if path else f"{self._prefix}:{kind}"

    def _member(self, path: str) -> str:
        return f"{path}\n{self.owner}"

    def _failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._logged_at >= _LOG_EVERY:
            self._logged_at = now
            log.warning("Redis unavailable for live data, this process acts alone: %s", exc)

    async def start(self, on_message: Callable[[bytes], None]) -> None:
        self._listener = asyncio.create_task(self._listen(on_message), name="live-pubsub")

    async def _listen(self, on_message: Callable[[bytes], None]) -> None:
        """Hear the channel for as long as the process runs, reconnecting after failures."""
        while True:
            try:
                if self._pubsub is None:
                    self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                    await self._pubsub.subscribe(self._prefix)
                message = await self._pubsub.get_message(timeout=1.0)
                if message is not None and isinstance(message.get("data"), bytes):
                    on_message(message["data"])
            except self._failures as exc:
                self._failed(exc)
                if self._pubsub is not None:
                    with contextlib.suppress(*self._failures):
                        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
                    self._pubsub = None
                await asyncio.sleep(1.0)

    async def acquire(self, path: str, ttl: float) -> bool:
        try:
            args: list[str | int] = [self.owner, max(1, round(ttl * 1000))]
            return bool(await self._acquire(keys=[self._key("lease", path)], args=args))
        except self._failures as exc:
            self._failed(exc)
            return True  # alone: poll it ourselves rather than let it go stale

    async def release(self, path: str) -> None:
        with contextlib.suppress(*self._failures):
            await self._release(keys=[self._key("lease", path)], args=[self.owner])

    async def due_in(self, path: str) -> float:
        try:
            remaining = await self._client.pttl(self._key("polled", path))
        except self._failures as exc:
            self._failed(exc)
            return max(0.0, self._due.get(path, 0.0) - time.monotonic())
        return max(0.0, int(remaining) / 1000.0)

    async def polled(self, path: str, interval: float, *, only_if_unset: bool = False) -> None:
        if not (only_if_unset and self._due.get(path, 0.0) > time.monotonic()):
            self._due[path] = time.monotonic() + interval
        with contextlib.suppress(*self._failures):
            await self._client.set(
                self._key("polled", path),
                b"1",
                px=max(1, round(interval * 1000)),
                nx=only_if_unset,
            )

    async def watching(self, paths: Iterable[str], ttl: float) -> None:
        members = [self._member(p) for p in paths]
        self._mine.update(members)
        if not members:
            return
        try:
            args: list[str | float] = [ttl, *members]
            await self._watching(keys=[self._key("watched")], args=args)
        except self._failures as exc:
            self._failed(exc)

    async def unwatch(self, path: str) -> None:
        self._mine.discard(self._member(path))
        self._due.pop(path, None)
        with contextlib.suppress(*self._failures):
            await self._client.zrem(self._key("watched"), self._member(path))

    async def watched(self) -> dict[str, int]:
        try:
            members = await self._watched(keys=[self._key("watched")])
        except self._failures as exc:
            self._failed(exc)
            members = [m.encode() for m in self._mine]
        counts: dict[str, int] = {}
        for member in members:
            path = member.decode().partition("\n")[0]
            counts[path] = counts.get(path, 0) + 1
        return counts

    async def publish(self, message: bytes) -> None:
        try:
            await self._client.publish(self._prefix, message)
        except self._failures as exc:
            self._failed(exc)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._pubsub is not None:
            with contextlib.suppress(*self._failures):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        with contextlib.suppress(*self._failures):
            if self._mine:
                await self._client.zrem(self._key("watched"), *self._mine)
        await self._client.aclose()
