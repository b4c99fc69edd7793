"""CORS for browser clients on other origins, from ``--cors-origins``.

Browsers send a preflight before any request with a header outside the CORS
safelist; the headers below are those the gateway's clients send: Apollo Client's
name and version (for client awareness), W3C trace context, explain mode and the
conditional GET of a revalidation.  The preflight answer is kept for two hours
(Chromium's ceiling), so a page makes one per origin and header set, not one per
request.  ``ETag`` is exposed so that scripts can revalidate on their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Middleware

from gateway.server.http_cache import add_vary

__all__ = ["ALLOW_HEADERS", "cors_middleware"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ALLOW_HEADERS: Final = ", ".join(
    (
        "Content-Type",
        "Authorization",
        "X-Explain",
        "apollographql-client-name",
        "apollographql-client-version",
        "apollo-require-preflight",
        "traceparent",
        "tracestate",
        "If-None-Match",
    )
)
#: Seconds a browser may keep a preflight's answer.
MAX_AGE: Final = "7200"


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
                response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
                response.headers["Access-Control-Max-Age"] = MAX_AGE
        else:
            response = await handler(request)
            if origin is not None:
                response.headers["Access-Control-Expose-Headers"] = "ETag"
        if origin is not None:
            response.headers["Access-Control-Allow-Origin"] = origin
            if origin != "*":
                add_vary(response.headers, "Origin")
        return response

    return middleware
