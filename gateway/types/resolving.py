"""What the schema's fields ask of the request they run in, and nothing more.

The types hold no I/O: a field that needs data LL2 must still send (a richer
representation of a related object, a page of a nested list) hands the work to
``info.context.data``, a :class:`RequestData` that the loaders layer implements.
:class:`GatewayInfo` is the ``info`` every resolver receives (set as the schema's
``info_class``): Strawberry's, plus the query document's nodes for this field, which
the planner reads to see what the client selected.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Protocol

import strawberry
from graphql import FieldNode, FragmentDefinitionNode

if TYPE_CHECKING:
    from gateway.types.base import Entity, Model
    from gateway.types.connection import Connection
    from gateway.types.listing import ListQuery

__all__ = ["GatewayInfo", "HasRequestData", "RequestData"]


class RequestData(Protocol):
    """One request's way to LL2 data, as the fields need it."""

    def related(self, info: GatewayInfo, root: Model) -> object:
        """``root``'s relation ``info.python_name`` (an entity, a list of them or None),
        or an awaitable of it once it holds every field selected below."""

    def related_via(self, info: GatewayInfo, root: Entity, via: str) -> Awaitable[object]:
        """``root``'s relation ``info.python_name``, which only its ``via`` relation's
        full representation carries."""

    def page(
        self, info: GatewayInfo, resource: str, query: ListQuery
    ) -> Awaitable[Connection[Entity]]:
        """A page of ``resource``'s list."""

    def one(self, info: GatewayInfo, resource: str, id: str) -> Awaitable[Entity | None]:
        """The record of ``resource`` with this id, or None when LL2 has none."""


class HasRequestData(Protocol):
    @property
    def data(self) -> RequestData: ...


class GatewayInfo(strawberry.Info[HasRequestData, None]):
    """Strawberry's ``Info`` with the field's document nodes, for the planner."""

    @property
    def field_nodes(self) -> list[FieldNode]:
        """Every node of the document that asks for this field (one per merged copy)."""
        return self._raw_info.field_nodes

    @property
    def fragments(self) -> dict[str, FragmentDefinitionNode]:
        return self._raw_info.fragments
