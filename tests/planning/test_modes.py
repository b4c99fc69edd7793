"""Mode choice: the lightest LL2 list mode whose serializers hold the selection."""

from __future__ import annotations

import pytest
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse

import gateway.schema  # noqa: F401 - defines every type the planner walks
from gateway.planning.modes import covers, lightest_list_mode
from gateway.types.agency import Agency


def _field(document: str) -> tuple[list[FieldNode], dict[str, FragmentDefinitionNode]]:
    """The first root field of ``document`` and its fragments."""
    parsed = parse(document)
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    node = operation.selection_set.selections[0]
    assert isinstance(node, FieldNode)
    return [node], fragments


@pytest.mark.parametrize(
    ("resource", "selection", "mode"),
    [
        ("agencies", "name abbrev", "list"),
        ("agencies", "name description", "normal"),
        ("agencies", "totalLaunchCount", "detailed"),
        ("astronauts", "name image { thumbnailUrl }", "list"),
        ("astronauts", "flights { id }", "detailed"),
        ("spacecraft", "name", "normal"),  # LL2 has no `list` mode for spacecraft
        ("spacecraft", "spacecraftConfig { agency { name } }", "normal"),
        ("spacecraft", "spacecraftConfig { agency { description } }", "detailed"),
        ("docking_locations", "name", None),  # a list without modes
    ],
)
def test_the_lightest_mode_that_covers_the_selection(
    resource: str, selection: str, mode: str | None
) -> None:
    nodes, fragments = _field(f"{{ page {{ {selection} }} }}")
    assert lightest_list_mode(resource, nodes, fragments) == mode


def test_fragments_and_inline_fragments_count() -> None:
    nodes, fragments = _field(
        "{ page { ...A ... on Agency { abbrev } } } fragment A on Agency { description }"
    )
    assert lightest_list_mode("agencies", nodes, fragments) == "normal"


def test_nested_objects_are_judged_by_their_own_serializer() -> None:
    nodes, fragments = _field("{ agency { name } }")
    assert covers("AgencyMini", Agency, nodes, fragments)
    nodes, fragments = _field("{ agency { description } }")
    assert not covers("AgencyMini", Agency, nodes, fragments)
    assert covers("AgencyNormal", Agency, nodes, fragments)
    assert not covers("NoSuchSerializer", Agency, nodes, fragments)
