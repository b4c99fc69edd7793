"""Astronauts and the crew seats they fill on flights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from gateway.types.agency import Agency
from gateway.types.arguments import DateTimeRange, FilterInput, IntRange, ordering_enum
from gateway.types.base import Entity, Value, legacy_only, related
from gateway.types.common import Country, Image, SocialMediaLink
from gateway.types.launch import Launch
from gateway.types.scalars import Date, DateTime, Duration, duration_seconds

if TYPE_CHECKING:
    from gateway.types.flight import SpacecraftFlight

__all__ = [
    "Astronaut",
    "AstronautFilter",
    "AstronautOrdering",
    "AstronautRole",
    "AstronautStatus",
    "AstronautType",
    "CrewMember",
    "Spacewalk",
]

AstronautOrdering = ordering_enum(
    "AstronautOrdering",
    [
        "age",
        "date_of_birth",
        "eva_time",
        "flights_count",
        "id",
        "landings_count",
        "last_flight",
        "name",
        "spacewalks_count",
        "status",
        "time_in_space",
    ],
    "astronauts",
)


@strawberry.input(description="LL2's astronaut filters; all given must match.")
class AstronautFilter(FilterInput):
    PARAMS: ClassVar[dict[str, str]] = {"type_id": "type__id"}

    agency_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Agency ids; any of them matches."
    )
    status_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Astronaut status ids; any of them matches."
    )
    type_id: strawberry.ID | None = None
    nationality: str | None = None
    in_space: bool | None = None
    has_flown: bool | None = None
    is_human: bool | None = None
    age: IntRange | None = None
    flights_count: IntRange | None = None
    landings_count: IntRange | None = None
    date_of_birth: DateTimeRange | None = None
    date_of_death: DateTimeRange | None = None
    first_flight: DateTimeRange | None = None
    last_flight: DateTimeRange | None = None


@strawberry.type(description="Active, Retired, Deceased...")
class AstronautStatus(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="Government, Private, Non-Human...")
class AstronautType(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="A crew role (Commander, Pilot...); lower priority ranks first.")
class AstronautRole(Value):
    id: strawberry.ID | None = None
    role: str | None = None
    priority: int | None = None


@strawberry.type(description="An astronaut.")
class Astronaut(Entity):
    resource: ClassVar[str] = "astronauts"
    DERIVED: ClassVar[dict[str, str]] = {
        "time_in_space_seconds": "time_in_space",
        "eva_time_seconds": "eva_time",
    }

    url: str | None = None
    name: str | None = None
    status: AstronautStatus | None = None
    agency: Agency | None = related()
    image: Image | None = None
    type: AstronautType | None = None
    in_space: bool | None = None
    time_in_space: Duration | None = None
    eva_time: Duration | None = None
    age: int | None = None
    date_of_birth: Date | None = None
    date_of_death: Date | None = None
    nationality: list[Country] | None = None
    bio: str | None = None
    wiki: str | None = None
    last_flight: DateTime | None = None
    first_flight: DateTime | None = None
    social_media_links: list[SocialMediaLink] | None = None
    twitter: str | None = legacy_only("Twitter profile URL (2.3.0: `socialMediaLinks`).")
    instagram: str | None = legacy_only("Instagram profile URL (2.3.0: `socialMediaLinks`).")
    flights_count: int | None = None
    landings_count: int | None = None
    spacewalks_count: int | None = None
    flights: list[Launch] | None = related("The launches this astronaut flew on.")
    landings: list[Annotated[SpacecraftFlight, strawberry.lazy("gateway.types.flight")]] | None = (
        related("The spacecraft flights this astronaut landed on.")
    )
    spacewalks: list[Spacewalk] | None = None

    @strawberry.field(description="`timeInSpace` in seconds.")
    def time_in_space_seconds(self) -> float | None:
        return duration_seconds(self.time_in_space)

    @strawberry.field(description="`evaTime` in seconds.")
    def eva_time_seconds(self) -> float | None:
        return duration_seconds(self.eva_time)


@strawberry.type(description="A seat on a flight: who, in which role (LL2's AstronautFlight).")
class CrewMember(Value):
    id: strawberry.ID | None = None
    role: AstronautRole | None = None
    astronaut: Astronaut | None = related()


@strawberry.type(description="An extravehicular activity.")
class Spacewalk(Value):
    DERIVED: ClassVar[dict[str, str]] = {"duration_seconds": "duration"}

    id: strawberry.ID | None = None
    url: str | None = None
    name: str | None = None
    start: DateTime | None = None
    end: DateTime | None = None
    duration: Duration | None = None
    location: str | None = None
    crew: list[CrewMember] | None = None

    @strawberry.field(description="`duration` in seconds.")
    def duration_seconds(self) -> float | None:
        return duration_seconds(self.duration)
