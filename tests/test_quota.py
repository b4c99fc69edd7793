"""The LL2 call budget: token buckets in memory and shared through Redis."""

from __future__ import annotations

import asyncio
import logging
import math

import pytest

from gateway.upstream.quota import Quota, RedisTokenBucket, TokenBucket
from tests.fake_clock import FakeClock
from tests.redis_fixture import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]  # fixtures, imported for pytest to find

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(500.0)


async def grants(quota: Quota, tries: int) -> int:
    return sum([await quota.try_acquire() for _ in range(tries)])


# -- TokenBucket -----------------------------------------------------------------------


async def test_refuses_past_the_budget(clock: FakeClock) -> None:
    bucket = TokenBucket(15, clock=clock)
    assert isinstance(bucket, Quota) and not bucket.shared
    assert bucket.capacity == 15  # LL2's "N per hour", spendable at once
    assert await grants(bucket, 20) == 15
    assert await bucket.available() == pytest.approx(0)
    assert await bucket.seconds_until_available() == pytest.approx(240)  # 3600 s / 15


async def test_refills_over_time_up_to_capacity(clock: FakeClock) -> None:
    bucket = TokenBucket(15, clock=clock)
    await grants(bucket, 15)
    clock.advance(239)
    assert not await bucket.try_acquire()
    clock.advance(1)
    assert await bucket.try_acquire()
    assert not await bucket.try_acquire()
    clock.advance(240 * 4)
    assert await grants(bucket, 5) == 4
    clock.advance(10 * 3600)
    assert await bucket.available() == 15


async def test_capacity_and_several_tokens(clock: FakeClock) -> None:
    bucket = TokenBucket(3600, capacity=2, clock=clock)  # one a second, bursts of two
    assert await bucket.try_acquire(2)
    assert not await bucket.try_acquire()
    assert await bucket.seconds_until_available(2) == pytest.approx(2)
    clock.advance(1)
    assert await bucket.try_acquire()
    assert await bucket.seconds_until_available(3) == math.inf
    assert not await bucket.try_acquire(3)


async def test_starting_level_and_validation(clock: FakeClock) -> None:
    assert await TokenBucket(15, tokens=2, clock=clock).available() == 2
    assert TokenBucket(0.5).capacity == 1  # a budget can always make one call
    with pytest.raises(ValueError):
        TokenBucket(0)
    with pytest.raises(ValueError):
        TokenBucket(15, capacity=0.5)


async def test_penalise_grants_nothing_until_retry_after(clock: FakeClock) -> None:
    bucket = TokenBucket(15, clock=clock)
    await bucket.penalise(100)  # LL2 said 429, Retry-After: 100
    assert not await bucket.try_acquire()
    assert await bucket.available() == 0
    assert await bucket.seconds_until_available() == pytest.approx(100)
    await bucket.penalise(10)  # a shorter penalty does not shorten the longer one
    clock.advance(99.9)
    assert not await bucket.try_acquire()
    clock.advance(0.1)
    assert await grants(bucket, 3) == 1  # the one call LL2 promised, then the rate again
    assert await bucket.seconds_until_available() == pytest.approx(240)


async def test_block_until_is_on_the_buckets_clock(clock: FakeClock) -> None:
    bucket = TokenBucket(15, clock=clock)
    bucket.block_until(clock.now - 1)  # the past: nothing changes
    assert await bucket.available() == 15
    bucket.block_until(clock.now + 30)
    assert await bucket.seconds_until_available() == pytest.approx(30)


# -- RedisTokenBucket ------------------------------------------------------------------


