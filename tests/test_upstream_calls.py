"""How few LL2 calls an operation costs (mode choice, table sweeps, comma-id batches, the
cache, coalescing, the call budget), shown with counted LL2 calls."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from gateway.offline import RunningUpstream
from tests.harness import Gateway, carried

MOBILE_ASTRONAUTS = "{ astronauts(first: 20) { nodes { id name image { thumbnailUrl } } } }"


def modes(gateway: Gateway) -> list[str | None]:
    return [c.query.get("mode") for c in gateway.upstream_calls()]


async def test_mode_follows_the_selection(gateway: Gateway) -> None:
    await gateway.query(MOBILE_ASTRONAUTS)
    await gateway.query("{ spacecrafts(first: 5) { nodes { name status { name } } } }")
    await gateway.query(
        "{ spacecrafts(first: 6) { nodes { name spacecraftConfig { capability } } } }"
    )
    await gateway.query("{ agencies(first: 5) { nodes { name abbrev } } }")
    await gateway.query("{ agencies(first: 6) { nodes { name description } } }")
    assert modes(gateway) == ["list", "normal", "detailed", "list", "normal"]


async def test_small_table_is_swept_in_one_call(gateway: Gateway) -> None:
    """Every configuration's families, each with its configurations: one page of families."""
    r = await gateway.query(
        "{ spacecraftConfigs(first: 46) { nodes { family { id spacecraft { id } } } } }"
    )
    assert not r.errors, r.errors
    families = {f["id"] for n in r.data["spacecraftConfigs"]["nodes"] for f in n["family"]}
    assert len(families) > 2
    calls = gateway.upstream_calls()
    assert [c.path for c in calls] == [
        "/2.3.0/spacecraft_configurations/",
        "/2.3.0/spacecraft_configuration_families/",
    ]
    assert calls[1].query["limit"] == "100"


async def test_launches_are_batched_through_the_comma_id_filter(gateway: Gateway) -> None:
    r = await gateway.query('{ astronaut(id: "513") { flights { id vidUrls { url } } } }')
    assert not r.errors, r.errors
    flights = r.data["astronaut"]["flights"]
    assert len(flights) > 1
    calls = gateway.upstream_calls()
    assert [c.path for c in calls] == ["/2.3.0/astronauts/513/", "/2.3.0/launches/"]
    assert sorted(calls[1].query["id"].split(",")) == sorted(f["id"] for f in flights)


async def test_other_resources_load_by_concurrent_single_fetches(
    gateway: Gateway, ll2: Any
) -> None:
    """One ``/agencies/{id}/`` per agency the page did not carry whole."""
    r = await gateway.query(
        "{ spacecrafts(first: 20) { nodes { spacecraftConfig { agency { id totalLaunchCount } } } } }"
    )
    agencies = {n["spacecraftConfig"]["agency"]["id"] for n in r.data["spacecrafts"]["nodes"]}
    paths = [c.path for c in gateway.upstream_calls()][1:]
    whole = carried(
        await ll2("spacecraft/", limit=20, mode="detailed"), "agencies/", ["total_launch_count"]
    )
    assert agencies - whole, "the page should leave some agencies to fetch"
    assert sorted(paths) == sorted(f"/2.3.0/agencies/{a}/" for a in agencies - whole)


async def test_second_identical_query_costs_nothing(gateway: Gateway) -> None:
    query = "{ spacecrafts(first: 10) { nodes { name spacecraftConfig { agency { totalLaunchCount } } } } }"
    cold = await gateway.query(query)
    calls = len(gateway.upstream_calls())
    assert calls > 1
    warm = await gateway.query(query)
    assert warm.data == cold.data
    assert len(gateway.upstream_calls()) == calls
    assert warm.body["extensions"]["upstream"]["requests"] == 0
    assert warm.body["extensions"]["upstream"]["responseCache"] == "hit"
    # Another operation over the same LL2 answers: the LL2 cache gives every one of them.
    other = await gateway.query(query.replace("name", "id name"))
    assert len(gateway.upstream_calls()) == calls
    assert other.body["extensions"]["upstream"]["requests"] == 0
    assert other.body["extensions"]["upstream"]["cacheHits"] >= calls


