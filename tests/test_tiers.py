"""The pure parts of Redis loss: the link's breaker and the in-process tier."""

from __future__ import annotations

import asyncio
import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from gateway.cache import CacheEntry, CacheStats, MemoryCache, TieredCache
from gateway.cache.link import RedisDown, RedisLink
from gateway.throttled_log import ThrottledLog
from tests.fake_clock import FakeClock

DEAD_REDIS = "redis://127.0.0.1:1/0"  # never reached: the tests pass their own calls


async def ok() -> str:
    return "ok"


async def broken() -> str:
    raise RedisConnectionError("refused")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# -- the breaker -----------------------------------------------------------------------


async def test_one_failure_opens_the_breaker_for_the_cooldown(clock: FakeClock) -> None:
    link = RedisLink(DEAD_REDIS, cooldown=5, clock=clock)
    assert await link.run(ok) == "ok" and link.up
    with pytest.raises(RedisDown):
        await link.run(broken)
    assert not link.up and link.failures == 1
    calls = 0

    async def counted() -> str:
        nonlocal calls
        calls += 1
        return "ok"

    for _ in range(3):
        with pytest.raises(RedisDown):
            await link.run(counted)
    assert calls == 0 and link.skipped == 3
    assert link.seconds_until_probe() == 5
    clock.advance(5)
    assert await link.run(counted) == "ok" and calls == 1 and link.up
    await link.close()


async def test_half_open_lets_one_probe_through_and_the_rest_fall_back(clock: FakeClock) -> None:
    link = RedisLink(DEAD_REDIS, cooldown=5, clock=clock)
    with pytest.raises(RedisDown):
        await link.run(broken)
    clock.advance(5)
    release = asyncio.Event()

    async def slow() -> str:
        await release.wait()
        return "probe"

    probe = asyncio.ensure_future(link.run(slow))
    await asyncio.sleep(0)
    with pytest.raises(RedisDown):  # no wait behind the probe
        await link.run(ok)
    release.set()
    assert await probe == "probe" and link.up
    assert await link.run(ok) == "ok"
    await link.close()


async def test_a_failed_probe_opens_it_again_and_a_cancelled_one_frees_the_slot(
    clock: FakeClock,
) -> None:
    link = RedisLink(DEAD_REDIS, cooldown=5, clock=clock)
    with pytest.raises(RedisDown):
        await link.run(broken)
    clock.advance(5)
    with pytest.raises(RedisDown):
        await link.run(broken)
    assert link.failures == 2 and link.seconds_until_probe() == 5
    clock.advance(5)
    hang = asyncio.ensure_future(link.run(asyncio.Event().wait))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    hang.cancel()
    with pytest.raises(asyncio.CancelledError):
        await hang
    assert await link.run(ok) == "ok"  # the next call may probe
    await link.close()


# -- the in-process tier ---------------------------------------------------------------


class CountingCache(MemoryCache):
    """A far tier that counts lookups, and can go down (then it misses, like Redis)."""

    backend = "redis"

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(1 << 20, clock=clock)
        self.lookups = 0
        self.down = False

    async def get(self, key: str) -> CacheEntry | None:
        self.lookups += 1
        return None if self.down else await super().get(key)

    async def set(self, key: str, value: bytes, *, ttl: float, stale_ttl: float) -> None:
        if not self.down:
            await super().set(key, value, ttl=ttl, stale_ttl=stale_ttl)


async def test_a_fresh_near_entry_answers_without_asking_far(clock: FakeClock) -> None:
    far = CountingCache(clock)
    tiered = TieredCache(MemoryCache(1 << 20, clock=clock), far)
    await tiered.set("k", b"v", ttl=10, stale_ttl=100)
    first, second = await tiered.get("k"), await tiered.get("k")
    assert first is not None and first.value == b"v" and first.fresh
    assert second is not None and second.stored_at == first.stored_at  # stable: decoded once
    assert far.lookups == 0


async def test_a_far_entry_is_copied_near_with_its_own_times(clock: FakeClock) -> None:
    far = CountingCache(clock)
    near = MemoryCache(1 << 20, clock=clock)
    tiered = TieredCache(near, far)
    await far.set("k", b"v", ttl=10, stale_ttl=100)  # written by another instance
    clock.advance(4)
    entry = await tiered.get("k")
    assert entry is not None and entry.fresh and far.lookups == 1
    copied = await near.get("k")
    assert copied is not None
    assert copied.expires_at == pytest.approx(entry.expires_at)
    assert copied.gone_at == pytest.approx(entry.gone_at)
    clock.advance(7)  # stale now, everywhere
    far.down = True
    stale = await tiered.get("k")
    assert stale is not None and not stale.fresh and stale.value == b"v"
    clock.advance(100)  # gone, everywhere
    assert await tiered.get("k") is None


async def test_with_far_down_near_answers_fresh_and_stale(clock: FakeClock) -> None:
    far = CountingCache(clock)
    tiered = TieredCache(MemoryCache(1 << 20, clock=clock), far)
    await tiered.set("k", b"v", ttl=10, stale_ttl=100)
    far.down = True
    assert (await tiered.get("k")) is not None
    clock.advance(20)
    stale = await tiered.get("k")
    assert stale is not None and not stale.fresh
    assert await tiered.get("other") is None
    stats = await tiered.stats()
    assert isinstance(stats, CacheStats) and stats.backend == "redis"
    assert (stats.hits, stats.stale_hits, stats.misses) == (1, 1, 1)


async def test_a_newer_far_entry_replaces_a_stale_near_one(clock: FakeClock) -> None:
    far = CountingCache(clock)
    near = MemoryCache(1 << 20, clock=clock)
    tiered = TieredCache(near, far)
    await tiered.set("k", b"old", ttl=10, stale_ttl=100)
    clock.advance(20)
    await far.set("k", b"new", ttl=10, stale_ttl=100)  # another instance refreshed it
    entry = await tiered.get("k")
    assert entry is not None and entry.value == b"new" and entry.fresh
    assert (await near.get("k")).value == b"new"  # type: ignore[union-attr]


# -- the rate-limited log --------------------------------------------------------------


def test_throttled_log_says_once_a_period_how_many_it_left_out(
    caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    warn = ThrottledLog(logging.getLogger("test.throttled"), every=60, clock=clock)
    with caplog.at_level(logging.WARNING, logger="test.throttled"):
        assert warn.warning("down: %s", "a")
        assert not any(warn.warning("down: %s", "b") for _ in range(5))
        clock.advance(60)
        assert warn.warning("down: %s", "c")
    assert [r.getMessage() for r in caplog.records] == [
        "down: a",
        "down: c (and 5 more like it since the last report)",
    ]
    assert all(r.exc_info is None for r in caplog.records)