async def test_redis_budget_is_shared_exactly(redis_url: str, redis_prefix: str) -> None:
    key = redis_prefix + "bucket"
    one, two = RedisTokenBucket(redis_url, 5, key=key), RedisTokenBucket(redis_url, 5, key=key)
    try:
        results = await asyncio.gather(
            *(bucket.try_acquire() for _ in range(10) for bucket in (one, two))
        )
        assert sum(results) == 5
        assert one.shared and two.shared
        assert await two.available() == pytest.approx(0, abs=0.01)
        assert await one.seconds_until_available() == pytest.approx(720, abs=1)  # 3600 / 5
        assert await one.seconds_until_available(6) == math.inf
    finally:
        await one.close()
        await two.close()


async def test_redis_bucket_refills_by_redis_time(redis_url: str, redis_prefix: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(redis_url)
    key = redis_prefix + "bucket"
    bucket = RedisTokenBucket(client, 36_000, key=key, capacity=1)  # ten a second
    try:
        assert await bucket.available() == 1
        assert not await client.exists(key)  # a full bucket leaves nothing in Redis
        assert await bucket.try_acquire()
        assert not await bucket.try_acquire()
        assert 0 < await client.pttl(key) <= 1100  # gone once full again
        await asyncio.sleep(0.12)
        assert await bucket.try_acquire()
        await bucket.close()
        assert await client.ping()  # a client passed in is left open
    finally:
        await client.aclose()


async def test_redis_penalty_holds_for_every_instance(redis_url: str, redis_prefix: str) -> None:
    key = redis_prefix + "bucket"
    one, two = RedisTokenBucket(redis_url, 5, key=key), RedisTokenBucket(redis_url, 5, key=key)
    try:
        await one.penalise(0.2)
        assert not await two.try_acquire()
        assert await two.available() == 0
        assert await two.seconds_until_available() == pytest.approx(0.2, abs=0.05)
        await asyncio.sleep(0.25)
        assert await grants(two, 2) + await grants(one, 2) == 1
    finally:
        await one.close()
        await two.close()


async def test_a_dead_redis_falls_back_to_a_local_bucket(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # every call tries Redis; LL2 said 5 calls were left at start-up
    bucket = RedisTokenBucket(DEAD_REDIS, 5, retry_interval=0, fallback_tokens=5)
    try:
        with caplog.at_level(logging.WARNING, logger="gateway.upstream"):
            assert await grants(bucket, 8) == 5
            assert not bucket.shared
            assert await bucket.available() == pytest.approx(0, abs=0.01)
            assert await bucket.seconds_until_available() == pytest.approx(720, abs=1)
            await bucket.penalise(60)
            assert await bucket.seconds_until_available() == pytest.approx(60, abs=1)
        # at most once a minute each: the link's and the bucket's
        assert sorted(r.name for r in caplog.records) == ["gateway.cache", "gateway.upstream"]
    finally:
        await bucket.close()


async def test_the_fallback_never_starts_full() -> None:
    """Nobody knows what the other instances spent: without a word from Redis or LL2
    the local bucket starts empty and only refills."""
    bucket = RedisTokenBucket(DEAD_REDIS, 3600, retry_interval=60)
    try:
        assert not await bucket.try_acquire()
        assert await bucket.seconds_until_available() == pytest.approx(1, abs=0.1)
    finally:
        await bucket.close()


async def test_back_on_the_shared_budget_when_redis_answers(
    redis_url: str, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    bucket = RedisTokenBucket(redis_url, 5, key=redis_prefix + "bucket", retry_interval=0)
    script = bucket._script

    async def broken(**_: object) -> object:
        raise RedisConnectionError("down for the test")

    try:
        assert await bucket.try_acquire()  # Redis: 4 left, remembered
        monkeypatch.setattr(bucket, "_script", broken)
        assert await bucket.try_acquire()  # local, seeded with Redis's 4
        assert not bucket.shared
        assert await bucket.available() == pytest.approx(3, abs=0.01)
        monkeypatch.setattr(bucket, "_script", script)
        # Redis again, charged with the call made apart: 5 - 1 - 1
        assert await bucket.available() == pytest.approx(3, abs=0.01)
        assert bucket.shared
    finally:
        await bucket.close()
