"""Simple fields resolve without Strawberry's per-call chain, and answer the same."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from gateway.extensions.direct_fields import direct_fields
from gateway.schema import schema as gateway_schema


class Denied(BasePermission):
    message = "denied"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return False


def _root_and_info(root: Any, info: Info) -> str:
    return f"{root.name}:{info.python_name}:{info.context['who']}"


@strawberry.type
class Item:
    name: str
    via_root: str = strawberry.field(resolver=_root_and_info)

    @strawberry.field
    def upper(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def later(self, info: Info) -> str:
        return f"{self.name} for {info.context['who']}"

    @strawberry.field
    def repeat(self, times: int) -> str:
        return self.name * times

    @strawberry.field(permission_classes=[Denied])
    def secret(self) -> str | None:
        return "leaked"


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(name="a"), Item(name="b")]


QUERY = "{ items { name viaRoot upper later repeat(times: 2) secret } }"


async def _answer(schema: strawberry.Schema) -> Any:
    result = await schema.execute(QUERY, context_value={"who": "me"})
    return result.data, [(e.message, e.path) for e in result.errors or []]


async def test_direct_resolvers_answer_as_strawberry_does() -> None:
    plain = strawberry.Schema(query=Query)
    expected = await _answer(plain)
    replaced = direct_fields(plain)
    assert replaced == 4  # name, viaRoot, upper, later; not repeat (arguments), secret
    assert await _answer(plain) == expected
    assert expected[0]["items"][0] == {
        "name": "a",
        "viaRoot": "a:via_root:me",
        "upper": "A",
        "later": "a for me",
        "repeat": "aa",
        "secret": None,
    }
    assert expected[1] == [("denied", ["items", 0, "secret"]), ("denied", ["items", 1, "secret"])]


def test_every_relation_of_the_gateway_resolves_directly() -> None:
    types = gateway_schema._schema.type_map
    relation = types["Spacecraft"].fields["spacecraftConfig"]  # type: ignore[union-attr]
    with_arguments = types["Query"].fields["spacecrafts"]  # type: ignore[union-attr]
    assert relation.resolve is not None and relation.resolve.__module__ == direct_fields.__module__
    assert with_arguments.resolve is not None
    assert with_arguments.resolve.__module__ != direct_fields.__module__
