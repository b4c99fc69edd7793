"""The Strawberry schema, built once per process: an Apollo Federation v2 subgraph.

The schema every client queries is also a subgraph a supergraph router (Apollo
Router or Gateway, Hive Gateway, Cosmo) can compose: ``Query._service { sdl }`` gives
its SDL with the federation directives, every LL2 resource is an entity with
``@key(fields: "id")`` (:mod:`gateway.types.federation`), and ``Query._entities``
resolves references through the request's loaders (:mod:`gateway.resolvers.entities`).

Two SDL documents come out of it: :meth:`GatewaySchema.subgraph_sdl`, what ``_service``
answers and a router composes (``schema.federation.graphql``), and
:meth:`GatewaySchema.as_str`, the same without the federation directives (``@link``,
``@key``, which only a composer understands): what introspection shows a client
(``schema.graphql``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Final

import strawberry
from graphql import GraphQLError
from strawberry.federation import Schema as FederationSchema
from strawberry.federation.schema import FederationAny
from strawberry.federation.schema_directives import FederationDirective
from strawberry.printer import print_schema
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionResult, Info
from strawberry.types.graphql import OperationType

from gateway.extensions.direct_fields import direct_fields
from gateway.extensions.execution import execution_for
from gateway.extensions.introspection import IntrospectionSwitch
from gateway.extensions.limits import OperationLimits
from gateway.extensions.parsing import DocumentParsing
from gateway.extensions.validation import DocumentValidation, prepare
from gateway.planning.selection import graphql_to_keys
from gateway.resolvers.entities import resolve_entities
from gateway.resolvers.query import Query
from gateway.resolvers.subscription import Subscription
from gateway.types.base import models, read_field
from gateway.types.descriptions import describe
from gateway.types.federation import describe_federation, federate
from gateway.types.resolving import GatewayInfo
from gateway.types.scalars import SCALAR_MAP

__all__ = ["FEDERATION_VERSION", "GatewaySchema", "build_schema", "schema"]

#: The lowest Federation 2 version with all this subgraph uses (``@key``): every
#: Federation 2 composer accepts it.
FEDERATION_VERSION: Final = "2.0"


class GatewaySchema(FederationSchema):
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

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """``Query._entities``: one batch of loader lookups, an error per bad reference."""
        assert isinstance(info, GatewayInfo), "the schema's info_class"
        return resolve_entities(info, representations)  # type: ignore[return-value]

    def as_str(self) -> str:
        """The schema as clients see it: every type and field, no federation directive
        (``schema.graphql``; any GraphQL tool reads it without a composer)."""
        with _federation_directives_hidden(self):
            return print_schema(self)

    __str__ = as_str

    def subgraph_sdl(self) -> str:
        """The SDL a router composes, as ``{ _service { sdl } }`` answers it
        (``schema.federation.graphql``)."""
        return print_schema(self)


@contextmanager
def _federation_directives_hidden(built: strawberry.Schema) -> Iterator[None]:
    """Strawberry's printer reads directives from the type definitions: hide the
    federation ones while printing (synchronously: no request can see it)."""
    hidden: list[tuple[Any, list[object]]] = []
    for graphql_type in built._schema.type_map.values():
        definition = (graphql_type.extensions or {}).get("strawberry-definition")
        directives = getattr(definition, "directives", None)
        if directives and any(isinstance(d, FederationDirective) for d in directives):
            hidden.append((definition, directives))
            definition.directives = [  # type: ignore[union-attr]
                d for d in directives if not isinstance(d, FederationDirective)
            ]
    schema_directives = built.schema_directives
    built.schema_directives = []
    try:
        yield
    finally:
        built.schema_directives = schema_directives
        for definition, directives in hidden:
            definition.directives = directives


def build_schema(*, incremental: bool = True) -> GatewaySchema:
    """The schema; ``incremental=False`` leaves ``@defer``/``@stream`` out (for comparison:
    ``python -m bench.incremental``)."""
    federate()
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
            lambda: DocumentParsing(maxsize=256),
            lambda: DocumentValidation(maxsize=256),
        ],
        federation_version=FEDERATION_VERSION,
    )
    direct_fields(built)
    built.execution_context_class = execution_for(built)
    for model in models():  # their tables now, not at a first request's expense
        graphql_to_keys(model)
    prepare(built._schema)
    describe(built._schema)  # what LL2's fields mean, for GraphiQL's docs
    describe_federation(built._schema)
    return built


schema = build_schema()
