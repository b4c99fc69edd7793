"""The per-request identity map: one object per entity (and per image) id.

It is where raw LL2 JSON becomes typed objects; every payload, whatever its
representation, goes through :meth:`EntityStore.entity`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import strawberry

from gateway.types.base import Entity, Value

__all__ = ["EntityStore"]

E = TypeVar("E", bound=Entity)
V = TypeVar("V", bound=Value)


class EntityStore:
    def __init__(self) -> None:
        self._entities: dict[tuple[str, str], Entity] = {}
        self._values: dict[tuple[type, str], Value] = {}

    def entity(self, cls: type[E], data: Mapping[str, Any], *, complete: bool = False) -> E:
        """The request's one ``cls`` object for ``data['id']``, with ``data`` merged in."""
        raw_id = data.get("id")
        if raw_id is None:
            obj = cls.blank(id=strawberry.ID(""))
            obj.merge(data, self, complete=complete)
            return obj
        key = (cls.resource, str(raw_id))
        found = self._entities.get(key)
        if found is None:
            found = cls.blank(id=strawberry.ID(key[1]))
            self._entities[key] = found
        found.merge(data, self, complete=complete)
        return found  # type: ignore[return-value]

    def get(self, resource: str, id: str) -> Entity | None:
        return self._entities.get((resource, id))

    def value(self, cls: type[V], data: Mapping[str, Any]) -> V:
        raw_id = data.get("id")
        if raw_id is None:
            return cls.from_data(data, self)
        key = (cls, str(raw_id))
        found = self._values.get(key)
        if found is None:
            found = cls.from_data(data, self)
            self._values[key] = found
        return found  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._entities)

    def entities(self) -> list[Entity]:
        return list(self._entities.values())

    def clear(self) -> None:
        self._entities.clear()
        self._values.clear()
