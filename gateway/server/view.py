"""Strawberry's aiohttp view, with the gateway's context, errors and extensions."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiohttp import web
from cross_web import HTTPException
from graphql import ExecutionResult
from strawberry.aiohttp.views import GraphQLView

from gateway.context import Context
from gateway.server.errors import format_error, http_error_body
from gateway.server.state import AppState
from gateway.upstream.fetcher import Planned

__all__ = ["GatewayView"]


_CONTEXT = web.RequestKey("gateway_context", Context)


def _json(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


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
        return orjson.dumps(data)

    async def process_result(self, request: web.Request, result: ExecutionResult) -> dict[str, Any]:
        body: dict[str, Any] = {"data": result.data}
        context = request.get(_CONTEXT)
        errors = [format_error(e) for e in result.errors or ()]
        if context is not None and context.explain:
            errors = [e for e in errors if e["extensions"]["code"] != Planned.code]
        if errors:
            body["errors"] = errors
        extensions = dict(result.extensions or {})
        if context is not None:
            extensions.update(context.extensions())
        if extensions:
            body["extensions"] = extensions
        return body
