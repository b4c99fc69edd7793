"""Connections and single objects, from LL2 list and detail endpoints."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from enum import Enum
from typing import Any

import strawberry
from graphql import FieldNode

from gateway.errors import BadUserInput
from gateway.loaders.selection import child_nodes, selected_keys
from gateway.types.arguments import FilterInput
from gateway.types.base import Entity
from gateway.types.connection import Connection, decode_cursor
from gateway.upstream.fetcher import Planned
from gateway.upstream.modes import lightest_list_mode

__all__ = ["MAX_PAGE", "fetch_connection", "fetch_one"]

MAX_PAGE = 100
#: Resources whose LL2 ids are integers (launches use UUIDs).
_UUID_RESOURCES = frozenset({"launches"})


def _node_selections(info: strawberry.Info) -> list[FieldNode]:
    """The field nodes that select a page's items (``nodes`` and ``edges.node``)."""
    raw = info._raw_info
    nodes = child_nodes(raw.field_nodes, raw.fragments, "nodes")
    for edges in child_nodes(raw.field_nodes, raw.fragments, "edges"):
        nodes += child_nodes([edges], raw.fragments, "node")
    return nodes


async def fetch_connection(
    info: strawberry.Info,
    resource: str,
    *,
    first: int,
    after: str | None,
    search: str | None = None,
    ordering: Sequence[Enum] | None = None,
    filter: FilterInput | None = None,
    params: dict[str, Any] | None = None,
) -> Connection[Any]:
    """One LL2 list request for a page of ``resource``, as a connection."""
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(
            f"`first` must be between 0 and {MAX_PAGE} (LL2's page limit), got {first}.",
            argument="first",
        )
    offset = decode_cursor(after) + 1 if after is not None else 0
    cls = Entity.registry[resource]
    query: dict[str, str] = filter.to_params() if filter is not None else {}
    query.update({k: str(v) for k, v in (params or {}).items()})
    if search:
        query["search"] = search
    for name, value in query.items():
        _sendable(value, name)
    if ordering:
        query["ordering"] = ",".join(term.value for term in ordering)
    query["limit"] = str(max(first, 1))
    query["offset"] = str(offset)
    nodes = _node_selections(info)
    memo = (id(info._raw_info.field_nodes[0]), resource)
    if memo not in info.context.modes:
        info.context.modes[memo] = lightest_list_mode(resource, nodes, info._raw_info.fragments)
    mode = info.context.modes[memo]
    if mode is not None:
        query["mode"] = mode
    context = info.context
    version = context.session.version
    whole = version.is_whole(resource, mode)
    query = version.map_params(resource, query)
    context.session.tally.planned_calls += 1
    page = await context.session.page(resource, query, whole=whole)
    items = [context.store.entity(cls, item, complete=whole) for item in page.results][:first]
    if not whole:
        await _complete_items(info, cls, items, nodes)
    return Connection.from_page(items, offset=offset, total=page.count)


async def _complete_items(
    info: strawberry.Info, cls: type[Entity], items: list[Any], nodes: list[FieldNode]
) -> None:
    """Load the detail of items lacking a selected field no list mode could give.

    With LL2 2.3.0 the chosen mode covers the selection and nothing is lacking; an older
    version's list has one shape, so a selection beyond it costs one detail per item.
    """
    needed = selected_keys(nodes, info._raw_info.fragments, cls)
    needed -= info.context.session.version.absent(cls.resource)
    lacking = [item for item in items if item.id and item.lacks(needed)]
    if not lacking:
        return
    loader = info.context.loaders.for_class(cls)
    results = await asyncio.gather(*(loader.load(i.id) for i in lacking), return_exceptions=True)
    failed = next((r for r in results if isinstance(r, BaseException)), None)
    if failed is not None and not isinstance(failed, Planned):
        raise failed


def _sendable(value: str, argument: str) -> str:
    """``value`` if it can travel in a URL; lone surrogates cannot be encoded."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise BadUserInput(
            f"`{argument}` holds characters that are not valid Unicode text.", argument=argument
        ) from None
    return value


async def fetch_one(info: strawberry.Info, resource: str, id: strawberry.ID) -> Any:
    """The entity with this id, or None when LL2 has none."""
    text = _sendable(str(id).strip(), "id")
    if resource not in _UUID_RESOURCES and not (text.isascii() and text.isdigit()):
        raise BadUserInput(f"`id` must be an LL2 integer id, got {id!r}.", argument="id")
    version = info.context.session.version
    if not version.supports(resource):
        raise version.unsupported(resource)
    return await info.context.loaders[resource].load(text)
