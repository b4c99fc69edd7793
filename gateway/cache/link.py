"""The way to one Redis server: one connection pool and one breaker for all its users.

The cache, the whole-response cache and the shared LL2 budget all use the same Redis,
so they share its health: when one of them finds Redis dead or hung, the others stop
waiting on it too.  Every call goes through :meth:`RedisLink.run`:

* **closed**: calls go to Redis, each waiting at most ``timeout`` seconds (connect or
  reply); the first failure opens the breaker;
* **open**: for ``cooldown`` seconds every call raises :class:`RedisDown` at once, and
  each user falls back on what it holds in this process;
* **half open**: then one call at a time probes Redis (the others still fall back
  without waiting); its success closes the breaker, its failure opens it again.

So a Redis that was killed costs nothing (its connections are refused at once), and
one that hangs (``SIGSTOP``, a full network queue) costs one ``timeout`` per
``cooldown``, paid by one request.  A refused connection is retried once, immediately
(it replaces a pooled connection the server closed); a timeout is never retried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from gateway.throttled_log import ThrottledLog

__all__ = ["RedisDown", "RedisLink"]

log = logging.getLogger("gateway.cache")

T = TypeVar("T")

#: What a call to Redis raises when Redis, or the way to it, is broken.
FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError)


class RedisDown(Exception):
    """Redis failed, or failed too recently to be asked again: use the fallback."""


class RedisLink:
    """A ``redis.asyncio`` client behind a breaker.

    Args:
        url_or_client: A ``redis://``, ``rediss://`` or ``unix://`` URL (connected
            lazily, closed by :meth:`close`), or a ``redis.asyncio`` client (its own
            timeouts apply; left open).
        timeout: Seconds to wait to connect, for a pooled connection, and for each reply.
        cooldown: Seconds the breaker stays open after a failure before one probe.
        max_connections: Most connections in the pool (a bound on file descriptors).
        clock: Monotonic seconds; tests pass a fake one.
    """

    def __init__(
        self,
        url_or_client: str | aioredis.Redis,
        *,
        timeout: float = 0.25,
        cooldown: float = 5.0,
        max_connections: int = 32,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(url_or_client, str):
            pool = aioredis.BlockingConnectionPool.from_url(
                url_or_client,
                max_connections=max_connections,
                timeout=timeout,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            )
            self.client: aioredis.Redis = aioredis.Redis(connection_pool=pool)
            self._owns_client = True
        else:
            self.client = url_or_client
            self._owns_client = False
        self.timeout = timeout
        self.cooldown = cooldown
        self._clock = clock
        self._open_until: float | None = None
        self._probing = False
        self._warn = ThrottledLog(log)
        #: Calls that failed, and calls not made because the breaker was open.
        self.failures = 0
        self.skipped = 0

    @property
    def up(self) -> bool:
        """Whether the breaker is closed (the last call to Redis succeeded)."""
        return self._open_until is None

    def seconds_until_probe(self) -> float:
        if self._open_until is None:
            return 0.0
        return max(0.0, self._open_until - self._clock())

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        """``await call()`` (which talks to Redis), or :class:`RedisDown`."""
        if not self._allow():
            self.skipped += 1
            raise RedisDown("Redis is unavailable")
        try:
            result = await call()
        except FAILURES as exc:
            self._failed(exc)
            raise RedisDown(str(exc) or type(exc).__name__) from exc
        except BaseException:
            self._probing = False  # cancelled: the probe told nothing
            raise
        self._succeeded()
        return result

    async def close(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    def _allow(self) -> bool:
        if self._open_until is None:
            return True
        if self._clock() < self._open_until or self._probing:
            return False
        self._probing = True
        return True

    def _failed(self, exc: BaseException) -> None:
        self.failures += 1
        self._probing = False
        self._open_until = self._clock() + self.cooldown
        self._warn.warning(
            "Redis unavailable (%s): serving from this process's memory and budget, "
            "trying again every %g s",
            str(exc) or type(exc).__name__,
            self.cooldown,
        )

    def _succeeded(self) -> None:
        if self._open_until is not None:
            log.info("Redis reachable again: the cache and the LL2 budget are shared again")
        self._open_until = None
        self._probing = False
