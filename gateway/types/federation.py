"""Apollo Federation v2 keys: every LL2 resource is an entity other subgraphs can reference.

An :class:`~gateway.types.base.Entity` is an LL2 resource with its own endpoint, found
by its LL2 id: exactly what a federation entity is.  :func:`federate` gives each class
of :attr:`Entity.registry <gateway.types.base.Entity.registry>` the directive
``@key(fields: "id")``, in this one place rather than on each class declaration, so a
resource added later is an entity without anyone remembering to say so.

Values (an image, a status, a country...) are not: LL2 gives them no endpoint, several
have no id, and another subgraph has nothing to look one up by.

The directive is a *schema* directive: it is printed in the subgraph's SDL and costs
nothing when an operation runs (only operation directives add per-field work).
"""

from __future__ import annotations

from typing import Final

from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLSchema
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from gateway.types.base import Entity

__all__ = ["DESCRIPTIONS", "KEY_FIELDS", "describe_federation", "federate"]

#: The key every entity is referenced by: its LL2 id.
KEY_FIELDS: Final = FieldSet("id")


def _has_key(cls: type[Entity]) -> bool:
    directives = cls.__strawberry_definition__.directives or ()  # type: ignore[attr-defined]
    return any(isinstance(d, Key) for d in directives)


def federate() -> list[type[Entity]]:
    """Put ``@key(fields: "id")`` on every entity type (once); the entity types, by name."""
    entities = sorted(Entity.registry.values(), key=lambda cls: cls.__name__)
    for cls in entities:
        if not _has_key(cls):
            definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
            definition.directives = [*(definition.directives or ()), Key(fields=KEY_FIELDS)]
    return entities


#: What federation adds to the schema, for GraphiQL's docs (Strawberry leaves it bare).
DESCRIPTIONS: Final[dict[str, str]] = {
    "Query._entities": "The objects other subgraphs reference, one per representation, in "
    "order (Apollo Federation): each is looked up as its root field looks it up (`spacecraft"
    "(id:)`...), in one batch per type; null when LL2 has no such id.",
    "Query._entities(representations:)": 'References: `{"__typename": "Spacecraft", "id": '
    '"602"}`, for any type with `@key(fields: "id")`.',
    "Query._service": "This subgraph's schema with its federation directives, for a "
    "supergraph router to compose (Apollo Federation).",
    "_Service": "What a supergraph router reads of this subgraph (Apollo Federation).",
    "_Service.sdl": "The subgraph's SDL, with `@link` and `@key` (`ll2-gateway export-schema "
    "--federation` writes it to a file).",
    "_Any": "A reference to an entity: an object with `__typename` and its key fields.",
    "_Entity": 'Every type other subgraphs may reference by `@key(fields: "id")`.',
    "_FieldSet": "The fields of a federation key (`id`).",
    "link__Import": "A definition `@link` imports from a specification.",
    "link__Purpose": "Why a schema links a specification.",
    "link__Purpose.SECURITY": "It secures the schema: a router must support it.",
    "link__Purpose.EXECUTION": "It changes execution: a router must support it.",
}


def describe_federation(schema: GraphQLSchema) -> None:
    """Give federation's types, fields and arguments their :data:`DESCRIPTIONS`."""
    for path, text in DESCRIPTIONS.items():
        type_name, _, rest = path.partition(".")
        tp = schema.get_type(type_name)
        if tp is None:
            continue
        if not rest:
            tp.description = text
            continue
        name, _, argument = rest.partition("(")
        if isinstance(tp, GraphQLEnumType):
            tp.values[name].description = text
        elif isinstance(tp, GraphQLObjectType):
            field = tp.fields[name]
            if argument:
                field.args[argument.rstrip(":)")].description = text
            else:
                field.description = text
