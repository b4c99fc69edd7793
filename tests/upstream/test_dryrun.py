"""Explain mode's dry run and the tally a session owns, with no socket: LL2 is an
``httpx.MockTransport`` that counts what it is asked."""

from __future__ import annotations

import httpx
import orjson
import pytest

from gateway.cache import MemoryCache
from gateway.cache.policy import ttl_for
from gateway.upstream.client import LL2Client
from gateway.upstream.dryrun import DryRun
from gateway.upstream.fetcher import Upstream
from gateway.upstream.quota import TokenBucket
from gateway.upstream.session import UpstreamSession

PAGE = {"count": 2, "next": None, "previous": None, "results": [{"id": 1}, {"id": 2}]}


@pytest.fixture
def asked() -> list[str]:
    return []


@pytest.fixture
def upstream(asked: list[str]) -> Upstream:
    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path.endswith("/agencies/"):
            return httpx.Response(200, content=orjson.dumps(PAGE))
        return httpx.Response(200, content=orjson.dumps({"id": 44, "name": "NASA"}))

    client = LL2Client("http://ll2.test/2.3.0/", transport=httpx.MockTransport(handler))
    return Upstream(client, cache=MemoryCache(1 << 20), quota=TokenBucket(1000.0), ttl_for=ttl_for)


async def test_a_dry_run_records_calls_and_makes_none(upstream: Upstream, asked: list[str]) -> None:
    session = UpstreamSession(DryRun(upstream))
    page = await session.page("agencies", {"limit": "5", "offset": "0"})
    assert (page.count, page.results) == (0, [])
    assert await session.detail("agencies", "44") is None
    assert asked == []
    assert session.tally.planned == [
        {"path": "agencies/", "params": {"limit": "5", "offset": "0"}},
        {"path": "agencies/44/", "params": {}},
    ]
    assert upstream.table_sizes == {}, "a made-up page says nothing of the table"
    report = session.tally.as_extension(explain=True)
    assert report["requests"] == 0 and len(report["planned"]) == 2


async def test_a_dry_run_answers_from_the_fresh_cache(upstream: Upstream, asked: list[str]) -> None:
    real = UpstreamSession(upstream)
    assert (await real.detail("agencies", "44")) == {"id": 44, "name": "NASA"}
    assert asked == ["/2.3.0/agencies/44/"]
    dry = UpstreamSession(DryRun(upstream))
    assert (await dry.detail("agencies", "44")) == {"id": 44, "name": "NASA"}
    assert dry.tally.planned == [] and dry.tally.cache_hits == 1
    assert asked == ["/2.3.0/agencies/44/"]


async def test_the_session_tallies_calls_hits_and_repeats(
    upstream: Upstream, asked: list[str]
) -> None:
    session = UpstreamSession(upstream)
    params = {"limit": "2", "offset": "0"}
    await session.page("agencies", params)
    await session.page("agencies", params)  # the same GET within the request
    session.plan(1)
    other = UpstreamSession(upstream)
    await other.page("agencies", params)  # another request: the cache answers
    assert len(asked) == 1
    mine = session.tally.as_extension()
    assert (mine["requests"], mine["deduplicated"], mine["plannedCalls"]) == (1, 1, 1)
    assert mine["calls"] == ["agencies/?limit=2&offset=0"] and mine["bytesReceived"] > 0
    assert other.tally.as_extension()["cacheHits"] == 1
    assert upstream.table_sizes == {"agencies": 2}
