"""Plain leaves read in line answer what graphql-core's general path answers, errors too."""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from gateway.extensions.direct_fields import direct_fields
from gateway.extensions.execution import GatewayExecution, execution_for, plain_leaves
from gateway.offline import RunningUpstream
from gateway.schema import schema as gateway_schema
from tests.harness import Gateway


@strawberry.enum
class Kind(enum.Enum):
    CAPSULE = "capsule"
    PLANE = "plane"


@strawberry.type
class Craft:
    name: str
    crew: int | None = None
    kind: Kind | None = None
    mass: float | None = None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def repeat(self, times: int) -> str:
        return self.name * times


def _crafts() -> list[Any]:
    return [
        Craft(name="Dragon", crew=4, kind=Kind.CAPSULE, mass=12.5),
        Craft(name=None, crew=2),  # type: ignore[arg-type]  # null for String!
        Craft(name="Big", crew=2**40),  # beyond GraphQL's Int
        Craft(name="Odd", crew="seven", kind="boat"),  # type: ignore[arg-type]
        Craft(name="Err", mass=ValueError("no mass")),  # type: ignore[arg-type]
    ]


@strawberry.type
class Query:
    @strawberry.field
    def crafts(self) -> list[Craft | None]:
        return _crafts()

    @strawberry.field
    def first(self) -> Craft:
        return _crafts()[1]


QUERIES = [
    "{ crafts { name crew kind mass shout repeat(times: 2) } }",
    "{ crafts { n: name c: crew name } }",
    "{ first { name } }",
    "{ first { crew kind } }",
]


async def _answers(schema: strawberry.Schema) -> list[Any]:
    answers = []
    for query in QUERIES:
        result = await schema.execute(query)
        answers.append((result.data, sorted((e.message, str(e.path)) for e in result.errors or [])))
    return answers


async def test_leaves_read_in_line_answer_as_graphql_core_does() -> None:
    schema = strawberry.Schema(query=Query)
    direct_fields(schema)
    expected = await _answers(schema)
    schema.execution_context_class = execution_for(schema)
    assert await _answers(schema) == expected
    data, errors = expected[0]
    assert data["crafts"][0] == {
        "name": "Dragon",
        "crew": 4,
        "kind": "CAPSULE",
        "mass": 12.5,
        "shout": "DRAGON",
        "repeat": "DragonDragon",
    }
    assert data["crafts"][1] is None and data["crafts"][2]["crew"] is None
    assert [path for _, path in errors] == [
        "['crafts', 1, 'name']",  # a null for String!: the item is null
        "['crafts', 3, 'kind']",
        "['crafts', 2, 'crew']",  # beyond 32 bits
        "['crafts', 3, 'crew']",
        "['crafts', 4, 'mass']",  # the attribute holds an exception
    ]


def test_only_attribute_reads_of_a_scalar_or_enum_are_in_line() -> None:
    schema = strawberry.Schema(query=Query)
    direct_fields(schema)
    leaves = plain_leaves(schema)
    assert set(leaves) == {"Craft"}
    assert set(leaves["Craft"]) == {"name", "crew", "kind", "mass"}
    assert leaves["Craft"]["name"].non_null and not leaves["Craft"]["crew"].non_null


def test_the_gateway_schema_reads_its_plain_leaves_in_line() -> None:
    execution = gateway_schema.execution_context_class
    assert issubclass(execution, GatewayExecution)
    assert {"id", "name", "description"} <= set(execution.leaves["Agency"])
    assert "spacecraftConfig" not in execution.leaves["Spacecraft"]  # a relation


def test_the_gateway_schema_resolves_its_plain_relations_in_line() -> None:
    relations = gateway_schema.execution_context_class.relations
    assert relations["Spacecraft"]["spacecraftConfig"].attribute == "spacecraft_config"
    assert "agency" in relations["SpacecraftConfig"]
    assert "flights" not in relations.get("Spacecraft", {})  # a list
    objects = gateway_schema.execution_context_class.objects
    spacecraft = gateway_schema._schema.type_map["Spacecraft"]
    assert objects[id(spacecraft)][1].__name__ == "Spacecraft"
    nodes = gateway_schema._schema.type_map["SpacecraftConnection"].fields["nodes"].type
    item = nodes.of_type.of_type  # [Spacecraft!]!: the non-null item
    assert objects[id(item)][0] is spacecraft


#: Relations answered from the page, from a load of the richer representation, and not
#: at all when LL2 fails.
RELATION_QUERIES = [
    "{ spacecrafts(first: 20) { nodes { id spacecraftConfig { name agency { name } } } } }",
    '{ spacecraft(id: "603") { spacecraftConfig { agency { name totalLaunchCount } } } }',
    "{ spacecrafts(first: 5) { nodes { spacecraftConfig { agency { totalLaunchCount } } } } }",
]


async def _relation_answers(upstream: RunningUpstream, in_line: bool) -> list[Any]:
    execution = gateway_schema.execution_context_class
    if not in_line:
        general = {"leaves": {}, "relations": {}, "objects": {}}  # graphql-core's paths only
        gateway_schema.execution_context_class = type("General", (execution,), general)
    answers = []
    try:
        for fault in (False, True):
            upstream.state.faults.clear()
            if fault:
                upstream.state.faults.add("status", status=500, path="agencies/")
            gateway = await Gateway(upstream, response_cache=False, upstream_retries=0).start()
            try:
                for query in RELATION_QUERIES:
                    answer = await gateway.query(query)
                    errors = sorted((e["path"], e["extensions"]["code"]) for e in answer.errors)
                    answers.append((answer.data, errors))
            finally:
                await gateway.close()
    finally:
        gateway_schema.execution_context_class = execution
        upstream.state.faults.clear()
    return answers


async def test_the_gateway_in_line_answers_as_graphql_core_does(upstream: RunningUpstream) -> None:
    general = await _relation_answers(upstream, in_line=False)
    assert await _relation_answers(upstream, in_line=True) == general
    errors = general[-1][1]  # agencies/ failing: each loaded agency null, located
    assert errors and all(path[-1] == "agency" for path, _ in errors)
    assert general[1][0]["spacecraft"]["spacecraftConfig"]["agency"]["totalLaunchCount"] >= 0
