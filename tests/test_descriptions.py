"""Every type, field, argument and enum value of the schema says what it is.

Checked on the exported ``schema.graphql`` (what reviewers and code generators read)
and on the introspection answer of a running gateway (what GraphiQL's docs show).
The descriptions of LL2's fields live in one table
(:mod:`gateway.types.descriptions`); no entry of it may describe nothing.
"""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_client_schema,
    build_schema,
    get_introspection_query,
)

from gateway.schema import schema as gateway_schema
from gateway.types.descriptions import COMMON, COMMON_INPUT, FIELDS, NOUNS, noun
from tests.harness import Gateway

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Every type, field, argument and enum value without a description."""
    missing: list[str] = []
    for name, tp in sorted(schema.type_map.items()):
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not (tp.description or "").strip():
            missing.append(name)
        if isinstance(tp, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in tp.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not (arg.description or "").strip():
                        missing.append(f"{name}.{field_name}({arg_name}:)")
        if isinstance(tp, GraphQLEnumType):
            for value_name, value in tp.values.items():
                if not (value.description or "").strip():
                    missing.append(f"{name}.{value_name}")
    return missing


def test_the_exported_schema_describes_everything() -> None:
    exported = build_schema(SCHEMA_FILE.read_text())
    assert undescribed(exported) == []


async def test_introspection_shows_every_description(gateway: Gateway) -> None:
    """What GraphiQL's documentation explorer reads."""
    r = await gateway.query(get_introspection_query(descriptions=True))
    assert r.errors == []
    introspected = build_client_schema(r.data)
    assert undescribed(introspected) == []
    spacecraft = introspected.type_map["Spacecraft"]
    assert isinstance(spacecraft, GraphQLObjectType)
    assert spacecraft.fields["serialNumber"].description == FIELDS["Spacecraft"]["serialNumber"]
    assert gateway.upstream_calls() == []


def test_every_table_entry_describes_a_field() -> None:
    """An entry for a field that is gone, renamed or described in the code is dead text."""
    schema = gateway_schema._schema
    used_common: set[str] = set()
    used_input: set[str] = set()
    for type_name, fields in FIELDS.items():
        tp = schema.type_map.get(type_name)
        assert isinstance(tp, GraphQLObjectType | GraphQLInputObjectType), type_name
        for field_name, text in fields.items():
            assert field_name in tp.fields, f"{type_name}.{field_name}"
            description = tp.fields[field_name].description or ""
            # a filter field's description goes on to name its LL2 parameter
            assert description.startswith(text.rstrip(".")), f"{type_name}.{field_name}"
    for type_name, tp in schema.type_map.items():
        if type_name.startswith("__") or not hasattr(tp, "fields"):
            continue
        table = COMMON_INPUT if isinstance(tp, GraphQLInputObjectType) else COMMON
        used = used_input if table is COMMON_INPUT else used_common
        for field_name, field in tp.fields.items():
            text = table.get(field_name)
            if text and (field.description or "").startswith(
                text.format(noun=noun(type_name)).rstrip(".")
            ):
                used.add(field_name)
    assert set(COMMON) - used_common == set()
    assert set(COMMON_INPUT) - used_input == set()
    assert set(NOUNS) <= set(schema.type_map)


def test_ordering_values_say_what_they_sort_by() -> None:
    ordering = gateway_schema._schema.type_map["SpacecraftOrdering"]
    assert isinstance(ordering, GraphQLEnumType)
    assert ordering.values["FLIGHTS_COUNT_ASC"].description == (
        "Sort by flights count, ascending (LL2 `ordering=flights_count`)."
    )
    assert ordering.values["TIME_IN_SPACE_DESC"].description == (
        "Sort by time in space, descending (LL2 `ordering=-time_in_space`)."
    )
