"""An expired copy at hand and a slow LL2: the copy answers, the refresh finishes behind.

The whole-response cache is off here: it would answer the repeated operation itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from gateway.offline import RunningUpstream
from tests.harness import Gateway

QUERY = '{ spacecraft(id: "602") { name } }'
KEY = "spacecraft/602/?"


async def start(upstream: RunningUpstream, **settings: object) -> Gateway:
    return await Gateway(upstream, response_cache=False, **settings).start()


@pytest.fixture
async def gateway(upstream: RunningUpstream) -> AsyncIterator[Gateway]:
    gw = await start(upstream, stale_deadline=0.2)
    try:
        yield gw
    finally:
        await gw.close()


def expire_everything(gw: Gateway) -> None:
    """Every cached answer is past its TTL (still within its stale window)."""
    gw.state.upstream.cache._clock = lambda: time.time() + 7 * 3600  # type: ignore[attr-defined]


async def refreshed(gw: Gateway) -> None:
    """Wait until the background refreshes are done."""
    for _ in range(200):
        if not gw.state.upstream._refreshing:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the refresh never finished")


async def test_a_slow_ll2_is_not_waited_for_when_a_stale_copy_exists(
    upstream: RunningUpstream, gateway: Gateway
) -> None:
    fresh = await gateway.query(QUERY)
    assert fresh.errors == []
    expire_everything(gateway)
    upstream.state.reset()
    upstream.state.faults.add("latency", delay=1.5, path="spacecraft/")

    r = await gateway.query(QUERY)
    assert r.errors == []
    assert r.data == fresh.data
    assert r.body["extensions"]["upstream"]["stale"] == [KEY]
    assert r.body["extensions"]["upstream"]["calls"] == [KEY]  # it did start the refresh
    assert gateway.state.upstream._refreshing, "answered before LL2 did"

    # meanwhile the same question joins the refresh and answers stale too: one call
    again = await gateway.query(QUERY)
    assert again.body["extensions"]["upstream"]["stale"] == [KEY]
    assert again.body["extensions"]["upstream"]["coalesced"] == 1

    await refreshed(gateway)
    gateway.state.upstream.cache._clock = time.time  # type: ignore[attr-defined]
    after = await gateway.query(QUERY)
    assert after.errors == [] and "stale" not in after.body["extensions"]["upstream"]
    assert after.body["extensions"]["upstream"]["requests"] == 0  # the refresh filled the cache
    assert len(upstream.state.log) == 1


async def test_an_answer_within_the_stale_deadline_is_the_fresh_one(
    upstream: RunningUpstream,
) -> None:
    gw = await start(upstream, stale_deadline=30)
    try:
        await gw.query(QUERY)
        expire_everything(gw)
        upstream.state.faults.add("latency", delay=0.2, path="spacecraft/")
        r = await gw.query(QUERY)
        assert r.errors == []
        assert "stale" not in r.body["extensions"]["upstream"]
        assert r.body["extensions"]["upstream"]["calls"] == [KEY]
    finally:
        await gw.close()


async def test_a_failed_refresh_leaves_the_stale_copy_and_is_reported(
    upstream: RunningUpstream, gateway: Gateway
) -> None:
    await gateway.query(QUERY)
    expire_everything(gateway)
    upstream.state.faults.add("status", status=500, path="spacecraft/")
    r = await gateway.query(QUERY)
    assert r.errors == []
    assert r.body["extensions"]["upstream"]["stale"] == [KEY]
    await refreshed(gateway)
    status = await gateway.query("{ upstreamStatus { recentErrors { path code } } }")
    assert status.data["upstreamStatus"]["recentErrors"] == [
        {"path": KEY, "code": "UPSTREAM_UNAVAILABLE"}
    ]


async def test_shutdown_stops_a_refresh_in_flight(upstream: RunningUpstream) -> None:
    gw = await start(upstream, stale_deadline=0.05)
    await gw.query(QUERY)
    expire_everything(gw)
    upstream.state.faults.add("latency", delay=5, path="spacecraft/")
    r = await gw.query(QUERY)
    assert r.body["extensions"]["upstream"]["stale"] == [KEY]
    refreshing = list(gw.state.upstream._refreshing)
    assert refreshing
    await gw.close()
    assert all(task.done() for task in refreshing)
