"""Root fields for space stations, docking locations and docking events."""

from __future__ import annotations

import strawberry

from gateway.resolvers.args import After, First, Search
from gateway.resolvers.lists import fetch_connection, fetch_one
from gateway.types.connection import Connection
from gateway.types.station import (
    DockingEvent,
    DockingEventFilter,
    DockingEventOrdering,
    DockingLocation,
    SpaceStation,
    SpaceStationFilter,
    SpaceStationOrdering,
)

__all__ = ["StationQuery"]


@strawberry.type
class StationQuery:
    @strawberry.field(description="A space station by LL2 id, or null when LL2 has none.")
    async def space_station(self, info: strawberry.Info, id: strawberry.ID) -> SpaceStation | None:
        return await fetch_one(info, "space_stations", id)

    @strawberry.field(description="Space stations, paged (LL2 `/space_stations/`).")
    async def space_stations(
        self,
        info: strawberry.Info,
        first: First = 10,
        after: After = None,
        search: Search = None,
        ordering: list[SpaceStationOrdering] | None = None,  # type: ignore[valid-type]
        filter: SpaceStationFilter | None = None,
    ) -> Connection[SpaceStation]:
        return await fetch_connection(
            info,
            "space_stations",
            first=first,
            after=after,
            search=search,
            ordering=ordering,
            filter=filter,
        )

    @strawberry.field(description="A docking event by LL2 id, or null when LL2 has none.")
    async def docking_event(self, info: strawberry.Info, id: strawberry.ID) -> DockingEvent | None:
        return await fetch_one(info, "docking_events", id)

    @strawberry.field(description="Docking events, paged (LL2 `/docking_events/`).")
    async def docking_events(
        self,
        info: strawberry.Info,
        first: First = 10,
        after: After = None,
        search: Search = None,
        ordering: list[DockingEventOrdering] | None = None,  # type: ignore[valid-type]
        filter: DockingEventFilter | None = None,
    ) -> Connection[DockingEvent]:
        return await fetch_connection(
            info,
            "docking_events",
            first=first,
            after=after,
            search=search,
            ordering=ordering,
            filter=filter,
        )

    @strawberry.field(description="A docking location by LL2 id, or null when LL2 has none.")
    async def docking_location(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> DockingLocation | None:
        return await fetch_one(info, "docking_locations", id)

    @strawberry.field(description="Docking locations, paged (LL2 `/config/docking_locations/`).")
    async def docking_locations(
        self, info: strawberry.Info, first: First = 10, after: After = None
    ) -> Connection[DockingLocation]:
        return await fetch_connection(info, "docking_locations", first=first, after=after)
