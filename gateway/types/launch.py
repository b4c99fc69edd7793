"""Launches as a spacecraft flight embeds them: status, rocket, mission, pad, programs."""

from __future__ import annotations

from typing import ClassVar

import strawberry

from gateway.types.agency import Agency
from gateway.types.base import Entity, Value, legacy_only, related
from gateway.types.common import Country, Image
from gateway.types.scalars import DateTime, Duration

__all__ = [
    "CelestialBody",
    "CelestialBodyType",
    "InfoUrl",
    "Language",
    "Launch",
    "LaunchStatus",
    "LaunchUpdate",
    "LauncherConfig",
    "LauncherConfigFamily",
    "Location",
    "Mission",
    "MissionPatch",
    "NetPrecision",
    "Orbit",
    "Pad",
    "Program",
    "ProgramType",
    "Rocket",
    "TimelineEvent",
    "TimelineEventType",
    "UrlType",
    "VidUrl",
]


@strawberry.type(description="Go, TBD, Success, Failure...")
class LaunchStatus(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    abbrev: str | None = None
    description: str | None = None


@strawberry.type(description="How precise a launch's `net` is (second, hour, day, month...).")
class NetPrecision(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    abbrev: str | None = None
    description: str | None = None


@strawberry.type(description="A launcher family (Falcon, Long March...).")
class LauncherConfigFamily(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="A launcher configuration (Falcon 9 Block 5...).")
class LauncherConfig(Value):
    id: strawberry.ID | None = None
    url: str | None = None
    name: str | None = None
    families: list[LauncherConfigFamily] | None = None
    full_name: str | None = None
    variant: str | None = None
    launch_library_id: int | None = legacy_only("its id in the original Launch Library.", "2.0.0")


@strawberry.type(description="The rocket of a launch.")
class Rocket(Value):
    id: strawberry.ID | None = None
    configuration: LauncherConfig | None = None


@strawberry.type(description="Planet, Moon, Star...")
class CelestialBodyType(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="A celestial body (Earth, the Moon, Mars...).")
class CelestialBody(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    type: CelestialBodyType | None = None
    diameter: float | None = None
    mass: float | None = None
    gravity: float | None = None
    length_of_day: str | None = None
    atmosphere: bool | None = None
    image: Image | None = None
    description: str | None = None
    wiki_url: str | None = None
    total_attempted_launches: int | None = None
    successful_launches: int | None = None
    failed_launches: int | None = None
    total_attempted_landings: int | None = None
    successful_landings: int | None = None
    failed_landings: int | None = None


@strawberry.type(description="An orbit (Low Earth Orbit, Sun-Synchronous...).")
class Orbit(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    abbrev: str | None = None
    celestial_body: CelestialBody | None = None


@strawberry.type(description="A language of a linked page or video.")
class Language(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    code: str | None = None


@strawberry.type(description="The kind of a linked page or video.")
class UrlType(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="A page about a mission.")
class InfoUrl(Value):
    priority: int | None = None
    source: str | None = None
    title: str | None = None
    description: str | None = None
    feature_image: str | None = None
    url: str | None = None
    type: UrlType | None = None
    language: Language | None = None


@strawberry.type(description="A video about a mission (a webcast...).")
class VidUrl(Value):
    priority: int | None = None
    source: str | None = None
    publisher: str | None = None
    title: str | None = None
    description: str | None = None
    feature_image: str | None = None
    url: str | None = None
    type: UrlType | None = None
    language: Language | None = None
    start_time: DateTime | None = None
    end_time: DateTime | None = None
    live: bool | None = None


@strawberry.type(description="What a launch is for.")
class Mission(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    type: str | None = None
    description: str | None = None
    image: Image | None = None
    orbit: Orbit | None = None
    agencies: list[Agency] | None = related()
    info_urls: list[InfoUrl] | None = None
    vid_urls: list[VidUrl] | None = None
    launch_designator: str | None = legacy_only(
        "the international designator (2.3.0: the launch's)."
    )
    launch_library_id: int | None = legacy_only("its id in the original Launch Library.", "2.0.0")


@strawberry.type(description="A launch site (Cape Canaveral, Baikonur...).")
class Location(Value):
    id: strawberry.ID | None = None
    url: str | None = None
    name: str | None = None
    celestial_body: CelestialBody | None = None
    active: bool | None = None
    country: Country | None = None
    description: str | None = None
    image: Image | None = None
    map_image: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    timezone_name: str | None = None
    total_launch_count: int | None = None
    total_landing_count: int | None = None


@strawberry.type(description="A launch pad at a location.")
class Pad(Value):
    id: strawberry.ID | None = None
    url: str | None = None
    active: bool | None = None
    agencies: list[Agency] | None = related()
    name: str | None = None
    image: Image | None = None
    description: str | None = None
    info_url: str | None = None
    wiki_url: str | None = None
    map_url: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    country: Country | None = None
    map_image: str | None = None
    total_launch_count: int | None = None
    orbital_launch_attempt_count: int | None = None
    fastest_turnaround: Duration | None = None
    location: Location | None = None
    agency_id: int | None = legacy_only("the id of the pad's agency (2.3.0: `agencies`).")


@strawberry.type(description="The kind of a program.")
class ProgramType(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="A mission patch.")
class MissionPatch(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    priority: int | None = None
    image_url: str | None = None
    agency: Agency | None = related()


@strawberry.type(description="A program (ISS, Artemis, Commercial Crew...).")
class Program(Value):
    id: strawberry.ID | None = None
    url: str | None = None
    name: str | None = None
    image: Image | None = None
    info_url: str | None = None
    wiki_url: str | None = None
    description: str | None = None
    agencies: list[Agency] | None = related()
    start_date: DateTime | None = None
    end_date: DateTime | None = None
    mission_patches: list[MissionPatch] | None = None
    type: ProgramType | None = None


@strawberry.type(description="The kind of a launch timeline event.")
class TimelineEventType(Value):
    id: strawberry.ID | None = None
    abbrev: str | None = None
    description: str | None = None


@strawberry.type(description="An event of a launch timeline, relative to lift-off.")
class TimelineEvent(Value):
    type: TimelineEventType | None = None
    relative_time: Duration | None = None


@strawberry.type(description="A news update about a launch (LL2's Update).")
class LaunchUpdate(Value):
    id: strawberry.ID | None = None
    profile_image: str | None = None
    comment: str | None = None
    info_url: str | None = None
    created_by: str | None = None
    created_on: DateTime | None = None


@strawberry.type(
    description="A launch. LL2 embeds its normal form in flights and astronauts; the "
    "detailed-only fields (webcasts, timeline, updates...) are fetched when selected."
)
class Launch(Entity):
    resource: ClassVar[str] = "launches"

    url: str | None = None
    name: str | None = None
    slug: str | None = None
    launch_designator: str | None = None
    status: LaunchStatus | None = None
    last_updated: DateTime | None = None
    net: DateTime | None = strawberry.field(
        default=None,
        description="When it launches (or launched): no earlier than this (NET); "
        "`netPrecision` says how precise it is.",
    )
    net_precision: NetPrecision | None = None
    window_end: DateTime | None = None
    window_start: DateTime | None = None
    image: Image | None = None
    infographic: str | None = None
    probability: int | None = None
    weather_concerns: str | None = None
    failreason: str | None = None
    hashtag: str | None = None
    launch_service_provider: Agency | None = related()
    rocket: Rocket | None = None
    mission: Mission | None = None
    pad: Pad | None = None
    webcast_live: bool | None = None
    program: list[Program] | None = None
    orbital_launch_attempt_count: int | None = None
    location_launch_attempt_count: int | None = None
    pad_launch_attempt_count: int | None = None
    agency_launch_attempt_count: int | None = None
    orbital_launch_attempt_count_year: int | None = None
    location_launch_attempt_count_year: int | None = None
    pad_launch_attempt_count_year: int | None = None
    agency_launch_attempt_count_year: int | None = None
    flightclub_url: str | None = None
    pad_turnaround: Duration | None = None
    mission_patches: list[MissionPatch] | None = None
    info_urls: list[InfoUrl] | None = None
    vid_urls: list[VidUrl] | None = strawberry.field(
        default=None, description="Webcasts and videos."
    )
    timeline: list[TimelineEvent] | None = None
    updates: list[LaunchUpdate] | None = None
    launch_library_id: int | None = legacy_only("its id in the original Launch Library.", "2.0.0")
    holdreason: str | None = legacy_only("why the countdown is on hold.")
    inhold: bool | None = legacy_only("whether the countdown is on hold.", "2.0.0")
    tbdtime: bool | None = legacy_only("whether the time is to be determined.", "2.0.0")
    tbddate: bool | None = legacy_only("whether the date is to be determined.", "2.0.0")
    r_spacex_api_id: str | None = legacy_only("the launch's id in the r/SpaceX API.")
