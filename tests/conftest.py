"""Fixtures: a real offline LL2 and a real gateway over it, both on loopback sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from gateway.offline import RunningUpstream, start_offline_upstream
from tests.harness import Gateway


@pytest.fixture
async def upstream() -> AsyncIterator[RunningUpstream]:
    running = await start_offline_upstream()
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def gateway(upstream: RunningUpstream) -> AsyncIterator[Gateway]:
    gw = await Gateway(upstream).start()
    try:
        yield gw
    finally:
        await gw.close()


@pytest.fixture
def ll2(upstream: RunningUpstream) -> Any:
    """GET the offline LL2 directly (left out of the call log): the reference to check against."""

    async def get(path: str, **params: Any) -> Any:
        logged = len(upstream.state.log)
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                upstream.url + path, params={k: str(v) for k, v in params.items()}
            ) as response,
        ):
            body = await response.json()
        del upstream.state.log[logged:]
        return body

    return get
