"""Root fields for spacecraft, their configurations and configuration families."""

from __future__ import annotations

import strawberry

from gateway.resolvers.args import After, First, Search
from gateway.resolvers.lists import fetch_connection, fetch_one
from gateway.types.config import (
    SpacecraftConfig,
    SpacecraftConfigFilter,
    SpacecraftConfigOrdering,
    SpacecraftFamily,
    SpacecraftFamilyFilter,
    SpacecraftFamilyOrdering,
)
from gateway.types.connection import Connection
from gateway.types.spacecraft import Spacecraft, SpacecraftFilter, SpacecraftOrdering

__all__ = ["SpacecraftQuery"]


@strawberry.type
class SpacecraftQuery:
    @strawberry.field(description="A spacecraft by LL2 id, or null when LL2 has none.")
    async def spacecraft(self, info: strawberry.Info, id: strawberry.ID) -> Spacecraft | None:
        return await fetch_one(info, "spacecraft", id)

    @strawberry.field(description="Spacecraft, paged (LL2 `/spacecraft/`).")
    async def spacecrafts(
        self,
        info: strawberry.Info,
        first: First = 10,
        after: After = None,
        search: Search = None,
        ordering: list[SpacecraftOrdering] | None = None,  # type: ignore[valid-type]
        filter: SpacecraftFilter | None = None,
    ) -> Connection[Spacecraft]:
        return await fetch_connection(
            info,
            "spacecraft",
            first=first,
            after=after,
            search=search,
            ordering=ordering,
            filter=filter,
        )

    @strawberry.field(description="A spacecraft configuration by LL2 id.")
    async def spacecraft_config(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> SpacecraftConfig | None:
        return await fetch_one(info, "spacecraft_configurations", id)

    @strawberry.field(description="Spacecraft configurations, paged.")
    async def spacecraft_configs(
        self,
        info: strawberry.Info,
        first: First = 10,
        after: After = None,
        search: Search = None,
        ordering: list[SpacecraftConfigOrdering] | None = None,  # type: ignore[valid-type]
        filter: SpacecraftConfigFilter | None = None,
    ) -> Connection[SpacecraftConfig]:
        return await fetch_connection(
            info,
            "spacecraft_configurations",
            first=first,
            after=after,
            search=search,
            ordering=ordering,
            filter=filter,
        )

    @strawberry.field(description="A spacecraft configuration family by LL2 id.")
    async def spacecraft_family(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> SpacecraftFamily | None:
        return await fetch_one(info, "spacecraft_configuration_families", id)

    @strawberry.field(description="Spacecraft configuration families, paged.")
    async def spacecraft_families(
        self,
        info: strawberry.Info,
        first: First = 10,
        after: After = None,
        search: Search = None,
        ordering: list[SpacecraftFamilyOrdering] | None = None,  # type: ignore[valid-type]
        filter: SpacecraftFamilyFilter | None = None,
    ) -> Connection[SpacecraftFamily]:
        return await fetch_connection(
            info,
            "spacecraft_configuration_families",
            first=first,
            after=after,
            search=search,
            ordering=ordering,
            filter=filter,
        )
