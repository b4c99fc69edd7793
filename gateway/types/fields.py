"""Field factories: one object by id, or a page of a list, for any resource.

Every list in the schema takes the same arguments (``first``, ``after``, and where LL2
has them ``search``, ``ordering`` and ``filter``) and resolves the same way, so the
fields are made here from a few facts rather than written out per resource.  Their
resolvers check the arguments (:mod:`gateway.types.listing`) and hand the loading to
the request (:class:`~gateway.types.resolving.RequestData`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Annotated, Any

import strawberry

from gateway.types.connection import Connection
from gateway.types.listing import checked_id, list_query
from gateway.types.resolving import GatewayInfo

__all__ = ["After", "First", "Search", "listing", "lookup"]

First = Annotated[
    int, strawberry.argument(description="How many items (0 to 100, LL2's page limit).")
]
After = Annotated[
    str | None, strawberry.argument(description="The cursor of the item this page starts after.")
]
Search = Annotated[
    str | None,
    strawberry.argument(description="LL2's free-text search over this list's search fields."),
]

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

    params = [_param("info", GatewayInfo), _param("id", strawberry.ID)]
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
        _param("first", First, 10),
        _param("after", After, None),
    ]
    if search:
        params.append(_param("search", Search, None))
    if ordering is not None:
        params.append(_param("ordering", list[ordering] | None, None))
    if filter is not None:
        params.append(_param("filter", filter | None, None))
    # Nullable: a page LL2 fails to give nulls itself, not its siblings.
    return _field(resolve, params, Connection[node] | None, description)
