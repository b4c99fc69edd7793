"""What HTTP clients see: media types, batches, GET caching, gzip, CORS and WebSocket refusals."""

from __future__ import annotations

import gzip
from typing import Any

import aiohttp
import pytest

from gateway.offline import RunningUpstream
from gateway.server.compression import accepts_gzip
from gateway.server.media import negotiate
from tests.harness import Gateway

GRAPHQL_RESPONSE = "application/graphql-response+json"
AGENCY = '{ agency(id: "44") { name } }'
NASA = {"agency": {"name": "National Aeronautics and Space Administration"}}


async def raw(gw: Gateway, method: str, **kwargs: Any) -> tuple[aiohttp.ClientResponse, bytes]:
    assert gw.http is not None
    kwargs.setdefault("auto_decompress", False)
    async with gw.http.request(method, f"{gw.url}/graphql", **kwargs) as response:
        return response, await response.read()


# -- media types -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, */*", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0, application/json", "application/json"),
        ("text/plain", "application/json"),
    ],
)
def test_the_media_type_follows_accept(accept: str | None, media: str) -> None:
    assert negotiate(accept) == media


async def test_request_errors_are_4xx_without_data_under_graphql_response_json(
    gateway: Gateway,
) -> None:
    cases = [
        ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query Q($id: ID!) { agency(id: $id) { name } }", "variables": {"id": None}},
            "BAD_USER_INPUT",
        ),
        (
            {
                "query": "{ agencies(first: 100) { nodes { spacecraftConfigs(first: 100) { nodes {"
                " spacecraft(first: 100) { nodes { id } } } } } } }"
            },
            "QUERY_TOO_COMPLEX",
        ),
    ]
    for payload, code in cases:
        new, body = await raw(gateway, "POST", json=payload, headers={"Accept": GRAPHQL_RESPONSE})
        assert new.status == 400 and new.content_type == GRAPHQL_RESPONSE, code
        assert b'"data"' not in body and code.encode() in body
        old, body = await raw(gateway, "POST", json=payload, headers={"Accept": "application/json"})
        assert old.status == 200 and old.content_type == "application/json", code
    ok, body = await raw(
        gateway, "POST", json={"query": AGENCY}, headers={"Accept": GRAPHQL_RESPONSE}
    )
    assert ok.status == 200 and ok.content_type == GRAPHQL_RESPONSE and b'"data"' in body
    partial = '{ agency(id: "44") { name } spacecraft(id: "abc") { name } }'  # a field error
    some, body = await raw(
        gateway, "POST", json={"query": partial}, headers={"Accept": GRAPHQL_RESPONSE}
    )
    assert some.status == 200 and b"National Aeronautics" in body


# -- batches ---------------------------------------------------------------------


