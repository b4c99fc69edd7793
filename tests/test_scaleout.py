"""Many gateway processes on one Redis make the LL2 calls of one.

Besides the shared cache and budget, an identical LL2 call in flight in one process is
joined by the others: a short Redis lock per cache key lets one process call while the
others wait for its answer in the cache, never past their request's deadline, and a
holder that died keeps nobody waiting longer than its lock lives.

Here "another process" is either a real one (``--workers 2``) or this test holding a
key's lock through the gateway's own Redis cache, as a process would.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest

from bench.processes import START_TIMEOUT
from gateway.cache.redis import RedisCache
from gateway.cache.tiered import TieredCache
from gateway.offline import RunningUpstream
from tests.harness import Gateway, gateway_process
from tests.redis_fixture import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]

QUERY = """{ spacecrafts(first: 10) { nodes { name spacecraftConfig { name
    agency { name totalLaunchCount } } } } agency(id: "44") { name } }"""
#: The cache key of ``agency(id: "44")``'s one LL2 call.
AGENCY_44 = "agencies/44/?"


@pytest.fixture
async def redis_gateway(
    upstream: RunningUpstream, redis_url: str, redis_prefix: str
) -> AsyncIterator[Gateway]:
    gw = await Gateway(
        upstream, cache=redis_url, cache_namespace=redis_prefix, response_cache=False
    ).start()
    try:
        yield gw
    finally:
        await gw.close()


def shared_cache(gateway: Gateway) -> RedisCache:
    """The gateway's Redis cache: what another process on the same Redis sees."""
    cache = gateway.state.upstream.cache
    if isinstance(cache, TieredCache):  # Redis behind this process's near tier
        cache = cache.far
    assert isinstance(cache, RedisCache)
    return cache


def calls(upstream: RunningUpstream) -> list[str]:
    return [call.path + "?" + str(sorted(call.query.items())) for call in upstream.state.log]


async def _post(url: str, query: str) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(force_close=True)  # the kernel spreads connections
    async with (
        aiohttp.ClientSession(connector=connector) as http,
        http.post(f"{url}/graphql", json={"query": query}) as response,
    ):
        body: dict[str, Any] = await response.json()
        return body


async def _until_workers_answer(url: str, workers: int) -> None:
    seen: set[int] = set()
    connector = aiohttp.TCPConnector(force_close=True)
    deadline = time.monotonic() + START_TIMEOUT  # a loaded machine starts workers slowly
    async with aiohttp.ClientSession(connector=connector) as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"{url}/healthz") as response:
                    seen.add((await response.json())["worker"])
            except aiohttp.ClientError:
                pass
            if len(seen) == workers:
                return
            await asyncio.sleep(0.02)
    raise AssertionError(f"only workers {seen} answered")


async def test_worker_processes_make_the_calls_of_one(
    upstream: RunningUpstream, redis_url: str, redis_prefix: str
) -> None:
    upstream.state.latency = 0.3  # as LL2 takes: identical cold calls overlap
    env = {"GATEWAY_CACHE_URL": redis_url, "GATEWAY_CACHE_NAMESPACE": redis_prefix}
    args = ("--workers", "2", "--upstream-rate", "1000", "--response-cache", "false")
    async with gateway_process(upstream.url, env, *args) as (_, url):
        await _until_workers_answer(url, 2)
        upstream.state.reset()
        answers = await asyncio.gather(*(_post(url, QUERY) for _ in range(12)))
    assert all("errors" not in a for a in answers)
    assert all(a["data"] == answers[0]["data"] for a in answers)
    made = calls(upstream)
    assert len(made) == len(set(made)), "no LL2 call was made twice"
    joined = sum(a["extensions"]["upstream"]["coalesced"] for a in answers)
    requests = sum(a["extensions"]["upstream"]["requests"] for a in answers)
    assert requests == len(made)
    assert joined >= 11, "every answer but the first joined calls in flight"


async def test_a_waiting_process_takes_the_answer_its_peer_stores(
    upstream: RunningUpstream, redis_gateway: Gateway, ll2: Any
) -> None:
    cache = shared_cache(redis_gateway)
    token = await cache.claim(AGENCY_44, ttl=30)  # a peer is calling LL2 for it
    assert token is not None
    answer = asyncio.ensure_future(redis_gateway.query('{ agency(id: "44") { name } }'))
    await asyncio.sleep(0.3)
    assert not answer.done(), "the gateway waits for its peer"
    peer_answer = {**(await ll2("agencies/44/")), "name": "NASA, as the peer received it"}
    await cache.set(AGENCY_44, b"200\n" + orjson.dumps(peer_answer), ttl=60, stale_ttl=60)
    await cache.release(AGENCY_44, token)
    response = await answer
    assert response.data == {"agency": {"name": "NASA, as the peer received it"}}
    assert response.body["extensions"]["upstream"]["coalesced"] == 1
    assert redis_gateway.upstream_calls() == []


