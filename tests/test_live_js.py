"""Real clients: Apollo Client renders both parts of a deferred query; graphql-ws subscribes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gateway.offline import RunningUpstream
from tests.harness import Gateway
from tests.live_js_fixture import live_js, run_node
from tests.test_live import patch

__all__ = ["live_js"]


@pytest.fixture
async def gw(upstream: RunningUpstream) -> AsyncIterator[Gateway]:
    gateway = await Gateway(upstream, live_interval=0.3, upstream_rate=36000).start()
    try:
        yield gateway
    finally:
        await gateway.close()


async def _lines(process: asyncio.subprocess.Process, count: int) -> list[dict[str, Any]]:
    assert process.stdout is not None and process.stderr is not None
    lines = []
    for _ in range(count):
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if not line:
            break
        lines.append(json.loads(line))
    return lines


async def _finish(process: asyncio.subprocess.Process) -> str:
    assert process.stderr is not None
    await asyncio.wait_for(process.wait(), 30)
    return (await process.stderr.read()).decode()


@pytest.mark.parametrize("format", ["v0.2", "2022"])
async def test_apollo_client_renders_both_parts_of_a_deferred_query(
    live_js: Path, gw: Gateway, upstream: RunningUpstream, format: str
) -> None:
    upstream.state.faults.add("latency", path="agencies/", delay=0.5)
    process, _ = await run_node(live_js, "defer.mjs", f"{gw.url}/graphql", format)
    results = await _lines(process, 2)
    stderr = await _finish(process)
    assert process.returncode == 0, stderr
    assert [r["dataState"] for r in results] == ["streaming", "complete"], results
    first, second = (r["data"]["astronauts"]["nodes"] for r in results)
    assert [n["name"] for n in first] == [n["name"] for n in second]
    assert all("agency" not in n for n in first), "the first result is rendered without it"
    assert all(n["agency"]["description"] for n in second)
    assert all(r["error"] is None for r in results)


async def test_graphql_ws_client_sees_the_flight_then_its_change(
    live_js: Path, gw: Gateway, upstream: RunningUpstream
) -> None:
    url = gw.url.replace("http://", "ws://") + "/graphql"
    process, _ = await run_node(live_js, "subscribe.mjs", url, "2")
    first = await _lines(process, 1)
    assert first == [
        {"data": {"spacecraftFlight": {"id": "671", "destination": "International Space Station"}}}
    ]
    await patch(upstream, "spacecraft_flights", "671", {"destination": "Lunar Gateway"})
    second = await _lines(process, 1)
    stderr = await _finish(process)
    assert process.returncode == 0, stderr
    assert second == [{"data": {"spacecraftFlight": {"id": "671", "destination": "Lunar Gateway"}}}]
