"""The cache of whole answers: hit, miss, key, lifetime, what is never kept, Redis sharing."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator

import orjson
import pytest
from graphql import GraphQLError
from graphql.language import Lexer, Source, TokenKind
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.offline import RunningUpstream
from gateway.server.persisted import PersistedDocuments
from gateway.server.responses import normalise_document
from gateway.server.view import _Keyed, _operation, _RecentKeys
from tests.harness import Gateway
from tests.redis_fixture import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]

FLIGHT = '{ spacecraftFlight(id: "671") { destination launch { name } } }'
AGENCY = "query A($id: ID!) { agency(id: $id) { name } }"


def _cache(r: object) -> str | None:
    return r.body["extensions"]["upstream"].get("responseCache")  # type: ignore[attr-defined]


def test_the_normal_form_ignores_layout_but_not_strings() -> None:
    a = normalise_document('{ agency(id: "44") { name } }')
    b = normalise_document('# a comment\n{\n  agency(id:"44"),{name}\n}')
    assert a == b
    assert normalise_document('{ a(s: "x  y") }') != normalise_document('{ a(s: "x y") }')
    assert normalise_document('{ a(s: """x""") }') == normalise_document('{ a(s: "x") }')
    assert normalise_document('{ a(s: "unterminated) }') is None


def _lexed_by_graphql_core(text: str) -> str | None:
    """The normal form read off graphql-core's own lexer: the reference."""
    lexer = Lexer(Source(text))
    parts: list[str] = []
    try:
        token = lexer.advance()
        while token.kind != TokenKind.EOF:
            if token.kind in (TokenKind.STRING, TokenKind.BLOCK_STRING):
                parts.append(orjson.dumps(token.value).decode())
            else:
                parts.append(token.value if token.value is not None else token.kind.value)
            token = lexer.advance()
    except GraphQLError:
        return None
    return " ".join(parts)


#: Pieces of GraphQL's lexical grammar and of what breaks it.
_PIECES = st.sampled_from(
    [
        *('"', '"""', "\\", "\\u0041", "\\u{1F600}", "\\n", "\\q", "#c", "\ud800"),
        *("a", "Z_9", "0", "01", "-", "1.5", "1e3", "E", "e", "+", "1a", ".", "..."),
        *("{", "}", "(", ")", ":", "!", "$", "@", "&", "|", "=", "[", "]"),
        *("\n", "\r", "\t", " ", ",", "\ufeff", "\u00e9", "\x01"),
    ]
)


