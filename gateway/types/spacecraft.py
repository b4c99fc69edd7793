"""Spacecraft: the serials (Crew Dragon Freedom, Tianzhou-8...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from gateway.types.arguments import FilterInput, ordering_enum
from gateway.types.base import Entity, related
from gateway.types.common import Image, SpacecraftStatus
from gateway.types.config import SpacecraftConfig
from gateway.types.fields import listing
from gateway.types.scalars import Duration, duration_seconds

if TYPE_CHECKING:
    from gateway.types.flight import SpacecraftFlight

__all__ = ["Spacecraft", "SpacecraftFilter", "SpacecraftOrdering"]

SpacecraftOrdering = ordering_enum(
    "SpacecraftOrdering",
    ["flights_count", "id", "mission_ends_count", "time_docked", "time_in_space"],
    "spacecraft",
)


@strawberry.input(description="LL2's spacecraft filters; all given must match.")
class SpacecraftFilter(FilterInput):
    in_space: bool | None = None
    is_placeholder: bool | None = None
    name: str | None = None
    spacecraft_config: strawberry.ID | None = strawberry.field(
        default=None, description="Only spacecraft of this configuration (its id)."
    )
    status: strawberry.ID | None = strawberry.field(
        default=None, description="Only spacecraft with this status (a `SpacecraftStatus` id)."
    )


@strawberry.type(description="A spacecraft: one serial of a configuration, with its record.")
class Spacecraft(Entity):
    resource: ClassVar[str] = "spacecraft"
    DERIVED: ClassVar[dict[str, str]] = {
        "time_in_space_seconds": "time_in_space",
        "time_docked_seconds": "time_docked",
        "fastest_turnaround_seconds": "fastest_turnaround",
    }

    url: str | None = None
    name: str | None = None
    serial_number: str | None = None
    is_placeholder: bool | None = None
    image: Image | None = None
    in_space: bool | None = None
    time_in_space: Duration | None = None
    time_docked: Duration | None = None
    flights_count: int | None = None
    mission_ends_count: int | None = None
    status: SpacecraftStatus | None = None
    description: str | None = None
    spacecraft_config: SpacecraftConfig | None = related()
    fastest_turnaround: Duration | None = None
    flights: list[Annotated[SpacecraftFlight, strawberry.lazy("gateway.types.flight")]] | None = (
        related("This spacecraft's whole flight history.")
    )

    flights_connection = listing(
        "spacecraft_flights",
        Annotated["SpacecraftFlight", strawberry.lazy("gateway.types.flight")],
        "This spacecraft's flights, paged (LL2 `spacecraft_flights?spacecraft=<id>`).",
        scope=lambda spacecraft: {"spacecraft": spacecraft.id},
    )

    @strawberry.field(description="`timeInSpace` in seconds.")
    def time_in_space_seconds(self) -> float | None:
        return duration_seconds(self.time_in_space)

    @strawberry.field(description="`timeDocked` in seconds.")
    def time_docked_seconds(self) -> float | None:
        return duration_seconds(self.time_docked)

    @strawberry.field(description="`fastestTurnaround` in seconds.")
    def fastest_turnaround_seconds(self) -> float | None:
        return duration_seconds(self.fastest_turnaround)
