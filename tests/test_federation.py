"""The gateway is an Apollo Federation v2 subgraph: ``_service`` and ``_entities`` over HTTP.

References are counted where LL2 would count them, in the offline LL2's log: a batch of
references costs what the same ids asked in one query cost.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from gateway.offline import RunningUpstream
from tests.harness import Gateway

SUBGRAPH_FILE = Path(__file__).resolve().parent.parent / "schema.federation.graphql"

ENTITIES = """query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Spacecraft { id name serialNumber spacecraftConfig { name agency { abbrev } } }
    ... on SpacecraftConfig { id name }
    ... on SpacecraftFamily { id name }
    ... on SpacecraftFlight { id destination }
    ... on Astronaut { id name }
    ... on Agency { id name }
    ... on SpaceStation { id name }
    ... on DockingEvent { id docking }
    ... on DockingLocation { id name }
    ... on Launch { id name }
    ... on Landing { id description }
  }
}"""

#: GraphQL type -> (root lookup field, the fields ENTITIES selects on it, an id LL2 has).
LOOKUPS = {
    "Spacecraft": (
        "spacecraft",
        "id name serialNumber spacecraftConfig { name agency { abbrev } }",
        "602",
    ),
    "SpacecraftConfig": ("spacecraftConfig", "id name", "2"),
    "SpacecraftFamily": ("spacecraftFamily", "id name", "1"),
    "SpacecraftFlight": ("spacecraftFlight", "id destination", "671"),
    "Astronaut": ("astronaut", "id name", "1"),
    "Agency": ("agency", "id name", "44"),
    "SpaceStation": ("spaceStation", "id name", "18"),
    "DockingEvent": ("dockingEvent", "id docking", "615"),
    "DockingLocation": ("dockingLocation", "id name", "32"),
}

StartGateway = Callable[..., Awaitable[Gateway]]


@pytest.fixture
async def start(upstream: RunningUpstream) -> AsyncIterator[StartGateway]:
    """Cold gateways (own cache, no response cache) over the one offline LL2."""
    started: list[Gateway] = []

    async def start_gateway(**settings: Any) -> Gateway:
        settings.setdefault("response_cache", False)
        gw = await Gateway(upstream, **settings).start()
        started.append(gw)
        return gw

    yield start_gateway
    for gw in started:
        await gw.close()


def refs(typename: str, ids: list[str]) -> list[dict[str, str]]:
    return [{"__typename": typename, "id": i} for i in ids]


async def spacecraft_ids(ll2: Any, n: int) -> list[str]:
    page = await ll2("spacecraft/", limit=n)
    ids = [str(item["id"]) for item in page["results"]]
    assert len(ids) == n
    return ids


async def test_service_sdl_is_the_exported_subgraph_schema(gateway: Gateway) -> None:
    answer = await gateway.query("{ _service { sdl } }")
    assert not answer.errors
    sdl = answer.data["_service"]["sdl"]
    assert sdl + "\n" == SUBGRAPH_FILE.read_text()
    assert sdl.startswith('schema @link(url: "https://specs.apollo.dev/federation/v2.0"')
    for typename in [*LOOKUPS, "Launch", "Landing"]:
        key = rf'\ntype {typename}( implements [\w& ]+)? @key\(fields: "id", resolvable: true\) {{'
        assert re.search(key, sdl), typename
    for value in ("Image", "Country", "SpacecraftStatus"):
        assert re.search(rf"\ntype {value}( implements [\w& ]+)? {{", sdl), "no entity"
    assert gateway.upstream_calls() == [], "the SDL costs no LL2 call"


async def test_each_entity_type_resolves_as_its_root_lookup(start: StartGateway) -> None:
    by_lookup = await start()
    fields = " ".join(
        f'{typename}: {root}(id: "{id}") {{ __typename {selection} }}'
        for typename, (root, selection, id) in LOOKUPS.items()
    )
    expected = await by_lookup.query(f"{{ {fields} }}")
    assert not expected.errors
    gateway = await start()
    representations = [
        {"__typename": typename, "id": id} for typename, (_, _, id) in LOOKUPS.items()
    ]
    answer = await gateway.query(ENTITIES, {"representations": representations})
    assert not answer.errors
    assert answer.data["_entities"] == [expected.data[typename] for typename in LOOKUPS]


async def test_twenty_references_cost_what_twenty_ids_in_one_query_cost(
    start: StartGateway, upstream: RunningUpstream, ll2: Any
) -> None:
    ids = await spacecraft_ids(ll2, 20)
    selection = LOOKUPS["Spacecraft"][1]
    by_ids = await start()
    aliased = " ".join(f's{i}: spacecraft(id: "{i}") {{ {selection} }}' for i in ids)
    expected = await by_ids.query(f"{{ {aliased} }}")
    assert not expected.errors
    lookup_calls = sorted(call.path for call in by_ids.upstream_calls())
    upstream.state.reset()

    gateway = await start()
    answer = await gateway.query(ENTITIES, {"representations": refs("Spacecraft", ids)})
    assert not answer.errors
    entities = answer.data["_entities"]
    assert [e["id"] for e in entities] == ids
    assert entities == [{"__typename": "Spacecraft", **expected.data[f"s{i}"]} for i in ids]
    assert sorted(call.path for call in gateway.upstream_calls()) == lookup_calls
    upstream_extension = answer.body["extensions"]["upstream"]
    assert upstream_extension["requests"] == len(lookup_calls)


async def test_references_are_batched_per_resource(
    start: StartGateway, upstream: RunningUpstream, ll2: Any
) -> None:
    """Configurations are a small table: any number of them is one page of LL2's list."""
    configs = await ll2("spacecraft_configurations/", limit=30)
    ids = [str(item["id"]) for item in configs["results"]]
    gateway = await start()
    answer = await gateway.query(
        ENTITIES, {"representations": refs("SpacecraftConfig", ids) + refs("Agency", ["44"])}
    )
    assert not answer.errors
    assert [e["id"] for e in answer.data["_entities"]] == [*ids, "44"]
    paths = sorted(call.path for call in gateway.upstream_calls())
    assert paths == ["/2.3.0/agencies/44/", "/2.3.0/spacecraft_configurations/"]


