"""Choosing the lightest LL2 ``mode`` whose shape covers what the client selected.

LL2's modes (``list`` < ``normal`` < ``detailed``) differ not only in an object's own
fields but in how richly they embed related objects (a spacecraft in ``normal``
embeds its configuration's agency in the short form, in ``detailed`` with its
description).  :func:`covers` walks the client's selection alongside LL2's
serializer schemas, so one list request in the right mode often answers what would
otherwise take one more request per related object.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from graphql import FieldNode, FragmentDefinitionNode

from gateway.loaders.selection import child_nodes, graphql_to_keys
from gateway.offline.spec import load_spec
from gateway.types.base import Entity, Model
from gateway.upstream.paths import list_path

__all__ = ["MODE_ORDER", "covers", "is_whole", "lightest_list_mode", "list_modes"]

MODE_ORDER = ("list", "normal", "detailed")


@functools.cache
def list_modes(resource: str) -> tuple[tuple[str, str], ...]:
    """(mode, schema) pairs of a list endpoint, lightest first."""
    endpoint = load_spec().endpoints.get(list_path(resource))
    if endpoint is None or not endpoint.modes:
        return ()
    return tuple((m, endpoint.modes[m]) for m in MODE_ORDER if m in endpoint.modes)


def covers(
    schema_name: str,
    cls: type[Model],
    field_nodes: Iterable[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
) -> bool:
    """Whether an object rendered by ``schema_name`` holds every field selected below."""
    schema = load_spec().schemas.get(schema_name)
    if schema is None:
        return False
    field_nodes = list(field_nodes)
    slots = cls.slots()
    for name, key in graphql_to_keys(cls).items():
        if key is None:
            continue
        selected = child_nodes(field_nodes, fragments, name)
        if not selected:
            continue
        spec_field = schema.field_map.get(key)
        if spec_field is None:
            return False
        slot = slots.get(key)
        if slot is None or slot.model is None or spec_field.ref is None:
            continue
        if not covers(spec_field.ref, slot.model, selected, fragments):
            return False
    return True


def lightest_list_mode(
    resource: str,
    field_nodes: Iterable[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
) -> str | None:
    """The lightest mode covering the selection; ``detailed`` when none does."""
    modes = list_modes(resource)
    if not modes:
        return None
    field_nodes = list(field_nodes)
    cls = Entity.registry[resource]
    for mode, schema in modes:
        if covers(schema, cls, field_nodes, fragments):
            return mode
    return modes[-1][0]


@functools.cache
def is_whole(resource: str, mode: str | None) -> bool:
    """Whether a list in ``mode`` renders each object as its ``/{id}/`` endpoint does."""
    spec = load_spec()
    path = list_path(resource)
    detail = spec.endpoints.get(path + "{id}/")
    listing = spec.endpoints.get(path)
    if detail is None or listing is None:
        return False
    return listing.schema_for(mode if listing.modes else None) == detail.schema_for(None)
