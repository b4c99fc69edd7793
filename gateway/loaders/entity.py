"""Per-request loaders: the detailed representation of an entity, once per id."""

from __future__ import annotations

import asyncio

from aiodataloader import DataLoader

from gateway.loaders.store import EntityStore
from gateway.types.base import Entity
from gateway.upstream.session import UpstreamSession

__all__ = ["EntityLoader"]


class EntityLoader(DataLoader[str, Entity | None]):
    """Loads ``/{resource}/{id}/`` for each distinct id, all ids of a tick concurrently.

    LL2 has no multi-id filter for most resources, so a batch is a set of
    concurrent single fetches; the DataLoader's cache makes each id one fetch per
    request, and the store merges the answer into the object already held.
    """

    def __init__(self, cls: type[Entity], session: UpstreamSession, store: EntityStore) -> None:
        super().__init__()
        self.cls = cls
        self.session = session
        self.store = store

    async def batch_load_fn(self, ids: list[str]) -> list[Entity | None | BaseException]:
        results = await asyncio.gather(*(self._one(i) for i in ids), return_exceptions=True)
        return list(results)

    async def _one(self, id: str) -> Entity | None:
        data = await self.session.detail(self.cls.resource, id)
        if data is None:
            return None
        return self.store.entity(self.cls, data, complete=True)
