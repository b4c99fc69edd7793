"""Which LL2 2.3.0 serializer schemas describe a stand-alone entity, and where it lives.

This table is the contract between the snapshot builder (``scripts/build_snapshot.py``)
and the offline upstream (``gateway.offline``).

The snapshot (``gateway/offline/data/snapshot.json.gz``) is normalised: every entity is
stored once, under ``entities[resource][str(id)]``, as the union of every field any
source showed for it (LL2 2.3.0 field names and shapes).  Inside a record, a value
whose schema is an *entity schema* (a key of :data:`ENTITY_SCHEMAS`) is replaced by a
reference ``{"$ref": [resource, id]}`` (lists of them stay lists).  Everything else
(images, countries, statuses, types, crew members, missions, pads...) is kept inline.
The offline upstream renders a record for a mode by projecting it through the
serializer schema of that mode and following references with the nested schema, so
a nested object keeps its own serializer's shape whatever mode was asked.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ENTITY_SCHEMAS", "RESOURCES", "resource_of"]

#: resource name -> the path of its list endpoint below ``/2.3.0/``.
RESOURCES: Final[dict[str, str]] = {
    "spacecraft": "spacecraft/",
    "spacecraft_configurations": "spacecraft_configurations/",
    "spacecraft_configuration_families": "spacecraft_configuration_families/",
    "spacecraft_flights": "spacecraft_flights/",
    "agencies": "agencies/",
    "astronauts": "astronauts/",
    "docking_events": "docking_events/",
    "space_stations": "space_stations/",
    "docking_locations": "config/docking_locations/",
    "launches": "launches/",
    "landings": "landings/",
}

#: serializer schema name -> resource whose records it renders.
ENTITY_SCHEMAS: Final[dict[str, str]] = {
    "AgencyMini": "agencies",
    "AgencyNormal": "agencies",
    "AgencyDetailed": "agencies",
    "AgencyEndpointDetailed": "agencies",
    "SpacecraftNormal": "spacecraft",
    "SpacecraftDetailed": "spacecraft",
    "SpacecraftEndpointDetailed": "spacecraft",
    "SpacecraftConfigNormal": "spacecraft_configurations",
    "SpacecraftConfigDetailed": "spacecraft_configurations",
    "SpacecraftConfigFamilyMini": "spacecraft_configuration_families",
    "SpacecraftConfigFamilyNormal": "spacecraft_configuration_families",
    "SpacecraftConfigFamilyDetailed": "spacecraft_configuration_families",
    "SpacecraftConfigFamilyEndpointDetailed": "spacecraft_configuration_families",
    "SpacecraftFlightMini": "spacecraft_flights",
    "SpacecraftFlightMiniSerializerNoLanding": "spacecraft_flights",
    "SpacecraftFlightNormal": "spacecraft_flights",
    "SpacecraftFlightNormalSerializerNoLanding": "spacecraft_flights",
    "SpacecraftFlightDetailed": "spacecraft_flights",
    "SpacecraftFlightDetailedSerializerNoLanding": "spacecraft_flights",
    "SpacecraftFlightDetailedSerializerNoLaunch": "spacecraft_flights",
    "SpacecraftFlightForDockingEvent": "spacecraft_flights",
    "AstronautDetailed": "astronauts",
    "AstronautEndpointNormal": "astronauts",
    "AstronautEndpointDetailed": "astronauts",
    "DockingEventEndpointNormal": "docking_events",
    "DockingEventEndpointDetailed": "docking_events",
    "DockingEventForChaserNormal": "docking_events",
    "DockingEventDetailedSerializerForSpacestation": "docking_events",
    "SpaceStationMini": "space_stations",
    "SpaceStationNormal": "space_stations",
    "SpaceStationEndpoint": "space_stations",
    "SpaceStationDetailedEndpoint": "space_stations",
    "DockingLocation": "docking_locations",
    "DockingLocationSerializerForSpacestation": "docking_locations",
    "LaunchBasic": "launches",
    "LaunchMini": "launches",
    "LaunchNormal": "launches",
    "LaunchDetailed": "launches",
    "Landing": "landings",
    "LandingEndpointList": "landings",
    "LandingEndpointNormal": "landings",
    "LandingEndpointDetailed": "landings",
}


def resource_of(schema: str) -> str | None:
    """The resource a schema renders, or None for an inline value object."""
    return ENTITY_SCHEMAS.get(schema)
