"""The Strawberry schema, built once per process."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from gateway.extensions.introspection import IntrospectionSwitch
from gateway.extensions.limits import OperationLimits
from gateway.resolvers.query import Query
from gateway.resolvers.subscription import Subscription
from gateway.types.base import read_field
from gateway.types.descriptions import describe
from gateway.types.resolving import GatewayInfo
from gateway.types.scalars import SCALAR_MAP

__all__ = ["GatewaySchema", "build_schema", "schema"]


class GatewaySchema(strawberry.Schema):
    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """One answer: never a subscription's (they stream, over WebSocket)."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed - {OperationType.SUBSCRIPTION},
            operation_extensions,
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Leave logging to the view: it logs only unexpected errors, with their id."""


def build_schema(*, incremental: bool = True) -> strawberry.Schema:
    """The schema; ``incremental=False`` leaves ``@defer``/``@stream`` out (for comparison:
    ``python -m bench.incremental``)."""
    built = GatewaySchema(
        query=Query,
        subscription=Subscription,
        config=StrawberryConfig(
            scalar_map=SCALAR_MAP,
            info_class=GatewayInfo,
            default_resolver=read_field,
            # @defer and @stream: graphql-core runs every operation through the same
            # incremental executor either way (measured: README "Live data").
            enable_experimental_incremental_execution=incremental,
        ),
        extensions=[
            IntrospectionSwitch,
            OperationLimits,  # before the caches: it refuses before they parse or validate
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )
    describe(built._schema)  # what LL2's fields mean, for GraphiQL's docs
    return built


schema = build_schema()
