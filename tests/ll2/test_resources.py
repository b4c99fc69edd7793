"""Each LL2 resource is described once, and completely: every layer finds what it needs."""

from __future__ import annotations

import pytest

from gateway.cache.policy import ttl_for
from gateway.ll2 import (
    ENTITY_SCHEMAS,
    RESOURCES,
    VERSIONS,
    api,
    load_spec,
    load_version_spec,
    resource_of,
)
from gateway.ll2.freshness import CATALOGUE, EVENTS, REFERENCE
from gateway.schema import schema
from gateway.types.base import Entity

#: Resources reached only through other objects (no root field of their own).
NESTED_ONLY = {"launches", "landings"}


def _root_fields() -> set[str]:
    query = schema._schema.query_type
    assert query is not None
    return set(query.fields)


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_resource_has_its_facts(name: str) -> None:
    record = RESOURCES[name]
    served = api(name)
    assert served is not None, f"LL2 2.3.0 serves no list for {name}"
    assert served.list_path == record.path and served.detail is not None
    assert served.detail_path("7") == record.detail_path("7") == f"{record.path}7/"
    assert record.freshness in (REFERENCE, CATALOGUE, EVENTS)
    spec = load_spec()
    for serializer in record.serializers:
        assert spec.schemas[serializer].resource == name, serializer
    assert served.listing.schema_for(None) in record.serializers or served.modes
    for _, serializer in served.modes:
        assert serializer in record.serializers
    assert served.detail.schema_for(None) in record.serializers
    if record.comma_id_filter is not None:
        assert served.filters[record.comma_id_filter].comma


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_resource_has_a_type_and_a_place_in_the_schema(name: str) -> None:
    cls = Entity.registry.get(name)
    assert cls is not None, f"no Strawberry type declares resource = {name!r}"
    if name not in NESTED_ONLY:
        graphql_name = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
        by_id = [
            f
            for f, field in schema._schema.query_type.fields.items()  # type: ignore[union-attr]
            if getattr(field.type, "name", None) == graphql_name
        ]
        assert by_id, f"Query has no field returning {graphql_name} by id"


def test_every_entity_type_names_a_known_resource() -> None:
    assert set(Entity.registry) == set(RESOURCES)


def test_every_entity_serializer_is_claimed_by_one_resource() -> None:
    for version in VERSIONS:
        for name, schema_spec in load_version_spec(version).schemas.items():
            if version == "2.3.0" and schema_spec.resource is not None:
                assert resource_of(name) == schema_spec.resource, name
    assert set(ENTITY_SCHEMAS.values()) == set(RESOURCES)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_cache_policy_knows_every_route_of_every_version(version: str) -> None:
    for name, record in RESOURCES.items():
        served = api(name, version)
        if served is not None:
            assert ttl_for(served.list_path) == record.freshness, (version, name)
            assert ttl_for(served.detail_path("12")) == record.freshness, (version, name)


def test_older_versions_lack_what_they_lack() -> None:
    assert api("spacecraft_configuration_families", "2.2.0") is None
    assert api("landings", "2.0.0") is None
    flights = api("spacecraft_flights", "2.2.0")
    assert flights is not None and flights.list_path == "spacecraft/flight/"
    assert flights.modes == () and flights.richest_mode is None


def test_an_unknown_resource_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        api("rockets")
