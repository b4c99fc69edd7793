"""Landings: where and how a spacecraft came back."""

from __future__ import annotations

from typing import ClassVar

import strawberry

from gateway.types.base import Entity, Value
from gateway.types.common import Image
from gateway.types.launch import CelestialBody, Location

__all__ = ["Landing", "LandingLocation", "LandingType"]


@strawberry.type(description="Splashdown, runway, parachute, propulsive...")
class LandingType(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    abbrev: str | None = None
    description: str | None = None


@strawberry.type(description="A landing zone, with its record.")
class LandingLocation(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    active: bool | None = None
    abbrev: str | None = None
    description: str | None = None
    location: Location | None = None
    longitude: float | None = None
    latitude: float | None = None
    image: Image | None = None
    successful_landings: int | None = None
    attempted_landings: int | None = None
    failed_landings: int | None = None
    celestial_body: CelestialBody | None = None


@strawberry.type(description="A landing attempt and its outcome.")
class Landing(Entity):
    resource: ClassVar[str] = "landings"

    url: str | None = None
    attempt: bool | None = None
    success: bool | None = None
    description: str | None = None
    downrange_distance: float | None = strawberry.field(
        default=None, description="How far downrange from the launch site it lands, in kilometres."
    )
    landing_location: LandingLocation | None = None
    type: LandingType | None = None
