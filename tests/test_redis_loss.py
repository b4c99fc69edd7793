"""Redis lost under a running gateway: killed, or hung (SIGSTOP), then back.

Warm data keeps answering from the in-process tier; new data is fetched on a local
budget that starts from the level Redis last reported; a hung Redis costs one short
wait per breaker period, not one per lookup; when Redis returns, the cache and the
budget use it again (the calls made meanwhile charged to the shared budget).  The
breaker's clock is held by the test, so no outcome depends on how fast the machine is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis

from gateway.cache.link import RedisLink
from gateway.cache.tiered import TieredCache
from gateway.offline import RunningUpstream
from tests.fake_clock import FakeClock
from tests.harness import Gateway
from tests.redis_server import RedisServer, redis_server

__all__ = ["redis_server"]

WARM = '{ spacecraft(id: "602") { name } agency(id: "121") { name } }'
#: Another shape over the same LL2 answers: the whole-response cache cannot serve it.
WARM_AGAIN = '{ spacecraft(id: "602") { name serialNumber } agency(id: "121") { abbrev } }'
BUDGET = "{ upstreamStatus { budget { shared available } } }"
RATE = 100.0


@pytest.fixture
async def gateway_on_redis(
    upstream: RunningUpstream, redis_server: RedisServer
) -> AsyncIterator[Gateway]:
    gw = await Gateway(
        upstream, cache=redis_server.url, upstream_rate=RATE, redis_cooldown=30.0
    ).start()
    try:
        yield gw
    finally:
        await gw.close()


def link_of(gw: Gateway) -> RedisLink:
    cache = gw.state.upstream.cache
    assert isinstance(cache, TieredCache)
    link: RedisLink = cache.far.link  # type: ignore[attr-defined]
    return link


def hold_clock(link: RedisLink) -> FakeClock:
    clock = FakeClock(link._clock())
    link._clock = clock
    return clock


async def budget(gw: Gateway) -> dict[str, Any]:
    r = await gw.query(BUDGET)
    assert r.errors == []
    status: dict[str, Any] = r.data["upstreamStatus"]["budget"]
    return status


async def redis_keys(server: RedisServer, pattern: str) -> list[bytes]:
    client = aioredis.from_url(server.url)
    try:
        return [key async for key in client.scan_iter(match=pattern)]
    finally:
        await client.aclose()


async def test_killed_redis_warm_data_answers_and_both_resume(
    upstream: RunningUpstream, redis_server: RedisServer, gateway_on_redis: Gateway
) -> None:
    gw = gateway_on_redis
    link = link_of(gw)
    clock = hold_clock(link)
    warm = await gw.query(WARM)
    assert warm.errors == []
    assert len(upstream.state.log) == 2
    assert (await budget(gw))["shared"] is True

    redis_server.kill()
    for query in (WARM, WARM_AGAIN):
        r = await gw.query(query)
        assert r.errors == [], r.errors
        assert r.data["spacecraft"]["name"] == warm.data["spacecraft"]["name"]
    assert len(upstream.state.log) == 2, "warm data came from the in-process tier"
    assert link.failures == 1, "a dead Redis is tried once per breaker period"

    # new data: one LL2 call on the local budget, which starts where Redis left it
    new = await gw.query('{ agency(id: "44") { name } }')
    assert new.errors == [] and new.data["agency"]["name"]
    assert len(upstream.state.log) == 3
    apart = await budget(gw)
    assert apart["shared"] is False
    assert apart["available"] == pytest.approx(RATE - 3, abs=0.5)

    redis_server.start()  # back, empty, on the same port
    clock.advance(31)  # the breaker lets one probe through
    back = await gw.query('{ agency(id: "63") { name } }')
    assert back.errors == []
    assert link.up
    assert await redis_keys(redis_server, "*agencies/63/*"), "answers are stored in Redis again"
    shared = await budget(gw)
    assert shared["shared"] is True
    # the shared bucket was charged with the call made apart, then with this one
    assert shared["available"] == pytest.approx(RATE - 2, abs=0.5)


async def test_hung_redis_costs_one_short_wait_per_breaker_period(
    upstream: RunningUpstream, redis_server: RedisServer, gateway_on_redis: Gateway
) -> None:
    gw = gateway_on_redis
    link = link_of(gw)
    clock = hold_clock(link)
    assert link.timeout == gw.settings.redis_timeout
    warm = await gw.query(WARM)
    assert warm.errors == []

    redis_server.stop()
    try:
        for _ in range(3):
            for query in (WARM, WARM_AGAIN):
                r = await gw.query(query)
                assert r.errors == []
        new = await gw.query('{ agency(id: "44") { name } }')
        assert new.errors == [] and new.data["agency"]["name"]
        assert link.failures == 1, "only the first lookup waited for the hung Redis"
        assert link.skipped > 0  # the others did not even try
        assert (await budget(gw))["shared"] is False

        clock.advance(31)  # one probe (the first lookup of new data), which waits once more
        r = await gw.query('{ agency(id: "27") { name } }')
        assert r.errors == []
        assert link.failures == 2
    finally:
        redis_server.cont()

    clock.advance(31)
    r = await gw.query('{ agency(id: "63") { name } }')
    assert r.errors == []
    assert link.up
    assert (await budget(gw))["shared"] is True
    assert len(upstream.state.log) == 5  # 602, 121, 44, 27, 63: nothing asked twice
