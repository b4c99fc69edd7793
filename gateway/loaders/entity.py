"""Per-request loaders: an entity's detailed representation, once per id."""

from __future__ import annotations

import asyncio
from typing import Any

from aiodataloader import DataLoader

from gateway import tracing
from gateway.ll2 import RESOURCES
from gateway.planning.batch import PAGE, BatchPlan, plan_batch
from gateway.types.base import Entity
from gateway.types.store import EntityStore
from gateway.upstream.session import Page, UpstreamSession

__all__ = ["EntityLoader"]

#: What one id loads as: the entity, None (LL2 has no such record) or the failure.
Loaded = Entity | None | BaseException


class EntityLoader(DataLoader[str, Entity | None]):
    """Loads the entities of one resource by id, all ids of an event-loop tick at once.

    The batch is planned by :func:`gateway.planning.batch.plan_batch`; whatever the
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
        version = self.session.version
        return plan_batch(
            RESOURCES[self.resource],
            len(ids),
            self.session.table_size(self.resource),
            comma_filter=version.comma_id_filter(self.resource),
            sweepable=version.sweepable(self.resource),
        )

    # aiodataloader rejects the load of an id whose value is an exception; its types omit it.
    async def batch_load_fn(self, ids: list[str]) -> list[Loaded]:  # type: ignore[override]
        attributes: dict[str, tracing.Attribute] = {
            "ll2.resource": self.resource,
            "gateway.batch.ids": len(ids),
        }
        with tracing.span(f"load {self.resource}", attributes) as span:
            cached = await asyncio.gather(
                *(self.session.cached_detail(self.resource, i) for i in ids)
            )
            found: dict[str, Loaded] = {
                i: self.store.entity(self.cls, data, complete=True)
                for i, data in zip(ids, cached, strict=True)
                if data is not None
            }
            missing = [i for i in ids if i not in found]
            span.set_attribute("gateway.batch.cached", len(ids) - len(missing))
            if missing:
                found.update(await self._fetch(missing, span))
            return [found.get(i) for i in ids]

    async def _fetch(self, ids: list[str], span: tracing.Span) -> dict[str, Loaded]:
        """Entities (or the exception each failed with) for ids the cache lacks."""
        plan = self.plan(ids)
        span.set_attribute("gateway.batch.strategy", plan.strategy)
        span.set_attribute("gateway.batch.planned_calls", plan.calls)
        self.session.plan(plan.calls)
        if plan.strategy == "singles":
            results = await asyncio.gather(*(self._one(i) for i in ids), return_exceptions=True)
            return dict(zip(ids, results, strict=True))
        try:
            found = await (self._comma(ids) if plan.strategy == "comma" else self._sweep(ids))
        except Exception as exc:
            return {i: exc for i in ids}
        return {i: found.get(i) for i in ids}

    async def _one(self, id: str) -> Entity | None:
        data = await self.session.detail(self.resource, id)
        if data is None:
            return None
        return self.store.entity(self.cls, data, complete=True)

    @property
    def _mode(self) -> str | None:
        return self.session.version.richest_mode(self.resource)

    @property
    def _whole(self) -> bool:
        return self.session.version.is_whole(self.resource, self._mode)

    def _list_params(self) -> dict[str, str]:
        params = {"limit": str(PAGE)}
        if self._mode is not None:
            params["mode"] = self._mode
        return params

    async def _page(self, params: dict[str, str]) -> Page:
        params = self.session.version.map_params(self.resource, params)
        return await self.session.page(self.resource, params, whole=self._whole)

    def _keep(self, results: list[dict[str, Any]], wanted: set[str]) -> dict[str, Entity]:
        found: dict[str, Entity] = {}
        complete = self._whole
        for item in results:
            entity = self.store.entity(self.cls, item, complete=complete)
            if entity.id in wanted:
                found[entity.id] = entity
        return found

    async def _comma(self, ids: list[str]) -> dict[str, Entity]:
        name = self.session.version.comma_id_filter(self.resource)
        assert name is not None, "planned as comma only where the version has the filter"
        chunks = [ids[i : i + PAGE] for i in range(0, len(ids), PAGE)]
        pages = await asyncio.gather(
            *(self._page({**self._list_params(), name: ",".join(chunk)}) for chunk in chunks)
        )
        return self._keep([r for page in pages for r in page.results], set(ids))

    async def _sweep(self, ids: list[str]) -> dict[str, Entity]:
        """Read the table page by page: the first page tells how many follow."""
        params = self._list_params()
        first = await self._page({**params, "offset": "0"})
        results = list(first.results)
        if first.count > PAGE:
            rest = await asyncio.gather(
                *(
                    self._page({**params, "offset": str(offset)})
                    for offset in range(PAGE, first.count, PAGE)
                )
            )
            results += [r for page in rest for r in page.results]
        return self._keep(results, set(ids))
