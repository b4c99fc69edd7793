"""Per-request loaders: an entity's detailed representation, once per id."""

from __future__ import annotations

import asyncio
from typing import Any

from aiodataloader import DataLoader

from gateway.loaders.planner import COMMA_ID_FILTERS, PAGE, BatchPlan, plan_batch
from gateway.loaders.store import EntityStore
from gateway.types.base import Entity
from gateway.upstream.modes import list_modes
from gateway.upstream.session import UpstreamSession

__all__ = ["EntityLoader"]


class EntityLoader(DataLoader[str, Entity | None]):
    """Loads the entities of one resource by id, all ids of an event-loop tick at once.

    The batch is planned by :func:`gateway.loaders.planner.plan_batch`; whatever the
    plan, each answer merges into the object the request already holds, and an id
    LL2 does not have loads as None.
    """

    def __init__(self, cls: type[Entity], session: UpstreamSession, store: EntityStore) -> None:
        super().__init__()
        self.cls = cls
        self.session = session
        self.store = store

    @property
    def resource(self) -> str:
        return self.cls.resource

    def plan(self, ids: list[str]) -> BatchPlan:
        return plan_batch(self.resource, len(ids), self.session.table_size(self.resource))

    async def batch_load_fn(self, ids: list[str]) -> list[Any]:
        plan = self.plan(ids)
        if plan.strategy == "singles":
            return list(await asyncio.gather(*(self._one(i) for i in ids), return_exceptions=True))
        try:
            found = await (self._comma(ids) if plan.strategy == "comma" else self._sweep(ids))
        except Exception as exc:  # noqa: BLE001 - every key of the batch fails alike
            return [exc for _ in ids]
        return [found.get(i) for i in ids]

    async def _one(self, id: str) -> Entity | None:
        data = await self.session.detail(self.resource, id)
        if data is None:
            return None
        return self.store.entity(self.cls, data, complete=True)

    def _list_params(self) -> dict[str, str]:
        modes = list_modes(self.resource)
        params = {"limit": str(PAGE)}
        if modes:
            params["mode"] = modes[-1][0]
        return params

    def _keep(self, results: list[dict[str, Any]], wanted: set[str]) -> dict[str, Entity]:
        found: dict[str, Entity] = {}
        for item in results:
            entity = self.store.entity(self.cls, item, complete=True)
            if entity.id in wanted:
                found[entity.id] = entity
        return found

    async def _comma(self, ids: list[str]) -> dict[str, Entity]:
        name = COMMA_ID_FILTERS[self.resource]
        chunks = [ids[i : i + PAGE] for i in range(0, len(ids), PAGE)]
        pages = await asyncio.gather(
            *(
                self.session.page(self.resource, {**self._list_params(), name: ",".join(chunk)})
                for chunk in chunks
            )
        )
        return self._keep([r for page in pages for r in page.results], set(ids))

    async def _sweep(self, ids: list[str]) -> dict[str, Entity]:
        """Read the table page by page: the first page tells how many follow."""
        params = self._list_params()
        first = await self.session.page(self.resource, {**params, "offset": "0"})
        results = list(first.results)
        if first.count > PAGE:
            rest = await asyncio.gather(
                *(
                    self.session.page(self.resource, {**params, "offset": str(offset)})
                    for offset in range(PAGE, first.count, PAGE)
                )
            )
            results += [r for page in rest for r in page.results]
        return self._keep(results, set(ids))
