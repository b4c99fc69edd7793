"""One request's loading: what the schema's fields ask of ``info.context.data``.

:class:`RequestLoader` implements :class:`gateway.types.resolving.RequestData`.  It
holds the request's identity map, its upstream session and one
:class:`~gateway.loaders.entity.EntityLoader` per resource, and memoises what the
planner concluded about each field node of the document (the keys selected below
it, the list mode it needs), so repeated fields of a list cost one analysis.
"""

from __future__ import annotations

import asyncio

from graphql import FieldNode, FragmentDefinitionNode

from gateway.loaders.entity import EntityLoader
from gateway.planning.modes import lightest_list_mode
from gateway.planning.selection import absent_keys, child_nodes, selected_keys
from gateway.types.base import Entity, Model, realise
from gateway.types.connection import Connection
from gateway.types.listing import ListQuery
from gateway.types.resolving import GatewayInfo
from gateway.types.store import EntityStore
from gateway.upstream.session import Page, UpstreamSession

__all__ = ["RequestLoader"]

Fragments = dict[str, FragmentDefinitionNode]


class RequestLoader:
    def __init__(self, session: UpstreamSession, store: EntityStore | None = None) -> None:
        self.session = session
        self.store = store if store is not None else EntityStore()
        self._loaders: dict[str, EntityLoader] = {}
        #: (field node id, entity class) -> LL2 keys selected below it.
        self._selections: dict[tuple[int, type[Entity]], frozenset[str]] = {}
        #: (field node id, resource) -> the LL2 mode chosen for that list field.
        self._modes: dict[tuple[int, str], str | None] = {}
        #: How many entities the store held when everything was last realised.
        self._realised_at = -1

    def release(self) -> None:
        """Drop everything the request built, once its answer is complete.

        graphql-core's execution context refers to itself, so whatever it reaches
        waits for the cycle collector; released here, the request's objects go at once.
        """
        self.store.clear()
        self._loaders.clear()
        self._selections.clear()
        self._modes.clear()

    def restart(self, session: UpstreamSession) -> None:
        """Begin again with a new session (a subscription's next event), holding nothing."""
        self.release()
        self.session = session
        self._realised_at = -1

    def received(self, resource: str, id: str, data: object) -> Entity | None:
        """The record LL2 just sent for ``resource``'s ``/{id}/`` (a poll's answer), as
        the request's entity; None when LL2 has it no more."""
        if not isinstance(data, dict) or data.get("id") is None:
            return None
        cls = Entity.registry[resource]
        normalised = self.session.version.normalise(resource, data, detail=True)
        entity = self.store.entity(cls, normalised, complete=True)
        self.loader(cls).prime(id, entity)
        return entity

    def loader(self, cls: type[Entity]) -> EntityLoader:
        """The request's loader of ``cls``'s resource, made on first use."""
        loader = self._loaders.get(cls.resource)
        if loader is None:
            loader = self._loaders[cls.resource] = EntityLoader(cls, self.session, self.store)
        return loader

    # -- what the client selected -------------------------------------------------------

    def needed(
        self, field_nodes: list[FieldNode], fragments: Fragments, cls: type[Entity]
    ) -> frozenset[str]:
        """LL2 keys selected below ``field_nodes`` that the upstream's version can send."""
        key = (id(field_nodes[0]), cls)
        keys = self._selections.get(key)
        if keys is None:
            keys = selected_keys(field_nodes, fragments, cls)
            keys -= absent_keys(cls, self.session.version.sent_keys(cls.resource))
            self._selections[key] = keys
        return keys

    # -- related objects ----------------------------------------------------------------

    def _lacking(self, entities: list[Entity], needed: frozenset[str]) -> list[Entity]:
        """The entities still lacking ``needed`` once all the request holds is built."""
        lacking = [e for e in entities if e.id and e.lacks(needed)]
        if lacking and self._realised_at != len(self.store):
            realise(self.store.entities(), self.store)
            self._realised_at = len(self.store)
            lacking = [e for e in lacking if e.lacks(needed)]
        return lacking

    def complete(self, field_nodes: list[FieldNode], fragments: Fragments, value: object) -> object:
        """``value`` itself, or an awaitable of it once the richer representation is merged.

        The loader merges into the very object the request already holds, so what the
        awaitable yields is ``value`` with more fields filled.
        """
        if isinstance(value, Entity):
            if self._lacking([value], self.needed(field_nodes, fragments, type(value))):
                return self._one(value)
            return value
        if isinstance(value, list) and value:
            entities = [v for v in value if isinstance(v, Entity) and v.id]
            if not entities:
                return value
            needed = self.needed(field_nodes, fragments, type(entities[0]))
            lacking = self._lacking(entities, needed)
            if lacking:
                return self._many(value, lacking)
        return value

    async def _one(self, entity: Entity) -> Entity:
        loaded = await self.loader(type(entity)).load(entity.id)
        return loaded if loaded is not None else entity

    async def _many(self, entities: list[object], lacking: list[Entity]) -> list[object]:
        loader = self.loader(type(lacking[0]))
        await asyncio.gather(*(loader.load(e.id) for e in lacking))
        return entities

    def related(self, info: GatewayInfo, root: Model) -> object:
        return self.related_below(info.field_nodes, info.fragments, root, info.python_name)

    def related_below(
        self, field_nodes: list[FieldNode], fragments: Fragments, root: Model, attr: str
    ) -> object:
        """``root``'s relation ``attr`` as ``field_nodes`` select it: the object (or list)
        itself, or an awaitable of it once it holds every field selected below."""
        return self.complete(field_nodes, fragments, root.related(attr, self.store))

    async def related_via(self, info: GatewayInfo, root: Entity, via: str) -> object:
        """Load ``root``'s ``via`` relation in full: it carries ``root``'s missing field."""
        carrier = root.related(via, self.store)
        if isinstance(carrier, Entity) and carrier.id:
            loaded = await self.loader(type(carrier)).load(carrier.id)
            if loaded is not None:
                realise([loaded], self.store)  # its relations hold what ``root`` lacks
        value = self.complete(
            info.field_nodes, info.fragments, root.related(info.python_name, self.store)
        )
        return await value if asyncio.iscoroutine(value) else value

    # -- root and nested fields ---------------------------------------------------------

    async def one(self, info: GatewayInfo, resource: str, id: str) -> Entity | None:
        """The record with this id, or None when LL2 has none."""
        version = self.session.version
        if not version.supports(resource):
            raise version.unsupported(resource)
        return await self.loader(Entity.registry[resource]).load(id)

    async def page(self, info: GatewayInfo, resource: str, query: ListQuery) -> Connection[Entity]:
        """One LL2 list request for a page of ``resource``, as a connection."""
        cls = Entity.registry[resource]
        nodes = _item_nodes(info)
        mode_key = (id(info.field_nodes[0]), resource)
        if mode_key not in self._modes:
            self._modes[mode_key] = lightest_list_mode(resource, nodes, info.fragments)
        mode = self._modes[mode_key]
        version = self.session.version
        whole = version.is_whole(resource, mode)
        if query.from_end:
            known = self.session.known_count(resource, self._params(resource, query, mode))
            if known is not None:  # LL2 said lately how long the list is: straight to its end
                query = query.ending(known)
        page = await self._page(resource, query, mode, whole)
        if query.from_end:
            # `last` without `before`: the end of the list may lie beyond the first answer
            ending = query.ending(page.count)
            if ending.offset != query.offset:
                query = ending
                if query.first:  # `last: 0` needed LL2's count only
                    page = await self._page(resource, query, mode, whole)
        items = [self.store.entity(cls, item, complete=whole) for item in page.results]
        items = items[: query.first]
        if not whole:
            needed = selected_keys(nodes, info.fragments, cls)
            needed -= absent_keys(cls, version.sent_keys(resource))
            await self._complete_items(cls, items, needed)
        return Connection.from_page(items, query, page.count)

    async def _page(self, resource: str, query: ListQuery, mode: str | None, whole: bool) -> Page:
        params = self._params(resource, query, mode)
        known = self.session.known_count(resource, params)
        if known is not None and query.offset >= known:  # past the end: empty, no call
            return Page(known, [])
        self.session.plan(1)
        return await self.session.page(resource, params, whole=whole)

    def _params(self, resource: str, query: ListQuery, mode: str | None) -> dict[str, str]:
        """The LL2 parameters of a page, in the upstream's version."""
        params = query.page_params()
        if mode is not None:
            params["mode"] = mode
        return self.session.version.map_params(resource, params)

    async def _complete_items(
        self, cls: type[Entity], items: list[Entity], needed: frozenset[str]
    ) -> None:
        """Load the detail of items lacking a selected field no list mode could give.

        With LL2 2.3.0 the chosen mode covers the selection and nothing is lacking; an
        older version's list has one shape, so a selection beyond it costs one detail
        per item.
        """
        lacking = self._lacking(items, needed)
        if not lacking:
            return
        loader = self.loader(cls)
        results = await asyncio.gather(
            *(loader.load(i.id) for i in lacking), return_exceptions=True
        )
        failed = next((r for r in results if isinstance(r, BaseException)), None)
        if failed is not None:
            raise failed


def _item_nodes(info: GatewayInfo) -> list[FieldNode]:
    """The field nodes that select a page's items (``nodes`` and ``edges.node``)."""
    nodes = child_nodes(info.field_nodes, info.fragments, "nodes")
    for edges in child_nodes(info.field_nodes, info.fragments, "edges"):
        nodes += child_nodes([edges], info.fragments, "node")
    return nodes
