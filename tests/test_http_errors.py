"""Malformed HTTP requests: a 4xx with a GraphQL-shaped JSON error, never a 500 or a trace."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from gateway.extensions.limits import max_body_bytes
from gateway.settings import Settings
from tests.harness import Gateway

JSON = {"Content-Type": "application/json"}


async def send(gw: Gateway, method: str, **kwargs: Any) -> tuple[int, str, str]:
    assert gw.http is not None
    async with gw.http.request(method, f"{gw.url}/graphql", **kwargs) as response:
        return response.status, response.content_type, await response.text()


def assert_refusal(status: int, content_type: str, text: str, expected: int, code: str) -> str:
    """The body is exactly {"data": null, "errors": [{"message", "extensions": {"code"}}]}."""
    assert status == expected, text
    assert content_type == "application/json"
    assert "Traceback" not in text
    body = json.loads(text)
    assert body.keys() == {"data", "errors"} and body["data"] is None
    [error] = body["errors"]
    assert error.keys() == {"message", "extensions"}
    assert isinstance(error["message"], str) and error["message"]
    assert error["extensions"] == {"code": code}
    return error["message"]


@pytest.fixture(autouse=True)
def no_server_errors_logged(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.INFO)
    yield
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


BODIES = {
    "bad json": b'{"query": ',
    "not utf-8": b'{"query": "\xc3\x28"}',
    "nested too deep for a decoder": b"[" * 20000 + b"]" * 20000,
    "a number": b"42",
    "a string": b'"{ __typename }"',
    "null": b"null",
    "true": b"true",
    "an empty batch": b"[]",
    "a batch of something else": b"[1, 2]",
    "no query": b"{}",
    "null query": b'{"query": null}',
    "empty query": b'{"query": ""}',
    "query a number": b'{"query": 5}',
    "query a list": b'{"query": ["{ __typename }"]}',
    "query an object": b'{"query": {"a": 1}}',
    "variables a list": b'{"query": "{ __typename }", "variables": [1]}',
    "variables a string": b'{"query": "{ __typename }", "variables": "{}"}',
    "variables a number": b'{"query": "{ __typename }", "variables": 3}',
    "extensions a list": b'{"query": "{ __typename }", "extensions": []}',
    "unknown operation name": b'{"query": "query A { __typename }", "operationName": "B"}',
    "operation name a number": b'{"query": "query A { __typename }", "operationName": 5}',
    "fragments only": b'{"query": "fragment F on Query { __typename }"}',
    "operation name a lone surrogate": b'{"query": "query A { __typename }", "operationName": "\\ud800"}',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
async def test_malformed_json_bodies_get_400(gateway: Gateway, body: bytes) -> None:
    assert_refusal(*await send(gateway, "POST", data=body, headers=JSON), 400, "BAD_REQUEST")
    assert gateway.upstream_calls() == []


async def test_non_object_body_says_what_is_expected(gateway: Gateway) -> None:
    message = assert_refusal(
        *await send(gateway, "POST", data=b"42", headers=JSON), 400, "BAD_REQUEST"
    )
    assert "JSON object" in message


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/graphql",
    ],
)
async def test_wrong_content_type_gets_400(gateway: Gateway, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = b'{"query": "{ __typename }"}'
    result = await send(gateway, "POST", data=body, headers=headers)
    assert_refusal(*result, 400, "BAD_REQUEST")


async def test_json_with_charset_is_accepted(gateway: Gateway) -> None:
    status, _, text = await send(
        gateway,
        "POST",
        data=b'{"query": "{ __typename }"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert status == 200 and json.loads(text)["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"query": ""},
        {"query": "{ __typename }", "variables": "{not json"},
        {"query": "{ __typename }", "variables": "[1]"},
        {"query": "{ __typename }", "variables": "[" * 2000},
        {"query": "{ __typename }", "extensions": "5"},
        {"query": "mutation { x }"},
    ],
    ids=[
        "no query",
        "empty query",
        "variables not json",
        "variables a list",
        "variables nested deep",
        "extensions a number",
        "mutation over get",
    ],
)
async def test_malformed_get_requests_get_400(gateway: Gateway, params: dict[str, str]) -> None:
    result = await send(gateway, "GET", params=params, headers={"Accept": "application/json"})
    assert_refusal(*result, 400, "BAD_REQUEST")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_unsupported_methods_get_405(gateway: Gateway, method: str) -> None:
    result = await send(gateway, method, data=b'{"query": "{ __typename }"}', headers=JSON)
    assert_refusal(*result, 405, "METHOD_NOT_ALLOWED")


async def test_oversized_body_gets_413(gateway: Gateway) -> None:
    limit = max_body_bytes(Settings())
    assert limit > Settings().max_query_bytes  # room for escaping and variables
    body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * limit}}).encode()
    message = assert_refusal(
        *await send(gateway, "POST", data=body, headers=JSON), 413, "PAYLOAD_TOO_LARGE"
    )
    assert str(limit) in message
    assert gateway.upstream_calls() == []


async def test_body_limit_follows_max_query_bytes(upstream: Any) -> None:
    gw = await Gateway(upstream, max_query_bytes=1000).start()
    try:
        limit = max_body_bytes(gw.settings)
        pad = limit - len(b'{"query": "{ __typename }", "variables": {"pad": ""}}')
        fits = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * pad}})
        assert len(fits) == limit
        status, _, text = await send(gw, "POST", data=fits.encode(), headers=JSON)
        assert status == 200 and json.loads(text)["data"] == {"__typename": "Query"}
        over = fits.replace('"pad": "', '"pad": "x')
        assert_refusal(
            *await send(gw, "POST", data=over.encode(), headers=JSON), 413, "PAYLOAD_TOO_LARGE"
        )
    finally:
        await gw.close()


async def test_document_over_max_query_bytes_inside_an_accepted_body(gateway: Gateway) -> None:
    maximum = Settings().max_query_bytes
    query = "{ __typename }" + " " * maximum
    r = await gateway.query(query)
    assert r.status == 200 and r.codes == ["QUERY_TOO_COMPLEX"]
    assert r.errors[0]["extensions"]["limit"] == "size"
