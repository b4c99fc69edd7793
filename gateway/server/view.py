"""Strawberry's aiohttp view, with the gateway's context, errors and extensions."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import time
from collections.abc import Mapping
from typing import Any, Final, NamedTuple, TypeGuard, cast

import orjson
from aiohttp import web
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, GraphQLSchema
from graphql.execution import (
    InitialIncrementalExecutionResult,
    SubsequentIncrementalExecutionResult,
)
from strawberry.aiohttp.views import GraphQLView
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.execution import ExecutionResult, PreExecutionError

from gateway.context import Context
from gateway.extensions.limits import max_body_bytes
from gateway.server.batching import BatchCosts, batch_too_costly, check_batch
from gateway.server.errors import format_error, http_error_body
from gateway.server.graphiql.page import GraphiQLPage
from gateway.server.http_cache import Validity, apply_http_cache, validity
from gateway.server.incremental import IncrementalParts, legacy_defer_spec
from gateway.server.live import LiveServer, LiveTransportWSHandler, TextWebSocketAdapter, refuse
from gateway.server.media import GRAPHQL_RESPONSE, negotiate
from gateway.server.observation import (
    note_codes,
    note_context,
    note_operation,
    note_response_cache,
)
from gateway.server.persisted import PersistedDocuments, PersistedQueryError, document_id_of
from gateway.server.state import AppState
from gateway.upstream.tally import Tally

__all__ = ["GatewayView"]


_CONTEXT = web.RequestKey("gateway_context", Context)
#: The response-cache key of the request's operation, when it has one.
_RESPONSE_KEY = web.RequestKey("gateway_response_key", str)
#: The parts of an incremental (``@defer``/``@stream``) answer, while it is sent.
_PARTS = web.RequestKey("gateway_incremental_parts", IncrementalParts)
#: The media type the answer is sent as (``media.negotiate``).
_MEDIA = web.RequestKey("gateway_media", str)
#: The response Strawberry fills in (its status is set from the result).
_SUB_RESPONSE = web.RequestKey("gateway_sub_response", web.Response)
#: How a GET answer may be reused by HTTP caches, once known.
_VALIDITY = web.RequestKey("gateway_validity", Validity)
#: A batch's contexts and response-cache keys, by ``id()`` of the result each produced.
_BATCH = web.RequestKey("gateway_batch", dict)


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


def _json(body: dict[str, Any], status: int, media: str = "application/json") -> web.Response:
    return web.Response(body=_dumps(body), status=status, content_type=media)


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true", "yes")


def _explain(request: web.Request) -> bool:
    return _truthy(request.headers.get("X-Explain")) or _truthy(request.query.get("explain"))


#: ``extensions.upstream`` of an answer the response cache gave: it cost nothing (an
#: untouched tally's report), and its JSON, written once for every hit.
_HIT: dict[str, object] = Tally().as_extension() | {"responseCache": "hit"}
_HIT_EXTENSIONS = orjson.dumps({"upstream": _HIT})


class _Operation(NamedTuple):
    document: str
    name: object
    variables: object
    #: Whether the request said all of it itself (no persisted document looked up).
    plain: bool


async def _operation(request: web.Request, documents: PersistedDocuments) -> _Operation | None:
    """The operation of a plain single-operation request.

    A persisted document is looked up (or registered) first.  Anything unusual (a
    batch, a body that is not JSON, variables that are not an object, a persisted
    query to refuse) is left to the normal path, which answers it or refuses it.
    """
    if request.method == "GET":
        params = request.query
        try:
            variables = orjson.loads(params["variables"]) if params.get("variables") else None
            extensions = orjson.loads(params["extensions"]) if params.get("extensions") else None
        except orjson.JSONDecodeError:
            return None
        payload: Any = {
            "query": params.get("query"),
            "operationName": params.get("operationName"),
            "variables": variables,
            "extensions": extensions,
        }
        if "documentId" in params or "doc_id" in params:
            payload["documentId"] = document_id_of(params)
    elif request.method != "POST" or request.content_type != "application/json":
        return None
    else:
        try:
            payload = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            return None
        if not isinstance(payload, dict):
            return None
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return None
    query = payload.get("query")
    extensions, document_id = payload.get("extensions"), document_id_of(payload)
    plain = extensions is None and document_id is None and not documents.only
    if not plain:
        try:
            query = await documents.resolve(query, extensions, document_id)
        except PersistedQueryError:
            return None
    if not isinstance(query, str):
        return None
    return _Operation(query, payload.get("operationName"), variables, plain)


class _Keyed(NamedTuple):
    """A request's response-cache key, with what the observers note of its operation."""

    key: str
    document: str
    name: object


