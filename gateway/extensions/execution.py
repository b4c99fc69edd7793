"""graphql-core's execution context as this gateway runs it.

**Plain leaves in line.**  Most fields of an answer are a scalar or an enum read off an
attribute (``name``, ``id``, ``description``...).  graphql-core executes each through
the general path: it makes the field's ``Path``, looks the field up, builds a
``GraphQLResolveInfo``, checks for arguments, calls the resolver, checks three times
for an awaitable and walks ``complete_value``'s type tests, about 2 µs a field here.
For the fields :func:`plain_leaves` lists (no arguments, the schema's default
resolver, a leaf type), :meth:`GatewayExecution.execute_fields` reads the attribute
and coerces it itself; anything unusual (a null for a non-null field, a value the type
refuses, an exception) goes down the general path, which reports it as it always does.

**Plain relations in line.**  A field holding one related object (``spacecraftConfig``,
``agency``: :func:`plain_relations`) asks the request's loader directly, with the
field's nodes rather than an ``Info`` built for it, and a model of the field's own class
goes straight to its subfields; an awaitable (the richer representation being
loaded), any other value and any error are completed by graphql-core as usual.  Its
``complete_value`` likewise sends a model of its (non-null) object type straight to
its subfields (:func:`model_objects`): a list's items, a root field's object.
Measured: 16.9 -> 8.3 million instructions per never-seen 20-spacecraft list with the
rest of that work (README, "Measured: against Apollo Server").

**Emptied once answered.**  The execution context refers to itself (its
``GraphQLResolveInfoHelpers`` holds its bound methods), so it and everything it
reaches (the collected fields, the request's context, its loaders) would wait for
the cycle collector instead of going when the answer has been sent.  It hands itself
to the request's :class:`~gateway.context.Context`, whose
:meth:`~gateway.context.Context.release` empties it.  A subscription's contexts are
left alone: they serve every event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, Final, NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetails, GroupedFieldSet
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from gateway.context import Context
from gateway.types.base import Model

__all__ = [
    "GatewayExecution",
    "PlainLeaf",
    "PlainRelation",
    "execution_for",
    "model_objects",
    "plain_leaves",
    "plain_relations",
]


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


class PlainRelation(NamedTuple):
    """A field holding one related object (or null), made by
    :func:`~gateway.types.base.related` without ``via``: its value is the loader's
    ``related_below``."""

    attribute: str
    field: GraphQLField
    object_type: GraphQLObjectType
    #: The model class of ``object_type``: a value of exactly this class needs no check.
    model: type[Any]


def plain_relations(
    schema: Any, objects: Mapping[int, tuple[GraphQLObjectType, type[Any]]]
) -> dict[str, dict[str, PlainRelation]]:
    """Object type name -> field name -> :class:`PlainRelation`, for the fields of
    ``schema`` (a Strawberry schema, after
    :func:`~gateway.extensions.direct_fields.direct_fields`) that call a relation's
    resolver directly and hold one nullable model (``objects``: :func:`model_objects`)."""
    found: dict[str, dict[str, PlainRelation]] = {}
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, graphql_field in graphql_type.fields.items():
            function = getattr(graphql_field.resolve, "calls", None)
            target = objects.get(id(graphql_field.type))
            if (
                target is None
                or not isinstance(graphql_field.type, GraphQLObjectType)  # nullable
                or not getattr(function, "_ll2_relation", False)
                or getattr(function, "_ll2_via", None) is not None
            ):
                continue
            found.setdefault(graphql_type.name, {})[name] = PlainRelation(
                graphql_field.resolve.python_name, graphql_field, *target
            )
    return found


def model_objects(schema: Any) -> dict[int, tuple[GraphQLObjectType, type[Any]]]:
    """``id`` of each object type whose values are models, and of each non-null wrapper
    of one in a field's type -> (the object type, its model class)."""
    found: dict[int, tuple[GraphQLObjectType, type[Any]]] = {}
    backref = GraphQLCoreConverter.DEFINITION_BACKREF
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        model = getattr((graphql_type.extensions or {}).get(backref), "origin", None)
        if isinstance(model, type) and issubclass(model, Model):
            found[id(graphql_type)] = (graphql_type, model)
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for graphql_field in graphql_type.fields.values():
            wrapped: Any = graphql_field.type
            while isinstance(wrapped, GraphQLList | GraphQLNonNull):
                if isinstance(wrapped, GraphQLNonNull) and id(wrapped.of_type) in found:
                    found[id(wrapped)] = found[id(wrapped.of_type)]
                wrapped = wrapped.of_type
    return found