async def test_repeated_references_are_looked_up_once(start: StartGateway, ll2: Any) -> None:
    ids = await spacecraft_ids(ll2, 3)
    gateway = await start()
    representations = [*refs("Spacecraft", ids * 4), {"__typename": "Spacecraft", "id": 602}]
    answer = await gateway.query(ENTITIES, {"representations": representations})
    assert not answer.errors
    assert [e["id"] for e in answer.data["_entities"]] == [*(ids * 4), "602"]
    assert len(gateway.upstream_calls()) == len({*ids, "602"})


async def test_references_share_the_request_loaders_with_root_fields(start: StartGateway) -> None:
    gateway = await start()
    query = """query($representations: [_Any!]!) {
      spacecraft(id: "602") { name }
      _entities(representations: $representations) { ... on Spacecraft { serialNumber } }
    }"""
    answer = await gateway.query(query, {"representations": refs("Spacecraft", ["602"])})
    assert not answer.errors
    assert answer.data == {
        "spacecraft": {"name": "Tianzhou-8"},
        "_entities": [{"serialNumber": "8"}],
    }
    assert len(gateway.upstream_calls()) == 1


async def test_each_failed_reference_is_its_own_error(
    start: StartGateway, upstream: RunningUpstream
) -> None:
    gateway = await start()
    representations = [
        {"__typename": "Spacecraft", "id": "602"},
        {"__typename": "Rocket", "id": "1"},
        {"__typename": "Spacecraft", "id": "six"},
        "Spacecraft:602",
        {"__typename": "Spacecraft"},
        {"__typename": "Spacecraft", "id": "999999"},
        {"__typename": "Agency", "id": "44"},
    ]
    answer = await gateway.query(ENTITIES, {"representations": representations})
    entities = answer.data["_entities"]
    assert entities[0]["name"] == "Tianzhou-8"
    assert entities[1:5] == [None] * 4
    assert entities[5] is None, "an id LL2 does not have is null, as for `spacecraft(id:)`"
    assert entities[6]["name"] == "National Aeronautics and Space Administration"
    errors = sorted((e["path"], e["extensions"]["code"]) for e in answer.errors)
    assert errors == [(["_entities", i], "BAD_USER_INPUT") for i in (1, 2, 3, 4)]
    assert sorted(call.path for call in gateway.upstream_calls()) == [
        "/2.3.0/agencies/44/",
        "/2.3.0/spacecraft/602/",
        "/2.3.0/spacecraft/999999/",
    ]


async def test_an_upstream_failure_errs_only_the_references_that_needed_it(
    start: StartGateway, upstream: RunningUpstream
) -> None:
    gateway = await start(upstream_retries=0)
    upstream.state.faults.add("status", status=500, path="agencies/")
    representations = refs("Spacecraft", ["602"]) + refs("Agency", ["44", "121"])
    answer = await gateway.query(ENTITIES, {"representations": representations})
    entities = answer.data["_entities"]
    assert entities[0]["name"] == "Tianzhou-8"
    assert entities[1:] == [None, None]
    errors = sorted((e["path"], e["extensions"]["code"]) for e in answer.errors)
    assert errors == [
        (["_entities", 1], "UPSTREAM_UNAVAILABLE"),
        (["_entities", 2], "UPSTREAM_UNAVAILABLE"),
    ]


async def test_references_count_in_the_cost_limit(
    start: StartGateway, upstream: RunningUpstream, ll2: Any
) -> None:
    """Each reference is a lookup: a router cannot ask more than a client could."""
    gateway = await start(max_cost=40)
    ids = await spacecraft_ids(ll2, 20)
    refused = await gateway.query(ENTITIES, {"representations": refs("Spacecraft", ids)})
    assert refused.codes == ["QUERY_TOO_COMPLEX"]
    assert refused.errors[0]["extensions"]["measured"] > 40
    assert gateway.upstream_calls() == []
    allowed = await gateway.query(ENTITIES, {"representations": refs("Spacecraft", ids[:5])})
    assert not allowed.errors


async def test_service_is_refused_with_introspection(start: StartGateway) -> None:
    gateway = await start(introspection=False)
    refused = await gateway.query("{ _service { sdl } }")
    assert refused.codes == ["GRAPHQL_VALIDATION_FAILED"]
    answer = await gateway.query(ENTITIES, {"representations": refs("Agency", ["44"])})
    assert not answer.errors, "references stay open: a router composed from the file needs them"
