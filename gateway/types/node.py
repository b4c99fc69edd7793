"""Relay's ``Node``: an id unique across every type of the schema, and its codec.

LL2 numbers each resource on its own (astronaut 18 and space station 18 are two
objects), and every type's ``id`` stays LL2's.  ``globalId`` is the opaque id Relay
needs: the base64 of ``<GraphQL type>:<LL2 id>`` (``U3BhY2VjcmFmdDo2MDI=`` is
``Spacecraft:602``).  ``node(id:)`` turns it back into the object
(:func:`gateway.types.fields.node_lookup`); Relay's compiler reads ``globalId`` as the
node id when told so (``schemaConfig.nodeInterfaceIdField``).
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

import strawberry

from gateway.errors import BadUserInput

__all__ = ["Node", "decode_global_id", "encode_global_id"]


def encode_global_id(type_name: str, id: str) -> str:
    return base64.b64encode(f"{type_name}:{id}".encode()).decode()


def decode_global_id(global_id: str, argument: str = "id") -> tuple[str, str]:
    """The (GraphQL type name, LL2 id) a global id stands for; ``BAD_USER_INPUT`` when
    it is not the base64 of ``<type>:<id>``."""
    try:
        text = base64.b64decode(global_id.encode("ascii"), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    type_name, colon, id = text.partition(":")
    if not (colon and type_name and id):
        raise BadUserInput(
            f"Malformed global id {global_id!r}: pass the `globalId` of an object.",
            argument=argument,
        )
    return type_name, id


@strawberry.interface(
    description="An object with an id unique across all types (`globalId`), which "
    "`node(id:)` fetches again: Relay's Node. Every LL2 resource object is one."
)
class Node:
    if TYPE_CHECKING:
        id: strawberry.ID

    @strawberry.field(
        description="An opaque id, unique across all types (the base64 of "
        "`<type>:<id>`); `node(id:)` takes it. `id` stays LL2's own id, unique within "
        'its type only. Relay: `schemaConfig.nodeInterfaceIdField: "globalId"`.'
    )
    def global_id(self) -> strawberry.ID:
        definition = type(self).__strawberry_definition__  # type: ignore[attr-defined]
        return strawberry.ID(encode_global_id(definition.name, self.id))
