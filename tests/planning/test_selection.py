"""Selection analysis: which LL2 keys a client's selection reads."""

from __future__ import annotations

from graphql import FieldNode, OperationDefinitionNode, parse

import gateway.schema  # noqa: F401 - defines every type
from gateway.ll2 import api
from gateway.planning.selection import absent_keys, child_nodes, graphql_to_keys, selected_keys
from gateway.types.agency import Agency
from gateway.types.astronaut import Astronaut


def _root(document: str) -> tuple[FieldNode, dict]:  # type: ignore[type-arg]
    parsed = parse(document)
    operation = parsed.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    node = operation.selection_set.selections[0]
    assert isinstance(node, FieldNode)
    fragments = {d.name.value: d for d in parsed.definitions[1:]}  # type: ignore[attr-defined]
    return node, fragments


def test_graphql_names_map_to_ll2_keys() -> None:
    keys = graphql_to_keys(Agency)
    assert keys["foundingYear"] == "founding_year"
    assert keys["id"] is None  # every representation has it
    assert keys["totalLaunchCount"] == "total_launch_count"


def test_selected_keys_follow_fragments_once() -> None:
    node, fragments = _root(
        "{ a { name ...F ... on Agency { ...F abbrev } } } fragment F on Agency { foundingYear }"
    )
    assert selected_keys([node], fragments, Agency) == {"name", "founding_year", "abbrev"}


def test_child_nodes_find_fields_through_fragments() -> None:
    node, fragments = _root(
        "{ c { nodes { id } ... on X { nodes { name } } ...F } } fragment F on X { nodes { a } }"
    )
    found = child_nodes([node], fragments, "nodes")
    assert len(found) == 3 and all(n.name.value == "nodes" for n in found)
    assert child_nodes([node], fragments, "edges") == []


def test_keys_an_old_version_never_sends_are_absent() -> None:
    current = api("astronauts")
    old = api("astronauts", "2.2.0")
    assert current is not None and old is not None
    assert "twitter" in absent_keys(Astronaut, current.sent_keys)  # 2.0.0/2.2.0 only
    assert "twitter" not in absent_keys(Astronaut, old.sent_keys)
    assert absent_keys(Astronaut, current.sent_keys) is absent_keys(Astronaut, current.sent_keys)
