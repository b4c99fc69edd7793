"""Resolvers that graphql-core calls without Strawberry's per-call chain in between.

For every field with a resolver, Strawberry builds one general chain: it converts the
arguments, runs field extensions and permission classes, looks for exception handlers
and wraps the result, about 15 µs a call here, even for a field that has none of
these.  Every LL2 relation (``spacecraftConfig``, ``agency``...) is such a field and
runs once per list item, so a 20-item page paid for it 40 times.  For fields without
arguments, extensions or permission classes, :func:`direct_fields` points the
GraphQL field straight at the function, with the schema's ``Info``; fields without a
resolver read the attribute through the configured default resolver.  Every other
field keeps Strawberry's chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from graphql import GraphQLField, GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

__all__ = ["direct_fields"]

Resolve = Callable[..., Any]


def direct_fields(schema: Any) -> int:
    """Replace the resolvers of the simple fields of ``schema`` (a Strawberry schema,
    built, with no exception handlers), with its configured ``Info`` class and default
    resolver: how many were replaced."""
    info_class: type[Any] = schema.config.info_class
    default_resolver: Callable[[Any, str], Any] = schema.config.default_resolver
    replaced = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        if graphql_type.name in ("Query", "Subscription", "Mutation"):
            continue  # root fields run once a request and carry the arguments
        for graphql_field in graphql_type.fields.values():
            resolve = _direct(graphql_field, info_class, default_resolver)
            if resolve is not None:
                graphql_field.resolve = resolve
                replaced += 1
    return replaced


def _direct(
    graphql_field: GraphQLField,
    info_class: type[Any],
    default_resolver: Callable[[Any, str], Any],
) -> Resolve | None:
    field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (
        not isinstance(field, StrawberryField)
        or type(field).get_result is not StrawberryField.get_result
        or field.extensions
        or graphql_field.args
    ):
        return None
    resolver = field.base_resolver
    if resolver is None:
        name = field.python_name

        def read(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
            return default_resolver(source, name)

        read._is_default = True  # type: ignore[attr-defined]  # Strawberry's tracing reads it
        read.reads_attribute = name  # type: ignore[attr-defined]  # execution.plain_leaves
        return read
    if resolver.arguments:
        return None
    func = cast(Callable[..., Any], resolver.wrapped_func)
    by_self = resolver.self_parameter is not None
    parent = resolver.parent_parameter or resolver.root_parameter
    source_kw = parent.name if parent is not None else None
    info_kw = resolver.info_parameter.name if resolver.info_parameter is not None else None

    def call(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        kwargs: dict[str, Any] = {}
        if source_kw is not None:
            kwargs[source_kw] = source
        if info_kw is not None:
            kwargs[info_kw] = info_class(_raw_info=info, _field=field)
        return func(source, **kwargs) if by_self else func(**kwargs)

    call._is_default = False  # type: ignore[attr-defined]
    call.calls = func  # type: ignore[attr-defined]  # execution.plain_relations
    call.python_name = field.python_name  # type: ignore[attr-defined]
    return call
