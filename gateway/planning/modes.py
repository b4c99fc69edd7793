"""Choosing the lightest LL2 ``mode`` whose shape covers what the client selected.

LL2's modes (``list`` < ``normal`` < ``detailed``) differ not only in an object's own
fields but in how richly they embed related objects (a spacecraft in ``normal``
embeds its configuration's agency in the short form, in ``detailed`` with its
description).  :func:`covers` walks the client's selection alongside LL2's
serializer schemas, so one list request in the right mode often answers what would
otherwise take one more request per related object.

A related entity selected only inside ``@defer``-ed fragments needs its reference in
the page, not its fields: its own resolver loads what it lacks, in the deferred part,
so the page (and the first part of the answer) does not wait for a richer mode.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import FieldNode, FragmentDefinitionNode

from gateway.ll2 import api, load_spec
from gateway.planning.selection import children, graphql_to_keys
from gateway.types.base import Entity, Model

__all__ = ["covers", "lightest_list_mode"]


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
    keys = graphql_to_keys(cls)
    undeferred: dict[str, list[FieldNode]] | None = None
    for name, selected in children(field_nodes, fragments).items():
        key = keys.get(name)
        if key is None:
            continue
        spec_field = schema.field_map.get(key)
        if spec_field is None:
            return False
        slot = slots.get(key)
        if slot is None or slot.model is None or spec_field.ref is None:
            continue
        if slot.relation and issubclass(slot.model, Entity):  # it completes itself
            if undeferred is None:
                undeferred = children(field_nodes, fragments, with_deferred=False)
            selected = undeferred.get(name, [])
        if selected and not covers(spec_field.ref, slot.model, selected, fragments):
            return False
    return True


def lightest_list_mode(
    resource: str,
    field_nodes: Iterable[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
) -> str | None:
    """The lightest 2.3.0 mode covering the selection; ``detailed`` when none does."""
    served = api(resource)
    if served is None or not served.modes:
        return None
    field_nodes = list(field_nodes)
    cls = Entity.registry[resource]
    for mode, schema in served.modes:
        if covers(schema, cls, field_nodes, fragments):
            return mode
    return served.modes[-1][0]
