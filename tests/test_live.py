"""Subscriptions over graphql-transport-ws, fed by one poller per watched LL2 object."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from gateway.live.budget import affordable, poll_interval
from gateway.offline import RunningUpstream
from tests.harness import Gateway
from tests.live_client import connect, eventually

FLIGHT = 'subscription { spacecraftFlight(id: "671") { id destination } }'
FLIGHT_PATH = "/2.3.0/spacecraft_flights/671/"
STATUS = """{ upstreamStatus { live {
  intervalSeconds pollsPerHour watched { path resource id subscribers polling polls intervalSeconds }
} } }"""


@pytest.fixture
async def gw(upstream: RunningUpstream) -> AsyncIterator[Gateway]:
    gateway = await Gateway(upstream, live_interval=0.3, upstream_rate=36000).start()
    try:
        yield gateway
    finally:
        await gateway.close()


async def patch(upstream: RunningUpstream, resource: str, id: str, change: dict[str, Any]) -> None:
    base = upstream.url.removesuffix("2.3.0/")
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base}_offline/records/{resource}/{id}", json=change) as response,
    ):
        assert response.status == 200, await response.text()


def polls_of(upstream: RunningUpstream, path: str = FLIGHT_PATH) -> int:
    return sum(1 for r in upstream.state.log if r.path == path)


async def live_status(gw: Gateway) -> dict[str, Any]:
    answer = await gw.query(STATUS)
    assert not answer.errors, answer.errors
    return answer.data["upstreamStatus"]["live"]  # type: ignore[no-any-return]


# -- what a subscriber sees ---------------------------------------------------------


async def test_the_answer_at_once_then_each_change_and_nothing_while_nothing_changes(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    async with connect(gw.url) as socket:
        id = await socket.subscribe(FLIGHT)
        first = await socket.receive()
        assert first == {
            "id": id,
            "type": "next",
            "payload": {
                "data": {
                    "spacecraftFlight": {"id": "671", "destination": "International Space Station"}
                }
            },
        }
        # Polls go on (several intervals) and answer the same: nothing is sent.
        await eventually(lambda: _async(polls_of(upstream) >= 3))
        assert await socket.silent_for(0.5)
        # A change outside the selection changes nothing the subscriber sees.
        await patch(upstream, "spacecraft_flights", "671", {"mission_end": "2031-01-01T00:00:00Z"})
        polled = polls_of(upstream)
        await eventually(lambda: _async(polls_of(upstream) >= polled + 2))
        assert await socket.silent_for(0.3)
        # A change of a selected field: sent within an interval or so.
        await patch(upstream, "spacecraft_flights", "671", {"destination": "Lunar Gateway"})
        changed = await socket.receive(timeout=10)
        assert changed["payload"]["data"]["spacecraftFlight"]["destination"] == "Lunar Gateway"
        await socket.send({"id": id, "type": "complete"})


async def _async(value: bool) -> bool:
    return value


async def test_nested_selections_are_answered_like_a_query(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    selection = "{ name dockedVehicles dockingLocation { name currentlyDocked { docking } } }"
    query = await gw.query('{ spaceStation(id: "4") ' + selection + " }")
    async with connect(gw.url) as socket:
        await socket.subscribe('subscription { spaceStation(id: "4") ' + selection + " }")
        first = await socket.receive()
        assert first["payload"] == {"data": query.data}
        await patch(upstream, "space_stations", "4", {"name": "ISS (renamed)"})
        changed = await socket.receive(timeout=10)
        assert changed["payload"]["data"]["spaceStation"]["name"] == "ISS (renamed)"
        assert (
            changed["payload"]["data"]["spaceStation"]["dockingLocation"]
            == query.data["spaceStation"]["dockingLocation"]
        )


async def test_an_object_llt2_has_not_is_null_and_bad_input_an_error(gw: Gateway) -> None:
    async with connect(gw.url) as socket:
        await socket.subscribe('subscription { astronaut(id: "99999999") { name } }')
        assert (await socket.receive())["payload"] == {"data": {"astronaut": None}}
        id = await socket.subscribe('subscription { astronaut(id: "abc") { name } }')
        error = await socket.receive()
        assert error["id"] == id and error["type"] == "error"
        assert [e["extensions"]["code"] for e in error["payload"]] == ["BAD_USER_INPUT"]
        id = await socket.subscribe('subscription { astronaut(id: "1") { nope } }')
        error = await socket.receive()
        assert error["type"] == "error"
        assert error["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_queries_run_over_the_socket_too(gw: Gateway) -> None:
    async with connect(gw.url) as socket:
        id = await socket.subscribe('{ agency(id: "44") { name } }')
        answer = await socket.receive()
        assert answer["payload"]["data"]["agency"]["name"]
        assert await socket.receive() == {"id": id, "type": "complete"}


async def test_subscriptions_are_not_served_over_http(gw: Gateway) -> None:
    answer = await gw.query(FLIGHT)
    assert answer.status == 400
    assert answer.codes == ["BAD_REQUEST"]


# -- one poller per object ------------------------------------------------------------


async def test_two_subscribers_to_one_object_cost_one_poller(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    async with connect(gw.url) as one, connect(gw.url) as two:
        await one.subscribe(FLIGHT)
        await two.subscribe(FLIGHT)
        await one.receive()
        await two.receive()
        live = await live_status(gw)
        assert live["watched"] == [
            {
                "path": "spacecraft_flights/671/",
                "resource": "spacecraft_flights",
                "id": "671",
                "subscribers": 2,
                "polling": True,
                "polls": live["watched"][0]["polls"],
                "intervalSeconds": 0.3,
            }
        ]
        started, before = time.monotonic(), polls_of(upstream)
        await asyncio.sleep(2.0)
        polls = polls_of(upstream) - before
        # One poller: one call an interval (two pollers would make twice as many).
        assert 1 <= polls <= (time.monotonic() - started) / 0.3 + 1
        await patch(upstream, "spacecraft_flights", "671", {"destination": "Mir"})
        for socket in (one, two):
            changed = await socket.receive(timeout=10)
            assert changed["payload"]["data"]["spacecraftFlight"]["destination"] == "Mir"


async def test_a_query_that_refetches_a_watched_object_counts_as_its_poll(
    upstream: RunningUpstream,
) -> None:
    # An interval of a minute: within the test, only a query can fetch the flight.
    gw = await Gateway(upstream, live_interval=60, upstream_rate=36000).start()
    try:
        async with connect(gw.url) as socket:
            await socket.subscribe(FLIGHT)
            await socket.receive()
            await patch(upstream, "spacecraft_flights", "671", {"destination": "Skylab"})
            assert await socket.silent_for(0.5)
            # The cached answer expires; the next query that needs the flight calls LL2.
            await gw.state.upstream.cache.delete("spacecraft_flights/671/?")
            calls = polls_of(upstream)
            answer = await gw.query('{ spacecraftFlight(id: "671") { landing { success } } }')
            assert not answer.errors and polls_of(upstream) == calls + 1
            changed = await socket.receive(timeout=10)
            assert changed["payload"]["data"]["spacecraftFlight"]["destination"] == "Skylab"
            live = await live_status(gw)
            assert live["watched"][0]["polls"] == 0, "the query's call was the poll"
    finally:
        await gw.close()


async def test_a_disconnect_stops_the_subscription_and_frees_the_poller(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    async with connect(gw.url) as socket:
        await socket.subscribe(FLIGHT)
        await socket.receive()
        assert len((await live_status(gw))["watched"]) == 1
    await eventually(lambda: _no_watched(gw))
    calls = polls_of(upstream)
    await asyncio.sleep(1.0)  # more than three intervals
    assert polls_of(upstream) == calls, "nobody watches: nobody polls"


async def _no_watched(gw: Gateway) -> bool:
    return (await live_status(gw))["watched"] == []


async def test_complete_stops_one_subscription_and_its_poller(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    async with connect(gw.url) as socket:
        flight = await socket.subscribe(FLIGHT)
        await socket.subscribe('subscription { spaceStation(id: "4") { name } }')
        await socket.receive()
        await socket.receive()
        await socket.send({"id": flight, "type": "complete"})
        await eventually(lambda: _watched_paths(gw, {"space_stations/4/"}))


async def _watched_paths(gw: Gateway, paths: set[str]) -> bool:
    return {w["path"] for w in (await live_status(gw))["watched"]} == paths


# -- the budget ------------------------------------------------------------------------


def test_polls_spread_the_budget_share_over_the_watched_objects() -> None:
    options = {"rate_per_hour": 15, "share": 0.5, "shortest": 300}
    assert poll_interval(1, **options) == 480  # 7.5 polls an hour
    assert poll_interval(3, **options) == 1440
    assert poll_interval(1, rate_per_hour=3600, share=0.5, shortest=300) == 300
    assert affordable(7, longest=3600, **options)
    assert not affordable(8, longest=3600, **options)


async def test_the_budget_caps_the_polls_and_refuses_what_it_cannot_pay(
    upstream: RunningUpstream,
) -> None:
    # 36 calls an hour, half for polling: 18 polls an hour, at most 500 s apart.
    gw = await Gateway(upstream, upstream_rate=36, live_interval=0.1, live_max_interval=500).start()
    try:
        async with connect(gw.url) as socket:
            await socket.subscribe(FLIGHT)
            await socket.subscribe('subscription { spaceStation(id: "4") { name } }')
            await socket.receive()
            await socket.receive()
            live = await live_status(gw)
            assert live["pollsPerHour"] == 18
            assert live["intervalSeconds"] == 400  # two objects: each every 400 s
            assert {w["intervalSeconds"] for w in live["watched"]} == {400}
            refused = await socket.subscribe('subscription { astronaut(id: "1") { name } }')
            error = await socket.receive()
            assert error["id"] == refused and error["type"] == "error"
            assert error["payload"][0]["extensions"] == {
                "code": "LIVE_BUDGET_EXCEEDED",
                "watched": 2,
                "intervalSeconds": 600.0,
                "maxIntervalSeconds": 500.0,
            }
            # One more subscriber to an object already watched costs nothing: accepted.
            await socket.subscribe('subscription { spaceStation(id: "4") { id } }')
            assert (await socket.receive())["type"] == "next"
            calls = len(upstream.state.log)
            await asyncio.sleep(1.0)  # ten shortest intervals: the budget allows no poll
            assert len(upstream.state.log) == calls
    finally:
        await gw.close()


# -- connection hygiene --------------------------------------------------------------


async def test_connection_init_must_come_in_time(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, ws_init_timeout=0.3).start()
    try:
        async with connect(gw.url, init=False) as socket:
            code, reason = await socket.closed()
        assert code == 4408
        assert "timeout" in reason.lower()
    finally:
        await gw.close()


async def test_ping_is_answered_with_pong(gw: Gateway) -> None:
    async with connect(gw.url) as socket:
        await socket.send({"type": "ping"})
        assert await socket.receive() == {"type": "pong"}


async def test_a_peer_that_does_not_answer_pings_is_disconnected(
    upstream: RunningUpstream,
) -> None:
    gw = await Gateway(upstream, ws_ping_interval=0.2).start()
    try:
        async with connect(gw.url, autoping=False) as socket:
            await socket.subscribe(FLIGHT)
            seen: list[Any] = []
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                message = await socket.ws.receive(timeout=10)
                seen.append(message.type)
                if message.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.ERROR,
                ):
                    break
            assert aiohttp.WSMsgType.PING in seen
            assert seen[-1] in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.ERROR,
            )
        await eventually(lambda: _no_watched(gw))
    finally:
        await gw.close()


async def test_subscriptions_per_connection_are_capped(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, ws_max_subscriptions=2, upstream_rate=36000).start()
    try:
        async with connect(gw.url) as socket:
            await socket.subscribe(FLIGHT)
            await socket.subscribe('subscription { spaceStation(id: "4") { name } }')
            await socket.receive()
            await socket.receive()
            third = await socket.subscribe('subscription { astronaut(id: "1") { name } }')
            error = await socket.receive()
            assert error["id"] == third and error["type"] == "error"
            assert error["payload"][0]["extensions"] == {
                "code": "TOO_MANY_SUBSCRIPTIONS",
                "maximum": 2,
            }
            await socket.send({"type": "ping"})
            assert await socket.receive() == {"type": "pong"}, "the connection goes on"
    finally:
        await gw.close()


async def test_connections_are_capped(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, ws_max_connections=1).start()
    try:
        async with connect(gw.url):
            async with connect(gw.url, init=False) as second:
                code, reason = await second.closed()
            assert code == 1013
            assert "too many connections" in reason.lower()
        async with connect(gw.url) as again:  # a place is free again
            await again.send({"type": "ping"})
            assert await again.receive() == {"type": "pong"}
    finally:
        await gw.close()


async def test_shutdown_completes_every_subscription_then_closes(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, live_interval=0.3, upstream_rate=36000).start()
    closed = False
    try:
        async with connect(gw.url) as socket:
            one = await socket.subscribe(FLIGHT)
            two = await socket.subscribe('subscription { spaceStation(id: "4") { name } }')
            await socket.receive()
            await socket.receive()
            shutdown = asyncio.create_task(gw.close())
            closed = True
            completed = {(await socket.receive())["id"], (await socket.receive())["id"]}
            assert completed == {one, two}
            code, _ = await socket.closed()
            assert code == 1001
            await shutdown
    finally:
        if not closed:
            await gw.close()
