"""``python -m bench.memory`` walks every LL2 resource the schema serves, in valid queries."""

from __future__ import annotations

import aiohttp
from graphql import parse, validate

from bench.memory import Walk, _lists
from gateway.schema import schema
from tests.harness import Gateway


def test_every_resource_with_a_list_and_a_single_field_is_walked() -> None:
    query = schema._schema.query_type
    assert query is not None
    found = {lists: single for lists, single, _ in _lists(query)}
    assert found["spacecrafts"] == "spacecraft"
    assert found["agencies"] == "agency"
    assert found["spacecraftFlights"] == "spacecraftFlight"
    assert len(found) >= 8
    for lists, single, scalars in _lists(query):
        assert "id" in scalars.split() and "description" not in lists
        text = (
            f'{{ {lists}(first: 1) {{ nodes {{ {scalars} }} }} {single}(id: "1") {{ {scalars} }} }}'
        )
        assert validate(schema._schema, parse(text)) == []


async def test_a_walk_reads_records_from_ll2_then_from_the_caches(gateway: Gateway) -> None:
    async with aiohttp.ClientSession() as http:
        walk = Walk(http, gateway.url + "/graphql")
        items = await walk.everything()
        calls = len(gateway.upstream_calls())
        assert items > 100 and calls > 0
        again = await walk.everything()
        assert again == items and len(gateway.upstream_calls()) == calls
