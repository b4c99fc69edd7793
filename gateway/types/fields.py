"""Field factories: one object by id, or a page of a list, for any resource.

Every list in the schema takes the same arguments (``first``, ``after``, ``last``,
``before``, and where LL2 has them ``search``, ``ordering`` and ``filter``) and
resolves the same way, so the fields are made here from a few facts rather than
written out per resource.  Their resolvers check the arguments
(:mod:`gateway.types.listing`) and hand the loading to the request
(:class:`~gateway.types.resolving.RequestData`).  ``node`` and ``nodes`` load any
entity by its global id the way its own root field loads it by LL2 id.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Annotated, Any

import strawberry

from gateway.errors import BadUserInput
from gateway.ll2 import RESOURCES
from gateway.types.base import Entity
from gateway.types.connection import Connection
from gateway.types.listing import MAX_PAGE, checked_id, list_query
from gateway.types.node import Node, decode_global_id
from gateway.types.resolving import GatewayInfo

__all__ = [
    "After",
    "Before",
    "First",
    "Last",
    "Search",
    "listing",
    "lookup",
    "node_lookup",
    "nodes_lookup",
]

First = Annotated[
    int | None,
    strawberry.argument(
        description="Page forward: how many items (0 to 100, LL2's page limit), from the "
        "start or after `after`; 10 when neither `first` nor `last` is given."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="The cursor of the item this page starts after (an `endCursor` or an "
        "edge's `cursor`)."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Page backward: how many items (0 to 100), up to `before`, or the end "
        "of the list. Not with `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="The cursor of the item this page ends before (a `startCursor` or an "
        "edge's `cursor`)."
    ),
]
Search = Annotated[
    str | None,
    strawberry.argument(description="LL2's free-text search over this list's search fields."),
]

LL2Id = Annotated[
    strawberry.ID,
    strawberry.argument(description="The LL2 id (the object's `id`; LL2 numbers each type apart)."),
]
NodeId = Annotated[
    strawberry.ID, strawberry.argument(description="A `globalId`, as any object's gives it.")
]
NodeIds = Annotated[
    list[strawberry.ID],
    strawberry.argument(description="Up to 100 `globalId`s, as objects give them."),
]

_ORDERING = strawberry.argument(
    description="Sort keys, the first deciding first (LL2 `ordering`); LL2's own order when "
    "left out."
)
_FILTER = strawberry.argument(description="LL2's filters on this list; all given must match.")

_KW = inspect.Parameter.KEYWORD_ONLY


def _param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, _KW, annotation=annotation, default=default)


def _field(
    resolve: Callable[..., Any], params: list[inspect.Parameter], returns: Any, description: str
) -> Any:
    resolve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD), *params],
        return_annotation=returns,
    )
    resolve.__annotations__ = {p.name: p.annotation for p in params} | {"return": returns}
    return strawberry.field(resolver=resolve, description=description)


def lookup(resource: str, node: Any, description: str) -> Any:
    """``field(id: ID!): Node``, null when LL2 has no such id."""

    async def resolve(root: object, *, info: GatewayInfo, id: strawberry.ID) -> Any:
        return await info.context.data.one(info, resource, checked_id(resource, id))

    params = [_param("info", GatewayInfo), _param("id", LL2Id)]
    return _field(resolve, params, node | None, description)


def listing(
    resource: str,
    node: Any,
    description: str,
    *,
    search: bool = False,
    ordering: Any = None,
    filter: Any = None,
    scope: Callable[[Any], Mapping[str, object]] | None = None,
) -> Any:
    """A connection over an LL2 list; ``scope`` pins filters from the parent object."""

    async def resolve(root: Any, *, info: GatewayInfo, **arguments: Any) -> Any:
        if scope is None:
            query = list_query(**arguments)
        elif not getattr(root, "id", None):
            return None  # LL2 sent the parent without an id: no filter may stand for it
        else:
            query = list_query(scope=scope(root), **arguments)
        return await info.context.data.page(info, resource, query)

    params = [
        _param("info", GatewayInfo),
        _param("first", First, None),
        _param("after", After, None),
        _param("last", Last, None),
        _param("before", Before, None),
    ]
    if search:
        params.append(_param("search", Search, None))
    if ordering is not None:
        params.append(_param("ordering", Annotated[list[ordering] | None, _ORDERING], None))
    if filter is not None:
        params.append(_param("filter", Annotated[filter | None, _FILTER], None))
    # Nullable: a page LL2 fails to give nulls itself, not its siblings.
    return _field(resolve, params, Connection[node] | None, description)


def _node_types() -> dict[str, type[Entity]]:
    """GraphQL type name -> entity class, for every Node type."""
    found: dict[str, type[Entity]] = {}
    for cls in Entity.registry.values():
        found[cls.__strawberry_definition__.name] = cls  # type: ignore[attr-defined]
    return found


def _node_target(global_id: str, types: dict[str, type[Entity]], argument: str) -> tuple[str, str]:
    """The (resource, LL2 id) a global id names; ``BAD_USER_INPUT`` if it names none."""
    type_name, id = decode_global_id(global_id, argument)
    cls = types.get(type_name)
    if cls is None or (
        RESOURCES[cls.resource].id_kind == "integer" and not (id.isascii() and id.isdigit())
    ):
        raise BadUserInput(
            f"Malformed global id {global_id!r}: pass the `globalId` of an object.",
            argument=argument,
        )
    return cls.resource, id


def node_lookup(description: str) -> Any:
    """``node(id: ID!): Node``: any entity by global id, null when LL2 has no such id."""
    types: dict[str, type[Entity]] = {}

    async def resolve(root: object, *, info: GatewayInfo, id: strawberry.ID) -> Any:
        if not types:
            types.update(_node_types())
        resource, ll2_id = _node_target(id, types, "id")
        return await info.context.data.one(info, resource, ll2_id)

    params = [_param("info", GatewayInfo), _param("id", NodeId)]
    return _field(resolve, params, Node | None, description)


def nodes_lookup(description: str) -> Any:
    """``nodes(ids: [ID!]!): [Node]``: entities by global id, in order, null where LL2
    has none; loaded together, as the same ids through ``node`` would be."""
    types: dict[str, type[Entity]] = {}

    def resolve(root: object, *, info: GatewayInfo, ids: list[strawberry.ID]) -> Any:
        if len(ids) > MAX_PAGE:
            raise BadUserInput(
                f"`ids` takes at most {MAX_PAGE} ids, got {len(ids)}.", argument="ids"
            )
        if not types:
            types.update(_node_types())
        targets = [_node_target(i, types, "ids") for i in ids]
        # One awaitable per item: graphql-core awaits them together (the loaders batch
        # them) and a failed item is null with its own error, not the whole list.
        return [info.context.data.one(info, resource, id) for resource, id in targets]

    params = [_param("info", GatewayInfo), _param("ids", NodeIds)]
    return _field(resolve, params, list[Node | None] | None, description)
