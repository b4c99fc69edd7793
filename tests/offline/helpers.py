"""Assertions shared by the offline upstream's tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

from gateway.offline import ApiSpec

#: ``await make_client(**create_app_options)`` -> a started test client.
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def get_json(client: TestClient[Any, Any], path: str, status: int = 200) -> Any:
    """GET ``path`` and return its JSON body, checking the status and content type."""
    response = await client.get(path, allow_redirects=False)
    assert response.status == status, (path, response.status, await response.text())
    assert response.content_type == "application/json"
    return await response.json()


def assert_shape(value: Any, schema: str, spec: ApiSpec, path: str = "$") -> None:
    """``value`` has exactly the fields of ``schema``, recursively through nested schemas."""
    fields = spec.schemas[schema].fields
    assert isinstance(value, dict), (path, schema, value)
    assert list(value) == [f.name for f in fields], (path, schema, list(value))
    for f in fields:
        item = value[f.name]
        if f.ref is None:
            continue
        if f.many:
            assert isinstance(item, list), (path, f.name, item)
            for i, element in enumerate(item):
                assert_shape(element, f.ref, spec, f"{path}.{f.name}[{i}]")
        elif item is not None:
            assert_shape(item, f.ref, spec, f"{path}.{f.name}")
