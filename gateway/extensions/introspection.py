"""Introspection on or off per deployment (``--introspection false`` in production)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import FieldNode, GraphQLError, ValidationRule
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

__all__ = ["IntrospectionSwitch", "NoServiceSdlRule"]


class NoServiceSdlRule(ValidationRule):
    """Refuses ``Query._service``: the subgraph's SDL is the schema, as introspection is.

    A router composing the subgraph from its SDL file (``ll2-gateway export-schema
    --federation``) needs neither; ``_entities`` stays open.
    """

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        parent = self.context.get_parent_type()
        schema = self.context.schema
        if node.name.value == "_service" and parent is not None and parent is schema.query_type:
            self.report_error(
                GraphQLError(
                    "GraphQL introspection has been disabled, but the requested query"
                    " contained the field '_service'.",
                    node,
                )
            )


class IntrospectionSwitch(SchemaExtension):
    """Adds graphql-core's no-introspection rule (and one for ``_service``) when the
    settings say so.

    The rules join validation (whose cache is keyed by the rules), so a refused
    introspection query costs what any invalid query costs.
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        settings = getattr(context, "settings", None)
        if settings is not None and not settings.introspection:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
                NoServiceSdlRule,
            )
        yield
