"""The Redis the tests may use: skipped when absent, except on CI where it is required.

Import the fixtures into a test module (``from tests.redis_fixture import redis_url``)
rather than through ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

__all__ = ["redis_prefix", "redis_url"]

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def _unreachable(url: str) -> str | None:
    """Why Redis at ``url`` cannot be used, or ``None`` when it answers a PING."""
    try:
        import redis
    except ImportError:
        return "the redis package is not installed"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return f"Redis (REDIS_URL, else {DEFAULT_URL}) does not answer: {exc}"
    finally:
        client.close()
    return None


@pytest.fixture(scope="session")
def redis_url() -> str:
    """``REDIS_URL`` (default the local Redis); skips without one, fails under ``CI``."""
    url = os.environ.get("REDIS_URL") or DEFAULT_URL
    reason = _unreachable(url)
    if reason is not None:
        if "CI" in os.environ:
            pytest.fail(f"{reason} (CI is set: Redis tests must run)")
        pytest.skip(reason)
    return url


@pytest.fixture
async def redis_prefix(redis_url: str) -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    import redis.asyncio as aioredis

    prefix = f"ll2gw-test:{uuid.uuid4().hex}:"
    yield prefix
    client = aioredis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
