"""Agencies: space agencies, manufacturers and launch providers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from gateway.types.arguments import FilterInput, IntRange, ordering_enum
from gateway.types.base import Entity, legacy_only, related
from gateway.types.common import AgencyType, Country, Image, SocialMediaLink
from gateway.types.fields import listing

if TYPE_CHECKING:
    from gateway.types.config import SpacecraftConfig, SpacecraftConfigOrdering

__all__ = ["Agency", "AgencyFilter", "AgencyOrdering"]

AgencyOrdering = ordering_enum(
    "AgencyOrdering",
    [
        "attempted_landings",
        "consecutive_successful_landings",
        "consecutive_successful_launches",
        "failed_landings",
        "failed_launches",
        "featured",
        "id",
        "name",
        "pending_launches",
        "successful_landings",
        "successful_launches",
        "total_launch_count",
    ],
    "agencies",
)


@strawberry.input(description="LL2's agency filters; all given must match.")
class AgencyFilter(FilterInput):
    PARAMS: ClassVar[dict[str, str]] = {
        "abbrev_contains": "abbrev__contains",
        "description_contains": "description__contains",
        "name_contains": "name__contains",
        "parent_id": "parent__id",
        "type_id": "type__id",
    }

    id: strawberry.ID | None = None
    name: str | None = None
    name_contains: str | None = None
    abbrev: str | None = None
    abbrev_contains: str | None = None
    description: str | None = None
    description_contains: str | None = None
    featured: bool | None = None
    type_id: strawberry.ID | None = None
    parent_id: strawberry.ID | None = None
    country_code: list[str] | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-3 codes; any of them matches."
    )
    spacecraft: bool | None = strawberry.field(
        default=None, description="Only agencies that do (or do not) build spacecraft."
    )
    founding_year: IntRange | None = None
    total_launch_count: IntRange | None = None
    successful_launches: IntRange | None = None
    failed_launches: IntRange | None = None
    pending_launches: IntRange | None = None
    consecutive_successful_launches: IntRange | None = None
    attempted_landings: IntRange | None = None
    successful_landings: IntRange | None = None
    failed_landings: IntRange | None = None
    consecutive_successful_landings: IntRange | None = None


@strawberry.type(
    description="An agency: a space agency, a manufacturer or a launch service provider. "
    "LL2 embeds a short form almost everywhere; the gateway fetches the full one "
    "only when a selected field needs it."
)
class Agency(Entity):
    resource: ClassVar[str] = "agencies"

    url: str | None = None
    name: str | None = None
    abbrev: str | None = None
    type: AgencyType | None = None
    featured: bool | None = None
    country: list[Country] | None = None
    description: str | None = None
    administrator: str | None = None
    founding_year: int | None = None
    launchers: str | None = strawberry.field(
        default=None, description="Launcher names, as a comma-separated string."
    )
    spacecraft: str | None = strawberry.field(
        default=None, description="Spacecraft names, as a comma-separated string."
    )
    parent: str | None = strawberry.field(default=None, description="The parent agency's name.")
    image: Image | None = None
    logo: Image | None = None
    social_logo: Image | None = None
    total_launch_count: int | None = None
    consecutive_successful_launches: int | None = None
    successful_launches: int | None = None
    failed_launches: int | None = None
    pending_launches: int | None = None
    consecutive_successful_landings: int | None = None
    successful_landings: int | None = None
    failed_landings: int | None = None
    attempted_landings: int | None = None
    successful_landings_spacecraft: int | None = None
    failed_landings_spacecraft: int | None = None
    attempted_landings_spacecraft: int | None = None
    successful_landings_payload: int | None = None
    failed_landings_payload: int | None = None
    attempted_landings_payload: int | None = None
    info_url: str | None = None
    wiki_url: str | None = None
    social_media_links: list[SocialMediaLink] | None = None
    launch_library_url: str | None = legacy_only("the agency in the original Launch Library.")
    nation_url: str | None = legacy_only("an image of the agency's nation.")
    spacecraft_list: (
        list[Annotated[SpacecraftConfig, strawberry.lazy("gateway.types.config")]] | None
    ) = related()

    spacecraft_configs = listing(
        "spacecraft_configurations",
        Annotated["SpacecraftConfig", strawberry.lazy("gateway.types.config")],
        "This agency's spacecraft configurations, paged "
        "(LL2 `spacecraft_configurations?agency=<id>`).",
        search=True,
        ordering=Annotated["SpacecraftConfigOrdering", strawberry.lazy("gateway.types.config")],
        scope=lambda agency: {"agency": agency.id},
    )
