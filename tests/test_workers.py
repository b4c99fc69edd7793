"""``--workers N``: N processes serve one port, share out the budget, stop together."""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp
import pytest

from gateway.offline import RunningUpstream
from gateway.settings import Settings
from tests.harness import gateway_process


def test_the_worker_count() -> None:
    assert Settings().worker_count == 1
    assert Settings(workers="3").worker_count == 3
    assert Settings(workers="auto").worker_count >= 1
    for bad in ("0", "-1", "two", ""):
        with pytest.raises(ValueError, match="workers"):
            Settings(workers=bad)


async def _workers_seen(url: str, tries: int) -> set[int]:
    seen: set[int] = set()
    # A new connection each time: the kernel spreads connections, not requests.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        for _ in range(tries):
            async with http.get(f"{url}/healthz") as response:
                seen.add((await response.json())["worker"])
    return seen


async def test_workers_share_the_port_and_stop_together(upstream: RunningUpstream) -> None:
    args = ("--workers", "2", "--upstream-rate", "100")
    async with gateway_process(upstream.url, {}, *args) as (proc, url):
        seen: set[int] = set()
        deadline = time.monotonic() + 20
        while seen != {1, 2} and time.monotonic() < deadline:
            try:
                seen |= await _workers_seen(url, 20)
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)  # the second worker may still be starting
        assert seen == {1, 2}
        async with aiohttp.ClientSession() as http:
            query = {"query": '{ agency(id: "44") { name } }'}
            async with http.post(f"{url}/graphql", json=query) as response:
                assert (await response.json())["data"]["agency"]["name"]
            async with http.post(
                f"{url}/graphql", json={"query": "{ upstreamStatus { budget { ratePerHour } } }"}
            ) as response:
                budget = (await response.json())["data"]["upstreamStatus"]["budget"]
        assert budget["ratePerHour"] == pytest.approx(50), "each worker holds half"
        proc.send_signal(signal.SIGTERM)
        for _ in range(200):
            if proc.poll() is not None:
                break
            await asyncio.sleep(0.05)
        assert proc.returncode == 0
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        assert "Traceback" not in stderr
