"""Spacecraft configurations (Crew Dragon 2, Soyuz MS...) and their families."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from gateway.types.agency import Agency
from gateway.types.arguments import FilterInput, ordering_enum
from gateway.types.base import Entity, legacy_only, related
from gateway.types.common import Image, SpacecraftConfigType
from gateway.types.fields import listing
from gateway.types.scalars import Date, Duration, duration_seconds

if TYPE_CHECKING:
    from gateway.types.spacecraft import Spacecraft, SpacecraftFilter, SpacecraftOrdering

__all__ = [
    "SpacecraftConfig",
    "SpacecraftConfigFilter",
    "SpacecraftConfigOrdering",
    "SpacecraftFamily",
    "SpacecraftFamilyFilter",
    "SpacecraftFamilyOrdering",
]

SpacecraftConfigOrdering = ordering_enum(
    "SpacecraftConfigOrdering", ["name"], "spacecraft configurations"
)
SpacecraftFamilyOrdering = ordering_enum(
    "SpacecraftFamilyOrdering", ["name"], "spacecraft configuration families"
)


@strawberry.input(description="LL2's spacecraft configuration filters; all given must match.")
class SpacecraftConfigFilter(FilterInput):
    agency: strawberry.ID | None = strawberry.field(
        default=None, description="Only configurations of this agency (its id)."
    )
    human_rated: bool | None = None
    in_use: bool | None = None
    name: str | None = None


@strawberry.input(description="LL2's spacecraft family filters; all given must match.")
class SpacecraftFamilyFilter(FilterInput):
    manufacturer: strawberry.ID | None = strawberry.field(
        default=None, description="Only families of this manufacturer (an agency id)."
    )
    name: str | None = None


@strawberry.type(description="A family of spacecraft configurations (Dragon, Soyuz...).")
class SpacecraftFamily(Entity):
    resource: ClassVar[str] = "spacecraft_configuration_families"

    name: str | None = None
    description: str | None = None
    manufacturer: Agency | None = related()
    parent: SpacecraftFamily | None = related()
    maiden_flight: Date | None = None
    spacecraft_flown: int | None = None
    total_launch_count: int | None = None
    successful_launches: int | None = None
    failed_launches: int | None = None
    attempted_landings: int | None = None
    successful_landings: int | None = None
    failed_landings: int | None = None
    spacecraft: list[SpacecraftConfig] | None = related("The configurations of this family.")


@strawberry.type(description="A spacecraft configuration: the design every serial is built to.")
class SpacecraftConfig(Entity):
    resource: ClassVar[str] = "spacecraft_configurations"
    DERIVED: ClassVar[dict[str, str]] = {"fastest_turnaround_seconds": "fastest_turnaround"}

    url: str | None = None
    name: str | None = None
    type: SpacecraftConfigType | None = None
    agency: Agency | None = related()
    family: list[SpacecraftFamily] | None = related()
    in_use: bool | None = None
    image: Image | None = None
    capability: str | None = None
    history: str | None = None
    details: str | None = None
    maiden_flight: Date | None = None
    height: float | None = strawberry.field(
        default=None, description='Length, in metres (LL2 2.2.0: "Length (m)").'
    )
    diameter: float | None = strawberry.field(default=None, description="Diameter, in metres.")
    human_rated: bool | None = None
    crew_capacity: int | None = None
    payload_capacity: int | None = strawberry.field(
        default=None, description="How much payload it carries up, in kilograms."
    )
    payload_return_capacity: int | None = strawberry.field(
        default=None, description="How much payload it brings back, in kilograms."
    )
    flight_life: str | None = None
    wiki_link: str | None = None
    info_link: str | None = None
    nation_url: str | None = legacy_only("an image of the configuration's nation.")
    spacecraft_flown: int | None = None
    total_launch_count: int | None = None
    successful_launches: int | None = None
    failed_launches: int | None = None
    attempted_landings: int | None = None
    successful_landings: int | None = None
    failed_landings: int | None = None
    fastest_turnaround: Duration | None = None

    @strawberry.field(description="`fastestTurnaround` in seconds.")
    def fastest_turnaround_seconds(self) -> float | None:
        return duration_seconds(self.fastest_turnaround)

    spacecraft = listing(
        "spacecraft",
        Annotated["Spacecraft", strawberry.lazy("gateway.types.spacecraft")],
        "The spacecraft built to this configuration, paged "
        "(LL2 `spacecraft?spacecraft_config=<id>`).",
        search=True,
        ordering=Annotated["SpacecraftOrdering", strawberry.lazy("gateway.types.spacecraft")],
        filter=Annotated["SpacecraftFilter", strawberry.lazy("gateway.types.spacecraft")],
        scope=lambda config: {"spacecraft_config": config.id},
    )
