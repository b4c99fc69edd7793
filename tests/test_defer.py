"""@defer and @stream over HTTP: multipart/mixed parts, as a client reads them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.offline import RunningUpstream
from tests.harness import Gateway
from tests.live_client import parts

NEW = "multipart/mixed;incrementalSpec=v0.2,application/json"
LEGACY = "multipart/mixed;deferSpec=20220824,application/json"

LIST_WITH_DEFERRED_AGENCIES = """
{ astronauts(first: 3, ordering: [NAME_ASC]) {
    nodes { name ... @defer(label: "agency") { agency { name description } } } } }
"""


@pytest.fixture
async def gw(upstream: RunningUpstream) -> AsyncIterator[Gateway]:
    gateway = await Gateway(upstream, upstream_retries=0).start()
    try:
        yield gateway
    finally:
        await gateway.close()


async def _post(gw: Gateway, query: str, accept: str = NEW) -> Any:
    assert gw.http is not None
    return gw.http.post(f"{gw.url}/graphql", json={"query": query}, headers={"Accept": accept})


def _calls(upstream: RunningUpstream, prefix: str) -> list[str]:
    return [r.path for r in upstream.state.log if r.path.startswith(f"/2.3.0/{prefix}")]


def _merge(initial: dict[str, Any], later: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole answer, from the new format's parts (pending ids and subPaths)."""
    data = initial["data"]
    pending = {p["id"]: p["path"] for p in initial.get("pending", [])}
    for part in later:
        pending.update({p["id"]: p["path"] for p in part.get("pending", [])})
        for entry in part.get("incremental", []):
            target = data
            for key in pending[entry["id"]] + entry.get("subPath", []):
                target = target[key]
            if "items" in entry:
                target.extend(entry["items"])
            else:
                target.update(entry["data"])
    return data


