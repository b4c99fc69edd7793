"""Fixtures for the offline LL2 upstream: the sample snapshot and app clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from gateway.offline import ApiSpec, Snapshot, create_app, load_spec

from .helpers import ClientFactory
from .sample import build_snapshot


@pytest.fixture(scope="session")
def snapshot() -> Snapshot:
    return build_snapshot()


@pytest.fixture(scope="session")
def spec() -> ApiSpec:
    return load_spec()


@pytest.fixture
async def make_client(snapshot: Snapshot) -> AsyncIterator[ClientFactory]:
    """Start an app over the test snapshot with some options; closed after the test."""
    clients: list[TestClient[Any, Any]] = []

    async def factory(**options: Any) -> TestClient[Any, Any]:
        client: TestClient[Any, Any] = TestClient(TestServer(create_app(snapshot, **options)))
        await client.start_server()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient[Any, Any]:
    return await make_client()
