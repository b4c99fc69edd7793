"""Live data across processes: two gateways sharing one Redis poll a watched object once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from typing import Any

import aiohttp

from gateway.live import RedisShared
from gateway.offline import RunningUpstream
from tests.harness import gateway_process
from tests.live_client import connect, eventually
from tests.redis_fixture import redis_prefix, redis_url
from tests.test_live import FLIGHT, FLIGHT_PATH, patch, polls_of

__all__ = ["redis_prefix", "redis_url"]

INTERVAL = 0.5


async def _live(url: str) -> dict[str, Any]:
    query = "{ upstreamStatus { live { shared watched { path subscribers processes polling } } } }"
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/graphql", json={"query": query}) as response,
    ):
        body = await response.json()
    return body["data"]["upstreamStatus"]["live"]  # type: ignore[no-any-return]


async def _pollers(urls: list[str]) -> list[bool]:
    found = []
    for url in urls:
        watched = (await _live(url))["watched"]
        found.append(bool(watched and watched[0]["polling"]))
    return found


async def test_two_processes_sharing_redis_cost_one_poller(
    upstream: RunningUpstream, redis_url: str, redis_prefix: str
) -> None:
    args = (
        "--cache",
        redis_url,
        "--cache-namespace",
        redis_prefix,
        "--live-interval",
        str(INTERVAL),
        "--upstream-rate",
        "36000",
    )
    async with (
        gateway_process(upstream.url, {}, *args) as (_, first_url),
        gateway_process(upstream.url, {}, *args) as (_, second_url),
        connect(first_url) as first,
        connect(second_url) as second,
    ):
        urls = [first_url, second_url]
        for socket in (first, second):
            await socket.subscribe(FLIGHT)
            assert (await socket.receive())["type"] == "next"

        async def one_poller() -> bool:
            return sorted(await _pollers(urls)) == [False, True]

        await eventually(one_poller)
        live = await _live(first_url)
        assert live["shared"] is True
        assert live["watched"][0]["processes"] == 2

        started, before = time.monotonic(), polls_of(upstream)
        await asyncio.sleep(3.0)
        polls = polls_of(upstream) - before
        # One call an interval in all (two pollers would make twice as many).
        assert 1 <= polls <= (time.monotonic() - started) / INTERVAL + 2

        # A change seen by the poller reaches the other process's subscriber too.
        await patch(upstream, "spacecraft_flights", "671", {"destination": "Tiangong"})
        for socket in (first, second):
            changed = await socket.receive(timeout=15)
            assert changed["payload"]["data"]["spacecraftFlight"]["destination"] == "Tiangong"

        # The poller's subscriber leaves: the other process takes the lease over.
        polling_first = (await _pollers(urls))[0]
        leaving, staying = (first, second) if polling_first else (second, first)
        staying_url = second_url if polling_first else first_url
        await leaving.send({"id": "1", "type": "complete"})

        async def taken_over() -> bool:
            watched = (await _live(staying_url))["watched"]
            return watched == [
                {
                    "path": "spacecraft_flights/671/",
                    "subscribers": 1,
                    "processes": 1,
                    "polling": True,
                }
            ]

        await eventually(taken_over)
        await patch(upstream, "spacecraft_flights", "671", {"destination": "Mir"})
        changed = await staying.receive(timeout=15)
        assert changed["payload"]["data"]["spacecraftFlight"]["destination"] == "Mir"
        assert any(r.path == FLIGHT_PATH for r in upstream.state.log)


async def test_sigterm_completes_every_subscription_and_the_process_exits_cleanly(
    upstream: RunningUpstream,
) -> None:
    args = ("--live-interval", str(INTERVAL), "--upstream-rate", "36000")
    async with gateway_process(upstream.url, {}, *args) as (proc, url), connect(url) as socket:
        id = await socket.subscribe(FLIGHT)
        assert (await socket.receive())["type"] == "next"
        proc.send_signal(signal.SIGTERM)
        assert await socket.receive(timeout=15) == {"id": id, "type": "complete"}
        code, _ = await socket.closed()
        assert code == 1001
        await eventually(lambda: _exited(proc))
    assert proc.returncode == 0
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert "Traceback" not in stderr, stderr


async def _exited(proc: subprocess.Popen[bytes]) -> bool:
    return proc.poll() is not None


async def test_without_redis_a_process_acts_alone_on_its_own_schedule() -> None:
    from tests.harness import free_port

    shared = RedisShared(f"redis://127.0.0.1:{free_port()}/0", "ll2gw-test:", timeout=0.2)
    try:
        assert await shared.acquire("agencies/44/", 6.0) is True
        await shared.watching(["agencies/44/"], 12.0)
        assert await shared.watched() == {"agencies/44/": 1}
        assert await shared.due_in("agencies/44/") == 0
        await shared.polled("agencies/44/", 300.0)
        assert 299 < await shared.due_in("agencies/44/") <= 300
        await shared.publish(b"{}")  # told nobody, raised nothing
    finally:
        await shared.close()
