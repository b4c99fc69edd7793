"""Introspection on or off per deployment (``--introspection false`` in production)."""

from __future__ import annotations

from collections.abc import Iterator

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

__all__ = ["IntrospectionSwitch"]


class IntrospectionSwitch(SchemaExtension):
    """Adds graphql-core's no-introspection rule when the settings say so.

    The rule joins validation (whose cache is keyed by the rules), so a refused
    introspection query costs what any invalid query costs.
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        settings = getattr(context, "settings", None)
        if settings is not None and not settings.introspection:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield
