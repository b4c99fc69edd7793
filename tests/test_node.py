"""Relay's Node: global ids unique across types, ``node(id:)`` and ``nodes(ids:)``.

``id`` stays LL2's id; ``globalId`` is opaque, and ``node`` loads an object by it
through the same per-request loaders as the type's own root field, at the same cost.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.harness import Gateway

#: One object of every Node type, reached the way a client reaches it.
EVERY_NODE_TYPE = """{
  spacecraft(id: "595") { __typename globalId id }
  spacecraftConfig(id: "25") { __typename globalId id }
  spacecraftFamily(id: "1") { __typename globalId id }
  agency(id: "44") { __typename globalId id }
  astronaut(id: "18") { __typename globalId id }
  spaceStation(id: "18") { __typename globalId id }
  spacecraftFlight(id: "671") {
    __typename globalId id
    launch { __typename globalId id }
    landing { __typename globalId id }
  }
  dockingEvents(first: 1) { nodes { __typename globalId id } }
  dockingLocations(first: 1) { nodes { __typename globalId id } }
}"""


def _objects(value: Any) -> list[dict[str, Any]]:
    """Every object in an answer that has a ``globalId``."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if "globalId" in value:
            found.append(value)
        for v in value.values():
            found += _objects(v)
    elif isinstance(value, list):
        for v in value:
            found += _objects(v)
    return found


def gid(type_name: str, id: str) -> str:
    return base64.b64encode(f"{type_name}:{id}".encode()).decode()


async def test_every_node_type_round_trips_through_node(gateway: Gateway) -> None:
    r = await gateway.query(EVERY_NODE_TYPE)
    assert r.errors == [], r.errors
    objects = _objects(r.data)
    schema = await gateway.query('{ __type(name: "Node") { possibleTypes { name } } }')
    node_types = {t["name"] for t in schema.data["__type"]["possibleTypes"]}
    assert {o["__typename"] for o in objects} == node_types
    assert len(node_types) == 11
    for obj in objects:
        again = await gateway.query(
            "query($id: ID!) { node(id: $id) { __typename globalId"
            f" ... on {obj['__typename']} {{ id }} }} }}",
            {"id": obj["globalId"]},
        )
        assert again.errors == [], again.errors
        assert again.data["node"] == {k: obj[k] for k in ("__typename", "globalId", "id")}


async def test_ids_that_collide_across_types_have_distinct_global_ids(gateway: Gateway) -> None:
    r = await gateway.query(
        '{ astronaut(id: "18") { id globalId name } spaceStation(id: "18") { id globalId name } }'
    )
    astronaut, station = r.data["astronaut"], r.data["spaceStation"]
    assert astronaut["id"] == station["id"] == "18"  # `id` stays LL2's
    assert astronaut["globalId"] != station["globalId"]
    both = await gateway.query(
        "query($a: ID!, $s: ID!) { a: node(id: $a) { ... on Astronaut { name } }"
        " s: node(id: $s) { ... on SpaceStation { name } } }",
        {"a": astronaut["globalId"], "s": station["globalId"]},
    )
    assert both.data == {"a": {"name": astronaut["name"]}, "s": {"name": station["name"]}}


@pytest.mark.parametrize(
    ("root", "type_name", "id"),
    [
        ("spacecraft", "Spacecraft", "602"),
        ("astronaut", "Astronaut", "1"),
        ("agency", "Agency", "121"),
    ],
)
async def test_node_costs_what_the_types_root_field_costs(
    gateway: Gateway, root: str, type_name: str, id: str
) -> None:
    """Cold caches both: the same LL2 calls, the same answer."""
    selection = "{ id name }"
    by_id = await gateway.query(f'{{ {root}(id: "{id}") {selection} }}')
    calls_by_id = [c.path for c in gateway.upstream_calls()]
    cold = await Gateway(gateway.upstream).start()
    try:
        gateway.reset_upstream()
        by_node = await cold.query(
            f'{{ node(id: "{gid(type_name, id)}") {{ ... on {type_name} {selection} }} }}'
        )
        calls_by_node = [c.path for c in gateway.upstream_calls()]
    finally:
        await cold.close()
    assert by_node.data["node"] == by_id.data[root]
    assert calls_by_node == calls_by_id and len(calls_by_id) == 1


