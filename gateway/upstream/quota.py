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

from gateway.throttled_log import ThrottledLog

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from gateway.cache.link import RedisLink

__all__ = ["Quota", "RedisTokenBucket", "TokenBucket"]

log = logging.getLogger("gateway.upstream")

#: Float slack, so refills that add up to a whole token grant it.
_EPSILON = 1e-9


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
#: ARGV: tokens per second, capacity, n, mode ('take' | 'peek' | 'block' | 'spend'),
#: seconds to block. 'spend' takes ``n`` whatever is left (calls already made, while
#: Redis was out of reach). Returns {granted, tokens available now, seconds until n are}.
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
elseif mode == 'spend' and n > 0 then
  tokens = math.max(0, tokens - n)
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
    never both take the last token.  Redis is reached through a
    :class:`~gateway.cache.link.RedisLink` (shared with the cache): when it is down,
    the bucket rations calls with a :class:`TokenBucket` in this process, which
    starts from the level Redis last reported (or ``fallback_tokens`` if Redis never
    answered; empty if nobody knows), never from a full bucket: the other instances
    may have spent it.  When Redis answers again, the calls made apart are charged
    to the shared bucket and it is used again.

    Args:
        url_or_link: A Redis URL (connected lazily, closed by :meth:`close`), a
            shared link, or a ``redis.asyncio`` client (both left open).
        rate_per_hour: Tokens added per hour.
        key: The Redis key of the bucket; instances sharing it share the budget.
        capacity: Most tokens held; default ``rate_per_hour``.
        fallback_tokens: Where the local bucket starts if Redis never answered
            (what LL2 said was left at start-up); default 0.
        retry_interval: Seconds before trying a failed Redis again (URL or client).
        timeout: Seconds to wait to connect, and for each reply (URL or client).
    """

    def __init__(
        self,
        url_or_link: str | RedisLink | Redis,
        rate_per_hour: float,
        *,
        key: str = "ll2gw:bucket",
        capacity: float | None = None,
        fallback_tokens: float | None = None,
        retry_interval: float = 5.0,
        timeout: float = 0.25,
    ) -> None:
        from gateway.cache.link import RedisLink

        self.capacity = _capacity(rate_per_hour, capacity)
        self.rate_per_hour = float(rate_per_hour)
        self.key = key
        if isinstance(url_or_link, RedisLink):
            self._link, self._owns_link = url_or_link, False
        else:  # a URL, or a client of the caller's: a link of our own
            self._link = RedisLink(url_or_link, timeout=timeout, cooldown=retry_interval)
            self._owns_link = True
        self._script = self._link.client.register_script(_SCRIPT)
        self._local: TokenBucket | None = None
        #: Tokens Redis last said were left; then where a local bucket starts.
        self._last_level: float | None = None
        self._fallback_tokens = fallback_tokens
        #: Tokens taken from the local bucket since Redis was lost.
        self._spent_apart = 0.0
        self._warn = ThrottledLog(log)

    @property
    def shared(self) -> bool:
        """False while Redis is unreachable and the local fallback rations calls."""
        return self._local is None

    async def try_acquire(self, n: float = 1) -> bool:
        if n > self.capacity:
            return False
        reply = await self._run("take", n)
        if reply is None:
            granted = await self._fallback().try_acquire(n)
            if granted:
                self._spent_apart += n
            return granted
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
        if self._owns_link:
            await self._link.close()

    async def _run(
        self, mode: str, n: float, block: float = 0.0
    ) -> tuple[bool, float, float] | None:
        """The script's reply, or ``None`` if Redis is (or was just) unreachable."""
        from gateway.cache.link import RedisDown

        try:
            if self._local is not None:
                # back: charge what was spent apart to the shared bucket
                _, self._last_level, _ = await self._eval("spend", self._spent_apart)
                spent, self._spent_apart, self._local = self._spent_apart, 0.0, None
                log.info(
                    "Redis quota reachable again: the LL2 budget is shared again "
                    "(%g calls made meanwhile charged to it)",
                    spent,
                )
            granted, level, wait = await self._eval(mode, n, block)
        except RedisDown:
            self._fallback()
            return None
        self._last_level = level
        return granted, level, wait

    async def _eval(self, mode: str, n: float, block: float = 0.0) -> tuple[bool, float, float]:
        args: list[float | int | str] = [self.rate_per_hour / 3600.0, self.capacity, n, mode, block]
        granted, level, wait = await self._link.run(
            lambda: self._script(keys=[self.key], args=args)
        )
        return bool(granted), float(level), float(wait)

    def _fallback(self) -> TokenBucket:
        if self._local is None:
            tokens = self._last_level if self._last_level is not None else self._fallback_tokens
            tokens = tokens or 0.0
            self._local = TokenBucket(self.rate_per_hour, capacity=self.capacity, tokens=tokens)
            self._warn.warning(
                "Redis quota unavailable: rationing LL2 calls in this process alone, "
                "from the %g calls last known to be left",
                round(tokens, 2),
            )
        return self._local
