"""``Query._entities``: the objects other subgraphs reference, found by their keys.

A supergraph router sends every reference one subgraph fetch needs in one
``_entities(representations: [...])`` call: ``{"__typename": "Spacecraft", "id": "602"}``
each.  Each is looked up exactly as ``spacecraft(id: "602")`` would be, through the
request's loaders (:meth:`~gateway.types.resolving.RequestData.one`): the lookups of one
call are planned as one batch per resource and identical ones are made once, so
twenty references cost what twenty ids in one query cost.

The answer keeps the order of the representations.  A representation that names no
entity type of this subgraph, or whose ``id`` is not an LL2 id, is that item's own
``BAD_USER_INPUT`` error; an LL2 failure is the error of the items that needed the
call; an id LL2 does not have is null, as for the root lookups.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

from gateway.errors import BadUserInput
from gateway.types.base import Entity
from gateway.types.federation import KEY_FIELDS
from gateway.types.listing import checked_id
from gateway.types.resolving import GatewayInfo

__all__ = ["resolve_entities"]


def _resource(representation: Any, index: int) -> str:
    if not isinstance(representation, Mapping):
        raise BadUserInput(
            f"representations[{index}] must be an object with `__typename` and `{KEY_FIELDS}`.",
            argument="representations",
        )
    typename = representation.get("__typename")
    for cls in Entity.registry.values():
        if cls.__strawberry_definition__.name == typename:  # type: ignore[attr-defined]
            return cls.resource
    raise BadUserInput(
        f"representations[{index}]: `__typename` {typename!r} is no entity of this subgraph.",
        argument="representations",
    )


def _key(representation: Mapping[str, Any], resource: str, index: int) -> str:
    value = representation.get(KEY_FIELDS)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadUserInput(
            f"representations[{index}] needs its `{KEY_FIELDS}` (an LL2 id).",
            argument="representations",
        )
    return checked_id(resource, str(value))


def resolve_entities(info: GatewayInfo, representations: list[Any]) -> list[object]:
    """One item per representation: an awaitable of the entity (or None), or the error."""
    results: list[object] = []
    for index, representation in enumerate(representations):
        try:
            resource = _resource(representation, index)
            found: Awaitable[Entity | None] = info.context.data.one(
                info, resource, _key(representation, resource, index)
            )
        except BadUserInput as exc:
            results.append(exc)
        else:
            results.append(found)
    return results
