"""Strawberry's aiohttp view, with the gateway's context, errors and extensions."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from typing import Any

import orjson
from aiohttp import web
from cross_web import HTTPException
from graphql.execution import (
    InitialIncrementalExecutionResult,
    SubsequentIncrementalExecutionResult,
)
from strawberry.aiohttp.views import GraphQLView
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.execution import ExecutionResult

from gateway.context import Context
from gateway.extensions.limits import max_body_bytes
from gateway.server.errors import format_error, http_error_body
from gateway.server.incremental import IncrementalParts, legacy_defer_spec
from gateway.server.live import LiveServer, LiveTransportWSHandler, TextWebSocketAdapter, refuse
from gateway.server.state import AppState

__all__ = ["GatewayView"]


_CONTEXT = web.RequestKey("gateway_context", Context)
#: The response-cache key of the request's operation, when it has one.
_RESPONSE_KEY = web.RequestKey("gateway_response_key", str)
#: The parts of an incremental (``@defer``/``@stream``) answer, while it is sent.
_PARTS = web.RequestKey("gateway_incremental_parts", IncrementalParts)


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
    graphql_transport_ws_handler_class = LiveTransportWSHandler
    websocket_adapter_class = TextWebSocketAdapter

    def __init__(
        self,
        schema: BaseSchema,
        *,
        state: AppState,
        live: LiveServer,
        graphql_ide: GraphQL_IDE | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=graphql_ide,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=dt.timedelta(seconds=state.settings.ws_init_timeout),
            max_subscriptions_per_connection=None,  # LiveTransportWSHandler's own rule
        )
        self.state = state
        self.live = live

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":  # as long as it lasts
            if not self.live.admit():
                return await refuse(request, "Too many connections; try again later.")
            return await self.run(request=request)
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
        if data is None:
            return None
        body = b'{"data":%s,"extensions":%s}' % (data, _dumps({"upstream": _HIT}))
        return web.Response(body=body, content_type="application/json")

    async def get_context(self, request: web.Request, response: Any) -> Context:
        explain = _explain(request)
        context = Context.create(
            self.state.settings, self.state.upstream, explain=explain, live=self.live.hub
        )
        request[_CONTEXT] = context
        return context

    async def create_websocket_response(
        self, request: web.Request, subprotocol: str | None
    ) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(
            protocols=[subprotocol] if subprotocol else [],
            heartbeat=self.state.settings.ws_ping_interval,
        )
        await ws.prepare(request)
        return ws

    async def _process_stream_result(
        self, request: web.Request, value: Any, all_pending: list[Any]
    ) -> tuple[GraphQLHTTPResponse, list[Any]]:
        """The parts of a ``@defer``/``@stream`` answer (:mod:`gateway.server.incremental`);
        never kept by the response cache, the request's cost in the first and last part."""
        if isinstance(value, InitialIncrementalExecutionResult):
            legacy = legacy_defer_spec(request.headers.get("Accept"))
            parts = request[_PARTS] = IncrementalParts(legacy=legacy)
            body = parts.initial(value)
        elif isinstance(value, SubsequentIncrementalExecutionResult):
            body = request[_PARTS].subsequent(value)
        else:
            return await super()._process_stream_result(request, value, all_pending)
        context = request.get(_CONTEXT)
        first = isinstance(value, InitialIncrementalExecutionResult)
        if context is not None and (first or not value.has_next):
            body["extensions"] = context.extensions()
            if not value.has_next:
                context.data.release()
        return body, all_pending  # type: ignore[return-value]

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
