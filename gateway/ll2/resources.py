"""Every LL2 resource the gateway serves, described once.

A :class:`Resource` holds what no description of LL2 says by itself: where its list
lives below ``/2.3.0/``, which serializer schemas render its records, how its ids look,
how long its answers stay fresh, whether a comma list of ids can be asked in one call
and whether its table is small enough to sweep.  Everything a version's description
says (paths, modes, shapes, filters, orderings, search) is read from there by
:func:`gateway.ll2.api.api`; the two together are the whole of what any layer of
the gateway knows about a resource.

The snapshot (``gateway/offline/data/snapshot.json.gz``) is normalised by the same
table: every entity is stored once, under ``entities[resource][str(id)]``, and inside a
record a value whose schema is an *entity schema* (a key of :data:`ENTITY_SCHEMAS`)
is a reference ``{"$ref": [resource, id]}``; everything else (images, countries,
statuses, crew members, missions, pads...) is kept inline.

Adding a resource: a record here (and its serializers in the spec data), its Strawberry
type in ``gateway/types/`` with ``resource = "<name>"``, and its root fields in
``gateway/resolvers/query.py``.  ``tests/ll2/test_resources.py`` fails while one is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from gateway.ll2.freshness import CATALOGUE, EVENTS, REFERENCE, Freshness

__all__ = [
    "ENTITY_SCHEMAS",
    "RESOURCES",
    "RESOURCE_PATHS",
    "IdKind",
    "Resource",
    "resource",
    "resource_of",
]

IdKind = Literal["integer", "uuid"]


@dataclass(frozen=True, slots=True)
class Resource:
    """One LL2 resource: the facts its endpoints' descriptions do not give."""

    #: The gateway's name for it (LL2 2.3.0's list path, underscored).
    name: str
    #: Its list path below ``/2.3.0/``; the detail is ``{path}{id}/``.
    path: str
    #: How long its answers stay fresh in the cache.
    freshness: Freshness
    #: The 2.3.0 serializer schemas that render its records, in any representation.
    serializers: tuple[str, ...]
    #: LL2 ids are integers, except launches' UUIDs.
    id_kind: IdKind = "integer"
    #: The 2.3.0 list filter taking comma-separated ids, if any (``launches?id=a,b``).
    comma_id_filter: str | None = None
    #: The table fits in a page or two of 100: a batch of ids reads it whole.
    small_table: bool = False

    def detail_path(self, id: str) -> str:
        return f"{self.path}{id}/"

    @property
    def words(self) -> str:
        """The name for messages: ``docking events``."""
        return self.name.replace("_", " ")


_ALL: Final = (
    Resource(
        "spacecraft",
        "spacecraft/",
        CATALOGUE,
        ("SpacecraftNormal", "SpacecraftDetailed", "SpacecraftEndpointDetailed"),
    ),
    Resource(
        "spacecraft_configurations",
        "spacecraft_configurations/",
        REFERENCE,
        ("SpacecraftConfigNormal", "SpacecraftConfigDetailed"),
        small_table=True,
    ),
    Resource(
        "spacecraft_configuration_families",
        "spacecraft_configuration_families/",
        REFERENCE,
        (
            "SpacecraftConfigFamilyMini",
            "SpacecraftConfigFamilyNormal",
            "SpacecraftConfigFamilyDetailed",
            "SpacecraftConfigFamilyEndpointDetailed",
        ),
        small_table=True,
    ),
    Resource(
        "spacecraft_flights",
        "spacecraft_flights/",
        EVENTS,
        (
            "SpacecraftFlightMini",
            "SpacecraftFlightMiniSerializerNoLanding",
            "SpacecraftFlightNormal",
            "SpacecraftFlightNormalSerializerNoLanding",
            "SpacecraftFlightDetailed",
            "SpacecraftFlightDetailedSerializerNoLanding",
            "SpacecraftFlightDetailedSerializerNoLaunch",
            "SpacecraftFlightForDockingEvent",
        ),
    ),
    Resource(
        "agencies",
        "agencies/",
        REFERENCE,
        ("AgencyMini", "AgencyNormal", "AgencyDetailed", "AgencyEndpointDetailed"),
    ),
    Resource(
        "astronauts",
        "astronauts/",
        CATALOGUE,
        ("AstronautDetailed", "AstronautEndpointNormal", "AstronautEndpointDetailed"),
    ),
    Resource(
        "docking_events",
        "docking_events/",
        EVENTS,
        (
            "DockingEventEndpointNormal",
            "DockingEventEndpointDetailed",
            "DockingEventForChaserNormal",
            "DockingEventDetailedSerializerForSpacestation",
        ),
    ),
    Resource(
        "space_stations",
        "space_stations/",
        CATALOGUE,
        (
            "SpaceStationMini",
            "SpaceStationNormal",
            "SpaceStationEndpoint",
            "SpaceStationDetailedEndpoint",
        ),
        small_table=True,
    ),
    Resource(
        "docking_locations",
        "config/docking_locations/",
        REFERENCE,
        ("DockingLocation", "DockingLocationSerializerForSpacestation"),
        small_table=True,
    ),
    Resource(
        "launches",
        "launches/",
        EVENTS,
        ("LaunchBasic", "LaunchMini", "LaunchNormal", "LaunchDetailed"),
        id_kind="uuid",
        comma_id_filter="id",
    ),
    Resource(
        "landings",
        "landings/",
        EVENTS,
        ("Landing", "LandingEndpointList", "LandingEndpointNormal", "LandingEndpointDetailed"),
    ),
)

#: resource name -> its record.
RESOURCES: Final[Mapping[str, Resource]] = MappingProxyType({r.name: r for r in _ALL})
#: resource name -> its list path below ``/2.3.0/``.
RESOURCE_PATHS: Final[Mapping[str, str]] = MappingProxyType({r.name: r.path for r in _ALL})
#: serializer schema name -> the resource whose records it renders.
ENTITY_SCHEMAS: Final[Mapping[str, str]] = MappingProxyType(
    {schema: r.name for r in _ALL for schema in r.serializers}
)


def resource(name: str) -> Resource:
    """The record of ``name``; ``KeyError`` for a resource the gateway does not know."""
    return RESOURCES[name]


def resource_of(schema: str) -> str | None:
    """The resource a schema renders, or None for an inline value object."""
    return ENTITY_SCHEMAS.get(schema)
