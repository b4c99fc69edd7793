"""Root fields for agencies."""

from __future__ import annotations

import strawberry

from gateway.resolvers.args import After, First, Search
from gateway.resolvers.lists import fetch_connection, fetch_one
from gateway.types.agency import Agency, AgencyFilter, AgencyOrdering
from gateway.types.connection import Connection

__all__ = ["AgencyQuery"]


@strawberry.type
class AgencyQuery:
    @strawberry.field(description="An agency by LL2 id, or null when LL2 has none.")
    async def agency(self, info: strawberry.Info, id: strawberry.ID) -> Agency | None:
        return await fetch_one(info, "agencies", id)

    @strawberry.field(description="Agencies, paged (LL2 `/agencies/`).")
    async def agencies(
        self,
        info: strawberry.Info,
        first: First = 10,
        after: After = None,
        search: Search = None,
        ordering: list[AgencyOrdering] | None = None,  # type: ignore[valid-type]
        filter: AgencyFilter | None = None,
    ) -> Connection[Agency]:
        return await fetch_connection(
            info,
            "agencies",
            first=first,
            after=after,
            search=search,
            ordering=ordering,
            filter=filter,
        )
