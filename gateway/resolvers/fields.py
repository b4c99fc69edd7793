"""Field factories: one object by id, or a page of a list, for any resource.

Every list in the schema takes the same arguments (``first``, ``after``, and where LL2
has them ``search``, ``ordering`` and ``filter``) and resolves the same way, so the
fields are made here from a few facts rather than written out per resource.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import strawberry

from gateway.resolvers.args import After, First, Search
from gateway.resolvers.lists import fetch_connection, fetch_one
from gateway.types.connection import Connection

__all__ = ["listing", "lookup"]

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

    async def resolve(root: Any, *, info: strawberry.Info, id: strawberry.ID) -> Any:
        return await fetch_one(info, resource, id)

    params = [_param("info", strawberry.Info), _param("id", strawberry.ID)]
    return _field(resolve, params, node | None, description)


def listing(
    resource: str,
    node: Any,
    description: str,
    *,
    search: bool = False,
    ordering: Any = None,
    filter: Any = None,
    scope: Callable[[Any], dict[str, Any]] | None = None,
) -> Any:
    """A connection over an LL2 list; ``scope`` pins filters from the parent object."""

    async def resolve(root: Any, *, info: strawberry.Info, **arguments: Any) -> Any:
        if scope is None:
            return await fetch_connection(info, resource, **arguments)
        if not getattr(root, "id", None):
            return None  # LL2 sent the parent without an id: no filter may stand for it
        return await fetch_connection(info, resource, params=scope(root), **arguments)

    params = [
        _param("info", strawberry.Info),
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