class _RecentKeys:
    """The response-cache keys of recent requests, by their POST body or GET query string.

    A repeated request is answered from the response cache without decoding its JSON,
    normalising its document or hashing a key again: 6 % of what a hit costs (0.479 ->
    0.452 M instructions, counted by callgrind).  Only requests that say their whole
    operation are kept (a persisted document's id may come to name nothing), and only
    small ones; the oldest go first.
    """

    MAX_ENTRIES: Final = 512
    MAX_BYTES: Final = 4096

    def __init__(self) -> None:
        self._keys: dict[bytes | str, _Keyed] = {}

    def get(self, raw: bytes | str) -> _Keyed | None:
        return self._keys.get(raw)

    def put(self, raw: bytes | str, keyed: _Keyed) -> None:
        if len(raw) > self.MAX_BYTES:
            return
        keys = self._keys
        keys[raw] = keyed
        if len(keys) > self.MAX_ENTRIES:
            del keys[next(iter(keys))]


async def _raw_operation(request: web.Request) -> bytes | str | None:
    """What a request says its operation with: a JSON body or a query string."""
    if request.method == "GET":
        return request.query_string
    if request.method == "POST" and request.content_type == "application/json":
        return await request.read()
    return None


def _is_websocket(request: web.Request) -> bool:
    upgrade = request.headers.get("Upgrade")
    return upgrade is not None and upgrade.lower() == "websocket"


@dataclasses.dataclass
class _Named(GraphQLRequestData):
    """A request's operation, with the id it names its document by, if any."""

    document_id: object = None


def _status(media: str, result: ExecutionResult, errors: list[GraphQLError]) -> int:
    """200, or the 4xx of a request error (the operation did not run)."""
    persisted = [e for e in errors if isinstance(e, PersistedQueryError)]
    if any(e.malformed for e in persisted):
        return 400
    if media == GRAPHQL_RESPONSE and errors and _request_error(result):
        return persisted[0].status if persisted else 400
    return 200


def _request_error(result: ExecutionResult) -> bool:
    """Whether the operation never ran: no data (every root field but one is nullable)."""
    return isinstance(result, PreExecutionError) or result.data is None


