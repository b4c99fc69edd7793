"""Which LL2 keys a client selected below a field.

This is what lets the gateway fetch a richer representation only when a selected
field needs it.  The answer depends only on the query document, so it is
memoised per field node and entity class for the whole request.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
)
from graphql.language import SelectionSetNode

from gateway.types.base import Model

__all__ = [
    "absent_keys",
    "child_nodes",
    "children",
    "deferred",
    "graphql_to_keys",
    "selected_keys",
]

_KEYS_BY_NAME: dict[type, dict[str, str | None]] = {}


def graphql_to_keys(cls: type[Model]) -> dict[str, str | None]:
    """GraphQL field name -> the LL2 key it reads (None: needs no key of this object)."""
    found = _KEYS_BY_NAME.get(cls)
    if found is not None:
        return found
    from strawberry.utils.str_converters import to_camel_case

    slots = {slot.attr: key for key, slot in cls.slots().items()}
    table: dict[str, str | None] = {}
    for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if field.python_name.startswith("_"):  # strawberry.Private: not in the schema
            continue
        name = field.graphql_name or to_camel_case(field.python_name)
        attr = field.python_name
        table[name] = slots.get(attr) or cls.DERIVED.get(attr)
    table["id"] = None
    _KEYS_BY_NAME[cls] = table
    return table


def _field_names(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: set[str],
) -> Iterable[str]:
    if selection_set is None:
        return
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            yield node.name.value
        elif isinstance(node, InlineFragmentNode):
            yield from _field_names(node.selection_set, fragments, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            seen.add(node.name.value)
            fragment = fragments.get(node.name.value)
            if fragment is not None:
                yield from _field_names(fragment.selection_set, fragments, seen)


def selected_keys(
    field_nodes: Iterable[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
    cls: type[Model],
) -> frozenset[str]:
    table = graphql_to_keys(cls)
    keys: set[str] = set()
    for node in field_nodes:
        for name in _field_names(node.selection_set, fragments, set()):
            key = table.get(name)
            if key is not None:
                keys.add(key)
    return frozenset(keys)


def deferred(node: InlineFragmentNode | FragmentSpreadNode) -> bool:
    """Whether a fragment is ``@defer``-ed (unless ``if: false``; a variable ``if``
    counts as deferred: planning for it costs at worst a call once it is not)."""
    for directive in node.directives or ():
        if directive.name.value == "defer":
            return not any(
                a.name.value == "if" and isinstance(a.value, BooleanValueNode) and not a.value.value
                for a in directive.arguments or ()
            )
    return False


def child_nodes(
    field_nodes: Iterable[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
    name: str,
    *,
    with_deferred: bool = True,
) -> list[FieldNode]:
    """The field nodes called ``name`` directly below ``field_nodes`` (without those in
    ``@defer``-ed fragments when ``with_deferred`` is false)."""
    return children(field_nodes, fragments, with_deferred=with_deferred).get(name, [])


def children(
    field_nodes: Iterable[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
    *,
    with_deferred: bool = True,
) -> dict[str, list[FieldNode]]:
    """Field name -> the field nodes of that name directly below ``field_nodes``
    (without those in ``@defer``-ed fragments when ``with_deferred`` is false), in one
    walk of the selection.

    An explicit stack, not a recursive closure: a closure that refers to itself is a
    reference cycle, garbage that only the cycle collector frees, on every request.
    """
    found: dict[str, list[FieldNode]] = {}
    for field_node in field_nodes:
        seen: set[str] = set()
        stack: list[SelectionSetNode | None] = [field_node.selection_set]
        while stack:
            selection_set = stack.pop()
            if selection_set is None:
                continue
            for node in reversed(selection_set.selections):
                if isinstance(node, FieldNode):
                    named = found.get(node.name.value)
                    if named is None:
                        found[node.name.value] = [node]
                    else:
                        named.append(node)
                elif (
                    not with_deferred
                    and isinstance(node, InlineFragmentNode | FragmentSpreadNode)
                    and deferred(node)
                ):
                    continue
                elif isinstance(node, InlineFragmentNode):
                    stack.append(node.selection_set)
                elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                    seen.add(node.name.value)
                    fragment = fragments.get(node.name.value)
                    if fragment is not None:
                        stack.append(fragment.selection_set)
    return found


_ABSENT: dict[tuple[type[Model], frozenset[str]], frozenset[str]] = {}


def absent_keys(cls: type[Model], sent: frozenset[str]) -> frozenset[str]:
    """Keys ``cls`` reads that no answer of an LL2 version sends (``sent`` is what that
    version's answers have): selecting them is never worth a call, they are null."""
    found = _ABSENT.get((cls, sent))
    if found is None:
        wanted = {key for key in graphql_to_keys(cls).values() if key and key[0] != "_"}
        found = _ABSENT[cls, sent] = frozenset(wanted - sent - {"id"})
    return found
