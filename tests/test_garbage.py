"""What an answered request leaves for Python's cycle collector: nothing of its own.

Objects in reference cycles outlive their request until a collection, which walks
every young object; before this was fixed a never-seen document left ~370 of them
(the lexer's tokens, validation's visitors, graphql-core's execution context).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tests.harness import Gateway

LIST = "{ spacecrafts(first: 20) { nodes { id n%d: name spacecraftConfig { name agency { name } } } } }"
DEFERRED = '{ agency(id: "44") { name ... @defer { description } } }'
#: Packages whose objects a request makes.
OURS = ("gateway", "graphql", "strawberry")


@pytest.fixture
def cyclic() -> Iterator[list[object]]:
    """Objects found in cycles (and what they hold) while the test ran."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    found: list[object] = []
    try:
        yield found
    finally:
        gc.collect()
        gc.set_debug(0)
        gc.garbage.clear()


def _ours(objects: list[object]) -> list[str]:
    names = (f"{type(o).__module__}.{type(o).__qualname__}" for o in objects)
    return sorted({n for n in names if n.startswith(OURS)})


async def test_a_never_seen_document_leaves_nothing_in_cycles(
    gateway: Gateway, cyclic: list[object]
) -> None:
    await gateway.query(LIST % 0)  # LL2's page now cached
    gc.collect()
    gc.garbage.clear()
    for n in range(1, 4):
        answer = await gateway.query(LIST % n)
        assert len(answer.data["spacecrafts"]["nodes"]) == 20
    gc.collect()
    assert _ours(gc.garbage) == []


async def test_the_check_sees_cycles_where_they_are(gateway: Gateway, cyclic: list[object]) -> None:
    """An answer with errors keeps graphql-core's execution context for the collector
    (work may still be settling): the check above would see it."""
    await gateway.query('{ agency(id: "44") { name } }')
    gc.collect()
    gc.garbage.clear()
    answer = await gateway.query('{ agency(id: "x") { name } }')
    assert answer.codes == ["BAD_USER_INPUT"]
    gc.collect()
    assert _ours(gc.garbage) != []
