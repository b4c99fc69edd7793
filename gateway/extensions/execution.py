"""graphql-core's execution context as this gateway runs it.

**Plain leaves in line.**  Most fields of an answer are a scalar or an enum read off an
attribute (``name``, ``id``, ``description``...).  graphql-core executes each through
the general path: it looks the field up, builds a ``GraphQLResolveInfo``, checks for
arguments, calls the resolver, checks twice for an awaitable and walks
``complete_value``'s type tests, about 2 µs a field here.  For the fields
:func:`plain_leaves` lists (no arguments, the schema's default resolver, a leaf
type), :meth:`GatewayExecution.execute_field` reads the attribute and coerces it
itself; anything unusual (a null for a non-null field, a value the type refuses, an
exception) goes down the general path, which reports it as it always does.

**Emptied once answered.**  The execution context refers to itself (its
``GraphQLResolveInfoHelpers`` holds its bound methods), so it and everything it
reaches (the collected fields, the request's context, its loaders) would wait for
the cycle collector instead of going when the answer has been sent.  It hands itself
to the request's :class:`~gateway.context.Context`, whose
:meth:`~gateway.context.Context.release` empties it.  A subscription's contexts are
left alone: they serve every event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.context import Context

__all__ = ["GatewayExecution", "PlainLeaf", "execution_for", "plain_leaves"]


class PlainLeaf(NamedTuple):
    """A field whose value is an attribute of its object, of a scalar or enum type."""

    attribute: str
    type: GraphQLLeafType
    non_null: bool
    #: The schema's default resolver: ``(object, attribute) -> value``.
    read: Callable[[Any, str], Any]


def plain_leaves(schema: Any) -> dict[str, dict[str, PlainLeaf]]:
    """Object type name -> field name -> :class:`PlainLeaf`, for the fields of
    ``schema`` (a Strawberry schema, after
    :func:`~gateway.extensions.direct_fields.direct_fields`) that read an attribute
    through the default resolver and hold a scalar or an enum."""
    read: Callable[[Any, str], Any] = schema.config.default_resolver
    found: dict[str, dict[str, PlainLeaf]] = {}
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, graphql_field in graphql_type.fields.items():
            attribute = getattr(graphql_field.resolve, "reads_attribute", None)
            field_type = graphql_field.type
            non_null = isinstance(field_type, GraphQLNonNull)
            leaf = field_type.of_type if non_null else field_type
            if attribute is None or not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
                continue
            found.setdefault(graphql_type.name, {})[name] = PlainLeaf(
                attribute, leaf, non_null, read
            )
    return found


class GatewayExecution(StrawberryGraphQLCoreExecutionContext):
    #: What :func:`plain_leaves` found in the schema (set by :func:`execution_for`).
    leaves: ClassVar[Mapping[str, Mapping[str, PlainLeaf]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager  # a middleware sees every field: none in line
        self.in_line = self.leaves if manager is None or not manager.middlewares else {}
        context = self.context_value
        if isinstance(context, Context) and self.operation.operation != OperationType.SUBSCRIPTION:
            context.executions.append(self)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: list[FieldDetails],
        path: Path,
        position_context: Any,
    ) -> Any:
        by_name = self.in_line.get(parent_type.name)
        if by_name is not None:
            node = field_details_list[0].node
            leaf = by_name.get(node.name.value)
            if leaf is not None and not node.arguments:
                try:
                    value = leaf.read(source, leaf.attribute)
                    if value is None:
                        if not leaf.non_null:
                            return None
                    elif not isinstance(value, Exception):
                        coerced = leaf.type.coerce_output_value(value)
                        if coerced is not None and coerced is not Undefined:
                            return coerced
                except Exception:  # the general path reports it
                    pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def execution_for(schema: Any) -> type[GatewayExecution]:
    """:class:`GatewayExecution` for ``schema`` (a built Strawberry schema): its plain
    leaves."""
    namespace = {"leaves": plain_leaves(schema)}
    return type(GatewayExecution.__name__, (GatewayExecution,), namespace)
