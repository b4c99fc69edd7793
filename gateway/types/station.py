"""Space stations, their docking locations and the docking events between craft."""

from __future__ import annotations

from typing import ClassVar

import strawberry

from gateway.types.agency import Agency
from gateway.types.arguments import DateTimeBounds, FilterInput, IntRange, ordering_enum
from gateway.types.base import Entity, Value, legacy_only, related
from gateway.types.common import Image
from gateway.types.config import SpacecraftConfig
from gateway.types.fields import listing
from gateway.types.flight import SpacecraftFlight
from gateway.types.landing import Landing
from gateway.types.launch import Launch, Program
from gateway.types.scalars import Date, DateTime

__all__ = [
    "DockingEvent",
    "DockingEventFilter",
    "DockingEventOrdering",
    "DockingLocation",
    "Expedition",
    "Payload",
    "PayloadFlight",
    "PayloadType",
    "SpaceStation",
    "SpaceStationFilter",
    "SpaceStationOrdering",
    "SpaceStationStatus",
    "SpaceStationType",
]

DockingEventOrdering = ordering_enum(
    "DockingEventOrdering", ["departure", "docking"], "docking events"
)
SpaceStationOrdering = ordering_enum(
    "SpaceStationOrdering",
    ["docked_vehicles", "founded", "id", "name", "onboard_crew", "status", "type", "volume"],
    "space stations",
)


@strawberry.input(description="LL2's docking event filters; all given must match.")
class DockingEventFilter(FilterInput):
    PARAMS: ClassVar[dict[str, str]] = {
        "docking_location_id": "docking_location__id",
        "flight_vehicle_chaser_id": "flight_vehicle_chaser__id",
        "space_station_target_id": "space_station_target__id",
    }

    docking: DateTimeBounds | None = None
    docking_location_id: strawberry.ID | None = None
    flight_vehicle_chaser_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only dockings of this chaser (a `SpacecraftFlight` id)."
    )
    space_station_target_id: strawberry.ID | None = None


@strawberry.input(description="LL2's space station filters; all given must match.")
class SpaceStationFilter(FilterInput):
    PARAMS: ClassVar[dict[str, str]] = {
        "name_contains": "name__contains",
        "owner_ids": "owner__ids",
        "status_ids": "status__ids",
    }

    id: strawberry.ID | None = None
    name: str | None = None
    name_contains: str | None = None
    owners: strawberry.ID | None = strawberry.field(
        default=None, description="Only stations this agency owns (its id)."
    )
    owner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Agency ids; any of them matches."
    )
    status: strawberry.ID | None = None
    status_ids: list[strawberry.ID] | None = None
    type: strawberry.ID | None = None
    orbit: strawberry.ID | None = None
    docked_vehicles: IntRange | None = None
    onboard_crew: IntRange | None = None


@strawberry.type(description="Active, De-Orbited, Under construction...")
class SpaceStationStatus(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="Government, Commercial, Research...")
class SpaceStationType(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="An expedition: a station crew's stay.")
class Expedition(Value):
    id: strawberry.ID | None = None
    url: str | None = None
    name: str | None = None
    start: DateTime | None = None
    end: DateTime | None = None


@strawberry.type(description="The kind of a payload.")
class PayloadType(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="A payload that is not a crewed spacecraft (a cargo module...).")
class Payload(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    type: PayloadType | None = None
    manufacturer: Agency | None = related()
    operator: Agency | None = related()
    image: Image | None = None
    wiki_link: str | None = None
    info_link: str | None = None
    program: list[Program] | None = None
    cost: int | None = None
    mass: float | None = None
    description: str | None = None


@strawberry.type(description="The flight of a payload.")
class PayloadFlight(Value):
    id: strawberry.ID | None = None
    url: str | None = None
    destination: str | None = None
    amount: int | None = None
    payload: Payload | None = None
    launch: Launch | None = related()
    landing: Landing | None = related()


@strawberry.type(description="A port of a space station where vehicles dock.")
class DockingLocation(Entity):
    resource: ClassVar[str] = "docking_locations"

    name: str | None = None
    spacestation: SpaceStation | None = related()
    spacecraft: SpacecraftConfig | None = related()
    payload: Payload | None = None
    currently_docked: DockingEvent | None = related(
        "What is docked here now, if anything (LL2 tells it with the station).",
        via="spacestation",
    )


@strawberry.type(
    description="A docking: a chaser (a flight, a station or a payload flight) meets a "
    "target at a docking location. Each side is one of three kinds; the others are null."
)
class DockingEvent(Entity):
    resource: ClassVar[str] = "docking_events"

    url: str | None = None
    docking: DateTime | None = None
    departure: DateTime | None = None
    docking_location: DockingLocation | None = related()
    flight_vehicle_chaser: SpacecraftFlight | None = related()
    space_station_chaser: SpaceStation | None = related()
    payload_flight_chaser: PayloadFlight | None = None
    flight_vehicle_target: SpacecraftFlight | None = related()
    space_station_target: SpaceStation | None = related()
    payload_flight_target: PayloadFlight | None = None
    launch_id: str | None = legacy_only("the id of the chaser's launch.")


@strawberry.type(description="A space station: owners, docking ports, what is docked.")
class SpaceStation(Entity):
    resource: ClassVar[str] = "space_stations"

    url: str | None = None
    name: str | None = None
    image: Image | None = None
    status: SpaceStationStatus | None = None
    founded: Date | None = None
    deorbited: Date | None = None
    description: str | None = None
    orbit: str | None = None
    type: SpaceStationType | None = None
    owners: list[Agency] | None = related()
    active_expeditions: list[Expedition] | None = None
    height: float | None = strawberry.field(default=None, description="Height, in metres.")
    width: float | None = strawberry.field(default=None, description="Width, in metres.")
    mass: float | None = strawberry.field(default=None, description="Mass, in tonnes.")
    volume: int | None = strawberry.field(default=None, description="Volume, in cubic metres.")
    onboard_crew: int | None = None
    docked_vehicles: int | None = None
    docking_location: list[DockingLocation] | None = related()
    active_docking_events: list[DockingEvent] | None = related()

    docking_events = listing(
        "docking_events",
        DockingEvent,
        "Docking events with this station as target, paged "
        "(LL2 `docking_events?space_station_target__id=<id>`).",
        ordering=DockingEventOrdering,
        filter=DockingEventFilter,
        scope=lambda station: {"space_station_target__id": station.id},
    )
