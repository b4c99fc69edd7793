"""Hand back related entities complete enough for what the client selected."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from gateway.loaders.selection import selected_keys
from gateway.types.base import Entity

if TYPE_CHECKING:
    import strawberry

    from gateway.context import Context

__all__ = ["complete", "complete_via"]


def _needed(info: strawberry.Info, cls: type[Entity]) -> frozenset[str]:
    """LL2 keys selected below this field that the upstream's version can send."""
    raw = info._raw_info
    context: Context = info.context
    memo_key = (id(raw.field_nodes[0]), cls)
    keys = context.selections.get(memo_key)
    if keys is None:
        keys = selected_keys(raw.field_nodes, raw.fragments, cls)
        keys -= context.session.version.absent(cls.resource)
        context.selections[memo_key] = keys
    return keys


async def _one(info: strawberry.Info, entity: Entity) -> Entity:
    loaded = await info.context.loaders.for_class(type(entity)).load(entity.id)
    return loaded if loaded is not None else entity


async def _many(info: strawberry.Info, entities: list[Any], lacking: list[Entity]) -> list[Any]:
    loader = info.context.loaders.for_class(type(lacking[0]))
    await asyncio.gather(*(loader.load(e.id) for e in lacking))
    return entities


def complete(info: strawberry.Info, value: Any) -> Any:
    """``value`` itself, or an awaitable of it once the richer representation is merged.

    The loader merges into the very object the request already holds, so what the
    awaitable yields is ``value`` with more fields filled.
    """
    if isinstance(value, Entity):
        if value.id and value.lacks(_needed(info, type(value))):
            return _one(info, value)
        return value
    if isinstance(value, list) and value:
        entities = [v for v in value if isinstance(v, Entity) and v.id]
        if not entities:
            return value
        needed = _needed(info, type(entities[0]))
        lacking = [e for e in entities if e.lacks(needed)]
        if lacking:
            return _many(info, value, lacking)
    return value


async def complete_via(info: strawberry.Info, root: Entity, via: str) -> Any:
    """Load ``root``'s ``via`` relation in full: it carries ``root``'s missing field."""
    carrier = root._rel.get(via)
    if isinstance(carrier, Entity) and carrier.id:
        await info.context.loaders.for_class(type(carrier)).load(carrier.id)
    value = complete(info, root._rel.get(info.python_name))
    return await value if asyncio.iscoroutine(value) else value