async def test_node_and_its_type_s_root_field_share_the_request_s_loaders(
    gateway: Gateway,
) -> None:
    r = await gateway.query(
        f'{{ spacecraft(id: "602") {{ name }} node(id: "{gid("Spacecraft", "602")}")'
        " { ... on Spacecraft { serialNumber } } }"
    )
    assert r.data == {"spacecraft": {"name": "Tianzhou-8"}, "node": {"serialNumber": "8"}}
    assert [c.path for c in gateway.upstream_calls()] == ["/2.3.0/spacecraft/602/"]


async def test_unknown_ids_are_null_without_error(gateway: Gateway) -> None:
    r = await gateway.query(f'{{ node(id: "{gid("Spacecraft", "999999")}") {{ globalId }} }}')
    assert r.errors == [] and r.data == {"node": None}


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "nope",
        "Spacecraft:602",  # not encoded
        "U3BhY2VjcmFmdDo2MDI",  # padding cut off
        gid("Spacecraft", ""),
        gid("Spacecraft", "abc"),  # spacecraft ids are integers
        gid("Spacecraft", " 602"),
        gid("Rocket", "1"),  # no such type
        gid("Image", "1"),  # a type, but no Node
        gid("", "1"),
        base64.b64encode(b"\xff\xfe").decode(),
    ],
)
async def test_malformed_global_ids_are_bad_user_input_and_cost_nothing(
    gateway: Gateway, bad: str
) -> None:
    r = await gateway.query("query($id: ID!) { node(id: $id) { globalId } }", {"id": bad})
    assert r.status == 200
    assert r.codes == ["BAD_USER_INPUT"]
    assert r.errors[0]["extensions"]["argument"] == "id"
    assert r.data == {"node": None}
    assert gateway.upstream_calls() == []


async def test_nodes_keeps_order_nulls_unknown_ids_and_batches_like_root_fields(
    gateway: Gateway,
) -> None:
    ids = [
        gid("Agency", "121"),
        gid("Spacecraft", "602"),
        gid("Agency", "999999"),
        gid("Agency", "44"),
    ]
    r = await gateway.query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename"
        " ... on Agency { id abbrev } ... on Spacecraft { id name } } }",
        {"ids": ids},
    )
    assert r.errors == [], r.errors
    assert r.data["nodes"] == [
        {"__typename": "Agency", "id": "121", "abbrev": "SpX"},
        {"__typename": "Spacecraft", "id": "602", "name": "Tianzhou-8"},
        None,
        {"__typename": "Agency", "id": "44", "abbrev": "NASA"},
    ]
    calls_by_nodes = sorted(c.path for c in gateway.upstream_calls())

    cold = await Gateway(gateway.upstream).start()
    try:
        gateway.reset_upstream()
        await cold.query(
            '{ a: agency(id: "121") { abbrev } s: spacecraft(id: "602") { name }'
            ' b: agency(id: "999999") { abbrev } c: agency(id: "44") { abbrev } }'
        )
        assert sorted(c.path for c in gateway.upstream_calls()) == calls_by_nodes
    finally:
        await cold.close()


async def test_nodes_refuses_a_malformed_id_or_too_many(gateway: Gateway) -> None:
    r = await gateway.query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { globalId } }",
        {"ids": [gid("Agency", "121"), "nope"]},
    )
    assert r.codes == ["BAD_USER_INPUT"] and r.errors[0]["extensions"]["argument"] == "ids"
    assert r.data == {"nodes": None}
    r = await gateway.query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { globalId } }",
        {"ids": [gid("Agency", str(i)) for i in range(101)]},
    )
    assert r.codes == ["BAD_USER_INPUT"] and "at most 100" in r.errors[0]["message"]
    assert gateway.upstream_calls() == []
    r = await gateway.query("{ nodes(ids: []) { globalId } }")
    assert r.errors == [] and r.data == {"nodes": []}
