"""Strawberry's aiohttp view, with the gateway's context, errors and extensions."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import orjson
from aiohttp import web
from cross_web import HTTPException
from strawberry.aiohttp.views import GraphQLView
from strawberry.http import GraphQLHTTPResponse
from strawberry.types.execution import ExecutionResult

from gateway.context import Context
from gateway.extensions.limits import max_body_bytes
from gateway.server.errors import format_error, http_error_body
from gateway.server.state import AppState

__all__ = ["GatewayView"]


_CONTEXT = web.RequestKey("gateway_context", Context)


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


class GatewayView(GraphQLView[Context, None]):
    def __init__(self, *args: Any, state: AppState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = state

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        try:
            async with asyncio.timeout(self.state.settings.request_timeout):
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

    async def get_context(self, request: web.Request, response: Any) -> Context:
        explain = _truthy(request.headers.get("X-Explain")) or _truthy(request.query.get("explain"))
        context = Context.create(self.state.settings, self.state.upstream, request, explain=explain)
        request[_CONTEXT] = context
        return context

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
            extensions.update(context.extensions())
        if extensions:
            body["extensions"] = extensions
        return body