async def test_a_deferred_fragment_arrives_later_and_the_first_part_waits_for_none_of_its_calls(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    upstream.state.faults.add("latency", path="agencies/", delay=1.5)
    async with await _post(gw, LIST_WITH_DEFERRED_AGENCIES) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("multipart/mixed")
        stream = parts(response)
        first = await anext(stream)
        # The first part is here while every agency call is still on its way.
        assert _calls(upstream, "agencies/") == []
        assert [r.query.get("mode") for r in upstream.state.log] == ["list"]
        assert first["hasNext"] is True
        assert "errors" not in first
        names = [n["name"] for n in first["data"]["astronauts"]["nodes"]]
        assert len(names) == 3 and all(names)
        assert all("agency" not in n for n in first["data"]["astronauts"]["nodes"])
        assert {p["label"] for p in first["pending"]} == {"agency"}
        assert first["extensions"]["upstream"]["requests"] == 1
        later = [part async for part in stream]
    assert later[-1]["hasNext"] is False
    data = _merge(first, later)
    agencies = [n["agency"] for n in data["astronauts"]["nodes"]]
    assert all(a["name"] and a["description"] for a in agencies)
    assert _calls(upstream, "agencies/"), "the deferred part made the agency calls"
    assert later[-1]["extensions"]["upstream"]["requests"] == len(upstream.state.log)


async def test_without_defer_the_same_selection_waits_for_one_richer_page(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    plain = LIST_WITH_DEFERRED_AGENCIES.replace(' @defer(label: "agency")', "")
    answer = await gw.query(plain)
    assert answer.status == 200 and not answer.errors
    # the page in its richest mode, and the agencies' details too, before any answer
    assert upstream.state.log[0].query.get("mode") == "detailed"
    assert _calls(upstream, "agencies/")


async def test_errors_of_a_deferred_part_stay_in_that_part(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    upstream.state.faults.add("status", path="agencies/", status=503)
    async with await _post(gw, LIST_WITH_DEFERRED_AGENCIES) as response:
        received = [part async for part in parts(response)]
    first, later = received[0], received[1:]
    assert "errors" not in first
    assert all(n["name"] for n in first["data"]["astronauts"]["nodes"])
    errors = [
        e
        for part in later
        for entry in part.get("incremental", [])
        for e in entry.get("errors", [])
    ]
    assert errors and {e["extensions"]["code"] for e in errors} == {"UPSTREAM_UNAVAILABLE"}
    assert all(
        e["path"][:2] == ["astronauts", "nodes"] and e["path"][-1] == "agency" for e in errors
    )
    assert later[-1]["hasNext"] is False


async def test_the_2022_format_for_clients_that_ask_for_it(gw: Gateway) -> None:
    async with await _post(gw, LIST_WITH_DEFERRED_AGENCIES, LEGACY) as response:
        received = [part async for part in parts(response)]
    first, later = received[0], received[1:]
    assert set(first) == {"data", "hasNext", "extensions"}
    entries = [entry for part in later for entry in part.get("incremental", [])]
    assert len(entries) == 3
    for entry in entries:
        assert set(entry) == {"data", "path", "label"}
        assert entry["path"][:2] == ["astronauts", "nodes"] and entry["label"] == "agency"
        assert entry["data"]["agency"]["description"]
    assert later[-1]["hasNext"] is False


@pytest.mark.parametrize("accept", [NEW, LEGACY])
async def test_stream_sends_the_first_items_then_the_rest(gw: Gateway, accept: str) -> None:
    query = '{ spacecraftFlight(id: "671") { launchCrew @stream(initialCount: 1) { astronaut { name } } } }'
    whole = await gw.query(query.replace(" @stream(initialCount: 1)", ""))
    crew = whole.data["spacecraftFlight"]["launchCrew"]
    assert len(crew) >= 2
    async with await _post(gw, query, accept) as response:
        received = [part async for part in parts(response)]
    first, later = received[0], received[1:]
    assert first["data"]["spacecraftFlight"]["launchCrew"] == crew[:1]
    if accept == NEW:
        assert _merge(first, later)["spacecraftFlight"]["launchCrew"] == crew
    else:
        items: list[Any] = list(crew[:1])
        for entry in (e for part in later for e in part.get("incremental", [])):
            assert entry["path"] == ["spacecraftFlight", "launchCrew", len(items)]
            items.extend(entry["items"])
        assert items == crew


async def test_limits_count_deferred_fields(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, max_cost=30, max_depth=4).start()
    try:
        shallow = "{ astronauts(first: 20) { nodes { name } } }"  # 1 + 20
        assert not (await gw.query(shallow)).errors
        upstream.state.reset()
        deferred = "{ astronauts(first: 20) { nodes { name ... @defer { agency { name } } } } }"
        refused = await gw.query(deferred)  # + 20 agency calls: 41
        assert refused.codes == ["QUERY_TOO_COMPLEX"]
        assert refused.errors[0]["extensions"]["limit"] == "cost"
        deep = '{ spacecraft(id: "602") { ... @defer { spacecraftConfig { agency { country { name } } } } } }'
        assert (await gw.query(deep)).errors[0]["extensions"]["limit"] == "depth"
        assert upstream.state.log == []
    finally:
        await gw.close()


async def test_deferred_answers_are_never_served_whole_from_the_response_cache(
    gw: Gateway, upstream: RunningUpstream
) -> None:
    for _ in range(2):
        async with await _post(gw, LIST_WITH_DEFERRED_AGENCIES) as response:
            received = [part async for part in parts(response)]
        assert received[0]["hasNext"] is True and "pending" in received[0]
        assert "responseCache" not in received[0]["extensions"]["upstream"]
        assert received[-1]["hasNext"] is False
    second = received[-1]["extensions"]["upstream"]
    assert second["requests"] == 0, "the second time, LL2's answers came from the cache"


async def test_defer_if_false_is_a_plain_answer(gw: Gateway) -> None:
    query = '{ spacecraft(id: "602") { name ... @defer(if: false) { serialNumber } } }'
    answer = await gw.query(query)
    assert answer.status == 200
    assert answer.data["spacecraft"]["name"] and answer.data["spacecraft"]["serialNumber"]


def test_a_subscriptions_cost_counts_like_its_query() -> None:
    from graphql import parse

    from gateway.extensions.limits import measure_cost
    from gateway.schema import schema

    graphql_schema = schema._schema
    selection = (
        "{ name spacecraftConfig { agency { name } } flightsConnection(first: 5) { nodes { id } } }"
    )
    query = measure_cost(
        graphql_schema, parse('{ spacecraft(id: "1") ' + selection + " }"), None, {}
    )
    live = 'subscription { spacecraft(id: "1") ' + selection + " }"
    assert measure_cost(graphql_schema, parse(live), None, {}) == query > 0