async def test_a_detailed_page_answers_later_lookups_by_id(gateway: Gateway) -> None:
    page = await gateway.query("{ spacecraftConfigs(first: 46) { nodes { id capability } } }")
    ids = [n["id"] for n in page.data["spacecraftConfigs"]["nodes"]]
    gateway.reset_upstream()
    r = await gateway.query(
        "{ "
        + " ".join(f'c{i}: spacecraftConfig(id: "{i}") {{ name history }}' for i in ids[:10])
        + " }"
    )
    assert not r.errors
    assert gateway.upstream_calls() == []


async def test_concurrent_identical_requests_become_one_call(
    upstream: RunningUpstream, gateway: Gateway
) -> None:
    upstream.state.latency = 0.2
    query = '{ spacecraft(id: "602") { name } }'
    answers = await asyncio.gather(*(gateway.query(query) for _ in range(8)))
    assert all(
        a.data == {"spacecraft": {"name": answers[0].data["spacecraft"]["name"]}} for a in answers
    )
    assert [c.path for c in gateway.upstream_calls()] == ["/2.3.0/spacecraft/602/"]
    assert sum(a.body["extensions"]["upstream"]["coalesced"] for a in answers) == 7


async def test_budget_refuses_past_the_limit_and_keeps_cached_data(
    upstream: RunningUpstream,
) -> None:
    gateway = await Gateway(upstream, upstream_rate=2).start()
    try:
        first = await gateway.query(
            '{ a: spacecraft(id: "602") { name } b: agency(id: "121") { name } }'
        )
        assert not first.errors
        r = await gateway.query(
            '{ a: spacecraft(id: "602") { name } c: agency(id: "44") { name } }'
        )
        assert r.status == 200
        assert r.data["a"] == first.data["a"]
        assert r.data["c"] is None
        assert r.codes == ["UPSTREAM_RATE_LIMITED"]
        assert r.errors[0]["path"] == ["c"]
        assert len(gateway.upstream_calls()) == 2
        status = await gateway.query(
            "{ upstreamStatus { calls budget { ratePerHour available } cache { hits misses } } }"
        )
        budget = status.data["upstreamStatus"]["budget"]
        assert budget["ratePerHour"] == 2 and budget["available"] < 1
        assert status.data["upstreamStatus"]["calls"] == 2
    finally:
        await gateway.close()


async def test_ll2_429_is_honoured(upstream: RunningUpstream) -> None:
    upstream.state.request_limit = 1
    gateway = await Gateway(upstream, upstream_rate=100).start()
    try:
        await gateway.query('{ spacecraft(id: "602") { name } }')
        r = await gateway.query('{ agency(id: "121") { name } }')
        assert r.codes == ["UPSTREAM_RATE_LIMITED"]
        assert r.errors[0]["extensions"]["retry_after"] > 0
        calls = len(gateway.upstream_calls())
        again = await gateway.query('{ agency(id: "44") { name } }')
        assert again.codes == ["UPSTREAM_RATE_LIMITED"]
        assert len(gateway.upstream_calls()) == calls, "no call until LL2's Retry-After"
    finally:
        await gateway.close()


async def test_explain_plans_without_calling(gateway: Gateway) -> None:
    r = await gateway.query(
        '{ spacecraft(id: "602") { name } spacecrafts(first: 3) { nodes { name } } }',
        headers={"X-Explain": "1"},
    )
    assert r.status == 200 and r.errors == []
    planned = r.body["extensions"]["upstream"]["planned"]
    assert {p["path"] for p in planned} == {"spacecraft/602/", "spacecraft/"}
    assert gateway.upstream_calls() == []


def _stale_key(gateway: Gateway) -> Any:
    return gateway.state.upstream.cache


async def test_budget_starts_from_what_ll2_reports(upstream: RunningUpstream, ll2: Any) -> None:
    """/api-throttle/ (free) gives the rate and what this client already spent."""
    upstream.state.request_limit = 3
    async with aiohttp.ClientSession() as http:
        for _ in range(2):
            async with http.get(upstream.url + "agencies/121/") as response:
                assert response.status == 200
    gateway = await Gateway(upstream).start()
    try:
        r = await gateway.query("{ upstreamStatus { budget { ratePerHour available } } }")
        budget = r.data["upstreamStatus"]["budget"]
        assert budget["ratePerHour"] == 3
        assert 0.9 < budget["available"] < 1.1
        first = await gateway.query('{ spacecraft(id: "602") { name } }')
        assert not first.errors
        refused = await gateway.query('{ agency(id: "44") { name } }')
        assert refused.codes == ["UPSTREAM_RATE_LIMITED"]
    finally:
        await gateway.close()
