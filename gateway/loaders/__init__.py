"""Per-request loading: the identity map, the entity loaders and completion."""

from __future__ import annotations

from gateway.loaders.entity import EntityLoader
from gateway.loaders.store import EntityStore
from gateway.types.base import Entity
from gateway.upstream.session import UpstreamSession

__all__ = ["EntityLoader", "EntityStore", "Loaders"]


class Loaders:
    """One :class:`EntityLoader` per resource, made on first use within a request."""

    def __init__(self, session: UpstreamSession, store: EntityStore) -> None:
        self._session = session
        self._store = store
        self._loaders: dict[str, EntityLoader] = {}

    def for_class(self, cls: type[Entity]) -> EntityLoader:
        loader = self._loaders.get(cls.resource)
        if loader is None:
            loader = EntityLoader(cls, self._session, self._store)
            self._loaders[cls.resource] = loader
        return loader

    def __getitem__(self, resource: str) -> EntityLoader:
        return self.for_class(Entity.registry[resource])
