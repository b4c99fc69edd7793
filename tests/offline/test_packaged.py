"""The packaged snapshot, served: every endpoint and mode answers with its schema's shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from gateway.offline import ApiSpec, Snapshot, create_app, load_snapshot

from .helpers import assert_shape, get_json


@pytest.fixture(scope="module")
def packaged() -> Snapshot:
    try:
        return load_snapshot()
    except FileNotFoundError:
        pytest.skip("no packaged snapshot yet")


@pytest.fixture
async def real_client(packaged: Snapshot) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_app(packaged))) as client:
        yield client


async def test_every_endpoint_and_mode(
    real_client: TestClient[Any, Any], packaged: Snapshot, spec: ApiSpec
) -> None:
    for endpoint in spec.endpoints.values():
        if endpoint.kind != "list":
            continue
        for mode in endpoint.modes or {"": endpoint.schema}:
            body = await get_json(real_client, f"/2.3.0/{endpoint.path}?limit=100&mode={mode}")
            schema = endpoint.schema_for(mode or None)
            for item in body["results"]:
                assert_shape(item, schema, spec)
        detail = spec.endpoints.get(endpoint.path + "{id}/")
        if detail is not None and endpoint.resource is not None:
            for record in packaged.records(endpoint.resource)[:5]:
                body = await get_json(real_client, f"/2.3.0/{endpoint.path}{record['id']}/")
                assert detail.schema is not None
                assert_shape(body, detail.schema, spec)


async def test_seed_page_is_reproduced(real_client: TestClient[Any, Any]) -> None:
    """Spacecraft 602 (seed 002) renders with the nested shapes LL2 gave it."""
    flight = await get_json(real_client, "/2.3.0/spacecraft_flights/864/")
    spacecraft = flight["spacecraft"]
    assert (spacecraft["id"], spacecraft["name"], spacecraft["response_mode"]) == (
        602,
        "Tianzhou-8",
        "normal",
    )
    assert spacecraft["spacecraft_config"]["response_mode"] == "detailed"
    assert spacecraft["spacecraft_config"]["agency"]["abbrev"] == "CASC"