class GatewayView(GraphQLView[Context, None]):
    graphql_transport_ws_handler_class = LiveTransportWSHandler
    websocket_adapter_class = TextWebSocketAdapter

    def __init__(
        self,
        schema: BaseSchema,
        *,
        state: AppState,
        documents: PersistedDocuments,
        live: LiveServer,
        graphiql: GraphiQLPage | None = None,
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
        self.documents = documents
        self.graphiql = graphiql
        graphql_schema = cast(GraphQLSchema, getattr(self.schema, "_schema"))  # noqa: B009
        self.batch_costs = BatchCosts(graphql_schema)
        #: No subscription type: no WebSocket endpoint either.
        self.subscriptions = graphql_schema.subscription_type is not None
        self._recent = _RecentKeys()
        #: Whether a response-cache look-up stays in this process's memory: it cannot
        #: outlast the request's deadline, so a hit arms no timer.
        self._local_lookups = state.settings.cache == "memory"

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if _is_websocket(request) and self.subscriptions:
            # A socket lives as long as its client wants: no request deadline, no HTTP cache.
            request[_MEDIA] = negotiate(request.headers.get("Accept"))
            if not self.live.admit():
                return await refuse(request, "Too many connections; try again later.")
            return await self.run(request=request)
        response = await self._answer(request)
        return apply_http_cache(request, response, request.get(_VALIDITY))

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        media = request[_MEDIA] = negotiate(request.headers.get("Accept"))
        if _is_websocket(request):
            message = "This endpoint has no subscriptions and takes no WebSocket; use GET or POST."
            return _json(http_error_body(400, message), 400, media)
        settings = self.state.settings
        local = self._local_lookups
        try:
            async with asyncio.timeout(None if local else settings.request_timeout) as deadline:
                cached = await self._cached(request)
                if cached is not None:
                    return cached
                if local:
                    loop = asyncio.get_running_loop()
                    deadline.reschedule(loop.time() + settings.request_timeout)
                return await self.run(request=request)
        except HTTPException as exc:
            return _json(http_error_body(exc.status_code, exc.reason), exc.status_code, media)
        except web.HTTPRequestEntityTooLarge:  # the body outgrew the app's client_max_size
            limit = max_body_bytes(self.state.settings)
            body = http_error_body(413, f"Request body larger than {limit} bytes.")
            return _json(body, 413, media)
        except TimeoutError:
            message = f"The request took longer than {self.state.settings.request_timeout:g} s."
            body = {
                "data": None,
                "errors": [{"message": message, "extensions": {"code": "UPSTREAM_TIMEOUT"}}],
            }
            return _json(body, 504, media)

    async def _cached(self, request: web.Request) -> web.Response | None:
        """The kept answer of the request's operation, if any (noting its key for later)."""
        responses = self.state.responses
        if responses is None or _explain(request):
            return None
        raw = await _raw_operation(request)
        keyed = None if raw is None else self._recent.get(raw)
        if keyed is None:
            operation = await _operation(request, self.documents)
            if operation is None:
                return None
            key = responses.key(operation.document, operation.name, operation.variables)
            if key is None:
                return None
            keyed = _Keyed(key, operation.document, operation.name)
            if raw is not None and operation.plain:
                self._recent.put(raw, keyed)
        request[_RESPONSE_KEY] = keyed.key
        found = await responses.lookup(keyed.key)
        note_response_cache(request, found is not None)
        if found is None:
            return None
        note_operation(request, keyed.document, keyed.name)
        data, fresh_for = found
        media = request[_MEDIA]
        if request.method == "GET":
            request[_VALIDITY] = validity(data, media, fresh_for)
        body = b'{"data":%s,"extensions":%s}' % (data, _HIT_EXTENSIONS)
        return web.Response(body=body, content_type=media)

    async def get_context(self, request: web.Request, response: Any) -> Context:
        context = self._context(request)
        request[_CONTEXT] = context
        note_context(request, context)
        return context

    def _context(self, request: web.Request) -> Context:
        explain = _explain(request)
        return Context.create(
            self.state.settings, self.state.upstream, explain=explain, live=self.live.hub
        )

    async def render_graphql_ide(self, request: web.Request) -> web.Response:
        if self.graphiql is None:
            return await super().render_graphql_ide(request)
        return web.Response(text=self.graphiql.html, content_type="text/html")

    async def get_sub_response(self, request: web.Request) -> web.Response:
        response = request[_SUB_RESPONSE] = web.Response(content_type=request[_MEDIA])
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: web.Response,
    ) -> web.Response:
        sub_response.body = _dumps(response_data)
        return sub_response

    def is_websocket_request(self, request: web.Request) -> TypeGuard[web.Request]:
        """aiohttp's full handshake check only for a request asking to upgrade: Strawberry
        asks twice per request, and the check costs more than a cached answer."""
        return (
            self.subscriptions and _is_websocket(request) and super().is_websocket_request(request)
        )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Not for a GET naming a persisted document (it has no ``query`` either)."""
        params = request.query_params
        named = "extensions" in params or document_id_of(params) is not None
        return not named and super().should_render_graphql_ide(request)

    # -- what a request asks: persisted documents and batches ------------------------

    async def parse_http_body(
        self, request_adapter: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request_adapter)
        if isinstance(parsed, list):
            if any(item.query is None for item in parsed):
                raw = self.parse_json(await request_adapter.get_body())
                return [_named(item, raw[i]) for i, item in enumerate(parsed)]
            return parsed
        if parsed.query is not None:
            return parsed
        if request_adapter.method == "GET":
            return _named(parsed, request_adapter.query_params)
        raw = self.parse_json(await request_adapter.get_body())
        return _named(parsed, raw)

    def _validate_batch_request(
        self, request_data: list[GraphQLRequestData], protocol: Any
    ) -> None:
        check_batch(request_data, self.state.settings)

    async def _resolved(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """``data`` with the document it names (persisted); raises PersistedQueryError."""
        document_id = data.document_id if isinstance(data, _Named) else None
        query = await self.documents.resolve(data.query, data.extensions, document_id)
        return data if query == data.query else dataclasses.replace(data, query=query)

    async def execute_single(
        self,
        request: web.Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: web.Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            request_data = await self._resolved(request_data)
        except PersistedQueryError as error:
            return PreExecutionError(data=None, errors=[error])
        note_operation(request, request_data.query, request_data.operation_name)
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    async def execute_operation(
        self,
        request: web.Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: web.Response,
    ) -> ExecutionResult | list[ExecutionResult]:
        if not isinstance(request_data, list):
            result = await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
            return cast(ExecutionResult, result)
        return await self._execute_batch(request, request_adapter, request_data, sub_response)

    async def _execute_batch(
        self,
        request: web.Request,
        request_adapter: AsyncHTTPRequestAdapter,
        items: list[GraphQLRequestData],
        sub_response: web.Response,
    ) -> list[ExecutionResult]:
        """Each operation as if it came alone, within the batch's cost budget."""
        settings = self.state.settings
        planned: list[GraphQLRequestData | ExecutionResult] = []
        spent = 0
        for item in items:
            try:
                resolved = await self._resolved(item)
            except PersistedQueryError as error:
                planned.append(PreExecutionError(data=None, errors=[error]))
                continue
            cost = self.batch_costs.cost(
                resolved.query, resolved.operation_name, resolved.variables, settings
            )
            if cost <= settings.max_cost < spent + cost:
                refusal = batch_too_costly(spent + cost, settings.max_cost)
                planned.append(PreExecutionError(data=None, errors=[refusal]))
                continue
            if cost <= settings.max_cost:  # over it alone: refused alone
                spent += cost
            planned.append(resolved)
        contexts: dict[int, tuple[Context, str | None]] = {}
        request[_BATCH] = contexts
        responses = None if _explain(request) else self.state.responses

        async def run(item: GraphQLRequestData | ExecutionResult) -> ExecutionResult:
            if isinstance(item, ExecutionResult):
                return item
            key = None
            if responses is not None and isinstance(item.query, str):
                key = responses.key(item.query, item.operation_name, item.variables)
                found = None if key is None else await responses.lookup(key)
                if found is not None:
                    return ExecutionResult(orjson.loads(found[0]), None, {"upstream": _HIT})
            context = self._context(request)
            try:
                result = await GraphQLView.execute_single(
                    self, request, request_adapter, sub_response, context, None, item
                )
            except HTTPException as exc:  # an operation name not found, no query...
                error = GraphQLError(exc.reason, extensions={"code": "BAD_REQUEST"})
                return PreExecutionError(data=None, errors=[error])
            contexts[id(result)] = (context, key)
            return result

        return list(await asyncio.gather(*(run(item) for item in planned)))

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
            if not value.has_next:  # the executor may still be winding down: not emptied
                context.release(executions=False)
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
        batch = request.get(_BATCH)
        if batch is None:
            context, key = request.get(_CONTEXT), request.get(_RESPONSE_KEY)
        else:
            context, key = batch.get(id(result), (None, None))
        media = request[_MEDIA]
        errors: list[object] = [format_error(e) for e in result.errors or ()]
        body: GraphQLHTTPResponse = {}
        if not (media == GRAPHQL_RESPONSE and errors and _request_error(result)):
            body["data"] = result.data
        if errors:
            body["errors"] = errors
            note_codes(request, errors)
        if batch is None:
            request[_SUB_RESPONSE].set_status(_status(media, result, list(result.errors or ())))
        extensions = dict(result.extensions or {})
        if context is not None:
            # With errors, work the executor started may still be settling: not emptied.
            context.release(executions=not result.errors)
            extensions.update(context.extensions())
            if key is not None:
                extensions["upstream"]["responseCache"] = "miss"
            await self._reuse(request, context, key, result, bool(errors))
        if extensions:
            body["extensions"] = extensions
        return body

    async def _reuse(
        self,
        request: web.Request,
        context: Context,
        key: str | None,
        result: ExecutionResult,
        failed: bool,
    ) -> None:
        """Keep the answer for the response cache and mark it for HTTP caches, if it may
        be served again."""
        tally = context.session.tally
        if failed or result.data is None or context.explain or tally.volatile or tally.stale:
            return
        responses = self.state.responses
        get = request.method == "GET"
        if not get and (key is None or responses is None):
            return
        try:
            data_json = orjson.dumps(result.data)
        except TypeError:
            return
        fresh_for = tally.reusable_for(time.time())
        if get:
            request[_VALIDITY] = validity(data_json, request[_MEDIA], fresh_for)
        if key is not None and responses is not None:
            await responses.put(key, data_json, ttl=fresh_for)


def _named(data: GraphQLRequestData, raw: object) -> GraphQLRequestData:
    """``data`` with the document id the raw request names, if any."""
    document_id = document_id_of(raw) if isinstance(raw, Mapping) else None
    if document_id is None:
        return data
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    return _Named(**fields, document_id=document_id)
