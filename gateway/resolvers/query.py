"""The root ``Query``: per resource, one object by id and a page of its list."""

from __future__ import annotations

import strawberry

from gateway.resolvers.status import upstream_status
from gateway.types.agency import Agency, AgencyFilter, AgencyOrdering
from gateway.types.astronaut import Astronaut, AstronautFilter, AstronautOrdering
from gateway.types.config import (
    SpacecraftConfig,
    SpacecraftConfigFilter,
    SpacecraftConfigOrdering,
    SpacecraftFamily,
    SpacecraftFamilyFilter,
    SpacecraftFamilyOrdering,
)
from gateway.types.fields import listing, lookup, node_lookup, nodes_lookup
from gateway.types.flight import SpacecraftFlight, SpacecraftFlightFilter
from gateway.types.spacecraft import Spacecraft, SpacecraftFilter, SpacecraftOrdering
from gateway.types.station import (
    DockingEvent,
    DockingEventFilter,
    DockingEventOrdering,
    DockingLocation,
    SpaceStation,
    SpaceStationFilter,
    SpaceStationOrdering,
)

__all__ = ["Query"]


@strawberry.type(
    description="The entry points: per LL2 resource, one object by LL2 id and a page of its "
    "list; any object by global id (`node`, `nodes`); the gateway's use of LL2."
)
class Query:
    spacecraft = lookup("spacecraft", Spacecraft, "A spacecraft by LL2 id, or null.")
    spacecrafts = listing(
        "spacecraft",
        Spacecraft,
        "Spacecraft, paged (LL2 `/spacecraft/`).",
        search=True,
        ordering=SpacecraftOrdering,
        filter=SpacecraftFilter,
    )
    spacecraft_config = lookup(
        "spacecraft_configurations", SpacecraftConfig, "A spacecraft configuration by LL2 id."
    )
    spacecraft_configs = listing(
        "spacecraft_configurations",
        SpacecraftConfig,
        "Spacecraft configurations, paged (LL2 `/spacecraft_configurations/`).",
        search=True,
        ordering=SpacecraftConfigOrdering,
        filter=SpacecraftConfigFilter,
    )
    spacecraft_family = lookup(
        "spacecraft_configuration_families",
        SpacecraftFamily,
        "A spacecraft configuration family by LL2 id.",
    )
    spacecraft_families = listing(
        "spacecraft_configuration_families",
        SpacecraftFamily,
        "Spacecraft configuration families, paged.",
        search=True,
        ordering=SpacecraftFamilyOrdering,
        filter=SpacecraftFamilyFilter,
    )
    agency = lookup("agencies", Agency, "An agency by LL2 id, or null.")
    agencies = listing(
        "agencies",
        Agency,
        "Agencies, paged (LL2 `/agencies/`).",
        search=True,
        ordering=AgencyOrdering,
        filter=AgencyFilter,
    )
    spacecraft_flight = lookup(
        "spacecraft_flights", SpacecraftFlight, "A spacecraft flight by LL2 id, or null."
    )
    spacecraft_flights = listing(
        "spacecraft_flights",
        SpacecraftFlight,
        "Spacecraft flights, paged (LL2 `/spacecraft_flights/`).",
        filter=SpacecraftFlightFilter,
    )
    astronaut = lookup("astronauts", Astronaut, "An astronaut by LL2 id, or null.")
    astronauts = listing(
        "astronauts",
        Astronaut,
        "Astronauts, paged (LL2 `/astronauts/`).",
        search=True,
        ordering=AstronautOrdering,
        filter=AstronautFilter,
    )
    space_station = lookup("space_stations", SpaceStation, "A space station by LL2 id, or null.")
    space_stations = listing(
        "space_stations",
        SpaceStation,
        "Space stations, paged (LL2 `/space_stations/`).",
        search=True,
        ordering=SpaceStationOrdering,
        filter=SpaceStationFilter,
    )
    docking_event = lookup("docking_events", DockingEvent, "A docking event by LL2 id, or null.")
    docking_events = listing(
        "docking_events",
        DockingEvent,
        "Docking events, paged (LL2 `/docking_events/`).",
        search=True,
        ordering=DockingEventOrdering,
        filter=DockingEventFilter,
    )
    docking_location = lookup(
        "docking_locations", DockingLocation, "A docking location by LL2 id, or null."
    )
    docking_locations = listing(
        "docking_locations",
        DockingLocation,
        "Docking locations, paged (LL2 `/config/docking_locations/`).",
    )
    node = node_lookup(
        "Any object by its `globalId` (Relay's `node`), or null when LL2 has no such "
        "object; it costs what the type's own root field costs."
    )
    nodes = nodes_lookup(
        "Objects by their `globalId`s, in the order given, null where LL2 has none; "
        "loaded together, as the same ids in separate `node` fields would be."
    )
    upstream_status = strawberry.field(
        resolver=upstream_status,
        description="How the gateway is spending its LL2 budget; never calls LL2.",
    )