async def test_a_batch_answers_each_operation_as_if_it_came_alone(gateway: Gateway) -> None:
    batch = [
        {"query": AGENCY},
        {"query": 'query F { spacecraftFlight(id: "671") { destination } }', "operationName": "F"},
        {"query": "{ nope }"},
        {"query": "query A { __typename }", "operationName": "B"},
    ]
    r = await gateway.request("POST", "/graphql", json=batch)
    assert r.status == 200 and isinstance(r.body, list) and len(r.body) == 4
    assert r.body[0]["data"] == NASA
    assert r.body[1]["data"]["spacecraftFlight"]["destination"]
    assert r.body[2]["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert r.body[3]["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    # Each its own upstream tally: the calls of one are not reported by the other.
    first, second = (r.body[i]["extensions"]["upstream"]["calls"] for i in (0, 1))
    assert first and second and not set(first) & set(second)


async def test_a_batch_is_capped(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, max_batch=3).start()
    off = await Gateway(upstream, max_batch=0).start()
    try:
        four = await gw.request("POST", "/graphql", json=[{"query": "{ __typename }"}] * 4)
        assert four.status == 400 and "at most 3" in four.body["errors"][0]["message"]
        assert four.body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        three = await gw.request("POST", "/graphql", json=[{"query": "{ __typename }"}] * 3)
        assert three.status == 200 and len(three.body) == 3
        refused = await off.request("POST", "/graphql", json=[{"query": "{ __typename }"}])
        assert refused.status == 400
        for bad in ([], [1], [{"query": 5}], [{"variables": []}]):
            r = await gw.request("POST", "/graphql", json=bad)
            assert r.status == 400 and r.body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert gw.upstream_calls() == []
    finally:
        await gw.close()
        await off.close()


async def test_each_operation_is_limited_alone_and_the_batch_shares_the_cost_limit(
    upstream: RunningUpstream,
) -> None:
    gw = await Gateway(upstream, max_cost=100).start()
    page = "{ agencies(first: 40) { nodes { name } } }"  # cost 41
    too_big = "{ agencies(first: 100) { nodes { name } } }"  # cost 101: refused alone
    try:
        r = await gw.request(
            "POST",
            "/graphql",
            json=[{"query": page}, {"query": too_big}, {"query": page}, {"query": page}],
        )
        codes = [[e["extensions"] for e in item.get("errors", [])] for item in r.body]
        assert codes[0] == [] and codes[2] == []
        assert codes[1] == [
            {"code": "QUERY_TOO_COMPLEX", "limit": "cost", "measured": 101, "maximum": 100}
        ]
        assert codes[3] == [
            {"code": "QUERY_TOO_COMPLEX", "limit": "batchCost", "measured": 123, "maximum": 100}
        ]
        assert r.body[3]["data"] is None
        # Only the two operations that ran called LL2, once (the second was a cache hit
        # or joined the first).
        assert len(gw.upstream_calls()) == 1
    finally:
        await gw.close()


async def test_persisted_queries_work_inside_a_batch(gateway: Gateway) -> None:
    import hashlib

    digest = hashlib.sha256(AGENCY.encode()).hexdigest()
    ext = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    first = await gateway.request("POST", "/graphql", json=[{"extensions": ext}, {"query": AGENCY}])
    assert first.body[0]["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert first.body[1]["data"] == NASA
    await gateway.request("POST", "/graphql", json=[{"query": AGENCY, "extensions": ext}])
    again = await gateway.request("POST", "/graphql", json=[{"extensions": ext}])
    assert again.body[0]["data"] == NASA


# -- HTTP caching ----------------------------------------------------------------


async def test_get_answers_carry_max_age_etag_and_vary_and_revalidate_to_304(
    gateway: Gateway,
) -> None:
    flight = '{ spacecraftFlight(id: "671") { destination } }'  # flights: 5 minutes
    first, _ = await raw(gateway, "GET", params={"query": flight})
    assert first.status == 200
    control = first.headers["Cache-Control"]
    assert control.startswith("public, max-age=") and 0 < int(control.split("=")[1]) <= 300
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert {"Accept", "X-Explain"} <= {v.strip() for v in first.headers["Vary"].split(",")}
    # The same data computed again or from the response cache: the same ETag.
    second, _ = await raw(gateway, "GET", params={"query": flight})
    assert second.headers["ETag"] == etag
    calls = len(gateway.upstream_calls())
    revalidated, empty = await raw(
        gateway, "GET", params={"query": flight}, headers={"If-None-Match": etag}
    )
    assert revalidated.status == 304 and empty == b"" and revalidated.headers["ETag"] == etag
    assert revalidated.headers["Cache-Control"].startswith("public, max-age=")
    assert len(gateway.upstream_calls()) == calls
    other, _ = await raw(
        gateway, "GET", params={"query": flight}, headers={"If-None-Match": 'W/"something-else"'}
    )
    assert other.status == 200
    as_json, _ = await raw(
        gateway,
        "GET",
        params={"query": flight},
        headers={"Accept": GRAPHQL_RESPONSE, "If-None-Match": etag},
    )
    assert as_json.status == 200, "another media type is another representation"


async def test_what_must_not_be_reused_is_no_store(gateway: Gateway) -> None:
    for params, headers in [
        ({"query": '{ agency(id: "44") { name } spacecraft(id: "abc") { name } }'}, {}),
        ({"query": "{ upstreamStatus { calls } }"}, {}),
        ({"query": AGENCY}, {"X-Explain": "1"}),
        ({"query": "{"}, {}),
    ]:
        r, _ = await raw(gateway, "GET", params=params, headers=headers)
        assert r.headers["Cache-Control"] == "no-store" and "ETag" not in r.headers, params
    post, _ = await raw(gateway, "POST", json={"query": AGENCY})
    assert post.headers["Cache-Control"] == "no-store" and "ETag" not in post.headers
    nothing_read, _ = await raw(gateway, "GET", params={"query": "{ __typename }"})
    assert nothing_read.headers["Cache-Control"] == "no-cache" and nothing_read.headers["ETag"]


# -- compression -----------------------------------------------------------------


def test_accept_encoding_is_read_with_its_weights() -> None:
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("*")
    assert not accepts_gzip("gzip;q=0, deflate")
    assert not accepts_gzip("br")
    assert not accepts_gzip("*, gzip;q=0")


async def test_large_answers_are_gzipped_when_accepted(gateway: Gateway) -> None:
    big = "{ agencies(first: 50) { nodes { name abbrev description } } }"
    zipped, body = await raw(
        gateway, "POST", json={"query": big}, headers={"Accept-Encoding": "gzip"}
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    plain_bytes = gzip.decompress(body)
    assert b"National Aeronautics" in plain_bytes and len(body) < len(plain_bytes) / 2
    plain, identity = await raw(
        gateway, "POST", json={"query": big}, headers={"Accept-Encoding": "identity"}
    )
    assert "Content-Encoding" not in plain.headers and b"National Aeronautics" in identity
    small, _ = await raw(
        gateway, "POST", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"}
    )
    assert "Content-Encoding" not in small.headers


# -- CORS and WebSocket ----------------------------------------------------------


async def test_cors_lets_apollo_and_trace_headers_through_and_caches_the_preflight(
    upstream: RunningUpstream,
) -> None:
    gw = await Gateway(upstream, cors_origins="https://app.example").start()
    try:
        pre, _ = await raw(
            gw,
            "OPTIONS",
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,apollographql-client-name,"
                "apollographql-client-version,traceparent,tracestate",
            },
        )
        allowed = {
            h.strip().lower() for h in pre.headers["Access-Control-Allow-Headers"].split(",")
        }
        assert {
            "content-type",
            "apollographql-client-name",
            "apollographql-client-version",
            "traceparent",
            "tracestate",
            "x-explain",
        } <= allowed
        assert int(pre.headers["Access-Control-Max-Age"]) >= 3600
        got, _ = await raw(
            gw, "GET", params={"query": AGENCY}, headers={"Origin": "https://app.example"}
        )
        vary = {v.strip() for v in got.headers["Vary"].split(",")}
        assert {"Origin", "Accept"} <= vary
        assert got.headers["Access-Control-Expose-Headers"] == "ETag"
    finally:
        await gw.close()


async def test_websocket_speaks_graphql_transport_ws_only(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    """The schema has subscriptions: graphql-ws's protocol is served, the legacy
    subscriptions-transport-ws one (also named ``graphql-ws``) is closed cleanly."""
    assert gateway.http is not None
    async with gateway.http.ws_connect(
        f"{gateway.url}/graphql", protocols=["graphql-transport-ws"]
    ) as ws:
        assert ws.protocol == "graphql-transport-ws"
        await ws.send_json({"type": "connection_init"})
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
    async with gateway.http.ws_connect(f"{gateway.url}/graphql", protocols=["graphql-ws"]) as ws:
        closing = await ws.receive(timeout=5)
        assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4406
    assert "Traceback" not in caplog.text


async def test_batch_operations_share_the_response_cache(gateway: Gateway) -> None:
    single = await gateway.query(AGENCY)
    assert single.body["extensions"]["upstream"]["responseCache"] == "miss"
    flight = '{ spacecraftFlight(id: "671") { destination } }'
    batch = await gateway.request("POST", "/graphql", json=[{"query": AGENCY}, {"query": flight}])
    caches = [item["extensions"]["upstream"]["responseCache"] for item in batch.body]
    assert caches == ["hit", "miss"] and batch.body[0]["data"] == NASA
    calls = len(gateway.upstream_calls())
    again = await gateway.query(flight)
    assert again.body["extensions"]["upstream"]["responseCache"] == "hit"
    assert len(gateway.upstream_calls()) == calls
    explained = await gateway.request(
        "POST", "/graphql", json=[{"query": AGENCY}], headers={"X-Explain": "1"}
    )
    assert "responseCache" not in explained.body[0]["extensions"]["upstream"]
