"""Several gateway processes share one Redis cache and one LL2 budget."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from gateway.offline import RunningUpstream
from tests.harness import Gateway, gateway_process
from tests.redis_fixture import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]

QUERY = (
    "{ spacecrafts(first: 10) { nodes { name spacecraftConfig { agency { totalLaunchCount } } } } }"
)


@pytest.fixture
def namespace(redis_prefix: str) -> str:
    return redis_prefix


@pytest.fixture
async def other_process(
    upstream: RunningUpstream, redis_url: str, namespace: str
) -> AsyncIterator[str]:
    """A second gateway, in its own OS process, on the same upstream and Redis."""
    env = {"GATEWAY_CACHE_URL": redis_url, "GATEWAY_CACHE_NAMESPACE": namespace}
    async with gateway_process(upstream.url, env) as (_, url):
        yield url


@pytest.fixture
async def redis_gateway(
    upstream: RunningUpstream, redis_url: str, namespace: str
) -> AsyncIterator[Gateway]:
    gw = await Gateway(upstream, cache=redis_url, cache_namespace=namespace).start()
    try:
        yield gw
    finally:
        await gw.close()


async def _post(url: str, query: str) -> dict:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/graphql", json={"query": query}) as response,
    ):
        assert response.status == 200
        return await response.json()


async def test_second_process_answers_from_the_shared_cache(
    upstream: RunningUpstream, redis_gateway: Gateway, other_process: str
) -> None:
    cold = await redis_gateway.query(QUERY)
    assert not cold.errors
    calls = len(upstream.state.log)
    assert calls > 1
    warm = await _post(other_process, QUERY)
    assert warm["data"] == cold.data
    assert len(upstream.state.log) == calls, "the other process made no LL2 call"
    assert warm["extensions"]["upstream"]["requests"] == 0


async def test_budget_is_shared_between_instances(
    upstream: RunningUpstream, redis_url: str, namespace: str
) -> None:
    a = await Gateway(upstream, cache=redis_url, cache_namespace=namespace, upstream_rate=3).start()
    b = await Gateway(upstream, cache=redis_url, cache_namespace=namespace, upstream_rate=3).start()
    try:
        answers = await asyncio.gather(
            *(
                gw.query(f'{{ agency(id: "{i}") {{ name }} }}')
                for gw, i in zip([a, b, a, b, a, b], [121, 44, 63, 88, 27, 31], strict=True)
            )
        )
        limited = [r for r in answers if "UPSTREAM_RATE_LIMITED" in r.codes]
        assert len(upstream.state.log) == 3
        assert len(limited) == 3
    finally:
        await a.close()
        await b.close()


async def test_stale_answer_when_ll2_fails(upstream: RunningUpstream, gateway: Gateway) -> None:
    query = '{ spacecraft(id: "602") { name } agency(id: "121") { name } }'
    fresh = await gateway.query(query)
    assert not fresh.errors
    cache = gateway.state.upstream.cache
    cache._clock = lambda: time.time() + 7 * 3600  # every entry is past its TTL now
    gateway.state.responses.cache._clock = cache._clock  # whole answers too
    upstream.state.faults.add("status", status=503)
    stale = await gateway.query(query)
    assert stale.data == fresh.data
    assert stale.errors == []
    assert sorted(stale.body["extensions"]["upstream"]["stale"]) == [
        "agencies/121/?",
        "spacecraft/602/?",
    ]
    status = await gateway.query("{ upstreamStatus { recentErrors { path code } } }")
    assert {e["code"] for e in status.data["upstreamStatus"]["recentErrors"]} == {
        "UPSTREAM_UNAVAILABLE"
    }


async def test_failure_without_cache_nulls_only_that_field(
    upstream: RunningUpstream, gateway: Gateway
) -> None:
    await gateway.query('{ agency(id: "121") { name } }')
    upstream.state.faults.add("status", status=502, path="spacecraft/")
    r = await gateway.query('{ agency(id: "121") { name } spacecraft(id: "602") { name } }')
    assert r.data["agency"]["name"]
    assert r.data["spacecraft"] is None
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
