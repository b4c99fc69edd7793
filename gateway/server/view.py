"""Strawberry's aiohttp view, with the gateway's context, errors and extensions."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import orjson
from aiohttp import web
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from strawberry.aiohttp.views import GraphQLView
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types.execution import ExecutionResult

from gateway.context import Context
from gateway.extensions.limits import max_body_bytes
from gateway.server.errors import format_error, http_error_body
from gateway.server.observation import (
    note_codes,
    note_context,
    note_operation,
    note_response_cache,
)
from gateway.server.state import AppState

__all__ = ["GatewayView"]


_CONTEXT = web.RequestKey("gateway_context", Context)
#: The response-cache key of the request's operation, when it has one.
_RESPONSE_KEY = web.RequestKey("gateway_response_key", str)


def _scrub(value: Any) -> Any:
    """``value`` with lone surrogates (JSON escapes a client sent) replaced by ``?``."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def _dumps(data: object) -> bytes:
    try:
        return orjson.dumps(data)
    except TypeError:  # a lone surrogate echoed from the request, or an int past 64 bits
        return json.dumps(_scrub(data), separators=(",", ":")).encode()


def _json(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(body=_dumps(body), status=status, content_type="application/json")


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true", "yes")


def _explain(request: web.Request) -> bool:
    return _truthy(request.headers.get("X-Explain")) or _truthy(request.query.get("explain"))


#: ``extensions.upstream`` of an answer the response cache gave: it cost nothing.
_HIT: dict[str, object] = {
    "requests": 0,
    "cacheHits": 0,
    "coalesced": 0,
    "deduplicated": 0,
    "plannedCalls": 0,
    "bytesReceived": 0,
    "timeMs": 0.0,
    "calls": [],
    "responseCache": "hit",
}


async def _operation(request: web.Request) -> tuple[str, object, object] | None:
    """(document, operation name, variables) of a plain single-operation request.

    Anything unusual (a batch, a body that is not JSON, variables that are not an
    object) is left to the normal path, which answers it or refuses it.
    """
    if request.method == "GET":
        query = request.query.get("query")
        if query is None:
            return None
        raw = request.query.get("variables")
        try:
            variables = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            return None
        return query, request.query.get("operationName"), variables
    if request.method != "POST" or request.content_type != "application/json":
        return None
    try:
        payload = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return None
    return payload["query"], payload.get("operationName"), variables


class GatewayView(GraphQLView[Context, None]):
    def __init__(self, *args: Any, state: AppState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = state

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        try:
            async with asyncio.timeout(self.state.settings.request_timeout):
                cached = await self._cached(request)
                if cached is not None:
                    return cached
                return await self.run(request=request)
        except HTTPException as exc:
            return _json(http_error_body(exc.status_code, exc.reason), exc.status_code)
        except web.HTTPRequestEntityTooLarge:  # the body outgrew the app's client_max_size
            limit = max_body_bytes(self.state.settings)
            return _json(http_error_body(413, f"Request body larger than {limit} bytes."), 413)
        except TimeoutError:
            message = f"The request took longer than {self.state.settings.request_timeout:g} s."
            body = {
                "data": None,
                "errors": [{"message": message, "extensions": {"code": "UPSTREAM_TIMEOUT"}}],
            }
            return _json(body, 504)

    async def _cached(self, request: web.Request) -> web.Response | None:
        """The kept answer of the request's operation, if any (noting its key for later)."""
        responses = self.state.responses
        if responses is None or _explain(request):
            return None
        operation = await _operation(request)
        if operation is None:
            return None
        key = responses.key(*operation)
        if key is None:
            return None
        request[_RESPONSE_KEY] = key
        data = await responses.get(key)
        note_response_cache(request, data is not None)
        if data is None:
            return None
        note_operation(request, operation[0], operation[1])
        body = b'{"data":%s,"extensions":%s}' % (data, _dumps({"upstream": _HIT}))
        return web.Response(body=body, content_type="application/json")

    async def get_context(self, request: web.Request, response: Any) -> Context:
        explain = _explain(request)
        context = Context.create(self.state.settings, self.state.upstream, explain=explain)
        request[_CONTEXT] = context
        note_context(request, context)
        return context

    async def execute_single(
        self,
        request: web.Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: web.Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        note_operation(request, request_data.query, request_data.operation_name)
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    def encode_json(self, data: object) -> bytes:
        return _dumps(data)

    def parse_json(self, data: str | bytes) -> Any:
        """Decoded JSON, or a 400 (also for bytes that are not UTF-8 and nesting too deep)."""
        try:
            value = self.decode_json(data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError...
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        # Bytes are a POST body (query-string values arrive as str): it holds an operation.
        if isinstance(data, bytes) and not isinstance(value, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return value

    async def process_result(
        self, request: web.Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body: GraphQLHTTPResponse = {"data": result.data}
        context = request.get(_CONTEXT)
        errors: list[object] = [format_error(e) for e in result.errors or ()]
        if errors:
            body["errors"] = errors
            note_codes(request, errors)
        extensions = dict(result.extensions or {})
        if context is not None:
            context.data.release()
            extensions.update(context.extensions())
            if request.get(_RESPONSE_KEY) is not None:
                extensions["upstream"]["responseCache"] = "miss"
                await self._keep(request, context, result, bool(errors))
        if extensions:
            body["extensions"] = extensions
        return body

    async def _keep(
        self, request: web.Request, context: Context, result: ExecutionResult, failed: bool
    ) -> None:
        """Keep the answer for the response cache, if it may be served again."""
        key = request.get(_RESPONSE_KEY)
        responses = self.state.responses
        if key is None or responses is None or failed or result.data is None:
            return
        ttl = context.session.tally.reusable_for(time.time())
        await responses.put(key, result.data, ttl=ttl)