class GatewayExecution(StrawberryGraphQLCoreExecutionContext):
    #: What :func:`plain_leaves` found in the schema (set by :func:`execution_for`).
    leaves: ClassVar[Mapping[str, Mapping[str, PlainLeaf]]] = {}
    #: What :func:`plain_relations` found in the schema (set by :func:`execution_for`).
    relations: ClassVar[Mapping[str, Mapping[str, PlainRelation]]] = {}
    #: What :func:`model_objects` found in the schema (set by :func:`execution_for`).
    objects: ClassVar[Mapping[int, tuple[GraphQLObjectType, type[Any]]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager  # a middleware sees every field: none in line
        plain = manager is None or not manager.middlewares
        self.in_line = self.leaves if plain else {}
        context = self.context_value
        self.data = context.data if plain and isinstance(context, Context) else None
        self.in_line_relations = self.relations if self.data is not None else {}
        if isinstance(context, Context) and self.operation.operation != OperationType.SUBSCRIPTION:
            context.executions.append(self)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_fields`` (the loop, the gathering of awaitables), a
        plain leaf answered in line, without a ``Path`` or a call of its own."""
        leaves = self.in_line.get(parent_type.name)
        relations = self.in_line_relations.get(parent_type.name)
        if leaves is None and relations is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        leaves = leaves or {}
        relations = relations or {}
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                name = node.name.value
                leaf = leaves.get(name)
                if leaf is not None and not node.arguments:
                    value = _leaf_value(leaf, source_value)
                    if value is not _GENERAL:
                        results[response_name] = value
                        continue
                field_path = Path(path, response_name, parent_type.name)
                relation = relations.get(name)
                if relation is not None and not node.arguments:
                    result = self.execute_relation(
                        relation,
                        parent_type,
                        source_value,
                        field_details_list,
                        field_path,
                        position_context,
                    )
                else:
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        field_details_list,
                        field_path,
                        position_context,
                    )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:  # settle those started: they may fail as well
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                name = awaitable_fields[0]
                results[name] = await results[name]
            else:
                awaited = await gather_with_cancel(*(results[n] for n in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def complete_value(
        self,
        return_type: Any,
        field_details_list: list[FieldDetails],
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``complete_value``; a model of the (non-null) object type's own
        class goes straight to its subfields (its checks would all pass: not null, not
        a list, not a leaf, not abstract, of its type)."""
        found = self.objects.get(id(return_type))
        if found is not None and type(result) is found[1]:
            return self.collect_and_execute_subfields(
                found[0], field_details_list, path, result, position_context
            )
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def execute_relation(
        self,
        relation: PlainRelation,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: list[FieldDetails],
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_field`` for a :class:`PlainRelation`: the loader is
        asked directly, and an object of the field's own class goes straight to its
        subfields; any other outcome is completed by graphql-core as usual."""
        assert self.data is not None  # only set up with a request context
        nodes = [details.node for details in field_details_list]
        return_type = relation.object_type
        try:
            value = self.data.related_below(
                nodes, self.fragment_definitions, source, relation.attribute
            )
            if value is None:
                return None
            if type(value) is relation.model:
                completed = self.collect_and_execute_subfields(
                    return_type, field_details_list, path, value, position_context
                )
            else:
                info = self.build_resolve_info(relation.field, nodes, parent_type, path)
                if self.is_awaitable(value):
                    return self.complete_awaitable_value(
                        return_type, field_details_list, info, path, value, position_context
                    )
                completed = self.complete_value(
                    return_type, field_details_list, info, path, value, position_context
                )
        except Exception as error:
            self.handle_field_error(error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._settled(completed, return_type, field_details_list, path)
        return completed

    async def _settled(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLObjectType,
        field_details_list: list[FieldDetails],
        path: Path,
    ) -> Any:
        """``completed``'s value; null, with the error located, if it fails."""
        try:
            return await completed
        except Exception as error:
            self.handle_field_error(error, return_type, field_details_list, path)
            return None


#: What :func:`_leaf_value` answers for a value the general path must complete.
_GENERAL: Final = object()


def _leaf_value(leaf: PlainLeaf, source: Any) -> Any:
    """The leaf's coerced value, or :data:`_GENERAL` for anything unusual (a null for a
    non-null field, a value its type refuses, an exception): graphql-core's general
    path then completes it, reporting the error as it always does."""
    try:
        value = leaf.read(source, leaf.attribute)
        if value is None:
            return _GENERAL if leaf.non_null else None
        if isinstance(value, Exception):
            return _GENERAL
        coerced = leaf.type.coerce_output_value(value)
    except Exception:
        return _GENERAL
    return _GENERAL if coerced is None or coerced is Undefined else coerced


def execution_for(schema: Any) -> type[GatewayExecution]:
    """:class:`GatewayExecution` for ``schema`` (a built Strawberry schema): its plain
    leaves, relations and model object types."""
    objects = model_objects(schema)
    namespace = {
        "leaves": plain_leaves(schema),
        "relations": plain_relations(schema, objects),
        "objects": objects,
    }
    return type(GatewayExecution.__name__, (GatewayExecution,), namespace)
