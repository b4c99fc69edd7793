"""The cross-request cache: LRU by size, freshness, stats, Redis sharing and failure."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from gateway.cache import Cache, CacheEntry, MemoryCache, TieredCache, open_cache
from gateway.cache.policy import CATALOGUE, EVENTS, NEVER, POLICY, REFERENCE, STALE_FOR, ttl_for
from gateway.ll2 import RESOURCE_PATHS
from tests.fake_clock import FakeClock
from tests.redis_fixture import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]  # fixtures, imported for pytest to find

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# -- MemoryCache: the LRU -------------------------------------------------------------


async def test_evicts_least_recently_used_by_size(clock: FakeClock) -> None:
    cache = MemoryCache(30, clock=clock)
    for key in "abc":
        await cache.set(key, b"x" * 9, ttl=60, stale_ttl=0)  # 1 + 9 bytes each
    assert (await cache.stats()).bytes == 30
    await cache.get("a")  # now b is the least recently used
    await cache.set("d", b"y" * 9, ttl=60, stale_ttl=0)
    assert await cache.get("b") is None
    assert [await cache.get(k) is not None for k in "acd"] == [True, True, True]
    stats = await cache.stats()
    assert (stats.entries, stats.bytes, stats.evictions) == (3, 30, 1)


async def test_a_large_value_evicts_as_many_as_it_needs(clock: FakeClock) -> None:
    cache = MemoryCache(30, clock=clock)
    for key in "abc":
        await cache.set(key, b"x" * 9, ttl=60, stale_ttl=0)
    await cache.set("big", b"z" * 22, ttl=60, stale_ttl=0)  # 25 bytes: only c may stay
    assert [await cache.get(k) is not None for k in ("a", "b", "c", "big")] == [
        False,
        False,
        False,
        True,
    ]
    stats = await cache.stats()
    assert (stats.entries, stats.bytes, stats.evictions) == (1, 25, 3)


async def test_a_value_over_the_bound_is_not_stored_and_drops_the_old_one() -> None:
    cache = MemoryCache(10)
    await cache.set("k", b"small", ttl=60, stale_ttl=0)
    await cache.set("k", b"far too large", ttl=60, stale_ttl=0)
    assert await cache.get("k") is None
    assert (await cache.stats()).bytes == 0


async def test_overwriting_replaces_value_and_size() -> None:
    cache = MemoryCache(100)
    await cache.set("k", b"0123456789", ttl=60, stale_ttl=0)
    await cache.set("k", b"01", ttl=60, stale_ttl=0)
    entry = await cache.get("k")
    assert entry is not None and entry.value == b"01"
    stats = await cache.stats()
    assert (stats.entries, stats.bytes, stats.sets) == (1, 3, 2)


# -- MemoryCache: freshness ------------------------------------------------------------


async def test_fresh_then_stale_then_gone(clock: FakeClock) -> None:
    cache = MemoryCache(1000, clock=clock)
    await cache.set("k", b"v", ttl=10, stale_ttl=20)
    entry = await cache.get("k")
    assert entry == CacheEntry(b"v", stored_at=clock.now, expires_at=clock.now + 10)
    assert entry.fresh

    clock.advance(10)  # fresh means strictly before expires_at
    entry = await cache.get("k")
    assert entry is not None and not entry.fresh and entry.value == b"v"
    assert entry.age == 10

    clock.advance(19.9)
    assert (await cache.get("k")) is not None
    clock.advance(0.1)
    assert await cache.get("k") is None

    stats = await cache.stats()
    assert (stats.hits, stats.stale_hits, stats.misses) == (1, 2, 1)
    assert (stats.entries, stats.bytes) == (0, 0)  # the dead entry was dropped


async def test_freshness_is_judged_when_asked(clock: FakeClock) -> None:
    cache = MemoryCache(1000, clock=clock)
    await cache.set("k", b"v", ttl=5, stale_ttl=5)
    entry = await cache.get("k")
    assert entry is not None and entry.fresh
    clock.advance(5)
    assert not entry.fresh


async def test_zero_lifetime_stores_nothing_and_drops_the_old_entry() -> None:
    cache = MemoryCache(1000)
    await cache.set("k", b"v", ttl=60, stale_ttl=0)
    await cache.set("k", b"w", ttl=0, stale_ttl=0)
    assert await cache.get("k") is None
    with pytest.raises(ValueError):
        await cache.set("k", b"v", ttl=-1, stale_ttl=0)


async def test_zero_ttl_with_stale_window_is_stored_stale(clock: FakeClock) -> None:
    cache = MemoryCache(1000, clock=clock)
    await cache.set("k", b"v", ttl=0, stale_ttl=60)
    entry = await cache.get("k")
    assert entry is not None and not entry.fresh


async def test_delete_close_and_stats() -> None:
    cache = MemoryCache(1000)
    await cache.set("a", b"1", ttl=60, stale_ttl=0)
    await cache.set("b", b"2", ttl=60, stale_ttl=0)
    await cache.delete("a")
    await cache.delete("missing")
    assert await cache.get("a") is None
    assert await cache.get("b") is not None
    stats = await cache.stats()
    assert (stats.backend, stats.hits, stats.misses, stats.sets, stats.errors) == (
        "memory",
        1,
        1,
        2,
        0,
    )
    assert stats.hit_rate == 0.5
    await cache.close()
    assert (await cache.stats()).entries == 0


# -- open_cache ------------------------------------------------------------------------


async def test_open_cache_by_url() -> None:
    memory = open_cache("memory", max_bytes=123)
    assert isinstance(memory, MemoryCache) and memory.max_bytes == 123
    assert isinstance(memory, Cache)
    for url in ("redis://127.0.0.1:6379/0", "rediss://example.invalid:6380/1"):
        cache = open_cache(url, max_bytes=1)  # connects lazily: nothing happens yet
        assert isinstance(cache, TieredCache) and isinstance(cache, Cache)
        assert type(cache.far).__name__ == "RedisCache" and cache.near.max_bytes == 1
        await cache.close()


def test_public_surface() -> None:
    import gateway.cache

    assert all(getattr(gateway.cache, name) for name in gateway.cache.__all__)


@pytest.mark.parametrize("url", ["", "Memory", "memcached://user:secret@host:11211"])
def test_open_cache_refuses_the_unknown_without_leaking_credentials(url: str) -> None:
    with pytest.raises(ValueError, match="use `memory` or a Redis URL") as caught:
        open_cache(url, max_bytes=1)
    assert "secret" not in str(caught.value)


# -- policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("spacecraft_configurations/", REFERENCE),
        ("spacecraft_configuration_families/3/", REFERENCE),
        ("agencies/121/", REFERENCE),
        ("config/docking_locations/", REFERENCE),
        ("config/spacecraft_statuses/", REFERENCE),
        ("spacecraft/602/", CATALOGUE),
        ("astronauts/?limit=10", CATALOGUE),
        ("space_stations/4/", CATALOGUE),
        ("spacecraft_flights/", EVENTS),
        ("docking_events/12/", EVENTS),
        ("/2.3.0/launches/upcoming/?mode=detailed", EVENTS),
        ("https://ll.thespacedevs.com/2.3.0/landings/?offset=10", EVENTS),
        ("api-throttle/", NEVER),
        ("something_new/", EVENTS),
    ],
)
def test_ttl_for(path: str, expected: tuple[float, float]) -> None:
    assert ttl_for(path) == expected


def test_policy_covers_every_resource_the_gateway_reads() -> None:
    assert all(path.split("/")[0] in POLICY for path in RESOURCE_PATHS.values())
    assert REFERENCE[0] > CATALOGUE[0] > EVENTS[0] > 0
    assert all(stale == STALE_FOR for ttl, stale in POLICY.values() if ttl > 0)


# -- RedisCache ------------------------------------------------------------------------


async def test_redis_instances_share_entries(redis_url: str, redis_prefix: str) -> None:
    from gateway.cache.redis import RedisCache

    one, two = (
        RedisCache(redis_url, prefix=redis_prefix),
        RedisCache(redis_url, prefix=redis_prefix),
    )
    other = RedisCache(redis_url, prefix=redis_prefix + "other:")
    try:
        value = bytes(range(256))
        await one.set("spacecraft/602/?", value, ttl=60, stale_ttl=600)
        await one.set("empty", b"", ttl=60, stale_ttl=0)
        entry = await two.get("spacecraft/602/?")
        assert entry is not None and entry.value == value and entry.fresh
        assert entry.expires_at == pytest.approx(time.time() + 60, abs=1)
        assert entry.stored_at == pytest.approx(time.time(), abs=1)
        empty = await two.get("empty")
        assert empty is not None and empty.value == b"" and empty.fresh
        assert await other.get("spacecraft/602/?") is None

        await two.delete("spacecraft/602/?")
        assert await one.get("spacecraft/602/?") is None

        stats_one, stats_two = await one.stats(), await two.stats()
        assert (stats_one.sets, stats_one.hits, stats_one.misses) == (2, 0, 1)
        assert (stats_two.sets, stats_two.hits, stats_two.misses) == (0, 2, 0)
        assert stats_one.entries == stats_two.entries == 1
        assert (await other.stats()).entries == 0
        assert stats_one.errors == 0 and stats_one.backend == "redis"
    finally:
        for cache in (one, two, other):
            await cache.close()


async def test_redis_ttl_is_honoured(redis_url: str, redis_prefix: str) -> None:
    import redis.asyncio as aioredis

    from gateway.cache.redis import RedisCache

    cache = RedisCache(redis_url, prefix=redis_prefix)
    raw = aioredis.from_url(redis_url)
    try:
        await cache.set("k", b"v", ttl=0.15, stale_ttl=0.2)
        [name] = [key async for key in raw.scan_iter(match=redis_prefix + "*")]
        assert 0 < await raw.pttl(name) <= 350  # Redis drops it when the stale window ends
        entry = await cache.get("k")
        assert entry is not None and entry.fresh

        await asyncio.sleep(0.2)
        entry = await cache.get("k")
        assert entry is not None and not entry.fresh and entry.value == b"v"

        await asyncio.sleep(0.2)
        assert await cache.get("k") is None
        assert not await raw.exists(name)

        await cache.set("k", b"v", ttl=60, stale_ttl=0)
        await cache.set("k", b"v", ttl=0, stale_ttl=0)  # nothing to keep: deleted
        assert not await raw.exists(name)

        stats = await cache.stats()
        assert (stats.hits, stats.stale_hits, stats.misses) == (1, 1, 1)
    finally:
        await cache.close()
        await raw.aclose()


async def test_a_dead_redis_is_an_empty_cache(caplog: pytest.LogCaptureFixture) -> None:
    from gateway.cache.redis import RedisCache

    cache = RedisCache(DEAD_REDIS, backoff=0)  # no backoff: every call tries and fails
    try:
        with caplog.at_level(logging.WARNING, logger="gateway.cache"):
            for _ in range(3):
                assert await cache.get("k") is None
                await cache.set("k", b"v", ttl=60, stale_ttl=60)
                await cache.delete("k")
            stats = await cache.stats()
        assert (stats.misses, stats.sets, stats.errors, stats.entries) == (3, 0, 10, None)
        assert len(caplog.records) == 1  # at most once a minute
    finally:
        await cache.close()


async def test_after_a_failure_redis_is_left_alone_for_a_while() -> None:
    from gateway.cache.redis import RedisCache

    cache = RedisCache(DEAD_REDIS, backoff=60)
    try:
        started = time.perf_counter()
        for _ in range(100):
            assert await cache.get("k") is None
        assert time.perf_counter() - started < 0.5
        stats = await cache.stats()
        assert (stats.misses, stats.errors) == (100, 101)  # 100 lookups + the skipped SCAN
    finally:
        await cache.close()


async def test_redis_in_flight_locks(redis_url: str, redis_prefix: str) -> None:
    from gateway.cache import InflightLocks
    from gateway.cache.redis import RedisCache

    one, two = (
        RedisCache(redis_url, prefix=redis_prefix),
        RedisCache(redis_url, prefix=redis_prefix),
    )
    try:
        assert isinstance(one, InflightLocks) and not isinstance(MemoryCache(1), InflightLocks)
        token = await one.claim("k", ttl=30)
        assert token is not None
        assert await two.claim("k", ttl=30) is None, "one holder at a time, across instances"
        assert await two.claimed("k") and not await two.claimed("other")
        assert not await two.renew("k", "not-the-token", ttl=30)
        await two.release("k", "not-the-token")
        assert await one.claimed("k"), "only its holder lets it go"
        assert await one.renew("k", token, ttl=30)
        await one.release("k", token)
        assert not await two.claimed("k")

        short = await two.claim("k", ttl=0.1)
        assert short is not None
        await asyncio.sleep(0.2)
        assert not await one.claimed("k"), "a lock nobody renews goes by itself"
        assert not await two.renew("k", short, ttl=30)
        assert await one.claim("k", ttl=30) is not None
        assert (await one.stats()).entries == 0, "locks are no cache entries"
    finally:
        await one.close()
        await two.close()


async def test_a_dead_redis_grants_every_lock() -> None:
    """Without Redis each process calls for itself, as with the in-memory cache."""
    from gateway.cache.redis import RedisCache

    cache = RedisCache(DEAD_REDIS, backoff=0)
    try:
        token = await cache.claim("k", ttl=30)
        assert token is not None and await cache.claim("k", ttl=30) is not None
        assert not await cache.claimed("k")
        assert await cache.renew("k", token, ttl=30)
        await cache.release("k", token)
    finally:
        await cache.close()


async def _stores_them_all_alike(cache: Cache) -> None:
    try:
        await cache.set_many({"a": b"1", "b": b"2"}, ttl=60, stale_ttl=60)
        await cache.set_many({}, ttl=60, stale_ttl=60)
        a, b = await cache.get("a"), await cache.get("b")
        assert a is not None and b is not None and (a.value, b.value) == (b"1", b"2")
        assert a.fresh and a.expires_at == pytest.approx(b.expires_at, abs=1)
        await cache.set_many({"a": b"1", "b": b"2"}, ttl=0, stale_ttl=0)
        assert await cache.get("a") is None and await cache.get("b") is None
        assert (await cache.stats()).sets == 2
    finally:
        await cache.close()


async def test_set_many_stores_them_all_alike() -> None:
    await _stores_them_all_alike(MemoryCache(1 << 20))


async def test_redis_set_many_stores_them_all_alike(redis_url: str, redis_prefix: str) -> None:
    from gateway.cache.redis import RedisCache

    await _stores_them_all_alike(RedisCache(redis_url, prefix=redis_prefix))


async def test_a_redis_entry_keeps_its_store_time_across_reads(
    redis_url: str, redis_prefix: str
) -> None:
    """Each process keeps the entries it reads decoded, as long as ``stored_at`` says the
    entry is the one it decoded: the same on every read of a write, new with a new write."""
    import struct

    import redis.asyncio as aioredis

    from gateway.cache.redis import RedisCache

    one, two = (
        RedisCache(redis_url, prefix=redis_prefix),
        RedisCache(redis_url, prefix=redis_prefix),
    )
    raw = aioredis.from_url(redis_url)
    try:
        await one.set("k", b"v", ttl=60, stale_ttl=60)
        reads = []
        for cache in (one, two, one, two):
            entry = await cache.get("k")
            assert entry is not None and entry.value == b"v"
            reads.append(entry.stored_at)
            await asyncio.sleep(0.01)
        assert len(set(reads)) == 1
        await two.set("k", b"v", ttl=60, stale_ttl=60)
        again = await one.get("k")
        assert again is not None and again.stored_at > reads[0]

        # An entry written before the store time was kept (format 1) still reads.
        old = struct.pack("!Bdd", 1, 60.0, 60.0) + b"old"
        await raw.set(redis_prefix + "cache:old", old, px=120_000)
        entry = await one.get("old")
        assert entry is not None and entry.value == b"old" and entry.fresh
    finally:
        await one.close()
        await two.close()
        await raw.aclose()
