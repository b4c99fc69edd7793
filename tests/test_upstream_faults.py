"""Tests that attack the gateway: every upstream fault, through a real gateway.

Each test injects a fault into the offline LL2 (:mod:`gateway.offline.faults`), checks
the codes and the partial data a client gets, then removes the fault and checks that the
same query recovers. LL2 calls are counted in the emulator's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from bench.operations import OPERATIONS
from gateway.offline import RunningUpstream, create_app
from tests.harness import Gateway, Response

QUERY = '{ agency(id: "121") { name } spacecraft(id: "602") { name serialNumber } }'
HEALTHY = {"agency": {"name": "SpaceX"}, "spacecraft": {"name": "Tianzhou-8", "serialNumber": "8"}}
#: 603 has no flights: a detail answer with flights embeds the spacecraft again, in full,
#: and the gateway merges that copy (which no fault touches) into the same object.
DETAIL = """{ spacecraft(id: "603") {
    id name serialNumber inSpace timeInSpace timeInSpaceSeconds timeDocked flightsCount
    description status { name } image { imageUrl } spacecraftConfig { name } } }"""
#: GraphQL field of DETAIL -> the LL2 key it shows.
DETAIL_KEYS = {
    "name": "name",
    "serialNumber": "serial_number",
    "inSpace": "in_space",
    "timeInSpace": "time_in_space",
    "timeDocked": "time_docked",
    "flightsCount": "flights_count",
    "description": "description",
    "status": "status",
    "image": "image",
    "spacecraftConfig": "spacecraft_config",
}
#: Keys LL2's specification says are never null.
NON_NULLABLE = ("name", "in_space", "description", "status", "spacecraft_config")
KEY = "canary-secret-123"

StartGateway = Callable[..., Awaitable[Gateway]]


@pytest.fixture
async def start(upstream: RunningUpstream) -> AsyncIterator[StartGateway]:
    """Start gateways (short retry backoff unless told) over ``upstream``; all closed after."""
    started: list[Gateway] = []

    async def start_gateway(over: RunningUpstream | None = None, **settings: Any) -> Gateway:
        settings.setdefault("upstream_backoff", 0.01)
        gw = await Gateway(over or upstream, **settings).start()
        started.append(gw)
        return gw

    try:
        yield start_gateway
    finally:
        for gw in started:
            await gw.close()


@contextlib.asynccontextmanager
async def upstream_with(middleware: Any) -> AsyncIterator[RunningUpstream]:
    """An offline LL2 with ``middleware`` outermost: it sees every request and answer."""
    app = create_app()
    app.middlewares.insert(0, middleware)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    running = RunningUpstream(
        url=f"http://127.0.0.1:{port}/2.3.0/",
        host="127.0.0.1",
        port=port,
        app=app,
        runner=runner,
    )
    try:
        yield running
    finally:
        await running.close()


def ll2_paths(upstream: RunningUpstream, prefix: str = "") -> list[str]:
    """Paths (below ``/2.3.0/``) of the LL2 calls served, in order."""
    return [c.path.removeprefix("/2.3.0/") for c in upstream.state.calls(prefix)]


async def recovers(
    gw: Gateway, upstream: RunningUpstream, query: str = QUERY, expected: Any = HEALTHY
) -> Response:
    """Remove every fault; the same query then answers in full."""
    upstream.state.faults.clear()
    r = await gw.query(query)
    assert r.status == 200
    assert r.errors == []
    if expected is not None:
        assert r.data == expected
    return r


# -- latency -----------------------------------------------------------------------------


async def test_latency_past_the_upstream_timeout_fails_that_field_only(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start(upstream_timeout=0.3)
    upstream.state.faults.add("latency", delay=0.8, path="spacecraft/")
    started = time.monotonic()
    r = await gw.query(QUERY)
    assert time.monotonic() - started < 0.75, "the gateway waited for the slow upstream"
    assert r.status == 200
    assert r.data == {"agency": {"name": "SpaceX"}, "spacecraft": None}
    assert r.codes == ["UPSTREAM_TIMEOUT"]
    assert r.errors[0]["path"] == ["spacecraft"]
    # a timeout is not retried
    assert r.body["extensions"]["upstream"]["calls"].count("spacecraft/602/?") == 1
    await recovers(gw, upstream)


async def test_latency_past_the_request_timeout_still_answers(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start(request_timeout=0.4)
    upstream.state.faults.add("latency", delay=3.0, path="spacecraft/")
    started = time.monotonic()
    r = await gw.query(QUERY)
    # 0.4 s deadline, 3 s of LL2 latency: well under 3 s, even on a loaded machine
    assert time.monotonic() - started < 2.5, "the request waited for LL2, past its deadline"
    assert "UPSTREAM_TIMEOUT" in r.codes
    if r.status == 200:  # partial: the fast sibling stands
        assert r.data["agency"] == {"name": "SpaceX"}
        assert r.data["spacecraft"] is None
    else:
        assert r.status == 504
        assert r.body["data"] is None
        assert r.codes == ["UPSTREAM_TIMEOUT"]
        assert r.errors[0]["message"]
    await recovers(gw, upstream)


# -- status codes ------------------------------------------------------------------------


async def test_every_second_call_503_is_retried_into_a_full_answer(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start()
    upstream.state.faults.add("status", status=503, every=2)
    ids = ["121", "44", "63", "88"]
    for id in ids:
        r = await gw.query(f'{{ agency(id: "{id}") {{ id name }} }}')
        assert r.status == 200
        assert r.errors == []
        assert r.data["agency"]["id"] == id and r.data["agency"]["name"]
    # calls 2, 4, 6 answered 503; each was retried at once, so it appears twice
    assert ll2_paths(upstream) == [
        "agencies/121/",
        "agencies/44/",
        "agencies/44/",
        "agencies/63/",
        "agencies/63/",
        "agencies/88/",
        "agencies/88/",
    ]
    assert [c.status for c in upstream.state.log] == [200, 503, 200, 503, 200, 503, 200]
    assert r.body["extensions"]["upstream"]["requests"] == 2
    await recovers(gw, upstream, '{ agency(id: "27") { id } }', {"agency": {"id": "27"}})


async def test_500_is_not_retried(upstream: RunningUpstream, start: StartGateway) -> None:
    gw = await start()
    upstream.state.faults.add("status", status=500, path="spacecraft/")
    r = await gw.query(QUERY)
    assert r.status == 200
    assert r.data == {"agency": {"name": "SpaceX"}, "spacecraft": None}
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
    assert r.errors[0]["extensions"]["status"] == 500
    assert ll2_paths(upstream, "spacecraft/") == ["spacecraft/602/"]
    await recovers(gw, upstream)


@pytest.mark.parametrize(("status", "retries"), [(502, 0), (502, 2), (502, 3), (503, 2), (504, 1)])
async def test_persistent_5xx_gets_exactly_the_configured_retries(
    upstream: RunningUpstream, start: StartGateway, status: int, retries: int
) -> None:
    gw = await start(upstream_retries=retries, breaker_threshold=100)
    upstream.state.faults.add("status", status=status, path="spacecraft/")
    r = await gw.query(QUERY)
    assert r.status == 200
    assert r.data == {"agency": {"name": "SpaceX"}, "spacecraft": None}
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
    assert r.errors[0]["extensions"]["status"] == status
    assert ll2_paths(upstream, "spacecraft/") == ["spacecraft/602/"] * (1 + retries)
    await recovers(gw, upstream)


async def test_429_waits_for_retry_after_without_calling_ll2(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start()
    # LL2's own quota, set after the gateway read /api-throttle/ (it would ration itself
    # otherwise); a one-second window so its Retry-After can be waited out here.
    upstream.state.request_limit = 1
    upstream.state.throttle.window = 1
    first = await gw.query('{ agency(id: "121") { name } }')
    assert first.errors == []
    r = await gw.query(QUERY)
    assert r.status == 200
    assert r.data == {"agency": {"name": "SpaceX"}, "spacecraft": None}
    assert r.codes == ["UPSTREAM_RATE_LIMITED"]
    retry_after = r.errors[0]["extensions"]["retry_after"]
    assert retry_after == 1
    assert r.errors[0]["extensions"]["source"] == "ll2"
    assert "LL2 answered 429" in r.errors[0]["message"]
    assert [c.status for c in upstream.state.log] == [200, 429]

    # until then the gateway refuses by itself, naming LL2's limit: no LL2 call
    refused = await gw.query('{ agency(id: "44") { name } }')
    assert refused.codes == ["UPSTREAM_RATE_LIMITED"]
    assert refused.errors[0]["extensions"]["source"] == "ll2"
    assert "LL2 answered 429" in refused.errors[0]["message"]
    assert 0 <= refused.errors[0]["extensions"]["retry_after"] <= retry_after
    status = await gw.query("{ upstreamStatus { budget { available secondsUntilAvailable } } }")
    assert status.data["upstreamStatus"]["budget"]["available"] == 0
    assert len(upstream.state.log) == 2

    await asyncio.sleep(retry_after + 0.1)
    await recovers(gw, upstream)
    assert [c.status for c in upstream.state.log] == [200, 429, 200]


async def test_the_gateways_own_budget_is_told_apart_from_ll2s_limit(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start(upstream_rate=1)
    assert (await gw.query('{ agency(id: "121") { name } }')).errors == []
    r = await gw.query('{ agency(id: "44") { name } }')
    assert r.codes == ["UPSTREAM_RATE_LIMITED"]
    [error] = r.errors
    assert error["extensions"]["source"] == "gateway"
    assert error["extensions"]["retry_after"] > 0
    assert "budget" in error["message"] and "429" not in error["message"]
    assert len(upstream.state.log) == 1


# -- bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["non_json", "cut"])
async def test_a_body_that_is_not_json_is_a_bad_response(
    upstream: RunningUpstream, start: StartGateway, kind: str
) -> None:
    gw = await start()
    upstream.state.faults.add(kind, path="spacecraft/")
    r = await gw.query(QUERY)
    assert r.status == 200
    assert r.data == {"agency": {"name": "SpaceX"}, "spacecraft": None}
    assert r.codes == ["UPSTREAM_BAD_RESPONSE"]
    assert ll2_paths(upstream, "spacecraft/") == ["spacecraft/602/"]  # not retried
    await recovers(gw, upstream)


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'"ok"',
        b'{"count": 3}',
    ],
)
async def test_json_of_the_wrong_shape_is_a_bad_response(start: StartGateway, body: bytes) -> None:
    @web.middleware
    async def reshape(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if "/spacecraft/" in request.path and isinstance(response, web.Response):
            response.body = body
        return response

    async with upstream_with(reshape) as odd:
        gw = await start(odd)
        page = await gw.query("{ spacecrafts(first: 2) { nodes { name } } }")
        assert page.status == 200
        assert page.codes == ["UPSTREAM_BAD_RESPONSE"]
        assert page.errors[0]["message"] == (
            "LL2 sent a page of spacecraft without `count` and `results`"
        )
        r = await gw.query('{ agency(id: "121") { name } spacecraft(id: "602") { id name } }')
        assert r.status == 200
        assert r.codes == ["UPSTREAM_BAD_RESPONSE"]
        assert r.data == {"agency": {"name": "SpaceX"}, "spacecraft": None}


@pytest.mark.parametrize("kind", ["drop", "truncate"])
async def test_a_broken_transfer_is_retried(
    upstream: RunningUpstream, start: StartGateway, kind: str
) -> None:
    gw = await start(upstream_retries=2)
    upstream.state.faults.add(kind, path="spacecraft/")
    r = await gw.query(QUERY)
    assert r.data == {"agency": {"name": "SpaceX"}, "spacecraft": None}
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
    assert ll2_paths(upstream, "spacecraft/") == ["spacecraft/602/"] * 3
    assert {c.fault for c in upstream.state.calls("spacecraft/")} == {kind}

    upstream.state.reset()
    upstream.state.faults.add(kind, path="spacecraft/", times=1)
    r = await gw.query(QUERY)
    assert r.errors == []
    assert r.data == HEALTHY
    assert [c.fault for c in upstream.state.calls("spacecraft/")] == [kind, None]
    await recovers(gw, upstream)


# -- nulls and missing keys --------------------------------------------------------------


@pytest.mark.parametrize(
    "fields", [(), NON_NULLABLE], ids=["nullable-fields", "non-nullable-fields"]
)
async def test_unexpected_nulls_come_through_as_nulls(
    upstream: RunningUpstream, start: StartGateway, ll2: Any, fields: tuple[str, ...]
) -> None:
    gw = await start()
    upstream.state.faults.add("nulls", path="spacecraft/", fields=fields)
    r = await gw.query(DETAIL)
    assert r.status == 200
    assert r.errors == []
    reference = await ll2("spacecraft/603/")  # the same fault shapes it
    got = r.data["spacecraft"]
    nulled = [key for key in DETAIL_KEYS.values() if reference[key] is None]
    assert set(fields) <= set(nulled) and nulled, "the fault nulled nothing"
    for name, key in DETAIL_KEYS.items():
        assert (got[name] is None) == (reference[key] is None), name
    assert got["id"] == "603"
    assert (got["timeInSpaceSeconds"] is None) == (reference["time_in_space"] is None)

    page = await gw.query("{ spacecrafts(first: 5) { totalCount nodes { id name serialNumber } } }")
    assert page.errors == []
    params = gw.upstream_calls()[-1].query
    reference_page = await ll2("spacecraft/", **params)
    assert page.data["spacecrafts"]["totalCount"] == reference_page["count"]
    assert [(n["id"], n["name"], n["serialNumber"]) for n in page.data["spacecrafts"]["nodes"]] == [
        (str(item["id"]), item["name"], item.get("serial_number"))
        for item in reference_page["results"]
    ]
    await recovers(gw, upstream, DETAIL, expected=None)


@pytest.mark.parametrize(
    "fields", [(), NON_NULLABLE], ids=["nullable-fields", "non-nullable-fields"]
)
async def test_missing_keys_read_as_nulls_without_a_call_loop(
    upstream: RunningUpstream, start: StartGateway, fields: tuple[str, ...]
) -> None:
    nulls = await start()
    missing = await start()
    upstream.state.faults.add("nulls", path="spacecraft/", fields=fields)
    with_nulls = await nulls.query(DETAIL)
    upstream.state.reset()
    upstream.state.faults.add("missing", path="spacecraft/", fields=fields)
    r = await missing.query(DETAIL)
    assert r.status == 200
    assert r.errors == []
    assert r.data == with_nulls.data
    calls = [(c.path, tuple(sorted(c.query.items()))) for c in upstream.state.log]
    assert len(calls) == len(set(calls)), "a missing key made the gateway ask again"

    # every resource now: whatever lacks a key is asked for at most once more, richer
    upstream.state.faults.replace([])
    upstream.state.faults.add("missing", fields=fields)
    for name, operation in OPERATIONS.items():
        answer = await missing.query(operation)
        assert answer.status == 200, name
        assert answer.errors == [], name
    calls = [(c.path, tuple(sorted(c.query.items()))) for c in upstream.state.log]
    assert len(calls) == len(set(calls))
    await recovers(missing, upstream, DETAIL, expected=None)


async def test_a_null_id_from_ll2_is_not_an_internal_error(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start()
    upstream.state.faults.add("nulls", path="astronauts/", fields=("id",))
    r = await gw.query('{ agency(id: "121") { name } astronauts(first: 3) { nodes { id name } } }')
    assert r.status == 200
    assert "INTERNAL_SERVER_ERROR" not in r.codes
    assert r.data is not None
    assert r.data["agency"] == {"name": "SpaceX"}
    assert all(node["name"] for node in r.data["astronauts"]["nodes"])


async def test_a_missing_id_never_widens_a_nested_filter(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start()
    upstream.state.faults.add("missing", path="agencies/", fields=("id",))
    r = await gw.query(
        '{ agency(id: "121") { name spacecraftConfigs(first: 5) { nodes { agency { name } } } } }'
    )
    assert "INTERNAL_SERVER_ERROR" not in r.codes
    assert all(v for c in upstream.state.log for v in c.query.values()), "an empty filter"
    configs = (r.data["agency"] or {}).get("spacecraftConfigs") or {"nodes": []}
    assert {n["agency"]["name"] for n in configs["nodes"]} <= {"SpaceX"}


# -- partial answers ---------------------------------------------------------------------


async def test_a_failed_root_page_keeps_its_siblings(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start()
    upstream.state.faults.add("status", status=500, path="spacecraft/")
    r = await gw.query('{ agency(id: "121") { name } spacecrafts(first: 3) { nodes { name } } }')
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
    assert r.data is not None
    assert r.data["agency"] == {"name": "SpaceX"}
    assert r.data["spacecrafts"] is None


async def test_a_failed_nested_page_keeps_its_parent(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start()
    upstream.state.faults.add("status", status=500, path="docking_events/")
    r = await gw.query(
        '{ spaceStation(id: "18") { name dockingEvents(first: 2) { nodes { docking } } } }'
    )
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
    assert r.data["spaceStation"] is not None
    assert r.data["spaceStation"]["name"] == "Tiangong space station"
    assert r.data["spaceStation"]["dockingEvents"] is None


# -- circuit breaker ---------------------------------------------------------------------


async def test_breaker_opens_serves_stale_and_closes_after_cooldown(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start(breaker_threshold=3, breaker_cooldown=0.5, upstream_retries=2)
    breaker = gw.state.upstream.breaker
    warm = await gw.query('{ agency(id: "121") { name } }')
    assert warm.errors == []
    cache = gw.state.upstream.cache
    cache._clock = lambda: time.time() + 7 * 3600  # every cached answer is past its TTL

    upstream.state.faults.add("status", status=503)
    r = await gw.query('{ spacecraft(id: "602") { name } }')
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
    assert ll2_paths(upstream) == ["agencies/121/"] + ["spacecraft/602/"] * 3
    assert breaker.state == "open"

    # open (its clock held, so a slow machine cannot end the cooldown meanwhile): no LL2
    # call at all, the expired answer stands in, the rest fails at once
    held = time.monotonic()
    breaker._clock = lambda: held
    upstream.state.reset()
    r = await gw.query(QUERY)
    assert upstream.state.log == []
    assert r.body["extensions"]["upstream"]["requests"] == 0
    assert r.data == {"agency": {"name": "SpaceX"}, "spacecraft": None}
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
    assert r.errors[0]["extensions"]["retry_after"] >= 0
    assert r.body["extensions"]["upstream"]["stale"] == ["agencies/121/?"]
    # still open with a healthy LL2 until the cooldown is over
    upstream.state.faults.clear()
    r = await gw.query('{ spacecraft(id: "602") { name } }')
    assert r.codes == ["UPSTREAM_UNAVAILABLE"]
    assert upstream.state.log == []

    breaker._clock = time.monotonic
    await asyncio.sleep(0.6)
    probe = await gw.query('{ spacecraft(id: "602") { name } }')  # the one half-open probe
    assert probe.errors == []
    assert breaker.state == "closed"
    r = await recovers(gw, upstream)
    assert "stale" not in r.body["extensions"]["upstream"]
    assert ll2_paths(upstream) == ["spacecraft/602/", "agencies/121/"]


async def test_breaker_recovers_after_a_probe_that_got_a_bad_body(
    upstream: RunningUpstream, start: StartGateway
) -> None:
    gw = await start(breaker_threshold=3, breaker_cooldown=0.5, upstream_retries=2)
    query = '{ spacecraft(id: "602") { name } }'
    upstream.state.faults.add("status", status=503)
    assert (await gw.query(query)).codes == ["UPSTREAM_UNAVAILABLE"]
    assert gw.state.upstream.breaker.state == "open"
    upstream.state.faults.replace([])
    upstream.state.faults.add("non_json", times=1)
    await asyncio.sleep(0.6)
    probe = await gw.query(query)
    assert probe.codes == ["UPSTREAM_BAD_RESPONSE"]
    # LL2 is healthy now; give it one more cooldown in case the bad body counted as a failure
    upstream.state.faults.clear()
    await asyncio.sleep(0.6)
    await recovers(gw, upstream, query, {"spacecraft": {"name": "Tianzhou-8"}})


# -- the API key and the upstream host ---------------------------------------------------


async def _raw(gw: Gateway, method: str, path: str, **kwargs: Any) -> str:
    assert gw.http is not None
    async with gw.http.request(method, gw.url + path, **kwargs) as response:
        return await response.text()


async def test_the_api_key_never_leaks_through_any_fault(
    start: StartGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    received: list[tuple[str, str | None]] = []

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        received.append((request.path_qs, request.headers.get("Authorization")))
        return await handler(request)

    faults: list[tuple[str, dict[str, Any]]] = [
        ("latency", {"delay": 0.5}),
        ("status", {"status": 500}),
        ("status", {"status": 502}),
        ("status", {"status": 503}),
        ("non_json", {}),
        ("drop", {}),
        ("truncate", {}),
        ("cut", {}),
        ("nulls", {}),
        ("missing", {}),
        ("status", {"status": 429}),  # last: the gateway then holds back for Retry-After
    ]
    bodies: list[str] = []
    async with upstream_with(record) as recorded:
        gw = await start(recorded, api_key=KEY, upstream_timeout=0.3, breaker_threshold=1000)
        assert KEY not in repr(gw.settings)
        agencies = [str(a["id"]) for a in recorded.state.snapshot.records("agencies")]
        status = "{ upstreamStatus { url calls budget { available } recentErrors { path code message } } }"
        for (kind, options), id in zip(faults, agencies, strict=False):
            recorded.state.faults.clear()
            recorded.state.faults.add(kind, **options)
            query = (
                f'{{ agency(id: "{id}") {{ name description }} spacecraft(id: "602") {{ name }} }}'
            )
            bodies.append(await _raw(gw, "POST", "/graphql", json={"query": query}))
            bodies.append(await _raw(gw, "GET", "/graphql", params={"query": status}))
            bodies.append(
                await _raw(
                    gw, "POST", "/graphql", json={"query": query}, headers={"X-Explain": "1"}
                )
            )
        recorded.state.faults.clear()
        bodies.append(await _raw(gw, "GET", "/healthz"))
        bodies.append(await _raw(gw, "POST", "/graphql", data=b"{not json"))

    answers = [json.loads(b) for b in bodies]
    errors = [e for a in answers for e in a.get("errors") or ()]
    codes = {e["extensions"]["code"] for e in errors}
    assert {"UPSTREAM_TIMEOUT", "UPSTREAM_UNAVAILABLE", "UPSTREAM_BAD_RESPONSE"} <= codes
    assert "UPSTREAM_RATE_LIMITED" in codes
    assert any(a.get("data", {}) and a["data"].get("upstreamStatus") for a in answers)
    for body in bodies:
        assert KEY not in body
    assert caplog.records, "nothing was logged"
    assert any(r.name.startswith("gateway") for r in caplog.records)
    assert KEY not in caplog.text
    for record_ in caplog.records:
        assert KEY not in record_.getMessage()
        assert KEY not in repr(record_.args)
    # the key did reach LL2, as a header, on every call, and nowhere else
    assert any(path.startswith("/2.3.0/api-throttle/") for path, _ in received)
    assert len(received) > len(faults)
    assert {auth for _, auth in received} == {f"Token {KEY}"}
    assert not any(KEY in path for path, _ in received)


async def test_links_to_another_host_are_never_followed(start: StartGateway) -> None:
    other_calls: list[str] = []

    async def elsewhere(request: web.Request) -> web.Response:
        other_calls.append(request.path_qs)
        return web.json_response({"count": 0, "next": None, "previous": None, "results": []})

    other_app = web.Application()
    other_app.router.add_route("*", "/{tail:.*}", elsewhere)
    other = web.AppRunner(other_app, access_log=None)
    await other.setup()
    await web.TCPSite(other, "127.0.0.1", 0).start()
    other_origin = f"http://127.0.0.1:{other.addresses[0][1]}"

    @web.middleware
    async def point_elsewhere(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every ``url``, ``next`` and ``previous`` names the other host."""
        response = await handler(request)
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            own = f"{request.scheme}://{request.host}".encode()
            response.body = response.body.replace(own, other_origin.encode())
        return response

    try:
        async with upstream_with(point_elsewhere) as ll2:
            async with (
                aiohttp.ClientSession() as http,
                http.get(ll2.url + "spacecraft/", params={"limit": "2", "offset": "2"}) as resp,
            ):
                page = await resp.json()
            assert page["next"].startswith(other_origin)
            assert page["previous"].startswith(other_origin)
            assert page["results"][0]["url"].startswith(other_origin)

            gw = await start(ll2)
            for name, operation in OPERATIONS.items():
                r = await gw.query(operation)
                assert r.errors == [], name
            r = await gw.query(
                "{ spacecrafts(first: 3) { pageInfo { hasNextPage endCursor } nodes { name } } }"
            )
            after = r.data["spacecrafts"]["pageInfo"]["endCursor"]
            r = await gw.query(
                f'{{ spacecrafts(first: 3, after: "{after}") {{ pageInfo {{ hasPreviousPage }} nodes {{ name }} }} }}'
            )
            assert r.errors == []
            assert len(r.data["spacecrafts"]["nodes"]) == 3
            assert len(ll2.state.log) > len(OPERATIONS)
    finally:
        await other.cleanup()
    assert other_calls == []
