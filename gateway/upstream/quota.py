"""Rationing LL2 calls: a token bucket, in this process or shared through Redis.

LL2 grants N calls an hour (15 without a key) per client address, so every
gateway instance behind one address draws from one budget. A token bucket of
``capacity`` tokens refilled at ``rate_per_hour`` keeps the gateway inside it
while letting a burst through after a quiet spell.

When LL2 refuses anyway (429, with ``Retry-After`` or ``next_use_secs``), its word
wins: :meth:`Quota.penalise` grants nothing until then, and then one call, the
one LL2 promised; the bucket refills at its rate from there.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["Quota", "RedisTokenBucket", "TokenBucket"]

log = logging.getLogger("gateway.upstream")

#: Float slack, so refills that add up to a whole token grant it.
_EPSILON = 1e-9
_LOG_EVERY = 60.0


@runtime_checkable
class Quota(Protocol):
    """A budget of upstream calls. Methods are async so a shared one can do I/O."""

    rate_per_hour: float
    capacity: float

    @property
    def shared(self) -> bool:
        """Whether other gateway instances draw from this same budget right now."""
        ...

    async def try_acquire(self, n: float = 1) -> bool:
        """Take ``n`` tokens if there are that many; never waits."""
        ...

    async def available(self) -> float:
        """Tokens that could be taken right now (0 while penalised)."""
        ...

    async def seconds_until_available(self, n: float = 1) -> float:
        """Seconds until ``n`` tokens can be taken (0 if now; ``inf`` if never)."""
        ...

    async def penalise(self, retry_after: float) -> None:
        """Grant nothing for ``retry_after`` seconds, then one token (LL2's 429)."""
        ...

    async def close(self) -> None: ...


def _capacity(rate_per_hour: float, capacity: float | None) -> float:
    if not rate_per_hour > 0:
        raise ValueError(f"rate_per_hour must be > 0, got {rate_per_hour}")
    if capacity is None:
        return max(1.0, float(rate_per_hour))
    if not capacity >= 1:
        raise ValueError(f"capacity must be >= 1 (one call), got {capacity}")
    return float(capacity)


class TokenBucket:
    """A :class:`Quota` for one process.

    Args:
        rate_per_hour: Tokens added per hour.
        capacity: Most tokens held; default ``rate_per_hour``, as LL2's quota is
            "N per hour" and a full hour's worth may be spent at once.
        tokens: Tokens at the start; default full.
        clock: Monotonic seconds; tests pass a fake one.
    """

    shared = False

    def __init__(
        self,
        rate_per_hour: float,
        *,
        capacity: float | None = None,
        tokens: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = _capacity(rate_per_hour, capacity)
        self.rate_per_hour = float(rate_per_hour)
        self._per_second = self.rate_per_hour / 3600.0
        self._clock = clock
        self._tokens = self.capacity if tokens is None else min(max(0.0, tokens), self.capacity)
        #: When ``_tokens`` was counted; in the future while penalised (nothing
        #: refills, nothing is granted until then).
        self._stamp = clock()

    async def try_acquire(self, n: float = 1) -> bool:
        now = self._refill()
        if self._stamp > now or self._tokens + _EPSILON < n:
            return False
        self._tokens = max(0.0, self._tokens - n)
        return True

    async def available(self) -> float:
        now = self._refill()
        return 0.0 if self._stamp > now else self._tokens

    async def seconds_until_available(self, n: float = 1) -> float:
        if n > self.capacity:
            return math.inf
        now = self._refill()
        wait = max(0.0, self._stamp - now)
        if self._tokens + _EPSILON < n:
            wait += (n - self._tokens) / self._per_second
        return wait

    async def penalise(self, retry_after: float) -> None:
        self.block_until(self._clock() + retry_after)

    def block_until(self, t: float) -> None:
        """Grant nothing before ``t`` (this bucket's clock), then one token.

        An earlier deadline never shortens a later one.
        """
        now = self._refill()
        if t > max(now, self._stamp):
            self._stamp = t
            self._tokens = 1.0

    async def close(self) -> None:
        pass

    def _refill(self) -> float:
        now = self._clock()
        if now > self._stamp:
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self._per_second)
            self._stamp = now
        return now


#: One bucket operation, atomic in Redis. The bucket is a hash {tokens, stamp}
#: (absent: full); time is Redis's TIME, so instances' clocks do not matter. The
#: hash expires once it would be full again, leaving nothing behind.
#: ARGV: tokens per second, capacity, n, mode ('take' | 'peek' | 'block'), seconds
#: to block. Returns {granted, tokens available now, seconds until n are}.
_SCRIPT = """
local per_second = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local mode = ARGV[4]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or capacity
local stamp = tonumber(state[2]) or now
if now > stamp then
  tokens = math.min(capacity, tokens + (now - stamp) * per_second)
  stamp = now
end
local granted = 0
local changed = false
if mode == 'take' and stamp <= now and tokens + 1e-9 >= n then
  tokens = math.max(0, tokens - n)
  granted = 1
  changed = true
elseif mode == 'block' and now + tonumber(ARGV[5]) > stamp then
  stamp = now + tonumber(ARGV[5])
  tokens = 1
  changed = true
end
if changed then
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
             'stamp', string.format('%.17g', stamp))
  local full_in = (stamp - now) + (capacity - tokens) / per_second
  redis.call('PEXPIRE', KEYS[1], math.ceil(full_in * 1000) + 1000)
end
local level = 0
if stamp <= now then level = tokens end
local wait = math.max(0, stamp - now)
if tokens + 1e-9 < n then wait = wait + (n - tokens) / per_second end
return {granted, string.format('%.17g', level), string.format('%.17g', wait)}
"""


class RedisTokenBucket:
    """A :class:`Quota` shared by every gateway instance through one Redis key.

    Each operation is one ``EVALSHA`` of a Lua script, so concurrent instances
    never both take the last token. If Redis fails, the bucket falls back to a
    :class:`TokenBucket` in this process (seeded with the last level Redis
    reported) and logs it, tries Redis again every ``retry_interval`` seconds,
    and is back on the shared budget as soon as Redis answers; a gateway keeps
    working, at worst spending the budget once per instance during the outage.

    Args:
        url_or_client: A Redis URL (connected lazily, closed by :meth:`close`)
            or a ``redis.asyncio`` client (left open).
        rate_per_hour: Tokens added per hour.
        key: The Redis key of the bucket; instances sharing it share the budget.
        capacity: Most tokens held; default ``rate_per_hour``.
        retry_interval: Seconds on the local bucket before trying Redis again.
        timeout: Seconds to wait to connect, and for each reply (URL only).
    """

    def __init__(
        self,
        url_or_client: str | Redis,
        rate_per_hour: float,
        *,
        key: str = "ll2gw:bucket",
        capacity: float | None = None,
        retry_interval: float = 5.0,
        timeout: float = 1.0,
    ) -> None:
        self.capacity = _capacity(rate_per_hour, capacity)
        self.rate_per_hour = float(rate_per_hour)
        self.key = key
        from redis.exceptions import RedisError

        #: What a call to Redis raises when Redis, or the way to it, is broken.
        self._failures: tuple[type[BaseException], ...] = (RedisError, OSError)
        if isinstance(url_or_client, str):
            import redis.asyncio as aioredis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            self._client = aioredis.from_url(
                url_or_client,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                retry=Retry(NoBackoff(), 1),
            )
            self._owns_client = True
        else:
            self._client = url_or_client
            self._owns_client = False
        self._script = self._client.register_script(_SCRIPT)
        self._retry_interval = retry_interval
        self._local: TokenBucket | None = None
        self._retry_at = -math.inf
        self._logged_at = -math.inf
        self._last_level: float | None = None

    @property
    def shared(self) -> bool:
        """False while Redis is unreachable and the local fallback rations calls."""
        return self._local is None

    async def try_acquire(self, n: float = 1) -> bool:
        if n > self.capacity:
            return False
        reply = await self._run("take", n)
        if reply is None:
            return await self._fallback().try_acquire(n)
        return reply[0]

    async def available(self) -> float:
        reply = await self._run("peek", 1)
        if reply is None:
            return await self._fallback().available()
        return reply[1]

    async def seconds_until_available(self, n: float = 1) -> float:
        if n > self.capacity:
            return math.inf
        reply = await self._run("peek", n)
        if reply is None:
            return await self._fallback().seconds_until_available(n)
        return reply[2]

    async def penalise(self, retry_after: float) -> None:
        if await self._run("block", 1, retry_after) is None:
            await self._fallback().penalise(retry_after)

    async def close(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _run(
        self, mode: str, n: float, block: float = 0.0
    ) -> tuple[bool, float, float] | None:
        """The script's reply, or ``None`` if Redis is (or was just) unreachable."""
        if self._local is not None and time.monotonic() < self._retry_at:
            return None
        args: list[float | int | str] = [
            self.rate_per_hour / 3600.0,
            self.capacity,
            n,
            mode,
            block,
        ]
        try:
            granted, level, wait = await self._script(keys=[self.key], args=args)
        except self._failures as exc:
            self._fail(exc)
            return None
        if self._local is not None:
            self._local = None
            log.info("Redis quota reachable again: the LL2 budget is shared again")
        self._last_level = float(level)
        return bool(granted), float(level), float(wait)

    def _fallback(self) -> TokenBucket:
        if self._local is None:
            self._local = TokenBucket(
                self.rate_per_hour, capacity=self.capacity, tokens=self._last_level
            )
        return self._local

    def _fail(self, exc: BaseException) -> None:
        self._fallback()
        now = time.monotonic()
        self._retry_at = now + self._retry_interval
        if now - self._logged_at >= _LOG_EVERY:
            self._logged_at = now
            log.warning(
                "Redis quota unavailable, rationing LL2 calls in this process alone: %s", exc
            )
