"""The root ``Query``: the per-resource root fields, merged into one type."""

from __future__ import annotations

from strawberry.tools import merge_types

from gateway.resolvers.agencies import AgencyQuery
from gateway.resolvers.flights import FlightQuery
from gateway.resolvers.spacecraft import SpacecraftQuery
from gateway.resolvers.stations import StationQuery
from gateway.resolvers.status import StatusQuery

__all__ = ["Query"]

Query = merge_types("Query", (SpacecraftQuery, AgencyQuery, FlightQuery, StationQuery, StatusQuery))
