"""Arguments out of bounds are refused with BAD_USER_INPUT before any LL2 call; pages
past the end of a list whose count is known are empty without one."""

from __future__ import annotations

import json

import pytest

from gateway.types.bounds import MAX_INTEGER
from gateway.types.connection import encode_cursor
from tests.harness import Gateway, Response


def refused(r: Response, argument: str) -> str:
    assert r.status == 200
    assert r.codes == ["BAD_USER_INPUT"], r.errors
    assert r.errors[0]["extensions"]["argument"] == argument
    message: str = r.errors[0]["message"]
    return message


async def calls_for(gw: Gateway, query: str) -> tuple[Response, int]:
    gw.reset_upstream()
    r = await gw.query(query)
    return r, len(gw.upstream_calls())


def codes(n: int) -> str:
    return json.dumps([f"C{i:02d}" for i in range(n)])


@pytest.mark.parametrize(
    ("query", "argument", "says"),
    [
        (
            f"{{ agencies(filter: {{countryCode: {codes(101)}}}) {{ totalCount }} }}",
            "filter.countryCode",
            "at most 100",
        ),
        (f'{{ agencies(search: "{"a" * 101}") {{ totalCount }} }}', "search", "at most 100"),
        (
            f'{{ agencies(filter: {{nameContains: "{"a" * 201}"}}) {{ totalCount }} }}',
            "filter.nameContains",
            "at most 200",
        ),
        (
            f'{{ astronauts(filter: {{dateOfBirth: {{gte: "{"1" * 201}"}}}}) {{ totalCount }} }}',
            "filter.dateOfBirth.gte",
            "at most 200",
        ),
        ('{ spacecraft(id: "2147483648") { name } }', "id", "integer id"),
        (f'{{ spacecraft(id: "{"9" * 5000}") {{ name }} }}', "id", "integer id"),
        ('{ agencies(filter: {typeId: "abc"}) { totalCount } }', "filter.typeId", "integer id"),
        (
            '{ astronauts(filter: {agencyIds: ["1", "x"]}) { totalCount } }',
            "filter.agencyIds",
            "integer id",
        ),
        (
            f"{{ astronauts(filter: {{agencyIds: {json.dumps([str(i) for i in range(101)])}}}) "
            "{ totalCount } }",
            "filter.agencyIds",
            "at most 100",
        ),
        ("{ spacecrafts(ordering: [ID_ASC, ID_DESC]) { totalCount } }", "ordering", "twice"),
        ("{ spacecrafts(ordering: [ID_ASC, ID_ASC]) { totalCount } }", "ordering", "twice"),
        (
            f'{{ spacecrafts(after: "{encode_cursor(MAX_INTEGER)}") {{ totalCount }} }}',
            "after",
            "Malformed cursor",
        ),
    ],
    ids=[
        "101 list values",
        "search of 101",
        "string of 201",
        "date of 201",
        "id past 2^31-1",
        "id of 5000 digits",
        "id not a number",
        "id in a list not a number",
        "101 ids",
        "field both ways",
        "field twice",
        "cursor past LL2's range",
    ],
)
async def test_out_of_bounds_is_refused_before_any_call(
    gateway: Gateway, query: str, argument: str, says: str
) -> None:
    r, calls = await calls_for(gateway, query)
    assert says in refused(r, argument)
    assert calls == 0


@pytest.mark.parametrize(
    "query",
    [
        f"{{ agencies(filter: {{countryCode: {codes(100)}}}) {{ totalCount }} }}",
        f'{{ agencies(search: "{"a" * 100}") {{ totalCount }} }}',
        f'{{ agencies(filter: {{nameContains: "{"a" * 200}"}}) {{ totalCount }} }}',
        '{ spacecraft(id: "2147483647") { name } }',
        '{ astronauts(filter: {agencyIds: ["1", "44"]}) { totalCount } }',
        "{ spacecrafts(ordering: [ID_ASC, FLIGHTS_COUNT_DESC]) { totalCount } }",
    ],
    ids=["100 values", "search of 100", "string of 200", "largest id", "ids", "two fields"],
)
async def test_at_the_bound_is_asked(gateway: Gateway, query: str) -> None:
    r, calls = await calls_for(gateway, query)
    assert r.errors == []
    assert calls == 1


async def test_an_empty_cursor_is_no_cursor(gateway: Gateway) -> None:
    first = await gateway.query("{ spacecrafts(first: 3) { nodes { id } } }")
    empty = await gateway.query('{ spacecrafts(first: 3, after: "") { nodes { id } } }')
    assert empty.errors == [] and empty.data == first.data
    last = await gateway.query("{ spacecrafts(last: 3) { nodes { id } } }")
    empty = await gateway.query('{ spacecrafts(last: 3, before: "") { nodes { id } } }')
    assert empty.errors == [] and empty.data == last.data


@pytest.mark.parametrize(
    "filter", ["", 'filter: {countryCode: ["USA"]}'], ids=["whole list", "filtered"]
)
async def test_a_page_past_the_end_is_empty_without_a_call(gateway: Gateway, filter: str) -> None:
    counted = await gateway.query(f"{{ agencies(first: 2, {filter}) {{ totalCount }} }}")
    total = counted.data["agencies"]["totalCount"]
    assert total > 2
    for offset in (total, total + 500):  # just past the last item, and far past it
        query = (
            f'{{ agencies(first: 5, after: "{encode_cursor(offset - 1)}", {filter}, '
            "ordering: [NAME_ASC]) { totalCount nodes { id } "
            "pageInfo { hasNextPage hasPreviousPage endCursor } } }"
        )
        r, calls = await calls_for(gateway, query)
        assert r.errors == []
        assert calls == 0
        assert r.data["agencies"] == {
            "totalCount": total,
            "nodes": [],
            "pageInfo": {"hasNextPage": False, "hasPreviousPage": True, "endCursor": None},
        }
    # the last page itself is asked as usual
    last = f'{{ agencies(first: 5, after: "{encode_cursor(total - 2)}", {filter}) {{ nodes {{ id }} }} }}'
    r, calls = await calls_for(gateway, last)
    assert calls == 1 and len(r.data["agencies"]["nodes"]) == 1
