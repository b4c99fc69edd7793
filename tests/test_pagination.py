"""Relay pagination both ways: ``first``/``after`` and ``last``/``before``.

Cursors are LL2 offsets, so a backward page is one LL2 call like a forward one
(``last`` without ``before``, the end of a list, needs LL2's count first).
``pageInfo`` follows Relay's rules within the window the cursors cut.
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.types.connection import encode_cursor
from tests.harness import Gateway

PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }"


async def page(gateway: Gateway, args: str, field: str = "astronauts") -> dict[str, Any]:
    r = await gateway.query(f"{{ {field}({args}) {{ {PAGE} }} }}")
    assert r.errors == [], r.errors
    result: dict[str, Any] = r.data[field]
    return result


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


@pytest.fixture
async def everyone(gateway: Gateway) -> list[str]:
    """The first 30 astronauts by name: what every page here is a slice of."""
    r = await gateway.query("{ astronauts(first: 30, ordering: [NAME_ASC]) { nodes { id } } }")
    gateway.reset_upstream()
    return [n["id"] for n in r.data["astronauts"]["nodes"]]


async def test_last_before_is_the_page_before_the_cursor_in_one_call(
    gateway: Gateway, everyone: list[str]
) -> None:
    c = await page(gateway, f'last: 4, before: "{encode_cursor(10)}", ordering: [NAME_ASC]')
    assert ids(c) == everyone[6:10]
    assert [e["cursor"] for e in c["edges"]] == [encode_cursor(i) for i in range(6, 10)]
    assert c["pageInfo"] == {
        "hasNextPage": True,  # the `before` item itself follows
        "hasPreviousPage": True,
        "startCursor": encode_cursor(6),
        "endCursor": encode_cursor(9),
    }
    calls = gateway.upstream_calls()
    assert len(calls) == 1 and calls[0].query["offset"] == "6" and calls[0].query["limit"] == "4"


async def test_paging_back_to_the_start(gateway: Gateway, everyone: list[str]) -> None:
    c = await page(gateway, f'last: 5, before: "{encode_cursor(3)}", ordering: [NAME_ASC]')
    assert ids(c) == everyone[:3]
    assert c["pageInfo"]["hasPreviousPage"] is False
    assert c["pageInfo"]["hasNextPage"] is True
    empty = await page(gateway, f'last: 5, before: "{encode_cursor(0)}"')
    assert empty["edges"] == [] and empty["pageInfo"]["hasPreviousPage"] is False
    assert empty["pageInfo"]["startCursor"] is None and empty["pageInfo"]["endCursor"] is None


async def test_last_alone_is_the_end_of_the_list(gateway: Gateway) -> None:
    c = await page(gateway, "last: 3")
    total = c["totalCount"]
    assert [e["cursor"] for e in c["edges"]] == [encode_cursor(i) for i in range(total - 3, total)]
    assert c["pageInfo"]["hasNextPage"] is False and c["pageInfo"]["hasPreviousPage"] is True
    # LL2's count first (the first `last` items), then the end
    offsets = [call.query["offset"] for call in gateway.upstream_calls()]
    assert offsets == ["0", str(total - 3)]


async def test_last_alone_goes_straight_to_the_end_when_the_count_is_known(
    gateway: Gateway,
) -> None:
    total = (await page(gateway, "first: 0"))["totalCount"]  # LL2 tells the count
    gateway.reset_upstream()
    c = await page(gateway, "last: 3, ordering: [NAME_ASC]")  # any order: the same list
    assert [e["cursor"] for e in c["edges"]] == [encode_cursor(i) for i in range(total - 3, total)]
    assert [call.query["offset"] for call in gateway.upstream_calls()] == [str(total - 3)]


async def test_last_zero_alone_costs_one_call_for_the_count(gateway: Gateway) -> None:
    c = await page(gateway, "last: 0")
    assert c["edges"] == [] and c["totalCount"] > 0
    assert c["pageInfo"]["hasPreviousPage"] is True and c["pageInfo"]["hasNextPage"] is False
    assert len(gateway.upstream_calls()) == 1


async def test_last_alone_on_a_short_list_is_one_call(gateway: Gateway) -> None:
    c = await page(gateway, "last: 20", "spacecraftFamilies")
    assert c["totalCount"] == len(c["edges"]) <= 20
    assert c["pageInfo"]["hasPreviousPage"] is False and c["pageInfo"]["hasNextPage"] is False
    assert len(gateway.upstream_calls()) == 1


async def test_last_after_counts_back_from_the_end_within_the_window(gateway: Gateway) -> None:
    total = (await page(gateway, "first: 0", "spacecrafts"))["totalCount"]
    near_end = await page(gateway, f'last: 10, after: "{encode_cursor(total - 4)}"', "spacecrafts")
    assert [e["cursor"] for e in near_end["edges"]] == [
        encode_cursor(i) for i in range(total - 3, total)
    ]
    assert near_end["pageInfo"]["hasPreviousPage"] is False  # nothing between `after` and it
    assert near_end["pageInfo"]["hasNextPage"] is False


async def test_after_and_before_cut_a_window(gateway: Gateway, everyone: list[str]) -> None:
    between = f'after: "{encode_cursor(2)}", before: "{encode_cursor(9)}", ordering: [NAME_ASC]'
    forward = await page(gateway, f"first: 4, {between}")
    assert ids(forward) == everyone[3:7]
    assert forward["pageInfo"]["hasNextPage"] is True  # 7 and 8 are still in the window
    rest = await page(
        gateway, f'first: 4, after: "{encode_cursor(6)}", before: "{encode_cursor(9)}"'
    )
    assert [e["cursor"] for e in rest["edges"]] == [encode_cursor(7), encode_cursor(8)]
    assert rest["pageInfo"]["hasNextPage"] is False  # the window ends at `before`
    backward = await page(gateway, f"last: 4, {between}")
    assert ids(backward) == everyone[5:9]
    assert backward["pageInfo"]["hasPreviousPage"] is True  # 3 and 4 are still in the window
    whole = await page(gateway, f"last: 10, {between}")
    assert ids(whole) == everyone[3:9]
    assert whole["pageInfo"]["hasPreviousPage"] is False


async def test_a_window_that_holds_nothing_is_an_empty_page(gateway: Gateway) -> None:
    c = await page(gateway, f'first: 5, after: "{encode_cursor(8)}", before: "{encode_cursor(4)}"')
    assert c["edges"] == [] and c["totalCount"] > 0
    assert c["pageInfo"]["hasNextPage"] is False


async def test_nested_connections_page_backward(gateway: Gateway) -> None:
    forward = await gateway.query(
        '{ agency(id: "63") { spacecraftConfigs(first: 6, ordering: [NAME_ASC]) {'
        " edges { cursor node { name } } } } }"
    )
    edges = forward.data["agency"]["spacecraftConfigs"]["edges"]
    back = await gateway.query(
        'query($before: String) { agency(id: "63") {'
        " spacecraftConfigs(last: 2, before: $before, ordering: [NAME_ASC]) {"
        " pageInfo { hasPreviousPage } edges { cursor node { name } } } } }",
        {"before": edges[5]["cursor"]},
    )
    assert back.errors == [], back.errors
    connection = back.data["agency"]["spacecraftConfigs"]
    assert connection["edges"] == edges[3:5]
    assert connection["pageInfo"]["hasPreviousPage"] is True


async def test_null_paging_arguments_are_left_out(gateway: Gateway) -> None:
    """Relay sends the other direction's count and cursor as null."""
    r = await gateway.query(
        "query($f: Int, $a: String, $l: Int, $b: String) {"
        " astronauts(first: $f, after: $a, last: $l, before: $b) { edges { cursor } } }",
        {"f": None, "a": None, "l": None, "b": None},
    )
    assert r.errors == []
    assert [e["cursor"] for e in r.data["astronauts"]["edges"]] == [
        encode_cursor(i) for i in range(10)
    ]  # neither `first` nor `last`: the first 10


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        ("first: 2, last: 2", "last"),
        ("first: 0, last: 0", "last"),
        ("last: -1", "last"),
        ("last: 101", "last"),
        ('last: 2, before: "nope"', "before"),
        (f'last: 2, before: "{encode_cursor(-1).replace("=", "")}"', "before"),
        ('first: 2, after: "nope"', "after"),
        (f'first: 2, after: "{encode_cursor(3)}", before: "x"', "before"),
    ],
)
async def test_bad_paging_arguments_are_bad_user_input_and_cost_nothing(
    gateway: Gateway, args: str, argument: str
) -> None:
    r = await gateway.query(f"{{ astronauts({args}) {{ totalCount }} }}")
    assert r.status == 200
    assert r.codes == ["BAD_USER_INPUT"], r.body
    assert r.errors[0]["extensions"]["argument"] == argument
    assert r.data == {"astronauts": None}
    assert gateway.upstream_calls() == []


async def test_last_counts_in_the_cost_limit_like_first(gateway: Gateway) -> None:
    nested = (
        "{{ agencies({a}: 100) {{ nodes {{ spacecraftConfigs({a}: 100) {{"
        " nodes {{ spacecraft({a}: 100) {{ nodes {{ id }} }} }} }} }} }} }}"
    )
    by_first = await gateway.query(nested.format(a="first"))
    by_last = await gateway.query(nested.format(a="last"))
    assert by_first.codes == by_last.codes == ["QUERY_TOO_COMPLEX"]
    assert by_last.errors[0]["extensions"] == by_first.errors[0]["extensions"]
    assert gateway.upstream_calls() == []
