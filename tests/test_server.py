"""Server behaviour for production: introspection, GraphiQL, CORS, timeouts, shutdown."""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp

from gateway.offline import RunningUpstream
from tests.harness import Gateway, gateway_process

INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_and_graphiql_can_be_switched_off(upstream: RunningUpstream) -> None:
    on = await Gateway(upstream).start()
    off = await Gateway(upstream, introspection=False, graphiql=False).start()
    try:
        assert (await on.query(INTROSPECTION)).data == {
            "__schema": {"queryType": {"name": "Query"}}
        }
        refused = await off.query(INTROSPECTION)
        assert refused.data is None
        assert refused.codes and set(refused.codes) == {"GRAPHQL_VALIDATION_FAILED"}
        assert (await off.query('{ agency(id: "121") { name } }')).data["agency"]["name"]
        page = await off.request("GET", "/graphql", headers={"Accept": "text/html"})
        assert page.status == 404
        assert page.body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    finally:
        await on.close()
        await off.close()


async def test_cors_allows_only_configured_origins(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, cors_origins="https://app.example").start()
    try:
        pre = await gw.request(
            "OPTIONS",
            "/graphql",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
        )
        assert pre.status == 204
        assert gw.http is not None
        async with gw.http.post(
            f"{gw.url}/graphql",
            json={"query": "{ __typename }"},
            headers={"Origin": "https://app.example"},
        ) as r:
            assert r.headers["Access-Control-Allow-Origin"] == "https://app.example"
        async with gw.http.post(
            f"{gw.url}/graphql",
            json={"query": "{ __typename }"},
            headers={"Origin": "https://evil.example"},
        ) as r:
            assert "Access-Control-Allow-Origin" not in r.headers
    finally:
        await gw.close()


async def test_slow_upstream_cannot_hold_a_request_past_its_deadline(
    upstream: RunningUpstream,
) -> None:
    upstream.state.latency = 2.0
    gw = await Gateway(upstream, request_timeout=0.5).start()
    try:
        started = time.monotonic()
        r = await gw.query('{ agency(id: "121") { name } }')
        assert time.monotonic() - started < 1.5
        assert "UPSTREAM_TIMEOUT" in r.codes
        assert r.status in (200, 504)
    finally:
        await gw.close()


async def test_sigterm_lets_in_flight_requests_finish(upstream: RunningUpstream) -> None:
    upstream.state.latency = 1.0
    async with gateway_process(upstream.url) as (proc, url), aiohttp.ClientSession() as http:
        upstream.state.latency = 1.0
        task = asyncio.ensure_future(
            http.post(f"{url}/graphql", json={"query": '{ agency(id: "121") { name } }'})
        )
        await asyncio.sleep(0.4)
        proc.send_signal(signal.SIGTERM)
        response = await task
        assert response.status == 200
        body = await response.json()
        assert body["data"]["agency"]["name"], body
        while proc.poll() is None:
            await asyncio.sleep(0.05)
        assert proc.returncode == 0
