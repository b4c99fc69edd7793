"""The root ``Subscription``: the single-object root fields of ``Query``, live.

``spacecraftFlight(id)``, ``spaceStation(id)``... take the same arguments and return
the same types as their ``Query`` twins.  A subscription answers its selection at
once, then again each time the watched LL2 object's answer changes (the poller of
:mod:`gateway.live`, shared by every subscriber); the server sends an answer only
when it differs from the last one sent.

Each answer is a new execution with a new request context
(:meth:`gateway.context.Context.renew`), as if a query were asked again.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, cast

import strawberry

from gateway.context import Context
from gateway.errors import GatewayError
from gateway.live import LiveHub
from gateway.types.agency import Agency
from gateway.types.astronaut import Astronaut
from gateway.types.base import Entity
from gateway.types.config import SpacecraftConfig, SpacecraftFamily
from gateway.types.fields import LL2Id
from gateway.types.flight import SpacecraftFlight
from gateway.types.listing import checked_id
from gateway.types.resolving import GatewayInfo
from gateway.types.spacecraft import Spacecraft
from gateway.types.station import DockingEvent, DockingLocation, SpaceStation

__all__ = ["Subscription"]


class _Later:
    """An awaitable whose coroutine is made only when awaited: a subscription event
    dropped unexecuted (the client left) leaves no coroutine never awaited behind."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Awaitable[Entity | None]]) -> None:
        self.make = make

    def __await__(self) -> Generator[Any, None, Entity | None]:
        return self.make().__await__()


async def _events(
    context: Context, info: GatewayInfo, live: LiveHub, resource: str, id: str, path: str
) -> AsyncIterator[object]:
    """The root value of each answer: the object now, then at each change.

    The watch begins with the iteration, so that a stream never iterated (the client
    left at once) leaves nothing watched behind.
    """
    watch = await live.join(resource, id, path)
    try:
        # The first answer as a query would give it: an LL2 failure is the field's error.
        yield _Later(lambda: context.data.one(info, resource, id))
        async for change in watch:
            context.renew()
            yield context.data.received(resource, id, change.data)
    finally:
        await watch.leave()


def watching(resource: str, node: Any, description: str) -> Any:
    """``field(id: ID!): Node`` as a subscription over the object's LL2 answer."""

    async def subscribe(
        root: object, *, info: strawberry.Info[Context, None], id: strawberry.ID
    ) -> AsyncIterator[object]:
        context = info.context
        key = checked_id(resource, id)
        if context.live is None:
            raise GatewayError("Subscriptions are served over WebSocket (graphql-transport-ws).")
        version = context.session.version
        if not version.supports(resource):
            raise version.unsupported(resource)
        path = version.detail_path(resource, key)
        await context.live.admit(path)  # a refusal is the subscription's `error`
        return _events(context, cast(GatewayInfo, info), context.live, resource, key, path)

    returns = AsyncIterator[node | None]
    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("info", keyword, annotation=strawberry.Info[Context, None]),
        inspect.Parameter("id", keyword, annotation=LL2Id),
    ]
    subscribe.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD), *params],
        return_annotation=returns,
    )
    subscribe.__annotations__ = {p.name: p.annotation for p in params} | {"return": returns}
    return strawberry.subscription(resolver=subscribe, description=description)


@strawberry.type(
    description="The single-object fields of Query, live over WebSocket (graphql-transport-ws): "
    "the selection at once, then again each time the LL2 object's answer changes."
)
class Subscription:
    spacecraft = watching(
        "spacecraft", Spacecraft, "A spacecraft by LL2 id, again each time it changes."
    )
    spacecraft_config = watching(
        "spacecraft_configurations",
        SpacecraftConfig,
        "A spacecraft configuration by LL2 id, again each time it changes.",
    )
    spacecraft_family = watching(
        "spacecraft_configuration_families",
        SpacecraftFamily,
        "A spacecraft configuration family by LL2 id, again each time it changes.",
    )
    agency = watching("agencies", Agency, "An agency by LL2 id, again each time it changes.")
    spacecraft_flight = watching(
        "spacecraft_flights",
        SpacecraftFlight,
        "A spacecraft flight by LL2 id, again each time it changes (its crews, dockings, "
        "landing...).",
    )
    astronaut = watching(
        "astronauts", Astronaut, "An astronaut by LL2 id, again each time it changes."
    )
    space_station = watching(
        "space_stations",
        SpaceStation,
        "A space station by LL2 id, again each time it changes (docked vehicles, crew...).",
    )
    docking_event = watching(
        "docking_events", DockingEvent, "A docking event by LL2 id, again each time it changes."
    )
    docking_location = watching(
        "docking_locations",
        DockingLocation,
        "A docking location by LL2 id, again each time it changes.",
    )
