"""Operation limits (size, tokens, depth, aliases, cost) over real HTTP, before any LL2 call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from graphql import get_introspection_query

from gateway.offline import RunningUpstream
from gateway.settings import Settings
from tests.harness import Gateway, Response

DEFAULTS = Settings()


@asynccontextmanager
async def serving(upstream: RunningUpstream, **settings: Any) -> AsyncIterator[Gateway]:
    gw = await Gateway(upstream, **settings).start()
    try:
        yield gw
    finally:
        await gw.close()


def assert_refused(gw: Gateway, r: Response, limit: str, measured: int, maximum: int) -> None:
    assert r.status == 200, r.body
    assert r.data is None
    assert len(r.errors) == 1, r.errors
    error = r.errors[0]
    assert f"`{limit}`" in error["message"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "limit": limit,
        "measured": measured,
        "maximum": maximum,
    }
    assert gw.upstream_calls() == []


def assert_passed(r: Response) -> None:
    """Not refused by a limit (it may still fail for its own reasons)."""
    assert r.status == 200, r.body
    assert "QUERY_TOO_COMPLEX" not in r.codes, r.errors


def nested_of_type(levels: int) -> str:
    """An introspection query of depth ``levels + 4`` that never calls LL2."""
    inner = "name"
    for _ in range(levels):
        inner = f"ofType {{ {inner} }}"
    return f'{{ __type(name: "Agency") {{ fields {{ type {{ {inner} }} }} }} }}'


# -- defaults --------------------------------------------------------------------


def test_defaults_are_the_documented_ones() -> None:
    assert (
        DEFAULTS.max_query_bytes,
        DEFAULTS.max_tokens,
        DEFAULTS.max_depth,
        DEFAULTS.max_aliases,
        DEFAULTS.max_cost,
    ) == (32 * 1024, 3000, 15, 30, 20000)


@pytest.mark.parametrize(
    "query",
    [
        get_introspection_query(),
        get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
        ),
    ],
    ids=["plain", "graphiql-all-options"],
)
async def test_introspection_query_passes_the_defaults(gateway: Gateway, query: str) -> None:
    r = await gateway.query(query)
    assert r.status == 200 and not r.errors, r.errors
    assert r.data["__schema"]["queryType"]["name"] == "Query"
    assert gateway.upstream_calls() == []


# -- size ------------------------------------------------------------------------


async def test_size_just_under_and_just_over(gateway: Gateway) -> None:
    base = '{ agency(id: "121") { id } }'
    maximum = DEFAULTS.max_query_bytes
    over = base + " " * (maximum + 1 - len(base))
    r = await gateway.query(over)
    assert_refused(gateway, r, "size", maximum + 1, maximum)

    under = base + " " * (maximum - len(base))
    r = await gateway.query(under)
    assert r.status == 200 and not r.errors, r.errors
    assert r.data == {"agency": {"id": "121"}}
    assert len(gateway.upstream_calls()) == 1


async def test_size_counts_utf8_bytes_not_characters(upstream: RunningUpstream) -> None:
    query = "{ __typename } # " + "é" * 50  # 17 + 100 bytes, 67 characters
    async with serving(upstream, max_query_bytes=116) as gw:
        assert_refused(gw, await gw.query(query), "size", 117, 116)
    async with serving(upstream, max_query_bytes=117) as gw:
        r = await gw.query(query)
        assert r.data == {"__typename": "Query"}


async def test_size_is_checked_on_get_too(upstream: RunningUpstream) -> None:
    async with serving(upstream, max_query_bytes=20) as gw:
        query = "{ __typename }"  # 14 bytes
        r = await gw.request("GET", "/graphql", params={"query": query + " " * 6})
        assert r.body["data"] == {"__typename": "Query"}
        r = await gw.request("GET", "/graphql", params={"query": query + " " * 7})
        assert r.status == 200
        assert r.body["errors"][0]["extensions"]["measured"] == 21


# -- tokens ----------------------------------------------------------------------


async def test_tokens_just_under_and_just_over_the_default(gateway: Gateway) -> None:
    maximum = DEFAULTS.max_tokens

    def query(tokens: int) -> str:  # `{ __typename(x: [ ... ]) }` is 9 tokens and the list
        return "{ __typename(x: [" + " 1" * (tokens - 9) + "]) }"

    assert_refused(gateway, await gateway.query(query(maximum + 1)), "tokens", maximum + 1, maximum)
    r = await gateway.query(query(maximum))
    assert_passed(r)
    assert r.codes == ["GRAPHQL_VALIDATION_FAILED"]  # the unknown argument, checked later


async def test_tokens_stop_counting_past_the_maximum(gateway: Gateway) -> None:
    query = "{" + " a" * 15000 + " }"  # 15002 tokens in 30 KB: counting stops at 3001
    assert_refused(gateway, await gateway.query(query), "tokens", 3001, 3000)


async def test_tokens_just_under_and_just_over_a_configured_maximum(
    upstream: RunningUpstream,
) -> None:
    # 12 tokens: { agency ( id : "121" ) { id name } } (commas and comments are none)
    query = '{ agency(id: "121"), { id, name } } # a comment is no token'
    async with serving(upstream, max_tokens=11) as gw:
        assert_refused(gw, await gw.query(query), "tokens", 12, 11)
    async with serving(upstream, max_tokens=12) as gw:
        r = await gw.query(query)
        assert not r.errors and r.data["agency"]["id"] == "121"


async def test_size_is_checked_before_tokens(upstream: RunningUpstream) -> None:
    async with serving(upstream, max_query_bytes=10, max_tokens=2) as gw:
        assert_refused(gw, await gw.query("{ a b c d e }"), "size", 13, 10)


# -- depth -----------------------------------------------------------------------


async def test_depth_just_under_and_just_over_the_default(gateway: Gateway) -> None:
    maximum = DEFAULTS.max_depth
    r = await gateway.query(nested_of_type(maximum - 4))
    assert r.status == 200 and not r.errors, r.errors
    assert_refused(gateway, await gateway.query(nested_of_type(maximum - 3)), "depth", 16, 15)


async def test_depth_over_a_configured_maximum_makes_no_upstream_call(
    upstream: RunningUpstream,
) -> None:
    async with serving(upstream, max_depth=3) as gw:
        r = await gw.query("{ agencies(first: 1) { nodes { spacecraftList { name } } } }")
        assert_refused(gw, r, "depth", 4, 3)
        r = await gw.query("{ agencies(first: 1) { nodes { name } } }")
        assert not r.errors and len(r.data["agencies"]["nodes"]) == 1
        assert len(gw.upstream_calls()) == 1


async def test_depth_counts_through_fragments(upstream: RunningUpstream) -> None:
    named = (
        "{ agencies(first: 1) { ...Page } }"
        " fragment Page on AgencyConnection { nodes { ...Agency } }"
        " fragment Agency on Agency { spacecraftList { name } }"
    )
    inline = "{ agencies(first: 1) { ... on AgencyConnection { nodes { ... { id } } } } }"
    async with serving(upstream, max_depth=3) as gw:
        assert_refused(gw, await gw.query(named), "depth", 4, 3)
        r = await gw.query(inline)  # inline fragments add no depth: 3
        assert not r.errors, r.errors


async def test_depth_takes_the_deepest_spread_of_a_fragment(upstream: RunningUpstream) -> None:
    query = (
        '{ shallow: __type(name: "Agency") { ...T } deep: __schema { types { fields {'
        " type { ...T } } } } } fragment T on __Type { ofType { name } }"
    )
    async with serving(upstream, max_depth=5) as gw:
        assert_refused(gw, await gw.query(query), "depth", 6, 5)


async def test_fragment_cycles_are_safe(upstream: RunningUpstream) -> None:
    query = (
        '{ __type(name: "Agency") { ...A } }'
        " fragment A on __Type { ofType { ...B } }"
        " fragment B on __Type { ofType { ...A name } }"
    )
    async with serving(upstream) as gw:
        r = await gw.query(query)
        assert r.status == 200 and set(r.codes) == {"GRAPHQL_VALIDATION_FAILED"}
    # Each fragment counts once: __type > ofType (A) > ofType (B) > name.
    async with serving(upstream, max_depth=3) as gw:
        assert_refused(gw, await gw.query(query), "depth", 4, 3)


# -- aliases ---------------------------------------------------------------------


def aliased(count: int) -> str:
    return (
        '{ a0: agency(id: "121") { id } '
        + " ".join(f"a{i}: __typename" for i in range(1, count))
        + " }"
    )


async def test_aliases_just_under_and_just_over_the_default(gateway: Gateway) -> None:
    maximum = DEFAULTS.max_aliases
    assert_refused(gateway, await gateway.query(aliased(maximum + 1)), "aliases", 31, 30)
    r = await gateway.query(aliased(maximum))
    assert not r.errors and r.data["a0"] == {"id": "121"} and r.data["a29"] == "Query"
    assert len(gateway.upstream_calls()) == 1


async def test_aliases_count_once_per_fragment_spread(upstream: RunningUpstream) -> None:
    query = (
        '{ x: agency(id: "121") { ...A } y: agency(id: "44") { ...A } }'
        " fragment A on Agency { n: name t: __typename }"
    )  # 2 + 2 * 2 = 6
    async with serving(upstream, max_aliases=5) as gw:
        assert_refused(gw, await gw.query(query), "aliases", 6, 5)
    async with serving(upstream, max_aliases=6) as gw:
        r = await gw.query(query)
        assert not r.errors and r.data["y"]["t"] == "Agency"


async def test_a_fragment_bomb_saturates_instead_of_exploding(gateway: Gateway) -> None:
    # F60 spreads F59 twice, ... F1 holds one alias: 2**60 aliases once expanded.
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(2, 61)
    )
    query = f"{{ ...F60 }} fragment F1 on Query {{ a: __typename }} {fragments}"
    assert_refused(gateway, await gateway.query(query), "aliases", 2**53 - 1, 30)


# -- cost ------------------------------------------------------------------------


async def test_cost_just_under_and_just_over_the_default(gateway: Gateway) -> None:
    # cost = 1 (the root call) + first (its items)
    r = await gateway.query("{ agencies(first: 20000) { totalCount } }")
    assert_refused(gateway, r, "cost", 20001, 20000)
    r = await gateway.query("{ agencies(first: 19999) { totalCount } }")
    assert_passed(r)
    assert r.codes == ["BAD_USER_INPUT"]  # the resolver's own check on `first`
    assert gateway.upstream_calls() == []


async def test_cost_of_nested_pages_multiplies(gateway: Gateway) -> None:
    query = (
        "{ agencies(first: 100) { nodes { spacecraftConfigs(first: 100) {"
        " nodes { agency { name } } } } } }"
    )  # 1 + 100 + (100 + 100 * 100) + 100 * 100
    assert_refused(gateway, await gateway.query(query), "cost", 20201, 20000)


async def test_cost_takes_first_from_variables(gateway: Gateway) -> None:
    query = (
        "query($a: Int!, $b: Int!) { agencies(first: $a) {"
        " nodes { spacecraftConfigs(first: $b) { nodes { id } } } } }"
    )  # 1 + a + a + a * b
    r = await gateway.query(query, {"a": 100, "b": 198})
    assert_refused(gateway, r, "cost", 20001, 20000)
    r = await gateway.query("query($n: Int!) { agencies(first: $n) { totalCount } }", {"n": 20000})
    assert_refused(gateway, r, "cost", 20001, 20000)
    r = await gateway.query("query($n: Int! = 20000) { agencies(first: $n) { totalCount } }")
    assert_refused(gateway, r, "cost", 20001, 20000)
    r = await gateway.query(
        "query($n: Int! = 20000) { agencies(first: $n) { totalCount } }", {"n": 2}
    )
    assert not r.errors and r.data["agencies"]["totalCount"] > 2


async def test_cost_model_worked_example(upstream: RunningUpstream) -> None:
    # 1 (root call) + 20 (items) + 20 (relation calls) + 20 * 10 (a list without `first`)
    query = "{ agencies(first: 20) { nodes { name spacecraftList { name } } } }"
    async with serving(upstream, max_cost=240) as gw:
        assert_refused(gw, await gw.query(query), "cost", 241, 240)
    async with serving(upstream, max_cost=241) as gw:
        r = await gw.query(query)
        assert not r.errors and len(r.data["agencies"]["nodes"]) == 20


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ agencies { nodes { id } } }", 11),  # `first` left out: its default, 10
        ("{ agencies(first: 5) { totalCount edges { node { id } } nodes { id } } }", 6),
        ('{ agency(id: "121") { id name } upstreamStatus { __typename } }', 1),
        ('{ agency(id: "121") { spacecraftConfigs(first: 3) { nodes { id } } } }', 5),
        (
            "{ a: agencies(first: 2) { ...P } b: agencies(first: 3) { ...P } }"
            " fragment P on AgencyConnection { nodes { country { name } } }",
            1 + 2 + 20 + 1 + 3 + 30,
        ),
        ('{ __type(name: "Agency") { fields { args { name } } } }', 110),
        ("{ agencies(last: 5) { nodes { id } } }", 6),  # `last` counts as `first` does
        ("{ agencies(first: null) { nodes { id } } }", 11),
        ('{ node(id: "QWdlbmN5OjEyMQ==") { globalId } }', 1),  # a root call
        ('{ nodes(ids: ["QWdlbmN5OjEyMQ==", "QWdlbmN5OjQ0"]) { globalId } }', 1 + 2),
        (
            '{ nodes(ids: ["QWdlbmN5OjEyMQ==", "QWdlbmN5OjQ0", "QWdlbmN5OjE="]) {'
            " ... on Agency { spacecraftList { name } } } }",
            1 + 3 + 3 + 3 * 10,
        ),
    ],
)
async def test_cost_model(upstream: RunningUpstream, query: str, cost: int) -> None:
    async with serving(upstream, max_cost=cost - 1) as gw:
        assert_refused(gw, await gw.query(query), "cost", cost, cost - 1)
    async with serving(upstream, max_cost=cost) as gw:
        assert_passed(await gw.query(query))


async def test_cost_is_measured_for_the_operation_that_runs(gateway: Gateway) -> None:
    query = (
        "query Big { agencies(first: 20000) { totalCount } }"
        " query Small { agencies(first: 1) { totalCount } }"
    )
    r = await _named(gateway, query, "Small")
    assert not r.errors and r.data["agencies"]["totalCount"] > 1
    gateway.reset_upstream()
    assert_refused(gateway, await _named(gateway, query, "Big"), "cost", 20001, 20000)


async def _named(gw: Gateway, query: str, operation: str) -> Response:
    return await gw.request("POST", "/graphql", json={"query": query, "operationName": operation})


# -- each limit follows the settings ---------------------------------------------


@pytest.mark.parametrize(
    ("setting", "maximum", "limit", "measured", "query"),
    [
        ("max_query_bytes", 15, "size", 16, "{ __typename   }"),
        ("max_tokens", 3, "tokens", 4, "{ a b }"),
        ("max_depth", 1, "depth", 2, "{ upstreamStatus { __typename } }"),
        ("max_aliases", 1, "aliases", 2, "{ a: __typename b: __typename }"),
        ("max_cost", 0, "cost", 1, '{ agency(id: "121") { id } }'),
    ],
)
async def test_settings_override_each_maximum(
    upstream: RunningUpstream, setting: str, maximum: int, limit: str, measured: int, query: str
) -> None:
    async with serving(upstream, **{setting: maximum}) as gw:
        assert_refused(gw, await gw.query(query), limit, measured, maximum)