async def test_a_dead_holder_stalls_nobody_past_its_lock(
    upstream: RunningUpstream, redis_gateway: Gateway
) -> None:
    cache = shared_cache(redis_gateway)
    assert await cache.claim(AGENCY_44, ttl=0.6) is not None  # and never renewed
    answer = asyncio.ensure_future(redis_gateway.query('{ agency(id: "44") { name } }'))
    while await cache.claimed(AGENCY_44):
        assert redis_gateway.upstream_calls() == [], "no call while the lock is held"
        await asyncio.sleep(0.05)
    response = await answer
    assert response.data == {"agency": {"name": "National Aeronautics and Space Administration"}}
    assert [call.path for call in redis_gateway.upstream_calls()] == ["/2.3.0/agencies/44/"]


async def test_a_holder_that_failed_lets_a_waiter_call(
    upstream: RunningUpstream, redis_gateway: Gateway
) -> None:
    cache = shared_cache(redis_gateway)
    token = await cache.claim(AGENCY_44, ttl=30)
    assert token is not None
    answer = asyncio.ensure_future(redis_gateway.query('{ agency(id: "44") { name } }'))
    await asyncio.sleep(0.2)
    await cache.release(AGENCY_44, token)  # let go without an answer
    response = await answer
    assert response.data == {"agency": {"name": "National Aeronautics and Space Administration"}}
    assert len(redis_gateway.upstream_calls()) == 1


async def test_never_waits_past_the_request_deadline(
    upstream: RunningUpstream, redis_url: str, redis_prefix: str
) -> None:
    gateway = await Gateway(
        upstream,
        cache=redis_url,
        cache_namespace=redis_prefix,
        response_cache=False,
        request_timeout=1.0,
    ).start()
    try:
        cache = shared_cache(gateway)
        token = await cache.claim(AGENCY_44, ttl=60)  # a peer stuck for a minute
        assert token is not None
        query = '{ agency(id: "44") { name } spacecraft(id: "602") { name } }'
        response = await gateway.query(query)
        assert response.data == {"agency": None, "spacecraft": {"name": "Tianzhou-8"}}
        assert response.codes == ["UPSTREAM_TIMEOUT"]
        assert [call.path for call in gateway.upstream_calls()] == ["/2.3.0/spacecraft/602/"]

        # With an expired answer at hand, the deadline serves it instead (stale-if-error).
        await cache.set(AGENCY_44, b'200\n{"id": 44, "name": "NASA (stale)"}', ttl=0, stale_ttl=60)
        response = await gateway.query('{ agency(id: "44") { name } }')
        assert response.data == {"agency": {"name": "NASA (stale)"}}
        assert response.errors == []
        assert response.body["extensions"]["upstream"]["stale"] == [AGENCY_44]
        await cache.release(AGENCY_44, token)
    finally:
        await gateway.close()


async def test_a_poll_takes_only_an_answer_newer_than_the_one_it_saw(
    upstream: RunningUpstream, redis_gateway: Gateway, ll2: Any
) -> None:
    """A subscription's poll (``Upstream.refresh``) wants LL2's answer now: the cached
    one does not do, another process's fresher one does."""
    await redis_gateway.query('{ agency(id: "44") { name } }')  # cached, fresh
    fetcher = redis_gateway.state.upstream
    cache = shared_cache(redis_gateway)
    upstream.state.reset()

    token = await cache.claim(AGENCY_44, ttl=30)  # a peer is polling it
    assert token is not None
    poll = asyncio.ensure_future(fetcher.refresh("agencies/44/"))
    await asyncio.sleep(0.3)
    assert not poll.done(), "the answer in the cache is the one it saw"
    newer = {**(await ll2("agencies/44/")), "name": "NASA, as the peer polled it"}
    await cache.set(AGENCY_44, b"200\n" + orjson.dumps(newer), ttl=60, stale_ttl=60)
    await cache.release(AGENCY_44, token)
    assert (await poll).data["name"] == "NASA, as the peer polled it"
    assert redis_gateway.upstream_calls() == []

    token = await cache.claim(AGENCY_44, ttl=30)  # a peer that lets go without an answer
    assert token is not None
    poll = asyncio.ensure_future(fetcher.refresh("agencies/44/"))
    await asyncio.sleep(0.2)
    await cache.release(AGENCY_44, token)
    assert (await poll).data["name"] == "National Aeronautics and Space Administration"
    assert [call.path for call in redis_gateway.upstream_calls()] == ["/2.3.0/agencies/44/"]