@settings(max_examples=3000, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_the_normal_form_splits_text_as_graphql_cores_lexer_does(text: str) -> None:
    assert normalise_document(text) == _lexed_by_graphql_core(text)


async def test_a_repeated_operation_is_answered_whole(gateway: Gateway) -> None:
    first = await gateway.query(FLIGHT)
    calls = len(gateway.upstream_calls())
    assert _cache(first) == "miss" and calls >= 1
    again = await gateway.query("\n".join(FLIGHT.split()))  # the same tokens, laid out anew
    assert _cache(again) == "hit" and again.data == first.data
    assert again.body["extensions"]["upstream"]["requests"] == 0
    assert len(gateway.upstream_calls()) == calls
    via_get = await gateway.request("GET", "/graphql", params={"query": FLIGHT})
    assert _cache(via_get) == "hit" and via_get.body["data"] == first.data


async def test_variables_and_operation_names_are_part_of_the_key(gateway: Gateway) -> None:
    nasa = await gateway.query(AGENCY, {"id": "44"})
    spacex = await gateway.query(AGENCY, {"id": "121"})
    assert _cache(nasa) == _cache(spacex) == "miss"
    assert nasa.data != spacex.data
    assert _cache(await gateway.query(AGENCY, {"id": "121"})) == "hit"
    named = await gateway.query(AGENCY.replace("query A", "query B"), {"id": "121"})
    assert _cache(named) == "miss"


async def test_an_answer_lives_as_long_as_the_freshest_data_it_read(gateway: Gateway) -> None:
    """A flight (events: 5 min) with its launch: the whole answer expires with them."""
    await gateway.query(FLIGHT)
    assert gateway.state.responses is not None
    responses = gateway.state.responses.cache
    responses._clock = lambda: time.time() + 4 * 60  # type: ignore[attr-defined]
    assert _cache(await gateway.query(FLIGHT)) == "hit"
    responses._clock = lambda: time.time() + 6 * 60  # type: ignore[attr-defined]
    assert _cache(await gateway.query(FLIGHT)) == "miss"


async def test_errors_status_and_explain_are_never_kept(gateway: Gateway) -> None:
    bad = '{ agency(id: "44") { name } spacecraft(id: "abc") { name } }'
    assert (await gateway.query(bad)).codes == ["BAD_USER_INPUT"]
    assert _cache(await gateway.query(bad)) == "miss"
    status = '{ upstreamStatus { calls } agency(id: "44") { name } }'
    await gateway.query(status)
    assert _cache(await gateway.query(status)) == "miss"
    explained = await gateway.query(FLIGHT, headers={"X-Explain": "1"})
    assert _cache(explained) is None and "planned" in explained.body["extensions"]["upstream"]
    assert _cache(await gateway.query(FLIGHT)) == "miss", "explain kept nothing"


async def test_an_answer_from_stale_data_is_not_kept(
    upstream: RunningUpstream, gateway: Gateway
) -> None:
    query = '{ agency(id: "121") { name } }'
    await gateway.query(query)
    later = lambda: time.time() + 7 * 3600  # noqa: E731 - everything is past its TTL
    gateway.state.upstream.cache._clock = later  # type: ignore[attr-defined]
    assert gateway.state.responses is not None
    gateway.state.responses.cache._clock = later  # type: ignore[attr-defined]
    upstream.state.faults.add("status", status=503)
    stale = await gateway.query(query)
    assert stale.body["extensions"]["upstream"]["stale"] and _cache(stale) == "miss"
    assert _cache(await gateway.query(query)) == "miss"


async def test_it_can_be_turned_off(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, response_cache=False).start()
    try:
        await gw.query(FLIGHT)
        again = await gw.query(FLIGHT)
        assert _cache(again) is None and again.body["extensions"]["upstream"]["cacheHits"] >= 1
    finally:
        await gw.close()


@pytest.fixture
async def two_on_redis(
    upstream: RunningUpstream, redis_url: str, redis_prefix: str
) -> AsyncIterator[tuple[Gateway, Gateway]]:
    one = await Gateway(upstream, cache=redis_url, cache_namespace=redis_prefix).start()
    two = await Gateway(upstream, cache=redis_url, cache_namespace=redis_prefix).start()
    try:
        yield one, two
    finally:
        await one.close()
        await two.close()


async def test_instances_share_answers_through_redis(two_on_redis: tuple[Gateway, Gateway]) -> None:
    one, two = two_on_redis
    first = await one.query(FLIGHT)
    calls = len(one.upstream_calls())
    shared = await two.query(FLIGHT)
    assert _cache(first) == "miss" and _cache(shared) == "hit"
    assert shared.data == first.data and len(two.upstream_calls()) == calls


class _Posted:
    """What ``_operation`` reads of a POST request."""

    method = "POST"
    content_type = "application/json"

    def __init__(self, payload: object) -> None:
        self.body = json.dumps(payload).encode()

    async def read(self) -> bytes:
        return self.body


async def test_only_requests_that_say_their_whole_operation_are_keyed_by_their_text() -> None:
    """A persisted document's hash may come to name nothing: such a request is always
    looked up, never answered by what its text was keyed to before."""
    documents = PersistedDocuments()
    plain = await _operation(_Posted({"query": FLIGHT}), documents)  # type: ignore[arg-type]
    assert plain is not None and plain.plain and plain.document == FLIGHT
    digest = hashlib.sha256(FLIGHT.encode()).hexdigest()
    apq = {"query": FLIGHT, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    persisted = await _operation(_Posted(apq), documents)  # type: ignore[arg-type]
    assert persisted is not None and not persisted.plain


def test_recent_keys_are_few_small_and_the_oldest_go_first() -> None:
    recent = _RecentKeys()
    for n in range(recent.MAX_ENTRIES + 10):
        recent.put(b"%d" % n, _Keyed(f"k{n}", "{ a }", None))
    assert recent.get(b"0") is None and recent.get(b"9") is None
    assert recent.get(b"10") == _Keyed("k10", "{ a }", None)
    recent.put(b"x" * (recent.MAX_BYTES + 1), _Keyed("big", "{ a }", None))
    assert recent.get(b"x" * (recent.MAX_BYTES + 1)) is None
