"""Root fields for spacecraft flights and astronauts."""

from __future__ import annotations

import strawberry

from gateway.resolvers.args import After, First, Search
from gateway.resolvers.lists import fetch_connection, fetch_one
from gateway.types.astronaut import Astronaut, AstronautFilter, AstronautOrdering
from gateway.types.connection import Connection
from gateway.types.flight import SpacecraftFlight, SpacecraftFlightFilter

__all__ = ["FlightQuery"]


@strawberry.type
class FlightQuery:
    @strawberry.field(description="A spacecraft flight by LL2 id, or null when LL2 has none.")
    async def spacecraft_flight(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> SpacecraftFlight | None:
        return await fetch_one(info, "spacecraft_flights", id)

    @strawberry.field(description="Spacecraft flights, paged (LL2 `/spacecraft_flights/`).")
    async def spacecraft_flights(
        self,
        info: strawberry.Info,
        first: First = 10,
        after: After = None,
        filter: SpacecraftFlightFilter | None = None,
    ) -> Connection[SpacecraftFlight]:
        return await fetch_connection(
            info, "spacecraft_flights", first=first, after=after, filter=filter
        )

    @strawberry.field(description="An astronaut by LL2 id, or null when LL2 has none.")
    async def astronaut(self, info: strawberry.Info, id: strawberry.ID) -> Astronaut | None:
        return await fetch_one(info, "astronauts", id)

    @strawberry.field(description="Astronauts, paged (LL2 `/astronauts/`).")
    async def astronauts(
        self,
        info: strawberry.Info,
        first: First = 10,
        after: After = None,
        search: Search = None,
        ordering: list[AstronautOrdering] | None = None,  # type: ignore[valid-type]
        filter: AstronautFilter | None = None,
    ) -> Connection[Astronaut]:
        return await fetch_connection(
            info,
            "astronauts",
            first=first,
            after=after,
            search=search,
            ordering=ordering,
            filter=filter,
        )
