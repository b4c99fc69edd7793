"""CORS for browser clients on other origins, from ``--cors-origins``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

__all__ = ["cors_middleware"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_ALLOW_HEADERS = "Content-Type, Authorization, X-Explain"


def cors_middleware(origins: str) -> Middleware:
    """Answer preflights and mark responses for the allowed origins (``*`` = any)."""
    allowed = {o.strip().rstrip("/") for o in origins.split(",") if o.strip()}

    def allow(origin: str | None) -> str | None:
        if origin is None or not allowed:
            return None
        if "*" in allowed:
            return "*"
        return origin if origin.rstrip("/") in allowed else None

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = allow(request.headers.get("Origin"))
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response: web.StreamResponse = web.Response(status=204)
            if origin is not None:
                response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = _ALLOW_HEADERS
                response.headers["Access-Control-Max-Age"] = "600"
        else:
            response = await handler(request)
        if origin is not None:
            response.headers["Access-Control-Allow-Origin"] = origin
            if origin != "*":
                response.headers["Vary"] = "Origin"
        return response

    return middleware
