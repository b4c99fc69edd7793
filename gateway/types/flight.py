"""Spacecraft flights: one spacecraft's trip, from launch through docking to landing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from gateway.types.arguments import FilterInput
from gateway.types.astronaut import CrewMember
from gateway.types.base import Entity, related
from gateway.types.landing import Landing
from gateway.types.launch import Launch
from gateway.types.scalars import DateTime, Duration, duration_seconds

if TYPE_CHECKING:
    from gateway.types.spacecraft import Spacecraft
    from gateway.types.station import DockingEvent

__all__ = ["SpacecraftFlight", "SpacecraftFlightFilter"]


@strawberry.input(description="LL2's spacecraft flight filters.")
class SpacecraftFlightFilter(FilterInput):
    spacecraft: strawberry.ID | None = strawberry.field(
        default=None, description="Only flights of this spacecraft (its id)."
    )


@strawberry.type(description="A flight of one spacecraft: launch, crews, dockings, landing.")
class SpacecraftFlight(Entity):
    resource: ClassVar[str] = "spacecraft_flights"
    DERIVED: ClassVar[dict[str, str]] = {
        "duration_seconds": "duration",
        "turn_around_time_seconds": "turn_around_time",
    }

    url: str | None = None
    destination: str | None = None
    mission_end: DateTime | None = None
    spacecraft: Annotated[Spacecraft, strawberry.lazy("gateway.types.spacecraft")] | None = (
        related()
    )
    launch: Launch | None = related()
    landing: Landing | None = related()
    duration: Duration | None = None
    turn_around_time: Duration | None = None
    launch_crew: list[CrewMember] | None = None
    onboard_crew: list[CrewMember] | None = None
    landing_crew: list[CrewMember] | None = None
    docking_events: (
        list[Annotated[DockingEvent, strawberry.lazy("gateway.types.station")]] | None
    ) = related()

    @strawberry.field(description="`duration` in seconds.")
    def duration_seconds(self) -> float | None:
        return duration_seconds(self.duration)

    @strawberry.field(description="`turnAroundTime` in seconds.")
    def turn_around_time_seconds(self) -> float | None:
        return duration_seconds(self.turn_around_time)
